"""Only the app can drive a consumer: signed commands, and what a consumer refuses.

The first tests are pure logic (the gate that decides what a consumer obeys, on an
injected clock). The rest are real: the embedded broker, a plain kafka-python producer
writing forged records straight to ``<topic>.control``, the app's own consumer
processes and a consumer started by hand, as a classmate on the same network would.
"""

from __future__ import annotations

import json
import logging

import psutil
import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from messaging.channel.activity import control_topic
from messaging.channel.control import (
    BAD_SIGNATURE,
    CHECKOUT_LAUNCHER,
    CONFIGURE,
    CRASH,
    FRESH_S,
    INSTALLED_LAUNCHER,
    MALFORMED,
    MAX_RECORD,
    NO_KEY,
    OVERSIZED,
    REMOTE_SCOPE,
    REPLAYED,
    STALE,
    STOP,
    UNSIGNED,
    CommandGate,
    ControlKeys,
    RefusalLog,
    Refused,
    command,
    consumer_launcher,
    join_command,
    key_problem,
)
from messaging.core.events import CRASHED, PROCESS, REMOTE, THREAD
from tests.conftest import all_assigned, exited, running_api, wait_for
from tests.processes import consumer_command, environment, run
from tests.test_api import call, stop_and_wait
from tests.test_consumer_processes import consumers_of, start_standalone

TOPIC, UID, NOW = "t.control", "run-C1", 1_000_000.0
KEY = ControlKeys(b"k" * 32).key(REMOTE_SCOPE)
OTHER_KEY = ControlKeys(b"x" * 32).key(REMOTE_SCOPE)


def gate(key: str | None = KEY, clock: list[float] | None = None) -> CommandGate:
    now = clock if clock is not None else [NOW]
    return CommandGate(TOPIC, UID, key, clock=lambda: now[0])


def refused_as(kind: str, g: CommandGate, raw: bytes) -> None:
    with pytest.raises(Refused) as caught:
        g.admit(raw)
    assert caught.value.kind == kind, caught.value


# ----- the gate: pure logic -------------------------------------------------------------------
def test_a_signed_command_is_obeyed_once():
    g = gate()
    record = command(KEY, TOPIC, UID, CONFIGURE, {"processing_ms": 40}, now=NOW)
    assert g.admit(record) == (CONFIGURE, {"processing_ms": 40})
    refused_as(REPLAYED, g, record)


def test_records_for_other_consumers_are_ignored_silently():
    g = gate()
    assert g.admit(command(KEY, TOPIC, "someone-else", STOP, now=NOW)) is None
    assert g.admit(json.dumps({"to": "someone-else", "op": "crash"}).encode()) is None


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (json.dumps({"to": UID, "op": "crash"}).encode(), UNSIGNED),  # the old, plain format
        (command(OTHER_KEY, TOPIC, UID, CRASH, now=NOW), BAD_SIGNATURE),
        (b"\xff\xfe not json", MALFORMED),
        (b"[" * 3000, MALFORMED),
        (b"", MALFORMED),
        (b"[1, 2]", MALFORMED),
        (json.dumps({"cmd": 1, "sig": "00"}).encode(), MALFORMED),
        (json.dumps({"cmd": "not json", "sig": "00"}).encode(), MALFORMED),
        (b" " * (MAX_RECORD + 1), OVERSIZED),
        (command(KEY, TOPIC, UID, CRASH, now=NOW - FRESH_S - 1), STALE),
        (command(KEY, TOPIC, UID, CRASH, now=NOW + FRESH_S + 1), STALE),
        (command(KEY, "other.control", UID, CRASH, now=NOW), MALFORMED),
    ],
    ids=[
        "unsigned",
        "wrong-key",
        "bytes",
        "deep",
        "empty",
        "array",
        "cmd-not-text",
        "cmd-not-json",
        "oversized",
        "old",
        "future",
        "other-topic",
    ],
)
def test_bad_records_are_refused_by_kind(raw, kind):
    refused_as(kind, gate(), raw)


def test_a_tampered_command_fails_its_signature():
    envelope = json.loads(command(KEY, TOPIC, UID, CONFIGURE, {"processing_ms": 1}, now=NOW))
    envelope["cmd"] = envelope["cmd"].replace('"processing_ms":1', '"processing_ms":9')
    refused_as(BAD_SIGNATURE, gate(), json.dumps(envelope).encode())


