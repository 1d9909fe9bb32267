"""CPU per message and CPU when idle, split by process, for the app and the spec's system.

    python -m benchmarks.cpu [--rate 200] [--seconds 10] [--idle 10] [--spec] [--pyspy DIR]
    python -m benchmarks.cpu --batch 20000      # POST /api/messages, 1,000 a request

Also section 9 of ``python -m benchmarks.run`` (:func:`section`).

Starts ``main.py --headless --quiet`` (its own embedded broker, 3 process consumers),
waits until the group is stable, measures the CPU every process uses over ``--idle``
seconds with nothing sent, then sends ``/enviar`` requests at ``--rate`` a second from 8
threads for ``--seconds`` (or a batch) and measures the CPU each process used until every
message was processed. ``--spec`` does the same for the spec's system (its
producer_api.py and three consumer.py, on an embedded broker of their own). CPU seconds
are counted by the kernel per process, so unlike wall time they barely move with the
machine's load. ``--pyspy DIR`` records the app and one consumer during the load and
prints their top frames by own time.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from benchmarks.common import App, Http, SpecSystem, paced, wait_until
from messaging import broker as brokers


def tree(pid: int, broker_pid: int | None = None) -> dict[str, psutil.Process]:
    """name -> process: the root, its consumer children (consumer1..), the broker."""
    root = psutil.Process(pid)
    found = {"app": root}
    n = 0
    for child in root.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            cmd = " ".join(child.cmdline())
            if "consumer" in cmd:
                n += 1
                found[f"consumer{n}"] = child
            elif "tansu" in cmd or "kafka.Kafka" in cmd or " broker " in f" {cmd} ":
                found["broker"] = child
    if broker_pid is not None:
        found["broker"] = psutil.Process(broker_pid)
    return found


def cpu(procs: dict[str, psutil.Process]) -> dict[str, float]:
    out = {}
    for name, proc in procs.items():
        with contextlib.suppress(psutil.Error):
            t = proc.cpu_times()
            out[name] = t.user + t.system
    return out


def delta(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    return {k: b[k] - a[k] for k in a if k in b}


def load(port: int, rate: float, seconds: float, batch: int) -> int:
    """Send the load; returns how many messages were acknowledged."""
    if batch:
        http = Http(port)
        try:
            for start in range(0, batch, 1000):
                items = [
                    {"value": {"id": i}, "key": f"k{i}"}
                    for i in range(start, min(batch, start + 1000))
                ]
                http.request("POST", "/api/messages", {"messages": items})
        finally:
            http.close()
        return batch
    clients: dict[int, Http] = {}
    ok = collections.Counter()

    def one(i: int) -> None:
        import threading

        me = threading.get_ident()
        http = clients.setdefault(me, Http(port))
        status, _ = http.request("POST", "/enviar", {"id": i, "contenido": "Hola desde Kafka"})
        ok[status] += 1

    paced(int(rate * seconds), rate, one)
    for http in clients.values():
        http.close()
    return ok[200]


def pyspy(pid: int, seconds: float, out: Path) -> subprocess.Popen:
    args = ["py-spy", "record", "-p", str(pid), "-d", str(int(seconds)), "-r", "200", "--gil"]
    return subprocess.Popen(
        [*args, "-f", "raw", "-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def top_frames(raw: Path, n: int = 10) -> list[tuple[str, float]]:
    """The ``n`` frames with the most own samples (the innermost frame of each stack)."""
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [f for f in stack.split(";") if f]
        if not frames:
            continue
        c = int(count)
        total += c
        leaf = frames[-1]
        if leaf.startswith(("process_", "thread_")):
            continue
        own[leaf] += c
    return [(frame, round(100 * c / max(total, 1), 1)) for frame, c in own.most_common(n)]


def latency(port: int) -> dict[str, float]:
    """Sent -> processed (the consumer's stamp) of the newest 1,000 messages, p50/p99."""
    http = Http(port)
    try:
        messages = http.get("/api/messages?limit=1000")["messages"]
    finally:
        http.close()
    waits = sorted(
        1000 * (d["at"] - m["sent_at"])
        for m in messages
        if m.get("sent_at")
        for d in m["deliveries"][-1:]
        if d["status"] == "processed"
    )
    if not waits:
        return {}
    return {"p50": round(waits[len(waits) // 2], 1), "p99": round(waits[int(len(waits) * 0.99)], 1)}


def measure(
    system: Any, port: int, procs: dict[str, psutil.Process], args: argparse.Namespace, tag: str
) -> dict[str, Any]:
    time.sleep(2.0)  # the join's aftermath settles before the idle window
    before = cpu(procs)
    time.sleep(args.idle)
    idle = delta(before, cpu(procs))
    base = system.received()
    spies = []
    if args.pyspy and tag == "app":
        Path(args.pyspy).mkdir(parents=True, exist_ok=True)
        for name in ("app", "consumer1"):
            spies.append(
                (name, pyspy(procs[name].pid, args.seconds, Path(args.pyspy) / f"{name}.txt"))
            )
    before = cpu(procs)
    t0 = time.monotonic()
    acked = load(port, args.rate, args.seconds, args.batch)
    if not wait_until(lambda: system.received() - base >= acked, 120, step=0.2):
        print(f"{tag}: only {system.received() - base} of {acked} consumed", file=sys.stderr)
    took = time.monotonic() - t0
    busy = delta(before, cpu(procs))
    report: dict[str, Any] = {
        "acked": acked,
        "seconds": round(took, 2),
        "idle_cpu_pct_total": round(100 * sum(idle.values()) / args.idle, 1),
        "idle_cpu_pct": {k: round(100 * v / args.idle, 1) for k, v in idle.items()},
        "cpu_us_per_msg_total": round(1e6 * sum(busy.values()) / max(acked, 1)),
        "cpu_us_per_msg": {k: round(1e6 * v / max(acked, 1)) for k, v in busy.items()},
    }
    if tag == "app":
        report["latency_ms"] = latency(port)
    for name, spy in spies:
        spy.wait(60)
        report[f"top_frames_{name}"] = top_frames(Path(args.pyspy) / f"{name}.txt")
    return report


def section(quick: bool, broker: str = brokers.TANSU) -> dict[str, Any]:
    """Section 9: the app and the spec's system at the same load, one after the other,
    each with an embedded ``broker`` (tansu or apache) of its own."""
    args = argparse.Namespace(
        rate=200.0, seconds=5.0 if quick else 10.0, batch=0, idle=10.0 if quick else 20.0,
        mode="process", spec=True, pyspy=None, extra="", broker=broker,
    )  # fmt: skip
    return run(args)


def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="cpu-probe-"))
    results: dict[str, Any] = {"rate": args.rate, "seconds": args.seconds, "idle_s": args.idle}
    extra = (args.extra.split() if args.extra else []) + ["--broker", args.broker]
    app = App(work, "app", None, mode=args.mode, extra=extra)
    app.start(180)
    try:
        results["app"] = measure(app, app.port, tree(app.proc.pid), args, "app")
    finally:
        app.stop()
    if args.spec:
        results["spec"] = _spec(work, args)
        ratio = results["app"]["cpu_us_per_msg_total"] / max(
            results["spec"]["cpu_us_per_msg_total"], 1
        )
        results["app_vs_spec_cpu_per_msg"] = round(ratio, 2)
    return results


def _spec(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks.common import create_topic

    with brokers.embedded(args.broker) as broker:
        create_topic(broker.bootstrap_servers, "mi-topico")
        spec = SpecSystem(work, broker.bootstrap_servers, "mi-topico")
        spec.start(90)
        try:
            procs = {"api": psutil.Process(spec.procs[0].pid), "broker": psutil.Process(broker.pid)}
            for i, c in enumerate(spec.procs[1:], 1):
                procs[f"consumer{i}"] = psutil.Process(c.pid)
            return measure(spec, spec.port, procs, args, "spec")
        finally:
            spec.stop()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rate", type=float, default=200.0)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--batch", type=int, default=0)
    p.add_argument("--idle", type=float, default=10.0)
    p.add_argument("--mode", default="process")
    p.add_argument("--spec", action="store_true")
    p.add_argument("--pyspy", help="directory for py-spy records of the app and a consumer")
    p.add_argument("--extra", default="", help="more flags for main.py, space-separated")
    p.add_argument("--broker", choices=brokers.KINDS, default=brokers.TANSU)
    args = p.parse_args(argv)
    results = run(args)
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
