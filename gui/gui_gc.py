"""Python's cyclic garbage collection, run on the GUI thread only, while a window is up.

Consumer threads, kafka-python's I/O threads and the REST threads allocate all the
time, so an automatic collection usually runs on one of them. When the garbage it
finds holds a Qt object, Qt destroys that object on a thread that does not own it,
which Qt does not allow and which can crash the GUI thread. qasync's event loop is such
garbage: it sits in a reference cycle with its timer and call-soon signaller, both
QObjects. Measured: of 300 qasync loops dropped beside two allocating threads, 243 had
their timer destroyed off the GUI thread; a CI run lost a test worker to a fatal signal
right where ``run_window`` returns.

pyqtgraph's ``GarbageCollector`` answers this the same way: automatic collection off,
and a timer on the GUI thread that collects each generation when its count says one is
due. Memory is reclaimed at most ``interval_ms`` later than Python would have.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Create and :meth:`start` on the GUI thread; :meth:`stop` collects once more there."""

    def __init__(self, interval_ms: int = INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._was_enabled = gc.isenabled()
        self.collections = 0

    def start(self) -> GuiThreadCollector:
        """Turn automatic collection off; from now on only this thread collects."""
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()
        return self

    def check(self) -> None:
        """Collect the youngest generations whose counts passed their thresholds.

        Python's own rule, less its extra check before a full collection: at one young
        collection per tick at most, a full one comes at most every ~121 ticks (~60 s).
        """
        counts, thresholds = gc.get_count(), gc.get_threshold()
        due = -1
        for generation in range(min(len(counts), len(thresholds))):
            if counts[generation] <= thresholds[generation]:
                break
            due = generation
        if due >= 0:
            gc.collect(due)
            self.collections += 1

    def stop(self) -> None:
        """Collect everything now, here, then give collection back to Python."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
