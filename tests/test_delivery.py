"""Point-to-point on a real broker: each message reaches exactly one consumer of the group."""

from __future__ import annotations

from collections import defaultdict

from messaging.core.events import PROCESSED, Delivery
from tests.conftest import all_assigned, wait_for


def processed_deliveries(runtime) -> list[Delivery]:
    out: list[Delivery] = []
    runtime.hub.subscribe(
        lambda e: out.append(e) if isinstance(e, Delivery) and e.status == PROCESSED else None
    )
    return out


def test_one_message_goes_to_exactly_one_consumer(make_runtime, mode):
    runtime = make_runtime(consumer_mode=mode, consumers=3)
    wait_for(lambda: all_assigned(runtime), 20, "3 consumers to share 6 partitions")
    done = processed_deliveries(runtime)

    sent = runtime.sender.send({"id": 1, "contenido": "Hola desde Kafka"})

    wait_for(lambda: runtime.ledger.totals()["processed"] == 1, 10, "the message processed")
    record = runtime.ledger.get(sent.message_id)
    assert [d.consumer for d in record.deliveries] == [done[0].consumer]
    owner = runtime.fleet.view().owners[sent.partition]
    assert done[0].consumer == owner.name
    assert sum(s.processed for s in runtime.fleet.snapshots()) == 1


def test_load_spreads_over_the_group_once_each_and_in_key_order(make_runtime, mode):
    runtime = make_runtime(consumer_mode=mode, consumers=3, partitions=6)
    wait_for(lambda: all_assigned(runtime), 20, "3 consumers to share 6 partitions")
    done = processed_deliveries(runtime)

    items = [({"id": i, "contenido": f"m{i}"}, f"cliente-{i % 50}") for i in range(300)]
    sent = runtime.sender.send_many(items)

    wait_for(lambda: len(done) >= 300, 20, "300 messages processed")
    assert runtime.ledger.totals()["processed"] == 300
    assert sorted(d.message_id for d in done) == sorted(s.message_id for s in sent)
    assert runtime.ledger.totals()["duplicates"] == 0
    by_consumer = {d.consumer for d in done}
    assert len(by_consumer) == 3, f"all 3 consumers should work, got {by_consumer}"
    order: dict[str, list[int]] = defaultdict(list)
    for d in done:
        order[d.key].append(runtime.ledger.get(d.message_id).value["id"])
    assert all(ids == sorted(ids) for ids in order.values()), "per-key order broken"
    assert {d.partition for d in done} == set(range(6))


def test_consumers_beyond_the_partition_count_sit_idle(make_runtime, mode):
    runtime = make_runtime(consumer_mode=mode, consumers=3, partitions=2)
    assert runtime.partitions == 2
    wait_for(lambda: all_assigned(runtime), 20, "2 partitions assigned")

    states = sorted(s.state for s in runtime.fleet.snapshots())
    assert states == ["active", "active", "idle"]
    assert "1 of them will sit idle" in runtime.note_idle_consumers().english()
