"""The consumer group as the app runs it: workers added, stopped and crashed at runtime."""

from __future__ import annotations

import itertools
import threading
import time

from messaging.events import CRASHED, STOPPED, ConsumerSnapshot, GroupChange
from messaging.worker import ConsumerWorker, Shared

STABLE, REBALANCING, EMPTY = "Stable", "Rebalancing", "Empty"


class UnknownConsumer(KeyError):
    """No consumer with that id."""


class Fleet:
    """Owns the worker threads. Thread-safe; stopped and crashed workers stay listed."""

    def __init__(self, shared: Shared) -> None:
        self.shared = shared
        self._workers: dict[int, ConsumerWorker] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.rebalances = 0
        self._in_rebalance = False
        self._unsubscribe = shared.hub.subscribe(self._count_rebalances)

    def add(self, processing_ms: int | None = None, failure_rate: float = 0.0) -> ConsumerSnapshot:
        """Start one more consumer in the group; the group rebalances to include it."""
        delay = self.shared.settings.processing_ms if processing_ms is None else processing_ms
        with self._lock:
            worker = ConsumerWorker(next(self._ids), self.shared, delay, failure_rate)
            self._workers[worker.wid] = worker
        self.shared.hub.publish(GroupChange("join", worker.wid))
        self.shared.hub.publish(worker.snapshot)
        worker.start()
        return worker.snapshot

    def worker(self, wid: int) -> ConsumerWorker:
        with self._lock:
            try:
                return self._workers[wid]
            except KeyError:
                raise UnknownConsumer(wid) from None

    def stop(self, wid: int, wait: float | None = 5.0) -> ConsumerSnapshot:
        """Graceful stop; with ``wait`` blocks until it has left the group."""
        worker = self.worker(wid)
        worker.stop()
        if wait:
            worker.join(wait)
        return worker.snapshot

    def crash(self, wid: int) -> ConsumerSnapshot:
        """Kill a consumer without commit or LeaveGroup; the broker finds out at expiry."""
        worker = self.worker(wid)
        if worker.alive:
            worker.crash()
        return worker.snapshot

    def configure(
        self, wid: int, processing_ms: int | None = None, failure_rate: float | None = None
    ) -> ConsumerSnapshot:
        worker = self.worker(wid)
        worker.configure(processing_ms, failure_rate)
        return worker.snapshot

    def snapshots(self) -> list[ConsumerSnapshot]:
        with self._lock:
            return [w.snapshot for w in self._workers.values()]

    def live(self) -> list[ConsumerWorker]:
        with self._lock:
            return [w for w in self._workers.values() if w.alive]

    def group_state(self) -> str:
        """Stable / Rebalancing / Empty, as seen from this app's own members.

        A crashed member that the broker has not expired yet still counts: until its
        session ends the group is waiting on it.
        """
        live = self.live()
        if not live:
            return EMPTY
        now = time.time()
        if any(w.joining for w in live) or any(
            s.state == CRASHED and s.crashed_at and now - s.crashed_at < s.session_timeout_ms / 1000
            for s in self.snapshots()
        ):
            return REBALANCING
        return STABLE

    def owners(self) -> dict[int, ConsumerSnapshot]:
        """partition -> the live consumer that owns it."""
        return {p: s for s in (w.snapshot for w in self.live()) for p in s.partitions}

    def _count_rebalances(self, event: object) -> None:
        """One rebalance = from the first member (re)joining until all are assigned."""
        if not isinstance(event, GroupChange):
            return
        if event.kind in ("join", "revoked") and not self._in_rebalance:
            self._in_rebalance = True
            self.rebalances += 1
        elif event.kind == "assigned" and not any(w.joining for w in self.live()):
            self._in_rebalance = False

    def close(self, timeout: float = 8.0) -> None:
        """Stop every worker (in parallel) and wait for their threads."""
        with self._lock:
            workers = list(self._workers.values())
        for w in workers:
            if w.snapshot.state != STOPPED:
                w.stop()
        deadline = time.monotonic() + timeout
        for w in workers:
            w.join(max(deadline - time.monotonic(), 0.1))
        self._unsubscribe()
