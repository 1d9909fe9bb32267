"""What the core reports to its observers (window, API, tests).

Events are immutable dataclasses published on whichever thread produced them
(producer callers, consumer worker threads). Observers must be quick and must not
touch GUI objects directly: the window queues them onto its own thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Consumer states, as the API and the window name them.
STARTING, ACTIVE, IDLE, STOPPED, CRASHED = "starting", "active", "idle", "stopped", "crashed"
# Delivery statuses.
PROCESSING, PROCESSED, FAILED, DEAD_LETTERED = "processing", "processed", "failed", "dead_lettered"
# Where a consumer runs: a thread of the app, a child process the app started, a process
# started by hand (``python -m messaging.consumer``) that reports, or a group member that
# reports nothing (the spec's plain consumer.py), known only from the broker.
THREAD, PROCESS, REMOTE, OUTSIDE = "thread", "process", "remote", "outside"
KINDS = (THREAD, PROCESS, REMOTE, OUTSIDE)


@dataclass(frozen=True)
class SentMessage:
    """A record the app produced and the broker acknowledged."""

    message_id: str
    key: str | None
    value: Any
    topic: str
    partition: int
    offset: int
    at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class Delivery:
    """One processing attempt of one record by one consumer."""

    message_id: str
    consumer_id: int
    consumer: str
    key: str | None
    partition: int
    offset: int
    attempt: int
    redelivered: bool
    status: str
    at: float = field(default_factory=time.time)
    error: str | None = None
    value: Any = None
    out_of_order: str | None = None  # set by the ledger: why it was processed out of key order
    group: str = ""  # the consumer group of the consumer
    topic: str = ""


@dataclass(frozen=True)
class ConsumerSnapshot:
    """The state of one consumer worker at one moment."""

    id: int
    name: str
    state: str
    partitions: tuple[int, ...]
    processed: int
    in_flight: str | None
    processing_ms: int
    failure_rate: float
    crashed_at: float | None = None
    session_timeout_ms: int = 6000
    kind: str = THREAD
    uid: str = ""
    host: str = ""
    pid: int | None = None
    joining: bool = True  # between JoinGroup and its assignment: the group rebalances
    note: str = ""  # what the app found out: "killed by SIGKILL", "silent for 3 s", ...
    group: str = ""

    def as_json(self) -> dict[str, Any]:
        """The API's representation of a consumer."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "host": self.host,
            "pid": self.pid,
            "state": self.state,
            "partitions": list(self.partitions),
            "processed": self.processed,
            "in_flight": self.in_flight,
            "processing_ms": self.processing_ms,
            "failure_rate": self.failure_rate,
            "crashed_at": self.crashed_at,
            "note": self.note,
            "group": self.group,
        }


@dataclass(frozen=True)
class GroupChange:
    """A membership or assignment change: join, assigned, revoked, stop, crash, removed
    (a dead member forgotten: its card goes)."""

    kind: str
    consumer_id: int
    partitions: tuple[int, ...] = ()
    at: float = field(default_factory=time.time)
    group: str = ""


Listener = Callable[[object], None]
_WIRE_TYPES: dict[str, type] = {
    "delivery": Delivery,
    "snapshot": ConsumerSnapshot,
    "change": GroupChange,
}
_WIRE_NAMES = {cls: name for name, cls in _WIRE_TYPES.items()}


def to_wire(event: object) -> dict[str, Any]:
    """One event as a JSON-ready dict: the schema every consumer reports with."""
    return {"type": _WIRE_NAMES[type(event)], **event.__dict__}


def from_wire(data: dict[str, Any]) -> object:
    """The event a :func:`to_wire` dict describes; raises ``ValueError`` when it is not one."""
    try:
        cls = _WIRE_TYPES[data.pop("type")]
        if "partitions" in data:
            data["partitions"] = tuple(data["partitions"])
        return cls(**data)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not an event: {exc}") from None


class EventHub:
    """Fan-out of core events to listeners; safe to publish from any thread."""

    def __init__(self) -> None:
        self._listeners: tuple[Listener, ...] = ()
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns the function that removes it again."""
        with self._lock:
            self._listeners = (*self._listeners, listener)

        def unsubscribe() -> None:
            with self._lock:
                self._listeners = tuple(x for x in self._listeners if x is not listener)

        return unsubscribe

    def publish(self, event: object) -> None:
        """Hand ``event`` to every listener on the calling thread.

        A failing listener is reported and skipped: one bad observer must not stop a
        consumer thread.
        """
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:  # observers are outside our control
                logging.getLogger(__name__).exception("event listener failed")
