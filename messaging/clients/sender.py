"""Producing messages: one shared KafkaProducer, acknowledged sends, app-assigned ids.

The spec's producer flushes after every request, which serialises all senders on one
flush. Here each caller waits only for its own record's acknowledgement, so
concurrent requests share the producer's batches.
"""

from __future__ import annotations

import itertools
import json
import logging
import secrets
import threading
import time
from collections.abc import Iterable
from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError

from messaging.audit.ledger import Ledger
from messaging.audit.traffic_log import TrafficLog
from messaging.core import kafka_compat
from messaging.core.events import EventHub, SentMessage

log = logging.getLogger(__name__)

ACK_TIMEOUT_S = 4.5  # under the API's 5 s promise for "broker unreachable -> 503"
ABANDON_WAIT_S = 2.0  # for the old producer's IO thread to fail what it held
RECONNECT_BACKOFF_MAX_MS = 1000  # every client of the app: see make_producer


class SendError(RuntimeError):
    """The broker did not acknowledge the record; nothing may be reported as sent.

    ``unacknowledged``: the ids of records that went to the broker unanswered. The broker
    may have written them before it failed; a consumer then still gets them. Empty when
    nothing left the app (the broker was known to be down).
    """

    def __init__(self, why: str, unacknowledged: tuple[str, ...] = ()) -> None:
        super().__init__(why)
        self.unacknowledged = unacknowledged


