"""The offsets a worker processed and has yet to commit (at-least-once).

An offset is committed only after processing, and only once the sink holds the reports
of what it covers: a commit without its ``processed`` report would make the message
look lost after a kill. A crashed consumer commits nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable

from kafka import KafkaConsumer, OffsetAndMetadata, TopicPartition
from kafka.errors import KafkaError

from messaging.consumer.status import Status

log = logging.getLogger(__name__)
# Commit processed offsets at least this often (and on revoke and stop): bounds what a
# crash can cause to be redelivered without a commit round trip per poll.
COMMIT_EVERY_S = 0.2
COMMIT_TIMEOUT_MS = 3000


class Offsets:
    """Processed-but-uncommitted offsets per partition, and when they were last committed."""

    def __init__(self, name: str, status: Status, crashed: threading.Event) -> None:
        self._name, self._status, self._crashed = name, status, crashed
        self._pending: dict[TopicPartition, int] = {}
        self._last_commit = time.monotonic()

    def done(self, tp: TopicPartition, offset: int) -> None:
        """``offset`` of ``tp`` is processed: the next commit covers it."""
        self._pending[tp] = offset + 1

    def forget(self, partitions: Iterable[TopicPartition] | None = None) -> None:
        """Drop what is pending (of ``partitions``; all when None) uncommitted: its log is
        gone, or there is no generation left to commit it in. The next owner re-reads it."""
        if partitions is None:
            self._pending.clear()
            return
        for tp in partitions:
            self._pending.pop(tp, None)

    def take(
        self, partitions: set[TopicPartition] | None = None
    ) -> dict[TopicPartition, OffsetAndMetadata]:
        """Pending offsets (of ``partitions``), removed from pending; empty after a crash."""
        if self._crashed.is_set():
            return {}
        chosen = [tp for tp in self._pending if partitions is None or tp in partitions]
        self._last_commit = time.monotonic()
        return {tp: OffsetAndMetadata(self._pending.pop(tp), "", -1) for tp in chosen}

    def commit_if_due(self, consumer: KafkaConsumer | None) -> None:
        """Commit every COMMIT_EVERY_S, not after every poll: a commit round trip per
        poll cost up to 30% of throughput."""
        if time.monotonic() - self._last_commit >= COMMIT_EVERY_S:
            self.commit(consumer)

    def commit(self, consumer: KafkaConsumer | None) -> None:
        """Commit everything processed so far (worker thread only: it blocks)."""
        if consumer is None or not self._pending:
            return
        if not self._status.flush():
            log.warning("%s: reports not flushed; commit postponed", self._name)
            self._last_commit = time.monotonic()
            return
        offsets = self.take()
        try:
            # Bounded: without a timeout kafka-python retries a commit for ever (seen stuck
            # >90 s mid-rebalance in a chaos run, holding its partitions while heartbeating).
            consumer.commit(offsets, timeout_ms=COMMIT_TIMEOUT_MS)
        except KafkaError as exc:  # rebalancing: the next owner re-reads, flagged as redelivered
            log.warning("%s: commit failed (%s)", self._name, exc)
