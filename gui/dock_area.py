"""The message list and the docks beside it: a main window of its own inside the window.

The timeline, the rate chart, the log and the selected message's record sit in docks
the user can move, tab, float (detach) or close; the View menu shows them again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabWidget, QWidget

DOCK_AREA = Qt.DockWidgetArea.RightDockWidgetArea
STACKED = ("timeline", "chart", "log")  # one over another on a tall screen
DOCK_FRAME_H = 34  # a dock's title bar and frame, around its widget
CHART_MIN_H = 140


class DockArea(QMainWindow):
    """The list in the middle, ``docks`` (by name, in View-menu order) on its right."""

    def __init__(self, central: QWidget, docked: dict[str, tuple[str, QWidget]]) -> None:
        super().__init__()
        self.setWindowFlags(Qt.WindowType.Widget)
        self.setObjectName("lower")  # theme.qss styles its separators
        self.setCentralWidget(central)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
        )
        self.setTabPosition(Qt.DockWidgetArea.AllDockWidgetAreas, QTabWidget.TabPosition.North)
        self.docks = {name: _dock(name, title, widget) for name, (title, widget) in docked.items()}
        for dock in self.docks.values():
            self.addDockWidget(DOCK_AREA, dock)

    def arrange(self, stacked: bool, width: int, heights: tuple[int, int]) -> None:
        """The docks as they come by default: on a short screen one group of tabs (the
        timeline raised), each tab with the whole height; on a tall one the timeline over
        the chart over the log's tabs. ``heights``: the lower part's and the timeline's."""
        d = self.docks
        for dock in d.values():
            dock.setFloating(False)
            self.removeDockWidget(dock)
        if stacked:
            for name in STACKED:
                self.addDockWidget(DOCK_AREA, d[name], Qt.Orientation.Vertical)
            self.tabifyDockWidget(d["log"], d["message"])
        else:
            self.addDockWidget(DOCK_AREA, d["timeline"])
            for name in ("chart", "log", "message"):
                self.tabifyDockWidget(d["timeline"], d[name])
        for dock in d.values():
            dock.show()
        d["log"].raise_()
        d["timeline"].raise_()
        self.resizeDocks([d["timeline"]], [width], Qt.Orientation.Horizontal)
        if stacked:
            lower, timeline = heights
            timeline += DOCK_FRAME_H
            chart = max(CHART_MIN_H, (lower - timeline) // 3)
            self.resizeDocks(
                [d["timeline"], d["chart"], d["log"]],
                [timeline, chart, lower - timeline - chart],
                Qt.Orientation.Vertical,
            )

    def view_actions(self) -> dict[str, QAction]:
        """Show, hide or raise each dock: ``view_<name>`` actions, in order."""
        actions = {}
        for name, dock in self.docks.items():
            action = dock.toggleViewAction()
            action.setObjectName(f"view_{name}")
            actions[f"view_{name}"] = action
        return actions


def _dock(name: str, title: str, widget: QWidget) -> QDockWidget:
    """A dock the user can move, tab, float (detach) or close (View brings it back)."""
    dock = QDockWidget(title)
    dock.setObjectName(f"dock_{name}")  # saveState finds it by its name
    dock.setWidget(widget)
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        | QDockWidget.DockWidgetFeature.DockWidgetClosable
    )
    return dock
