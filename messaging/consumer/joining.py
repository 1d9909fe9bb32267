"""The join guard: how long a worker lets a group's join run before it acts.

Why a join needs guarding is the broker profile's business (``waits_out_joins``,
``stuck_join_after_s`` in messaging/broker/profile.py); this module only keeps the time
a join started and asks the profile what to do about it.
"""

from __future__ import annotations

import time

from kafka import KafkaConsumer

from messaging.broker.profile import BrokerProfile
from messaging.core import kafka_compat


class JoinGuard:
    """When this member's join started, and whether it has run too long."""

    def __init__(self, profile: BrokerProfile, session_timeout_ms: int) -> None:
        self._profile, self._session_ms = profile, session_timeout_ms
        self.since: float | None = None  # when the join in progress was first seen

    def stuck(self) -> bool:
        """Joining for longer than the profile allows (tansu: see STUCK_JOIN_SESSIONS in
        messaging/broker/profile.py); never on a broker whose joins always end."""
        limit = self._profile.stuck_join_after_s(self._session_ms)
        if limit is None:
            return False
        now = time.monotonic()
        if self.since is None:
            self.since = now
        return now - self.since > limit

    def restarted(self) -> None:
        """A fresh member began its join now."""
        self.since = time.monotonic()

    def joined(self) -> None:
        self.since = None

    def wait_out(self, consumer: KafkaConsumer) -> None:
        """Wait for the whole join, then no longer (why: BrokerProfile.waits_out_joins).

        A long consumer.poll() would avoid the race too, but then idles on for the whole
        timeout after the join when no record comes, deaf to stop().
        """
        if self._profile.waits_out_joins:
            kafka_compat.finish_join(consumer, self._session_ms)
