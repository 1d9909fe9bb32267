"""The broker profile: Kafka-standard choices by default, tansu's workarounds only on tansu.

The standard profile's choices are unit tests of the profile and of the worker that
applies it; detection runs against the lane's real broker (tansu, or Apache Kafka with
``--broker apache``), reached by address as an external one (the tests' shared broker).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.protocol.api_key import ApiKey

from messaging.broker import detect, profile
from messaging.broker.positions import HoleGuard, LogWatch
from messaging.broker.profile import KAFKA, TANSU, UnfitSettings
from messaging.consumer.worker import ASSIGNORS, ConsumerWorker, Setup
from messaging.core import kafka_compat
from messaging.core.config import Settings
from messaging.core.events import ConsumerSnapshot
from messaging.runtime import Runtime
from tests.brokers import lane_profile
from tests.conftest import shared_settings, wait_for

STANDARD = profile.named(KAFKA)
QUIRKY = profile.named(TANSU)
# ApiVersions of an Apache Kafka 3.x broker: every key up to 68, CreatePartitions included.
KAFKA_API_KEYS = set(range(69))
TANSU_API_KEYS = {int(k) for k in ApiKey} - {profile.CREATE_PARTITIONS}


# ----- detection --------------------------------------------------------------------------
def test_a_broker_with_kafkas_apis_and_its_own_cluster_id_is_kafka():
    chosen = detect.decide("MkU3OEVBNTcwNTJENDM2Qg", KAFKA_API_KEYS)
    assert chosen == profile.BrokerProfile(KAFKA, profile.API_VERSIONS, "MkU3OEVBNTcwNTJENDM2Qg")
    assert chosen.detail == "has the CreatePartitions API"
    # A Kafka too old for DescribeCluster answers no cluster id: the API keys decide.
    assert detect.decide(None, KAFKA_API_KEYS).name == KAFKA


def test_tansu_is_known_by_its_cluster_id_or_its_missing_create_partitions():
    by_id = detect.decide("tansu_cluster", KAFKA_API_KEYS)
    assert (by_id.name, by_id.detected_by, by_id.detail) == (
        TANSU,
        profile.CLUSTER_ID,
        "cluster id tansu_cluster",
    )
    by_apis = detect.decide("renamed", [ApiKey(k) for k in TANSU_API_KEYS if k in KAFKA_API_KEYS])
    assert (by_apis.name, by_apis.detected_by, by_apis.detail) == (
        TANSU,
        profile.API_VERSIONS,
        "no CreatePartitions API",
    )


def test_the_flag_and_the_embedded_broker_need_no_question():
    assert profile.without_asking("auto", embedded="tansu") == profile.BrokerProfile(
        TANSU, profile.EMBEDDED
    )
    assert profile.without_asking("auto", embedded="apache") == profile.BrokerProfile(
        KAFKA, profile.EMBEDDED
    )
    assert profile.without_asking("auto", embedded=None) is None  # ask the broker
    assert profile.without_asking("kafka", embedded="tansu") == profile.BrokerProfile(
        KAFKA, profile.FLAG
    )
    with pytest.raises(ValueError, match="resolve 'auto' first"):
        profile.named("auto")


def test_the_shared_broker_reached_by_address_is_detected_as_what_it_is(kafka):
    """tansu by its cluster id, Apache Kafka by its API keys (CreatePartitions among them:
    before kafka_compat.api_keys, Kafka 4.4's key 93 made this detection raise)."""
    name, how = lane_profile()
    admin = KafkaAdminClient(bootstrap_servers=kafka, request_timeout_ms=5000)
    try:
        detected = detect.detect(admin)
        keys = kafka_compat.api_keys(admin)
    finally:
        admin.close()
    assert (detected.name, detected.detected_by) == (name, how)
    assert (profile.CREATE_PARTITIONS in keys) == (name == KAFKA)
    assert detect.resolve("auto", kafka, None).detected_by == how


def test_the_runtime_on_an_external_broker_runs_the_detected_profile(make_runtime):
    """What every test on the shared broker relies on: its runtime detects the broker, says
    so in /health's answer, and runs every group under that profile."""
    name, how = lane_profile()
    runtime = make_runtime(consumers=0)
    assert (runtime.profile.name, runtime.profile.detected_by) == (name, how)
    assert runtime.settings.broker_profile == name
    assert runtime.fleet.settings.broker_profile == name
    ok, health = runtime.health()
    detail = "cluster id tansu_cluster" if name == TANSU else "has the CreatePartitions API"
    assert ok and health["profile"] == {"name": name, "detected_by": how, "detail": detail}


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc")
def test_consumer_processes_are_told_the_profile_instead_of_detecting_it(make_runtime):
    runtime = make_runtime(consumers=1, consumer_mode="process")
    child = runtime.fleet.snapshots()[0]
    cmdline = Path(f"/proc/{child.pid}/cmdline")
    # Empty for a moment after the child is spawned, until its new program runs.
    wait_for(lambda: not cmdline.exists() or cmdline.read_bytes(), 10, "the child's command line")
    args = cmdline.read_bytes().split(b"\0")
    assert b"--broker-profile" in args, f"{child.name} (pid {child.pid}): {args}"
    assert args[args.index(b"--broker-profile") + 1] == lane_profile()[0].encode()


def test_a_setting_the_chosen_profile_refuses_stops_the_start_before_anything_exists(
    kafka, tmp_path
):
    """The kafka profile forced onto the shared broker: the tests' 3000 ms session is under
    Apache Kafka's floor, so the runtime refuses at start, before it creates the topic."""
    settings = shared_settings(
        kafka, tmp_path, broker_profile="kafka", consumers=1, session_timeout_ms=3000
    )
    runtime = Runtime(settings)
    with pytest.raises(UnfitSettings, match="group.min.session.timeout.ms") as refused:
        runtime.start()
    assert str(refused.value).startswith("--session-timeout-ms must be between 6000 and 1800000")
    assert runtime.fleet is None
    admin = KafkaAdminClient(bootstrap_servers=kafka, request_timeout_ms=5000)
    try:
        assert settings.topic not in admin.list_topics()
    finally:
        admin.close()


# ----- the standard profile's choices -----------------------------------------------------
@pytest.fixture
def offline() -> Iterator[KafkaConsumer]:
    """A consumer that never connects: what a fetch wait or a log watch is applied to."""
    consumer = KafkaConsumer(bootstrap_servers="127.0.0.1:1", api_version=(2, 8))
    yield consumer
    consumer.close(autocommit=False, timeout_ms=100)


def test_kafka_keeps_its_long_poll_fetch_wait(offline):
    assert STANDARD.consumer_config() == {}  # kafka-python's default: 500 ms
    wait = STANDARD.fetch_wait()
    wait.adapt(offline, got_records=True)
    wait.adapt(offline, got_records=False)
    assert offline._fetcher.config["fetch_max_wait_ms"] == 500


def test_tansu_adapts_its_fetch_wait_to_the_traffic(offline):
    assert QUIRKY.consumer_config() == {"fetch_max_wait_ms": profile.FETCH_WAIT_IDLE_MS}
    wait = QUIRKY.fetch_wait()
    wait.adapt(offline, got_records=True)
    assert offline._fetcher.config["fetch_max_wait_ms"] == profile.FETCH_WAIT_BUSY_MS


def records(*offsets: int) -> list[SimpleNamespace]:
    return [SimpleNamespace(offset=o) for o in offsets]


def test_kafka_has_no_hole_guard_tansu_holds_at_a_hole():
    tp = TopicPartition("t", 0)
    first, gap = records(0, 1), records(3, 4)
    kafka_guard = STANDARD.hole_guard()
    kafka_guard.admit(tp, first)
    assert kafka_guard.admit(tp, gap) == (gap, None)  # taken as they come
    tansu_guard = QUIRKY.hole_guard()
    assert isinstance(tansu_guard, HoleGuard)
    tansu_guard.admit(tp, first)
    assert tansu_guard.admit(tp, gap) == ([], 2)  # read again from the hole


def test_kafka_watches_no_log_for_a_broker_back_empty(offline):
    offline.assign([TopicPartition("t", 0)])
    offline.seek(TopicPartition("t", 0), 9)
    offline._subscription.assignment[TopicPartition("t", 0)].highwater = 2  # past the end
    assert STANDARD.log_watch().rewind(offline) == []
    assert isinstance(QUIRKY.log_watch(), LogWatch)
    assert QUIRKY.log_watch().rewind(offline) == [TopicPartition("t", 0)]


def worker_on(name: str, session_ms: int = 6000) -> ConsumerWorker:
    settings = Settings(broker_profile=name, session_timeout_ms=session_ms)
    me = ConsumerSnapshot(1, "C1", "starting", (), 0, None, 0, 0.0)
    return ConsumerWorker(me, Setup(settings, "127.0.0.1:1", None, None))  # never run


def test_kafka_never_rejoins_a_long_join_as_a_new_member():
    """A member busy on a long message may take long to rejoin; on Kafka the join still
    ends (within the rebalance timeout), and rejoining afresh would only churn it."""
    assert STANDARD.stuck_join_after_s(6000) is None
    assert QUIRKY.stuck_join_after_s(6000) == profile.STUCK_JOIN_SESSIONS * 6.0
    long_ago = time.monotonic() - 3600
    kafka_worker, tansu_worker = worker_on(KAFKA), worker_on(TANSU)
    kafka_worker.join_guard.since = tansu_worker.join_guard.since = long_ago
    assert not kafka_worker.join_guard.stuck()
    assert tansu_worker.join_guard.stuck()


def test_workers_take_the_profile_of_their_settings(offline):
    kafka_worker = worker_on(KAFKA)
    assert kafka_worker.profile.name == KAFKA
    kafka_worker._fetch_wait.adapt(offline, got_records=True)
    assert offline._fetcher.config["fetch_max_wait_ms"] == 500
    with pytest.raises(ValueError, match="resolve 'auto' first"):
        worker_on("auto")


def test_kafka_stops_at_once_tansu_waits_for_the_rebalance():
    assert STANDARD.stop_waits_for_rebalance is False
    assert QUIRKY.stop_waits_for_rebalance is True
    # Both let the coordinator finish a join (kafka-python's race is on every broker).
    assert STANDARD.waits_out_joins and QUIRKY.waits_out_joins


@pytest.mark.parametrize(
    ("chosen", "good", "bad"),
    [
        (STANDARD, (6000, 1_800_000), (5999, 1_800_001, 1000, 3000)),
        (QUIRKY, (1000, 3000, 300_000), (999, 300_001, 1_800_000)),
    ],
    ids=["kafka", "tansu"],
)
def test_session_timeout_ranges(chosen, good, bad):
    for ms in good:
        assert chosen.session_problem(ms) is None
    for ms in bad:
        problem = chosen.session_problem(ms)
        assert problem is not None and problem.startswith("--session-timeout-ms must be")
        assert f"(got {ms})" in problem
    if chosen is STANDARD:
        assert "group.min.session.timeout.ms / group.max.session.timeout.ms" in problem
    with pytest.raises(UnfitSettings, match="--session-timeout-ms"):
        chosen.check(bad[0], "range")


def test_cooperative_sticky_is_offered_on_kafka_and_refused_on_tansu():
    assert set(ASSIGNORS) == set(profile.STANDARD_ASSIGNORS)
    assert ASSIGNORS["cooperative-sticky"].name == "cooperative-sticky"
    assert "cooperative-sticky" in STANDARD.assignors
    STANDARD.check(6000, "cooperative-sticky")
    assert "cooperative-sticky" not in QUIRKY.assignors
    with pytest.raises(
        UnfitSettings, match="--assignor cooperative-sticky is not offered on tansu"
    ):
        QUIRKY.check(6000, "cooperative-sticky")
    assert QUIRKY.assignor_problem("fastest") == (
        "assignor must be one of range, roundrobin, sticky (got 'fastest')"
    )