def encode_value(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def make_producer(bootstrap_servers: str, client_id: str, **overrides: Any) -> KafkaProducer:
    """The producer settings every part of the app uses: acks from all replicas, and
    timeouts short enough that an unreachable broker is an error within seconds."""
    config: dict[str, Any] = {
        "bootstrap_servers": bootstrap_servers,
        "client_id": client_id,
        "acks": "all",
        "linger_ms": 1,
        "max_block_ms": 3000,
        "request_timeout_ms": 3000,
        "delivery_timeout_ms": 4000,
        "retry_backoff_ms": 100,
        # Only the app creates topics, with their partition counts. Apache Kafka honours
        # this; tansu ignores it and creates any topic asked for with 4 partitions (see
        # messaging/runtime/recovery.py, which warns when a topic comes back so).
        "allow_auto_create_topics": False,
        # The app never reads kafka-python's metrics; recording them was 8 % of the app's
        # CPU under /enviar load (py-spy: Sensor.record on every produce and response).
        "metrics_enabled": False,
        # A broker that restarts on the same address (a killed embedded broker comes back
        # within a second) is reached again within a second, not after kafka-python's
        # backoff of up to 30 s.
        "reconnect_backoff_max_ms": RECONNECT_BACKOFF_MAX_MS,
    }
    return KafkaProducer(**{**config, **overrides})


class RawPublisher:
    """Publishes already-encoded records (dead letters, control commands) with an ack."""

    def __init__(self, producer: KafkaProducer) -> None:
        self._producer = producer

    def publish_raw(
        self, topic: str, value: bytes | None, key: bytes | None, headers: list[tuple[str, bytes]]
    ) -> None:
        """Produce one record and wait for its acknowledgement, or raise SendError."""
        try:
            self._producer.send(topic, value=value, key=key, headers=headers).get(ACK_TIMEOUT_S)
        except KafkaError as exc:
            raise SendError(f"could not publish to {topic}: {exc}") from exc


class Sender(RawPublisher):
    """Thread-safe: request threads, the window and consumer threads (DLT) share it."""

    def __init__(
        self,
        bootstrap_servers: str,
        topic: str,
        ledger: Ledger,
        hub: EventHub,
        traffic: TrafficLog | None,
    ) -> None:
        self.topic = topic
        self._ledger, self._hub, self._traffic = ledger, hub, traffic
        self._run = secrets.token_hex(2)
        self._counter = itertools.count(1)
        ledger.issuing(f"{self._run}-")
        self._bootstrap = bootstrap_servers
        self.unavailable: str | None = None  # why sends fail fast: the broker is down
        self._replacing = threading.Lock()
        self._replacement_running = False
        super().__init__(self._new_producer())

    def _new_producer(self) -> KafkaProducer:
        return make_producer(self._bootstrap, "p2p-demo-producer")

    def reset(self) -> None:
        """A new producer, for a broker that came back.

        After a broker restart kafka-python's idempotent producer repeats InitProducerId
        and gets UnknownError forever; a new producer works at once. The old one is
        closed in the background so that no request thread waits for it.
        """
        old, self._producer = self._producer, self._new_producer()
        threading.Thread(target=_retire, args=(old,), daemon=True).start()

    def _replace_wedged(self, failed: KafkaProducer) -> None:
        """A record was not acknowledged while the broker counted as up: replace the
        producer that held it, in the background, once.

        A hang shorter than the broker watch can see (a GC pause, a frozen VM for a
        few seconds) expires a batch of kafka-python's idempotent producer, and that
        producer then fails every later record although the broker answers again (seen
        on tansu: a 503 for every /enviar, 80 s and counting, while a fresh producer
        succeeded at once). Building one blocks until the broker answers, so no request
        thread does it; requests meanwhile get the old producer's answer, a 503.
        """
        with self._replacing:
            if failed is not self._producer or self._replacement_running:
                return
            self._replacement_running = True
        threading.Thread(target=self._replace, args=(failed,), daemon=True).start()

    def _replace(self, failed: KafkaProducer) -> None:
        try:
            fresh = self._new_producer()
        except KafkaError as exc:  # the broker still does not answer: the next failure retries
            log.warning("could not replace the producer yet: %s", exc)
        else:
            with self._replacing:
                if self._producer is failed:
                    self._producer = fresh
                    fresh = failed
            log.warning("replaced the producer after a record it held was not acknowledged")
            _retire(fresh)
        finally:
            self._replacement_running = False

    def abandon_in_flight(self) -> None:
        """The broker is down: every record not yet acknowledged fails now.

        Whoever waits for one gets its error (a 503 for /enviar) at once. Left in the
        producer, it would reach a broker that comes back within the delivery timeout,
        perhaps empty with fewer partitions: tansu then acknowledges a record for a
        partition the recreated topic does not have, where no consumer ever reads it, and
        the waiting /enviar would answer 200 for it. :meth:`reset` makes the next
        producer once the broker is back.
        """
        kafka_compat.abandon(self._producer, ABANDON_WAIT_S)

    def new_message_id(self) -> str:
        """Short, unique within a run, distinct across runs (e.g. ``3fa2-17``)."""
        return f"{self._run}-{next(self._counter)}"

    def send(self, value: Any, key: str | None = None) -> SentMessage:
        """Produce one record and block until the broker acknowledges it."""
        return self.send_many([(value, key)])[0]

    def send_many(self, items: Iterable[tuple[Any, str | None]]) -> list[SentMessage]:
        """Produce several records at once, then wait for all acknowledgements.

        Raises :class:`SendError` if any record was not acknowledged within the timeout;
        the ones that were are still recorded and logged.
        """
        if self.unavailable:
            raise SendError(self.unavailable)
        producer = self._producer
        pending = []
        try:
            for value, key in items:
                message_id = self.new_message_id()
                future = producer.send(
                    self.topic,
                    value=encode_value(value),
                    key=key.encode("utf-8") if key is not None else None,
                    headers=[("message_id", message_id.encode())],
                )
                pending.append((message_id, value, key, future))
        except KafkaError as exc:
            why = f"broker did not take the record: {exc}"
            raise self._failed([p[0] for p in pending], why) from exc
        deadline = time.monotonic() + ACK_TIMEOUT_S
        results, failed, error = [], [], None
        for message_id, value, key, future in pending:
            try:
                meta = future.get(timeout=max(deadline - time.monotonic(), 0.01))
            except KafkaError as exc:
                error = error or exc
                failed.append(message_id)
                continue
            results.append(self._acknowledged(message_id, value, key, meta.partition, meta.offset))
        if error is not None:
            # Failed by abandon_in_flight: the outage is the reason, not the closed producer.
            if not self.unavailable:
                self._replace_wedged(producer)
            why = self.unavailable or f"broker did not acknowledge the record: {error}"
            raise self._failed(failed, why)
        return results

    def _failed(self, message_ids: list[str], why: str) -> SendError:
        self._ledger.record_unacknowledged(message_ids)
        return SendError(why, tuple(message_ids))

    def _acknowledged(
        self, message_id: str, value: Any, key: str | None, partition: int, offset: int
    ) -> SentMessage:
        sent = SentMessage(message_id, key, value, self.topic, partition, offset)
        self._ledger.record_sent(sent)
        if self._traffic:
            self._traffic.sent(message_id, (self.topic, partition, offset), key)
        self._hub.publish(sent)
        return sent

    def close(self, timeout: float = 3.0) -> None:
        """Send what the producer holds, for ``timeout`` s; what is left then fails."""
        _retire(self._producer, timeout)


def _retire(producer: KafkaProducer, timeout: float = 1.0) -> None:
    """Close a producer without raising: a flush that times out (the broker is down or
    hung) aborts what is left, whose waiters get their error."""
    try:
        producer.close(timeout=timeout)
    except KafkaError as exc:
        log.warning("producer closed with records unsent: %s", exc)
        kafka_compat.abandon(producer, ABANDON_WAIT_S)
