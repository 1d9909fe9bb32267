"""The spec's single partition on purpose, then six, without restarting the app."""

from __future__ import annotations

from tests.conftest import all_assigned, running_api, wait_for
from tests.test_api import call


def test_one_partition_one_worker_then_a_new_six_partition_topic_spreads_the_load(
    make_runtime, mode
):
    runtime = make_runtime(consumer_mode=mode, consumers=3, partitions=1)
    wait_for(lambda: all_assigned(runtime), 20, "the single partition assigned")
    states = sorted(s.state for s in runtime.fleet.snapshots())
    assert states == ["active", "idle", "idle"]
    assert "2 of them will sit idle" in runtime.note_idle_consumers().english()
    before = runtime.sender.send_many([({"id": i}, f"k{i}") for i in range(30)])
    wait_for(lambda: runtime.ledger.totals()["processed"] >= 30, 15, "30 processed")
    assert len({runtime.ledger.get(s.message_id).deliveries[-1].consumer for s in before}) == 1

    first = runtime.settings.topic
    with running_api(runtime) as url:
        status, switched = call(f"{url}/api/topic", "POST", {"partitions": 6})
        assert status == 200, switched
    assert switched == {
        "topic": f"{first}-6p",
        "partitions": 6,
        "previous": first,
        "not_moved": [],
    }
    wait_for(
        lambda: (
            all_assigned(runtime)
            and sorted(len(s.partitions) for s in runtime.fleet.snapshots()) == [2, 2, 2]
        ),
        30,
        "the three consumers to share the new topic's six partitions",
    )
    assert runtime.note_idle_consumers() is None
    after = runtime.sender.send_many([({"id": i}, f"k{i}") for i in range(60)])
    assert {s.topic for s in after} == {f"{first}-6p"}
    wait_for(lambda: runtime.ledger.totals()["processed"] >= 90, 20, "60 more processed")
    workers = {runtime.ledger.get(s.message_id).deliveries[-1].consumer for s in after}
    assert len(workers) == 3, "the load spreads once there are enough partitions"
    assert runtime.ledger.totals()["duplicates"] == 0


def test_a_bad_switch_is_a_clear_400(make_runtime):
    runtime = make_runtime(consumer_mode="thread", consumers=0)
    with running_api(runtime) as url:
        status, error = call(f"{url}/api/topic", "POST", {"partitions": 0})
        assert status == 400 and "partitions" in error["error"]
        status, error = call(f"{url}/api/topic", "POST", {"partitions": 2, "topic": "bad/name"})
        assert status == 400 and "topic" in error["error"]
        status, current = call(f"{url}/api/topic")
        assert status == 200 and current == {"topic": runtime.settings.topic, "partitions": 6}


def test_a_topic_just_created_reports_the_partitions_it_was_made_with(kafka):
    """Apache Kafka's metadata learns of a new topic a moment after CreateTopics answers:
    read at once, 5 topics in 6 came back unknown, and the app went on with 0 partitions
    (its consumers idle, "already exists with 0 partitions")."""
    import uuid

    from kafka import KafkaAdminClient

    from messaging.clients.topics import ensure_topic

    admin = KafkaAdminClient(bootstrap_servers=kafka, request_timeout_ms=5000)
    try:
        counts = [ensure_topic(admin, f"fresh-{uuid.uuid4().hex[:8]}", 6) for _ in range(8)]
    finally:
        admin.close()
    assert counts == [6] * 8
