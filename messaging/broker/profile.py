"""The broker's profile: Kafka-standard behaviour by default, tansu's quirks in one place.

The app talks to any Kafka-compatible broker. Apache Kafka needs nothing special; the
embedded broker, tansu 0.6, has measured defects the app works around. Every such
workaround lives in this module, or is switched by :class:`BrokerProfile`, with the
reason it exists. On the ``kafka`` profile none of them runs.

The profile is chosen once, when the app (or a standalone consumer) starts:
the embedded broker's kind says it (tansu, or Apache Kafka for ``--broker apache``); an
external one is detected (:func:`detect`); the
``--broker-profile`` flag overrides both. The app hands its choice to the consumer
processes it starts, so they do not detect again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from messaging.core.config import Settings

# kafka-python is imported where it is used, not here: the flags are checked against a
# profile before anything starts, and a bad flag should not wait for kafka-python to load.
if TYPE_CHECKING:
    from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

    from messaging.broker.positions import HoleGuard, LogWatch, R

log = logging.getLogger(__name__)
AUTO, TANSU, KAFKA = "auto", "tansu", "kafka"
CHOICES = (AUTO, TANSU, KAFKA)  # what --broker-profile accepts

# How a profile was chosen (codes: the window translates them; ``detail`` says it in English).
EMBEDDED, FLAG, CLUSTER_ID, API_VERSIONS = "embedded", "flag", "cluster_id", "api_versions"
TANSU_CLUSTER_ID = "tansu_cluster"  # what tansu 0.6 answers to DescribeCluster
CREATE_PARTITIONS = 37  # an ApiKey every Apache Kafka since 1.0 has, and tansu 0.6 lacks

# ----- tansu's fetch: the wait is both the latency and the CPU dial --------------------
# Measured with benchmarks/cpu.py (3 process consumers, /enviar at 200 msgs/s, kernel CPU
# per process): a 20 ms busy wait cost 5.0 ms of CPU per message for the whole system, 100 ms
# 3.35 ms, 250 ms 3.08 ms (the spec's system: 2.64 ms), for a send -> processed p50 of 5.5,
# 29.5 and 62 ms. Idle, with nothing sent, the whole system used 22 % of a core at 20/100 ms
# and 2.9 % once idle consumers fetch every 1.5 s and their loops turn once a second (the
# app's activity reader keeps a shorter idle wait: it is what the window waits for).
# The price: the first message after a pause waits up to the idle wait on tansu (Apache
# Kafka answers a waiting fetch as soon as a record comes: see LongPoll).
FETCH_WAIT_BUSY_MS, FETCH_WAIT_IDLE_MS = 250, 1500
READER_IDLE_WAIT_MS = 500
BUSY_FOR_S = 2.0  # how long after the last record a consumer keeps fetching eagerly
# A reader's poll() ends as soon as records come; an idle one blocks this long per loop
# (10 loop turns a second per reader cost about 1 % of a core each, idle).
POLL_BUSY_MS, POLL_IDLE_MS = 100, 1000

# ----- tansu's session-timeout range --------------------------------------------------
# Measured with scripts/session_probe.py on the embedded tansu and kafka-python 3.0.12:
# at 900 ms three consumers never finished a rebalance (SyncGroup kept failing), at
# 1000 ms they did (also with two busy-loop processes on the 2 cores). Upwards, tansu
# holds every JoinGroup for half a session (joins took 29 s at 55 s, 33 s at 65 s), and
# kafka-python gives a JoinGroup the rebalance timeout (max_poll_interval_ms, 300 s)
# plus 5 s: past 300 s a session outlasts the rebalance timeout, and past ~610 s joins
# would time out, so the app stops at 300 s.
TANSU_SESSION_TIMEOUT_MS = (1000, 300_000)
# Apache Kafka's defaults for group.min.session.timeout.ms / group.max.session.timeout.ms:
# a JoinGroup outside them is refused with INVALID_SESSION_TIMEOUT.
KAFKA_SESSION_TIMEOUT_MS = (6000, 1_800_000)

STANDARD_ASSIGNORS = ("range", "roundrobin", "sticky", "cooperative-sticky")
# kafka-python's cooperative-sticky never finished a rebalance on tansu 0.6 (25 s).
TANSU_ASSIGNORS = ("range", "roundrobin", "sticky")

# ----- tansu's groups -----------------------------------------------------------------
# tansu 0.6 can keep a member that left mid-join as the group's leader; then no join
# ever completes (SyncGroup keeps failing) until members rejoin afresh. A normal join
# takes one session (tansu holds each JoinGroup for half of one); one this many
# sessions long is stuck, and the member rejoins as a new one.
STUCK_JOIN_SESSIONS = 4


class UnfitSettings(ValueError):
    """A setting the broker's profile does not allow; the message names it and why."""


