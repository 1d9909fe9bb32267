"""Consumer groups side by side: point-to-point in one, publish-subscribe across them.

The app's own group keeps the window's main partition map and card grid. Every other
group on the topic gets a panel of its own next to it — its name and assignor, its
partition map (owners and lag) and its cards — created the moment it appears (added
from the window, over REST, or by a consumer started by hand with another group).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLabel, QSplitter, QVBoxLayout, QWidget

from gui.consumer_grid import ConsumerGrid
from gui.partition_map import PartitionMap
from gui.translation import translate
from messaging.broker.profile import BrokerProfile
from messaging.consumer.worker import ASSIGNORS
from messaging.core.events import ConsumerSnapshot, Delivery, GroupChange
from messaging.runtime import Runtime

Command = Callable[..., None]  # runs a fleet call off the GUI thread


class GroupPanel(QWidget):
    """One more group: title, partition map, cards. GUI thread only."""

    def __init__(self, runtime: Runtime, group: str, command: Command) -> None:
        super().__init__()
        self.runtime, self.group = runtime, group
        fleet = runtime.fleets[group]
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.partition_map = PartitionMap(runtime.partitions)
        self.partition_map.badge_w = 120  # half a window: the partitions need the room
        self.grid = ConsumerGrid(runtime.settings.consumer_mode)
        self.grid.title.setText(translate("GroupPanel", "Its consumers"))
        self.grid.add_requested.connect(lambda kind: command(fleet.add, None, 0.0, kind))
        self.grid.stop_requested.connect(lambda cid: command(fleet.stop, cid, None))
        self.grid.crash_requested.connect(lambda cid: command(fleet.crash, cid))
        self.grid.forget_requested.connect(lambda cid: command(fleet.forget, cid))
        self.grid.delay_changed.connect(
            lambda cid, ms: command(fleet.configure, cid, processing_ms=ms)
        )
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 0, 0, 0)
        box.addWidget(self.title)
        box.addWidget(self.partition_map)
        box.addWidget(self.grid, 1)
        self.grid.apply({s.id: s for s in fleet.snapshots()}, [])
        self.tick()

    def tick(self) -> None:
        """Owners, lag and state of this group, from the runtime's read models."""
        fleet = self.runtime.fleets.get(self.group)
        monitor = self.runtime.monitors.get(self.group)
        if fleet is None or monitor is None:
            return
        self.partition_map.partitions = self.runtime.partitions
        view = fleet.view()
        self.partition_map.show_view(view, dict(monitor.lag))
        self.grid.apply({s.id: s for s in view.members}, [])
        self.title.setText(
            translate(
                "GroupPanel",
                "Group <b>{group}</b> · {assignor} · "
                "<span style='color:#8C93A5'>gets every message too</span>",
            ).format(group=self.group, assignor=fleet.settings.assignor)
        )
        self.grid.tick(None)


class GroupsArea(QSplitter):
    """The app's group's grid, then one panel per other group, side by side."""

    def __init__(self, runtime: Runtime, primary: ConsumerGrid, command: Command) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.runtime, self.primary, self._command = runtime, primary, command
        self.panels: dict[str, GroupPanel] = {}
        self.addWidget(primary)

    def apply(self, snapshots: dict[int, ConsumerSnapshot], deliveries: list[Delivery]) -> None:
        """Route one batch to the grid of each consumer's group."""
        main = self.runtime.settings.group
        snaps: dict[str, dict[int, ConsumerSnapshot]] = defaultdict(dict)
        for cid, snap in snapshots.items():
            snaps[snap.group or main][cid] = snap
        done: dict[str, list[Delivery]] = defaultdict(list)
        for d in deliveries:
            done[d.group or main].append(d)
        for group in {*snaps, *done}:
            grid = self.primary if group == main else self._panel(group)
            if grid is not None:
                grid.apply(snaps.get(group, {}), done.get(group, []))

    def remove(self, removed: list[GroupChange]) -> None:
        """Drop the cards of consumers the core forgot (REST DELETE, or a card's ✕)."""
        main = self.runtime.settings.group
        for change in removed:
            group = change.group or main
            panel = self.panels.get(group)
            grid = self.primary if group == main else panel.grid if panel else None
            if grid is not None:
                grid.dismiss(change.consumer_id)

    def _panel(self, group: str) -> ConsumerGrid | None:
        panel = self.panels.get(group)
        if panel is None:
            if group not in self.runtime.fleets:
                return None
            panel = self.panels[group] = GroupPanel(self.runtime, group, self._command)
            self.addWidget(panel)
            self.setSizes([self.width() // self.count()] * self.count())
        return panel.grid

    def tick(self) -> None:
        for group in self.runtime.fleets:
            if group != self.runtime.settings.group:
                self._panel(group)
        for panel in self.panels.values():
            panel.tick()


def ask_group(
    parent: QWidget, number: int, profile: BrokerProfile | None = None
) -> tuple[str, str] | None:
    """Name and assignor of a new group, asked in two small dialogs; None if cancelled.

    The assignors offered are those of the broker's ``profile`` (all, when unknown).
    """
    name, ok = QInputDialog.getText(
        parent,
        translate("GroupPanel", "Add consumer group"),
        translate(
            "GroupPanel",
            "Another group on the same topic gets every message too (publish-subscribe).\n"
            "Group name:",
        ),
        text=f"grupo-{number}",
    )
    if not ok or not name.strip():
        return None
    assignor, ok = QInputDialog.getItem(
        parent,
        translate("GroupPanel", "Add consumer group"),
        translate("GroupPanel", "Assignment strategy:"),
        list(profile.assignors if profile is not None else ASSIGNORS),
        0,
        False,
    )
    return (name.strip(), assignor) if ok else None
