"""The API's lock over real HTTP: bearer token, Host check on loopback, no CORS."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import pytest

from api.security import exposure_warning, is_loopback, local_host_header
from api.server import ApiServer
from messaging.runtime import Runtime
from tests.conftest import http, shared_settings

TOKEN = "s3cret-Token_for.tests~"
JSON = {"Content-Type": "application/json"}
BEARER = {"Authorization": f"Bearer {TOKEN}"}


# Load observations, not the API's doing: the consumers' own Kafka clients may warn at any
# time on a busy machine (a slow heartbeat), and waitress's queue says "Task queue depth is
# 1" when a request arrives before a request thread is free (seen on a loaded CI runner).
_LOAD_LOGGERS = ("waitress.queue",)


def api_warnings(caplog) -> list[logging.LogRecord]:
    """What the API server and waitress warned about, load observations left out."""
    return [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING
        and r.name.split(".")[0] in ("api", "waitress")
        and r.name not in _LOAD_LOGGERS
    ]


def live(runtime: Runtime) -> list[tuple[int, str]]:
    """Which consumers exist and whether they were stopped or crashed."""
    return [(s.id, s.state in ("stopped", "crashed")) for s in runtime.fleet.snapshots()]


@contextlib.contextmanager
def serving(runtime: Runtime, host: str = "127.0.0.1", token: str | None = None) -> Iterator[str]:
    server = ApiServer(runtime, host, 0, token=token)
    try:
        server.start()
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def runtime(tmp_path_factory, shared_broker) -> Iterator[Runtime]:
    rt = Runtime(
        shared_settings(shared_broker.address, tmp_path_factory.mktemp("sec"), consumers=1)
    ).start()
    try:
        yield rt
    finally:
        rt.stop()


@pytest.fixture(scope="module")
def locked(runtime) -> Iterator[str]:
    with serving(runtime, token=TOKEN) as url:
        yield url


@pytest.mark.parametrize("path", ["/health", "/openapi.json"])
def test_health_and_openapi_need_no_token(locked, path):
    status, _, body = http(locked + path)
    assert status in (200, 503) and body
    assert http(locked + path, "HEAD")[0] in (200, 503)


@pytest.mark.parametrize(
    ("method", "path", "raw"),
    [
        ("GET", "/api/stats", None),
        ("GET", "/api/consumers", None),
        ("GET", "/api/messages", None),
        ("POST", "/enviar", b'{"id": 1}'),
        ("POST", "/api/messages", b'{"messages": [{"value": 1}]}'),
        ("POST", "/api/consumers", None),
        ("PATCH", "/api/consumers/1", b'{"processing_ms": 5}'),
        ("POST", "/api/consumers/1/crash", None),
        ("DELETE", "/api/consumers/1", None),
        ("GET", "/no-such-route", None),
        ("OPTIONS", "/enviar", None),
    ],
)
@pytest.mark.parametrize(
    ("authorization", "invalid"),
    [(None, False), ("Bearer wrong", True), (f"Basic {TOKEN}", False), ("Bearer", False)],
    ids=["no header", "wrong token", "basic scheme", "empty bearer"],
)
def test_without_the_right_token_it_is_401_and_nothing_happens(
    runtime, locked, method, path, raw, authorization, invalid
):
    sent, consumers = runtime.ledger.totals()["sent"], live(runtime)
    headers = {**JSON, **({"Authorization": authorization} if authorization else {})}

    status, got, body = http(locked + path, method, raw, headers)

    assert status == 401, body
    assert got["content-type"] == "application/json"
    assert ("wrong API token" if invalid else "missing API token") in body["error"]
    assert got["www-authenticate"].startswith("Bearer realm=")
    assert ('error="invalid_token"' in got["www-authenticate"]) is invalid
    assert runtime.ledger.totals()["sent"] == sent
    assert live(runtime) == consumers


def test_wrong_method_on_a_public_path_is_405_for_everyone(locked):
    for headers in ({}, BEARER):
        status, got, body = http(f"{locked}/health", "POST", None, headers)
        assert status == 405 and "GET" in got["allow"] and "Method Not Allowed" in body["error"]


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_the_right_token_opens_everything(runtime, locked, scheme):
    headers = {**JSON, "Authorization": f"{scheme} {TOKEN}"}
    assert http(f"{locked}/api/stats", headers=headers)[0] == 200
    status, _, body = http(f"{locked}/enviar", "POST", b'{"id": 7}', headers)
    assert status == 200 and body["data"] == {"id": 7}


def test_a_token_sharing_the_prefix_is_still_wrong(locked):
    for token in (TOKEN[:-1], TOKEN + "x", TOKEN.upper()):
        status, _, _ = http(f"{locked}/api/stats", headers={"Authorization": f"Bearer {token}"})
        assert status == 401, token


def test_without_a_token_configured_authorization_is_ignored(runtime):
    with serving(runtime) as url:
        for header in (f"Bearer {TOKEN}", "Bearer anything", "Basic abc", "garbage"):
            assert http(f"{url}/api/stats", headers={"Authorization": header})[0] == 200


def test_openapi_documents_the_bearer_scheme(runtime, locked):
    _, _, doc = http(f"{locked}/openapi.json")
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": doc["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert doc["security"] == [{"bearerAuth": []}]
    assert doc["paths"]["/health"]["get"]["security"] == []
    assert doc["paths"]["/openapi.json"]["get"]["security"] == []
    assert "401" in doc["paths"]["/enviar"]["post"]["responses"]
    assert "401" not in doc["paths"]["/health"]["get"]["responses"]
    with serving(runtime) as open_url:
        _, _, open_doc = http(f"{open_url}/openapi.json")
    assert "security" not in open_doc
    assert "bearerAuth" in open_doc["components"]["securitySchemes"]


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "LOCALHOST:5000",
        "127.0.0.1",
        "127.0.0.1:80",
        "127.1.2.3:5000",
        "[::1]",
        "[::1]:5000",
    ],
)
def test_local_host_headers_are_served(locked, host):
    assert http(f"{locked}/health", headers={"Host": host})[0] in (200, 503)


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:5000",
        "localhost.evil.example",
        "127.0.0.1.nip.io",
        "192.168.1.10:5000",
        "[::2]:5000",
        "[::1].evil",
        "localhost:http",
        "128.0.0.1",
    ],
)
def test_foreign_host_header_on_loopback_is_403_before_the_token(locked, host):
    for path, headers in (("/health", {}), ("/api/stats", BEARER)):
        status, got, body = http(locked + path, headers={"Host": host, **headers})
        assert status == 403, (host, path)
        assert got["content-type"] == "application/json"
        assert host in body["error"] and "DNS rebinding" in body["error"]


def test_beyond_loopback_warns_without_token_and_skips_the_host_check(runtime, caplog):
    caplog.set_level(logging.WARNING, logger="api.server")
    with serving(runtime, host="0.0.0.0") as url:
        assert http(f"{url}/api/stats", headers={"Host": "demo-laptop.lan:5000"})[0] == 200
    warnings = [r.getMessage() for r in api_warnings(caplog)]
    assert len(warnings) == 1 and "without a token" in warnings[0] and "0.0.0.0" in warnings[0]

    caplog.clear()
    with serving(runtime, host="0.0.0.0", token=TOKEN) as url:
        assert http(f"{url}/api/stats", headers={"Host": "demo-laptop.lan", **BEARER})[0] == 200
    assert not api_warnings(caplog)


def test_loopback_bind_without_token_does_not_warn(runtime, caplog):
    caplog.set_level(logging.WARNING, logger="api.server")
    with serving(runtime) as url:
        assert http(f"{url}/health")[0] in (200, 503)
    assert not api_warnings(caplog)


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("GET", "/health", {}),
        ("GET", "/api/stats", BEARER),
        ("POST", "/enviar", {**BEARER, **JSON}),
        ("OPTIONS", "/enviar", {"Access-Control-Request-Method": "POST"}),
        ("OPTIONS", "/api/stats", {**BEARER, "Access-Control-Request-Method": "GET"}),
    ],
)
def test_no_cors_headers_even_for_a_cross_origin_request(locked, method, path, headers):
    raw = b'{"id": 1}' if method == "POST" else None
    _, got, _ = http(locked + path, method, raw, {"Origin": "http://evil.example", **headers})
    assert not [h for h in got if h.startswith("access-control-")], got


def test_rules_for_loopback_and_host_headers():
    for host in ("127.0.0.1", "127.9.9.9", "::1", "[::1]", "localhost", "LocalHost"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "::", "", "192.168.1.2", "example.com", "localhost.example"):
        assert not is_loopback(host), host
    assert local_host_header(" localhost:5000 ")
    assert not local_host_header("localhost:")
    assert not local_host_header("[::1]:")
    assert not local_host_header("")
    assert exposure_warning("127.0.0.1", None) is None
    assert exposure_warning("0.0.0.0", "t") is None
    assert "all interfaces" in (exposure_warning("", None) or "")


@pytest.mark.parametrize("token", [TOKEN, None])
def test_the_windows_copied_curl_command_is_answered(runtime, locked, token):
    """The status bar's "copy curl" pasted into a shell: with a token set, it carries it."""
    import shutil
    import subprocess

    from gui.status_bar import curl_command

    if shutil.which("curl") is None:
        pytest.skip("curl is not installed (apt-get install curl)")
    command = curl_command(locked, token) + " -s -o /dev/null -w '%{http_code}'"
    done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=30)
    assert done.stdout == ("200" if token else "401"), (command, done.stdout, done.stderr)
