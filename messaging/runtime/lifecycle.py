"""Start and stop, in their order: broker, profile, topics, clients, groups, watch.

The broker profile is chosen once here, before anything is created, and every group,
thread and child process runs under that choice.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from kafka.errors import KafkaError

from messaging import broker as brokers
from messaging.audit.traffic_log import TrafficLog
from messaging.broker import BrokerError, detect, wait_reachable
from messaging.broker.exposure import broker_exposure, is_loopback
from messaging.broker.profile import BrokerProfile
from messaging.channel.control import ControlChannel
from messaging.clients.sender import Sender
from messaging.core import reasons
from messaging.group.launcher import Homes
from messaging.runtime.groups import GroupRegistry
from messaging.runtime.parts import Parts
from messaging.runtime.pipeline import Pipeline
from messaging.runtime.recovery import BrokerRecovery
from messaging.runtime.topics import TopicAdmin
from messaging.runtime.views import ReadModels

BROKER_STOP_GRACE_S = 1.0  # tansu drains connections up to 5 s on SIGTERM; outside ones linger

log = logging.getLogger(__name__)


class Lifecycle:
    """Brings the parts up in order and down in the reverse one; stop is idempotent."""

    def __init__(
        self,
        parts: Parts,
        groups: GroupRegistry,
        pipeline: Pipeline,
        topics: TopicAdmin,
        recovery: BrokerRecovery,
        views: ReadModels,
    ) -> None:
        self._parts, self._groups, self._pipeline = parts, groups, pipeline
        self._topics, self._recovery, self._views = topics, recovery, views

    def start(self) -> None:
        """Everything up; raises :class:`BrokerError` or ``UnfitSettings`` (the caller
        stops what was started)."""
        p = self._parts
        s = p.settings
        self._reach_broker()
        p.profile = self._choose_profile()
        p.settings = replace(s, broker_profile=p.profile.name)
        self._topics.connect()
        if p.partitions < s.partitions:
            p.warnings.append(reasons.topic_exists(s.topic, p.partitions, s.partitions))
        p.traffic = TrafficLog(s.log_file, s.log_format, s.log_to_stderr)
        p.sender = Sender(p.bootstrap_servers, s.topic, p.ledger, p.hub, p.traffic)
        p.control = ControlChannel(p.sender.publish_raw, s.channel, p.control_keys)
        homes = Homes(
            self._pipeline, p.sender, p.control, p.hub.publish, self._groups.live_everywhere
        )
        fleet = self._groups.open(homes, self._pipeline.deliver)
        self._recovery.start()
        for _ in range(s.consumers):
            fleet.add()
        self._views.note_idle_consumers()
        for warning in p.warnings:
            log.warning(warning.english())

    def stop(self, timeout: float = 8.0) -> None:
        """Stop consumers, producer, monitor and broker, in that order."""
        p = self._parts
        deadline = time.monotonic() + timeout
        p.halt.set()
        self._groups.close_fleets(lambda: max(deadline - time.monotonic() - 2, 1))
        self._recovery.stop()
        self._groups.stop_monitors()
        if p.sender:
            p.sender.close(timeout=max(deadline - time.monotonic() - 1, 0.5))
            p.sender = None
        if p.traffic:
            p.traffic.close()
            p.traffic = None
        if p.broker:
            p.broker.stop(grace=BROKER_STOP_GRACE_S)  # outside consumers may linger
            p.broker = None

    def _reach_broker(self) -> None:
        """The embedded broker started (and said when it is open to the network), or the
        external one answering."""
        p = self._parts
        s = p.settings
        if not p.embedded:
            wait_reachable(p.bootstrap_servers, timeout=5.0)
            return
        p.broker = brokers.embedded(
            s.broker, s.broker_host, s.broker_port, s.advertised_host, s.kafka_home
        )
        p.bootstrap_servers = p.broker.start()
        p.exposure = broker_exposure(s.broker_host, p.broker.port)
        if p.exposure:
            log.warning(p.exposure.text)
            self._check_advertised(p.broker.advertised)

    def _choose_profile(self) -> BrokerProfile:
        """The broker's profile (asked of an external broker unless the flag says), and
        the settings checked against it before anything is created or started."""
        p = self._parts
        s = p.settings
        try:
            chosen = detect.resolve(s.broker_profile, p.bootstrap_servers, p.embedded_kind)
        except KafkaError as exc:
            raise BrokerError(f"Kafka at {p.bootstrap_servers} did not answer: {exc}") from exc
        chosen.check(s.session_timeout_ms, s.assignor)
        log.info("broker profile %s (%s)", chosen.name, chosen.detail)
        return chosen

    def _check_advertised(self, host: str) -> None:
        """Open to other machines, but named for this one's loopback (``getfqdn()`` on a
        machine whose hosts file maps its name to 127.0.0.1): the pasted command would
        not work elsewhere, so the app says so where the command is shown."""
        addresses = brokers.resolves_to(host)
        if addresses and all(is_loopback(a) for a in addresses):
            self._parts.warnings.append(reasons.advertised_loopback(host))
