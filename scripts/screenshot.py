"""Regenerate the README's pictures: the real window under Xvfb, mid-demo.

    ./run scripts/screenshot.py            # starts itself under xvfb-run when needed
    ./run scripts/screenshot.py --size 1366x768 --scenario groups --out /tmp/groups.png
    ./run scripts/screenshot.py --lang es --out /tmp/es.png   # the window in Spanish
    ./run scripts/screenshot.py --broker apache --out /tmp/kafka.png   # on Apache Kafka
    ./run scripts/screenshot.py --all      # every size and language into resources/

The window fills a screen of ``--size`` (no window manager: no frame), laid out as it
lays itself out for that size.

Scenario: 4 consumers with different processing delays, a steady stream of keyed
messages, then one consumer crashed; the shot is taken after its partitions moved
to the survivors, so the timeline shows the gap. The broker is stopped at the end.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _option(name: str, default: str) -> str:
    args = sys.argv[1:]
    return args[args.index(name) + 1] if name in args[:-1] else default


OUT = Path(_option("--out", str(ROOT / "resources" / "screenshot.png")))
SIZE = tuple(int(n) for n in _option("--size", "1366x768").split("x"))
SCENARIO = _option("--scenario", "crash")  # crash: one group; groups: two, one crash
LANGUAGE = _option("--lang", "en")  # the window's language: en (the README's picture) or es
BROKER = _option("--broker", "tansu")  # the embedded broker: tansu or apache


def under_xvfb() -> int:
    """Re-run this script on a private virtual X display of the window's size."""
    command = [
        "xvfb-run",
        "-a",
        "-s",
        f"-screen 0 {SIZE[0]}x{SIZE[1]}x24",
        sys.executable,
        __file__,
        *sys.argv[1:],
        "--inside",
    ]
    return subprocess.run(command, timeout=180, check=False).returncode


async def until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def scenario(runtime) -> None:
    """Drive the window the way a person would, capture the screen, close the window."""
    from tests.conftest import all_assigned

    await until(lambda: _window() is not None, 10, "the window")
    window = _window()
    try:
        window.setGeometry(0, 0, *SIZE)
        window.lay_out(*SIZE)
        await until(lambda: all_assigned(runtime), 20, "the group to form")
        if SCENARIO == "groups":
            window.add_group("analytics", "sticky", 2)
            await until(lambda: "analytics" in window.groups.panels, 10, "the second group")
            await until(lambda: _settled(runtime, "analytics"), 30, "the second group to form")
        for consumer_id, delay in zip(sorted(window.grid.cards), (90, 140, 60, 110), strict=False):
            window.grid.cards[consumer_id].delay.setValue(delay)
        panel = window.send_panel
        panel.burst_count.setValue(5000)
        panel.burst_rate.setValue(16)
        panel.burst_button.click()
        await asyncio.sleep(6)
        victim = window.grid.cards[sorted(window.grid.cards)[1]]
        victim.crash_button.click()
        # Only then can "all assigned" mean the survivors took over (before, it could
        # still mean the group from before the crash).
        await until(lambda: victim.snapshot.state == "crashed", 10, "the crash")
        if SCENARIO == "groups":
            await asyncio.sleep(3.5)  # mid-crash: its partitions wait, the other group goes on
        else:
            await until(lambda: all_assigned(runtime), 30, "the survivors to take over")
            await asyncio.sleep(4)
        _select_redelivered(window)
        await asyncio.sleep(0.6)
        await asyncio.get_running_loop().run_in_executor(None, capture)
    finally:
        window.close()


def _settled(runtime, group: str) -> bool:
    fleet = runtime.fleets.get(group)
    return (
        bool(fleet) and len(fleet.view().owners) == runtime.partitions and not fleet.rebalancing()
    )


def _window():
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow

    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    return found[0] if found and found[0].isVisible() else None


def _select_redelivered(window) -> None:
    """Select a message whose story shows a redelivery, if one is listed."""
    model = window.model
    rows = range(min(model.rowCount(), 3000))
    redelivered = [r for r in rows if model.row_at(r).redelivered]
    done = [r for r in redelivered if model.row_at(r).status == "processed"]
    window.messages.table.selectRow((done or redelivered or [5])[0])


def capture() -> None:
    """The X root window, as a person would see the screen, reduced to stay small."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.png"
        subprocess.run(["import", "-window", "root", str(raw)], check=True, timeout=30)
        subprocess.run(
            ["convert", str(raw), "-colors", "256", "-strip", f"PNG8:{OUT}"],
            check=True,
            timeout=30,
        )
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB)")


def inside() -> int:
    """Runs on the virtual display: real runtime, REST API, run_window and broker."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from api.server import ApiServer
    from gui.app import display_problem, run_window
    from messaging.core.config import Settings
    from messaging.runtime import Runtime

    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    log_dir = tempfile.mkdtemp(prefix="p2p-shot-")
    from PySide6.QtCore import QSettings

    # A fresh layout for the picture: never the user's remembered one.
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, log_dir)
    consumers = 3 if SCENARIO == "groups" else 4
    settings = Settings(
        consumers=consumers, log_file=f"{log_dir}/messages.log", log_to_stderr=False, broker=BROKER
    )
    runtime = Runtime(settings).start()
    server = ApiServer(runtime, "127.0.0.1", 0)
    outcome: list[asyncio.Task] = []
    try:
        app = QApplication.instance() or QApplication(["screenshot"])
        QTimer.singleShot(0, lambda: outcome.append(asyncio.ensure_future(scenario(runtime))))
        code = run_window(runtime, server.start(), lang=LANGUAGE)
        del app
    finally:
        server.stop()
        runtime.stop()
        shutil.rmtree(log_dir, ignore_errors=True)
    if outcome and outcome[0].done() and not outcome[0].cancelled() and outcome[0].exception():
        raise outcome[0].exception()
    return code


SHOTS = [  # (size, language, scenario, file under resources/): the READMEs' pictures
    ("1366x768", "en", "crash", "screenshot.png"),
    ("1280x720", "en", "crash", "screenshots/en-1280x720.png"),
    ("1280x720", "es", "crash", "screenshots/es-1280x720.png"),
    ("1366x768", "es", "crash", "screenshots/es-1366x768.png"),
    ("1920x1080", "en", "crash", "screenshots/en-1920x1080.png"),
    ("1920x1080", "en", "groups", "screenshot-groups.png"),
]


def all_shots() -> int:
    """Every picture the READMEs show, one run each (each its own display and broker)."""
    for size, lang, scenario, name in SHOTS:
        out = ROOT / "resources" / name
        out.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, __file__, "--size", size, "--lang", lang]
        command += ["--scenario", scenario, "--out", str(out)]
        if subprocess.run(command, timeout=240, check=False).returncode:
            return 1
    return 0


if __name__ == "__main__":
    if "--all" in sys.argv:
        sys.exit(all_shots())
    if "--inside" in sys.argv:
        sys.exit(inside())
    if not os.environ.get("DISPLAY"):
        sys.exit(under_xvfb())
    sys.exit(inside())
