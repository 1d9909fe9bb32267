"""Reading a topic from its end, not as a group member, on a thread of its own.

The app reads what consumers report (``<topic>.activity``) and every consumer outside
the app reads what the app asks (``<topic>.control``). Both must see every record,
so neither joins a group: they ``assign()`` every partition and start at the end, and
neither may step over a record that is not visible yet (on tansu: see
:meth:`messaging.broker.profile.BrokerProfile.hole_guard`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaError

from messaging.broker.fetch_wait import FETCH_WAIT_IDLE_MS
from messaging.broker.positions import HoleGuard, NoHoleGuard
from messaging.broker.profile import BrokerProfile
from messaging.clients.sender import RECONNECT_BACKOFF_MAX_MS

log = logging.getLogger(__name__)


class TopicTail:
    """Calls ``handle(record)`` for each new record of ``topic``, on its own thread.

    ``from_start`` reads a topic from its beginning instead (one recreated after a
    broker restart holds only what came since). ``profile`` says which broker's quirks
    to mind. A failure ends the thread, logged; ``alive`` tells.
    """

    def __init__(
        self,
        bootstrap_servers: str,
        topic: str,
        handle: Callable[[ConsumerRecord], bool | None],
        name: str,
        profile: BrokerProfile,
        from_start: bool = False,
        idle_wait_ms: int = FETCH_WAIT_IDLE_MS,
    ) -> None:
        self.topic, self._handle, self.name, self.profile = topic, handle, name, profile
        self._idle_wait_ms = idle_wait_ms
        self._bootstrap, self._from_start = bootstrap_servers, from_start
        self._halt = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self, timeout: float = 10.0) -> None:
        """Start reading; returns once positioned (records after this are seen)."""
        self._thread.start()
        self._ready.wait(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 3.0) -> None:
        self._halt.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            consumer = KafkaConsumer(
                bootstrap_servers=self._bootstrap,
                group_id=None,
                enable_auto_commit=False,
                # A topic recreated after a broker restart starts again at 0: read it all.
                auto_offset_reset="earliest",
                allow_auto_create_topics=False,  # the app creates topics (see sender.py)
                client_id=f"p2p-demo-{self.name}",
                metrics_enabled=False,  # never read; a sensor update per fetch and record
                reconnect_backoff_max_ms=RECONNECT_BACKOFF_MAX_MS,
            )
        except KafkaError as exc:
            # The broker is down (an Apache Kafka restart takes seconds): the owner sees
            # ``alive`` go False and starts a new tail once the broker is back.
            log.warning(
                "%s could not reach the broker (%s); not reading %s", self.name, exc, self.topic
            )
            self._ready.set()
            return
        try:
            self._position(consumer)
            self._ready.set()
            p = self.profile
            wait, log_watch, holes = p.fetch_wait(self._idle_wait_ms), p.log_watch(), p.hole_guard()
            while not self._halt.is_set():
                batches = consumer.poll(timeout_ms=wait.poll_ms(), max_records=2000)
                traffic = self._take(consumer, batches, log_watch.rewind(consumer), holes)
                wait.adapt(consumer, traffic)
        except Exception:  # logged; the owner sees ``alive`` go False
            log.exception("%s stopped reading %s", self.name, self.topic)
        finally:
            self._ready.set()
            consumer.close(autocommit=False, timeout_ms=1000)

    def _take(
        self,
        consumer: KafkaConsumer,
        batches: dict[TopicPartition, list],
        gone: list[TopicPartition],
        holes: HoleGuard | NoHoleGuard,
    ) -> bool:
        """Handle one poll's records: each once, in offset order, none skipped. True when
        a handler called one of them traffic (worth fetching eagerly for): a consumer's
        heartbeat every 2 s is not, else an idle app would never fetch lazily."""
        traffic = False
        if gone:
            log.warning("%s: %s came back empty; reading it from the start", self.name, self.topic)
            gone = gone + self._follow_partitions(consumer)
        for tp in gone:
            holes.forget(tp)
        for tp, records in batches.items():
            if tp in gone:
                continue  # read from the old offset of a new log: read from its start
            fresh, hole = holes.admit(tp, records)
            for record in fresh:
                traffic = self._handle(record) is not False or traffic
            if hole is not None:
                consumer.seek(tp, hole)  # not visible yet: fetch again from it
        return traffic

    def _follow_partitions(self, consumer: KafkaConsumer) -> list[TopicPartition]:
        """Read every partition of a topic that came back, from its start; return the new.

        tansu recreates a topic that any client asks metadata for with its own count (4),
        kafka-python's metadata refresh asks with auto-creation on whatever the consumer
        says, and a writer then spreads records over partitions this tail never read.
        """
        now = {TopicPartition(self.topic, p) for p in consumer.partitions_for_topic(self.topic)}
        before = consumer.assignment()
        if not now or now == before:
            return []
        added = sorted(now - before)
        consumer.assign(sorted(now))
        if added:
            consumer.seek_to_beginning(*added)
        log.warning(
            "%s: %s came back with %d partitions (was %d); reading them all",
            self.name,
            self.topic,
            len(now),
            len(before),
        )
        return added

    def _position(self, consumer: KafkaConsumer) -> None:
        tps = [TopicPartition(self.topic, p) for p in _partitions(consumer, self.topic)]
        consumer.assign(tps)
        if self._from_start:
            consumer.seek_to_beginning(*tps)
        else:
            consumer.seek_to_end(*tps)
        for tp in tps:
            consumer.position(tp)


def _partitions(consumer: KafkaConsumer, topic: str, timeout: float = 10.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while True:
        parts = consumer.partitions_for_topic(topic)
        if parts:
            return sorted(parts)
        if time.monotonic() >= deadline:
            raise RuntimeError(f"topic {topic} has no partitions")
        time.sleep(0.1)  # metadata arrives asynchronously; bounded by the deadline
