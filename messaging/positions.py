"""Fetch positions that belong to a log which is gone: a broker came back empty.

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
"""

from __future__ import annotations

import uuid

from kafka import KafkaConsumer, TopicPartition


class LogWatch:
    """One per consumer; :meth:`rewind` is cheap enough to call after every poll."""

    def __init__(self) -> None:
        self._ids: dict[str, uuid.UUID] = {}  # the topic id each topic was first read under

    def rewind(self, consumer: KafkaConsumer) -> list[TopicPartition]:
        """Seek the partitions of a gone log to the start of the new one; return them.

        It reads a few partition states and sends nothing unless one moves (then
        kafka-python looks up the start on its next poll).
        """
        subscription = consumer._subscription  # noqa: SLF001 - position() would block
        with subscription._lock:  # noqa: SLF001 - the IO thread reassigns under this lock
            states = list(subscription.assignment.items())
        recreated = self._recreated(consumer, {tp.topic for tp, _ in states})
        moved = [
            tp
            for tp, state in states
            if tp.topic in recreated
            or (
                state.highwater is not None
                and state.has_valid_position
                and state.position.offset > state.highwater
            )
        ]
        if moved:
            consumer.seek_to_beginning(*moved)
        return moved

    def _recreated(self, consumer: KafkaConsumer, topics: set[str]) -> set[str]:
        cluster = consumer._cluster  # noqa: SLF001 - its topic_id() is public
        changed = set()
        for topic in topics:
            now = cluster.topic_id(topic)
            if now is None:
                continue
            if self._ids.setdefault(topic, now) != now:
                self._ids[topic] = now
                changed.add(topic)
        return changed
