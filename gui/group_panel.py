"""Consumer groups side by side: point-to-point in one, publish-subscribe across them.

Every group is drawn by one :class:`GroupDisplay`: a look at the group (the view model's
:class:`GroupLook`) given to its partition map and its cards at once. The app's own
group draws into the window's main partition map (across the top) and the first grid;
every other group on the topic gets a panel of its own next to it — its name and
assignor, its partition map and its cards — created the moment it appears (added from
the window, over REST, or by a consumer started by hand with another group).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from gui.commands import Command, wire_grid
from gui.consumer_grid import ConsumerGrid
from gui.partition_map import PartitionMap
from gui.translation import translate
from gui.viewmodels.group import GroupBatch, GroupLook, fleet_named, group_names, read_group
from messaging.core.reasons import Reason
from messaging.runtime import Runtime

PANEL_BADGE_W = 120  # half a window: the partitions need the room


class GroupDisplay:
    """One group's partition map and cards, drawn from one look. GUI thread only.

    ``idle`` says why idle consumers of the group wait (the app's group only).
    """

    def __init__(
        self,
        runtime: Runtime,
        group: str,
        partition_map: PartitionMap,
        grid: ConsumerGrid,
        idle: Callable[[], Reason | None] | None = None,
    ) -> None:
        self.runtime, self.group = runtime, group
        self.partition_map, self.grid = partition_map, grid
        self._idle = idle
        self.look: GroupLook | None = None  # the last one drawn

    def seed(self) -> None:
        """Cards for the consumers the group has now (before any event told of them)."""
        fleet = fleet_named(self.runtime, self.group)
        if fleet is not None:
            self.grid.apply({s.id: s for s in fleet.snapshots()}, [])

    def show(self) -> GroupLook | None:
        """Owners, lag and state of the group, on the map and the cards together."""
        look = read_group(self.runtime, self.group)
        if look is None:
            return None
        self.partition_map.partitions = look.partitions
        self.partition_map.show_view(look.view, look.lag)
        self.grid.apply(look.members, [])
        self.look = look
        return look

    def apply(self, part: GroupBatch) -> None:
        """The group's share of one batch: newest states, deliveries, forgotten cards."""
        if part.snapshots or part.deliveries:
            self.grid.apply(part.snapshots, part.deliveries)
        for consumer_id in part.removed:  # REST DELETE, or a card's ✕
            self.grid.dismiss(consumer_id)

    def tick(self) -> GroupLook | None:
        """The clock: a fresh look, then the cards' own clocks."""
        look = self.show()
        if look is not None:
            self.grid.tick(self._idle() if self._idle else None)
        return look


class GroupPanel(QWidget):
    """One more group: title, partition map, cards. GUI thread only."""

    def __init__(self, runtime: Runtime, group: str, command: Command) -> None:
        super().__init__()
        self.group = group
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.partition_map = PartitionMap(runtime.partitions)
        self.partition_map.badge_w = PANEL_BADGE_W
        self.grid = ConsumerGrid(runtime.settings.consumer_mode)
        self.grid.title.setText(translate("GroupPanel", "Its consumers"))
        fleet = fleet_named(runtime, group)
        if fleet is not None:
            wire_grid(self.grid, fleet, command)
        self.display = GroupDisplay(runtime, group, self.partition_map, self.grid)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 0, 0, 0)
        box.addWidget(self.title)
        box.addWidget(self.partition_map)
        box.addWidget(self.grid, 1)
        self.display.seed()
        self.tick()

    def tick(self) -> None:
        """The group's look, and its name and assignor over it."""
        look = self.display.tick()
        if look is None:
            return
        self.title.setText(
            translate(
                "GroupPanel",
                "Group <b>{group}</b> · {assignor} · "
                "<span style='color:#8C93A5'>gets every message too</span>",
            ).format(group=self.group, assignor=look.assignor)
        )


class GroupsArea(QSplitter):
    """The app's group's grid, then one panel per other group, side by side."""

    def __init__(self, runtime: Runtime, primary: GroupDisplay, command: Command) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.runtime, self.primary, self._command = runtime, primary, command
        self.panels: dict[str, GroupPanel] = {}
        self.addWidget(primary.grid)

    def apply(self, parts: dict[str, GroupBatch]) -> None:
        """Route one batch, split by group, to each group's display."""
        for group, part in parts.items():
            display = self._display(group, create=bool(part.snapshots or part.deliveries))
            if display is not None:
                display.apply(part)

    def _display(self, group: str, create: bool) -> GroupDisplay | None:
        if group == self.primary.group:
            return self.primary
        panel = self.panels.get(group)
        if panel is None and create and group in group_names(self.runtime):
            panel = self.panels[group] = GroupPanel(self.runtime, group, self._command)
            self.addWidget(panel)
            self.setSizes([self.width() // self.count()] * self.count())
        return panel.display if panel else None

    def tick(self) -> None:
        """Every group's clock; a panel for each group that has none yet."""
        for group in group_names(self.runtime):
            self._display(group, create=True)
        self.primary.tick()
        for panel in self.panels.values():
            panel.tick()
