"""Processing a record, without Kafka: attempts, retries, the dead letter and its headers."""

from __future__ import annotations

import threading

from kafka.consumer.fetcher import ConsumerRecord

from messaging.clients.sender import SendError
from messaging.consumer.home import Setup
from messaging.consumer.records import MAX_REPORTED_VALUE, Incoming, RecordProcessor
from messaging.consumer.status import Status
from messaging.core.config import Settings
from messaging.core.events import (
    DEAD_LETTERED,
    FAILED,
    PROCESSED,
    PROCESSING,
    ConsumerSnapshot,
    Delivery,
)


def record(value: bytes, key: bytes | None = b"k", headers=None, offset: int = 7) -> ConsumerRecord:
    return ConsumerRecord(
        "orders", 2, -1, offset, 0, 0, key, value, headers or [], None, 0, len(value), 0
    )


class Sink:
    def __init__(self) -> None:
        self.events: list[object] = []

    def report(self, event: object) -> None:
        self.events.append(event)

    def flush(self, timeout: float) -> bool:
        return True

    def deliveries(self) -> list[tuple[int, str]]:
        return [(e.attempt, e.status) for e in self.events if isinstance(e, Delivery)]


class DeadLetters:
    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.published: list[tuple[str, bytes | None, bytes | None, dict[str, bytes]]] = []

    def publish_raw(self, topic, value, key, headers) -> None:
        if self.failures:
            self.failures -= 1
            raise SendError("broker down", ())
        self.published.append((topic, value, key, dict(headers)))


def processor(
    max_retries: int = 2, processing_ms: int = 0, failure_rate: float = 0.0, dead=None
) -> tuple[RecordProcessor, Sink, Status, threading.Event]:
    settings = Settings(topic="orders", max_retries=max_retries, retry_backoff_ms=1)
    me = ConsumerSnapshot(1, "C1", "active", (2,), 0, None, processing_ms, failure_rate)
    sink = Sink()
    status = Status(me, sink)
    crashed = threading.Event()
    setup = Setup(settings, "127.0.0.1:1", sink, dead or DeadLetters())
    return RecordProcessor(setup, status, crashed, threading.Event()), sink, status, crashed


def test_a_good_message_is_processed_once_and_counted_before_it_is_reported():
    proc, sink, status, _ = processor()
    assert proc.process(record(b'{"id": 1}'))
    assert sink.deliveries() == [(1, PROCESSED)]
    counted = [e for e in sink.events if isinstance(e, ConsumerSnapshot)]
    assert counted[-1].processed == 1 and status.snapshot.processed == 1
    assert sink.events.index(counted[-1]) < len(sink.events) - 1  # the count came first


def test_slow_work_reports_processing_first():
    proc, sink, _, _ = processor(processing_ms=1)
    assert proc.process(record(b"{}"))
    assert sink.deliveries() == [(1, PROCESSING), (1, PROCESSED)]


def test_a_poison_message_is_retried_then_dead_lettered_with_why_in_its_headers():
    dead = DeadLetters()
    proc, sink, status, _ = processor(max_retries=2, dead=dead)
    raw = record(b'{"fail": true}', headers=[("message_id", b"m-1")])
    assert proc.process(raw)
    assert sink.deliveries() == [(1, FAILED), (2, FAILED), (3, DEAD_LETTERED)]
    [(topic, value, key, headers)] = dead.published
    assert (topic, value, key) == ("orders.DLT", raw.value, b"k")
    assert headers["message_id"] == b"m-1"
    assert headers["dlt.consumer"] == b"C1" and headers["dlt.attempts"] == b"3"
    assert headers["dlt.original.topic"] == b"orders"
    assert headers["dlt.original.partition"] == b"2" and headers["dlt.original.offset"] == b"7"
    assert b"poison" in headers["dlt.error"]
    assert status.snapshot.processed == 0 and status.snapshot.in_flight is None


def test_a_dead_letter_is_retried_until_it_lands():
    dead = DeadLetters(failures=1)
    proc, sink, _, _ = processor(max_retries=0, dead=dead)
    assert proc.process(record(b'{"fail": true}'))
    assert len(dead.published) == 1 and sink.deliveries() == [(1, DEAD_LETTERED)]


def test_a_crash_interrupts_the_work_in_hand():
    proc, sink, _, crashed = processor(processing_ms=60_000)
    crashed.set()
    assert not proc.process(record(b"{}"))
    assert sink.deliveries() == [(1, PROCESSING)]


def test_incoming_names_a_record_without_an_id_by_where_it_is():
    plain = Incoming.of(record(b"text", key=None, offset=9))
    assert (plain.message_id, plain.key, plain.value) == ("p2@9", None, "text")
    assert plain.delivery("C1", 1, 1, PROCESSED).value == "text"
    from_app = Incoming.of(record(b'{"a": 1}', headers=[("message_id", b"m-9")]))
    assert from_app.message_id == "m-9" and from_app.delivery("C1", 1, 1, PROCESSED).value is None
    big = Incoming.of(record(b'"' + b"x" * MAX_REPORTED_VALUE + b'"'))
    assert big.delivery("C1", 1, 1, PROCESSED).value is None
