"""Bodies the JSON parser cannot take, and HTTP conformance, over real HTTP: never a 500."""

from __future__ import annotations

import json

import pytest

from api.validation import MAX_DEPTH
from tests.conftest import (
    http,
    serving_runtime,
    wait_for,
)

JSON = {"Content-Type": "application/json"}
# Every route that parses a body: (method, path).
BODY_ROUTES = [
    ("POST", "/enviar"),
    ("POST", "/api/messages"),
    ("POST", "/api/consumers"),
    ("PATCH", "/api/consumers/1"),
]


def nested(depth: int) -> bytes:
    """An object ``depth`` levels deep: {"a": {"a": ... 1 ...}}."""
    return b'{"a":' * (depth - 1) + b'{"a":1' + b"}" * depth


UNPARSABLE = [
    ("100,000 [", b"[" * 100_000, "nested too deeply"),
    ('100,000 {"a":', b'{"a":' * 100_000, "nested too deeply"),
    ("one level too deep", nested(MAX_DEPTH + 1), "nested too deeply"),
    ("deep array in an object", b'{"a":' + b"[" * 150 + b"]" * 150 + b"}", "nested too deeply"),
    ("NaN", b'{"processing_ms": NaN}', "NaN is not a JSON number"),
    ("Infinity", b'{"x": -Infinity}', "Infinity is not a JSON number"),
    ("number out of range", b'{"failure_rate": 1e400}', "out of range"),
    ("lone surrogate", b'{"x": "\\ud800"}', "surrogate"),
    ("lone surrogate key", b'{"\\udfff": 1}', "surrogate"),
    ("not UTF-8", b'{"x": "\xff\xfe"}', "not UTF-8"),
    ("UTF-16", '{"x": 1}'.encode("utf-16"), "not UTF-8"),
    ("BOM", b'\xef\xbb\xbf{"x": 1}', "invalid JSON"),
    ("huge integer", b'{"x": ' + b"9" * 5000 + b"}", "invalid JSON"),
    ("truncated", b'{"x": [1, 2', "invalid JSON"),
]


@pytest.fixture(scope="module")
def api(tmp_path_factory, shared_broker):
    with serving_runtime(shared_broker, tmp_path_factory.mktemp("faults"), 1) as served:
        yield served


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES, ids=[f"{m} {p}" for m, p in BODY_ROUTES])
@pytest.mark.parametrize(("case", "raw", "says"), UNPARSABLE, ids=[u[0] for u in UNPARSABLE])
def test_unparsable_body_is_a_400_naming_the_problem(api, method, path, case, raw, says):
    runtime, url = api
    sent, consumers = runtime.ledger.totals()["sent"], len(runtime.fleet.snapshots())
    before = runtime.fleet.member(1).snapshot

    status, headers, body = http(url + path, method, raw, JSON)

    assert status == 400, body
    assert headers["content-type"] == "application/json"
    assert says in body["error"], body
    assert runtime.ledger.totals()["sent"] == sent
    assert len(runtime.fleet.snapshots()) == consumers
    assert runtime.fleet.member(1).snapshot.processing_ms == before.processing_ms


def test_deepest_allowed_body_goes_through_and_comes_back(api):
    runtime, url = api
    status, _, body = http(f"{url}/enviar", "POST", nested(MAX_DEPTH), JSON)
    assert status == 200, body
    assert body["data"] == json.loads(nested(MAX_DEPTH))
    wait_for(
        lambda: http(f"{url}/api/messages/{body['message_id']}")[2]["status"] == "processed",
        10,
        "the deep message processed",
    )


def test_valid_surrogate_pair_is_accepted(api):
    _, url = api
    status, _, body = http(f"{url}/enviar", "POST", b'{"emoji": "\\ud83d\\ude00"}', JSON)
    assert status == 200 and body["data"] == {"emoji": "\N{GRINNING FACE}"}


def test_405_keeps_json_body_and_names_the_allowed_methods(api):
    _, url = api
    for method, path, allowed in (
        ("GET", "/enviar", {"POST", "OPTIONS"}),
        ("PUT", "/api/consumers", {"GET", "HEAD", "POST", "OPTIONS"}),
        ("POST", "/api/consumers/1", {"GET", "HEAD", "DELETE", "PATCH", "OPTIONS"}),
        ("GET", "/api/consumers/1/stop", {"POST", "OPTIONS"}),
        ("DELETE", "/api/consumers/1/crash", {"POST", "OPTIONS"}),
        ("DELETE", "/health", {"GET", "HEAD", "OPTIONS"}),
    ):
        status, headers, body = http(url + path, method)
        assert status == 405, (method, path)
        assert headers["content-type"] == "application/json"
        assert "Method Not Allowed" in body["error"]
        assert {m.strip() for m in headers["allow"].split(",")} == allowed, (method, path)


def test_patch_with_empty_object_changes_nothing(api):
    runtime, url = api
    before = runtime.fleet.member(1).snapshot
    status, _, body = http(f"{url}/api/consumers/1", "PATCH", b"{}", JSON)
    assert status == 200, body
    assert body["id"] == 1 and body["name"] == "C1"
    assert body["processing_ms"] == before.processing_ms
    assert body["failure_rate"] == before.failure_rate


def test_patch_with_empty_object_on_unknown_consumer_is_404(api):
    _, url = api
    status, _, body = http(f"{url}/api/consumers/99", "PATCH", b"{}", JSON)
    assert status == 404 and "99" in body["error"]
