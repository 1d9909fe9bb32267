"""In-process record of every message sent and every delivery, bounded in memory.

It answers the questions the demo is about: which consumer processed message X,
how many were processed more than once, how many each consumer did. Totals are
exact counters; per-message detail is kept for the newest ``capacity`` messages.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any

from messaging.core import reasons
from messaging.core.events import (
    CONSUMED,
    DEAD_LETTERED,
    FAILED,
    PROCESSED,
    PROCESSING,
    Delivery,
    SentMessage,
)
from messaging.core.reasons import Reason

# What /api/stats counts. sent + unacknowledged + elsewhere are the distinct messages:
# acknowledged sends, sends answered 503 that reached the topic anyway, and messages of
# other producers; "consumed_outside" are deliveries to members that report nothing.
TOTALS = (
    "sent",
    "unacknowledged",
    "elsewhere",
    "processed",
    "redelivered",
    "duplicates",
    "dead_lettered",
    "consumed_outside",
    "failed_attempts",
)


@dataclass
class MessageRecord:
    """What the ledger knows of one message."""

    message_id: str
    partition: int
    offset: int
    key: str | None = None
    value: Any = None
    sent_at: float | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    topic: str = ""
    processed_times: int = 0  # by every group
    processed_by: Counter[str] = field(default_factory=Counter)  # group -> times
    out_of_order: Reason | None = None
    # "app": sent here and acknowledged; "unacknowledged": sent here, answered 503, yet in
    # the topic (the broker wrote it before it failed); "elsewhere": another producer's.
    origin: str = ""

    @property
    def status(self) -> str:
        """Outcome of the newest delivery; ``sent`` before any consumer saw it."""
        return self.deliveries[-1].status if self.deliveries else "sent"

    def as_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "partition": self.partition,
            "offset": self.offset,
            "key": self.key,
            "value": self.value,
            "sent_at": self.sent_at,
            "origin": self.origin,
            "status": self.status,
            "out_of_order": self.out_of_order.english() if self.out_of_order else None,
            "deliveries": [_delivery_json(d) for d in self.deliveries],
        }


def _delivery_json(d: Delivery) -> dict[str, Any]:
    return {
        "consumer": d.consumer,
        "consumer_id": d.consumer_id,
        "partition": d.partition,
        "offset": d.offset,
        "attempt": d.attempt,
        "redelivered": d.redelivered,
        "status": d.status,
        "at": d.at,
        "error": d.error,
        "out_of_order": d.out_of_order.english() if d.out_of_order else None,
    }


class Ledger:
    """Thread-safe; called from request threads and every consumer thread."""

    def __init__(self, capacity: int = 100_000) -> None:
        self.capacity = capacity
        self._lock = threading.Lock()
        self._messages: OrderedDict[str, MessageRecord] = OrderedDict()
        # (topic, partition) -> offset -> message id, for the kept messages that were sent:
        # what a member that reports nothing consumed is known by position only.
        self._at: dict[tuple[str, int], dict[int, str]] = {}
        self._totals: Counter[str] = Counter()
        self._per_consumer: Counter[str] = Counter()
        self._order = OrderWatch()
        self._own_prefix: str | None = None
        self._unacknowledged: dict[str, None] = {}  # answered 503, not seen by a consumer

    def issuing(self, prefix: str) -> None:
        """The prefix of every id this app's producer gives. A message seen with another
        id, or with none, was produced elsewhere (another producer, an earlier run)."""
        self._own_prefix = prefix

    def record_sent(self, sent: SentMessage) -> None:
        with self._lock:
            self._totals["sent"] += 1
            record = self._record(sent.message_id, sent.topic, sent.partition, sent.offset)
            record.key, record.value, record.sent_at = sent.key, sent.value, sent.at
            record.origin = "app"
            self._at.setdefault((sent.topic, sent.partition), {})[sent.offset] = sent.message_id
            # Newest-first means in send order, even when a fast consumer reported the
            # message before the producer's acknowledgement was recorded.
            self._messages.move_to_end(record.message_id)

    def record_unacknowledged(self, message_ids: list[str]) -> None:
        """Sends the broker did not acknowledge (answered 503). Each may still be in the
        topic: the broker can write a record and fail before it answers. Only those a
        consumer sees are counted, so the totals add up to what was consumed."""
        with self._lock:
            for message_id in message_ids:
                record = self._messages.get(message_id)
                if record is None:  # not seen yet: marked if a consumer ever reports it
                    self._unacknowledged[message_id] = None
                    while len(self._unacknowledged) > self.capacity:
                        del self._unacknowledged[next(iter(self._unacknowledged))]
                elif record.origin == "":
                    self._mark(record, "unacknowledged")

    def _mark(self, record: MessageRecord, origin: str) -> None:
        """Called under the lock, once a consumer has seen the record."""
        record.origin = origin
        self._totals[origin] += 1

    def record_deliveries(self, deliveries: list[Delivery]) -> list[tuple[Delivery, bool]]:
        """:meth:`record_delivery` for a consumer's whole report, under one lock."""
        with self._lock:
            return [self._record_delivery(d) for d in deliveries]

    def record_delivery(self, delivery: Delivery) -> tuple[Delivery, bool]:
        """Record one attempt; returns it as recorded, and whether it starts an attempt.

        The ledger, not the consumer, decides whether a delivery is a redelivery: only
        it has seen every consumer's attempts, wherever they ran. A first attempt is a
        redelivery when someone already started the record before; later attempts
        (retries) inherit the flag of the attempt they retry.
        """
        with self._lock:
            return self._record_delivery(delivery)

    def _record_delivery(self, delivery: Delivery) -> tuple[Delivery, bool]:
        """Called under the lock."""
        record = self._record(
            delivery.message_id, delivery.topic, delivery.partition, delivery.offset
        )
        if not record.origin:
            if not self.issued_here(delivery.message_id):
                self._mark(record, "elsewhere")
            elif self._unacknowledged.pop(delivery.message_id, 0) is None:
                self._mark(record, "unacknowledged")
        if record.key is None:
            record.key = delivery.key
        if record.value is None:
            record.value = delivery.value
        group = [i for i, d in enumerate(record.deliveries) if d.group == delivery.group]
        last = record.deliveries[group[-1]] if group else None
        same_attempt = (
            last is not None
            and last.status == PROCESSING
            and last.consumer_id == delivery.consumer_id
            and last.attempt == delivery.attempt
        )
        earlier = [record.deliveries[i] for i in (group[:-1] if same_attempt else group)]
        delivery = _flag(earlier, delivery)
        if delivery.status == PROCESSED:
            delivery = self._order.check(record, delivery)
        if same_attempt:
            del record.deliveries[group[-1]]  # superseded: one entry per attempt
        record.deliveries.append(delivery)
        if delivery.status != PROCESSING:
            self._count(record, delivery)
        return delivery, not same_attempt

    def issued_here(self, message_id: str) -> bool:
        """Whether this app's producer gave the id (True until it has one)."""
        prefix = self._own_prefix
        return prefix is None or message_id.startswith(prefix)

    def _count(self, record: MessageRecord, delivery: Delivery) -> None:
        if delivery.redelivered and delivery.attempt == 1:
            self._totals["redelivered"] += 1
        if delivery.status in (PROCESSED, CONSUMED):
            self._totals["consumed_outside" if delivery.status == CONSUMED else "processed"] += 1
        if delivery.status == PROCESSED:
            record.processed_times += 1
            record.processed_by[delivery.group] += 1
            self._per_consumer[delivery.consumer] += 1
            if record.processed_by[delivery.group] == 2:  # twice in one group
                self._totals["duplicates"] += 1
        elif delivery.status == FAILED:
            self._totals["failed_attempts"] += 1
        elif delivery.status == DEAD_LETTERED:
            self._totals["dead_lettered"] += 1

    def _record(self, message_id: str, topic: str, partition: int, offset: int) -> MessageRecord:
        """The record of ``message_id``, made on first sight (send or delivery).

        Keyed by the id alone, never by position: a broker that came back empty (tansu
        keeps memory only) hands the same partition and offset to a new message.
        """
        record = self._messages.get(message_id)
        if record is None:
            record = MessageRecord(message_id, partition, offset)
            self._messages[message_id] = record
            record.topic = topic
            self._trim()
        return record

    def _trim(self) -> None:
        while len(self._messages) > self.capacity:
            _, old = self._messages.popitem(last=False)
            at = self._at.get((old.topic, old.partition))
            if at is not None and at.get(old.offset) == old.message_id:
                del at[old.offset]

    def unprocessed_between(
        self, group: str, topic: str, partition: int, start: int, end: int
    ) -> list[MessageRecord]:
        """Kept messages at offsets ``start`` <= o < ``end`` of a partition that ``group``
        has not processed or consumed: what a member that reports nothing just consumed."""
        with self._lock:
            at = self._at.get((topic, partition), {})
            if end - start <= len(at):
                offsets = [o for o in range(start, end) if o in at]
            else:  # a long stretch committed at once: walk what is kept instead
                offsets = sorted(o for o in at if start <= o < end)
            found = (self._messages.get(at[o]) for o in offsets)
            return [
                r
                for r in found
                if r is not None
                and not r.processed_by[group]
                and not any(d.group == group and d.status == CONSUMED for d in r.deliveries)
            ]

    def get(self, message_id: str) -> MessageRecord | None:
        with self._lock:
            return self._messages.get(message_id)

    def newest(self, limit: int = 100) -> list[MessageRecord]:
        with self._lock:
            out = []
            for record in reversed(self._messages.values()):
                if len(out) >= limit:
                    break
                out.append(record)
            return out

    def newest_json(self, limit: int, chunk: int = 500) -> Iterator[dict[str, Any]]:
        """The newest ``limit`` records as JSON, oldest of them first, one at a time.

        For exports: only the ids are copied up front; each record is serialised under
        the lock, a chunk at a time, so a 100,000-record export never holds every
        record's JSON in memory and never blocks the consumers for long. A record
        trimmed away meanwhile is skipped.
        """
        with self._lock:
            ids = list(islice(reversed(self._messages), limit))
        ids.reverse()
        for start in range(0, len(ids), chunk):
            with self._lock:
                found = [self._messages.get(i) for i in ids[start : start + chunk]]
                batch = [r.as_json() for r in found if r is not None]
            yield from batch

    def totals(self) -> dict[str, int]:
        """Exact counts since start: sent, processed, redelivered, duplicates, ..."""
        with self._lock:
            return {k: self._totals[k] for k in TOTALS}

    def order(self) -> dict[str, int]:
        """How processing order compared with send order, at three scopes."""
        with self._lock:
            return self._order.counts()

    def per_consumer(self) -> dict[str, int]:
        with self._lock:
            return dict(self._per_consumer)


