"""Fixtures shared by every test: a real embedded broker per runtime, bounded waits."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from messaging.config import Settings
from messaging.fleet import Fleet
from messaging.runtime import Runtime

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent

# A short session keeps crash tests quick; it is what the app defaults to as well.
SESSION_MS = 6000


def wait_for(predicate: Callable[[], object], timeout: float, what: str) -> float:
    """Poll ``predicate`` until truthy; return the seconds it took, or fail saying ``what``."""
    start = time.monotonic()
    deadline = start + timeout
    while True:
        if predicate():
            return time.monotonic() - start
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {timeout:.1f}s waiting for {what}")
        time.sleep(0.02)


def settings_for(tmp_path, **overrides: object) -> Settings:
    """Settings of an isolated run: embedded broker, log file under ``tmp_path``."""
    base = {
        "log_file": str(tmp_path / "messages.log"),
        "log_to_stderr": False,
        "session_timeout_ms": SESSION_MS,
        "api_port": 0,
    }
    return Settings(**{**base, **overrides})


@contextlib.contextmanager
def running_api(runtime: Runtime) -> Iterator[str]:
    """Serve the REST API for ``runtime`` on a free port; yields its base URL."""
    from api.server import ApiServer

    server = ApiServer(runtime, "127.0.0.1", 0)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(params=["process", "thread"])
def mode(request) -> str:
    """Both homes of the consumer worker: an OS process each (default) or a thread each."""
    return request.param


@pytest.fixture
def make_runtime(tmp_path) -> Iterator[Callable[..., Runtime]]:
    """Start runtimes on fresh embedded brokers; all are stopped at teardown."""
    started: list[Runtime] = []

    def make(**overrides: object) -> Runtime:
        runtime = Runtime(settings_for(tmp_path, **overrides))
        started.append(runtime)
        return runtime.start()

    yield make
    for runtime in started:
        runtime.stop()


def all_assigned(runtime: Runtime, fleet: Fleet | None = None) -> bool:
    """Every partition owned by a live consumer of ``fleet`` (the default group's unless
    told) and no member still joining."""
    fleet = fleet if fleet is not None else runtime.fleet
    return (
        fleet is not None and len(fleet.owners()) == runtime.partitions and not fleet.rebalancing()
    )


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    """Processes a test starts by hand; killed and reaped at teardown."""
    started: list[subprocess.Popen] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


def http(
    url: str,
    method: str = "GET",
    raw: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> tuple[int, dict[str, str], object]:
    """One real HTTP request: (status, headers, JSON body or None), whatever the status."""
    import http.client
    import json
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, target, body=raw, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        got = {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()
    is_json = got.get("content-type", "").startswith("application/json")
    return resp.status, got, json.loads(data) if is_json and data else None
