"""The report's table: one row per figure, the app (process consumers) next to the
thread-mode "before", its target and whether it is met. Printed and as markdown."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

Rows = list[dict[str, Any]]


def _ok(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _row(
    section: str,
    metric: str,
    after: Any,
    before: Any = None,
    unit: str = "",
    target: str | None = None,
    hit: bool | None = None,
    note: str = "",
) -> dict[str, Any]:
    return {
        "section": section,
        "metric": metric,
        "value": _finite(after),
        "before": _finite(before),
        "unit": unit,
        "target": target,
        "hit": hit,
        "note": note,
    }


def _finite(x: Any) -> Any:
    return None if isinstance(x, float) and not math.isfinite(x) else x


def _at_most(x: Any, limit: float) -> bool:
    return _ok(x) and x <= limit


def _at_least(x: Any, limit: float) -> bool:
    return _ok(x) and x >= limit


def _enviar(e: dict[str, Any], s: str) -> Rows:
    app, spec, thread, none = e["app"], e["spec"], e["thread"], e["no_consumers"]
    r, rt = app["ratio"], thread["ratio"]
    return [
        _row(s, "app req/s (3 consumers)", app["rps"], thread["rps"], "req/s", "≥ 1.3× spec",
             _at_least(r, 1.3), f"{r:.2f}× spec (before {rt:.2f}×)" if _ok(r) and _ok(rt) else ""),
        _row(s, "spec's system req/s", spec["rps"], None, "req/s",
             note="producer_api.py + 3 × consumer.py"),
        _row(s, "app req/s, no consumers", none["rps"], None, "req/s",
             note=f"{none['ratio']:.2f}× spec" if _ok(none["ratio"]) else ""),
        _row(s, "p50", app["p50_ms"], thread["p50_ms"], "ms", note=f"spec {spec['p50_ms']:.1f} ms"),
        _row(s, "p99", app["p99_ms"], thread["p99_ms"], "ms", f"≤ spec ({spec['p99_ms']:.1f} ms)",
             _ok(app["p99_ms"]) and app["p99_ms"] <= spec["p99_ms"]),
        _row(s, "CPU per request (all its processes)", app["cpu_ms_per_req"],
             thread["cpu_ms_per_req"], "ms",
             note=f"spec {spec['cpu_ms_per_req']:.2f}, no consumers {none['cpu_ms_per_req']:.2f}"),
        _row(s, "every 200 acked", app["every_2xx_acked"], thread["every_2xx_acked"], "", "yes",
             app["every_2xx_acked"] and spec["every_2xx_acked"],
             f"non-2xx app {app['non_2xx']}, spec {spec['non_2xx']}"),
        _row(s, "consumed / acked during the runs", f"{app['consumed']}/{app['acked']}",
             f"{thread['consumed']}/{thread['acked']}", "",
             note=f"spec {spec['consumed']}/{spec['acked']}"),
    ]  # fmt: skip


def _batch(b: dict[str, Any], s: str) -> Rows:
    r, rt = b["ratio"], b["thread_ratio"]
    rows = [
        _row(s, "POST /api/messages msgs/s", b["app_msgs_s"], b["thread_msgs_s"], "msgs/s",
             "≥ 40 % raw", _at_least(r, 0.4),
             f"{100 * r:.0f} % of raw (before {100 * rt:.0f} %)" if _ok(r) and _ok(rt) else ""),
        _row(s, "raw kafka-python msgs/s", b["raw_msgs_s"], None, "msgs/s"),
    ]  # fmt: skip
    if "no_consumers_msgs_s" in b:  # reports from before this row existed lack it
        rn = b["no_consumers_ratio"]
        note = f"{100 * rn:.0f} % of raw" if _ok(rn) else ""
        metric = "POST /api/messages msgs/s, no consumers"
        rows.append(
            _row(s, metric, b["no_consumers_msgs_s"], None, "msgs/s", "≥ 70 % raw",
                 _at_least(rn, 0.7), note)
        )  # fmt: skip
    return rows


def _e2e(x: dict[str, Any], s: str) -> Rows:
    p, t = x["process"], x["thread"]
    rows = [
        _row(s, "request → processed p50", p["p50_ms"], t["p50_ms"], "ms", "≤ 15",
             _at_most(p["p50_ms"], 15), f"{p['processed_seen']}/{p['measured']} msgs"),
        _row(s, "request → processed p99", p["p99_ms"], t["p99_ms"], "ms", "≤ 100",
             _at_most(p["p99_ms"], 100)),
        _row(s, "HTTP answer (ack) p50", p["ack_p50_ms"], t["ack_p50_ms"], "ms"),
    ]  # fmt: skip
    a = x.get("activity") or {}
    if "process" in a and "thread" in a:
        ap, at = a["process"], a["thread"]
        rows += [
            _row(s, "processed → app knows p50", ap["processed_to_app_p50_ms"],
                 at["processed_to_app_p50_ms"], "ms", note="the activity topic's cost"),
            _row(s, "processed → app knows p99", ap["processed_to_app_p99_ms"],
                 at["processed_to_app_p99_ms"], "ms"),
            _row(s, "send → app knows p50 (in-process)", ap["send_to_app_p50_ms"],
                 at["send_to_app_p50_ms"], "ms", note=f"p99 {ap['send_to_app_p99_ms']:.1f} ms "
                 f"(before {at['send_to_app_p99_ms']:.1f} ms)"),
        ]  # fmt: skip
    return rows


def _failover(f: dict[str, Any], s: str, limits: dict[str, float] | None) -> Rows:
    rows = []
    t = f.get("thread", {})
    for kind in ("stop", "crash"):
        v = f[f"{kind}_s"]
        runs = _runs(f[f"{kind}_runs"])
        if t:
            runs += f" (before {_runs(t[f'{kind}_runs'])})"
        limit = (limits or {}).get(kind)
        rows.append(
            _row(s, f"{kind} → consuming again (median)", v, t.get(f"{kind}_s"), "s",
                 f"≤ {limit}" if limit else None, _at_most(v, limit) if limit else None,
                 f"runs {runs}")
        )  # fmt: skip
    return rows


def _runs(values: list[float | None]) -> str:
    return ", ".join("—" if r is None else f"{r:.2f}" for r in values)


def _burst(w: dict[str, Any], s: str) -> Rows:
    if w.get("status") != "ok":
        return [_row(s, w.get("status", "error"), None, note=w.get("reason", ""))]
    t = w.get("thread") if w.get("thread", {}).get("status") == "ok" else {}
    return [
        _row(s, "p99 event-loop stall", w["p99_stall_ms"], t.get("p99_stall_ms"), "ms", "< 50",
             _ok(w["p99_stall_ms"]) and w["p99_stall_ms"] < 50,
             f"{w['messages']} msgs, longest {w['longest_stall_ms']} ms"),
        _row(s, "listed msgs/s", w["msgs_per_s"], t.get("msgs_per_s"), "msgs/s", "≥ 8,000",
             _at_least(w["msgs_per_s"], 8000)),
        _row(s, "window RSS growth", w["rss_growth_mb"], t.get("rss_growth_mb"), "MB", "< 150",
             _ok(w["rss_growth_mb"]) and w["rss_growth_mb"] < 150,
             f"{w['rss_before_mb']} → {w['rss_after_mb']} MB"),
    ]  # fmt: skip


def _startup(x: dict[str, Any], s: str) -> Rows:
    runs = ", ".join(f"{r:.2f}" for r in x["runs"])
    return [
        _row(s, "median", x["ready_s"], x.get("thread", {}).get("ready_s"), "s", "≤ 8",
             _at_most(x["ready_s"], 8), f"runs {runs}"),
    ]  # fmt: skip


def _memory(m: dict[str, Any], s: str) -> Rows:
    t = m.get("thread", {})
    per = m["consumer_rss_mb"]
    uss = ", ".join(f"{u:.0f}" for u in m["consumer_uss_mb"])
    return [
        _row(s, "app process RSS", m["app_rss_mb"], t.get("app_rss_mb"), "MB",
             note=f"USS {m['app_uss_mb']:.0f} MB (before {t.get('app_uss_mb', 0):.0f})"),
        _row(s, "each consumer process RSS", ", ".join(f"{r:.0f}" for r in per), None, "MB",
             note=f"USS {uss} MB"),
        _row(s, "total RSS (app + consumers)", m["total_rss_mb"], t.get("total_rss_mb"), "MB",
             note=f"{m['consumers']} consumer processes"),
        _row(s, "CPU when idle (all processes)", m["idle_cpu_percent"],
             t.get("idle_cpu_percent"), "% of a core"),
    ]  # fmt: skip


def _chaos(c: dict[str, Any], s: str) -> Rows:
    t = c.get("thread", {})

    def pair(key: str) -> tuple[Any, Any]:
        return c.get(key), t.get(key)

    acts = "{crashes}/{stops}/{adds}"
    # a stuck group: "lost" messages are still in the topic, behind members joining
    end, t_end = c.get("at_the_end", {}), t.get("at_the_end", {})
    return [
        _row(s, "not processed within 180 s (\"lost\")", *pair("lost"), "msgs", "0",
             c.get("lost") == 0, f"of {c['sent']} sent at {c['rate']}/s"),
        _row(s, "at the audit: members joining / live", _end(c), _end(t),
             note=f"committed-offset lag {end.get('lag')} (before {t_end.get('lag')})"),
        _row(s, "extra deliveries not flagged", *pair("unflagged_extra"), "", "0",
             c.get("unflagged_extra") == 0),
        _row(s, "extra deliveries", *pair("extra_deliveries"), "msgs"),
        _row(s, "redelivered", *pair("redelivered"), "msgs"),
        _row(s, "duplicates (processed twice)", *pair("duplicates"), "msgs"),
        _row(s, "crashes / stops / adds", acts.format(**c),
             acts.format(**t) if t.get("actions") is not None else None),
        _row(s, "sending / settling", f"{c['sending_s']} / {c['settle_s']}",
             f"{t['sending_s']} / {t['settle_s']}" if t else None, "s"),
    ]  # fmt: skip


def _cpu(c: dict[str, Any], s: str) -> Rows:
    app, spec, ratio = c["app"], c["spec"], c["app_vs_spec_cpu_per_msg"]
    per = app["cpu_us_per_msg"]
    consumers = ", ".join(str(v) for k, v in per.items() if k.startswith("consumer"))
    idle = app["idle_cpu_pct_total"]
    lat = app.get("latency_ms", {})
    return [
        _row(s, f"CPU per message, whole system, /enviar at {c['rate']:.0f}/s",
             app["cpu_us_per_msg_total"], None, "µs", "≤ 1.0× spec", _at_most(ratio, 1.0),
             f"{ratio:.2f}× spec ({spec['cpu_us_per_msg_total']} µs)"),
        _row(s, "  the app's process / broker", f"{per['app']} / {per.get('broker')}", None, "µs",
             note=f"spec: producer_api.py {spec['cpu_us_per_msg']['api']}, "
             f"broker {spec['cpu_us_per_msg'].get('broker')}"),
        _row(s, "  each consumer process", consumers, None, "µs",
             note="spec's consumer.py: " + ", ".join(
                 str(v) for k, v in spec["cpu_us_per_msg"].items() if k.startswith("consumer"))),
        _row(s, "send → processed at that load (p50 / p99)",
             f"{lat.get('p50')} / {lat.get('p99')}", None, "ms"),
        _row(s, "CPU when idle: app + 3 consumers + broker", idle, None, "% of a core", "≤ 3 %",
             _at_most(idle, 3.0), f"spec's system {spec['idle_cpu_pct_total']} %"),
    ]  # fmt: skip


def _click(c: dict[str, Any], s: str) -> Rows:
    return [
        _row(s, f"/enviar → processed, one message after {c['idle_s']:.0f} s idle (p50 / p99, "
             f"{c['tries']} tries)", f"{c['p50_ms']} / {c['p99_ms']}", None, "ms",
             "p50 ≤ 50, p99 ≤ 200", c["p50_ms"] <= 50 and c["p99_ms"] <= 200),
        _row(s, "  CPU over those idle seconds: whole system / its broker",
             f"{c['idle_cpu_pct_system']} / {c['idle_cpu_pct_broker']}", None, "% of a core"),
    ]  # fmt: skip


def _end(c: dict[str, Any]) -> str | None:
    end = c.get("at_the_end")
    return f"{end['joining']}/{len(end['live'])}" if end else None


def table(results: dict[str, Any]) -> Rows:
    """Every figure of every broker as rows; a failed section is one row with its error."""
    rows: Rows = []
    for kind, res in results.items():
        tag = {"embedded": "", "apache": " (Apache Kafka)"}.get(kind, " (external)")
        limits = {"stop": 4.5, "crash": 11.0} if kind == "embedded" else None
        parts: list[tuple[str, str, str, Callable[[dict[str, Any], str], Rows]]] = [
            ("enviar", "1 /enviar", "app", _enviar),
            ("batch", "2 batch", "app_msgs_s", _batch),
            ("e2e", "3 e2e at 200 msgs/s", "process", _e2e),
            (
                "failover",
                "4 failover, 6 s session",
                "stop_s",
                lambda f, s, lim=limits: _failover(f, s, lim),
            ),
            (
                "failover_3s",
                "4 failover, 3 s session",
                "stop_s",
                lambda f, s: _failover(f, s, None),
            ),
            ("burst", "5 window burst", "status", _burst),
            ("startup", "6 start to ready", "ready_s", _startup),
            ("memory", "7 memory, steady state", "app_rss_mb", _memory),
            ("chaos", "8 chaos", "lost", _chaos),
            ("cpu", "9 CPU", "app", _cpu),
            ("click", "10 click after 10 s idle", "p50_ms", _click),
        ]
        for name, label, needed, rows_of in parts:
            res_one = res.get(name)
            if not res_one:
                continue
            section = label + tag
            if needed not in res_one:
                rows.append(_row(section, "error", None, note=res_one.get("error", "")))
                continue
            try:
                rows += rows_of(res_one, section)
            except (KeyError, TypeError, ValueError) as exc:
                rows.append(_row(section, "incomplete", None, note=f"{type(exc).__name__}: {exc}"))
    return rows


def _fmt(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    return "—" if v is None else str(v)


def _cells(r: dict[str, Any]) -> tuple[str, ...]:
    unit = f" {r['unit']}" if r["unit"] else ""
    before = "—" if r["before"] is None else f"{_fmt(r['before'])}{unit}"
    hit = "" if r["hit"] is None else ("met" if r["hit"] else "missed")
    return (r["section"], r["metric"], f"{_fmt(r['value'])}{unit}", before,
            r["target"] or "", hit, r["note"] or "")  # fmt: skip


HEADER = ("section", "measure", "after (process)", "before (thread)", "target", "", "note")


def print_table(report: dict[str, Any]) -> None:
    m = report["machine"]
    print(f"\nMachine: {m['nproc']} CPU ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}")
    quick = " (quick)" if report["quick"] else ""
    print(f"Run {report['run_id']}{quick}: {report['duration_s']} s")
    rows = [_cells(r) for r in report["table"]]
    widths = [max(len(x) for x in col) for col in zip(HEADER, *rows, strict=True)]
    for line in (HEADER, *rows):
        print("  ".join(x.ljust(w) for x, w in zip(line, widths, strict=True)).rstrip())


def markdown(report: dict[str, Any]) -> str:
    """The table as markdown, ready to paste."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + " --- |" * len(HEADER)]
    lines += ["| " + " | ".join(_cells(r)).replace("\n", " ") + " |" for r in report["table"]]
    return "\n".join(lines)
