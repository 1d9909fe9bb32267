"""The window's central widget: the partition map over the story and the message list.

Top to bottom (gui.screen_layout has the sizes): the app's group's partition map; the
send form beside the groups' cards; the message list with its docks. Two splitters
divide them, and neither lets a short screen hide a part.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from gui import screen_layout
from gui.dock_area import DockArea
from gui.timeline import height_for
from gui.widgets import VerticalScroll

LANES_SHOWN = 5  # the timeline's dock has room for this many lanes; it scrolls beyond


class WindowBody(QWidget):
    """``splitters`` by name (``main``: story over list, ``top``: send form beside the
    cards); ``send_scroll`` holds the send form; ``lower`` is the list and its docks."""

    def __init__(self, above: QWidget, send: QWidget, groups: QWidget, lower: DockArea) -> None:
        super().__init__()
        self.send_scroll = VerticalScroll(send)  # never sideways
        self.lower = lower
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.send_scroll)
        top.addWidget(groups)
        top.setStretchFactor(1, 1)
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(top)
        main.addWidget(lower)
        main.setStretchFactor(1, 1)
        for splitter in (top, main):  # a short screen squeezes a part, never hides it
            splitter.setCollapsible(0, False)
            splitter.setCollapsible(1, False)
        self.splitters = {"main": main, "top": top}
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 8, 10, 4)
        box.addWidget(above)
        box.addWidget(main, 1)

    def lay_out(self, w: int, h: int) -> None:
        """Splitters and docks as :mod:`screen_layout` divides a ``w x h`` window."""
        sizes = screen_layout.splitter_sizes(w, h)
        for name in ("main", "top"):
            self.splitters[name].setSizes(sizes[name])
        lower = sizes["main"][1]
        # Room for some lanes: the timeline grows a lane per consumer, its dock does not.
        self.lower.arrange(
            screen_layout.docks_stacked(lower), sizes["docks"][0], (lower, height_for(LANES_SHOWN))
        )
