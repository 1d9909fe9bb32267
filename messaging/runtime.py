"""Everything the app runs, wired once: broker, topic, producer, fleet, lag monitor, log.

``main.py --headless``, the window and the tests all start one :class:`Runtime` and
drive it; nothing else creates Kafka clients.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from messaging.broker import BrokerError, EmbeddedBroker, wait_reachable
from messaging.config import Settings
from messaging.events import EventHub
from messaging.fleet import Fleet
from messaging.ledger import Ledger
from messaging.monitor import LagMonitor
from messaging.sender import Sender
from messaging.topics import ensure_topic, idle_warning
from messaging.traffic_log import TrafficLog
from messaging.worker import Shared

log = logging.getLogger(__name__)


class Runtime:
    """Start with :meth:`start`, end with :meth:`stop` (idempotent, bounded in time)."""

    def __init__(self, settings: Settings, hub: EventHub | None = None) -> None:
        self.settings = settings
        self.hub = hub or EventHub()
        self.ledger = Ledger(settings.ledger_size)
        self.broker: EmbeddedBroker | None = None
        self.bootstrap_servers = settings.bootstrap_servers or ""
        self.partitions = settings.partitions
        self.traffic: TrafficLog | None = None
        self.sender: Sender | None = None
        self.fleet: Fleet | None = None
        self.monitor: LagMonitor | None = None
        self.warnings: list[str] = []
        self.started_at: float | None = None

    @property
    def embedded(self) -> bool:
        return self.settings.bootstrap_servers is None

    def start(self) -> Runtime:
        """Bring everything up; raises :class:`BrokerError` with a one-line reason.

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
            self.broker = EmbeddedBroker()
            self.bootstrap_servers = self.broker.start()
        else:
            wait_reachable(self.bootstrap_servers, timeout=5.0)
        try:
            admin = KafkaAdminClient(
                bootstrap_servers=self.bootstrap_servers,
                client_id="p2p-demo-admin",
                request_timeout_ms=5000,
            )
            self.partitions = ensure_topic(admin, s.topic, s.partitions)
            ensure_topic(admin, s.dead_letter_topic, 1)
        except (KafkaError, RuntimeError) as exc:
            raise BrokerError(f"Kafka at {self.bootstrap_servers} did not answer: {exc}") from exc
        if self.partitions < s.partitions:
            self.warnings.append(
                f"topic {s.topic} already exists with {self.partitions} "
                f"partitions (asked for {s.partitions})"
            )
        self.traffic = TrafficLog(s.log_file, s.log_format, s.log_to_stderr)
        self.sender = Sender(self.bootstrap_servers, s.topic, self.ledger, self.hub, self.traffic)
        shared = Shared(s, self.bootstrap_servers, self.hub, self.ledger, self.sender, self.traffic)
        self.fleet = Fleet(shared)
        self.monitor = LagMonitor(admin, s.topic, s.group, self.partitions)
        self.monitor.start()
        for _ in range(s.consumers):
            self.fleet.add()
        self.check_idle()
        for warning in self.warnings:
            log.warning(warning)
        self.started_at = time.time()

    def check_idle(self) -> str | None:
        """The idle-consumer explanation for the current fleet size, if any applies."""
        live = len(self.fleet.live()) if self.fleet else 0
        warning = idle_warning(self.settings.topic, self.partitions, live)
        if warning and warning not in self.warnings:
            self.warnings.append(warning)
        return warning

    def stop(self, timeout: float = 8.0) -> None:
        """Stop consumers, producer, monitor and broker, in that order."""
        deadline = time.monotonic() + timeout
        if self.fleet:
            self.fleet.close(timeout=max(deadline - time.monotonic() - 2, 1))
        if self.monitor:
            self.monitor.stop()
            try:
                self.monitor._admin.close()  # noqa: SLF001 - the monitor borrowed it
            except Exception:  # noqa: BLE001
                log.debug("admin close failed", exc_info=True)
            self.monitor = None
        if self.sender:
            self.sender.close(timeout=max(deadline - time.monotonic() - 1, 0.5))
            self.sender = None
        if self.traffic:
            self.traffic.close()
            self.traffic = None
        if self.broker:
            self.broker.stop()
            self.broker = None

    # ----- read models for the API and the window ------------------------------------
    def stats(self) -> dict[str, Any]:
        totals = self.ledger.totals()
        snapshots = self.fleet.snapshots() if self.fleet else []
        lag = dict(self.monitor.lag) if self.monitor else {}
        return {
            **{
                k: totals[k]
                for k in ("sent", "processed", "redelivered", "duplicates", "dead_lettered")
            },
            "failed_attempts": totals["failed_attempts"],
            "in_flight": sum(1 for s in snapshots if s.in_flight),
            "lag": {str(p): n for p, n in lag.items()},
            "consumers": {
                s.name: {
                    "state": s.state,
                    "partitions": list(s.partitions),
                    "processed": s.processed,
                }
                for s in snapshots
            },
            "group_state": self.fleet.group_state() if self.fleet else "Empty",
            "rebalances": self.fleet.rebalances if self.fleet else 0,
        }

    def health(self) -> tuple[bool, dict[str, Any]]:
        """Whether the broker answers now, with what a health check should show."""
        info: dict[str, Any] = {
            "broker": self.bootstrap_servers,
            "embedded": self.embedded,
            "topic": self.settings.topic,
            "group": self.settings.group,
            "partitions": self.partitions,
        }
        try:
            wait_reachable(self.bootstrap_servers, timeout=1.0)
        except BrokerError as exc:
            return False, {**info, "status": "unavailable", "error": str(exc)}
        state = self.fleet.group_state() if self.fleet else "Empty"
        return True, {**info, "status": "ok", "group_state": state}
