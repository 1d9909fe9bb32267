"""Fetch positions left past the end of a log by a broker that came back empty.

Apache Kafka answers a fetch past the end of a partition with OFFSET_OUT_OF_RANGE, and
kafka-python then applies ``auto_offset_reset``. tansu answers it with no records and no
error: measured, a consumer at offset 5 of a two-record log waits for ever. tansu keeps
everything in memory, so after it restarts every log begins again at 0, while a consumer
that keeps its partitions through the rebalance keeps its old positions (kafka-python 3
preserves the state of partitions it still owns). It would then wait, silent, until the
new log grew past its old position, and never see the messages before it.

:func:`rewind_past_end` does what Kafka's error would have made kafka-python do. The
last fetch response's high watermark is the true end of the log (tansu's ListOffsets is
not: it answers inside the last batch), and a position is never past it unless the log
itself went back.
"""

from __future__ import annotations

from kafka import KafkaConsumer, TopicPartition


def past_end(consumer: KafkaConsumer) -> list[TopicPartition]:
    """Assigned partitions whose position is beyond the high watermark last fetched."""
    subscription = consumer._subscription  # noqa: SLF001 - position() would block on the broker
    with subscription._lock:  # noqa: SLF001 - the IO thread reassigns under this lock
        states = list(subscription.assignment.items())
    return [
        tp
        for tp, state in states
        if state.highwater is not None
        and state.has_valid_position
        and state.position.offset > state.highwater
    ]


def rewind_past_end(consumer: KafkaConsumer) -> list[TopicPartition]:
    """Send partitions positioned past their log's end back to its start; return them.

    Cheap enough for every poll: it reads a few partition states and sends nothing unless
    one is past the end (then kafka-python looks up the start on its next poll).
    """
    moved = past_end(consumer)
    if moved:
        consumer.seek_to_beginning(*moved)
    return moved
