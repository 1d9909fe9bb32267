"""The measurements of issues 4 and 8. Each section returns a JSON-able dict of figures.

"app" is the app as shipped: consumers as OS processes. "thread" is the same app with
``--consumer-mode thread`` (every consumer a thread of the app's process): the design
before issue 8, kept as the "before" figure. Both run side by side in one run.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import (
    PARTITIONS,
    ROOT,
    App,
    Http,
    Offsets,
    SpecSystem,
    _tree,
    cpu_seconds,
    create_topic,
    keys_per_partition,
    median,
    memory_mb,
    paced,
    percentile,
    rotated,
    run_wrk,
    wait_until,
)
from messaging.broker import is_broker_process

BODY = {"id": 1, "contenido": "Hola desde Kafka"}
MODES = ("process", "thread")
IDLE_S = 10.0


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

    def topic(self, what: str) -> str:
        """A fresh topic (6 partitions); its group is named the same."""
        topic = self.name(what)
        create_topic(self.bootstrap, topic)
        return topic

    def app(self, what: str, mode: str = "process", consumers: int = 3, **kw: Any) -> App:
        """An app on a fresh topic (and group) of its own."""
        topic = self.topic(what)
        name = f"{what}-{self.broker}"
        return App(
            self.workdir, name, self.bootstrap, topic, topic, mode=mode, consumers=consumers, **kw
        )


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _start_all(systems: dict[str, Any]) -> None:
    """Start everything at once (each start is mostly waiting for its group to form)."""
    errors: list[BaseException] = []

    def start(s: Any) -> None:
        try:
            s.start()
        except BaseException as exc:  # re-raised below
            errors.append(exc)

    pool = [threading.Thread(target=start, args=(s,)) for s in systems.values()]
    for t in pool:
        t.start()
    for t in pool:
        t.join(120)
    if errors:
        raise errors[0]


@contextlib.contextmanager
def running(system: Any) -> Iterator[Any]:
    """Only the system being measured runs: an idle app with three consumer processes
    uses about a fifth of a core, which would otherwise load whoever is measured."""
    system.start()
    try:
        yield system
    finally:
        system.stop()


# ----- 1. /enviar: the app vs the spec's system ------------------------------------------
def enviar(ctx: Ctx) -> dict[str, Any]:
    """wrk on /enviar of four systems, one at a time, in rotating order.

    Every turn starts its system on a fresh topic and group: a group whose members all
    left gracefully can stay stuck on tansu (see the README), so no group is reused.
    """
    makers: dict[str, Callable[[str], Any]] = {
        "app": lambda n: ctx.app(n),
        "spec": lambda n: SpecSystem(ctx.workdir, ctx.bootstrap, ctx.topic(n)),
        "thread": lambda n: ctx.app(n, mode="thread"),
        "no_consumers": lambda n: ctx.app(n, consumers=0),
    }
    seconds, rounds = (5, 3) if ctx.quick else (10, 3)
    runs: dict[str, list[dict[str, Any]]] = {who: [] for who in makers}
    for i in range(rounds):
        for who in rotated(list(makers), i):
            with running(makers[who](f"enviar-{who}-{i}")) as system:
                run_wrk(f"http://127.0.0.1:{system.port}/enviar", 2)  # warm-up
                time.sleep(1.0)
                r = _wrk_round(system, ctx.bootstrap, seconds)
                if who == "app" and ctx.profile and i == rounds - 1:
                    from benchmarks.pyspy import profile

                    url = f"http://127.0.0.1:{system.port}/enviar"
                    r["profile"] = profile(system, url, ctx.workdir, ctx.broker)
            runs[who].append(r)
            log(
                f"enviar[{ctx.broker}] round {i + 1} {who}: {r['rps']:.0f} req/s "
                f"p50 {r['p50_ms']:.1f} ms p99 {r['p99_ms']:.1f} ms "
                f"(2xx {r['ok']}, acked {r['acked_delta']}, consumed {r['consumed']}, "
                f"{r['cpu_ms_per_req']:.2f} ms CPU/req)"
            )
    out: dict[str, Any] = {"seconds_per_run": seconds, "rounds": rounds, "runs": runs}
    for who in makers:
        out[who] = _summary(runs[who])
    spec_rps = out["spec"]["rps"]
    for who in ("app", "thread", "no_consumers"):
        out[who]["ratio"] = out[who]["rps"] / spec_rps if spec_rps else None
    out["ratio"] = out["app"]["ratio"]
    return out


def _wrk_round(system: Any, bootstrap: str, seconds: float) -> dict[str, Any]:
    offsets = Offsets(bootstrap, system.topic)
    try:
        before, cpu0, received0 = offsets.total(), cpu_seconds(system.pids()), system.received()
        r = run_wrk(f"http://127.0.0.1:{system.port}/enviar", seconds)
        time.sleep(1.0)  # requests still in flight when wrk stopped; consumers catching up
        r["acked_delta"] = offsets.total() - before
    finally:
        offsets.close()
    r["cpu_s"] = cpu_seconds(system.pids()) - cpu0  # the system's processes, consumers included
    r["cpu_ms_per_req"] = 1000 * r["cpu_s"] / max(r["ok"], 1)
    # every 2xx must be an acknowledged record; records beyond that are requests wrk
    # abandoned when its time was up (answered after it left)
    r["ack_check"] = r["acked_delta"] >= r["ok"]
    raw = r.pop("raw")
    if not r["ack_check"]:
        r["wrk_output"] = raw
    r["consumed"] = None
    if system.n_consumers:  # its consumers got every record acknowledged during the run
        wait_until(lambda: system.received() - received0 >= r["acked_delta"], 30, 0.2)
        r["consumed"] = system.received() - received0
    return r


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("rps", "p50_ms", "p99_ms", "cpu_ms_per_req")
    out: dict[str, Any] = {k: median([r[k] for r in runs]) for k in keys}
    out["non_2xx"] = sum(r["non_2xx"] for r in runs)
    out["every_2xx_acked"] = all(r["ack_check"] for r in runs)
    out["acked"] = sum(r["acked_delta"] for r in runs)
    consumed = [r["consumed"] for r in runs]
    out["consumed"] = None if None in consumed else sum(consumed)
    return out


# ----- 2. batch ingest --------------------------------------------------------------------
def batch(ctx: Ctx) -> dict[str, Any]:
    """``POST /api/messages`` (1,000 per request) vs kafka-python's send + flush.

    Also the app with no consumers: the ceiling of the HTTP and producer path alone,
    with nobody else on the two cores.
    """
    from kafka import KafkaProducer

    per_request = 1000
    total = 10_000 if ctx.quick else 30_000
    raw_topic = ctx.topic("batch-raw")
    # acks=all, the app's durability: both wait for the same acknowledgement
    producer = KafkaProducer(bootstrap_servers=ctx.bootstrap, acks="all")
    body = {"messages": [{"value": {**BODY, "id": i}} for i in range(per_request)]}
    values = [{**BODY, "id": i} for i in range(total)]
    runs: dict[str, list[float]] = {"raw": [], **{m: [] for m in MODES}, "none": []}
    acked_ok = True

    def raw() -> None:
        for v in values:  # the spec's serializer, inline
            producer.send(raw_topic, json.dumps(v).encode("utf-8"))
        producer.flush()

    def post(http: Http, n: int) -> None:
        for _ in range(n):
            status, resp = http.request("POST", "/api/messages", body)
            if status != 200 or resp.get("count") != per_request:
                raise RuntimeError(f"/api/messages answered {status}: {str(resp)[:200]}")

    def timed(who: str, i: int) -> tuple[float, int]:
        """Seconds to get ``total`` messages acknowledged, and how many records landed."""
        if who == "raw":
            return _landed(ctx.bootstrap, raw_topic, raw)
        mode, consumers = ("process", 0) if who == "none" else (who, 3)
        with running(ctx.app(f"batch-{who}-{i}", mode=mode, consumers=consumers)) as app:
            http = Http(app.port, timeout=30)
            try:
                post(http, 1)  # warm-up, not counted
                return _landed(ctx.bootstrap, app.topic, lambda: post(http, total // per_request))
            finally:
                http.close()

    try:
        raw()  # warm-up, not counted
        for i in range(3):
            for who in rotated(list(runs), i):
                seconds, landed = timed(who, i)
                runs[who].append(total / seconds)
                acked_ok &= landed == total
            log(
                f"batch[{ctx.broker}] round {i + 1}: "
                + ", ".join(f"{w} {r[-1]:.0f}" for w, r in runs.items())
            )
    finally:
        producer.close(timeout=5)
    rates = {who: median(r) for who, r in runs.items()}
    return {
        "messages_per_run": total,
        "per_request": per_request,
        "runs": runs,
        "raw_msgs_s": rates["raw"],
        "app_msgs_s": rates["process"],
        "thread_msgs_s": rates["thread"],
        "no_consumers_msgs_s": rates["none"],
        "ratio": rates["process"] / rates["raw"] if rates["raw"] else None,
        "thread_ratio": rates["thread"] / rates["raw"] if rates["raw"] else None,
        "no_consumers_ratio": rates["none"] / rates["raw"] if rates["raw"] else None,
        "every_record_acked": acked_ok,
    }


def _landed(bootstrap: str, topic: str, send: Callable[[], None]) -> tuple[float, int]:
    """How long ``send()`` took, and how many records reached ``topic`` meanwhile."""
    offsets = Offsets(bootstrap, topic)
    try:
        before, t0 = offsets.total(), time.perf_counter()
        send()
        seconds = time.perf_counter() - t0
        return seconds, offsets.total() - before
    finally:
        offsets.close()


# ----- 3. end-to-end latency at a steady rate ---------------------------------------------
def e2e(ctx: Ctx) -> dict[str, Any]:
    """200 msgs/s through /enviar; request start -> the consumer's ``processed`` stamp."""
    from benchmarks.inproc import activity_delay

    rate, warmup_s = 200, 1.0
    seconds, rounds = (5, 1) if ctx.quick else (5, 3)
    samples: dict[str, dict[str, list[float]]] = {m: {} for m in MODES}
    meta: dict[str, list[dict[str, Any]]] = {m: [] for m in MODES}
    for i in range(rounds):
        for mode in rotated(list(MODES), i):
            with running(ctx.app(f"e2e-{mode}-{i}", mode=mode)) as app:
                values, info = _e2e_round(app, rate, seconds, warmup_s)
            for k, v in values.items():
                samples[mode].setdefault(k, []).extend(v)
            meta[mode].append(info)
            log(f"e2e[{ctx.broker}] round {i + 1} {mode}: {info}")
    out: dict[str, Any] = {"rate_target": rate, "seconds": seconds, "rounds": rounds}
    for mode in MODES:
        s, runs = samples[mode], meta[mode]
        out[mode] = {
            "runs": runs,
            "measured": sum(r["measured"] for r in runs),
            "processed_seen": len(s.get("e2e", [])),
            "errors": sum(r["errors"] for r in runs),
            "rate_achieved": median([r["rate_achieved"] for r in runs]),
            **{
                f"{k}_{p}_ms": percentile(s.get(k, []), q)
                for k in s
                for p, q in (("p50", 50), ("p99", 99))
            },
        }
        out[mode]["p50_ms"], out[mode]["p99_ms"] = out[mode]["e2e_p50_ms"], out[mode]["e2e_p99_ms"]
    out.update(out["process"])  # the app's figures at the top, as before
    out["activity"] = {mode: activity_delay(ctx, mode, rate, seconds) for mode in MODES}
    return out


