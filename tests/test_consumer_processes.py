"""Consumers outside the app's process: its own children, one started by hand, a silent one.

Everything here is real: separate OS processes, SIGKILL from outside, the embedded
broker over TCP, and the REST API over HTTP.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading

import psutil
import pytest

from messaging.broker import TANSU
from messaging.channel.control import KEY_ENV
from messaging.core.events import CRASHED, OUTSIDE, PROCESS, REMOTE, THREAD, GroupChange
from messaging.group import FleetFull
from messaging.group.roster import MAX_GONE
from tests import brokers as lanes
from tests.conftest import all_assigned, running_api, wait_for
from tests.processes import environment, started_consumer
from tests.test_api import call, stop_and_wait


def start_standalone(
    runtime,
    processes,
    *extra: str,
    keyed: bool = True,
    stderr=subprocess.DEVNULL,
) -> subprocess.Popen:
    """``python -m messaging.consumer`` as a user starts it in another terminal: with the
    window command's control key in its environment, or (``keyed=False``) without."""
    key = {KEY_ENV: runtime.control.remote_key} if keyed else {}
    proc = started_consumer(
        *("--bootstrap-servers", runtime.bootstrap_servers, "--topic", runtime.settings.topic),
        *("--group", runtime.settings.group, "--quiet", *extra),
        stderr=stderr,
        env=environment((KEY_ENV,), **key),
    )
    processes.append(proc)
    return proc


def consumers_of(url: str) -> list[dict]:
    return call(f"{url}/api/consumers")[1]["consumers"]


def test_process_consumers_are_real_processes_and_crash_is_sigkill(make_runtime):
    runtime = make_runtime(consumer_mode=PROCESS, consumers=2)
    wait_for(lambda: all_assigned(runtime), 20, "2 process consumers to share 6 partitions")
    snaps = runtime.fleet.snapshots()
    assert {s.kind for s in snaps} == {PROCESS}
    pids = [s.pid for s in snaps]
    assert all(pid and pid != os.getpid() and psutil.pid_exists(pid) for pid in pids)

    victim = snaps[0]
    runtime.fleet.crash(victim.id)

    wait_for(lambda: not psutil.pid_exists(victim.pid), 5, "the crashed process to be gone")
    wait_for(
        lambda: "SIGKILL" in runtime.fleet.member(victim.id).snapshot.note,
        5,
        "the card to say how it died",
    )
    assert runtime.fleet.member(victim.id).snapshot.state == CRASHED
    wait_for(lambda: all_assigned(runtime), 20, "the survivor to own every partition")
    assert set(runtime.fleet.view().owners) == set(range(6))
    assert {s.id for s in runtime.fleet.view().owners.values()} == {snaps[1].id}


def test_standalone_consumer_joins_takes_its_share_and_a_survivor_takes_over(
    make_runtime, processes
):
    runtime = make_runtime(consumer_mode=THREAD, consumers=1)
    with running_api(runtime) as url:
        proc = start_standalone(runtime, processes)

        wait_for(
            lambda: any(c["kind"] == REMOTE and c["pid"] == proc.pid for c in consumers_of(url)),
            15,
            "the standalone consumer in GET /api/consumers",
        )
        wait_for(lambda: all_assigned(runtime), 20, "both members to share the partitions")
        remote = next(c for c in consumers_of(url) if c["kind"] == REMOTE)
        assert remote["host"] and remote["partitions"], remote

        sent = runtime.sender.send_many([({"id": i}, f"k{i}") for i in range(120)])
        wait_for(lambda: runtime.ledger.totals()["processed"] >= 120, 20, "all 120 processed")
        by = {runtime.ledger.get(s.message_id).deliveries[-1].consumer for s in sent}
        assert remote["name"] in by, "the standalone consumer processed its share"
        assert runtime.ledger.totals()["duplicates"] == 0

        proc.send_signal(signal.SIGKILL)  # from outside the app, as a user would
        proc.wait(5)
        wait_for(
            lambda: (
                set(runtime.fleet.view().owners) == set(range(6))
                and all(s.kind == THREAD for s in runtime.fleet.view().owners.values())
            ),
            25,
            "the app's own consumer to take the killed one's partitions",
        )
        # The group went on without it: its card says so as soon as the app sees that
        # (the generation that left it out, or SILENT_AFTER_S of silence if sooner).
        wait_for(
            lambda: next(c for c in consumers_of(url) if c["pid"] == proc.pid)["state"] == CRASHED,
            2,
            "the killed standalone consumer to show as crashed",
        )
        gone = next(c for c in consumers_of(url) if c["pid"] == proc.pid)
        assert gone["partitions"] == [], "a dead member holds no partitions"
        assert gone["reason"]["code"] in ("left_out", "silent"), gone


