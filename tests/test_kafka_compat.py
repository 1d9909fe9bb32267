"""kafka-python's private internals the app uses (messaging/core/kafka_compat.py) still exist.

Each test names the attribute it needs: when a kafka-python release renames or removes
one, the failure says which, and which compat function to fix. The consumer checks need
no broker (a KafkaConsumer with a fixed ``api_version`` does not connect until used);
the admin client's are checked on its class, and once on the shared broker.
"""

from __future__ import annotations

import inspect
import os
import signal
import uuid
from collections.abc import Iterator

import kafka
import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.subscription_state import TopicPartitionState
from kafka.coordinator.consumer import ConsumerCoordinator
from kafka.errors import KafkaError
from kafka.protocol.admin import DescribeGroupsRequest

from messaging.broker import APACHE, EmbeddedBroker
from messaging.core import kafka_compat
from tests import brokers as lanes
from tests.conftest import SESSION_MS, wait_for

VERSION = f"kafka-python {kafka.__version__}"


def needs(owner: object, attribute: str, used_by: str) -> object:
    """``owner.attribute``, or a failure naming it and the compat function that uses it."""
    name = getattr(owner, "__name__", type(owner).__name__)
    if not hasattr(owner, attribute):
        pytest.fail(
            f"{VERSION} has no {name}.{attribute}: messaging/core/kafka_compat.py {used_by}() "
            "uses it; find its new name there"
        )
    return getattr(owner, attribute)


def takes(function: object, *params: str, used_by: str) -> None:
    """``function`` accepts these keyword parameters, or a failure naming them."""
    signature = inspect.signature(function)  # type: ignore[arg-type]
    missing = [p for p in params if p not in signature.parameters]
    if missing:
        pytest.fail(
            f"{VERSION}: {getattr(function, '__qualname__', function)}{signature} lacks "
            f"{', '.join(missing)}, which messaging/core/kafka_compat.py {used_by}() passes"
        )


@pytest.fixture
def consumer() -> Iterator[KafkaConsumer]:
    """A group consumer that never connects (nothing here polls it)."""
    offline = KafkaConsumer(
        bootstrap_servers="127.0.0.1:1", group_id="compat", api_version=(2, 8), client_id="compat"
    )
    yield offline
    offline.close(autocommit=False, timeout_ms=100)


def test_fetch_wait_is_the_fetchers_config(consumer):
    fetcher = needs(consumer, "_fetcher", "set_fetch_max_wait")
    config = needs(fetcher, "config", "set_fetch_max_wait")
    assert "fetch_max_wait_ms" in config, f"{VERSION}: Fetcher.config lacks fetch_max_wait_ms"
    kafka_compat.set_fetch_max_wait(consumer, 37)
    assert consumer._fetcher.config["fetch_max_wait_ms"] == 37


def test_the_coordinator_commits_awaitably_joins_and_leaves(consumer):
    coordinator = needs(consumer, "_coordinator", "commit_on_io_loop")
    assert isinstance(coordinator, ConsumerCoordinator)
    commit = needs(ConsumerCoordinator, "_commit_offsets_sync_async", "commit_on_io_loop")
    assert inspect.iscoroutinefunction(commit), (
        f"{VERSION}: ConsumerCoordinator._commit_offsets_sync_async is no longer a coroutine "
        "function; commit_on_io_loop() awaits it"
    )
    takes(commit, "offsets", "timeout_ms", used_by="commit_on_io_loop")
    takes(needs(ConsumerCoordinator, "poll", "finish_join"), "timeout_ms", used_by="finish_join")
    needs(ConsumerCoordinator, "maybe_leave_group", "skip_leave_group")


def test_a_crash_sends_no_leave_group(consumer):
    """The replaced method is the one close() calls: leaving is then a no-op."""
    closes = [
        inspect.getsource(cls.close) for cls in ConsumerCoordinator.__mro__ if "close" in vars(cls)
    ]
    assert any("self.maybe_leave_group(" in source for source in closes), (
        f"{VERSION}: the coordinator's close() no longer leaves through maybe_leave_group(); "
        "skip_leave_group() replaces the wrong method"
    )
    kafka_compat.skip_leave_group(consumer)
    assert consumer._coordinator.maybe_leave_group() is None


