"""Only a consumer the app keyed can write the app's history: signed activity reports.

The first tests are pure logic (the gate that decides which reports the app takes, on an
injected clock). The rest are real: the embedded broker, a plain kafka-python producer
writing forged and replayed records straight to ``<topic>.activity``, the app's own
consumer processes and a consumer started by hand without the key.
"""

from __future__ import annotations

import json
import logging
import time

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from messaging.channel.activity import activity_topic
from messaging.channel.control import (
    BAD_SIGNATURE,
    FRESH_S,
    MALFORMED,
    PROCESS_SCOPE,
    REMOTE_SCOPE,
    REPLAYED,
    STALE,
    UNSIGNED,
    ControlKeys,
    Refused,
)
from messaging.channel.report_seal import SIG_HEADER, ReportGate, ReportSealer
from messaging.core.events import OUTSIDE, PROCESSED, THREAD, Delivery, to_wire
from tests.conftest import all_assigned, running_api, wait_for
from tests.test_api import call
from tests.test_consumer_processes import consumers_of, start_standalone

KEYS = ControlKeys(b"k" * 32)
UID = "host-4242"


def fake_delivery(message_id: str = "forged-1") -> dict:
    """What a forger would write: a delivery the app never had."""
    return to_wire(Delivery(message_id, 1, "C1", None, 0, 0, 1, False, PROCESSED))


def gate(now: list[float] | None = None) -> ReportGate:
    clock = now if now is not None else [time.time()]
    return ReportGate(KEYS, clock=lambda: clock[0])


def refused_as(kind: str, g: ReportGate, value: bytes, headers: list) -> None:
    with pytest.raises(Refused) as caught:
        g.admit(value, headers)
    assert caught.value.kind == kind, caught.value


# ----- the gate: pure logic -------------------------------------------------------------------
def test_a_sealed_report_is_taken_once_and_in_order():
    sealer = ReportSealer(UID, REMOTE_SCOPE, KEYS.key(REMOTE_SCOPE))
    g = gate()
    first, second = sealer.seal([fake_delivery("a")]), sealer.seal([fake_delivery("b")])

    uid, events = g.admit(*second)
    assert uid == UID and [e.message_id for e in events] == ["b"]
    refused_as(REPLAYED, g, *second)
    refused_as(REPLAYED, g, *first), "older than one taken: a replay, or out of order"


def test_forged_reports_are_refused_by_kind():
    g = gate()
    value, headers = ReportSealer(UID, REMOTE_SCOPE, KEYS.key(REMOTE_SCOPE)).seal([fake_delivery()])
    other_app = ReportSealer(UID, REMOTE_SCOPE, ControlKeys(b"x" * 32).key(REMOTE_SCOPE))

    refused_as(UNSIGNED, g, *ReportSealer(UID, REMOTE_SCOPE, None).seal([fake_delivery()]))
    refused_as(BAD_SIGNATURE, g, *other_app.seal([fake_delivery()]))
    refused_as(BAD_SIGNATURE, g, value.replace(b"forged-1", b"forged-2"), headers)
    refused_as(MALFORMED, g, b"{", [(SIG_HEADER, b"0" * 64)])
    refused_as(MALFORMED, g, b"[]", [(SIG_HEADER, b"0" * 64)])


def test_the_remote_key_cannot_report_for_the_apps_own_consumers():
    """A classmate given the window's command signs as one of the app's children."""
    as_child = ReportSealer(UID, PROCESS_SCOPE, KEYS.key(REMOTE_SCOPE))
    refused_as(BAD_SIGNATURE, gate(), *as_child.seal([fake_delivery()]))


def test_a_report_from_another_time_is_refused():
    now = [time.time() + FRESH_S + 5]
    refused_as(STALE, gate(now), *ReportSealer(UID, REMOTE_SCOPE, KEYS.key(REMOTE_SCOPE)).seal([]))


def test_signed_garbage_events_are_malformed_not_a_crash():
    sealer = ReportSealer(UID, REMOTE_SCOPE, KEYS.key(REMOTE_SCOPE))
    refused_as(MALFORMED, gate(), *sealer.seal([{"type": "nothing-known"}, 7]))


# ----- real consumers, forged records from a plain producer -----------------------------------
def write_activity(runtime, records: list[tuple[bytes, list]], key: bytes) -> None:
    """Write records straight to the activity topic, as anyone on the network can."""
    producer = KafkaProducer(bootstrap_servers=runtime.bootstrap_servers)
    try:
        for value, headers in records:
            producer.send(activity_topic(runtime.settings.channel), value, key, headers=headers)
        producer.flush(10)
    finally:
        producer.close(5)


