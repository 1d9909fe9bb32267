"""What a worker does when the group moves partitions to or from it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from kafka import AsyncConsumerRebalanceListener, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from messaging.consumer.joining import JoinGuard
from messaging.consumer.offsets import COMMIT_TIMEOUT_MS, Offsets
from messaging.consumer.status import Status
from messaging.core import kafka_compat
from messaging.core.events import ACTIVE, IDLE

log = logging.getLogger(__name__)


class Rebalances(AsyncConsumerRebalanceListener):
    """Runs on kafka-python's IO thread, while the worker thread waits inside poll().

    kafka-python 3 forbids blocking consumer calls there, so the commit of what was
    processed before the partitions go is awaited on the IO loop instead. Flushing the
    sink blocks only on the sink's own producer, never on this consumer.
    """

    def __init__(
        self,
        status: Status,
        offsets: Offsets,
        join_guard: JoinGuard,
        crashed: threading.Event,
        consumer: Callable[[], KafkaConsumer | None],
    ) -> None:
        self._status, self._offsets, self._join_guard = status, offsets, join_guard
        self._crashed, self._consumer = crashed, consumer

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        offsets = self._offsets.take(revoked)
        consumer = self._consumer()
        if offsets and consumer is not None and self._status.flush():
            try:
                await kafka_compat.commit_on_io_loop(consumer, offsets, COMMIT_TIMEOUT_MS)
            except KafkaError as exc:  # the next owner re-reads them, flagged as redelivered
                log.warning("%s: commit before revoke failed (%s)", self._status.snapshot.name, exc)
        if self._crashed.is_set():
            return
        self._status.change("revoked", numbers(revoked))
        # Eager assignors revoke everything (a cooperative one only what moves).
        kept = tuple(p for p in self._status.snapshot.partitions if p not in numbers(revoked))
        self._status.update(partitions=kept, joining=True)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self._join_guard.joined()
        if self._crashed.is_set():
            return
        # Eager assignors hand out the whole new set (a cooperative one only what is new).
        parts = tuple(sorted({*self._status.snapshot.partitions, *numbers(assigned)}))
        consumer = self._consumer()
        membership = consumer.group_metadata() if consumer is not None else None
        self._status.update(
            partitions=parts,
            state=ACTIVE if parts else IDLE,
            joining=False,
            member_id=membership.member_id if membership else "",
            generation=membership.generation_id if membership else -1,
        )
        self._status.change("assigned", parts)


def numbers(tps: set[TopicPartition]) -> tuple[int, ...]:
    """The partition numbers of ``tps``, in order."""
    return tuple(sorted(tp.partition for tp in tps))
