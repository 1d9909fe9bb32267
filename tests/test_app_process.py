"""``python main.py --headless`` as a user runs it: start, serve, stop cleanly, leave nothing."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from messaging.broker import free_port
from tests.conftest import START_S, app_command, broker_processes, exited, wait_for

ROOT = Path(__file__).resolve().parent.parent


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())
    except OSError:
        return 0, {}


@pytest.fixture
def app(tmp_path):
    """Start main.py --headless; yields (process, base url); always reaped."""
    port = free_port()
    proc = subprocess.Popen(
        [
            *app_command(),
            "--headless",
            "--quiet",
            "--api-port",
            str(port),
            "--log-file",
            str(tmp_path / "m.log"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        for child in (
            psutil.Process(proc.pid).children(recursive=True) if proc.poll() is None else []
        ):
            child.kill()
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


def ready(url: str) -> bool:
    status, _ = get(f"{url}/health")
    if status != 200:
        return False
    _, body = get(f"{url}/api/consumers")
    owned = {p for c in body.get("consumers", []) for p in c["partitions"]}
    return owned == set(range(6))


def test_headless_serves_then_stops_cleanly_on_sigterm(app):
    proc, url = app
    wait_for(lambda: ready(url), START_S, "/health 200 and all 6 partitions owned")
    [broker] = broker_processes(proc.pid)
    req = urllib.request.Request(
        f"{url}/enviar",
        data=b'{"id": 1, "contenido": "Hola"}',
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert resp.status == 200

    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(15)
    assert time.monotonic() - started < 10
    assert code == 0
    wait_for(lambda: exited(broker), 5, "the embedded broker to be gone")
    assert "Traceback" not in proc.stdout.read()


def consumers_of(pid: int) -> list[psutil.Process]:
    return [
        c
        for c in psutil.Process(pid).children(recursive=True)
        if "messaging.consumer" in " ".join(c.cmdline())
    ]


def test_killed_app_leaves_no_broker_and_no_consumer_process(app):
    proc, url = app
    wait_for(lambda: ready(url), START_S, "/health 200 and all 6 partitions owned")
    [broker] = broker_processes(proc.pid)
    consumers = consumers_of(proc.pid)
    assert len(consumers) == 3, "the default mode runs each consumer as its own process"

    proc.send_signal(signal.SIGKILL)
    proc.wait(5)

    wait_for(lambda: exited(broker), 5, "orphan broker to exit")
    wait_for(
        lambda: all(exited(c) for c in consumers),
        20,
        "the app's consumer processes to exit after it was killed",
    )


def test_unreachable_cluster_is_a_one_line_error(tmp_path):
    port = free_port()
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "main.py",
            "--headless",
            "--bootstrap-servers",
            f"127.0.0.1:{port}",
            "--api-port",
            "0",
            "--log-file",
            str(tmp_path / "m.log"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert time.monotonic() - started < 15
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and f"127.0.0.1:{port}" in errors[0]
    assert "Traceback" not in result.stderr


def test_help_and_readme_document_every_flag():
    out = subprocess.run(
        [sys.executable, "main.py", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=30
    ).stdout
    flags = set(re.findall(r"(--[a-z][a-z-]+)", out)) - {"--help"}
    assert {"--bootstrap-servers", "--topic", "--group", "--consumer-mode", "--headless"} <= flags
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    undocumented = sorted(f for f in flags if f"`{f}`" not in readme)
    assert not undocumented, f"flags missing from the README's table: {undocumented}"


def test_existing_topic_with_fewer_partitions_is_reported(make_runtime):
    first = make_runtime(partitions=2, consumers=0)
    second = make_runtime(
        bootstrap_servers=first.bootstrap_servers,
        topic=first.settings.topic,
        partitions=6,
        consumers=3,
        group="another-group",
    )
    assert second.partitions == 2
    assert any("already exists with 2 partitions" in w.english() for w in second.warnings)
    assert any("will sit idle" in w.english() for w in second.warnings)


def test_env_var_points_at_an_external_cluster(make_runtime, tmp_path):
    cluster = make_runtime(consumers=0)
    port = free_port()
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrap_servers}
    proc = subprocess.Popen(
        [
            sys.executable,
            "main.py",
            "--headless",
            "--quiet",
            "--consumers",
            "1",
            "--api-port",
            str(port),
            "--log-file",
            str(tmp_path / "x.log"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: get(f"{url}/health")[0] == 200, START_S, "/health 200")
        _, health = get(f"{url}/health")
        assert health["broker"] == cluster.bootstrap_servers and health["embedded"] is False
        assert broker_processes(proc.pid) == []
    finally:
        proc.terminate()
        proc.wait(15)


def start_window(tmp_path, **display: str) -> subprocess.CompletedProcess:
    """Run ``main.py`` (window mode) with only the given display variables set."""
    hidden = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    env = {k: v for k, v in os.environ.items() if k not in hidden} | display
    return subprocess.run(
        [sys.executable, "main.py", "--api-port", "0", "--log-file", str(tmp_path / "m.log")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_window_without_a_display_is_a_one_line_hint(tmp_path):
    result = start_window(tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: no display: use --headless, or QT_QPA_PLATFORM=offscreen"
    ]


def test_unreachable_x_display_is_a_hint_not_a_qt_abort(tmp_path):
    result = start_window(tmp_path, DISPLAY=":97")  # no X server there
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: cannot connect to display :97: use --headless, or QT_QPA_PLATFORM=offscreen"
    ]
