"""One polled record, processed with retries and, after the last one, dead-lettered.

No Kafka client here: a record in, reports and a dead letter out, so the rules (how many
attempts, the backoff, what a dead letter's headers say) are tested without a broker.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from kafka.consumer.fetcher import ConsumerRecord

from messaging.audit.traffic_log import DEAD_LETTERED as DEAD_LETTERED_LINE
from messaging.audit.traffic_log import RECEIVED
from messaging.clients.sender import SendError
from messaging.consumer import processing
from messaging.consumer.home import Setup
from messaging.consumer.status import Status
from messaging.core.events import DEAD_LETTERED, FAILED, PROCESSED, PROCESSING, Delivery

log = logging.getLogger(__name__)
MAX_REPORTED_VALUE = 2048  # bytes of a message's value a report carries (the app has its own)
DEAD_LETTER_RETRY_S = 1.0


@dataclass(frozen=True)
class Incoming:
    """A polled record, decoded once for all its processing attempts."""

    record: ConsumerRecord
    message_id: str
    key: str | None
    value: Any
    from_app: bool = False  # sent by the app, which keeps its value: reports leave it out

    @classmethod
    def of(cls, record: ConsumerRecord) -> Incoming:
        raw_id = dict(record.headers or []).get("message_id")
        message_id = raw_id.decode() if raw_id else f"p{record.partition}@{record.offset}"
        key = record.key.decode("utf-8", errors="replace") if record.key is not None else None
        return cls(record, message_id, key, processing.decode(record.value), bool(raw_id))

    def delivery(
        self,
        consumer: str,
        consumer_id: int,
        attempt: int,
        status: str,
        error: str | None = None,
        group: str = "",
    ) -> Delivery:
        """A report of one attempt. Whether it is a redelivery only the app's ledger knows."""
        r = self.record
        return Delivery(
            self.message_id,
            consumer_id,
            consumer,
            self.key,
            r.partition,
            r.offset,
            attempt,
            False,
            status,
            error=error,
            value=None if self.from_app or len(r.value or b"") > MAX_REPORTED_VALUE else self.value,
            group=group,
            topic=r.topic,
        )


def dead_letter_headers(
    record: ConsumerRecord, error: str, consumer: str, attempts: int
) -> list[tuple[str, bytes]]:
    """The record's own headers and why it is a dead letter, whose it was and where from."""
    return list(record.headers or []) + [
        ("dlt.error", error.encode()),
        ("dlt.consumer", consumer.encode()),
        ("dlt.attempts", str(attempts).encode()),
        ("dlt.original.topic", record.topic.encode()),
        ("dlt.original.partition", str(record.partition).encode()),
        ("dlt.original.offset", str(record.offset).encode()),
    ]


class RecordProcessor:
    """Processes one record at a time: attempts, retries with backoff, the dead letter.

    Runs on the worker's thread. A crash (``crashed`` set by any thread) interrupts the
    wait of a slow message or a backoff at once.
    """

    def __init__(
        self,
        setup: Setup,
        status: Status,
        crashed: threading.Event,
        stopping: threading.Event,
    ) -> None:
        self._setup, self._status = setup, status
        self._crashed, self._stopping = crashed, stopping

    def process(self, record: ConsumerRecord) -> bool:
        """Process one record with retries; False when a crash interrupted it."""
        incoming = Incoming.of(record)
        max_retries = self._setup.settings.max_retries
        for attempt in range(1, max_retries + 2):
            snap = self._status.snapshot
            self._log(RECEIVED, incoming, attempt)
            if snap.processing_ms > 0:
                self._status.update(in_flight=incoming.message_id)
                self._status.attempt(incoming, attempt, PROCESSING)
                if self._crashed.wait(snap.processing_ms / 1000):
                    return False
            try:
                processing.check(incoming.value, snap.failure_rate)
            except processing.ProcessingError as exc:
                if attempt > max_retries:
                    return self._dead_letter(incoming, str(exc), attempt)
                self._status.attempt(incoming, attempt, FAILED, str(exc))
                backoff = processing.backoff_s(attempt, self._setup.settings.retry_backoff_ms)
                if self._crashed.wait(backoff):
                    return False
                continue
            # The count first: whoever sees the delivery also sees it counted.
            self._status.update(processed=self._status.snapshot.processed + 1, in_flight=None)
            self._status.attempt(incoming, attempt, PROCESSED)
            return True
        return True

    def _dead_letter(self, incoming: Incoming, error: str, attempts: int) -> bool:
        """Publish to ``<topic>.DLT`` with headers saying why; False if a crash came first."""
        record, name = incoming.record, self._status.snapshot.name
        headers = dead_letter_headers(record, error, name, attempts)
        topic = self._setup.settings.dead_letter_topic
        while True:  # a dead letter must never be lost: keep trying until it lands
            try:
                self._setup.dead_letters.publish_raw(topic, record.value, record.key, headers)
                break
            except SendError as exc:
                log.warning("%s: %s; retrying", name, exc)
                if self._crashed.wait(DEAD_LETTER_RETRY_S) or self._stopping.is_set():
                    return False
        self._status.update(in_flight=None)
        self._status.attempt(incoming, attempts, DEAD_LETTERED, error)
        self._log(DEAD_LETTERED_LINE, incoming, attempts)
        return True

    def _log(self, event: str, incoming: Incoming, attempt: int) -> None:
        traffic = self._setup.traffic
        if traffic:
            r = incoming.record
            where = (r.topic, r.partition, r.offset)
            name = self._status.snapshot.name
            traffic.consumed(event, incoming.message_id, where, name, incoming.key, attempt)
