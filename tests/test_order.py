"""Order: per key it holds until a crash hands a partition over with uncommitted work."""

from __future__ import annotations

from kafka import KafkaAdminClient, TopicPartition

from messaging.audit.ledger import Ledger
from messaging.core.events import PROCESSED, Delivery, SentMessage
from tests.conftest import SESSION_MS, all_assigned, wait_for


def processed(
    mid: str, consumer: int, partition: int, offset: int, key: str | None, topic: str = "t"
) -> Delivery:
    return Delivery(
        mid, consumer, f"C{consumer}", key, partition, offset, 1, False, PROCESSED, topic=topic
    )


def test_a_new_topic_starts_its_own_order():
    """After a switch to a new topic (or a broker back empty) offsets start at 0 again:
    the new topic's first messages of a key are in order, not behind the old ones."""
    ledger = Ledger()
    for mid, topic, offset in (("a", "old", 0), ("b", "old", 1), ("c", "new", 0)):
        ledger.record_sent(SentMessage(mid, "k", {}, topic, 0, offset, 1.0 + offset))
    for mid, topic, offset in (("a", "old", 0), ("b", "old", 1), ("c", "new", 0)):
        done, _ = ledger.record_delivery(processed(mid, 1, 0, offset, "k", topic))
        assert done.out_of_order is None, mid
    assert ledger.order()["key_out_of_order"] == 0 and ledger.order()["partition_breaks"] == 0


def test_order_is_judged_per_key_per_partition_and_across_partitions():
    ledger = Ledger()
    for mid, partition, offset, at in (("a", 0, 0, 1.0), ("b", 0, 1, 2.0), ("c", 1, 0, 3.0)):
        ledger.record_sent(
            SentMessage(mid, "k" if partition == 0 else "j", {}, "t", partition, offset, at)
        )
    ledger.record_delivery(processed("c", 2, 1, 0, "j"))  # sent last, processed first
    ledger.record_delivery(processed("a", 1, 0, 0, "k"))
    ledger.record_delivery(processed("b", 1, 0, 1, "k"))
    # C1 never committed: C3 gets partition 0 and processes "a" again, after "b".
    again, _ = ledger.record_delivery(processed("a", 3, 0, 0, "k"))

    assert again.redelivered and "handed over with uncommitted work" in again.out_of_order.english()
    assert ledger.get("a").out_of_order == again.out_of_order
    assert ledger.order() == {
        "key_out_of_order": 1,
        "partition_breaks": 0,  # first deliveries within a partition: always in order
        "across_partitions_overtaken": 2,  # "a" and "b" were overtaken by "c": never promised
    }


def test_a_crash_mid_stream_shows_out_of_key_order_redeliveries(make_runtime, mode):
    # A crash makes a message come again after a later one when it leaves two or more
    # processed messages uncommitted. Consumers commit every 200 ms, so a crash that lands
    # just after a commit leaves none, however the test times it: the committed offset it
    # read is stale by the time the kill lands (seen in 2 CI runs). A round whose crash left
    # nothing to redeliver shows no reordering, rightly; the test then tries another round.
    runtime = make_runtime(consumer_mode=mode, consumers=2, processing_ms=1)
    sent: list[SentMessage] = []
    for round_ in range(1, 4):
        wait_for(lambda: all_assigned(runtime), 20, "assignment")
        batch = runtime.sender.send_many([({"id": i}, f"cliente-{round_}") for i in range(3000)])
        sent += batch
        _crash_mid_stream(runtime, batch)
        order = runtime.ledger.order()
        assert order["partition_breaks"] == 0
        records = [runtime.ledger.get(s.message_id) for s in sent]
        flagged = [r for r in records if r.out_of_order]
        assert order["key_out_of_order"] == len(flagged)
        twice = [r for r in records if r.processed_times > 1]
        if len(twice) >= 2:  # the crash left processed work uncommitted
            assert flagged
            break
        runtime.fleet.add()  # back to two consumers for another round
    else:
        raise AssertionError("none of 3 crashes left processed work uncommitted")
    assert all("handed over with uncommitted work" in r.out_of_order.english() for r in flagged)
    assert all(r.deliveries[-1].redelivered for r in flagged)


def _crash_mid_stream(runtime, sent: list[SentMessage]) -> None:
    """Crash the owner of ``sent`` once it has processed work past its committed offset;
    return when the survivor has processed every message."""
    owner = runtime.fleet.view().owners[sent[0].partition]
    tp = TopicPartition(runtime.settings.topic, sent[0].partition)
    admin = KafkaAdminClient(bootstrap_servers=runtime.bootstrap_servers)

    def done_beyond_the_commit() -> bool:
        """Or the whole batch done (a loaded machine may report it only after the last
        commit): then this round's crash leaves nothing to redeliver, and another round
        comes."""
        committed = admin.list_group_offsets({runtime.settings.group: [tp]})
        position = committed.get(runtime.settings.group, {}).get(tp)
        done = [s.offset for s in sent if runtime.ledger.get(s.message_id).processed_times]
        if len(done) == len(sent):
            return True
        return bool(done) and position is not None and max(done) >= position.offset + 5

    try:
        wait_for(done_beyond_the_commit, 30, "processed work past the committed offset")
    finally:
        admin.close()
    runtime.fleet.crash(owner.id)
    wait_for(
        lambda: all(runtime.ledger.get(s.message_id).processed_times >= 1 for s in sent),
        SESSION_MS / 1000 + 40,
        "every message processed by the survivor",
    )