def _e2e_round(app: App, rate: int, seconds: float, warmup_s: float) -> tuple[dict, dict]:
    n = int(rate * (warmup_s + seconds))
    sent: dict[str, tuple[int, float, float]] = {}  # message_id -> (index, t_req, t_resp)
    errors: list[str] = []
    local, clients = threading.local(), []

    def send(i: int) -> None:
        if not hasattr(local, "http"):
            local.http = Http(app.port)
            clients.append(local.http)
        t_req = time.time()
        status, resp = local.http.request("POST", "/enviar", {**BODY, "id": i})
        if status == 200:
            sent[resp["message_id"]] = (i, t_req, time.time())
        else:
            errors.append(f"{status}: {resp}")

    processed0 = app.received()
    elapsed = paced(n, rate, send)
    for c in clients:
        c.close()
    wait_until(lambda: app.received() - processed0 >= len(sent), 30, 0.2)
    records = app.http.get(f"/api/messages?limit={n + 50}")["messages"]
    values: dict[str, list[float]] = {"e2e": [], "ack": [], "after_ack": []}
    for rec in records:
        info = sent.get(rec["message_id"])
        if info is None or info[0] < rate * warmup_s:
            continue
        done = [d["at"] for d in rec["deliveries"] if d["status"] == "processed"]
        if not done:
            continue
        _, t_req, t_resp = info
        values["e2e"].append((min(done) - t_req) * 1000)
        values["ack"].append((t_resp - t_req) * 1000)
        values["after_ack"].append((min(done) - rec["sent_at"]) * 1000)
    measured = sum(1 for i, _, _ in sent.values() if i >= rate * warmup_s)
    info = {
        "rate_achieved": round(len(sent) / elapsed, 1),
        "measured": measured,
        "processed_seen": len(values["e2e"]),
        "errors": len(errors),
        "p50_ms": round(percentile(values["e2e"], 50), 1),
        "p99_ms": round(percentile(values["e2e"], 99), 1),
    }
    return values, info


