"""What a burst of 20,000 messages does to the window: event-loop stalls and memory.

    QT_QPA_PLATFORM=offscreen python scripts/burst_probe.py [--count 20000] [--no-chart]
                                                            [--consumer-mode process|thread]

Real runtime (embedded broker, 3 consumers: OS processes unless told otherwise), real
window, the burst started from the send panel at "max rate". A 10 ms QTimer measures
how late the event loop runs it; a stall is the lateness beyond 10 ms. RSS (of the
window's process only) is read with psutil before the burst and once every message
was processed and listed. ``--no-chart`` switches the rate chart off (neither counting
nor drawing), to measure what it costs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PROBE_MS = 10


class StallProbe:
    """Records how late a 10 ms timer fires while the burst runs."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(max((now - self._last) * 1000 - PROBE_MS, 0.0))
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()


async def burst(window, runtime, count: int) -> dict:
    import psutil

    from tests.conftest import all_assigned

    process = psutil.Process()
    await until(lambda: all_assigned(runtime), 20, lambda: "the group did not form")
    await asyncio.sleep(0.5)
    rss_before = process.memory_info().rss
    probe, started = start_burst(window, count)
    await until(
        lambda: window.grid.processed_total() >= count and window.model.rowCount() >= count,
        300,
        lambda: f"only {window.grid.processed_total()} processed",
        step=0.05,
    )
    elapsed, gaps = stop_burst_probe(probe, started)
    return {
        "messages": count,
        "seconds": round(elapsed, 2),
        "msgs_per_s": round(count / elapsed),
        "probe_ticks": len(gaps),
        "longest_stall_ms": round(gaps[-1], 1),
        "p99_stall_ms": round(gaps[int(len(gaps) * 0.99) - 1], 1),
        "median_stall_ms": round(statistics.median(gaps), 1),
        "drains": window.bridge.drains,
        "rss_before_mb": round(rss_before / 2**20, 1),
        "rss_after_mb": round(process.memory_info().rss / 2**20, 1),
    }


async def until(
    check: Callable[[], bool], seconds: float, what: Callable[[], str], step: float = 0.1
) -> None:
    """Wait on the window's loop until ``check()``; TimeoutError saying ``what()`` after
    ``seconds``."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(what())
        await asyncio.sleep(step)


def start_burst(window, count: int) -> tuple[StallProbe, float]:
    """Send ``count`` messages at full speed from the send panel, with a stall probe
    running; returns the probe and when the burst started."""
    probe = StallProbe()
    panel = window.send_panel
    panel.burst_count.setValue(count)
    panel.burst_rate.setValue(0)
    started = time.monotonic()
    probe.start()
    panel.burst_button.click()
    return probe, started


def stop_burst_probe(probe: StallProbe, started: float) -> tuple[float, list[float]]:
    """Stop the stall probe; (seconds since the burst started, the stalls sorted)."""
    elapsed = time.monotonic() - started
    probe.timer.stop()
    return elapsed, sorted(probe.gaps)


def drive_window(runtime, scenario: Callable[[Any], Awaitable[dict]], name: str) -> dict:
    """Open the app's window on ``runtime`` as the app does and run ``scenario(window)``
    on its event loop; returns what the scenario measured ({} if it failed). The window
    is closed afterwards; stopping the runtime is the caller's."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gui.app import run_window
    from gui.main_window import MainWindow

    result: dict = {}

    async def drive() -> None:
        while not [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]:
            await asyncio.sleep(0.05)
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
        try:
            result.update(await scenario(window))
        finally:
            window.close()

    app = QApplication.instance() or QApplication([name])
    QTimer.singleShot(0, lambda: asyncio.ensure_future(drive()))
    run_window(runtime, None)
    del app
    return result


def run_and_print(
    runtime, scenario: Callable[[Any], Awaitable[dict]], name: str, log_dir: str, *stops
) -> int:
    """:func:`drive_window`, then stop ``stops`` and the runtime, remove ``log_dir`` and
    print what was measured; the exit code (1 when the scenario measured nothing)."""
    result: dict = {}
    try:
        result = drive_window(runtime, scenario, name)
    finally:
        for stop in (*stops, runtime.stop):
            stop()
        shutil.rmtree(log_dir, ignore_errors=True)
    width = max(map(len, result), default=0)
    for key, value in result.items():
        print(f"{key:>{width}}: {value}")
    return 0 if result else 1


def main() -> int:
    from messaging.core.config import Settings
    from messaging.runtime import Runtime

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--no-chart", action="store_true", help="switch the rate chart off")
    parser.add_argument("--consumer-mode", choices=("process", "thread"), default="process")
    args = parser.parse_args()
    log_dir = tempfile.mkdtemp(prefix="p2p-probe-")
    settings = Settings(
        log_file=f"{log_dir}/messages.log", log_to_stderr=False, consumer_mode=args.consumer_mode
    )
    runtime = Runtime(settings).start()

    async def scenario(window) -> dict:
        window.rate_chart.set_active(not args.no_chart)
        chart = "off" if args.no_chart else "on"
        return {"chart": chart, **await burst(window, runtime, args.count)}

    return run_and_print(runtime, scenario, "burst-probe", log_dir)


if __name__ == "__main__":
    sys.exit(main())