def genuine_records(runtime, uid: str) -> list[tuple[bytes, list]]:
    """The activity records consumer ``uid`` wrote so far, read from the topic's start."""
    tp = TopicPartition(activity_topic(runtime.settings.channel), 0)
    reader = KafkaConsumer(bootstrap_servers=runtime.bootstrap_servers, enable_auto_commit=False)
    try:
        reader.assign([tp])
        reader.seek_to_beginning(tp)
        found: list[tuple[bytes, list]] = []
        for _ in range(20):
            batches = reader.poll(timeout_ms=200).values()
            found += [(r.value, r.headers) for b in batches for r in b if r.key == uid.encode()]
        return found
    finally:
        reader.close()


def test_forged_replayed_and_flooded_reports_change_nothing(make_runtime, caplog):
    caplog.set_level(logging.WARNING, logger="messaging.channel.report_seal")
    runtime = make_runtime(consumer_mode="process", consumers=1)
    wait_for(lambda: all_assigned(runtime), 20, "the process consumer to own every partition")
    [snap] = runtime.fleet.snapshots()
    sent = runtime.sender.send_many([({"id": i}, None) for i in range(5)])
    wait_for(lambda: runtime.ledger.totals()["processed"] == 5, 20, "five processed")
    before = runtime.ledger.totals()
    replays = [r for r in genuine_records(runtime, snap.uid) if b'"delivery"' in r[0]]
    assert replays, "the consumer's own signed deliveries, to replay"

    forged = json.dumps(
        {"uid": snap.uid, "scope": "process", "events": [fake_delivery(sent[0].message_id)]}
    )
    unsigned = (forged.encode(), [])
    badly_signed = (forged.encode(), [(SIG_HEADER, b"0" * 64)])
    garbage = [(b"{", []), (b"x" * 5000, [(SIG_HEADER, b"1")])]
    flood = [unsigned, badly_signed, *garbage] * 250  # 1,000 records
    write_activity(runtime, [*replays, *flood], key=snap.uid.encode())
    # A genuine change after them: once the app shows it, the bad records were read.
    runtime.fleet.configure(snap.id, processing_ms=15)
    wait_for(lambda: runtime.reader.records >= 1000 + len(replays), 20, "every record read")

    assert runtime.ledger.totals() == before, "no delivery, duplicate or count was added"
    record = runtime.ledger.get(sent[0].message_id)
    assert [d.consumer for d in record.deliveries if d.status == PROCESSED] == [snap.name]
    lines = [r.getMessage() for r in caplog.records if "activity record refused" in r.getMessage()]
    kinds = {line.split("(")[1].split(")")[0] for line in lines}
    assert kinds == {UNSIGNED, BAD_SIGNATURE, MALFORMED, REPLAYED}, lines
    assert len(lines) == len(kinds), f"{len(lines)} lines for {len(flood) + len(replays)} records"


def test_a_consumer_started_without_the_key_is_an_outside_member_the_app_cannot_drive(
    make_runtime, processes, tmp_path
):
    """The README allows starting a consumer without the key. Its reports are refused, so
    the app shows what the group protocol tells of it and answers every command 409 at
    once, never a crash that did not happen."""
    runtime = make_runtime(consumer_mode=THREAD, consumers=0)
    log_path = tmp_path / "consumer.log"
    with running_api(runtime) as url, open(log_path, "w") as log_file:
        proc = start_standalone(runtime, processes, keyed=False, stderr=log_file)

        def outside_with_partitions() -> bool:
            listed = consumers_of(url)
            return len(listed) == 1 and listed[0]["kind"] == OUTSIDE and listed[0]["partitions"]

        wait_for(outside_with_partitions, 40, "the keyless consumer as an outside member")
        [member] = consumers_of(url)
        consumer_id = member["id"]
        for method, path, body in (
            ("POST", "/crash", None),
            ("POST", "/stop", None),
            ("PATCH", "", {"failure_rate": 1}),
        ):
            start = time.monotonic()
            status, answer = call(f"{url}/api/consumers/{consumer_id}{path}", method, body)
            took = time.monotonic() - start
            assert status == 409 and "without the app's key" in answer["error"], answer
            assert took < 1.0, f"{method} {path} answered after {took:.1f} s, not at once"
        runtime.sender.send_many([({"id": i}, f"k{i}") for i in range(20)])
        wait_for(lambda: runtime.ledger.totals()["consumed_outside"] == 20, 40, "all 20 consumed")
        assert proc.poll() is None, "it runs on: nothing claimed it crashed"
        [member] = consumers_of(url)
        assert member["state"] == "active" and member["processed"] == 20
    assert any("no control key" in ln for ln in log_path.read_text().splitlines())
