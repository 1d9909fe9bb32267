"""``python main.py --headless`` as a user runs it: start, serve, stop cleanly, leave nothing."""

from __future__ import annotations

import re
import signal
import subprocess
import time
import urllib.request

import psutil
import pytest

from messaging.broker import free_port
from tests.conftest import START_S, broker_processes, exited, wait_for
from tests.processes import ROOT, app_command, environment, get_json, run, serving, started_app


@pytest.fixture
def app(tmp_path):
    """Start main.py --headless; yields (process, base url); always reaped."""
    with started_app(tmp_path, "--quiet") as running:
        yield running.proc, running.url


def test_headless_serves_then_stops_cleanly_on_sigterm(app):
    proc, url = app
    wait_for(lambda: serving(url), START_S, "/health 200 and all 6 partitions owned")
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
    wait_for(lambda: serving(url), START_S, "/health 200 and all 6 partitions owned")
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
    flags = ("--headless", "--bootstrap-servers", f"127.0.0.1:{port}", "--api-port", "0")
    result = run(app_command(*flags, "--log-file", str(tmp_path / "m.log"), lane=False))
    assert result.returncode == 1
    assert time.monotonic() - started < 15
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and f"127.0.0.1:{port}" in errors[0]
    assert "Traceback" not in result.stderr


def test_help_and_readme_document_every_flag():
    out = run(app_command("--help", lane=False)).stdout
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
    env = environment(KAFKA_BOOTSTRAP_SERVERS=cluster.bootstrap_servers)
    flags = ("--quiet", "--consumers", "1")
    with started_app(tmp_path, *flags, output=subprocess.DEVNULL, env=env, lane=False) as app:
        wait_for(lambda: get_json(f"{app.url}/health")[0] == 200, START_S, "/health 200")
        _, health = get_json(f"{app.url}/health")
        assert health["broker"] == cluster.bootstrap_servers and health["embedded"] is False
        assert broker_processes(app.proc.pid) == []


def start_window(tmp_path, **display: str) -> subprocess.CompletedProcess:
    """Run ``main.py`` (window mode) with only the given display variables set."""
    hidden = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    flags = ("--api-port", "0", "--log-file", str(tmp_path / "m.log"))
    return run(app_command(*flags, lane=False), env=environment(hidden, **display))


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
