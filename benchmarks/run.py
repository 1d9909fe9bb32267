"""Benchmarks of issues 4, 8 and 9: prints a table, writes a JSON report, never fails on a number.

    python -m benchmarks.run                 # full run, ~20 min, writes results/latest.json
    python -m benchmarks.run --quick         # ~12 min, writes results/latest-quick.json
    python -m benchmarks.run --bootstrap-servers localhost:9092   # also an external Kafka
    python -m benchmarks.run --apache --only enviar,failover,click,cpu   # beside Apache Kafka
    python -m benchmarks.run --only enviar,batch --profile

One embedded tansu broker serves the whole run (each section on its own topic with
6 partitions); with ``--bootstrap-servers`` every broker-bound section runs again
against that cluster. Exit code 0 unless the suite itself crashed.
"""

from __future__ import annotations

import argparse
import json
import math
import secrets
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks import cpu, inproc, sections
from benchmarks.common import RESULTS, machine, stop_all
from benchmarks.sections import Ctx, log
from benchmarks.table import markdown, print_table, table

SECTIONS = (
    "enviar", "batch", "e2e", "failover", "burst", "startup", "memory", "chaos", "cpu", "click",
)  # fmt: skip


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="shorter runs (~12 min)")
    p.add_argument(
        "--bootstrap-servers", help="also measure this external Kafka (e.g. localhost:9092)"
    )
    p.add_argument(
        "--apache",
        action="store_true",
        help="also an embedded Apache Kafka (--broker apache), side by side with tansu",
    )
    p.add_argument("--only", help=f"comma-separated subset of {','.join(SECTIONS)}")
    p.add_argument("--profile", action="store_true", help="py-spy the app under /enviar load")
    p.add_argument("--out", help="JSON report path (default results/latest[-quick].json)")
    args = p.parse_args(argv)
    args.sections = args.only.split(",") if args.only else list(SECTIONS)
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        p.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from messaging.broker import ApacheKafka, EmbeddedBroker

    started = time.time()
    run_id = time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)
    report: dict[str, Any] = {
        "run_id": run_id,
        "quick": args.quick,
        "command": "python -m benchmarks.run " + " ".join(argv or sys.argv[1:]),
        "machine": machine(),
        "results": {},
    }
    workdir = Path(tempfile.mkdtemp(prefix="p2p-bench-"))
    report["workdir"] = str(workdir)
    broker, apache = EmbeddedBroker(), ApacheKafka()
    try:
        brokers = [("embedded", broker.start())]
        if args.apache:
            brokers.append(("apache", apache.start()))
        if args.bootstrap_servers:
            brokers.append(("external", args.bootstrap_servers))
        for kind, address in brokers:
            ctx = Ctx(address, kind, workdir, args.quick, run_id, args.profile)
            res = report["results"].setdefault(kind, {})
            steps = [
                ("enviar", lambda c=ctx: sections.enviar(c)),
                ("batch", lambda c=ctx: sections.batch(c)),
                ("e2e", lambda c=ctx: sections.e2e(c)),
                ("failover", lambda c=ctx: sections.failover(c, 6000)),
                ("failover_3s", lambda c=ctx: sections.failover(c, 3000, ("process",))),
                ("startup", lambda c=ctx: sections.startup(c)),
                ("memory", lambda c=ctx: sections.memory(c)),
                ("chaos", lambda c=ctx: inproc.chaos(c)),
            ]
            if kind == "embedded":
                steps.insert(5, ("burst", lambda c=ctx: sections.burst(c)))
            if kind == "apache":  # Kafka's stock floor is 6 s: no 3 s session
                steps = [step for step in steps if step[0] != "failover_3s"]
            if kind in ("embedded", "apache"):
                # Each system on an embedded broker of its own: its CPU is counted too.
                own = "apache" if kind == "apache" else "tansu"
                steps.append(("cpu", lambda c=ctx, b=own: cpu.section(c.quick, b)))
                steps.append(("click", lambda c=ctx, b=own: sections.click(c, b)))
            for name, fn in steps:
                if name.split("_")[0] not in args.sections:
                    continue
                log(f"--- {name} on {kind} broker {address}")
                t0 = time.monotonic()
                try:
                    res[name] = fn()
                except Exception as exc:  # report and go on
                    traceback.print_exc()
                    res[name] = {"error": f"{type(exc).__name__}: {exc}"}
                res[name]["section_seconds"] = round(time.monotonic() - t0, 1)
    finally:
        stop_all()
        broker.stop()
        apache.stop()
    report["duration_s"] = round(time.time() - started, 1)
    report["table"] = table(report["results"])
    report["markdown"] = markdown(report)
    print_table(report)
    print("\n" + report["markdown"])
    out = Path(args.out) if args.out else RESULTS / f"latest{'-quick' if args.quick else ''}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(_sanitize(report), indent=2, default=str, allow_nan=False)
    out.write_text(text + "\n")
    (RESULTS / f"run-{run_id}{'-quick' if args.quick else ''}.json").write_text(text + "\n")
    log(f"report written to {out}")
    return 0


def _sanitize(obj: Any) -> Any:
    """NaN/inf become null: the report stays strict JSON."""
    if isinstance(obj, dict):
        return {str(k): _sanitize(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_sanitize(v) for v in obj]
    return _clean(obj)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


if __name__ == "__main__":
    sys.exit(main())
