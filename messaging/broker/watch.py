"""Noticing the broker go away and come back, and bringing the app back with it.

A broker restarted on the same address (``docker compose restart``, a tansu restart,
which comes back empty) is used again without restarting the app: the producer is
rebuilt, missing topics are recreated, the consumers rejoin by themselves, and the lag
monitor and activity reader are reconnected. A dead embedded broker is replaced by a
fresh one. Every outage and recovery is logged with its times and kept for the
window's status bar and ``/health``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from messaging.broker import BrokerError, EmbeddedBroker, answers
from messaging.core.reasons import Reason, broker_back, broker_died, broker_unreachable, clock

log = logging.getLogger(__name__)
CHECK_S = 1.0
# How long the broker has to answer one request before it counts as down. A hung broker
# is seen within CHECK_S + ANSWER_S; a loaded machine's broker answers in milliseconds.
ANSWER_S = 2.0


@dataclass(frozen=True)
class BrokerStatus:
    """The broker's reachability as the app last saw it."""

    up: bool
    since: float
    reason: Reason | None  # None: up since the start, nothing to tell

    @property
    def detail(self) -> str:
        """The status in English, for logs and ``/health``."""
        return self.reason.english() if self.reason else "up"


class BrokerWatch:
    """Called from the runtime's watch thread; ``recover`` runs when the broker is back."""

    def __init__(
        self,
        address: str,
        embedded: EmbeddedBroker | None,
        recover: Callable[[], None],
        publish: Callable[[object], None],
    ) -> None:
        self.address, self.embedded = address, embedded
        self._recover, self._publish = recover, publish
        self.status = BrokerStatus(True, time.time(), None)
        self.outages = 0
        self._next = time.monotonic() + CHECK_S

    def due(self) -> bool:
        return time.monotonic() >= self._next

    def check(self) -> None:
        """One look: restart a dead embedded broker, then note down / back."""
        self._next = time.monotonic() + CHECK_S
        self._replace_dead_embedded()
        up = answers(self.address, ANSWER_S)
        if self.status.up and not up:
            self.outages += 1
            self._set(False, broker_unreachable(self.address, time.time()))
            log.error(self.status.detail)
        elif not self.status.up and up:
            self._back()

    def _replace_dead_embedded(self) -> None:
        broker = self.embedded
        code = broker.exit_code() if broker is not None else None
        if broker is None or code is None:
            return
        if self.status.up:
            self.outages += 1
            self._set(False, broker_died(code, time.time()))
        log.error(
            "the embedded broker died (exit code %s) at %s; starting it again on %s. %s",
            code,
            clock(time.time()),
            self.address,
            "Its logs are on disk: topics, messages and committed offsets come back"
            if broker.keeps_data
            else "It kept everything in memory: topics, unread messages and committed "
            "offsets are lost; messages sent before are no longer in Kafka",
        )
        try:
            broker.restart()
        except BrokerError as exc:
            log.error("could not restart the embedded broker: %s", exc)

    def _back(self) -> None:
        down = time.time() - self.status.since
        try:
            self._recover()
        except Exception as exc:  # try again at the next check
            log.warning("broker %s answers but recovery failed (%s); retrying", self.address, exc)
            return
        self._set(True, broker_back(self.address, time.time(), round(down, 1)))
        log.warning(self.status.detail)

    def _set(self, up: bool, reason: Reason) -> None:
        self.status = BrokerStatus(up, time.time(), reason)
        self._publish(self.status)
