"""The broker's profile: the policy of the broker the app talks to, and how it was chosen.

The app talks to any Kafka-compatible broker. Apache Kafka needs nothing special; the
embedded broker, tansu 0.6, has measured defects the app works around. Each workaround
is switched by a field of the broker's :class:`~messaging.broker.policy.BrokerPolicy`,
which says why it exists; on Apache Kafka's none of them runs. Nothing outside
:mod:`messaging.broker` names a broker: it asks its profile.

The profile is chosen once, when the app (or a standalone consumer) starts:
the embedded broker's kind says it (tansu, or Apache Kafka for ``--broker apache``); an
external one is detected (:mod:`messaging.broker.detect`); the ``--broker-profile`` flag
overrides both. The app hands its choice to the consumer processes it starts, so they do
not detect again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from messaging.broker.fetch_wait import (
    FETCH_WAIT_BUSY_MS,
    FETCH_WAIT_IDLE_MS,
    READER_IDLE_WAIT_MS,
    FetchWait,
    LongPoll,
)
from messaging.broker.policy import (
    KAFKA_SESSION_TIMEOUT_MS,
    POLICIES,
    STANDARD_ASSIGNORS,
    STUCK_JOIN_SESSIONS,
    TANSU_SESSION_TIMEOUT_MS,
    BrokerPolicy,
)
from messaging.core.config import Settings

# kafka-python is imported where it is used, not here: the flags are checked against a
# profile before anything starts, and a bad flag should not wait for kafka-python to load.
if TYPE_CHECKING:
    from messaging.broker.positions import HoleGuard, LogWatch, NoHoleGuard, NoLogWatch

__all__ = [  # the constants callers read through the profile, declared in its parts
    "FETCH_WAIT_BUSY_MS",
    "FETCH_WAIT_IDLE_MS",
    "KAFKA_SESSION_TIMEOUT_MS",
    "READER_IDLE_WAIT_MS",
    "STANDARD_ASSIGNORS",
    "STUCK_JOIN_SESSIONS",
    "TANSU_SESSION_TIMEOUT_MS",
]

AUTO, TANSU, KAFKA = "auto", "tansu", "kafka"
CHOICES = (AUTO, TANSU, KAFKA)  # what --broker-profile accepts

# How a profile was chosen (codes: the window translates them; ``detail`` says it in English).
EMBEDDED, FLAG, CLUSTER_ID, API_VERSIONS = "embedded", "flag", "cluster_id", "api_versions"
DETECTED_BY = (EMBEDDED, FLAG, CLUSTER_ID, API_VERSIONS)
PROFILE_NAMES = tuple(POLICIES)  # tansu, kafka
TANSU_CLUSTER_ID = "tansu_cluster"  # what tansu 0.6 answers to DescribeCluster
CREATE_PARTITIONS = 37  # an ApiKey every Apache Kafka since 1.0 has, and tansu 0.6 lacks


class UnfitSettings(ValueError):
    """A setting the broker's profile does not allow; the message names it and why."""


