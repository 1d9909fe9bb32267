"""Everything the app runs, wired once: broker, topic, producer, fleet, lag monitor, log.

``main.py --headless``, the window and the tests all start one :class:`Runtime` and
drive it; nothing else creates Kafka clients.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from dataclasses import replace
from typing import Any

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from messaging import broker as brokers
from messaging.audit.ledger import Ledger
from messaging.audit.traffic_log import TrafficLog
from messaging.broker import BrokerError, wait_reachable
from messaging.broker import profile as broker_profile
from messaging.broker.exposure import BrokerExposure, broker_exposure, is_loopback
from messaging.broker.profile import BrokerProfile
from messaging.broker.watch import BrokerStatus, BrokerWatch
from messaging.channel.activity import ActivityReader, activity_topic, control_topic
from messaging.channel.control import ControlChannel, ControlKeys, consumer_launcher, join_command
from messaging.channel.report_seal import ReportGate
from messaging.clients.sender import Sender
from messaging.clients.topics import ensure_topic
from messaging.core import limits, names, reasons
from messaging.core.config import Settings
from messaging.core.events import (
    DEAD_LETTERED,
    ConsumerSnapshot,
    Delivery,
    EventHub,
    GroupAssignment,
    SentMessage,
)
from messaging.core.reasons import Reason
from messaging.group.fleet import Fleet, FleetFull, Homes, UnknownConsumer
from messaging.group.monitor import LagMonitor
from messaging.group.outside import OutsideConsumption

MAX_GROUPS = 4  # each group has its own consumers and lag monitor


class GroupExists(Exception):
    """The group (or topic) is there already, or there are as many groups as allowed."""


WATCH_S = 0.25  # how often members that died without a word are looked for
BROKER_STOP_GRACE_S = 1.0  # tansu drains connections up to 5 s on SIGTERM; outside ones linger


class LocalSink:
    """The sink of thread workers: their events go straight into the app's pipeline."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def report(self, event: object) -> None:
        self._runtime.ingest_local(event)

    def flush(self, timeout: float) -> bool:
        return True  # already in the ledger


log = logging.getLogger(__name__)