# ----- 4. failover ----------------------------------------------------------------------
def failover(ctx: Ctx, session_ms: int, modes: tuple[str, ...] = MODES) -> dict[str, Any]:
    """Stop or crash a consumer that owns partitions; time until survivors consume again."""
    extra = ["--session-timeout-ms", str(session_ms)]
    apps = {m: ctx.app(f"failover{session_ms}-{m}", mode=m, extra=extra) for m in modes}
    trials = 1 if ctx.quick else 3
    keys = keys_per_partition()
    detail: list[dict[str, Any]] = []
    try:
        _start_all(apps)
        for kind in ("stop", "crash"):
            for i in range(trials):
                for mode in rotated(list(modes), i):
                    r = _failover_trial(apps[mode], kind, keys, session_ms)
                    detail.append({"mode": mode, "kind": kind, **r})
                    log(f"failover[{ctx.broker} {session_ms} ms {mode}] {kind} #{i + 1}: {r}")
    finally:
        for app in apps.values():
            app.stop()
    out: dict[str, Any] = {"session_ms": session_ms, "trials": trials, "detail": detail}
    for mode in modes:
        for kind in ("stop", "crash"):
            runs = [d.get("seconds") for d in detail if d["mode"] == mode and d["kind"] == kind]
            out.setdefault(mode, {})[f"{kind}_runs"] = runs
            out[mode][f"{kind}_s"] = median([x for x in runs if x is not None])
    out.update(out[modes[0]])  # the app's figures at the top, as before
    return out