@dataclass(frozen=True)
class BrokerProfile:
    """The broker's policy and how it was chosen; ``name`` is tansu or kafka.

    ``detected_by`` is how it was chosen (EMBEDDED, FLAG, CLUSTER_ID or API_VERSIONS)
    and ``cluster_id`` the broker's, when detection read it.
    """

    name: str
    detected_by: str = FLAG
    cluster_id: str | None = None

    @property
    def policy(self) -> BrokerPolicy:
        return POLICIES[self.name]

    # ----- fetching ----------------------------------------------------------------
    def fetch_wait(self, idle_ms: int = FETCH_WAIT_IDLE_MS) -> FetchWait:
        """Adapts a consumer's fetch wait after each poll, or leaves it (long-poll)."""
        return FetchWait(idle_ms) if self.policy.sleeps_out_fetch_wait else LongPoll()

    def consumer_config(self) -> dict[str, int]:
        """KafkaConsumer settings of a group member on this broker."""
        # Without long-poll: start at the idle wait (see FetchWait); else kafka-python's 500 ms.
        return (
            {"fetch_max_wait_ms": FETCH_WAIT_IDLE_MS} if self.policy.sleeps_out_fetch_wait else {}
        )

    def producer_config(self) -> dict[str, Any]:
        """KafkaProducer settings of a consumer's own producer (reports, dead letters).

        An idempotent producer never recovers from a broker restarted empty: it repeats
        InitProducerId and gets UnknownError, and every later record fails.
        """
        return {} if self.policy.keeps_logs_across_restart else {"enable_idempotence": False}

    # ----- reading a whole topic (the activity reader, control listeners) -----------
    def hole_guard(self) -> HoleGuard | NoHoleGuard:
        """A reader holds at a hole until it fills, where the broker shows holes
        (messaging/broker/positions.py tells the chaos run that lost reports that way)."""
        from messaging.broker.positions import HoleGuard, NoHoleGuard

        return HoleGuard() if self.policy.shows_offset_holes else NoHoleGuard()

    def log_watch(self) -> LogWatch | NoLogWatch:
        """A broker that comes back empty after a restart answers a fetch past the end of
        a recreated log with nothing, not an error (messaging/broker/positions.py):
        readers go back to the start of the new log."""
        from messaging.broker.positions import LogWatch, NoLogWatch

        return NoLogWatch() if self.policy.keeps_logs_across_restart else LogWatch()

    # ----- the group ---------------------------------------------------------------
    def stuck_join_after_s(self, session_timeout_ms: int) -> float | None:
        """How long a member may be joining before it rejoins as a new member; None =
        never (see ``BrokerPolicy.stuck_join_sessions``)."""
        sessions = self.policy.stuck_join_sessions
        return None if sessions is None else sessions * session_timeout_ms / 1000

    @property
    def stop_waits_for_rebalance(self) -> bool:
        """Whether a graceful stop asked mid-rebalance waits for the rebalance to end."""
        return self.policy.stop_waits_for_rebalance

    @property
    def waits_out_joins(self) -> bool:
        """Whether a joining member lets the coordinator finish the join in one call
        (:func:`messaging.core.kafka_compat.finish_join`).

        kafka-python 3.0.12 sends a second JoinGroup when a short poll times out mid-join
        and the join completes between polls; tansu holds every JoinGroup for half a
        session, so that race added 3 s to one hand-over in three (6.5 s instead of
        3.5 s). Apache Kafka holds JoinGroups too (until every member rejoined, and
        group.initial.rebalance.delay.ms, 3 s, for a new group), so the same race is
        possible there: this one stays on every broker.
        """
        return True

    # DescribeGroups without ACL bits (messaging.core.kafka_compat.describe_group): tansu
    # answers them with a value kafka-python cannot parse (15). The request without them
    # is valid on every broker, and the app never reads them: asked that way everywhere.

    @property
    def session_timeout_ms(self) -> tuple[int, int]:
        return self.policy.session_timeout_ms

    @property
    def assignors(self) -> tuple[str, ...]:
        """The assignment strategies offered on this broker."""
        return self.policy.assignors

    # ----- what it allows ----------------------------------------------------------
    def session_problem(self, session_timeout_ms: int) -> str | None:
        """Why this session timeout cannot work on this broker, or None."""
        low, high = self.session_timeout_ms
        if low <= session_timeout_ms <= high:
            return None
        return (
            f"--session-timeout-ms must be between {low} and {high} on "
            f"{self.policy.label} ({self.policy.session_why}) (got {session_timeout_ms})"
        )

    def assignor_problem(self, assignor: str | None, field: str = "assignor") -> str | None:
        """Why this assignor is not offered on this broker, or None (None too for no
        assignor: the group's own); ``field`` names it (``--assignor`` for the flag)."""
        if assignor is None or assignor in self.assignors:
            return None
        if assignor in STANDARD_ASSIGNORS and self.policy.assignors_why:
            return (
                f"{field} {assignor} is not offered on {self.policy.label}: "
                f"{self.policy.assignors_why}"
            )
        return f"{field} must be one of {', '.join(self.assignors)} (got {assignor!r})"

    def check(self, session_timeout_ms: int, assignor: str | None) -> None:
        """Raise :class:`UnfitSettings` naming the first setting (as its flag) this broker
        refuses."""
        problem = self.session_problem(session_timeout_ms) or self.assignor_problem(
            assignor, "--assignor"
        )
        if problem:
            raise UnfitSettings(problem)

    # ----- how it was chosen ---------------------------------------------------------
    @property
    def detail(self) -> str:
        """How it was chosen, in English (logs, /health)."""
        if self.detected_by == CLUSTER_ID:
            return f"cluster id {self.cluster_id}"
        if self.detected_by == API_VERSIONS:
            has = self.policy.creates_partitions
            return "has the CreatePartitions API" if has else "no CreatePartitions API"
        return {EMBEDDED: "embedded broker", FLAG: "--broker-profile"}.get(
            self.detected_by, self.detected_by
        )

    def as_json(self) -> dict[str, str | None]:
        return {"name": self.name, "detected_by": self.detected_by, "detail": self.detail}


def named(name: str, detected_by: str = FLAG) -> BrokerProfile:
    """The profile called ``name`` (tansu or kafka); ValueError for anything else."""
    if name not in POLICIES:
        raise ValueError(
            f"broker profile must be {TANSU} or {KAFKA} (got {name!r}); resolve {AUTO!r} first"
        )
    return BrokerProfile(name, detected_by)


def without_asking(choice: str, embedded: str | None) -> BrokerProfile | None:
    """The profile ``choice`` (auto, tansu or kafka) gives without asking the broker: the
    flag's, or that of the embedded broker (``embedded`` is its kind: tansu or apache);
    None when an external broker (``embedded`` None) must be asked."""
    if choice != AUTO:
        return named(choice, FLAG)
    if embedded is None:
        return None
    return BrokerProfile(TANSU if embedded == TANSU else KAFKA, EMBEDDED)


def of(settings: Settings) -> BrokerProfile:
    """The profile a component runs under: ``settings.broker_profile``, already resolved."""
    return named(settings.broker_profile)