def test_positions_read_the_subscription_state(consumer):
    subscription = needs(consumer, "_subscription", "positions")
    needs(subscription, "_lock", "positions")
    needs(subscription, "assignment", "positions")
    state = TopicPartitionState()
    for attribute in ("highwater", "has_valid_position", "position"):
        needs(state, attribute, "positions")
    tp = TopicPartition("t", 0)
    consumer.assign([tp])
    assert kafka_compat.positions(consumer) == [kafka_compat.PartitionPosition(tp, None, None)]
    consumer.seek(tp, 5)
    consumer._subscription.assignment[tp].highwater = 3
    assert kafka_compat.positions(consumer) == [kafka_compat.PartitionPosition(tp, 5, 3)]


def test_topic_ids_come_from_the_consumers_cluster_metadata(consumer):
    cluster = needs(consumer, "_cluster", "topic_id")
    needs(cluster, "topic_id", "topic_id")
    assert kafka_compat.topic_id(consumer, "never-heard-of") is None


def test_abandon_fails_what_a_producer_holds_for_a_dead_broker():
    """A broker killed under a producer: its next record waits for a broker, and
    abandon() fails it at once, where close() would raise and keep it."""
    broker = EmbeddedBroker()
    producer = KafkaProducer(bootstrap_servers=broker.start(), delivery_timeout_ms=60_000)
    try:
        sender = needs(producer, "_sender", "abandon")
        needs(sender, "force_close", "abandon")
        producer.send("compat-abandon", b"first").get(10)  # metadata known, topic there
        os.kill(broker.pid, signal.SIGKILL)
        held = producer.send("compat-abandon", b"held")
        with pytest.raises(KafkaError):
            producer.close(timeout=0)
        kafka_compat.abandon(producer, 2.0)
        assert held.is_done and held.failed(), "the held record did not fail"
        assert not sender.is_alive()
    finally:
        kafka_compat.abandon(producer, 2.0)  # again: a no-op once closed
        broker.stop()


def test_api_keys_are_plain_numbers_even_for_keys_kafka_python_does_not_know(kafka_admin):
    """Apache Kafka 4.4 offers ApiKey 93, which kafka-python 3.0.12's enum lacks: its
    ``api_versions()`` raised ValueError there, and profile detection with it."""
    manager = needs(kafka_admin, "_manager", "api_keys")
    needs(needs(manager, "broker_version_data", "api_keys"), "api_versions", "api_keys")
    keys = kafka_compat.api_keys(kafka_admin)
    assert keys and all(type(key) is int for key in keys)
    assert 18 in keys  # ApiVersions itself, on every broker


def test_the_admin_client_sends_requests_of_its_own_making():
    find = needs(KafkaAdminClient, "_find_coordinator_ids", "describe_group")
    assert inspect.iscoroutinefunction(find), (
        f"{VERSION}: KafkaAdminClient._find_coordinator_ids is no longer a coroutine function"
    )
    assert "self._manager" in inspect.getsource(KafkaAdminClient.__init__), (
        f"{VERSION}: KafkaAdminClient no longer sets self._manager; describe_group() uses it"
    )
    request = DescribeGroupsRequest(groups=["g"], include_authorized_operations=False)
    assert request.include_authorized_operations is False


def test_describe_group_on_the_broker(kafka_admin, kafka):
    """On the shared broker (on tansu, whose ACL bits kafka-python cannot parse): a live
    group's state and members, by the raw request without ACL bits. Apache Kafka fills in
    each member's assignment too; tansu leaves it empty."""
    manager = needs(kafka_admin, "_manager", "describe_group")
    needs(manager, "send", "describe_group")
    needs(manager, "run", "describe_group")
    group = f"compat-{uuid.uuid4().hex[:8]}"
    member = KafkaConsumer(
        bootstrap_servers=kafka,
        group_id=group,
        client_id=f"{group}-member",
        session_timeout_ms=SESSION_MS,
        heartbeat_interval_ms=SESSION_MS // 6,
    )
    try:
        member.subscribe([f"{group}-topic"])

        def stable() -> object:
            member.poll(timeout_ms=100)
            answer = kafka_compat.describe_group(kafka_admin, group)
            return answer if answer.group_state == "Stable" else None

        wait_for(stable, 20, "the group to be stable")
        answer = kafka_compat.describe_group(kafka_admin, group)
        assert [m.member_id.startswith(f"{group}-member") for m in answer.members] == [True]
        [described] = answer.members
        assert bool(described.member_assignment) == (lanes.LANE == APACHE)
    finally:
        member.close(autocommit=False, timeout_ms=1000)


@pytest.fixture
def kafka_admin(kafka) -> Iterator[KafkaAdminClient]:
    admin = KafkaAdminClient(bootstrap_servers=kafka, request_timeout_ms=5000)
    yield admin
    admin.close()
