"""Consumer -> app reports through Kafka itself: the activity topic.

Child processes and consumers on other machines share nothing with the app but the
cluster, so they report there. Each record is one consumer's batch of events, keyed
by the consumer's uid so that its events stay in order. A record goes out at most every
LINGER_S, and at once when the consumer is about to commit (its reports must be
acknowledged first). A busy consumer fetches every 250 ms on tansu and handles a poll's
records within the linger, so it sends about one record per poll batch; at 200 msgs/s a
5 ms linger cost about one record per message. The linger stays short because a crash
loses what was not shipped: a message processed again by a survivor is flagged as a
duplicate only if its first processing was reported (at 200 ms of linger the order test's
crashes never left a reported, uncommitted message). Events are encoded with orjson.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kafka import KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaError

from messaging.broker.profile import READER_IDLE_WAIT_MS, BrokerProfile
from messaging.clients.tail import TopicTail
from messaging.core.events import ConsumerSnapshot, to_wire

if TYPE_CHECKING:  # report_seal builds on the control channel, which names these topics
    from messaging.channel.report_seal import ReportGate, ReportSealer

log = logging.getLogger(__name__)
LINGER_S = 0.02  # how long events wait to share a record (a commit ships them at once)
# A silent consumer repeats its snapshot this often: "still here" (the app calls one that
# said nothing for fleet.SILENT_AFTER_S crashed). Every second cost the idle app, broker
# and consumers a record a second each.
HEARTBEAT_S = 2.0
MAX_EVENTS = 400  # per record, well under the producer's request size with 2 KiB values
IngestFn = Callable[[str, list[object]], None]


def activity_topic(topic: str) -> str:
    return f"{topic}.activity"


def control_topic(topic: str) -> str:
    return f"{topic}.control"


class ActivityPublisher:
    """The :class:`messaging.consumer.worker.Sink` of a consumer outside the app's process.

    ``report`` only appends to a buffer; a sender thread ships it every LINGER_S, and
    repeats the newest snapshot every HEARTBEAT_S when nothing else was sent.
    """

    def __init__(self, producer: KafkaProducer, topic: str, sealer: ReportSealer) -> None:
        self._producer, self.topic, self._sealer = producer, activity_topic(topic), sealer
        self.uid = sealer.uid
        self._lock = threading.Lock()  # guards the buffer
        self._send_lock = threading.Lock()  # keeps records in report order
        self._buffer: list[object] = []  # events, encoded only when shipped
        self._snapshot_at: int | None = None  # index of the buffered snapshot
        self._last_snapshot: ConsumerSnapshot | None = None
        self._futures: list[Any] = []
        self._lost = False  # a record failed since the last flush
        self._last_send = time.monotonic()
        self._wake = threading.Event()
        self._halt = threading.Event()
        self._thread = threading.Thread(target=self._run, name="activity", daemon=True)
        self._thread.start()

    def report(self, event: object) -> None:
        """Buffer one event. The snapshots of one record collapse into the newest one,
        at the place of the first: a delivery is never shipped before its count."""
        with self._lock:
            if isinstance(event, ConsumerSnapshot):
                self._last_snapshot = event
                if self._snapshot_at is not None:
                    self._buffer[self._snapshot_at] = event
                    return
                self._snapshot_at = len(self._buffer)
            self._buffer.append(event)
        self._wake.set()

    def flush(self, timeout: float) -> bool:
        """Ship the buffer and wait until the broker acknowledged everything so far."""
        deadline = time.monotonic() + timeout
        self._ship()
        with self._send_lock:
            futures, self._futures = self._futures, []
            lost, self._lost = self._lost, False
        try:
            for future in futures:
                future.get(timeout=max(deadline - time.monotonic(), 0.01))
        except KafkaError as exc:
            log.warning("activity not acknowledged: %s", exc)
            return False
        return not lost

    def _take(self) -> list[dict[str, Any]]:
        with self._lock:
            events, self._buffer, self._snapshot_at = self._buffer, [], None
        return [to_wire(e) for e in events]

    def _ship(self) -> None:
        with self._send_lock:
            events = self._take()
            if not events and time.monotonic() - self._last_send >= HEARTBEAT_S:
                events = [to_wire(self._last_snapshot)] if self._last_snapshot else []
            for i in range(0, len(events), MAX_EVENTS):
                chunk = events[i : i + MAX_EVENTS]
                value, headers = self._sealer.seal(chunk)
                try:
                    future = self._producer.send(
                        self.topic, value=value, key=self.uid.encode(), headers=headers
                    )
                except KafkaError as exc:
                    log.warning("activity not sent: %s", exc)
                    continue
                self._futures.append(future)
                self._last_send = time.monotonic()
            self._lost = self._lost or any(f.failed() for f in self._futures if f.is_done)
            self._futures = [f for f in self._futures if not f.is_done]

    def _run(self) -> None:
        while not self._halt.is_set():
            self._wake.wait(HEARTBEAT_S / 2)
            self._wake.clear()
            if self._halt.wait(LINGER_S):
                break
            self._ship()

    def close(self, timeout: float = 3.0) -> None:
        """Ship what is left and stop the sender thread."""
        self.flush(timeout)
        self._halt.set()
        self._wake.set()
        self._thread.join(timeout)


class ActivityReader:
    """The app's side: reads every partition of the activity topic, not as a group member.

    It starts at the end: a consumer already running announces itself with its next
    heartbeat. ``ingest(uid, events)`` runs on this reader's thread.
    """

    def __init__(
        self,
        bootstrap_servers: str,
        topic: str,
        ingest: IngestFn,
        profile: BrokerProfile,
        gate: ReportGate,
        from_start: bool = False,
    ) -> None:
        self._ingest, self._gate = ingest, gate
        self._tail = TopicTail(
            bootstrap_servers,
            activity_topic(topic),
            self._one,
            "activity-reader",
            profile,
            from_start,
            idle_wait_ms=READER_IDLE_WAIT_MS,  # the window waits for it: it waits less
        )
        self.records = 0
        self.failures = 0

    def start(self, timeout: float = 10.0) -> None:
        """Start reading; returns once positioned at the end (events after this are seen)."""
        self._tail.start(timeout)

    @property
    def alive(self) -> bool:
        return self._tail.alive

    def stop(self, timeout: float = 3.0) -> None:
        self._tail.stop(timeout)

    def _one(self, record: ConsumerRecord) -> bool:
        """Take one record; False when it was only a heartbeat (no reason to hurry)."""
        self.records += 1
        taken = self._gate.take(record.value, record.headers)
        if taken is None:  # refused: it changes nothing
            return False
        uid, events = taken
        try:
            self._ingest(uid, events)
        except Exception:  # one bad report must not end every report
            self.failures += 1
            log.exception("could not take the reports of %s", uid)
        return any(not isinstance(e, ConsumerSnapshot) for e in events)
