"""The worst case the app's bounds allow together, measured: is it still served and shown?

    QT_QPA_PLATFORM=offscreen ./run scripts/worst_case.py [--broker tansu|apache]

Every bound at its cap at once: a topic of limits.PARTITIONS' most partitions, the most
groups (runtime.MAX_GROUPS), the most live consumers all groups together
(limits.LIVE_CONSUMERS, OS processes), a burst of 20,000 messages from the window's send
panel, which every group processes. Measured, with the real window (offscreen) and the
REST API: the window's event-loop stalls during the burst (a 10 ms timer's lateness),
/health's answer time, an export of the 20,000 messages, the idle CPU of the whole system
(app, consumers and broker) afterwards, and a screenshot of the partition map at the cap.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from scripts.burst_probe import run_and_print, start_burst, stop_burst_probe, until

COUNT = 20_000


def timed_get(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as answer:
        size = len(answer.read())
    return (time.perf_counter() - started) * 1000, size


def system_cpu(runtime, seconds: float) -> dict[str, float]:
    """Percent of one core over ``seconds``: the app, its consumers, the broker."""
    import psutil

    me = psutil.Process()
    family = [me, *me.children(recursive=True)]
    for p in family:
        p.cpu_percent(None)
    time.sleep(seconds)
    app = me.cpu_percent(None)
    broker_pid = runtime.broker.pid if runtime.broker else None
    broker = sum(p.cpu_percent(None) for p in family[1:] if p.pid == broker_pid)
    rest = sum(p.cpu_percent(None) for p in family[1:] if p.pid != broker_pid)
    return {"app": round(app, 1), "consumers": round(rest, 1), "broker": round(broker, 1)}


async def worst(window, runtime, url: str, shot: Path, groups: int, per_group: int) -> dict:
    from tests.conftest import all_assigned

    for n in range(1, groups):
        runtime.add_group(f"extra-{n}", consumers=per_group, kind="process")

    def formed() -> bool:
        return all(all_assigned(runtime, f) for f in runtime.groups())

    await until(formed, 180, lambda: "the groups did not form", step=0.2)
    live = sum(len(f.live()) for f in runtime.groups())
    probe, started = start_burst(window, COUNT)
    deliveries = COUNT * groups
    await until(
        lambda: (
            runtime.ledger.totals()["processed"] >= deliveries and window.model.rowCount() >= COUNT
        ),
        600,
        lambda: f"only {runtime.ledger.totals()['processed']} processed",
        step=0.05,
    )
    elapsed, gaps = stop_burst_probe(probe, started)
    await asyncio.sleep(2)
    window.grab().save(str(shot))
    health = sorted([await asyncio.to_thread(timed_get, f"{url}/health") for _ in range(50)])
    export_ms, export_bytes = await asyncio.to_thread(timed_get, f"{url}/api/export/messages")
    cpu = await asyncio.to_thread(system_cpu, runtime, 20.0)
    return {
        "partitions": runtime.partitions,
        "groups": len(runtime.groups()),
        "live consumers": live,
        "messages (deliveries)": f"{COUNT:,} ({deliveries:,})",
        "burst seconds": round(elapsed, 1),
        "stall p99 / longest ms": f"{gaps[int(len(gaps) * 0.99) - 1]:.0f} / {gaps[-1]:.0f}",
        "stall median ms": round(statistics.median(gaps), 1),
        "/health p50 / p99 ms": f"{health[25][0]:.1f} / {health[48][0]:.1f}",
        "export ms (MB)": f"{export_ms:.0f} ({export_bytes / 2**20:.1f})",
        "idle CPU % of a core": cpu,
        "screenshot": str(shot),
    }


def main() -> int:

    from api.server import ApiServer
    from messaging.core import limits
    from messaging.core.config import Settings
    from messaging.runtime import MAX_GROUPS, Runtime

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--broker", choices=("tansu", "apache"), default="tansu")
    parser.add_argument("--shot", type=Path, default=Path("worst-case.png"))
    parser.add_argument("--groups", type=int, default=MAX_GROUPS, help="default: the cap")
    parser.add_argument(
        "--consumers", type=int, default=limits.LIVE_CONSUMERS, help="all groups; default: the cap"
    )
    parser.add_argument("--partitions", type=int, default=limits.PARTITIONS[1])
    args = parser.parse_args()
    per_group = args.consumers // args.groups
    log_dir = tempfile.mkdtemp(prefix="p2p-worst-")
    settings = Settings(
        log_file=f"{log_dir}/messages.log",
        log_to_stderr=False,
        broker=args.broker,
        partitions=args.partitions,
        consumers=per_group,
        processing_ms=0,
        session_timeout_ms=6000,
    )
    runtime = Runtime(settings).start()
    api = ApiServer(runtime, "127.0.0.1", 0)
    url = api.start()

    async def scenario(window) -> dict:
        window.resize(1366, 768)
        return await worst(window, runtime, url, args.shot, args.groups, per_group)

    return run_and_print(runtime, scenario, "worst-case", log_dir, api.stop)


if __name__ == "__main__":
    sys.exit(main())