class FetchWait:
    """tansu: short fetch waits while traffic flows, long ones when idle.

    On tansu the wait is both the latency and the CPU dial: a fetch that finds nothing
    sleeps out its whole wait (tansu's fetch loop sleeps; it is not woken by a produce,
    as Apache Kafka's is), so a record waits up to one wait, and a busy consumer sends
    1000 / wait fetches a second. kafka-python's default 500 ms wait gave an e2e p50 of
    ~110 ms.

    Measured in-process with 3 consumers on tansu: a fixed 100 ms wait costs 0.10
    cores idle and gives an e2e p50 of 30 ms; a fixed 20 ms gives 10 ms but 0.30
    cores idle. Switching on recent traffic measured 0.10 cores idle and 8.8 ms.
    Measured with 3 process consumers at 200 msgs/s: the app's HTTP answer p50 was
    14-30 ms with the 20 ms wait and 5-6 ms with 100 ms (less CPU taken from the app
    on 2 cores), for a fetch delay p50 of 7 ms against 29 ms.
    """

    def __init__(self, idle_ms: int = FETCH_WAIT_IDLE_MS) -> None:
        self._last_records = 0.0
        self.idle_ms = idle_ms

    @property
    def busy(self) -> bool:
        return time.monotonic() - self._last_records < BUSY_FOR_S

    def poll_ms(self) -> int:
        """How long the reader's loop may block in one ``poll()``: records end it at once,
        so only an idle loop waits it out; it bounds how soon a stop is noticed."""
        return POLL_BUSY_MS if self.busy else POLL_IDLE_MS

    def adapt(self, consumer: KafkaConsumer, got_records: bool) -> None:
        from messaging.core import kafka_compat  # loaded by then: a dictionary lookup per poll

        if got_records:
            self._last_records = time.monotonic()
        wait = FETCH_WAIT_BUSY_MS if self.busy else self.idle_ms
        kafka_compat.set_fetch_max_wait(consumer, wait)


class LongPoll(FetchWait):
    """Apache Kafka: the consumer's own fetch wait, untouched.

    Kafka answers a waiting fetch as soon as a produce gives it records (long-poll), so
    kafka-python's default ``fetch_max_wait_ms`` (500) costs no latency.
    """

    def adapt(self, consumer: KafkaConsumer, got_records: bool) -> None:
        """Only note the traffic (for :meth:`poll_ms`); the wait stays Kafka's."""
        if got_records:
            self._last_records = time.monotonic()


class NoHoleGuard:
    """Apache Kafka: a record is visible only once every lower offset is, so a reader
    takes records as they come (the interface of :class:`messaging.broker.positions.HoleGuard`)."""

    def forget(self, tp: TopicPartition) -> None:
        """Nothing is remembered."""

    def admit(self, tp: TopicPartition, records: Sequence[R]) -> tuple[list[R], int | None]:
        return list(records), None


class NoLogWatch:
    """Apache Kafka keeps its logs across a restart, and answers a fetch past a log's end
    with OFFSET_OUT_OF_RANGE (kafka-python then applies ``auto_offset_reset``): nothing
    to watch (the interface of :class:`messaging.broker.positions.LogWatch`)."""

    def rewind(self, consumer: KafkaConsumer) -> list[TopicPartition]:
        return []


