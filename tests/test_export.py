"""Exports of the session's history and traffic log: the shared functions and the REST API."""

from __future__ import annotations

import csv
import json
import urllib.error
import urllib.request
from pathlib import Path

from messaging.audit import export
from messaging.core.events import PROCESSED
from tests.conftest import all_assigned, running_api, wait_for


def processed(runtime, ids: list[str]) -> bool:
    records = [runtime.ledger.get(i) for i in ids]
    return all(r is not None and r.status == PROCESSED for r in records)


def sent_and_processed(runtime, n: int) -> list[str]:
    wait_for(lambda: all_assigned(runtime), 20, "every partition owned")
    ids = [runtime.sender.send({"id": i}, f"k{i % 3}").message_id for i in range(n)]
    wait_for(lambda: processed(runtime, ids), 20, "every message processed")
    return ids


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_history_and_traffic_written_to_files(make_runtime, tmp_path) -> None:
    runtime = make_runtime(consumers=2, consumer_mode="thread", log_format="json")
    ids = sent_and_processed(runtime, 12)

    count = export.write_history(runtime.ledger, tmp_path / "h.jsonl")
    lines = [json.loads(line) for line in (tmp_path / "h.jsonl").read_text().splitlines()]
    assert count == len(lines) == 12
    assert [m["message_id"] for m in lines] == ids  # oldest first
    assert lines == [runtime.ledger.get(i).as_json() for i in ids]
    assert all(m["deliveries"][-1]["status"] == PROCESSED for m in lines)
    assert all(m["deliveries"][-1]["consumer"] for m in lines)
    newest = export.write_history(runtime.ledger, tmp_path / "last.jsonl", limit=5)
    last = [json.loads(line)["message_id"] for line in (tmp_path / "last.jsonl").open()]
    assert newest == 5 and last == ids[-5:]

    rows = export.write_history(runtime.ledger, tmp_path / "h.csv")
    with (tmp_path / "h.csv").open(newline="") as f:
        table = list(csv.DictReader(f))
    assert rows == len(table) >= 12
    assert {r["message_id"] for r in table} == set(ids)
    assert {r["delivery_status"] for r in table} >= {PROCESSED}

    def logged_all() -> bool:
        text = export.traffic_log_file(runtime.settings.log_file).read_text()
        return all(text.count(i) >= 2 for i in ids)  # sent and received

    wait_for(logged_all, 10, "every send and receipt in the traffic log")
    size = export.write_traffic(runtime.settings.log_file, tmp_path / "t.log")
    copied = (tmp_path / "t.log").read_bytes()
    assert size == len(copied) and copied.startswith(b"{")


def test_no_traffic_log_file_is_a_clear_error(tmp_path) -> None:
    for log_file, why in ((None, "not written to a file"), (tmp_path / "nope.log", "does not")):
        try:
            export.write_traffic(str(log_file) if log_file else None, tmp_path / "out")
        except export.NoTrafficLog as exc:
            assert why in str(exc)
        else:
            raise AssertionError("expected NoTrafficLog")


def test_rest_export_endpoints(make_runtime) -> None:
    runtime = make_runtime(consumers=2, consumer_mode="thread")
    ids = sent_and_processed(runtime, 8)
    wait_for(
        lambda: all(i in Path(runtime.settings.log_file).read_text() for i in ids),
        10,
        "the traffic log file",
    )
    with running_api(runtime) as url:
        status, headers, body = get(f"{url}/api/export/messages")
        assert status == 200
        assert headers["Content-Type"] == "application/x-ndjson"
        assert headers["Content-Disposition"] == 'attachment; filename="messages.jsonl"'
        lines = [json.loads(line) for line in body.decode().splitlines()]
        assert [m["message_id"] for m in lines] == ids
        assert lines[0] == runtime.ledger.get(ids[0]).as_json()

        status, _, body = get(f"{url}/api/export/messages?limit=3")
        assert status == 200 and len(body.decode().splitlines()) == 3
        for bad in ("0", "abc", "100001"):
            status, headers, body = get(f"{url}/api/export/messages?limit={bad}")
            assert status == 400 and "limit" in json.loads(body)["error"]

        status, headers, body = get(f"{url}/api/export/traffic")
        assert status == 200 and headers["Content-Type"].startswith("text/plain")
        assert "attachment" in headers["Content-Disposition"]
        assert body == Path(runtime.settings.log_file).read_bytes()[: len(body)]
        assert all(i in body.decode() for i in ids)


def test_rest_traffic_export_is_404_without_a_log_file(make_runtime) -> None:
    runtime = make_runtime(consumers=1, consumer_mode="thread", log_file=None)
    with running_api(runtime) as url:
        status, headers, body = get(f"{url}/api/export/traffic")
        assert status == 404 and headers["Content-Type"] == "application/json"
        assert "not written to a file" in json.loads(body)["error"]
        status, _, body = get(f"{url}/api/export/messages")
        assert status == 200 and body == b""
