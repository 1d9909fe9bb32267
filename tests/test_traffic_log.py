"""Every message sent and received is logged (the spec's acceptance criterion)."""

from __future__ import annotations

import json
from collections import Counter

from tests.conftest import all_assigned, wait_for


def test_log_file_has_one_sent_and_one_received_line_per_message(make_runtime, tmp_path):
    runtime = make_runtime(consumers=2)
    wait_for(lambda: all_assigned(runtime), 20, "assignment")
    sent = runtime.sender.send_many([({"id": i}, f"k{i}") for i in range(25)])
    wait_for(lambda: runtime.ledger.totals()["processed"] == 25, 10, "25 processed")
    runtime.stop()  # flushes the log writer

    lines = (tmp_path / "messages.log").read_text().splitlines()
    ids = {s.message_id for s in sent}
    sent_lines = Counter(ln.split("message_id=")[1].split()[0] for ln in lines if " SENT " in ln)
    recv_lines = Counter(
        ln.split("message_id=")[1].split()[0] for ln in lines if " RECEIVED " in ln
    )
    assert sent_lines == Counter(ids)
    assert recv_lines == Counter(ids)
    first = next(ln for ln in lines if " RECEIVED " in ln)
    for field in (
        f"topic={runtime.settings.topic}",
        "partition=",
        "offset=",
        "consumer=C",
        "key=k",
        "attempt=1",
    ):
        assert field in first


def test_json_log_format_writes_json_lines(make_runtime, tmp_path):
    runtime = make_runtime(consumers=1, log_format="json")
    wait_for(lambda: all_assigned(runtime), 20, "assignment")
    sent = runtime.sender.send({"id": 1, "contenido": "Hola desde Kafka"}, key="a")
    wait_for(lambda: runtime.ledger.totals()["processed"] == 1, 10, "processed")
    runtime.stop()

    rows = [json.loads(ln) for ln in (tmp_path / "messages.log").read_text().splitlines()]
    assert [r["event"] for r in rows] == ["sent", "received"]
    assert {r["message_id"] for r in rows} == {sent.message_id}
    received = rows[1]
    assert received["consumer"] == "C1" and received["attempt"] == 1
    assert received["partition"] == sent.partition and received["offset"] == sent.offset
    assert "time" in received
