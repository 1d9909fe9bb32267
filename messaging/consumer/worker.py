"""One competing consumer: a KafkaConsumer polled, processed and closed by one thread.

The same worker runs in three homes: a thread of the app, a child process the app
started, and a process started by hand on any machine (``python -m messaging.consumer``).
It does not know which: it reports through a :class:`Sink` and publishes dead letters
through a :class:`DeadLetters`. kafka-python consumers are not thread-safe, so
everything that touches the consumer happens in :meth:`ConsumerWorker.run`; other
threads only set flags and read snapshots. Offsets are committed only after processing
(at-least-once), and only once the sink holds the reports of what they cover.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, Protocol

from kafka import AsyncConsumerRebalanceListener, KafkaConsumer, OffsetAndMetadata, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.coordinator.assignors.cooperative_sticky import CooperativeStickyAssignor
from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from kafka.coordinator.assignors.sticky.sticky_assignor import StickyPartitionAssignor
from kafka.errors import InconsistentGroupProtocolError, KafkaError

from messaging.audit.traffic_log import TrafficLog
from messaging.broker import profile as broker_profile
from messaging.clients.assignment import ReportingAssignor
from messaging.clients.sender import RECONNECT_BACKOFF_MAX_MS, SendError
from messaging.consumer import processing
from messaging.core import kafka_compat
from messaging.core.config import Settings
from messaging.core.events import (
    ACTIVE,
    CRASHED,
    DEAD_LETTERED,
    FAILED,
    IDLE,
    PROCESSED,
    PROCESSING,
    STOPPED,
    ConsumerSnapshot,
    Delivery,
    GroupAssignment,
    GroupChange,
)
from messaging.core.reasons import Reason, simulated_crash

log = logging.getLogger(__name__)
# Commit processed offsets at least this often (and on revoke and stop): bounds what a
# crash can cause to be redelivered without a commit round trip per poll.
COMMIT_EVERY_S = 0.2
FLUSH_TIMEOUT_S = 3.0
# How long a new member waits for its topic's partitions in its metadata before it joins.
METADATA_WAIT_S = 10.0
COMMIT_TIMEOUT_MS = 3000
ASSIGNORS = {
    "range": RangePartitionAssignor,
    "roundrobin": RoundRobinPartitionAssignor,
    "sticky": StickyPartitionAssignor,
    "cooperative-sticky": CooperativeStickyAssignor,
}  # which of them a broker is offered is its profile's business (messaging/broker/profile.py)
TROUBLE_PAUSE_S, TROUBLE_SAID_EVERY_S = 0.5, 30.0  # a poll that met a broker outage
MAX_REPORTED_VALUE = 2048  # bytes of a message's value a report carries (the app has its own)


class Sink(Protocol):
    """Where a worker reports its events (deliveries, snapshots, group changes)."""

    def report(self, event: object) -> None:
        """Take one event; must not block on I/O."""

    def flush(self, timeout: float) -> bool:
        """Make every event reported so far durable where the app reads it.

        The worker commits offsets only after this returned True, so that a committed
        offset always has its ``processed`` report.
        """


class DeadLetters(Protocol):
    """Publishes an already-encoded record and waits for its acknowledgement."""

    def publish_raw(
        self, topic: str, value: bytes | None, key: bytes | None, headers: list[tuple[str, bytes]]
    ) -> None: ...


@dataclass
class Setup:
    """What a worker needs from its home."""

    settings: Settings
    bootstrap_servers: str
    sink: Sink
    dead_letters: DeadLetters
    traffic: TrafficLog | None = None  # the worker's own traffic lines (standalone only)


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


class _Listener(AsyncConsumerRebalanceListener):
    """Runs on kafka-python's IO thread, while the worker thread waits inside poll().

    kafka-python 3 forbids blocking consumer calls there, so the commit of what was
    processed before the partitions go is awaited on the IO loop instead. Flushing the
    sink blocks only on the sink's own producer, never on this consumer.
    """

    def __init__(self, worker: ConsumerWorker) -> None:
        self.worker = worker

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        worker = self.worker
        offsets = worker._take_pending(revoked)
        consumer = worker._consumer
        if offsets and consumer is not None and worker.setup.sink.flush(FLUSH_TIMEOUT_S):
            try:
                await kafka_compat.commit_on_io_loop(consumer, offsets, COMMIT_TIMEOUT_MS)
            except KafkaError as exc:  # the next owner re-reads them, flagged as redelivered
                log.warning("%s: commit before revoke failed (%s)", worker.name, exc)
        worker._on_revoked(revoked)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self.worker._on_assigned(assigned)


class ConsumerWorker:
    """One group member. :meth:`run` is its loop, on whichever thread calls it.

    ``stop()`` finishes the message in hand, commits and leaves the group; ``crash()``
    (thread home only: a process is SIGKILLed instead) drops everything at once.
    """

    def __init__(self, identity: ConsumerSnapshot, setup: Setup) -> None:
        self.wid, self.name, self.setup = identity.id, identity.name, setup
        self.group = setup.settings.group
        self.profile = broker_profile.of(setup.settings)
        self._snapshot = replace(
            identity,
            group=self.group,
            state="starting",
            partitions=(),
            processed=0,
            in_flight=None,
            joining=True,
            session_timeout_ms=setup.settings.session_timeout_ms,
        )
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._crashed = threading.Event()
        self._pending: dict[TopicPartition, int] = {}
        self._last_commit = time.monotonic()
        self._consumer: KafkaConsumer | None = None
        self._assignors: list[ReportingAssignor] = []  # made with each KafkaConsumer
        # The group's members use an assignor this one does not offer: it cannot join.
        self.refused_assignor = False
        self._trouble_said = 0.0  # when a broker outage was last logged
        self._fetch_wait = self.profile.fetch_wait()
        self._log_watch = self.profile.log_watch()
        self._new_topic: str | None = None  # asked for by resubscribe(), taken by the loop
        self._joining_since: float | None = None
        self._thread: threading.Thread | None = None
        self.error: str | None = None

    # ----- called from any thread -------------------------------------------------
    @property
    def snapshot(self) -> ConsumerSnapshot:
        return self._snapshot

    @property
    def joining(self) -> bool:
        return self._snapshot.joining

    def start_thread(self) -> threading.Thread:
        """Run the loop on a daemon thread of its own (the in-process home)."""
        self._thread = threading.Thread(target=self.run, name=f"consumer-{self.name}", daemon=True)
        self._thread.start()
        return self._thread

    def join(self, timeout: float | None = None) -> None:
        """Wait for the thread started by :meth:`start_thread`, if any."""
        if self._thread is not None:
            self._thread.join(timeout)

    def stop(self) -> None:
        """Graceful: finish the current message, commit, leave the group."""
        self._stopping.set()

    def crash(self, reason: Reason | None = None) -> None:
        """Drop everything now; no commit, no LeaveGroup. ``reason``: a process about to
        SIGKILL itself says so; a thread only simulates the crash."""
        self._crashed.set()
        held = self._snapshot.partitions
        self._update(
            state=CRASHED,
            crashed_at=time.time(),
            in_flight=None,
            partitions=(),
            joining=False,
            reason=reason or simulated_crash(),
        )
        self._change("crash", held)

    def configure(
        self, processing_ms: int | None = None, failure_rate: float | None = None
    ) -> None:
        changes: dict[str, object] = {}
        if processing_ms is not None:
            changes["processing_ms"] = int(processing_ms)
        if failure_rate is not None:
            changes["failure_rate"] = float(failure_rate)
        if changes:
            self._update(**changes)

    def resubscribe(self, topic: str) -> None:
        """Consume ``topic`` instead (any thread): the group rebalances onto it."""
        self._new_topic = topic

    @property
    def alive(self) -> bool:
        """Still a working member: not stopped, crashed, or on its way out."""
        return not self._stopping.is_set() and self._snapshot.state not in (STOPPED, CRASHED)

    def _update(self, **changes: object) -> None:
        with self._lock:
            if self._snapshot.state == CRASHED and "state" in changes:
                changes.pop("state")  # a crashed consumer stays crashed
            self._snapshot = replace(self._snapshot, **changes)
        self.setup.sink.report(self._snapshot)

    # ----- the loop ----------------------------------------------------------------
    def run(self) -> None:
        """Poll, process, commit until stopped or crashed; always leaves cleanly."""
        self.setup.sink.report(self._snapshot)
        try:
            self._consumer = self._make_consumer()
            while not (self._stopping.is_set() or self._crashed.is_set()):
                try:
                    self._poll_once()
                except InconsistentGroupProtocolError:  # retrying would fail for ever
                    self.refused_assignor = True
                    self.error = f"group {self.group} uses another assignor"
                    break
                except (KafkaError, OSError) as exc:
                    self._broker_trouble(exc)
        except Exception as exc:  # report, never kill the app
            log.exception("consumer %s failed", self.name)
            self.error = str(exc)
        finally:
            self._shutdown()

    def _broker_trouble(self, exc: Exception) -> None:
        """A poll that met a broker outage: kafka-python raises its connection errors
        (seen: ECONNREFUSED from the heartbeat's coordinator lookup while the broker
        restarted), and a consumer that ended there would leave its group for good. It
        waits a moment and polls again; kafka-python reconnects and rejoins by itself.
        Said once per outage, not once per poll."""
        now = time.monotonic()
        if now - self._trouble_said > TROUBLE_SAID_EVERY_S:
            log.warning("%s: broker trouble (%s); retrying", self.name, exc)
        self._trouble_said = now
        self._crashed.wait(TROUBLE_PAUSE_S)

    def _make_consumer(self) -> KafkaConsumer:
        s = self.setup.settings
        # Each offered assignor reports the whole table when this member leads with it.
        self._assignors = [
            ReportingAssignor(ASSIGNORS[name](), s.topic, self._on_table)
            for name in (s.assignor, *s.also_assignors)
        ]
        consumer = KafkaConsumer(
            bootstrap_servers=self.setup.bootstrap_servers,
            group_id=s.group,
            # The app matches broker-side members to reporting consumers by this id.
            client_id=f"{s.group}-{self._snapshot.uid or self.name}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            allow_auto_create_topics=False,  # the app creates topics (see sender.py)
            session_timeout_ms=s.session_timeout_ms,
            heartbeat_interval_ms=s.heartbeat_ms,
            max_poll_interval_ms=300_000,
            # The configured assignor, reporting the whole table when this one leads.
            partition_assignment_strategy=self._assignors,
            metrics_enabled=False,  # never read; a sensor update per fetch and record
            reconnect_backoff_max_ms=RECONNECT_BACKOFF_MAX_MS,
            **self.profile.consumer_config(),
        )
        consumer.subscribe([s.topic], listener=_Listener(self))
        self._await_metadata(consumer, s.topic)
        return consumer

    def _await_metadata(self, consumer: KafkaConsumer, topic: str) -> None:
        """Know ``topic``'s partitions before the first join.

        A member that leads a join without them assigns nothing ("No partition metadata
        for topic"), and kafka-python rejoins only when its metadata next changes: on
        Apache Kafka, whose metadata learns of a new topic a moment after it is created,
        a group of the Kafka lane sat with no partitions for over 20 s. Bounded: the join
        goes ahead without them after METADATA_WAIT_S, as before.
        """
        deadline = time.monotonic() + METADATA_WAIT_S
        try:
            while not consumer.partitions_for_topic(topic) and time.monotonic() < deadline:
                if self._crashed.wait(0.1):
                    return
        except KafkaError as exc:  # the broker went away: the poll loop's trouble handling
            log.debug("%s: no metadata for %s yet (%s)", self.name, topic, exc)

    def _poll_once(self) -> None:
        consumer = self._consumer
        assert consumer is not None
        if self._new_topic is not None:
            self._switch(consumer)
        delay = self._snapshot.processing_ms
        max_records = 500 if delay <= 0 else max(1, 100 // delay)
        if self.joining and self._stuck_joining():
            self._rejoin_as_new_member()
            return
        if self.joining and self.profile.waits_out_joins:
            # Wait for the whole join, then no longer (why: BrokerProfile.waits_out_joins).
            # A long consumer.poll() would avoid the race too, but then idles on for the
            # whole timeout after the join when no record comes, deaf to stop().
            kafka_compat.finish_join(consumer, self.setup.settings.session_timeout_ms)
        batches = consumer.poll(timeout_ms=self._fetch_wait.poll_ms(), max_records=max_records)
        self._fetch_wait.adapt(consumer, bool(batches))
        gone = self._rewind_if_log_went_back(consumer)
        for tp, records in batches.items():
            if tp in gone:
                continue  # read from the old offset of a new log: read again from its start
            for record in records:
                if self._stopping.is_set() or self._crashed.is_set():
                    return
                if tp not in consumer.assignment():
                    break  # revoked in a rebalance: its new owner will read it
                if not self._process(record):
                    return
                self._pending[tp] = record.offset + 1
                self._commit_if_due()
        self._commit_if_due()

    def _rewind_if_log_went_back(self, consumer: KafkaConsumer) -> list[TopicPartition]:
        """Partitions of a log that is gone (a broker back empty) restart at 0.

        What was pending there belongs to the old log: committing it would send the next
        owner past the end of the new one.
        """
        moved = self._log_watch.rewind(consumer)
        if not moved:
            return moved
        for tp in moved:
            self._pending.pop(tp, None)
        log.warning(
            "%s: partitions %s of %s were recreated (the broker came back empty); reading "
            "them from the start",
            self.name,
            ", ".join(str(p) for p in _numbers(set(moved))),
            self.setup.settings.topic,
        )
        return moved

    def _stuck_joining(self) -> bool:
        """Joining for longer than the profile allows (tansu: see STUCK_JOIN_SESSIONS in
        messaging/broker/profile.py); never on a broker whose joins always end."""
        limit = self.profile.stuck_join_after_s(self.setup.settings.session_timeout_ms)
        if limit is None:
            return False
        now = time.monotonic()
        if self._joining_since is None:
            self._joining_since = now
        return now - self._joining_since > limit

    def _rejoin_as_new_member(self) -> None:
        """A fresh consumer (a new member id); what was not committed is redelivered."""
        log.warning("%s: the group has not finished a rebalance; rejoining afresh", self.name)
        self._pending.clear()  # no generation to commit in: the next owner re-reads
        old, self._consumer = self._consumer, None
        if old is not None:
            try:
                old.close(autocommit=False, timeout_ms=1000)
            except Exception:  # leaving a broken group is best effort
                log.debug("%s: close while stuck raised", self.name, exc_info=True)
        self._update(partitions=(), joining=True)
        self._consumer = self._make_consumer()
        self._joining_since = time.monotonic()

    def _switch(self, consumer: KafkaConsumer) -> None:
        """Leave the old topic's partitions (committing what was done) for the new one."""
        topic, self._new_topic = self._new_topic, None
        if topic is None or topic == self.setup.settings.topic:
            return
        self._commit()
        self.setup.settings = replace(self.setup.settings, topic=topic)
        for assignor in self._assignors:
            assignor.topic = topic
        consumer.subscribe([topic], listener=_Listener(self))
        self._await_metadata(consumer, topic)
        self._update(joining=True)
        log.info("%s: now consuming %s", self.name, topic)

    def _commit_if_due(self) -> None:
        """Commit every COMMIT_EVERY_S, not after every poll: a commit round trip per
        poll cost up to 30% of throughput."""
        if time.monotonic() - self._last_commit >= COMMIT_EVERY_S:
            self._commit()

    def _process(self, record: ConsumerRecord) -> bool:
        """Process one record with retries; False when a crash interrupted it.

        (Not named ``_handle``: on Python 3.13 that is an attribute of threading.Thread,
        which this class once subclassed and then shadowed.)
        """
        incoming = Incoming.of(record)
        max_retries = self.setup.settings.max_retries
        for attempt in range(1, max_retries + 2):
            snap = self._snapshot
            self._log("received", incoming, attempt)
            if snap.processing_ms > 0:
                self._update(in_flight=incoming.message_id)
                self._report(incoming, attempt, PROCESSING)
                if self._crashed.wait(snap.processing_ms / 1000):
                    return False
            try:
                processing.check(incoming.value, snap.failure_rate)
            except processing.ProcessingError as exc:
                if attempt > max_retries:
                    return self._dead_letter(incoming, str(exc), attempt)
                self._report(incoming, attempt, FAILED, str(exc))
                backoff = processing.backoff_s(attempt, self.setup.settings.retry_backoff_ms)
                if self._crashed.wait(backoff):
                    return False
                continue
            # The count first: whoever sees the delivery also sees it counted.
            self._update(processed=self._snapshot.processed + 1, in_flight=None)
            self._report(incoming, attempt, PROCESSED)
            return True
        return True

    def _dead_letter(self, incoming: Incoming, error: str, attempts: int) -> bool:
        """Publish to ``<topic>.DLT`` with headers saying why; False if a crash came first."""
        record, name = incoming.record, self._snapshot.name
        headers = list(record.headers or []) + [
            ("dlt.error", error.encode()),
            ("dlt.consumer", name.encode()),
            ("dlt.attempts", str(attempts).encode()),
            ("dlt.original.topic", record.topic.encode()),
            ("dlt.original.partition", str(record.partition).encode()),
            ("dlt.original.offset", str(record.offset).encode()),
        ]
        topic = self.setup.settings.dead_letter_topic
        while True:  # a dead letter must never be lost: keep trying until it lands
            try:
                self.setup.dead_letters.publish_raw(topic, record.value, record.key, headers)
                break
            except SendError as exc:
                log.warning("%s: %s; retrying", name, exc)
                if self._crashed.wait(1.0) or self._stopping.is_set():
                    return False
        self._update(in_flight=None)
        self._report(incoming, attempts, DEAD_LETTERED, error)
        self._log("dead_lettered", incoming, attempts)
        return True

    def _report(
        self, incoming: Incoming, attempt: int, status: str, error: str | None = None
    ) -> None:
        delivery = incoming.delivery(self.name, self.wid, attempt, status, error, self.group)
        self.setup.sink.report(delivery)

    def _change(self, kind: str, partitions: tuple[int, ...]) -> None:
        self.setup.sink.report(GroupChange(kind, self.wid, partitions, group=self.group))

    def _log(self, event: str, incoming: Incoming, attempt: int) -> None:
        if self.setup.traffic:
            record = incoming.record
            self.setup.traffic.write(
                event=event,
                message_id=incoming.message_id,
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                consumer=self._snapshot.name,
                key=incoming.key,
                attempt=attempt,
            )

    def _take_pending(
        self, partitions: set[TopicPartition] | None = None
    ) -> dict[TopicPartition, OffsetAndMetadata]:
        """Processed-but-uncommitted offsets (of ``partitions``), removed from pending.

        Empty after a crash: a crashed consumer commits nothing.
        """
        if self._crashed.is_set():
            return {}
        chosen = [tp for tp in self._pending if partitions is None or tp in partitions]
        self._last_commit = time.monotonic()
        return {tp: OffsetAndMetadata(self._pending.pop(tp), "", -1) for tp in chosen}

    def _commit(self) -> None:
        """Commit everything processed so far (worker thread only: it blocks).

        Nothing is committed before the sink holds the reports: a commit without its
        ``processed`` report would make the message look lost after a kill.
        """
        if self._consumer is None or not self._pending:
            return
        if not self.setup.sink.flush(FLUSH_TIMEOUT_S):
            log.warning("%s: reports not flushed; commit postponed", self.name)
            self._last_commit = time.monotonic()
            return
        offsets = self._take_pending()
        try:
            # Bounded: without a timeout kafka-python retries a commit for ever (seen stuck
            # >90 s mid-rebalance in a chaos run, holding its partitions while heartbeating).
            self._consumer.commit(offsets, timeout_ms=COMMIT_TIMEOUT_MS)
        except KafkaError as exc:  # rebalancing: the next owner re-reads, flagged as redelivered
            log.warning("%s: commit failed (%s)", self.name, exc)

    def _on_revoked(self, revoked: set[TopicPartition]) -> None:
        if self._crashed.is_set():
            return
        self._change("revoked", _numbers(revoked))
        # Eager assignors revoke everything (a cooperative one only what moves).
        kept = tuple(p for p in self._snapshot.partitions if p not in _numbers(revoked))
        self._update(partitions=kept, joining=True)

    def _on_assigned(self, assigned: set[TopicPartition]) -> None:
        self._joining_since = None
        if self._crashed.is_set():
            return
        # Eager assignors hand out the whole new set (a cooperative one only what is new).
        parts = tuple(sorted({*self._snapshot.partitions, *_numbers(assigned)}))
        membership = self._consumer.group_metadata() if self._consumer is not None else None
        self._update(
            partitions=parts,
            state=ACTIVE if parts else IDLE,
            joining=False,
            member_id=membership.member_id if membership else "",
            generation=membership.generation_id if membership else -1,
        )
        self._change("assigned", parts)

    def _on_table(self, generation: int, topic: str, table: dict[str, tuple[int, ...]]) -> None:
        """This consumer led the group: report who got what (see messaging.clients.assignment)."""
        report = GroupAssignment(self.group, topic, generation, table, self._snapshot.uid)
        self.setup.sink.report(report)

    def _shutdown(self) -> None:
        held = self._snapshot.partitions  # close() revokes them; the stop event names them
        consumer = self._consumer
        if consumer is not None:
            if self._crashed.is_set():
                _abandon(consumer)
            else:
                self._commit()  # what this consumer finished, before it leaves the group
                try:
                    consumer.close(autocommit=False, timeout_ms=3000)
                except Exception:  # leaving is best effort
                    log.exception("%s: close failed", self.name)
        self._consumer = None
        if not self._crashed.is_set():
            self._update(state=STOPPED, partitions=(), in_flight=None, joining=False)
            self._change("stop", held)
        self.setup.sink.flush(FLUSH_TIMEOUT_S)


def _numbers(tps: set[TopicPartition]) -> tuple[int, ...]:
    return tuple(sorted(tp.partition for tp in tps))


def _abandon(consumer: KafkaConsumer) -> None:
    """Close sockets like a killed process would: no LeaveGroup, no commit.

    Only the thread home needs this: kafka-python has no public "die" call, and its
    close() always sends LeaveGroup, which would make the broker rebalance at once.
    Turning that one request into a no-op leaves the broker to find out at session
    expiry, as with a real crash. Process consumers are SIGKILLed instead.
    """
    kafka_compat.skip_leave_group(consumer)
    try:
        consumer.close(autocommit=False, timeout_ms=500)
    except Exception:  # already gone is fine
        log.debug("abandon: close raised", exc_info=True)