def test_without_a_key_every_command_to_it_is_refused():
    refused_as(NO_KEY, gate(key=None), command(KEY, TOPIC, UID, STOP, now=NOW))


def test_a_replay_stays_refused_until_it_is_stale():
    clock = [NOW]
    g = gate(clock=clock)
    record = command(KEY, TOPIC, UID, STOP, now=NOW)
    assert g.admit(record) == (STOP, {})
    clock[0] = NOW + FRESH_S  # still within the window: remembered
    refused_as(REPLAYED, g, record)
    clock[0] = NOW + FRESH_S + 1  # forgotten now, but refused for its age
    refused_as(STALE, g, record)


def test_keys_differ_by_scope_and_never_are_the_token():
    token = "a-secret-api-token"
    keys = ControlKeys.from_token(token)
    assert keys.key("process") != keys.key("remote")
    assert keys.key("remote") == ControlKeys.from_token(token).key("remote"), "stable"
    assert token not in keys.key("remote") and token.encode() not in keys.secret
    assert ControlKeys.random().key("remote") != ControlKeys.random().key("remote")
    assert key_problem(keys.key("remote")) is None
    assert key_problem("abc") and key_problem("g" * 64)
    assert "secret" not in repr(keys) and keys.secret.hex() not in repr(keys)


def test_the_join_command_carries_the_key_in_its_environment():
    assert join_command("h:9092", "t", "g", "t", "ab" * 32) == (
        f"P2P_CONTROL_KEY={'ab' * 32} ./run -m messaging.consumer "
        "--bootstrap-servers h:9092 --topic t --group g"
    )
    moved = join_command("h:9092", "t-6p", "grupo consumidores", "t")
    assert moved.endswith("--topic t-6p --group 'grupo consumidores' --channel t")
    installed = join_command("h:9092", "t", "g", "t", None, INSTALLED_LAUNCHER)
    assert installed.startswith("kafka-p2p-consumer --bootstrap-servers h:9092")


def test_a_checkout_pastes_run_and_an_installed_app_its_script():
    """A bare `python -m messaging.consumer` pasted in a plain shell fails with "No module
    named 'kafka'": the checkout's ./run makes its venv, an installed app has a script."""
    assert consumer_launcher() == CHECKOUT_LAUNCHER  # the suite runs from a checkout
    result = run([*CHECKOUT_LAUNCHER, "--help"], timeout=120)
    assert result.returncode == 0 and "--bootstrap-servers" in result.stdout


def flood_lines(caplog) -> list[str]:
    """Only the refusal log's lines: another test's background client may warn meanwhile."""
    return [r.getMessage() for r in caplog.records if r.name == "flood"]


def test_a_flood_is_a_line_per_kind_per_interval(caplog):
    clock = [0.0]
    refusals = RefusalLog(logging.getLogger("flood"), every_s=60, clock=lambda: clock[0])
    with caplog.at_level(logging.WARNING, logger="flood"):
        for i in range(1000):
            refusals.note(Refused((UNSIGNED, MALFORMED)[i % 2], "bad"))
        assert len(flood_lines(caplog)) == 2, "one line per kind"
        clock[0] = 61
        refusals.note(Refused(UNSIGNED, "bad"))
    assert len(flood_lines(caplog)) == 3
    assert "499 more unsigned refused" in flood_lines(caplog)[-1]
    assert refusals.refused == 1001


# ----- real consumers, forged records from a plain producer -----------------------------------
def forge(runtime, *values: bytes, key: bytes | None = None) -> None:
    """Write records straight to the control topic, as anyone on the network can."""
    producer = KafkaProducer(bootstrap_servers=runtime.bootstrap_servers)
    try:
        for value in values:
            producer.send(control_topic(runtime.settings.channel), value=value, key=key)
        producer.flush(10)
    finally:
        producer.close(5)


def forged_crash(uid: str) -> list[bytes]:
    """Three ways to ask ``uid`` to crash without the key: plain, wrong key, a guess."""
    return [
        json.dumps({"to": uid, "op": "crash", "args": {}}).encode(),
        command(OTHER_KEY, "ignored", uid, CRASH),
        json.dumps({"cmd": json.dumps({"to": uid, "op": "crash"}), "sig": "0" * 64}).encode(),
    ]


