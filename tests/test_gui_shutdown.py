"""run_window itself: it runs until the window closes and leaves no thread behind."""

from __future__ import annotations

import asyncio
import threading
import time
import weakref

import psutil
import pytest
import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from api.server import ApiServer
from gui.app import display_problem, run_window
from gui.main_window import MainWindow
from messaging.runtime import Runtime
from tests.conftest import all_assigned, settings_for

pytestmark = pytest.mark.gui
OUR_THREADS = ("gui-send", "consumer-C", "lag-monitor", "rest-api")


def test_closing_the_window_leaves_nothing_behind(qapp, tmp_path) -> None:
    before = {t.ident for t in threading.enumerate()}
    # Thread consumers: their "consumer-C<n>" threads are what must not outlive the window
    # (process consumers have none in this process).
    runtime = Runtime(settings_for(tmp_path, consumer_mode="thread")).start()
    server = ApiServer(runtime, "127.0.0.1", 0)
    url = server.start()
    broker_pid = runtime.broker.pid
    seen: dict[str, object] = {}
    deadline = time.monotonic() + 30

    def poll() -> None:
        """Runs inside run_window's loop: send once the group is up, then close."""
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        if not windows or not windows[0].isVisible():
            return
        window = windows[0]
        if all_assigned(runtime) and "sent" not in seen:
            seen["sent"] = True
            seen["running"] = {
                t.name for t in threading.enumerate() if t.name.startswith(OUR_THREADS)
            }
            window.send_panel.send_button.click()
        elif window.grid.processed_total() >= 1 or time.monotonic() > deadline:
            seen["processed"] = window.grid.processed_total()
            seen["api"] = window.status.api_url
            seen["window"] = window
            seen["loop"] = weakref.ref(asyncio.get_event_loop())
            window.close()

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(50)
    try:
        assert display_problem() is None  # offscreen: nothing to complain about
        assert run_window(runtime, url) == 0
        # Gone on this thread before run_window returned: left to Python's collector, the
        # loop's QObjects were destroyed on a consumer thread, which crashed a CI worker.
        assert not shiboken6.isValid(seen["window"])
        assert seen["loop"]() is None
    finally:
        timer.stop()
        server.stop()
        runtime.stop()
    assert seen["processed"] == 1 and seen["api"] == url
    running = {name.rstrip("0123456789") for name in seen["running"]}
    assert {"consumer-C", "lag-monitor", "rest-api"} <= running, seen["running"]
    left = [t.name for t in threading.enumerate() if t.ident not in before and t.is_alive()]
    assert not [n for n in left if n.startswith(OUR_THREADS)], left
    assert not psutil.pid_exists(broker_pid) or psutil.Process(broker_pid).status() == "zombie"
