"""Fetch positions a reader must correct: a log which is gone, and a hole in a log.

**A log which is gone** (a broker came back empty).

tansu keeps everything in memory, so after it restarts every topic is new (the app or a
client recreates it) and every log begins again at 0. A consumer that keeps its
partitions through the rebalance keeps its old positions (kafka-python 3 preserves the
state of partitions it still owns), and kafka-python fetches by topic name, so it goes on
reading the new log from its old offset:

- while the new log is shorter, tansu answers with no records and no error (Apache Kafka
  would answer OFFSET_OUT_OF_RANGE and kafka-python would apply ``auto_offset_reset``);
  measured, a consumer at offset 5 of a two-record log waits for ever;
- once it is longer, every record below the old offset is skipped.

:class:`LogWatch` sends such partitions back to the start of the new log. It knows them
by the topic's id in the cluster metadata (a recreated topic gets a new one) and, as a
second sign, by a position past the high watermark of the last fetch response (the true
end of the log; tansu's ListOffsets is not: it answers inside the last batch).

**A hole** (a record not visible yet). tansu can make a record visible before one with a
lower offset that it gave another producer's request. Seen in the chaos test: the app's
activity reader fetched offset 1107 of a partition that seven consumer processes write
to, 1106 was acknowledged to its producer 2 ms later, and the reader, already past it,
never read it (the committed offsets of those reports' deliveries made their messages
look lost). :class:`HoleGuard` holds a reader at such a hole until it fills.

Both are tansu's: the profile applies them where its policy says the broker needs them
(``shows_offset_holes``, ``keeps_logs_across_restart``), and :class:`NoHoleGuard` and
:class:`NoLogWatch` elsewhere.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from kafka import KafkaConsumer, TopicPartition

from messaging.core import kafka_compat

log = logging.getLogger(__name__)
HOLE_WAIT_S = 2.0  # how long a hole may stay before it is taken as real and read past


class LogWatch:
    """One per consumer; :meth:`rewind` is cheap enough to call after every poll."""

    def __init__(self) -> None:
        self._ids: dict[str, uuid.UUID] = {}  # the topic id each topic was first read under

    def rewind(self, consumer: KafkaConsumer) -> list[TopicPartition]:
        """Seek the partitions of a gone log to the start of the new one; return them.

        It reads a few partition states and sends nothing unless one moves (then
        kafka-python looks up the start on its next poll).
        """
        states = kafka_compat.positions(consumer)
        recreated = self._recreated(consumer, {s.tp.topic for s in states})
        moved = [
            s.tp
            for s in states
            if s.tp.topic in recreated
            or (s.highwater is not None and s.position is not None and s.position > s.highwater)
        ]
        if moved:
            consumer.seek_to_beginning(*moved)
        return moved

    def _recreated(self, consumer: KafkaConsumer, topics: set[str]) -> set[str]:
        changed = set()
        for topic in topics:
            now = kafka_compat.topic_id(consumer, topic)
            if now is None:
                continue
            if self._ids.setdefault(topic, now) != now:
                self._ids[topic] = now
                changed.add(topic)
        return changed


class _Record(Protocol):
    @property
    def offset(self) -> int: ...


R = TypeVar("R", bound=_Record)


class HoleGuard:
    """Hands out each partition's records in offset order, without holes.

    The offsets of a topic written without transactions and never compacted have no
    holes on Apache Kafka, so a hole is a record that is not visible yet: the reader
    goes back to it (:meth:`admit` returns its offset) and meanwhile skips what it
    already handled. A hole still open after ``wait_s`` is taken as real (a
    transaction marker, say), logged and read past.
    """

    def __init__(
        self, wait_s: float = HOLE_WAIT_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.wait_s, self._clock = wait_s, clock
        self._next: dict[TopicPartition, int] = {}  # the offset each partition needs next
        self._open_since: dict[TopicPartition, float] = {}

    def forget(self, tp: TopicPartition) -> None:
        """The partition starts elsewhere (a seek): take its next record as it comes."""
        self._next.pop(tp, None)
        self._open_since.pop(tp, None)

    def admit(self, tp: TopicPartition, records: Sequence[R]) -> tuple[list[R], int | None]:
        """The records to handle now, and the offset to read again from (a hole) or None."""
        expected, fresh = self._next.get(tp), []
        for record in records:
            if expected is not None and record.offset < expected:
                continue  # read again after a hole: already handled
            hole = expected is not None and record.offset > expected
            if hole and not self._give_up(tp, expected):
                self._next[tp] = expected
                return fresh, expected
            self._open_since.pop(tp, None)
            fresh.append(record)
            expected = record.offset + 1
        if expected is not None:
            self._next[tp] = expected
        return fresh, None

    def _give_up(self, tp: TopicPartition, missing: int) -> bool:
        """True once the hole at ``missing`` has been open for ``wait_s``: read past it."""
        now = self._clock()
        if tp not in self._open_since:
            self._open_since[tp] = now
            return False
        if now - self._open_since[tp] < self.wait_s:
            return False
        log.warning(
            "%s: offset %s never became readable in %.1f s; reading past it",
            tp,
            missing,
            self.wait_s,
        )
        return True


class NoHoleGuard:
    """Apache Kafka: a record is visible only once every lower offset is, so a reader
    takes records as they come (the interface of :class:`HoleGuard`)."""

    def forget(self, tp: TopicPartition) -> None:
        """Nothing is remembered."""

    def admit(self, tp: TopicPartition, records: Sequence[R]) -> tuple[list[R], int | None]:
        return list(records), None


class NoLogWatch:
    """Apache Kafka keeps its logs across a restart, and answers a fetch past a log's end
    with OFFSET_OUT_OF_RANGE (kafka-python then applies ``auto_offset_reset``): nothing
    to watch (the interface of :class:`LogWatch`)."""

    def rewind(self, consumer: KafkaConsumer) -> list[TopicPartition]:
        return []
