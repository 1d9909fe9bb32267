"""Where the window opens and how big, and the layout each user leaves behind.

Geometry, splitter positions and docks are saved on close and restored on open, in the
app's QSettings. A layout saved by a window of another shape is not restored.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter

# Bumped when the layout changes shape: a layout saved by an older window is not restored
# into this one (its splitters and docks would mean something else).
LAYOUT_VERSION = 2


def screen_area(window: QMainWindow) -> tuple[int, int]:
    """The available size of the screen the window is on (or the primary one)."""
    area = (window.screen() or QGuiApplication.primaryScreen()).availableGeometry()
    return area.width(), area.height()


def centre(window: QMainWindow) -> None:
    """Put the window in the middle of its screen's available area."""
    area = (window.screen() or QGuiApplication.primaryScreen()).availableGeometry()
    frame = window.frameGeometry()
    frame.moveCenter(area.center())
    window.move(frame.topLeft())


class LayoutMemory:
    """A window's geometry, its ``splitters`` and the docks of ``docked`` in ``settings``
    (none: nothing is read or written)."""

    def __init__(
        self,
        settings: QSettings | None,
        window: QMainWindow,
        splitters: dict[str, QSplitter],
        docked: QMainWindow,
    ) -> None:
        self.settings, self.window = settings, window
        self.splitters, self.docked = splitters, docked

    def restore(self) -> None:
        if self.settings is None:
            return
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.window.restoreGeometry(geometry)
        if _int(self.settings.value("window/layout")) != LAYOUT_VERSION:
            return  # saved by an older window: its splitters and docks meant other parts
        for name, splitter in self.splitters.items():
            state = self.settings.value(f"splitters/{name}")
            if isinstance(state, QByteArray):
                splitter.restoreState(state)
        docks = self.settings.value("docks/state")
        if isinstance(docks, QByteArray):
            self.docked.restoreState(docks, LAYOUT_VERSION)

    def save(self) -> None:
        if self.settings is None:
            return
        self.settings.setValue("window/geometry", self.window.saveGeometry())
        self.settings.setValue("window/layout", LAYOUT_VERSION)
        for name, splitter in self.splitters.items():
            self.settings.setValue(f"splitters/{name}", splitter.saveState())
        self.settings.setValue("docks/state", self.docked.saveState(LAYOUT_VERSION))
        self.settings.sync()


def _int(value: object) -> int | None:
    """A QSettings value as int (ini files give strings back)."""
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
