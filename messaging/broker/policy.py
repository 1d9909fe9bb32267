"""What each kind of broker needs from the app, as data: one frozen policy per broker.

The core never asks "is this tansu?": it asks the profile a question (how long may a join
take, does a stop wait for a rebalance, does a restarted broker keep its logs) and the
profile answers from its policy. Apache Kafka's policy is the Kafka standard; tansu's
carries the workarounds for its measured defects, each with the measurement that put it
there. A broker with other quirks is a third policy here, and nothing outside this
package changes.
"""

from __future__ import annotations

from dataclasses import dataclass

# ----- session-timeout ranges -----------------------------------------------------------
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

# Every assignor the app knows (kafka-python's four); a policy offers some of them.
STANDARD_ASSIGNORS = ("range", "roundrobin", "sticky", "cooperative-sticky")
# kafka-python's cooperative-sticky never finished a rebalance on tansu 0.6 (25 s).
TANSU_ASSIGNORS = ("range", "roundrobin", "sticky")

# tansu 0.6 can keep a member that left mid-join as the group's leader; then no join
# ever completes (SyncGroup keeps failing) until members rejoin afresh. A normal join
# takes one session (tansu holds each JoinGroup for half of one); one this many
# sessions long is stuck, and the member rejoins as a new one.
STUCK_JOIN_SESSIONS = 4


@dataclass(frozen=True)
class BrokerPolicy:
    """The flags and numbers the core consults; ``name`` is the profile's (tansu, kafka).

    Each field's comment says what the core does with it.
    """

    name: str
    label: str  # how the broker is named in a sentence (flags' help, errors)
    session_timeout_ms: tuple[int, int]  # the range the broker accepts (and can serve)
    session_why: str  # why that range, for the error line
    assignors: tuple[str, ...]  # the assignment strategies that work there
    assignors_why: str  # why a standard assignor is missing from them ("" if none is)
    # A fetch that finds nothing sleeps out its whole wait (no long-poll): consumers
    # adapt the wait to the traffic (messaging.broker.fetch_wait.FetchWait).
    sleeps_out_fetch_wait: bool
    # Records can become visible above a lower offset not visible yet: readers hold at
    # such a hole (messaging.broker.positions.HoleGuard).
    shows_offset_holes: bool
    # Keeps its logs, its topics and its producer state across a restart. A broker that
    # does not (in memory only) comes back empty: readers rewind to the new logs and
    # follow the partitions a recreated topic comes back with, and a consumer's
    # producer cannot be idempotent.
    keeps_logs_across_restart: bool
    # A member that is joining for this many sessions is stuck and rejoins; None: never.
    stuck_join_sessions: int | None
    # A graceful stop asked mid-rebalance waits for the rebalance to end.
    stop_waits_for_rebalance: bool
    # Has the CreatePartitions API (what detection reads from ApiVersions).
    creates_partitions: bool


TANSU = BrokerPolicy(
    name="tansu",
    label="tansu",
    session_timeout_ms=TANSU_SESSION_TIMEOUT_MS,
    session_why="shorter: rebalances never finish; longer: joins outlast the rebalance timeout",
    assignors=TANSU_ASSIGNORS,
    assignors_why="kafka-python's cooperative-sticky never finished a rebalance there (25 s)",
    sleeps_out_fetch_wait=True,
    shows_offset_holes=True,
    keeps_logs_across_restart=False,
    stuck_join_sessions=STUCK_JOIN_SESSIONS,
    # Measured on tansu 0.6: a member that left 0.7 s after a newcomer asked to join,
    # before it had heard of the rebalance, left the group unable to finish any rebalance
    # again, in 2 of 3 tries; even stopping every member and starting new ones did not heal it.
    stop_waits_for_rebalance=True,
    creates_partitions=False,
)

# Apache Kafka: the Kafka standard, so every workaround is off. On a join that outlasts
# a session it ends within the rebalance timeout, and rejoining would churn a member busy
# on a long message; it handles a LeaveGroup mid-rebalance.
KAFKA = BrokerPolicy(
    name="kafka",
    label="Apache Kafka",
    session_timeout_ms=KAFKA_SESSION_TIMEOUT_MS,
    session_why="the broker's group.min.session.timeout.ms / group.max.session.timeout.ms",
    assignors=STANDARD_ASSIGNORS,
    assignors_why="",
    sleeps_out_fetch_wait=False,
    shows_offset_holes=False,
    keeps_logs_across_restart=True,
    stuck_join_sessions=None,
    stop_waits_for_rebalance=False,
    creates_partitions=True,
)

POLICIES = {policy.name: policy for policy in (TANSU, KAFKA)}
