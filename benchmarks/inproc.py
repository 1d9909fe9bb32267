"""Sections that drive a Runtime inside the benchmark's own process.

Here the benchmark sees what the app sees: ``runtime.hub`` publishes a delivery when
the app has ingested it (ledger updated), which for a process consumer is after its
report travelled through ``<topic>.activity``; ``Delivery.at`` was stamped by the
consumer when it processed the message. The difference is what the activity topic
adds before the window and the API know.
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks.chaos import Chaos
from benchmarks.chaos import run as run_chaos
from benchmarks.common import paced, percentile, wait_until
from benchmarks.sections import Ctx, log
from messaging.core.config import Settings
from messaging.core.events import PROCESSED, Delivery
from messaging.runtime import Runtime

SETTLE_S = 180.0  # after the last send, how long the group gets to process everything


def runtime_for(ctx: Ctx, what: str, mode: str, **overrides: Any) -> Runtime:
    """A started Runtime on the run's broker, on a topic and group of its own."""
    topic = ctx.name(f"{what}-{mode}")
    settings = Settings(
        bootstrap_servers=ctx.bootstrap,
        topic=topic,
        group=topic,
        consumer_mode=mode,
        log_file=str(ctx.workdir / f"{topic}-messages.log"),
        log_to_stderr=False,
        **overrides,
    )
    runtime = Runtime(settings).start()
    if not wait_until(lambda: _assigned(runtime), 60, 0.1):
        runtime.stop()
        raise RuntimeError(f"{mode} consumers did not share the partitions within 60 s")
    return runtime


def _assigned(runtime: Runtime) -> bool:
    fleet = runtime.fleet
    return (
        fleet is not None
        and len(fleet.view().owners) == runtime.partitions
        and not fleet.rebalancing()
    )


def activity_delay(ctx: Ctx, mode: str, rate: int, seconds: float) -> dict[str, Any]:
    """``rate`` msgs/s through the Runtime's sender; when each was processed and ingested."""
    warmup = rate  # the first second is not counted
    n = int(rate * seconds) + warmup
    runtime = runtime_for(ctx, "activity", mode)
    seen: dict[str, tuple[float, float]] = {}  # message_id -> (processed at, ingested at)
    started: dict[str, tuple[int, float]] = {}  # message_id -> (index, send called at)

    def listen(event: object) -> None:
        if isinstance(event, Delivery) and event.status == PROCESSED:
            seen.setdefault(event.message_id, (event.at, time.time()))

    def send(i: int) -> None:
        t = time.time()
        sent = runtime.sender.send({"id": i, "contenido": "Hola desde Kafka"})
        started[sent.message_id] = (i, t)

    unsubscribe = runtime.hub.subscribe(listen)
    try:
        paced(n, rate, send)
        wait_until(lambda: started.keys() <= seen.keys(), 30, 0.1)
    finally:
        unsubscribe()
        runtime.stop()
    ids = [m for m, (i, _) in started.items() if i >= warmup and m in seen]
    hop = [(seen[m][1] - seen[m][0]) * 1000 for m in ids]
    processed = [(seen[m][0] - started[m][1]) * 1000 for m in ids]
    ingested = [(seen[m][1] - started[m][1]) * 1000 for m in ids]
    out = {
        "measured": len(ids),
        "missing": sum(1 for m, (i, _) in started.items() if i >= warmup and m not in seen),
        **_pcts("processed_to_app", hop),
        **_pcts("send_to_processed", processed),
        **_pcts("send_to_app", ingested),
    }
    log(f"activity {mode}: {out}")
    return out


def _pcts(name: str, values: list[float]) -> dict[str, float]:
    return {
        f"{name}_{p}_ms": round(percentile(values, q), 2) for p, q in (("p50", 50), ("p99", 99))
    }


def _group_state(runtime: Runtime) -> dict[str, Any]:
    """What the group looked like when the audit ran: a "lost" message that is still
    in the topic, behind members stuck joining, shows up here."""
    live = [m.snapshot for m in runtime.fleet.live()]  # lag: the monitor's last second
    return {
        "lag": sum(runtime.monitor.lag.values()),
        "live": [f"{s.name} {s.state}{' (joining)' if s.joining else ''}" for s in live],
        "joining": sum(1 for m in runtime.fleet.live() if m.joining),
    }


def chaos(ctx: Ctx) -> dict[str, Any]:
    """benchmarks.chaos at 50,000 messages: process consumers, then thread consumers."""
    messages, rate = (10_000, 1000) if ctx.quick else (50_000, 1000)
    out: dict[str, Any] = {"messages": messages, "rate": rate}
    for mode in ("process", "thread"):
        t0 = time.monotonic()
        runtime = runtime_for(ctx, "chaos", mode, max_consumers=6)
        try:
            plan = Chaos(messages=messages, rate=rate, settle_s=SETTLE_S)
            report = run_chaos(runtime, plan)
            report["at_the_end"] = _group_state(runtime)
        finally:
            runtime.stop()
        report["actions_log"] = plan.actions
        report["total_s"] = round(time.monotonic() - t0, 1)
        out[mode] = report
        log(f"chaos {mode}: { {k: v for k, v in report.items() if k != 'actions_log'} }")
    return {**out, **out["process"]}
