"""One competing consumer: a KafkaConsumer polled, processed and closed by one thread.

The same worker runs in three homes: a thread of the app, a child process the app
started, and a process started by hand on any machine (``python -m messaging.consumer``).
It does not know which: its home hands it a :class:`Setup` (where it reports, where dead
letters go) and calls :meth:`ConsumerWorker.run` on a thread of its own (the app's
``ThreadMember``, or the main thread of ``messaging.consumer.cli``).
kafka-python consumers are not thread-safe, so everything that touches the consumer
happens in :meth:`ConsumerWorker.run`; other threads only set flags and read snapshots.
Offsets are committed only after processing (at-least-once), and only once the sink
holds the reports of what they cover.

The roles, one module each: :mod:`.status` (snapshot and reports), :mod:`.records`
(attempts, retries, dead letters), :mod:`.offsets` (what to commit), :mod:`.rebalance`
(partitions coming and going), :mod:`.joining` (the join guard), :mod:`.client` (the
KafkaConsumer's configuration).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import InconsistentGroupProtocolError, KafkaError

from messaging.broker import profile as broker_profile
from messaging.clients.assignment import ReportingAssignor
from messaging.consumer import client
from messaging.consumer.client import ASSIGNORS
from messaging.consumer.home import DeadLetters, Setup
from messaging.consumer.joining import JoinGuard
from messaging.consumer.offsets import Offsets
from messaging.consumer.rebalance import Rebalances, numbers
from messaging.consumer.records import Incoming, RecordProcessor
from messaging.consumer.status import Sink, Status
from messaging.core import kafka_compat
from messaging.core.events import CRASHED, STOPPED, ConsumerSnapshot
from messaging.core.reasons import Reason, simulated_crash

__all__ = ["ASSIGNORS", "ConsumerWorker", "DeadLetters", "Incoming", "Setup", "Sink"]

log = logging.getLogger(__name__)
TROUBLE_PAUSE_S, TROUBLE_SAID_EVERY_S = 0.5, 30.0  # a poll that met a broker outage
CLOSE_TIMEOUT_MS, STUCK_CLOSE_TIMEOUT_MS, ABANDON_TIMEOUT_MS = 3000, 1000, 500


class ConsumerWorker:
    """One group member. :meth:`run` is its loop, on whichever thread calls it.

    ``stop()`` finishes the message in hand, commits and leaves the group; ``crash()``
    drops everything at once (a process home SIGKILLs itself right after).
    """

    def __init__(self, identity: ConsumerSnapshot, setup: Setup) -> None:
        self.consumer_id, self.name, self.setup = identity.id, identity.name, setup
        self.group = setup.settings.group
        self.profile = broker_profile.of(setup.settings)
        self._stopping = threading.Event()
        self._crashed = threading.Event()
        self._status = Status(
            replace(
                identity,
                group=self.group,
                state="starting",
                partitions=(),
                processed=0,
                in_flight=None,
                joining=True,
                session_timeout_ms=setup.settings.session_timeout_ms,
            ),
            setup.sink,
        )
        self._offsets = Offsets(self.name, self._status, self._crashed)
        self._records = RecordProcessor(setup, self._status, self._crashed, self._stopping)
        self.join_guard = JoinGuard(self.profile, setup.settings.session_timeout_ms)
        self._rebalances = Rebalances(
            self._status, self._offsets, self.join_guard, self._crashed, lambda: self._consumer
        )
        self._consumer: KafkaConsumer | None = None
        self._assignors: list[ReportingAssignor] = []  # made with each KafkaConsumer
        # The group's members use an assignor this one does not offer: it cannot join.
        self.refused_assignor = False
        self._trouble_said = 0.0  # when a broker outage was last logged
        self._fetch_wait = self.profile.fetch_wait()
        self._log_watch = self.profile.log_watch()
        self._new_topic: str | None = None  # asked for by resubscribe(), taken by the loop
        self.error: str | None = None

    # ----- called from any thread -------------------------------------------------
    @property
    def snapshot(self) -> ConsumerSnapshot:
        return self._status.snapshot

    @property
    def joining(self) -> bool:
        return self._status.snapshot.joining

    @property
    def alive(self) -> bool:
        """Still a working member: not stopped, crashed, or on its way out."""
        return not self._stopping.is_set() and self.snapshot.state not in (STOPPED, CRASHED)

    def stop(self) -> None:
        """Graceful: finish the current message, commit, leave the group."""
        self._stopping.set()

    def crash(self, reason: Reason | None = None) -> None:
        """Drop everything now; no commit, no LeaveGroup. ``reason``: a process about to
        SIGKILL itself says so; a thread only simulates the crash."""
        self._crashed.set()
        held = self.snapshot.partitions
        self._status.update(
            state=CRASHED,
            crashed_at=time.time(),
            in_flight=None,
            partitions=(),
            joining=False,
            reason=reason or simulated_crash(),
        )
        self._status.change("crash", held)

    def configure(
        self, processing_ms: int | None = None, failure_rate: float | None = None
    ) -> None:
        changes: dict[str, object] = {}
        if processing_ms is not None:
            changes["processing_ms"] = int(processing_ms)
        if failure_rate is not None:
            changes["failure_rate"] = float(failure_rate)
        if changes:
            self._status.update(**changes)

    def resubscribe(self, topic: str) -> None:
        """Consume ``topic`` instead (any thread): the group rebalances onto it."""
        self._new_topic = topic

    # ----- the loop ----------------------------------------------------------------
    def run(self) -> None:
        """Poll, process, commit until stopped or crashed; always leaves cleanly."""
        self._status.announce()
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
        self._assignors = client.reporting_assignors(s, self._status)
        client_id = f"{s.group}-{self.snapshot.uid or self.name}"
        consumer = client.make_consumer(
            s, self.setup.bootstrap_servers, client_id, self._assignors, self.profile
        )
        client.subscribe(consumer, s.topic, self._rebalances, self._crashed)
        return consumer

    def _poll_once(self) -> None:
        consumer = self._consumer
        assert consumer is not None
        if self._new_topic is not None:
            self._switch(consumer)
        delay = self.snapshot.processing_ms
        max_records = 500 if delay <= 0 else max(1, 100 // delay)
        if self.joining and self.join_guard.stuck():
            self._rejoin_as_new_member()
            return
        if self.joining:
            self.join_guard.wait_out(consumer)
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
                if not self._records.process(record):
                    return
                self._offsets.done(tp, record.offset)
                self._offsets.commit_if_due(consumer)
        self._offsets.commit_if_due(consumer)

    def _rewind_if_log_went_back(self, consumer: KafkaConsumer) -> list[TopicPartition]:
        """Partitions of a log that is gone (a broker back empty) restart at 0.

        What was pending there belongs to the old log: committing it would send the next
        owner past the end of the new one.
        """
        moved = self._log_watch.rewind(consumer)
        if not moved:
            return moved
        self._offsets.forget(moved)
        log.warning(
            "%s: partitions %s of %s were recreated (the broker came back empty); reading "
            "them from the start",
            self.name,
            ", ".join(str(p) for p in numbers(set(moved))),
            self.setup.settings.topic,
        )
        return moved

    def _rejoin_as_new_member(self) -> None:
        """A fresh consumer (a new member id); what was not committed is redelivered."""
        log.warning("%s: the group has not finished a rebalance; rejoining afresh", self.name)
        self._offsets.forget()  # no generation to commit in: the next owner re-reads
        old, self._consumer = self._consumer, None
        if old is not None:
            try:
                old.close(autocommit=False, timeout_ms=STUCK_CLOSE_TIMEOUT_MS)
            except Exception:  # leaving a broken group is best effort
                log.debug("%s: close while stuck raised", self.name, exc_info=True)
        self._status.update(partitions=(), joining=True)
        self._consumer = self._make_consumer()
        self.join_guard.restarted()

    def _switch(self, consumer: KafkaConsumer) -> None:
        """Leave the old topic's partitions (committing what was done) for the new one."""
        topic, self._new_topic = self._new_topic, None
        if topic is None or topic == self.setup.settings.topic:
            return
        self._offsets.commit(self._consumer)
        self.setup.settings = replace(self.setup.settings, topic=topic)
        for assignor in self._assignors:
            assignor.topic = topic
        client.subscribe(consumer, topic, self._rebalances, self._crashed)
        self._status.update(joining=True)
        log.info("%s: now consuming %s", self.name, topic)

    def _shutdown(self) -> None:
        held = self.snapshot.partitions  # close() revokes them; the stop event names them
        consumer = self._consumer
        if consumer is not None:
            if self._crashed.is_set():
                _abandon(consumer)
            else:
                self._offsets.commit(consumer)  # what it finished, before it leaves the group
                try:
                    consumer.close(autocommit=False, timeout_ms=CLOSE_TIMEOUT_MS)
                except Exception:  # leaving is best effort
                    log.exception("%s: close failed", self.name)
        self._consumer = None
        if not self._crashed.is_set():
            self._status.update(state=STOPPED, partitions=(), in_flight=None, joining=False)
            self._status.change("stop", held)
        self._status.flush()


def _abandon(consumer: KafkaConsumer) -> None:
    """Close sockets like a killed process would: no LeaveGroup, no commit.

    kafka-python has no public "die" call, and its close() always sends LeaveGroup,
    which would make the broker rebalance at once. Turning that one request into a no-op
    leaves the broker to find out at session expiry, as with a real crash. (A process
    home is SIGKILLed right after its crash report, so only a thread home gets here.)
    """
    kafka_compat.skip_leave_group(consumer)
    try:
        consumer.close(autocommit=False, timeout_ms=ABANDON_TIMEOUT_MS)
    except Exception:  # already gone is fine
        log.debug("abandon: close raised", exc_info=True)
