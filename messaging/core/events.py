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

from messaging.core.reasons import Reason

# Consumer states, as the API and the window name them.
STARTING, ACTIVE, IDLE, STOPPED, CRASHED = "starting", "active", "idle", "stopped", "crashed"
# Presented, never reported: asked to stop and not gone yet (a graceful stop finishes its
# message and leaves the group; on tansu it first waits for a rebalance in progress).
STOPPING = "stopping"
# Delivery statuses. CONSUMED: read by a member that reports nothing (the spec's plain
# consumer.py), known once the group's committed offset passed the message.
PROCESSING, PROCESSED, FAILED, DEAD_LETTERED = "processing", "processed", "failed", "dead_lettered"
CONSUMED = "consumed"
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
    out_of_order: Reason | None = None  # set by the ledger: why it came out of key order
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
    reason: Reason | None = None  # why it ended: killed(signal=9), silent(seconds=3.5), ...
    group: str = ""
    # Its membership as the broker knows it: the member id and the generation of the
    # assignment it holds (reported by the consumer itself; -1 before its first).
    member_id: str = ""
    generation: int = -1
    client_id: str = ""
    # Where ``partitions`` comes from, set by the group model when it presents the member:
    # "reported" (the consumer said so), "leader" (the assignment one of the app's
    # consumers computed as group leader), "broker" (DescribeGroups), "inferred" (a guess).
    assignment_source: str = ""

    @property
    def note(self) -> str:
        """The reason in English ("" without one): logs and the REST API."""
        return self.reason.english() if self.reason else ""

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
            "reason": self.reason.as_json() if self.reason else None,
            "group": self.group,
            "client_id": self.client_id,
            "member_id": self.member_id,
            "generation": self.generation,
            "assignment_source": self.assignment_source or None,
        }


@dataclass(frozen=True)
class GroupChange:
    """A membership or assignment change: join, assigned, revoked, stop, crash, removed
    (a dead member forgotten: its card goes).

    The group model also announces "moved" (consumer 0: what a rebalance moved) and the
    assignments it learns for members that report nothing ("assigned" / "revoked").
    """

    kind: str
    consumer_id: int
    partitions: tuple[int, ...] = ()
    at: float = field(default_factory=time.time)
    group: str = ""


@dataclass(frozen=True)
class GroupAssignment:
    """The whole assignment of one generation, as the group's leader computed it.

    Only the leader knows every member's partitions (DescribeGroups leaves them out on
    tansu), so when one of the app's consumers leads the group it reports this; the app
    then knows what members that report nothing were given. ``assignment`` maps the
    broker's member ids to partition numbers of ``topic``.
    """

    group: str
    topic: str
    generation: int
    assignment: dict[str, tuple[int, ...]]
    leader: str = ""  # the reporting consumer's uid
    at: float = field(default_factory=time.time)


Listener = Callable[[object], None]
_WIRE_TYPES: dict[str, type] = {
    "delivery": Delivery,
    "snapshot": ConsumerSnapshot,
    "change": GroupChange,
    "assignment": GroupAssignment,
}
_WIRE_NAMES = {cls: name for name, cls in _WIRE_TYPES.items()}
_REASON_FIELDS = ("reason", "out_of_order")


def to_wire(event: object) -> dict[str, Any]:
    """One event as a JSON-ready dict: the schema every consumer reports with."""
    data = {"type": _WIRE_NAMES[type(event)], **event.__dict__}
    for name in _REASON_FIELDS:
        if isinstance(data.get(name), Reason):
            data[name] = data[name].as_json()
    return data


def from_wire(data: dict[str, Any]) -> object:
    """The event a :func:`to_wire` dict describes; raises ``ValueError`` when it is not one."""
    try:
        cls = _WIRE_TYPES[data.pop("type")]
        if "partitions" in data:
            data["partitions"] = tuple(data["partitions"])
        for name in _REASON_FIELDS:
            if name in data:
                data[name] = Reason.from_json(data[name])
        if cls is GroupAssignment:
            data["assignment"] = {str(m): tuple(p) for m, p in dict(data["assignment"]).items()}
        return cls(**data)
    except (KeyError, TypeError, AttributeError) as exc:
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
