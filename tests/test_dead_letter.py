"""A message that keeps failing is retried, then parked in <topic>.DLT; the partition flows on."""

from __future__ import annotations

import json
import time

from kafka import KafkaConsumer, TopicPartition

from messaging.core.events import DEAD_LETTERED, FAILED, PROCESSED
from tests.conftest import all_assigned, wait_for


def read_dead_letters(runtime, expected: int, timeout: float = 10.0) -> list:
    consumer = KafkaConsumer(
        bootstrap_servers=runtime.bootstrap_servers,
        enable_auto_commit=False,
        consumer_timeout_ms=500,
    )
    try:
        tp = TopicPartition(runtime.settings.dead_letter_topic, 0)
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        records: list = []
        deadline = time.monotonic() + timeout
        while len(records) < expected and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=200).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()


def test_poison_message_is_retried_then_dead_lettered_and_partition_keeps_flowing(
    make_runtime, mode
):
    runtime = make_runtime(consumer_mode=mode, consumers=2, max_retries=3, retry_backoff_ms=20)
    wait_for(lambda: all_assigned(runtime), 20, "assignment")

    poison = runtime.sender.send({"id": 7, "fail": True}, key="same-key")
    after = runtime.sender.send({"id": 8}, key="same-key")
    assert after.partition == poison.partition

    wait_for(
        lambda: (r := runtime.ledger.get(after.message_id)) and r.status == PROCESSED,
        15,
        "the message behind the poison one to be processed",
    )
    record = runtime.ledger.get(poison.message_id)
    statuses = [d.status for d in record.deliveries]
    assert statuses == [FAILED, FAILED, FAILED, DEAD_LETTERED]
    assert [d.attempt for d in record.deliveries] == [1, 2, 3, 4]
    assert runtime.ledger.totals()["dead_lettered"] == 1

    [dead] = read_dead_letters(runtime, expected=1)
    headers = {k: v.decode() for k, v in dead.headers}
    assert json.loads(dead.value) == {"id": 7, "fail": True}
    assert headers["message_id"] == poison.message_id
    assert headers["dlt.attempts"] == "4"
    assert "poison" in headers["dlt.error"]
    assert headers["dlt.consumer"] == record.deliveries[-1].consumer
    assert headers["dlt.original.partition"] == str(poison.partition)
    assert headers["dlt.original.offset"] == str(poison.offset)


def test_failure_rate_set_at_runtime_causes_retries_but_no_loss(make_runtime, mode):
    runtime = make_runtime(consumer_mode=mode, consumers=1, max_retries=5, retry_backoff_ms=1)
    wait_for(lambda: all_assigned(runtime), 20, "assignment")
    runtime.fleet.configure(1, failure_rate=0.3)

    sent = runtime.sender.send_many([({"id": i}, None) for i in range(40)])

    wait_for(
        lambda: all(
            runtime.ledger.get(s.message_id).status in (PROCESSED, DEAD_LETTERED) for s in sent
        ),
        30,
        "all 40 messages settled",
    )
    totals = runtime.ledger.totals()
    assert totals["failed_attempts"] > 0
    assert totals["processed"] + totals["dead_lettered"] == 40
