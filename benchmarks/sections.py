"""The six measurements of issue 4. Each returns a JSON-able dict of figures."""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import (
    BENCH,
    PARTITIONS,
    ROOT,
    App,
    Http,
    Offsets,
    create_topic,
    free_port,
    keys_per_partition,
    median,
    percentile,
    run_wrk,
    spawn,
    stop,
    wait_until,
)

BODY = {"id": 1, "contenido": "Hola desde Kafka"}


@dataclass
class Ctx:
    bootstrap: str
    broker: str  # "embedded" or "external"
    workdir: Path
    quick: bool
    run_id: str
    profile: bool = False

    def name(self, what: str) -> str:
        return f"bench-{what}-{self.run_id}"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ----- 1. /enviar: this app vs the spec's producer_api.py -------------------------------
def enviar(ctx: Ctx) -> dict[str, Any]:
    topic = ctx.name("enviar")
    create_topic(ctx.bootstrap, topic)
    app = App(ctx.workdir, f"enviar-app-{ctx.broker}", ctx.bootstrap, topic, topic)
    spec_port = free_port()
    spec = spawn(
        [sys.executable, str(BENCH / "spec_producer_api.py"), ctx.bootstrap, topic, str(spec_port)],
        ctx.workdir / f"enviar-spec-{ctx.broker}.out",
    )
    offsets = Offsets(ctx.bootstrap, topic)
    seconds = 5 if ctx.quick else 10
    rounds = 3
    try:
        app.start()
        spec_http = Http(spec_port)
        if not wait_until(lambda: spec_http.request("POST", "/enviar", BODY)[0] == 200, 30):
            raise RuntimeError("spec_producer_api.py did not answer")
        spec_http.close()
        urls = {
            "app": f"http://127.0.0.1:{app.port}/enviar",
            "spec": f"http://127.0.0.1:{spec_port}/enviar",
        }
        for url in urls.values():  # warm-up, not counted
            run_wrk(url, 2)
        time.sleep(1.0)
        runs: dict[str, list[dict[str, Any]]] = {"app": [], "spec": []}
        for i in range(rounds):
            for who in ("app", "spec"):
                before = offsets.total()
                sent_before = app.stats()["sent"] if who == "app" else 0
                r = run_wrk(urls[who], seconds)
                time.sleep(1.0)  # requests still in flight when wrk stopped
                r["acked_delta"] = offsets.total() - before
                if who == "app":
                    r["sent_delta"] = app.stats()["sent"] - sent_before
                # every 2xx must be an acknowledged record; records beyond that are
                # requests wrk abandoned when its time was up (answered after it left)
                r["ack_check"] = r["acked_delta"] >= r["ok"]
                r["acked_unanswered"] = r["acked_delta"] - r["ok"]
                raw = r.pop("raw")
                if not r["ack_check"]:
                    r["wrk_output"] = raw
                runs[who].append(r)
                log(
                    f"enviar[{ctx.broker}] round {i + 1} {who}: {r['rps']:.0f} req/s "
                    f"p50 {r['p50_ms']:.1f} ms p99 {r['p99_ms']:.1f} ms "
                    f"(2xx {r['ok']}, acked {r['acked_delta']})"
                )
        profile = _profile(app, urls["app"], ctx) if ctx.profile else None
        out: dict[str, Any] = {"seconds_per_run": seconds, "rounds": rounds, "runs": runs}
        for who in ("app", "spec"):
            out[who] = {k: median([r[k] for r in runs[who]]) for k in ("rps", "p50_ms", "p99_ms")}
            out[who]["non_2xx"] = sum(r["non_2xx"] for r in runs[who])
            out[who]["every_2xx_acked"] = all(r["ack_check"] for r in runs[who])
        out["ratio"] = out["app"]["rps"] / out["spec"]["rps"] if out["spec"]["rps"] else None
        if profile:
            out["profile"] = profile
        return out
    finally:
        offsets.close()
        stop(spec)
        app.stop()