def _stable(app: App) -> bool:
    return app.all_owned() and app.stats()["group_state"] == "Stable"


def _failover_trial(app: App, mode: str, keys: dict[int, str], session_ms: int) -> dict[str, Any]:
    limit = session_ms / 1000 * 3 + 20
    if not wait_until(lambda: _stable(app), limit, 0.1):
        return {"seconds": None, "error": "group never stable before the trial"}
    victim = next(c for c in app.consumers() if c["state"] == "active" and c["partitions"])
    t0 = time.time()
    status, body = app.http.request("POST", f"/api/consumers/{victim['id']}/{mode}")
    if status != 200:
        return {"seconds": None, "error": f"POST .../{mode} -> {status} {body}"}
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
    """scripts/burst_probe.py (offscreen, its own broker) once per consumer mode."""
    count = 5_000 if ctx.quick else 20_000
    out: dict[str, Any] = {mode: _burst_probe(count, mode) for mode in MODES}
    out.update(out["process"])  # the app's figures at the top
    return out


def _burst_probe(count: int, mode: str) -> dict[str, Any]:
    args = [sys.executable, str(ROOT / "scripts" / "burst_probe.py")]
    args += ["--count", str(count), "--consumer-mode", mode]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    try:
        proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    except subprocess.TimeoutExpired:
        return {"status": "error", "reason": "burst_probe.py ran over 600 s"}
    pairs = [line.split(":", 1) for line in proc.stdout.splitlines() if ":" in line]
    found = {k.strip(): _number(v.strip()) for k, v in pairs}
    if proc.returncode != 0 or not found:
        return {
            "status": "error",
            "reason": f"burst_probe.py exited {proc.returncode}",
            "stderr_tail": proc.stderr[-1500:],
        }
    found["rss_growth_mb"] = round(found["rss_after_mb"] - found["rss_before_mb"], 1)
    log(f"burst {mode}: {found}")
    return {"status": "ok", "count_asked": count, **found}


def _number(text: str) -> Any:
    for kind in (int, float):
        with contextlib.suppress(ValueError):
            return kind(text)
    return text


# ----- 6. start to ready -----------------------------------------------------------------
def startup(ctx: Ctx) -> dict[str, Any]:
    """main.py --headless until /health is 200 and the consumers own every partition."""
    runs: dict[str, list[float]] = {m: [] for m in MODES}
    stops: list[dict[str, Any]] = []
    for i in range(3):
        for mode in rotated(list(MODES), i):
            if ctx.broker == "embedded":  # its own embedded broker
                app = App(ctx.workdir, f"startup-{mode}-{i}", None, mode=mode)
            else:
                app = ctx.app(f"startup{i}-{mode}", mode=mode)
            try:
                runs[mode].append(app.start())
            finally:
                t0 = time.monotonic()
                code = app.stop()
                stops.append(
                    {"mode": mode, "seconds": round(time.monotonic() - t0, 2), "exit_code": code}
                )
            log(f"startup[{ctx.broker}] {mode} #{i + 1}: {runs[mode][-1]:.2f} s, stop {stops[-1]}")
    out: dict[str, Any] = {m: {"ready_s": median(r), "runs": r} for m, r in runs.items()}
    return {**out, **out["process"], "stop": stops}


