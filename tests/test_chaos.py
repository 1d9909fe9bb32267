"""Chaos stays green: consumers crashed, stopped and added at random while messages flow."""

from __future__ import annotations

from benchmarks.chaos import Chaos, run
from tests.conftest import all_assigned, wait_for


def test_every_acknowledged_message_survives_random_crashes_stops_and_adds(make_runtime, mode):
    runtime = make_runtime(consumer_mode=mode, consumers=3, processing_ms=1, max_consumers=6)
    wait_for(lambda: all_assigned(runtime), 20, "3 consumers to share 6 partitions")

    # Members are stopped or crashed only while the group is Stable (a tansu bug, see chaos.py),
    # and each join takes half a session: 10 s of traffic leave room for several actions.
    plan = Chaos(messages=6000, rate=600, live=(2, 5), seed=11)
    report = run(runtime, plan)

    state = (report, runtime.fleet.snapshots(), runtime.monitor.lag, runtime.reader.alive)
    assert report["sent"] == 6000
    assert report["actions"] >= 3, state  # chaos really happened while messages flowed
    assert report["crashes"] + report["stops"] >= 1, state  # and a member left mid-stream
    lost = [runtime.ledger.get(m) for m in report.get("lost_ids", [])[:8]]
    where = [(r.message_id, r.partition, r.offset, len(r.deliveries)) for r in lost if r]
    # First in the message, so that pytest's truncation keeps it: which messages, where.
    assert report["lost"] == 0, (where, plan.actions, state)
    assert report["unflagged_extra"] == 0, state
    assert report["extra_deliveries"] >= report["duplicates"]