def test_a_forged_crash_leaves_the_apps_process_consumer_running(make_runtime):
    runtime = make_runtime(consumer_mode=PROCESS, consumers=1)
    wait_for(lambda: all_assigned(runtime), 20, "the process consumer to own every partition")
    [snap] = runtime.fleet.snapshots()

    forge(runtime, *forged_crash(snap.uid), key=snap.uid.encode())
    # A signed command after the forged ones: once it is in effect, they were read.
    runtime.fleet.configure(snap.id, processing_ms=25)

    assert not exited(psutil.Process(snap.pid))
    assert runtime.fleet.member(snap.id).snapshot.state != CRASHED
    assert runtime.fleet.member(snap.id).snapshot.processing_ms == 25


def test_the_remote_key_cannot_drive_the_apps_own_consumers(make_runtime):
    """A classmate given the window's command (the remote key) signs a crash with it."""
    runtime = make_runtime(consumer_mode=PROCESS, consumers=1)
    wait_for(lambda: all_assigned(runtime), 20, "the process consumer to own every partition")
    [snap] = runtime.fleet.snapshots()
    topic = control_topic(runtime.settings.channel)

    forge(runtime, command(runtime.control.remote_key, topic, snap.uid, CRASH))
    runtime.fleet.configure(snap.id, processing_ms=30)

    assert not exited(psutil.Process(snap.pid))
    assert runtime.fleet.member(snap.id).snapshot.processing_ms == 30


def captured(runtime, uid: str, count: int) -> list[bytes]:
    """The control records addressed to ``uid`` so far (read from the topic's start)."""
    tp = TopicPartition(control_topic(runtime.settings.channel), 0)
    reader = KafkaConsumer(bootstrap_servers=runtime.bootstrap_servers, enable_auto_commit=False)
    try:
        reader.assign([tp])
        reader.seek_to_beginning(tp)
        found: list[bytes] = []
        for _ in range(50):
            for records in reader.poll(timeout_ms=200).values():
                found += [r.value for r in records if r.key == uid.encode()]
            if len(found) >= count:
                return found
        return found
    finally:
        reader.close()


def test_a_remote_consumer_obeys_the_app_and_refuses_forgeries_replays_and_floods(
    make_runtime, processes, tmp_path
):
    runtime = make_runtime(consumer_mode=THREAD, consumers=0)
    log_path = tmp_path / "consumer.log"
    with running_api(runtime) as url, open(log_path, "w") as log_file:
        # Exactly as the window's command starts it: the key in its environment.
        proc = start_standalone(runtime, processes, stderr=log_file)
        wait_for(lambda: consumers_of(url), 15, "the standalone consumer to report")
        [remote] = consumers_of(url)
        consumer_id, uid = remote["id"], runtime.fleet.member(remote["id"]).snapshot.uid
        assert remote["kind"] == REMOTE

        def patch(**body) -> None:
            status, answer = call(f"{url}/api/consumers/{consumer_id}", "PATCH", body)
            assert status == 200, answer

        patch(processing_ms=40)  # genuine: obeyed
        forge(runtime, *forged_crash(uid), key=uid.encode())
        patch(processing_ms=70)  # obeyed after the forged crash, which changed nothing
        assert proc.poll() is None

        [replay] = captured(runtime, uid, 1)[:1]  # the genuine "processing_ms 40"
        forge(runtime, replay, key=uid.encode())
        bad = [b"{", b"x" * (MAX_RECORD + 10), *forged_crash(uid)] * 250  # 1,250 records
        forge(runtime, *bad, key=uid.encode())
        patch(failure_rate=0.1)  # in effect: everything before it was read
        assert proc.poll() is None
        [remote] = consumers_of(url)
        assert remote["processing_ms"] == 70, "the replayed command changed nothing"

        assert stop_and_wait(url, consumer_id)["state"] == "stopped"
        assert proc.wait(15) == 0, "a genuine stop still stops it"
    refused = [ln for ln in log_path.read_text().splitlines() if "control record refused" in ln]
    kinds = {ln.split("(")[1].split(")")[0] for ln in refused}
    assert kinds == {UNSIGNED, BAD_SIGNATURE, MALFORMED, OVERSIZED, REPLAYED}, refused
    assert len(refused) <= 2 * len(kinds), f"{len(refused)} lines for 1,254 bad records"


def test_a_bad_key_in_the_environment_names_the_variable_not_the_secret():
    secret = "s3cr3t" * 10
    command = consumer_command("--bootstrap-servers", "127.0.0.1:1")
    result = run(command, env=environment(P2P_CONTROL_KEY=secret))
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "P2P_CONTROL_KEY" in line and "64 hexadecimal" in line and secret not in line