def test_a_crash_of_a_standalone_consumer_answers_once_it_obeyed(make_runtime, processes):
    runtime = make_runtime(consumer_mode=THREAD, consumers=0)
    with running_api(runtime) as url:
        proc = start_standalone(runtime, processes)
        wait_for(lambda: all_assigned(runtime), 20, "the standalone consumer to own everything")
        [remote] = consumers_of(url)

        status, body = call(f"{url}/api/consumers/{remote['id']}/crash", "POST")

        assert status == 200 and body["state"] == CRASHED, body
        assert proc.wait(5) == -signal.SIGKILL, "it killed itself, as the answer says"
        assert body["reason"] == {"code": "killed", "params": {"signal": 9}}, body


def test_standalone_consumer_can_be_slowed_and_stopped_from_the_app(make_runtime, processes):
    runtime = make_runtime(consumer_mode=THREAD, consumers=0)
    with running_api(runtime) as url:
        # With the key the window's command carries (signed commands only).
        proc = start_standalone(
            runtime, processes, "--control-key", runtime.control.remote_key, keyed=False
        )
        wait_for(lambda: consumers_of(url), 15, "the standalone consumer to report")
        consumer_id = consumers_of(url)[0]["id"]

        status, body = call(f"{url}/api/consumers/{consumer_id}", "PATCH", {"processing_ms": 40})
        assert status == 200 and body["processing_ms"] == 40

        assert stop_and_wait(url, consumer_id)["state"] == "stopped"
        assert proc.wait(15) == 0, "a graceful stop ends the process with 0"
        wait_for(lambda: consumers_of(url)[0]["state"] == "stopped", 5, "its card to say stopped")


SPEC_CONSUMER = textwrap.dedent(
    """
    from kafka import KafkaConsumer
    import json, sys

    consumer = KafkaConsumer(
        sys.argv[2],  # the spec's 'mi-topico'; each test has a topic of its own
        bootstrap_servers=sys.argv[1],
        value_deserializer=lambda m: json.loads(m.decode('utf-8')),
        group_id=sys.argv[3],  # the spec's "grupo-consumidores"
        session_timeout_ms=6000,  # tansu holds a join for half of kafka-python's 45 s
        # and a heartbeat every sixth of it, as the app's consumers: with kafka-python's
        # 3 s, tansu expelled this consumer before its first heartbeat in 4 of 96 loaded
        # runs, and it rejoined as a new member.
        heartbeat_interval_ms=1000,
    )
    print("Esperando mensajes...", flush=True)
    # The spec's `for message in consumer` loop, polled so that the consumer can also say
    # which partitions the broker gave it: the truth the app's views are checked against.
    said = None
    while True:
        for records in consumer.poll(timeout_ms=200).values():
            for message in records:
                print(f"Mensaje recibido: {message.value}", flush=True)
        owned = sorted(tp.partition for tp in consumer.assignment())
        if owned != said:
            print("ASSIGNED " + json.dumps(owned), flush=True)
            said = owned
    """
)