@dataclass(frozen=True)
class BrokerProfile:
    """What the app does differently on one kind of broker; ``name`` is tansu or kafka.

    ``detected_by`` is how it was chosen (EMBEDDED, FLAG, CLUSTER_ID or API_VERSIONS)
    and ``cluster_id`` the broker's, when detection read it.
    """

    name: str
    detected_by: str = FLAG
    cluster_id: str | None = None

    @property
    def tansu(self) -> bool:
        return self.name == TANSU

    # ----- fetching ----------------------------------------------------------------
    def fetch_wait(self, idle_ms: int = FETCH_WAIT_IDLE_MS) -> FetchWait:
        """Adapts a consumer's fetch wait after each poll (tansu), or leaves it (kafka)."""
        return FetchWait(idle_ms) if self.tansu else LongPoll()

    def consumer_config(self) -> dict[str, int]:
        """KafkaConsumer settings of a group member on this broker."""
        # tansu: start at the idle wait (see FetchWait); kafka: kafka-python's 500 ms.
        return {"fetch_max_wait_ms": FETCH_WAIT_IDLE_MS} if self.tansu else {}

    # ----- reading a whole topic (the activity reader, control listeners) -----------
    def hole_guard(self) -> HoleGuard | NoHoleGuard:
        """tansu can make a record visible before a lower offset that it gave another
        producer's request (messaging/broker/positions.py tells the chaos run that lost reports
        that way): a reader holds at such a hole until it fills."""
        from messaging.broker.positions import HoleGuard

        return HoleGuard() if self.tansu else NoHoleGuard()

    def log_watch(self) -> LogWatch | NoLogWatch:
        """tansu keeps everything in memory and comes back empty after a restart, and
        answers a fetch past the end of a recreated log with nothing, not an error
        (messaging/broker/positions.py): readers go back to the start of the new log."""
        from messaging.broker.positions import LogWatch

        return LogWatch() if self.tansu else NoLogWatch()

    # ----- the group ---------------------------------------------------------------
    def stuck_join_after_s(self, session_timeout_ms: int) -> float | None:
        """How long a member may be joining before it rejoins as a new member (tansu: see
        STUCK_JOIN_SESSIONS); None = never. On Apache Kafka a join ends within the
        rebalance timeout, and rejoining would churn a member busy on a long message."""
        return STUCK_JOIN_SESSIONS * session_timeout_ms / 1000 if self.tansu else None

    @property
    def stop_waits_for_rebalance(self) -> bool:
        """Whether a graceful stop asked mid-rebalance waits for the rebalance to end.

        Measured on tansu 0.6: a member that left 0.7 s after a newcomer asked to join,
        before it had heard of the rebalance, left the group unable to finish any
        rebalance again, in 2 of 3 tries; even stopping every member and starting new
        ones did not heal it. Apache Kafka handles a LeaveGroup mid-rebalance: no wait.
        """
        return self.tansu

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
        return TANSU_SESSION_TIMEOUT_MS if self.tansu else KAFKA_SESSION_TIMEOUT_MS

    @property
    def assignors(self) -> tuple[str, ...]:
        """The assignment strategies offered on this broker."""
        return TANSU_ASSIGNORS if self.tansu else STANDARD_ASSIGNORS

    # ----- what it allows ----------------------------------------------------------
    def session_problem(self, session_timeout_ms: int) -> str | None:
        """Why this session timeout cannot work on this broker, or None."""
        low, high = self.session_timeout_ms
        if low <= session_timeout_ms <= high:
            return None
        if self.tansu:
            why = (
                "on tansu (shorter: rebalances never finish; longer: joins outlast the "
                "rebalance timeout)"
            )
        else:
            why = (
                "on Apache Kafka (the broker's group.min.session.timeout.ms / "
                "group.max.session.timeout.ms)"
            )
        return (
            f"--session-timeout-ms must be between {low} and {high} {why} "
            f"(got {session_timeout_ms})"
        )

    def assignor_problem(self, assignor: str | None, field: str = "assignor") -> str | None:
        """Why this assignor is not offered on this broker, or None (None too for no
        assignor: the group's own); ``field`` names it (``--assignor`` for the flag)."""
        if assignor is None or assignor in self.assignors:
            return None
        if self.tansu and assignor in STANDARD_ASSIGNORS:
            return (
                f"{field} {assignor} is not offered on tansu: kafka-python's "
                "cooperative-sticky never finished a rebalance there (25 s)"
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
            return "no CreatePartitions API" if self.tansu else "has the CreatePartitions API"
        return {EMBEDDED: "embedded broker", FLAG: "--broker-profile"}.get(
            self.detected_by, self.detected_by
        )

    def as_json(self) -> dict[str, str | None]:
        return {"name": self.name, "detected_by": self.detected_by, "detail": self.detail}


def named(name: str, detected_by: str = FLAG) -> BrokerProfile:
    """The profile called ``name`` (tansu or kafka); ValueError for anything else."""
    if name not in (TANSU, KAFKA):
        raise ValueError(
            f"broker profile must be {TANSU} or {KAFKA} (got {name!r}); resolve {AUTO!r} first"
        )
    return BrokerProfile(name, detected_by)


def decide(cluster_id: str | None, api_keys: Collection[int]) -> BrokerProfile:
    """The profile of an external broker from what it told about itself.

    tansu 0.6 names its cluster ``tansu_cluster``; failing that, a broker without
    CreatePartitions is not an Apache Kafka of the last years (1.0 added it), and the
    tansu workarounds are the safe side for it.
    """
    if cluster_id == TANSU_CLUSTER_ID:
        return BrokerProfile(TANSU, CLUSTER_ID, cluster_id)
    if CREATE_PARTITIONS not in {int(key) for key in api_keys}:
        return BrokerProfile(TANSU, API_VERSIONS, cluster_id)
    return BrokerProfile(KAFKA, API_VERSIONS, cluster_id)


def detect(admin: KafkaAdminClient) -> BrokerProfile:
    """Ask the broker (DescribeCluster, ApiVersions) and :func:`decide`.

    A DescribeCluster that fails leaves the API keys to decide.
    """
    try:
        cluster_id = admin.describe_cluster().get("cluster_id")
    except Exception as exc:  # an old or odd broker: the API keys still tell
        log.debug("DescribeCluster failed (%s); deciding by the API keys", exc)
        cluster_id = None
    from messaging.core import kafka_compat

    return decide(cluster_id, kafka_compat.api_keys(admin))


def detect_at(bootstrap_servers: str, timeout_ms: int = 5000) -> BrokerProfile:
    """:func:`detect` with an admin client of its own; raises KafkaError when the broker
    does not answer."""
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap_servers,
        client_id="p2p-demo-profile",
        request_timeout_ms=timeout_ms,
    )
    try:
        return detect(admin)
    finally:
        admin.close()


def without_asking(choice: str, embedded: str | None) -> BrokerProfile | None:
    """The profile ``choice`` (auto, tansu or kafka) gives without asking the broker: the
    flag's, or that of the embedded broker (``embedded`` is its kind: tansu or apache);
    None when an external broker (``embedded`` None) must be asked."""
    if choice != AUTO:
        return named(choice, FLAG)
    if embedded is None:
        return None
    return BrokerProfile(TANSU if embedded == TANSU else KAFKA, EMBEDDED)


def resolve(choice: str, bootstrap_servers: str | None, embedded: str | None) -> BrokerProfile:
    """The profile for ``choice`` on the embedded broker of kind ``embedded``, or on the
    external one at ``bootstrap_servers`` (asked when ``choice`` is auto; raises
    KafkaError if silent)."""
    known = without_asking(choice, embedded)
    return known if known is not None else detect_at(bootstrap_servers or "")


def of(settings: Settings) -> BrokerProfile:
    """The profile a component runs under: ``settings.broker_profile``, already resolved."""
    return named(settings.broker_profile)