def _flag(earlier: list[Delivery], delivery: Delivery) -> Delivery:
    """``delivery`` with its redelivery flag, given the same group's earlier deliveries."""
    if delivery.attempt == 1:
        redelivered = bool(earlier)
    else:
        mine = [d for d in earlier if d.consumer_id == delivery.consumer_id]
        redelivered = mine[-1].redelivered if mine else bool(earlier)
    if redelivered == delivery.redelivered:
        return delivery
    return replace(delivery, redelivered=redelivered)


class OrderWatch:
    """Processing order against send order: per key, per partition, across partitions.

    Kafka keeps order within a partition, and so for a key (one key, one partition).
    At-least-once bends the per-key view: after a crash the new owner re-processes
    what was not committed, so an earlier message is processed again after a later
    one. Across partitions no order was ever promised: messages sent later are often
    processed before earlier ones of another partition. Called under the ledger's lock.
    """

    def __init__(self) -> None:
        # Keyed by topic too: after a topic switch (or a broker back empty) offsets start
        # again, and a new topic's first messages are in order, not behind the old ones.
        self._key_max: dict[tuple[str, str, str], int] = {}  # (group, topic, key) -> offset
        self._partition_max: dict[tuple[str, str, int], int] = {}  # highest first-time offset
        self._newest_sent: dict[str, float] = {}  # group -> latest send time processed
        self._counts: Counter[str] = Counter()

    def check(self, record: MessageRecord, d: Delivery) -> Delivery:
        """The delivery, with ``out_of_order`` set when it broke its key's order."""
        if record.processed_by[d.group] == 0:  # the group's first processing of it
            where = (d.group, d.topic, d.partition)
            top = self._partition_max.get(where, -1)
            if d.offset < top:
                self._counts["partition_breaks"] += 1
            self._partition_max[where] = max(top, d.offset)
            if record.sent_at is not None:
                newest_sent = self._newest_sent.get(d.group, 0.0)
                if record.sent_at < newest_sent:
                    self._counts["across_partitions_overtaken"] += 1
                self._newest_sent[d.group] = max(newest_sent, record.sent_at)
        if d.key is None:
            return d
        newest = self._key_max.get((d.group, d.topic, d.key), -1)
        self._key_max[(d.group, d.topic, d.key)] = max(newest, d.offset)
        if d.offset >= newest:
            return d
        self._counts["key_out_of_order"] += 1
        reason = reasons.out_of_order(d.key, newest, d.redelivered)
        record.out_of_order = reason
        return replace(d, out_of_order=reason)

    def counts(self) -> dict[str, int]:
        return {
            "key_out_of_order": self._counts["key_out_of_order"],
            "partition_breaks": self._counts["partition_breaks"],
            "across_partitions_overtaken": self._counts["across_partitions_overtaken"],
        }