class SpecConsumer:
    """The spec's plain consumer.py in a process of its own; ``assigned`` is what it last
    said the broker gave it (read from its own output)."""

    def __init__(self, runtime, processes: list, tmp_path) -> None:
        script = tmp_path / "consumer.py"
        script.write_text(SPEC_CONSUMER)
        s = runtime.settings
        self.proc = subprocess.Popen(
            [sys.executable, str(script), runtime.bootstrap_servers, s.topic, s.group],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        processes.append(self.proc)
        self.assigned: list[int] | None = None
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            if line.startswith("ASSIGNED "):
                self.assigned = json.loads(line.split(" ", 1)[1])


def test_a_member_that_reports_nothing_shows_as_outside_holding_its_partitions(
    make_runtime, processes, tmp_path
):
    runtime = make_runtime(consumer_mode=THREAD, consumers=1)
    spec = SpecConsumer(runtime, processes, tmp_path)

    wait_for(
        lambda: any(s.kind == OUTSIDE and s.state != CRASHED for s in runtime.fleet.snapshots()),
        20,
        "the spec's consumer.py to show as an outside member",
    )

    def outside_in_the_map() -> list[int]:
        owners = runtime.fleet.view().owners
        return sorted(p for p, s in owners.items() if s.kind == OUTSIDE)

    wait_for(
        lambda: (
            spec.assigned
            and not runtime.fleet.rebalancing()
            and outside_in_the_map() == spec.assigned
        ),
        25,
        "the map to give the outside member exactly what the broker gave it",
    )
    assert 0 < len(spec.assigned) < runtime.partitions, "the group shares the partitions"


def test_live_consumers_are_capped_and_gone_ones_do_not_pile_up(make_runtime):
    runtime = make_runtime(consumer_mode=THREAD, consumers=0, max_consumers=2)
    with running_api(runtime) as url:
        first, second = runtime.fleet.add(), runtime.fleet.add()
        with pytest.raises(FleetFull):
            runtime.fleet.add()
        status, body = call(f"{url}/api/consumers", "POST")
        assert status == 409 and "at most 2 live consumers" in body["error"]

        removed: list[int] = []
        runtime.hub.subscribe(
            lambda e: (
                removed.append(e.consumer_id)
                if isinstance(e, GroupChange) and e.kind == "removed"
                else None
            )
        )
        runtime.fleet.crash(first.id)
        for _ in range(MAX_GONE + 6):
            added = runtime.fleet.add()
            runtime.fleet.crash(added.id)
        listed = consumers_of(url)
        assert len(listed) <= MAX_GONE + 2
        assert second.id in {c["id"] for c in listed}, "live members are never forgotten"
        # The views hear of every member forgotten for room: their cards go too.
        listed_ids = {c["id"] for c in listed}
        assert first.id in removed and not listed_ids & set(removed)


def test_live_consumers_of_all_groups_together_are_capped(make_runtime, monkeypatch):
    """limits.LIVE_CONSUMERS bounds every group together (scripts/worst_case.py measured
    why); here lowered to 3 so that a test can reach it."""
    from messaging.core import limits

    monkeypatch.setattr(limits, "LIVE_CONSUMERS", 3)
    runtime = make_runtime(consumer_mode=THREAD, consumers=2)
    with running_api(runtime) as url:
        body = {"group": f"g2-{runtime.settings.group}", "consumers": 2, "kind": "thread"}
        status, answer = call(f"{url}/api/groups", "POST", body)
        assert status == 409 and "all groups together (1 left)" in answer["error"], answer
        assert body["group"] not in runtime.fleets, "nothing half made"

        status, _ = call(f"{url}/api/groups", "POST", {**body, "consumers": 1})
        assert status == 201
        status, answer = call(f"{url}/api/consumers", "POST")
        assert status == 409 and "in all groups together" in answer["error"], answer


def test_an_outside_leader_gets_its_partitions_from_the_broker_where_kafka_tells(
    make_runtime, processes, tmp_path
):
    """The spec's consumer.py joins first, so it leads and the app sees no leader's table.
    Apache Kafka fills DescribeGroups' member assignment: the outside member's partitions
    come from the broker (source ``broker``). tansu leaves it empty: the model can only
    infer them, and says that it is a guess (``inferred``)."""
    runtime = make_runtime(consumer_mode=THREAD, consumers=0)
    spec = SpecConsumer(runtime, processes, tmp_path)
    wait_for(lambda: spec.assigned == list(range(runtime.partitions)), 30, "the spec's consumer")
    runtime.fleet.add()
    source = "inferred" if lanes.LANE == TANSU else "broker"

    def outside_as_the_broker_said() -> bool:
        view = runtime.fleet.view()
        outside = [m for m in view.members if m.kind == OUTSIDE and m.state != CRASHED]
        return (
            view.state == "Stable"
            and len(outside) == 1
            and spec.assigned is not None
            and 0 < len(spec.assigned) < runtime.partitions
            and sorted(outside[0].partitions) == spec.assigned
            and outside[0].assignment_source == source
        )

    wait_for(outside_as_the_broker_said, 40, f"the outside leader's partitions, as {source}")
