"""The window: every widget wired to one runtime, fed by one bridge and one clock.

Two paths reach the widgets, both on the GUI thread: event batches from the bridge
(deliveries, sends, group changes, snapshots) and a 4 Hz clock that reads the core's
cheap read models through the view models (gui.viewmodels: each group's look, the
title, totals, the broker) and moves countdowns and the timeline on.

The parts live in modules of their own: the central widget (gui.window_body), the list
and its docks (gui.dock_area), the menus (gui.menus) and what they do
(gui.window_actions), the command threads (gui.commands) and the remembered layout
(gui.window_layout). This class builds them and passes the two feeds on.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QSettings, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QMessageBox

from gui import screen_layout
from gui.bridge import Batch, EventBridge
from gui.commands import CommandRunner, wire_grid
from gui.consumer_grid import ConsumerGrid
from gui.core_text import core_text
from gui.dock_area import DockArea
from gui.group_panel import GroupDisplay, GroupsArea
from gui.log_pane import LogPane
from gui.menus import window_menus
from gui.message_model import MessageModel
from gui.message_view import MessageView
from gui.partition_map import PartitionMap
from gui.rate_chart import RateChart
from gui.send_panel import SendPanel
from gui.status_bar import StatusBar
from gui.timeline import Lane, Segment, Timeline, height_for
from gui.translation import ensure_language_locale, translate
from gui.viewmodels.group import by_group
from gui.viewmodels.window import WindowModel
from gui.widgets import VerticalScroll
from gui.window_actions import WindowActions
from gui.window_body import WindowBody
from gui.window_layout import LayoutMemory, centre, screen_area
from messaging.runtime import Runtime

TICK_MS = 250
STATUS_MS = 10_000  # how long a command's or an export's outcome stays in the status bar
WARNING_MS = 15_000
TIMELINE_LANES = 4  # the timeline's dock shows this many lanes before it scrolls


class MainWindow(QMainWindow):
    """Shows and drives ``runtime``; closing it stops the window's own parts only.

    With ``settings`` (run_window passes the app's QSettings), the window's geometry,
    splitter positions and docks are restored on open and saved on close.
    """

    closed = Signal()

    def __init__(
        self,
        runtime: Runtime,
        api_url: str | None = None,
        settings: QSettings | None = None,
        api_failure: Callable[[], str | None] | None = None,
        api_token: str | None = None,
    ) -> None:
        super().__init__()
        ensure_language_locale()  # before any number is written
        self.runtime = runtime
        self.view_model = WindowModel(runtime, api_failure)
        self._show_title()
        self.status = _status_bar(runtime, api_url, api_token)
        self.setStatusBar(self.status)
        self.commands = CommandRunner(self)
        self.commands.said.connect(lambda text: self.status.showMessage(text, STATUS_MS))
        self._build()
        self.window_actions = WindowActions(self, runtime, self.grid, self.status, self.commands)
        self.actions_by_name = window_menus(
            self, self.window_actions, self.send_panel, self.lower, self.reset_layout
        )
        self.memory = LayoutMemory(settings, self, self.splitters, self.lower)
        self.reset_layout()  # for the screen it opens on, then what the last run left
        centre(self)
        self.memory.restore()
        self.bridge = EventBridge(parent=self)
        self.bridge.batch.connect(self.on_batch)
        self.bridge.attach(runtime.hub.subscribe)
        self._seed()
        self.clock = QTimer(self)
        self.clock.setInterval(TICK_MS)
        self.clock.timeout.connect(self.tick)
        self.clock.start()
        self._shut = False
        if runtime.warnings:
            self.status.showMessage(core_text(runtime.warnings[-1]), WARNING_MS)

    def _build(self) -> None:
        """The widgets, the app's group drawn like any other, and the layout around them."""
        rt, s = self.runtime, self.runtime.settings
        self.model = MessageModel(s.ledger_size, self, rt.ledger.issued_here)
        self.send_panel = SendPanel(rt.sender)
        self.grid = ConsumerGrid(s.consumer_mode)
        assert rt.fleet is not None
        wire_grid(self.grid, rt.fleet, self.commands.run)
        self.partition_map = PartitionMap(rt.partitions)
        self.primary = GroupDisplay(
            rt, s.group, self.partition_map, self.grid, rt.note_idle_consumers
        )
        self.groups = GroupsArea(rt, self.primary, self.commands.run)
        self.timeline = Timeline()
        self.rate_chart = RateChart()
        self.messages = MessageView(self.model, rt.ledger, self._consumer_states)
        self.log_pane = LogPane()
        self.lower = DockArea(
            self.messages,
            {
                "timeline": (
                    translate("MainWindow", "Timeline"),
                    VerticalScroll(self.timeline, tallest=height_for(TIMELINE_LANES)),
                ),
                "chart": (translate("MainWindow", "Chart"), self.rate_chart),
                "log": (translate("MainWindow", "Log"), self.log_pane),
                "message": (translate("MainWindow", "Message"), self.messages.json),
            },
        )
        self.docks = self.lower.docks
        body = WindowBody(self.partition_map, self.send_panel, self.groups, self.lower)
        self.send_scroll, self.splitters = body.send_scroll, body.splitters
        self.setCentralWidget(body)
        self.setMinimumSize(screen_layout.MIN_W, screen_layout.MIN_H)

    # ----- what the menus do, by the names tests and scripts call ---------------------
    def add_group(self, name: str, assignor: str, consumers: int = 2) -> None:
        self.window_actions.add_group(name, assignor, consumers)

    def switch_topic(self, partitions: int) -> None:
        self.window_actions.switch_topic(partitions)

    def crash_selected(self) -> None:
        self.window_actions.crash_selected()

    def export_history(self, path: str) -> str:
        return self.window_actions.export_history(path)

    def export_traffic(self, path: str) -> str:
        return self.window_actions.export_traffic(path)

    @property
    def about_box(self) -> QMessageBox | None:
        return self.window_actions.about_box

    # ----- size -----------------------------------------------------------------------
    def fit(self, width: int, height: int) -> None:
        """The window, its splitters and docks as :mod:`screen_layout` gives a screen of
        ``width x height`` (available area)."""
        w, h = screen_layout.window_size(width, height)
        self.resize(w, h)
        self.lay_out(w, h)

    def reset_layout(self) -> None:
        """Back to the size and layout the screen it is on gives it (View menu)."""
        self.fit(*screen_area(self))

    def lay_out(self, w: int, h: int) -> None:
        """Splitters and docks as :mod:`screen_layout` divides a ``w x h`` window."""
        body = self.centralWidget()
        assert isinstance(body, WindowBody)
        body.lay_out(w, h)

    # ----- the two feeds --------------------------------------------------------------
    def _seed(self) -> None:
        """What happened before the window subscribed: the fleet as it is now."""
        self.primary.seed()
        now = time.time()
        for snap in self.runtime.fleet.snapshots() if self.runtime.fleet else []:
            lane = self.timeline.lanes.setdefault(snap.id, Lane(snap.id))
            if snap.partitions:
                lane.segments.append(Segment(now, None, snap.partitions))
        self.tick()

    def on_batch(self, batch: Batch) -> None:
        """One drained batch of core events, applied to every widget at once."""
        main = self.view_model.main_group
        self.groups.apply(by_group(main, batch.snapshots, batch.deliveries, batch.changes))
        if batch.snapshots or batch.changes:
            self.primary.show()  # the map and the cards from one look, never apart
        self.model.apply(batch.sent, batch.deliveries)
        self.timeline.apply(batch.changes)
        self.log_pane.apply(batch.sent, batch.deliveries)
        # The chart shows how the app's group shares out.
        self.rate_chart.apply([d for d in batch.deliveries if (d.group or main) == main])

    def _show_title(self) -> None:
        """The topic and group in the title bar, in the window's language, when new."""
        title = self.view_model.new_title()
        if title is not None:
            text = translate("MainWindow", "Kafka point-to-point — {topic} / {group}")
            self.setWindowTitle(text.format(topic=title[0], group=title[1]))

    def tick(self) -> None:
        """The clock: every group's look, totals, broker, countdowns, timeline."""
        vm = self.view_model
        failure = vm.new_api_failure()
        if failure:
            self.status.show_api_failure(failure)
        self.groups.tick()
        look = self.primary.look
        if look is None:
            return
        self._show_title()  # the app may have switched topics
        self.rate_chart.tick(look.total_lag)
        self.timeline.note_group_state(look.view.state)
        self.timeline.update()
        self.status.set_totals(vm.totals())
        note = vm.broker_note()
        if note is not None:
            self.status.set_broker_note(core_text(note.reason) if note.reason else None, note.up)
        self.messages.refresh_selected()

    def _consumer_states(self) -> dict[str, str]:
        return {card.name: card.snapshot.state for card in self.grid.cards.values()}

    # ----- shutdown -----------------------------------------------------------------
    def shutdown(self, wait: bool = False) -> None:
        """Stop the clock, the bridge, the command and send threads; the runtime keeps running.

        ``closeEvent`` calls it without waiting; run_window calls it again with ``wait``
        before it deletes the window, so no command thread is left to emit on a deleted
        window.
        """
        if not self._shut:
            self._shut = True
            self.clock.stop()
            self.bridge.close()
        self.commands.shutdown(wait=wait)
        self.send_panel.close_executor(wait=wait)

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override
        self.memory.save()
        self.shutdown(wait=False)
        event.accept()
        self.closed.emit()


def _status_bar(runtime: Runtime, api_url: str | None, api_token: str | None) -> StatusBar:
    """Where the broker and the API are, and how to join the group from elsewhere."""
    return StatusBar(
        runtime.bootstrap_servers,
        runtime.embedded_kind,
        api_url,
        runtime.settings.topic,
        runtime.settings.group,
        api_token=api_token,
        exposed=runtime.exposure.listen if runtime.exposure else None,
        join_command=runtime.join_command,
    )