class Runtime:
    """Start with :meth:`start`, end with :meth:`stop` (idempotent, bounded in time)."""

    def __init__(
        self,
        settings: Settings,
        hub: EventHub | None = None,
        control_keys: ControlKeys | None = None,
    ) -> None:
        self.settings = settings
        # Signs the commands to consumers outside the process (see messaging.channel.control).
        self.control_keys = control_keys or ControlKeys.random()
        # One for the app's life: a reader started again must still refuse replays.
        self._report_gate = ReportGate(self.control_keys)
        self.control: ControlChannel | None = None
        self.exposure: BrokerExposure | None = None  # the embedded broker open to the network
        self.hub = hub or EventHub()
        self.hub.subscribe(self._nudge_on_send)
        self.ledger = Ledger(settings.ledger_size)
        self.broker: brokers.Broker | None = None
        self.profile: BrokerProfile | None = None  # chosen at start (messaging/broker/profile.py)
        self.bootstrap_servers = settings.bootstrap_servers or ""
        self.partitions = settings.partitions
        self.traffic: TrafficLog | None = None
        self.sender: Sender | None = None
        self.fleet: Fleet | None = None
        self.monitor: LagMonitor | None = None
        self.reader: ActivityReader | None = None
        self.warnings: list[Reason] = []
        self.started_at: float | None = None
        self._halt = threading.Event()
        self._watch: threading.Thread | None = None
        self.broker_watch: BrokerWatch | None = None
        self.fleets: dict[str, Fleet] = {}
        self.monitors: dict[str, LagMonitor] = {}
        self._outside: dict[str, OutsideConsumption] = {}
        self._groups_lock = threading.Lock()
        self._ids = itertools.count(1)

    @property
    def embedded(self) -> bool:
        return self.settings.bootstrap_servers is None

    @property
    def embedded_kind(self) -> str | None:
        """The embedded broker's kind (tansu or apache), None on an external Kafka."""
        return self.settings.broker if self.embedded else None

    @property
    def broker_version(self) -> str | None:
        """What the embedded broker runs (``tansu 0.6.0``, ``Apache Kafka 4.4.0``); None
        on an external Kafka, which the app does not ask."""
        return self.broker.version if self.broker else None

    def start(self) -> Runtime:
        """Bring everything up; raises :class:`BrokerError` with a one-line reason, or
        :class:`messaging.broker.profile.UnfitSettings` for a setting the broker refuses.

        Call it from a long-lived thread (the main thread): the embedded broker is
        tied to the thread that started it and dies with it.
        """
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        s = self.settings
        if self.embedded:
            self.broker = brokers.embedded(
                s.broker, s.broker_host, s.broker_port, s.advertised_host, s.kafka_home
            )
            self.bootstrap_servers = self.broker.start()
            self.exposure = broker_exposure(s.broker_host, self.broker.port)
            if self.exposure:
                log.warning(self.exposure.text)
                self._check_advertised(self.broker.advertised)
        else:
            wait_reachable(self.bootstrap_servers, timeout=5.0)
        self.profile = self._choose_profile()
        # Every group, thread and child process from here on runs under this choice.
        self.settings = replace(s, broker_profile=self.profile.name)
        admin, _ = self._connect()
        _close_quietly(admin)
        if self.partitions < s.partitions:
            self.warnings.append(reasons.topic_exists(s.topic, self.partitions, s.partitions))
        self.traffic = TrafficLog(s.log_file, s.log_format, s.log_to_stderr)
        self.sender = Sender(self.bootstrap_servers, s.topic, self.ledger, self.hub, self.traffic)
        self.control = ControlChannel(self.sender.publish_raw, s.channel, self.control_keys)
        self._homes = Homes(
            LocalSink(self),
            self.sender,
            self.control,
            self.hub.publish,
            lambda: sum(fleet.own_live() for fleet in self.groups()),
        )
        self.fleet = self._new_group(s.group, s.assignor)
        self._start_reader()
        self.broker_watch = BrokerWatch(
            self.bootstrap_servers, self.broker, self._recover, self._broker_status
        )
        # The watch thread lives as long as the runtime: a broker it restarts dies with it.
        self._watch = threading.Thread(target=self._watch_loop, name="watch", daemon=True)
        self._watch.start()
        for _ in range(s.consumers):
            self.fleet.add()
        self.check_idle()
        for warning in self.warnings:
            log.warning(warning.english())
        self.started_at = time.time()

    def _choose_profile(self) -> BrokerProfile:
        """The broker's profile (asked of an external broker unless the flag says), and
        the settings checked against it before anything is created or started."""
        s = self.settings
        try:
            chosen = broker_profile.resolve(
                s.broker_profile, self.bootstrap_servers, s.broker if self.embedded else None
            )
        except KafkaError as exc:
            raise BrokerError(f"Kafka at {self.bootstrap_servers} did not answer: {exc}") from exc
        chosen.check(s.session_timeout_ms, s.assignor)
        log.info("broker profile %s (%s)", chosen.name, chosen.detail)
        return chosen

    # ----- groups: one is point-to-point, two or more is publish-subscribe ------------
    def _new_group(self, name: str, assignor: str) -> Fleet:
        settings = replace(self.settings, group=name, assignor=assignor, partitions=self.partitions)
        fleet = Fleet(settings, self.bootstrap_servers, self._homes, self._ids)
        outside = OutsideConsumption(fleet, self.ledger, self._deliver)
        with self._groups_lock:
            self.fleets[name] = fleet
            self._outside[name] = outside
        self._watch_lag(fleet)
        return fleet

    def _watch_lag(self, fleet: Fleet) -> None:
        """A lag monitor for ``fleet`` on the current topic (replacing its old one). It
        connects on its own thread: this may run on the activity reader's."""
        monitor = LagMonitor(
            self.bootstrap_servers, self.settings.topic, fleet.group, self.partitions
        )
        monitor.on_described = fleet.observe_group
        monitor.keep_looking = fleet.watched_closely
        monitor.on_committed = self._outside[fleet.group].committed
        with self._groups_lock:
            old = self.monitors.get(fleet.group)
            self.monitors[fleet.group] = monitor
        if fleet.group == self.settings.group:
            self.monitor = monitor
        monitor.start()
        if old is not None:
            old.stop()

    def switch_topic(self, partitions: int, topic: str | None = None) -> dict[str, Any]:
        """Move the app onto a new topic, e.g. from the spec's single partition to six.

        A topic cannot gain partitions here (tansu cannot add them; on Kafka it would
        reshuffle keys), so this creates a new topic. The producer sends there, and every
        consumer of every group resubscribes to it (the groups rebalance). The message
        history goes on; the activity and control topics keep their names.
        """
        name = f"{self.settings.channel}-{partitions}p" if topic is None else topic
        problem = names.topic_problem(name)
        low, high = limits.PARTITIONS
        if problem or not low <= partitions <= high:
            raise ValueError(f"topic {problem}" if problem else f"partitions must be {low}-{high}")
        previous = self.settings.topic
        if name == previous:
            raise GroupExists(f"already on topic {name}")
        admin = self._admin()
        try:
            count = ensure_topic(admin, name, partitions)
            ensure_topic(admin, f"{name}.DLT", 1)
        finally:
            admin.close()
        s = self.settings
        self.settings = replace(s, topic=name, partitions=partitions, channel_topic=s.channel)
        self.partitions = count
        assert self.sender is not None
        self.sender.topic = name
        stuck = [n for fleet in self.groups() for n in fleet.resubscribe(name, count)]
        for fleet in self.groups():
            self._watch_lag(fleet)
        self.warnings = [w for w in self.warnings if w.params.get("topic") != previous]
        log.info("switched from topic %s to %s (%d partitions)", previous, name, count)
        return {"topic": name, "partitions": count, "previous": previous, "not_moved": stuck}

    def add_group(
        self,
        name: str,
        assignor: str | None = None,
        consumers: int = 0,
        kind: str | None = None,
    ) -> Fleet:
        """Another consumer group on the same topic: every message now reaches one
        consumer of each group. Raises ValueError for a bad or taken name."""
        problem = names.group_problem(name) if isinstance(name, str) else "must be a string"
        if problem:
            raise ValueError(f"group {problem}")
        problem = None if assignor is None else self._profile.assignor_problem(assignor)
        if problem:
            raise ValueError(problem)
        with self._groups_lock:
            if name in self.fleets:
                raise GroupExists(f"group {name} exists already")
            if len(self.fleets) >= MAX_GROUPS:
                raise GroupExists(f"at most {MAX_GROUPS} groups")
        room = limits.LIVE_CONSUMERS - self._homes.live_everywhere()
        if consumers > room:  # said before the group exists: nothing half made
            raise FleetFull(
                f"{consumers} more consumers would pass the {limits.LIVE_CONSUMERS} live "
                f"consumers of all groups together ({room} left)"
            )
        fleet = self._new_group(name, assignor or self.settings.assignor)
        log.info("group %s added (%s)", name, fleet.settings.assignor)
        for _ in range(consumers):
            fleet.add(kind=kind)
        return fleet

    def groups(self) -> list[Fleet]:
        with self._groups_lock:
            return list(self.fleets.values())

    # ----- the event pipeline: every consumer's reports, wherever it runs -------------
    def ingest_local(self, event: object) -> None:
        """An event of a thread worker (on its thread)."""
        fleet = self.fleets.get(getattr(event, "group", "") or self.settings.group)
        if fleet is not None:
            seen = fleet.observe_local(event)
            if seen is not None:
                self._deliver(seen)

    def ingest_reported(self, uid: str, events: list[object]) -> None:
        """Events a process or remote consumer reported on the activity topic."""
        fleet = self._fleet_of(uid, events)
        if fleet is None:
            return
        seen = [e for e in (fleet.observe(uid, event) for event in events) if e is not None]
        deliveries = [e for e in seen if isinstance(e, Delivery)]
        if deliveries and (monitor := self.monitors.get(fleet.group)) is not None:
            monitor.nudge()  # an idle monitor looks at the lag again now
        # One ledger lock for the report's deliveries, then every event in report order.
        recorded = iter(self.ledger.record_deliveries(deliveries))
        for event in seen:
            if isinstance(event, Delivery):
                event, starts = next(recorded)
                self._logged(event, starts)
            self.hub.publish(event)

    def _fleet_of(self, uid: str, events: list[object]) -> Fleet | None:
        """The group a reporting consumer belongs to; a new group is shown as it appears."""
        for fleet in self.groups():
            if fleet.knows(uid):
                return fleet
        group = next(
            (e.group for e in events if isinstance(e, (ConsumerSnapshot, GroupAssignment))), None
        )
        if not group:
            return None
        if group not in self.fleets:
            try:
                self.add_group(group)
            except (ValueError, GroupExists) as exc:
                log.warning("consumer %s of group %s not shown: %s", uid, group, exc)
                return None
        return self.fleets.get(group)

    def _deliver(self, event: object) -> None:
        """Ledger and traffic log first, then the observers (window, tests)."""
        if isinstance(event, Delivery):
            event, starts = self.ledger.record_delivery(event)
            self._logged(event, starts)
        self.hub.publish(event)

    def _nudge_on_send(self, event: object) -> None:
        """A message went out: idle lag monitors look again now (lag grows)."""
        if isinstance(event, SentMessage):
            for monitor in list(self.monitors.values()):
                monitor.nudge()

    def _logged(self, d: Delivery, starts: bool) -> None:
        """The traffic log's lines of a recorded delivery."""
        if starts:
            self._log_delivery("received", d)
        if d.status == DEAD_LETTERED:
            self._log_delivery("dead_lettered", d)

    def _log_delivery(self, what: str, d: Delivery) -> None:
        if self.traffic:
            self.traffic.write(
                event=what,
                message_id=d.message_id,
                topic=d.topic or self.settings.topic,
                partition=d.partition,
                offset=d.offset,
                consumer=d.consumer,
                key=d.key,
                attempt=d.attempt,
            )

    def _admin(self) -> KafkaAdminClient:
        return KafkaAdminClient(
            bootstrap_servers=self.bootstrap_servers,
            client_id="p2p-demo-admin",
            request_timeout_ms=5000,
        )

    def _connect(self) -> tuple[KafkaAdminClient, bool]:
        """An admin client, and the topics the app needs; True when some were missing."""
        s = self.settings
        names = (s.dead_letter_topic, activity_topic(s.channel), control_topic(s.channel))
        try:
            admin = self._admin()
            missing = {s.topic, *names} - set(admin.list_topics())
            self.partitions = ensure_topic(admin, s.topic, s.partitions)
            for name in names:
                ensure_topic(admin, name, 1)
        except (KafkaError, RuntimeError) as exc:
            raise BrokerError(f"Kafka at {self.bootstrap_servers} did not answer: {exc}") from exc
        if missing:
            log.info("created topics: %s", ", ".join(sorted(missing)))
        return admin, bool(missing)

    def _broker_status(self, status: BrokerStatus) -> None:
        """While the broker is known to be down, sends fail at once instead of in 4 s,
        and so do the ones waiting for an acknowledgement (before a dead embedded broker
        is restarted: see Sender.abandon_in_flight)."""
        if self.sender:
            self.sender.unavailable = None if status.up else status.detail
            if not status.up:
                self.sender.abandon_in_flight()
        self.hub.publish(status)

    def _recover(self) -> None:
        """The broker is back: topics, producer, lag monitor, activity reader.

        The consumers rejoin the group by themselves (kafka-python reconnects and
        rejoins). A recreated activity topic is read from its start: what consumers
        reported since it came back is all there is.
        """
        before = self.partitions
        admin, recreated = self._connect()
        _close_quietly(admin)
        if self.partitions != before:
            self._note_partitions_changed(before)
        if self.sender:
            self.sender.reset()
        for fleet in self.groups():  # new monitors: the topic may have another count now
            fleet.model.use_topic(self.settings.topic, self.partitions)
            self._watch_lag(fleet)
        if self.reader:
            self.reader.stop()
        self._start_reader(from_start=recreated)

    def _note_partitions_changed(self, before: int) -> None:
        """tansu creates a topic on first use, with 4 partitions, and no client can ask
        it not to: one that asked for the topic before the app recreated it wins."""
        warning = reasons.topic_came_back(self.settings.topic, self.partitions, before)
        log.warning("%s; the app goes on with %d", warning.english(), self.partitions)
        self.warnings.append(warning)

    def _start_reader(self, from_start: bool = False) -> None:
        """Read the consumers' reports (from the start of a topic recreated empty)."""
        self.reader = ActivityReader(
            self.bootstrap_servers,
            self.settings.channel,
            self.ingest_reported,
            self._profile,
            self._report_gate,
            from_start,
        )
        self.reader.start()

    def _revive_reader(self) -> None:
        """An activity reader that died (it logged why) is replaced: without it the app
        would go blind to every consumer outside its process."""
        reader = self.reader
        if reader is None or reader.alive or self._halt.is_set() or not self.broker_watch.status.up:
            return
        log.error("the activity reader stopped; starting a new one")
        self._start_reader()

    def _check_advertised(self, host: str) -> None:
        """Open to other machines, but named for this one's loopback (``getfqdn()`` on a
        machine whose hosts file maps its name to 127.0.0.1): the pasted command would
        not work elsewhere, so the app says so where the command is shown."""
        addresses = brokers.resolves_to(host)
        if addresses and all(is_loopback(a) for a in addresses):
            self.warnings.append(reasons.advertised_loopback(host))

    def _watch_loop(self) -> None:
        """Members that died without a word, every WATCH_S; the broker, every second."""
        while not self._halt.wait(WATCH_S):
            for fleet in self.groups():
                fleet.reap()  # and a fresh look at the group: a crashed session may end
            if self.broker_watch is not None and self.broker_watch.due():
                self.broker_watch.check()
                self._revive_reader()

    def check_idle(self) -> Reason | None:
        """Why some consumers sit idle (more of them than partitions), if they do."""
        live = len(self.fleet.live()) if self.fleet else 0
        if live <= self.partitions:
            return None
        warning = reasons.idle_consumers(self.settings.topic, self.partitions, live)
        if warning not in self.warnings:
            self.warnings.append(warning)
        return warning

    def stop(self, timeout: float = 8.0) -> None:
        """Stop consumers, producer, monitor and broker, in that order."""
        deadline = time.monotonic() + timeout
        self._halt.set()
        for fleet in self.groups():
            fleet.close(timeout=max(deadline - time.monotonic() - 2, 1))
        if self._watch:
            self._watch.join(1.0)
        if self.reader:
            self.reader.stop()
            self.reader = None
        for monitor in self.monitors.values():
            monitor.stop()  # each monitor closes its own admin client
        self.monitor = None
        if self.sender:
            self.sender.close(timeout=max(deadline - time.monotonic() - 1, 0.5))
            self.sender = None
        if self.traffic:
            self.traffic.close()
            self.traffic = None
        if self.broker:
            self.broker.stop(grace=BROKER_STOP_GRACE_S)  # outside consumers may linger
            self.broker = None

    # ----- read models for the API and the window ------------------------------------
    def stats(self) -> dict[str, Any]:
        totals = self.ledger.totals()
        view = self.fleet.view() if self.fleet else None
        members = view.members if view else ()
        lag = dict(self.monitor.lag) if self.monitor else {}
        return {
            **totals,
            "in_flight": sum(1 for s in members if s.in_flight),
            "lag": {str(p): n for p, n in lag.items()},
            "consumers": {
                s.name: {
                    "kind": s.kind,
                    "state": s.state,
                    "partitions": list(s.partitions),
                    "assignment_source": s.assignment_source or None,
                    "processed": s.processed,
                }
                for s in members
            },
            "live": self.fleet.counts() if self.fleet else {},
            "group_state": view.state if view else "Empty",
            "rebalances": view.rebalances if view else 0,
            "order": self.ledger.order(),
            "groups": {f.group: self.group_stats(f) for f in self.groups()},
            "assignor": self.settings.assignor,
            "moves": [
                {"rebalance": m.rebalance, "moved": list(m.partitions), "at": m.at}
                for m in (view.moves if view else ())
            ][-10:],
        }

    def group_stats(self, fleet: Fleet) -> dict[str, Any]:
        """One group as the API and the window show it."""
        monitor = self.monitors.get(fleet.group)
        view = fleet.view()
        return {
            "group": fleet.group,
            "assignor": fleet.settings.assignor,
            "group_state": view.state,
            "rebalances": view.rebalances,
            "live": len(fleet.live()),
            "lag": {str(p): n for p, n in (monitor.lag if monitor else {}).items()},
        }

    def snapshots(self) -> list[ConsumerSnapshot]:
        """Every consumer of every group, by id."""
        return sorted((s for f in self.groups() for s in f.snapshots()), key=lambda s: s.id)

    def fleet_of(self, wid: int) -> Fleet:
        """The group of consumer ``wid``; raises UnknownConsumer."""
        for fleet in self.groups():
            if fleet.has(wid):
                return fleet
        raise UnknownConsumer(wid)

    def health(self) -> tuple[bool, dict[str, Any]]:
        """Whether the broker answers now, with what a health check should show."""
        info: dict[str, Any] = {
            "broker": self.bootstrap_servers,
            "embedded": self.embedded,
            "broker_kind": self.embedded_kind or "external",
            "broker_version": self.broker_version,
            "topic": self.settings.topic,
            "group": self.settings.group,
            "partitions": self.partitions,
            "warnings": [self.exposure.as_dict()] if self.exposure else [],
        }
        if self.profile is not None:
            info["profile"] = self.profile.as_json()
        watch = self.broker_watch
        if watch is not None and not watch.status.up:
            return False, {**info, "status": "unavailable", "error": watch.status.detail}
        if watch is None:
            try:
                wait_reachable(self.bootstrap_servers, timeout=1.0)
            except BrokerError as exc:
                return False, {**info, "status": "unavailable", "error": str(exc)}
        state = self.fleet.view().state if self.fleet else "Empty"
        return True, {**info, "status": "ok", "group_state": state}

    def join_command(self) -> str:
        """The one command that starts a consumer of this group in another terminal or on
        another machine, with the key that lets this app drive it."""
        s = self.settings
        key = self.control.remote_key if self.control else None
        return join_command(
            self.bootstrap_servers, s.topic, s.group, s.channel, key, consumer_launcher()
        )

    @property
    def _profile(self) -> BrokerProfile:
        assert self.profile is not None, "start() chooses the broker profile"
        return self.profile

    @property
    def broker_reason(self) -> Reason | None:
        """The latest outage or recovery, for the status bar; None when there was none."""
        watch = self.broker_watch
        if watch is None or not watch.outages:
            return None
        return watch.status.reason

    @property
    def broker_note(self) -> str | None:
        """:attr:`broker_reason` in English (logs, tests)."""
        reason = self.broker_reason
        return reason.english() if reason else None


def _close_quietly(admin: KafkaAdminClient | None) -> None:
    try:
        if admin is not None:
            admin.close()
    except Exception:  # closing a client of a gone broker may fail
        log.debug("admin close failed", exc_info=True)
