"""Benchmark suite of issue 4: prints a table, writes a JSON report, never fails on a number.

    python -m benchmarks.run                 # full run, ~10 min, writes results/latest.json
    python -m benchmarks.run --quick         # ~3 min, writes results/latest-quick.json
    python -m benchmarks.run --bootstrap-servers localhost:9092   # also an external Kafka
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

from benchmarks import sections
from benchmarks.common import RESULTS, machine, stop_all
from benchmarks.sections import Ctx, log

SECTIONS = ("enviar", "batch", "e2e", "failover", "burst", "startup")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="shorter runs (~3 min)")
    p.add_argument(
        "--bootstrap-servers", help="also measure this external Kafka (e.g. localhost:9092)"
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
    from messaging.broker import EmbeddedBroker

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
    broker = EmbeddedBroker()
    try:
        brokers = [("embedded", broker.start())]
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
                ("failover_3s", lambda c=ctx: sections.failover(c, 3000)),
                ("startup", lambda c=ctx: sections.startup(c)),
            ]
            if kind == "embedded":
                steps.insert(5, ("burst", lambda c=ctx: sections.burst(c)))
            for name, fn in steps:
                if name.split("_")[0] not in args.sections:
                    continue
                log(f"--- {name} on {kind} broker {address}")
                t0 = time.monotonic()
                try:
                    res[name] = fn()
                except Exception as exc:  # noqa: BLE001 - report and go on
                    traceback.print_exc()
                    res[name] = {"error": f"{type(exc).__name__}: {exc}"}
                res[name]["section_seconds"] = round(time.monotonic() - t0, 1)
    finally:
        stop_all()
        broker.stop()
    report["duration_s"] = round(time.time() - started, 1)
    report["table"] = table(report["results"])
    print_table(report)
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


# ----- the table ------------------------------------------------------------------------
def _row(section, metric, value, unit, target=None, hit=None, note="") -> dict[str, Any]:
    return {
        "section": section,
        "metric": metric,
        "value": _clean(value),
        "unit": unit,
        "target": target,
        "hit": hit,
        "note": note,
    }


def _ok(x: Any) -> bool:
    return isinstance(x, (int, float)) and math.isfinite(x)


def table(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for kind, res in results.items():
        tag = "" if kind == "embedded" else " (external)"
        e = res.get("enviar")
        if e and "app" in e:
            app, spec, ratio = e["app"], e["spec"], e["ratio"]
            rows.append(
                _row(
                    f"1 /enviar{tag}",
                    "app req/s",
                    app["rps"],
                    "req/s",
                    "≥ 2.0× spec",
                    _ok(ratio) and ratio >= 2.0,
                    f"ratio {ratio:.2f}×" if _ok(ratio) else "",
                )
            )
            rows.append(_row(f"1 /enviar{tag}", "spec req/s", spec["rps"], "req/s"))
            for pct in ("p50", "p99"):
                a, s = app[f"{pct}_ms"], spec[f"{pct}_ms"]
                rows.append(
                    _row(
                        f"1 /enviar{tag}",
                        f"{pct} app / spec",
                        a,
                        "ms",
                        "p99 ≤ spec" if pct == "p99" else None,
                        (a <= s) if pct == "p99" else None,
                        f"spec {s:.1f} ms",
                    )
                )
            acked = app["every_2xx_acked"] and spec["every_2xx_acked"]
            rows.append(
                _row(
                    f"1 /enviar{tag}",
                    "every 200 acked",
                    acked,
                    "",
                    "yes",
                    acked,
                    f"non-2xx app {app['non_2xx']}, spec {spec['non_2xx']}",
                )
            )
        elif e:
            rows.append(_row(f"1 /enviar{tag}", "error", None, "", note=e.get("error", "")))
        b = res.get("batch")
        if b and "app_msgs_s" in b:
            r = b["ratio"]
            hit = b["app_msgs_s"] >= 10_000 and _ok(r) and r >= 0.7
            rows.append(
                _row(
                    f"2 batch{tag}",
                    "app msgs/s",
                    b["app_msgs_s"],
                    "msgs/s",
                    "≥ 10,000 and ≥ 70% raw",
                    hit,
                    f"{100 * r:.0f}% of raw" if _ok(r) else "",
                )
            )
            rows.append(_row(f"2 batch{tag}", "raw kafka-python msgs/s", b["raw_msgs_s"], "msgs/s"))
        elif b:
            rows.append(_row(f"2 batch{tag}", "error", None, "", note=b.get("error", "")))
        x = res.get("e2e")
        if x and "p50_ms" in x:
            rows.append(
                _row(
                    f"3 e2e{tag}",
                    "p50",
                    x["p50_ms"],
                    "ms",
                    "≤ 15",
                    _ok(x["p50_ms"]) and x["p50_ms"] <= 15,
                    f"{x['processed_seen']}/{x['measured']} msgs at {x['rate_achieved']:.0f}/s",
                )
            )
            rows.append(
                _row(
                    f"3 e2e{tag}",
                    "p99",
                    x["p99_ms"],
                    "ms",
                    "≤ 100",
                    _ok(x["p99_ms"]) and x["p99_ms"] <= 100,
                    f"ack p50 {x['ack_p50_ms']:.1f} / p99 {x['ack_p99_ms']:.1f} ms",
                )
            )
        elif x:
            rows.append(_row(f"3 e2e{tag}", "error", None, "", note=x.get("error", "")))
        for name, limits in (("failover", (4.5, 11.0)), ("failover_3s", (None, None))):
            f = res.get(name)
            if not f:
                continue
            if "stop_s" not in f:
                rows.append(_row(f"4 {name}{tag}", "error", None, "", note=f.get("error", "")))
                continue
            label = f"4 failover {f['session_ms'] // 1000} s session{tag}"
            for mode, limit in zip(("stop", "crash"), limits, strict=True):
                v = f[f"{mode}_s"]
                runs = ", ".join("—" if r is None else f"{r:.2f}" for r in f[f"{mode}_runs"])
                use_target = limit is not None and kind == "embedded"
                rows.append(
                    _row(
                        label,
                        f"{mode} → consuming again",
                        v,
                        "s",
                        f"≤ {limit}" if use_target else None,
                        (_ok(v) and v <= limit) if use_target else None,
                        f"runs {runs}",
                    )
                )
        w = res.get("burst")
        if w:
            if w.get("status") == "ok":
                stall = w.get("p99_stall_ms")
                rss = w.get("rss_growth_mb")
                if rss is None and _ok(w.get("rss_after_mb")) and _ok(w.get("rss_before_mb")):
                    rss = w["rss_after_mb"] - w["rss_before_mb"]
                rows.append(
                    _row(
                        "5 window burst",
                        "p99 stall",
                        stall,
                        "ms",
                        "< 100",
                        _ok(stall) and stall < 100,
                        f"{w.get('messages', w.get('count_asked'))} msgs, "
                        f"longest {w.get('longest_stall_ms')} ms, "
                        f"{w.get('msgs_per_s', w.get('messages_per_s'))} msgs/s",
                    )
                )
                rows.append(
                    _row(
                        "5 window burst",
                        "RSS growth",
                        rss,
                        "MB",
                        "< 150",
                        _ok(rss) and rss < 150,
                        f"{w.get('rss_before_mb')} → {w.get('rss_after_mb')} MB",
                    )
                )
            else:
                rows.append(
                    _row("5 window burst", w.get("status", "error"), None, "", note=w.get("reason"))
                )
        s = res.get("startup")
        if s and "ready_s" in s:
            rows.append(
                _row(
                    f"6 start to ready{tag}",
                    "median",
                    s["ready_s"],
                    "s",
                    "≤ 8",
                    s["ready_s"] <= 8,
                    "runs " + ", ".join(f"{r:.2f}" for r in s["runs"]),
                )
            )
        elif s:
            rows.append(_row(f"6 start{tag}", "error", None, "", note=s.get("error", "")))
    return rows


def _fmt(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}"
    return "—" if v is None else str(v)


def print_table(report: dict[str, Any]) -> None:
    m = report["machine"]
    print(f"\nMachine: {m['nproc']} CPU ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}")
    quick = " (quick)" if report["quick"] else ""
    print(f"Run {report['run_id']}{quick}: {report['duration_s']} s")
    header = ("section", "metric", "value", "target", "hit", "note")
    rows = [
        (
            r["section"],
            r["metric"],
            f"{_fmt(r['value'])} {r['unit']}".strip(),
            r["target"] or "",
            "" if r["hit"] is None else ("HIT" if r["hit"] else "MISS"),
            r["note"] or "",
        )
        for r in report["table"]
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    for line in (header, *rows):
        print("  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)).rstrip())


if __name__ == "__main__":
    sys.exit(main())
