"""What the window's menus and shortcuts do: consumers, groups, topic, exports, About.

Each command runs through the window's :class:`CommandRunner` (off the GUI thread); a
dialog asks first where the menu needs an answer.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMainWindow, QMessageBox

from gui import dialogs, exports
from gui.about import show_about
from gui.commands import CommandRunner
from gui.consumer_grid import ConsumerGrid
from gui.status_bar import StatusBar
from gui.translation import translate
from gui.viewmodels.group import group_names
from messaging.runtime import Runtime

HINT_MS = 5000  # how long the status bar shows a hint


class WindowActions:
    """The window's commands, on the GUI thread. Stop and Crash act on the selected card
    of the app's group (``grid``)."""

    def __init__(
        self,
        window: QMainWindow,
        runtime: Runtime,
        grid: ConsumerGrid,
        status: StatusBar,
        commands: CommandRunner,
    ) -> None:
        self.window, self.runtime, self.grid = window, runtime, grid
        self.status, self.commands = status, commands
        self.about_box: QMessageBox | None = None

    # ----- consumers of the app's group ----------------------------------------------
    def add(self, kind: str) -> None:
        self.commands.run(self.runtime.fleet.add, None, 0.0, kind)

    def stop_selected(self) -> None:
        self._on_selected(
            lambda consumer_id: self.commands.run(self.runtime.fleet.stop, consumer_id, None)
        )

    def crash_selected(self) -> None:
        self._on_selected(
            lambda consumer_id: self.commands.run(self.runtime.fleet.crash, consumer_id)
        )

    def _on_selected(self, act: Callable[[int], None]) -> None:
        consumer_id = self.grid.selected
        if consumer_id is None:
            self.status.showMessage(
                translate("MainWindow", "Select a consumer first: click its card"), HINT_MS
            )
        else:
            act(consumer_id)

    # ----- groups and topic ----------------------------------------------------------
    def add_group(self, name: str, assignor: str, consumers: int = 2) -> None:
        """Another group on the topic (publish-subscribe); its panel appears beside."""
        self.commands.run(self.runtime.add_group, name, assignor, consumers)

    def ask_add_group(self) -> None:
        number = len(group_names(self.runtime)) + 1
        answer = dialogs.ask_group(self.window, number, self.runtime.profile)
        if answer:
            self.add_group(*answer)

    def switch_topic(self, partitions: int) -> None:
        """A new topic with ``partitions`` (tansu cannot add partitions to one)."""
        self.commands.run(self.runtime.switch_topic, partitions)

    def ask_switch_topic(self) -> None:
        partitions = dialogs.ask_partitions(self.window, self.runtime.partitions)
        if partitions is not None:
            self.switch_topic(partitions)

    # ----- exports -------------------------------------------------------------------
    def export_history(self, path: str) -> str:
        """Write the message history to ``path`` (CSV for .csv, else JSON lines)."""
        return exports.export_history(self.runtime.ledger, path)

    def export_traffic(self, path: str) -> str:
        """Copy the traffic log file to ``path``."""
        return exports.export_traffic(self.runtime.settings.log_file, path)

    def ask_export_history(self) -> None:
        path = dialogs.ask_history_path(self.window)
        if path:
            self.commands.export(self.export_history, path)

    def ask_export_traffic(self) -> None:
        path = dialogs.ask_traffic_path(self.window)
        if path:
            self.commands.export(self.export_traffic, path)

    # ----- help ----------------------------------------------------------------------
    def show_about(self) -> QMessageBox:
        r = self.runtime
        self.about_box = show_about(self.window, r.broker_version, r.bootstrap_servers, r.profile)
        return self.about_box