# ----- 7. memory in the steady state ------------------------------------------------------
def memory(ctx: Ctx) -> dict[str, Any]:
    """RSS/USS of the app's process and of each consumer process after 5,000 messages,
    and the CPU the idle app uses (all its processes)."""
    apps = {mode: ctx.app(f"memory-{mode}", mode=mode) for mode in MODES}
    body = {"messages": [{"value": {**BODY, "id": i}} for i in range(1000)]}
    out: dict[str, Any] = {}
    try:
        _start_all(apps)
        for app in apps.values():
            for _ in range(5):
                app.http.request("POST", "/api/messages", body)
            wait_until(lambda a=app: a.received() >= 5000, 60, 0.2)
        time.sleep(3.0)  # steady state: nothing in flight, a few heartbeats later
        cpu0 = {mode: cpu_seconds(app.pids()) for mode, app in apps.items()}
        time.sleep(IDLE_S)  # what an idle app costs: heartbeats, polls, activity snapshots
        for mode, app in apps.items():
            out[mode] = _memory_summary(memory_mb(app.proc.pid))
            idle = (cpu_seconds(app.pids()) - cpu0[mode]) / IDLE_S
            out[mode]["idle_cpu_percent"] = round(100 * idle, 1)
            log(f"memory {mode}: {out[mode]}")
    finally:
        for app in apps.values():
            app.stop()
    return {**out, **out["process"]}


def _memory_summary(m: dict[str, Any]) -> dict[str, Any]:
    cons = m["consumers"]
    return {
        "app_rss_mb": round(m["app"]["rss_mb"], 1),
        "app_uss_mb": round(m["app"]["uss_mb"], 1),
        "consumers": len(cons),
        "consumer_rss_mb": [round(c["rss_mb"], 1) for c in cons],
        "consumer_uss_mb": [round(c["uss_mb"], 1) for c in cons],
        "total_rss_mb": round(m["app"]["rss_mb"] + sum(c["rss_mb"] for c in cons), 1),
    }


# ----- 10. a click after idle: the first message after a pause -----------------------------
def click(ctx: Ctx, kind: str) -> dict[str, Any]:
    """One /enviar after 10 s of silence, until ``GET /api/messages/{id}`` says processed,
    20 times, on an app with an embedded broker of ``kind`` (tansu or apache) of its own;
    and the CPU of the whole system (app, consumers, broker) over those idle seconds, with
    the broker's share apart (Apache Kafka's JVM).
    """
    tries, idle_s = (8, 5.0) if ctx.quick else (20, 10.0)
    app = App(ctx.workdir, f"click-{kind}", None, extra=["--broker", kind])
    app.start(180)
    waits: list[float] = []
    idle = {"system": 0.0, "broker": 0.0, "seconds": 0.0}
    try:
        broker = [p.pid for p in _tree(app.pids()) if is_broker_process(p)]
        time.sleep(3.0)  # the join's aftermath settles
        for i in range(tries):
            before = (cpu_seconds(app.pids()), cpu_seconds(broker), time.monotonic())
            time.sleep(idle_s)
            idle["system"] += cpu_seconds(app.pids()) - before[0]
            idle["broker"] += cpu_seconds(broker) - before[1]
            idle["seconds"] += time.monotonic() - before[2]
            start = time.monotonic()
            status, body = app.http.request("POST", "/enviar", {"id": i, "contenido": "click"})
            assert status == 200, body
            path = f"/api/messages/{body['message_id']}"
            if not wait_until(lambda p=path: app.http.get(p)["status"] == "processed", 15, 0.002):
                raise RuntimeError(f"message {body['message_id']} not processed in 15 s")
            waits.append(1000 * (time.monotonic() - start))
            log(f"click[{kind}] {i + 1}/{tries}: {waits[-1]:.0f} ms")
    finally:
        app.stop()
    return {
        "tries": tries,
        "idle_s": idle_s,
        "p50_ms": round(percentile(waits, 50), 1),
        "p99_ms": round(percentile(waits, 99), 1),
        "max_ms": round(max(waits), 1),
        "idle_cpu_pct_system": round(100 * idle["system"] / idle["seconds"], 1),
        "idle_cpu_pct_broker": round(100 * idle["broker"] / idle["seconds"], 1),
    }
