"""Fleet commands and exports, off the GUI thread; what they answer shows in the status bar.

A command to a consumer in another process waits for its acknowledgement, and an export
of 100,000 records takes a moment: neither may freeze the window. Both run on a small
pool; their outcome comes back as a signal, queued onto the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal

from gui.consumer_grid import ConsumerGrid
from gui.translation import translate
from messaging.audit import NoTrafficLog
from messaging.group import Fleet

Command = Callable[..., None]  # runs a fleet call off the GUI thread


class CommandRunner(QObject):
    """Runs calls on the ``gui-command`` threads; ``said`` carries what the user should read
    (a refusal, an export's outcome), emitted from those threads."""

    said = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="gui-command")

    def run(self, call: Callable[..., object], *args: object, **kwargs: object) -> None:
        """Run a fleet command; a refusal is said, not raised."""

        def work() -> None:
            try:
                call(*args, **kwargs)
            except Exception as exc:  # shown to the user, not raised
                self.said.emit(str(exc) or type(exc).__name__)

        self._pool.submit(work)

    def export(self, write: Callable[[str], str], path: str) -> None:
        """Run ``write(path)``, which returns the sentence that tells how it went."""

        def work() -> None:
            try:
                self.said.emit(write(path))
            except (OSError, NoTrafficLog) as exc:
                self.said.emit(translate("MainWindow", "Export failed: {error}").format(error=exc))

        self._pool.submit(work)

    def shutdown(self, wait: bool) -> None:
        """No new work; ``wait`` joins the threads, so none is left to emit afterwards."""
        self._pool.shutdown(wait=wait, cancel_futures=True)


def wire_grid(grid: ConsumerGrid, fleet: Fleet, command: Command) -> None:
    """A grid's buttons drive its own group's fleet, each call through ``command``."""
    grid.add_requested.connect(lambda kind: command(fleet.add, None, 0.0, kind))
    grid.stop_requested.connect(lambda consumer_id: command(fleet.stop, consumer_id, None))
    grid.crash_requested.connect(lambda consumer_id: command(fleet.crash, consumer_id))
    grid.forget_requested.connect(lambda consumer_id: command(fleet.forget, consumer_id))
    grid.delay_changed.connect(
        lambda consumer_id, ms: command(fleet.configure, consumer_id, processing_ms=ms)
    )
