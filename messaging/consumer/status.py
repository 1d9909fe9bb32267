"""What a worker tells its home: its snapshot, each attempt, each change of partitions.

The snapshot is read from any thread and replaced, never mutated, under a lock; every
change goes to the sink at once, so whoever watches sees the same sequence of states.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from messaging.core.events import CRASHED, ConsumerSnapshot, GroupAssignment, GroupChange

if TYPE_CHECKING:
    from messaging.consumer.records import Incoming

FLUSH_TIMEOUT_S = 3.0


class Sink(Protocol):
    """Where a worker reports its events (deliveries, snapshots, group changes)."""

    def report(self, event: object) -> None:
        """Take one event; must not block on I/O."""

    def flush(self, timeout: float) -> bool:
        """Make every event reported so far durable where the app reads it.

        The worker commits offsets only after this returned True, so that a committed
        offset always has its ``processed`` report.
        """


class Status:
    """The worker's snapshot and its reports, in the order they happened."""

    def __init__(self, snapshot: ConsumerSnapshot, sink: Sink) -> None:
        self._snapshot = snapshot
        self.sink = sink
        self._lock = threading.Lock()

    @property
    def snapshot(self) -> ConsumerSnapshot:
        """The latest snapshot (any thread)."""
        return self._snapshot

    @property
    def group(self) -> str:
        return self._snapshot.group

    def update(self, **changes: object) -> None:
        """Replace fields of the snapshot and report it (any thread)."""
        with self._lock:
            if self._snapshot.state == CRASHED and "state" in changes:
                changes.pop("state")  # a crashed consumer stays crashed
            self._snapshot = replace(self._snapshot, **changes)
        self.sink.report(self._snapshot)

    def announce(self) -> None:
        """Report the snapshot as it is: the first thing a starting worker says."""
        self.sink.report(self._snapshot)

    def attempt(
        self, incoming: Incoming, attempt: int, status: str, error: str | None = None
    ) -> None:
        """Report one processing attempt of ``incoming``."""
        snap = self._snapshot
        self.sink.report(incoming.delivery(snap.name, snap.id, attempt, status, error, snap.group))

    def change(self, kind: str, partitions: tuple[int, ...]) -> None:
        """Report partitions assigned, revoked, or dropped by a stop or a crash."""
        self.sink.report(GroupChange(kind, self._snapshot.id, partitions, group=self.group))

    def table(self, generation: int, topic: str, table: dict[str, tuple[int, ...]]) -> None:
        """This consumer led the group: report who got what (see messaging.clients.assignment)."""
        snap = self._snapshot
        self.sink.report(GroupAssignment(snap.group, topic, generation, table, snap.uid))

    def flush(self, timeout: float = FLUSH_TIMEOUT_S) -> bool:
        """Make the reports so far durable (see :meth:`Sink.flush`)."""
        return self.sink.flush(timeout)
