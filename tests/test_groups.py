"""Point-to-point next to publish-subscribe: one group shares messages out, two groups
each get every message."""

from __future__ import annotations

import pytest

from messaging.core.events import PROCESS, REMOTE, THREAD
from messaging.runtime import GroupExists
from tests.conftest import all_assigned, wait_for
from tests.test_consumer_processes import start_standalone


def test_a_second_group_gets_every_message_once_too(make_runtime):
    runtime = make_runtime(consumer_mode=THREAD, consumers=2)
    analytics = f"analytics-{runtime.settings.group}"  # of this test alone on the shared broker
    second = runtime.add_group(analytics, assignor="sticky", consumers=2, kind=PROCESS)
    for fleet in (runtime.fleet, second):
        wait_for(lambda f=fleet: all_assigned(runtime, f), 25, f"group {fleet.group} assigned")

    sent = runtime.sender.send_many([({"id": i}, f"k{i}") for i in range(60)])

    def both_groups_done() -> bool:
        return all(
            runtime.ledger.get(s.message_id).processed_by.keys() >= {runtime.fleet.group, analytics}
            for s in sent
        )

    wait_for(both_groups_done, 20, "every message processed by both groups")
    totals = runtime.ledger.totals()
    assert totals["processed"] == 120 and totals["duplicates"] == 0
    assert totals["redelivered"] == 0, "another group reading a message is not a redelivery"
    record = runtime.ledger.get(sent[0].message_id)
    by_group = {d.group: d.consumer for d in record.deliveries}
    assert set(by_group) == {runtime.fleet.group, analytics}
    stats = runtime.stats()["groups"]
    assert stats[analytics]["assignor"] == "sticky" and stats[analytics]["live"] == 2
    kinds = {s.group: s.kind for s in runtime.snapshots()}
    assert kinds == {runtime.fleet.group: THREAD, analytics: PROCESS}


def test_group_names_are_checked(make_runtime):
    runtime = make_runtime(consumer_mode=THREAD, consumers=0)
    with pytest.raises(ValueError, match="group must not be empty"):
        runtime.add_group("")
    with pytest.raises(ValueError, match="group must be printable"):
        runtime.add_group(" padded ")
    with pytest.raises(ValueError, match="assignor"):
        runtime.add_group("ok", assignor="fastest")
    if "cooperative-sticky" not in runtime.profile.assignors:
        with pytest.raises(ValueError, match="assignor cooperative-sticky is not offered on tansu"):
            runtime.add_group("ok", assignor="cooperative-sticky")
    with pytest.raises(GroupExists):
        runtime.add_group(runtime.settings.group)


def test_a_standalone_consumer_of_another_group_shows_up_as_that_group(make_runtime, processes):
    runtime = make_runtime(consumer_mode=THREAD, consumers=1)
    informes = f"informes-{runtime.settings.group}"  # of this test alone on the shared broker
    proc = start_standalone(runtime, processes, "--group", informes)  # the last --group wins
    wait_for(lambda: informes in runtime.fleets, 15, "the new group to appear")
    fleet = runtime.fleets[informes]
    wait_for(
        lambda: all_assigned(runtime, fleet), 25, "the remote to own the new group's partitions"
    )
    [member] = fleet.snapshots()
    assert member.kind == REMOTE and member.pid == proc.pid


def test_groups_over_rest(make_runtime):
    from tests.conftest import running_api
    from tests.test_api import call, stop_and_wait

    runtime = make_runtime(consumer_mode=THREAD, consumers=1)
    with running_api(runtime) as url:
        body = {"group": "auditoria", "assignor": "roundrobin", "consumers": 1, "kind": "thread"}
        status, added = call(f"{url}/api/groups", "POST", body)
        assert status == 201 and added["group"] == "auditoria" and added["assignor"] == "roundrobin"
        assert call(f"{url}/api/groups", "POST", body)[0] == 409
        status, error = call(f"{url}/api/groups", "POST", {"group": "x", "assignor": "fastest"})
        assert status == 400 and "assignor" in error["error"]
        body = {"group": "x", "assignor": "cooperative-sticky"}
        status, error = call(f"{url}/api/groups", "POST", body)
        if "cooperative-sticky" not in runtime.profile.assignors:
            assert status == 400 and "not offered on tansu" in error["error"]
        else:  # Apache Kafka runs it (lessons compare it with eager assignors)
            assert status == 201 and error["assignor"] == "cooperative-sticky"
        cooperative = {"x"} if "cooperative-sticky" in runtime.profile.assignors else set()

        status, consumer = call(f"{url}/api/consumers", "POST", {"group": "auditoria"})
        assert status == 201 and consumer["group"] == "auditoria"
        assert call(f"{url}/api/consumers", "POST", {"group": "nadie"})[0] == 404

        status, listing = call(f"{url}/api/groups")
        assert {g["group"] for g in listing["groups"]} == {
            runtime.settings.group,
            "auditoria",
            *cooperative,
        }
        groups = {c["group"] for c in call(f"{url}/api/consumers")[1]["consumers"]}
        assert groups == {runtime.settings.group, "auditoria"}
        assert stop_and_wait(url, consumer["id"])["state"] == "stopped"


def test_the_readmes_analytics_path_a_consumer_by_hand_joins_a_sticky_group(
    make_runtime, processes, tmp_path
):
    """README: POST /api/groups with "assignor": "sticky", then a consumer started by hand
    with --group analytics. Without --assignor it offers every eager assignor and the
    broker picks the group's; with another --assignor it stops with one line."""
    from tests.conftest import running_api
    from tests.test_api import call

    runtime = make_runtime(consumer_mode=THREAD, consumers=1)
    analytics = f"analytics-{runtime.settings.group}"  # of this test alone
    with running_api(runtime) as url:
        body = {"group": analytics, "assignor": "sticky", "consumers": 1, "kind": "thread"}
        assert call(f"{url}/api/groups", "POST", body)[0] == 201
        fleet = runtime.fleets[analytics]
        wait_for(lambda: all_assigned(runtime, fleet), 25, "the sticky group's first member")

        proc = start_standalone(runtime, processes, "--group", analytics)
        wait_for(
            lambda: any(s.kind == REMOTE and s.partitions for s in fleet.snapshots()),
            30,
            "the consumer by hand to take a share of the sticky group",
        )
        assert proc.poll() is None

        log = tmp_path / "refused.log"
        with open(log, "w") as err:
            wrong = start_standalone(
                runtime, processes, "--group", analytics, "--assignor", "range", stderr=err
            )
            assert wrong.wait(60) == 2
    errors = [line for line in log.read_text().splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"group {analytics} shares its partitions with" in errors[0]
    assert "--assignor" in errors[0], errors