def _profile(app: App, url: str, ctx: Ctx) -> dict[str, Any]:
    """py-spy (GIL holder only) of the app under the same wrk load; where CPU time goes."""
    raw = ctx.workdir / f"py-spy-{ctx.broker}.txt"
    load = threading.Thread(target=run_wrk, args=(url, 10), daemon=True)
    load.start()
    time.sleep(1)
    args = ["py-spy", "record", "-p", str(app.proc.pid), "-d", "7", "-r", "250"]
    args += ["-f", "raw", "-o", str(raw), "--gil"]
    try:
        subprocess.run(args, capture_output=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        load.join()
        return {"error": f"py-spy failed: {exc}"}
    load.join()
    return summarize_profile(raw)


def summarize_profile(path: Path) -> dict[str, Any]:
    """Share of GIL-holding samples per subsystem (by the innermost frame's module)."""
    buckets = [
        ("messaging/traffic_log", "traffic log (app)"),
        ("logging/", "logging (stdlib)"),
        ("waitress/", "waitress"),
        ("flask/", "flask/werkzeug"),
        ("werkzeug/", "flask/werkzeug"),
        ("kafka/producer", "kafka producer"),
        ("kafka/consumer", "kafka consumer"),
        ("kafka/coordinator", "kafka coordinator"),
        ("kafka/net", "kafka network"),
        ("kafka/record", "kafka record (crc, encode)"),
        ("kafka/protocol", "kafka protocol"),
        ("kafka/metrics", "kafka metrics"),
        ("kafka/", "kafka other"),
        ("messaging/", "app core (messaging/)"),
        ("api/", "app API (api/)"),
        ("threading.py", "threading (locks, conditions)"),
        ("json/", "json"),
        ("selectors.py", "selectors"),
    ]
    by_bucket: collections.Counter[str] = collections.Counter()
    by_thread: collections.Counter[str] = collections.Counter()
    leaf: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        count, frames = int(n), stack.split(";")
        total += count
        name = next((b for key, b in buckets if key in frames[-1]), "other")
        by_bucket[name] += count
        root = next(
            (
                f.split(" (")[0]
                for f in frames
                if any(
                    k in f
                    for k in (
                        "ConsumerWorker.run",
                        "Sender.run ",
                        "handler_thread",
                        "BaseWSGIServer.run",
                        "QueueListener._monitor",
                        "run_forever",
                        "LagMonitor",
                    )
                )
            ),
            "other",
        )
        by_thread[root] += count
        leaf[frames[-1]] += count

    def pct(c: collections.Counter[str], n: int) -> dict[str, float]:
        return {k: round(100 * v / total, 1) for k, v in c.most_common(n)}

    return {
        "samples": total,
        "raw_file": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
        "percent_by_subsystem": pct(by_bucket, 20),
        "percent_by_thread": pct(by_thread, 10),
        "top_frames_percent": pct(leaf, 12),
    }


# ----- 2. batch ingest --------------------------------------------------------------------
def batch(ctx: Ctx) -> dict[str, Any]:
    from kafka import KafkaProducer

    topic = ctx.name("batch")
    create_topic(ctx.bootstrap, topic)
    app = App(ctx.workdir, f"batch-app-{ctx.broker}", ctx.bootstrap, topic, topic)
    per_request = 1000
    total = 10_000 if ctx.quick else 30_000
    body = {"messages": [{"value": {**BODY, "id": i}} for i in range(per_request)]}
    values = [{**BODY, "id": i} for i in range(total)]
    offsets = Offsets(ctx.bootstrap, topic)
    producer = KafkaProducer(
        bootstrap_servers=ctx.bootstrap,
        acks="all",  # the app's durability, so both wait for the same acknowledgement
    )
    http = Http(app.port, timeout=30)
    runs: dict[str, list[float]] = {"raw": [], "app": []}
    acked_ok = True
    try:
        app.start()
        for i in range(3):
            before = offsets.total()
            t0 = time.perf_counter()
            for v in values:  # the spec's serializer, inline
                producer.send(topic, json.dumps(v).encode("utf-8"))
            producer.flush()
            runs["raw"].append(total / (time.perf_counter() - t0))
            acked_ok &= offsets.total() - before == total
            before = offsets.total()
            t0 = time.perf_counter()
            for _ in range(total // per_request):
                status, resp = http.request("POST", "/api/messages", body)
                if status != 200 or resp.get("count") != per_request:
                    raise RuntimeError(f"/api/messages answered {status}: {str(resp)[:200]}")
            runs["app"].append(total / (time.perf_counter() - t0))
            acked_ok &= offsets.total() - before == total
            log(
                f"batch[{ctx.broker}] round {i + 1}: raw {runs['raw'][-1]:.0f} msgs/s, "
                f"app {runs['app'][-1]:.0f} msgs/s"
            )
        raw_rate, app_rate = median(runs["raw"]), median(runs["app"])
        return {
            "messages_per_run": total,
            "per_request": per_request,
            "runs": runs,
            "raw_msgs_s": raw_rate,
            "app_msgs_s": app_rate,
            "ratio": app_rate / raw_rate if raw_rate else None,
            "every_record_acked": acked_ok,
        }
    finally:
        http.close()
        producer.close(timeout=5)
        offsets.close()
        app.stop()


# ----- 3. end-to-end latency at a steady rate ---------------------------------------------
def e2e(ctx: Ctx) -> dict[str, Any]:
    topic = ctx.name("e2e")
    create_topic(ctx.bootstrap, topic)
    app = App(ctx.workdir, f"e2e-app-{ctx.broker}", ctx.bootstrap, topic, topic)
    rate, warmup_s = 200, 1.0
    seconds = 5 if ctx.quick else 10
    n = int(rate * (warmup_s + seconds))
    sent: dict[str, tuple[int, float, float]] = {}  # message_id -> (index, t_req, t_resp)
    errors: list[str] = []
    lock = threading.Lock()
    counter = itertools.count()
    try:
        app.start()
        t_start = time.time() + 0.2

        def sender() -> None:
            http = Http(app.port)
            try:
                while True:
                    with lock:
                        i = next(counter)
                    if i >= n:
                        return
                    due = t_start + i / rate
                    time.sleep(max(due - time.time(), 0))
                    t_req = time.time()
                    status, resp = http.request("POST", "/enviar", {**BODY, "id": i})
                    t_resp = time.time()
                    if status != 200:
                        errors.append(f"{status}: {resp}")
                        continue
                    sent[resp["message_id"]] = (i, t_req, t_resp)
            finally:
                http.close()

        threads = [threading.Thread(target=sender, daemon=True) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(seconds + warmup_s + 30)
        elapsed = time.time() - t_start
        wait_until(lambda: app.stats()["processed"] >= len(sent), 30, 0.2)
        records = app.http.get(f"/api/messages?limit={min(n + 50, 10_000)}")["messages"]
        e2e_ms, ack_ms, after_ack_ms = [], [], []
        for rec in records:
            info = sent.get(rec["message_id"])
            if info is None or info[0] < rate * warmup_s:
                continue
            done = [d["at"] for d in rec["deliveries"] if d["status"] == "processed"]
            if not done:
                continue
            _, t_req, t_resp = info
            e2e_ms.append((min(done) - t_req) * 1000)
            ack_ms.append((t_resp - t_req) * 1000)
            after_ack_ms.append((min(done) - rec["sent_at"]) * 1000)
        measured = sum(1 for i, _, _ in sent.values() if i >= rate * warmup_s)
        out = {
            "rate_target": rate,
            "rate_achieved": len(sent) / elapsed if elapsed > 0 else 0.0,
            "seconds": seconds,
            "measured": measured,
            "processed_seen": len(e2e_ms),
            "errors": len(errors),
            "p50_ms": percentile(e2e_ms, 50),
            "p99_ms": percentile(e2e_ms, 99),
            "max_ms": max(e2e_ms) if e2e_ms else float("nan"),
            "ack_p50_ms": percentile(ack_ms, 50),
            "ack_p99_ms": percentile(ack_ms, 99),
            "after_ack_p50_ms": percentile(after_ack_ms, 50),
            "after_ack_p99_ms": percentile(after_ack_ms, 99),
        }
        log(
            f"e2e[{ctx.broker}]: p50 {out['p50_ms']:.1f} ms p99 {out['p99_ms']:.1f} ms "
            f"({out['processed_seen']}/{measured} at {out['rate_achieved']:.0f}/s)"
        )
        return out
    finally:
        app.stop()


# ----- 4. failover ----------------------------------------------------------------------
def failover(ctx: Ctx, session_ms: int) -> dict[str, Any]:
    topic = ctx.name(f"failover{session_ms}")
    create_topic(ctx.bootstrap, topic)
    extra = ["--session-timeout-ms", str(session_ms), "--consumers", "3"]
    app = App(ctx.workdir, f"failover{session_ms}-{ctx.broker}", ctx.bootstrap, topic, topic, extra)
    trials = 1 if ctx.quick else 3
    keys = keys_per_partition()
    results: dict[str, list[float | None]] = {"stop": [], "crash": []}
    detail: list[dict[str, Any]] = []
    try:
        app.start()
        for mode in ("stop", "crash"):
            for i in range(trials):
                r = _failover_trial(app, mode, keys, session_ms)
                results[mode].append(r.get("seconds"))
                detail.append({"mode": mode, **r})
                log(f"failover[{ctx.broker} {session_ms} ms] {mode} #{i + 1}: {r}")
        return {
            "session_ms": session_ms,
            "trials": trials,
            "stop_s": median([x for x in results["stop"] if x is not None]),
            "crash_s": median([x for x in results["crash"] if x is not None]),
            "stop_runs": results["stop"],
            "crash_runs": results["crash"],
            "detail": detail,
        }
    finally:
        app.stop()


def _stable(app: App) -> bool:
    return app.all_owned() and app.stats()["group_state"] == "Stable"


def _failover_trial(app: App, mode: str, keys: dict[int, str], session_ms: int) -> dict[str, Any]:
    limit = session_ms / 1000 * 3 + 20
    if not wait_until(lambda: _stable(app), limit, 0.1):
        return {"seconds": None, "error": "group never stable before the trial"}
    victim = next(c for c in app.consumers() if c["state"] == "active" and c["partitions"])
    t0 = time.time()
    status, body = app.http.request("DELETE", f"/api/consumers/{victim['id']}?mode={mode}")
    if status != 200:
        return {"seconds": None, "error": f"DELETE -> {status} {body}"}
    delete_s = time.time() - t0
    probes: dict[str, int] = {}
    for p, key in keys.items():
        status, body = app.http.request("POST", f"/enviar?key={key}", {"probe": p})
        if status == 200:
            probes[body["message_id"]] = body["partition"]
    t_owned: float | None = None
    processed_at: dict[str, float] = {}
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if t_owned is None and app.all_owned(exclude=victim["id"]):
            t_owned = time.time()
        for mid in probes.keys() - processed_at.keys():
            rec = app.http.get(f"/api/messages/{mid}")
            at = [
                d["at"]
                for d in rec["deliveries"]
                if d["status"] == "processed" and d["consumer_id"] != victim["id"]
            ]
            if at:
                processed_at[mid] = min(at)
        if t_owned is not None and len(processed_at) == len(probes) == PARTITIONS:
            break
        time.sleep(0.05)
    out: dict[str, Any] = {"victim": victim["name"], "partitions": victim["partitions"]}
    out["delete_call_s"] = round(delete_s, 3)
    if t_owned is None or len(processed_at) < PARTITIONS:
        out.update(seconds=None, error="survivors did not take over in time")
    else:
        out["owned_s"] = round(t_owned - t0, 3)
        out["probes_processed_s"] = round(max(processed_at.values()) - t0, 3)
        out["seconds"] = round(max(t_owned, *processed_at.values()) - t0, 3)
    # back to three consumers for the next trial
    app.http.request("POST", "/api/consumers", {})
    wait_until(lambda: _stable(app), limit, 0.1)
    return out


# ----- 5. window under burst --------------------------------------------------------------
def burst(ctx: Ctx) -> dict[str, Any]:
    probe = ROOT / "scripts" / "burst_probe.py"
    if not probe.exists():
        has_window = (ROOT / "gui" / "main_window.py").exists()
        return {
            "status": "pending",
            "reason": "scripts/burst_probe.py does not exist yet"
            + ("" if has_window else " and there is no gui/main_window.py"),
        }
    env = {"QT_QPA_PLATFORM": "offscreen"}
    count = 5_000 if ctx.quick else 20_000
    args = [sys.executable, str(probe)]
    if "--count" in probe.read_text():
        args += ["--count", str(count)]
    if "--bootstrap-servers" in probe.read_text():
        args += ["--bootstrap-servers", ctx.bootstrap]
    try:
        proc = subprocess.run(
            args,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, **env},
        )
    except subprocess.TimeoutExpired:
        return {"status": "error", "reason": "burst_probe.py ran over 600 s"}
    found = None
    for line in reversed(proc.stdout.splitlines()):
        with contextlib.suppress(ValueError):
            value = json.loads(line)
            if isinstance(value, dict):
                found = value
                break
    if found is None:  # its "            key: value" lines
        pairs = [line.split(":", 1) for line in proc.stdout.splitlines() if ":" in line]
        found = {k.strip(): _number(v.strip()) for k, v in pairs} or None
    if not isinstance(found, dict):
        return {
            "status": "error",
            "reason": f"no JSON from burst_probe.py (exit {proc.returncode})",
            "stderr_tail": proc.stderr[-1500:],
        }
    return {"status": "ok", "exit_code": proc.returncode, "count_asked": count, **found}


def _number(text: str) -> Any:
    for kind in (int, float):
        with contextlib.suppress(ValueError):
            return kind(text)
    return text


# ----- 6. start to ready -----------------------------------------------------------------
def startup(ctx: Ctx) -> dict[str, Any]:
    runs, stops = [], []
    for i in range(3):
        if ctx.broker == "embedded":
            app = App(ctx.workdir, f"startup-{i}", None)  # its own embedded broker
        else:
            topic = ctx.name(f"startup{i}")
            app = App(ctx.workdir, f"startup-{ctx.broker}-{i}", ctx.bootstrap, topic, topic)
        try:
            runs.append(app.start())
        finally:
            t0 = time.monotonic()
            code = app.stop()
            stops.append({"seconds": round(time.monotonic() - t0, 2), "exit_code": code})
        log(f"startup[{ctx.broker}] #{i + 1}: {runs[-1]:.2f} s, stop {stops[-1]}")
    return {"ready_s": median(runs), "runs": runs, "stop": stops}
