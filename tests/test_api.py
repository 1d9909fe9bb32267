"""The REST API over real HTTP against a real broker: the contract and every bad input."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.brokers import lane_profile
from tests.conftest import all_assigned, running_api, serving_runtime, wait_for

JSON = "application/json"


@pytest.fixture(scope="module")
def api(tmp_path_factory, shared_broker):
    """One runtime + API for the tests that leave the fleet as they found it."""
    with serving_runtime(shared_broker, tmp_path_factory.mktemp("api"), 2) as served:
        yield served


@pytest.fixture
def own_api(make_runtime, request):
    """A runtime of its own, for tests that stop consumers or (marked ``own_broker``) the
    broker."""
    runtime = make_runtime(
        own_broker=request.node.get_closest_marker("own_broker") is not None, consumers=2
    )
    with running_api(runtime) as url:
        wait_for(lambda: all_assigned(runtime), 20, "assignment")
        yield runtime, url


def call(
    url: str,
    method: str = "GET",
    body: Any = None,
    raw: bytes | None = None,
    content_type: str | None = JSON,
) -> tuple[int, Any]:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, method=method)
    if content_type and data is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_enviar_answers_like_the_spec_once_the_broker_acked(api):
    runtime, url = api
    status, body = call(f"{url}/enviar", "POST", {"id": 1, "contenido": "Hola desde Kafka"})

    assert status == 200
    assert body["mensaje"] == "Mensaje enviado"
    assert body["data"] == {"id": 1, "contenido": "Hola desde Kafka"}
    assert body["topic"] == runtime.settings.topic
    assert 0 <= body["partition"] < 6 and body["offset"] >= 0
    wait_for(
        lambda: call(f"{url}/api/messages/{body['message_id']}")[1]["status"] == "processed",
        10,
        "the message processed",
    )
    _, msg = call(f"{url}/api/messages/{body['message_id']}")
    assert msg["partition"] == body["partition"] and msg["offset"] == body["offset"]
    assert len(msg["deliveries"]) == 1
    assert msg["deliveries"][0]["consumer"] in {"C1", "C2"}
    assert msg["deliveries"][0]["redelivered"] is False


def test_key_sends_equal_keys_to_one_partition(api):
    _, url = api
    parts = {
        call(f"{url}/enviar?key=cliente-42", "POST", {"id": i})[1]["partition"] for i in range(5)
    }
    assert len(parts) == 1


def test_batch_then_list_and_stats(api):
    _, url = api
    _, before = call(f"{url}/api/stats")
    items = [{"value": {"id": i}, "key": f"k{i}"} for i in range(20)]
    status, body = call(f"{url}/api/messages", "POST", {"messages": items})
    assert status == 200 and body["count"] == 20
    ids = [m["message_id"] for m in body["messages"]]
    assert len(set(ids)) == 20 and all("partition" in m and "offset" in m for m in body["messages"])

    wait_for(
        lambda: (st := call(f"{url}/api/stats")[1])["processed"] == st["sent"],
        10,
        "everything sent so far processed",
    )
    _, stats = call(f"{url}/api/stats")
    assert stats["sent"] == before["sent"] + 20
    assert stats["duplicates"] == 0 and stats["dead_lettered"] == 0
    assert set(stats["lag"]) == {str(p) for p in range(6)}
    assert sum(c["processed"] for c in stats["consumers"].values()) == stats["processed"]
    _, listing = call(f"{url}/api/messages?limit=5")
    assert [m["message_id"] for m in listing["messages"]] == ids[::-1][:5]


def stop_and_wait(url: str, consumer_id: int) -> dict:
    """POST stop: 200 once it left, or 202 "stopping" with a Location, polled until it
    says stopped (on tansu a stop right after an add waits for that rebalance)."""
    status, body = call(f"{url}/api/consumers/{consumer_id}/stop", "POST")
    assert (status, body["state"]) in ((200, "stopped"), (202, "stopping")), (status, body)
    if status == 202:
        wait_for(
            lambda: call(f"{url}/api/consumers/{consumer_id}")[1]["state"] == "stopped", 20, "stop"
        )
    return call(f"{url}/api/consumers/{consumer_id}")[1]


def test_consumers_add_patch_stop_crash(own_api):
    runtime, url = own_api
    status, added = call(f"{url}/api/consumers", "POST")
    assert status == 201 and added["name"] == "C3" and added["state"] == "starting"
    status, one = call(f"{url}/api/consumers/3")
    assert status == 200 and one["name"] == "C3" and one["kind"] == "process"

    status, patched = call(
        f"{url}/api/consumers/3", "PATCH", {"processing_ms": 50, "failure_rate": 0.5}
    )
    assert status == 200 and patched["processing_ms"] == 50 and patched["failure_rate"] == 0.5

    assert stop_and_wait(url, 2)["state"] == "stopped"
    status, crashed = call(f"{url}/api/consumers/1/crash", "POST")
    assert status == 200 and crashed["state"] == "crashed"

    _, listing = call(f"{url}/api/consumers")
    states = {c["name"]: c["state"] for c in listing["consumers"]}
    assert states["C1"] == "crashed" and states["C2"] == "stopped"
    assert states["C3"] in {"starting", "active", "idle"}
    assert call(f"{url}/api/consumers/1")[1]["state"] == "crashed"


def test_a_stop_that_cannot_finish_at_once_is_accepted_with_a_location_to_poll(own_api):
    """A consumer busy with a long message finishes it before it leaves: the stop
    answers 202 "stopping" at once rather than hold the request, and says where to look."""
    from tests.conftest import http

    runtime, url = own_api
    for consumer_id in (1, 2):
        assert (
            call(f"{url}/api/consumers/{consumer_id}", "PATCH", {"processing_ms": 8000})[0] == 200
        )
    runtime.sender.send_many([({"id": i}, f"k{i}") for i in range(12)])

    def busy() -> int | None:
        return next(
            (c["id"] for c in call(f"{url}/api/consumers")[1]["consumers"] if c["in_flight"]), None
        )

    wait_for(busy, 20, "a consumer busy with a message")
    consumer_id = busy()
    status, headers, body = http(f"{url}/api/consumers/{consumer_id}/stop", "POST")

    assert status == 202 and body["state"] == "stopping", body
    assert headers["location"] == f"/api/consumers/{consumer_id}"
    wait_for(lambda: call(f"{url}{headers['location']}")[1]["state"] == "stopped", 20, "stopped")


def timed(url: str, method: str = "GET", body: Any = None) -> tuple[int, Any, float]:
    """``call``, and how long the answer took in seconds."""
    started = time.monotonic()
    status, answer = call(url, method, body)
    return status, answer, time.monotonic() - started


def test_a_dead_consumer_refuses_at_once_and_delete_forgets_it(own_api):
    runtime, url = own_api
    status, body = call(f"{url}/api/consumers/1", "DELETE")
    assert status == 409 and body["error"].startswith("C1 is ")
    assert "stop or crash it first" in body["error"]
    assert call(f"{url}/api/consumers/1")[1]["state"] in {"active", "idle"}

    assert stop_and_wait(url, 2)["state"] == "stopped"
    assert call(f"{url}/api/consumers/1/crash", "POST")[0] == 200
    # A dead process consumer never confirms a change: the app says so at once,
    # instead of a 503 after waiting 3 s for it.
    for consumer_id, state in ((1, "crashed"), (2, "stopped")):
        for method, path, body in (
            ("PATCH", "", {"processing_ms": 10}),
            ("POST", "/stop", None),
            ("POST", "/crash", None),
        ):
            status, answer, took = timed(f"{url}/api/consumers/{consumer_id}{path}", method, body)
            assert status == 409, (method, path, answer)
            assert answer["error"] == (
                f"C{consumer_id} is {state}: start a new consumer with POST /api/consumers"
            )
            assert took < 1.0, (method, path, took)  # it took 3 s before

    status, removed = call(f"{url}/api/consumers/1", "DELETE")
    assert status == 200 and removed["name"] == "C1" and removed["state"] == "crashed"
    assert call(f"{url}/api/consumers/2", "DELETE")[0] == 200
    for method, path, body in (
        ("GET", "", None),
        ("PATCH", "", {"processing_ms": 10}),
        ("DELETE", "", None),
        ("POST", "/stop", None),
        ("POST", "/crash", None),
    ):
        for consumer_id in (1, 2):
            status, answer = call(f"{url}/api/consumers/{consumer_id}{path}", method, body)
            assert status == 404 and answer["error"] == f"no consumer with id {consumer_id}"
    _, listing = call(f"{url}/api/consumers")
    assert not {1, 2} & {c["id"] for c in listing["consumers"]}
    assert not {1, 2} & {s.id for s in runtime.snapshots()}


@pytest.mark.tansu_only(
    "a joining member's stop waits for the rebalance only on tansu; on Kafka it leaves at once, "
    "so 'stopping' is over before a request can meet it"
)
def test_a_consumer_asked_to_stop_is_on_its_way_out_at_once(make_runtime):
    runtime = make_runtime(consumers=1, consumer_mode="thread")
    with running_api(runtime) as url:
        wait_for(lambda: all_assigned(runtime), 20, "assignment")
        consumer_id = runtime.fleet.add().id
        # It is joining, so its stop waits for the rebalance to end (the window's Stop:
        # no wait); meanwhile it is already on its way out.
        runtime.fleet.stop(consumer_id, wait=None)
        # Every view says so, though the member itself still reports "active".
        assert runtime.fleet.member(consumer_id).snapshot.state != "stopping"
        assert call(f"{url}/api/consumers/{consumer_id}")[1]["state"] == "stopping"
        listed = {c["id"]: c["state"] for c in call(f"{url}/api/consumers")[1]["consumers"]}
        assert (
            listed[consumer_id] == "stopping"
            and runtime.fleet.view().member(consumer_id).state == "stopping"
        )
        for method, path, body in (("POST", "/crash", None), ("PATCH", "", {"failure_rate": 1})):
            status, answer, took = timed(f"{url}/api/consumers/{consumer_id}{path}", method, body)
            assert status == 409 and answer["error"].startswith(f"C{consumer_id} is stopping: "), (
                answer
            )
            assert took < 1.0
        status, answer = call(f"{url}/api/consumers/{consumer_id}", "DELETE")
        assert (
            status == 409
            and answer["error"] == f"C{consumer_id} is stopping: delete it once it has stopped"
        )
        wait_for(
            lambda: call(f"{url}/api/consumers/{consumer_id}")[1]["state"] == "stopped",
            20,
            "stopped",
        )
        assert call(f"{url}/api/consumers/{consumer_id}", "DELETE")[0] == 200


def test_health_and_openapi(api):
    runtime, url = api
    status, health = call(f"{url}/health")
    assert status == 200 and health["broker"] == runtime.bootstrap_servers
    assert health["group_state"] in {"Stable", "Rebalancing"}
    # The shared broker is reached by address: its profile detected, not assumed.
    name, how = lane_profile()
    assert (health["profile"]["name"], health["profile"]["detected_by"]) == (name, how)
    assert health["broker_kind"] == "external" and health["broker_version"] is None
    _, doc = call(f"{url}/openapi.json")
    new_group = doc["paths"]["/api/groups"]["post"]["requestBody"]["content"]
    assignor = new_group["application/json"]["schema"]["properties"]["assignor"]
    # What the broker offers: tansu has no cooperative-sticky.
    assert assignor["enum"] == list(runtime.profile.assignors)
    assert ("cooperative-sticky" in assignor["enum"]) == (name == "kafka")
    for path in (
        "/enviar",
        "/api/messages",
        "/api/messages/{message_id}",
        "/api/consumers",
        "/api/consumers/{id}",
        "/api/consumers/{id}/stop",
        "/api/consumers/{id}/crash",
        "/api/stats",
        "/health",
    ):
        assert path in doc["paths"]


BAD_INPUTS = [
    ("invalid JSON", "POST", "/enviar", b'{"id": 1,', JSON, 400, "invalid JSON"),
    ("empty body", "POST", "/enviar", b"", JSON, 400, "empty body"),
    ("wrong content type", "POST", "/enviar", b'{"id": 1}', "text/plain", 415, "Content-Type"),
    ("array body", "POST", "/enviar", b"[1, 2]", JSON, 400, "JSON object"),
    ("string body", "POST", "/enviar", b'"hola"', JSON, 400, "JSON object"),
    (
        "too large",
        "POST",
        "/enviar",
        b'{"x": "' + b"a" * (1024 * 1024 + 10) + b'"}',
        JSON,
        413,
        "too large",
    ),
    ("batch without messages", "POST", "/api/messages", b'{"value": 1}', JSON, 400, "messages"),
    (
        "batch item without value",
        "POST",
        "/api/messages",
        b'{"messages": [{"key": "a"}]}',
        JSON,
        400,
        "value",
    ),
    (
        "batch key not a string",
        "POST",
        "/api/messages",
        b'{"messages": [{"value": 1, "key": 5}]}',
        JSON,
        400,
        "key must be a string",
    ),
    ("unknown message", "GET", "/api/messages/nope", None, None, 404, "no message"),
    ("bad limit", "GET", "/api/messages?limit=abc", None, None, 400, "limit"),
    (
        "batch over maxItems",
        "POST",
        "/api/messages",
        json.dumps({"messages": [{"value": i} for i in range(10_001)]}).encode(),
        JSON,
        400,
        "at most 10,000 messages per batch (got 10,001)",
    ),
    ("unknown consumer", "GET", "/api/consumers/99", None, None, 404, "no consumer with id 99"),
    ("stop unknown consumer", "POST", "/api/consumers/99/stop", None, None, 404, "99"),
    ("crash unknown consumer", "POST", "/api/consumers/99/crash", None, None, 404, "99"),
    ("delete unknown consumer", "DELETE", "/api/consumers/99", None, None, 404, "99"),
    (
        "bad processing_ms",
        "PATCH",
        "/api/consumers/1",
        b'{"processing_ms": -5}',
        JSON,
        400,
        "processing_ms",
    ),
    (
        "bad failure_rate",
        "PATCH",
        "/api/consumers/1",
        b'{"failure_rate": "x"}',
        JSON,
        400,
        "failure_rate",
    ),
    ("unknown field", "PATCH", "/api/consumers/1", b'{"speed": 1}', JSON, 400, "speed"),
    ("wrong method", "GET", "/enviar", None, None, 405, "Method Not Allowed"),
    ("unknown route", "GET", "/nothing-here", None, None, 404, "Not Found"),
]


@pytest.mark.parametrize(
    ("case", "method", "path", "raw", "ctype", "status", "says"),
    BAD_INPUTS,
    ids=[b[0] for b in BAD_INPUTS],
)
def test_bad_input_gets_a_clear_4xx(api, case, method, path, raw, ctype, status, says):
    runtime, url = api
    before = runtime.ledger.totals()["sent"]
    got, body = call(url + path, method, raw=raw, content_type=ctype)
    assert got == status, body
    assert says in body["error"]
    assert runtime.ledger.totals()["sent"] == before


@pytest.mark.own_broker
def test_broker_down_gives_503_within_5s_and_no_2xx(own_api):
    runtime, url = own_api
    runtime.broker.stop()

    started = time.monotonic()
    status, body = call(f"{url}/enviar", "POST", {"id": 1})
    took = time.monotonic() - started

    assert status == 503 and "broker unavailable" in body["error"]
    assert took < 5.0
    assert call(f"{url}/health")[0] == 503
