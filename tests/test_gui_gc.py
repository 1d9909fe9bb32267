"""Garbage holding Qt objects is collected on the GUI thread while a window is up.

Pure Qt and Python, no broker: two threads allocate cyclic garbage the way consumer
threads do, so Python's automatic collection would mostly run on them.
"""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, QTimer

from gui.gui_gc import GuiThreadCollector

pytestmark = pytest.mark.gui
DROPPED = 40


@pytest.fixture
def busy_threads() -> Iterator[None]:
    """Two threads that make cyclic garbage without pause, as consumer threads do."""
    stop = threading.Event()

    def churn() -> None:
        while not stop.is_set():
            for _ in range(100):
                node: dict = {}
                node["self"] = node

    threads = [threading.Thread(target=churn, name=f"churn-{i}") for i in range(2)]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5)
        assert not any(t.is_alive() for t in threads)


def drop_qt_garbage(qtbot, count: int) -> list[str]:
    """Drop ``count`` QObjects, each in a reference cycle; return the threads that freed them."""
    freed_on: list[str] = []
    for _ in range(count):
        holder = QObject()
        timer = QTimer(holder)  # a child with a timer, as qasync's loop has
        timer.start(1000)
        holder.cycle = {"holder": holder}  # reachable only through a cycle once dropped
        weakref.finalize(holder, lambda: freed_on.append(threading.current_thread().name))
        del holder, timer
        qtbot.wait(5)
    qtbot.waitUntil(lambda: len(freed_on) == count, timeout=10_000)
    return freed_on


def test_qt_garbage_is_freed_on_the_gui_thread_only(qtbot, busy_threads) -> None:
    was_enabled = gc.isenabled()
    collector = GuiThreadCollector(interval_ms=20).start()
    try:
        freed_on = drop_qt_garbage(qtbot, DROPPED)
    finally:
        collector.stop()
    assert set(freed_on) == {threading.main_thread().name}, freed_on
    assert collector.collections > 0
    assert gc.isenabled() == was_enabled  # collection is Python's again
