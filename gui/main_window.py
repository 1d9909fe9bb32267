"""The window: every widget wired to one runtime, fed by one bridge and one clock.

Two paths reach the widgets, both on the GUI thread: event batches from the bridge
(deliveries, sends, group changes, snapshots) and a 4 Hz clock that reads the core's
cheap read models (owners, lag, totals) and moves countdowns and the timeline on.

Layout (gui.screen_layout): the partition map, the send form beside the cards, the
message list; timeline, chart, log and the selected message in docks beside the list
(View menu). Geometry, splitters and docks are remembered per user.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui import screen_layout
from gui.about import show_about
from gui.bridge import Batch, EventBridge
from gui.consumer_grid import ConsumerGrid
from gui.core_text import core_text
from gui.group_panel import GroupsArea, ask_group
from gui.log_pane import LogPane
from gui.menus import SHORTCUTS, add_menu
from gui.message_model import MessageModel
from gui.message_view import MessageView
from gui.partition_map import PartitionMap
from gui.rate_chart import RateChart
from gui.send_panel import SendPanel, send_keys_text
from gui.status_bar import StatusBar
from gui.timeline import Lane, Segment, Timeline, height_for
from gui.translation import ensure_language_locale, translate
from gui.widgets import VerticalScroll
from messaging.audit import export
from messaging.core.events import PROCESS, THREAD
from messaging.group.model import GroupView
from messaging.runtime import Runtime

TICK_MS = 250
# Bumped when the layout changes shape: a layout saved by an older window is not restored
# into this one (its splitters and docks would mean something else).
LAYOUT_VERSION = 2
DOCK_AREA = Qt.DockWidgetArea.RightDockWidgetArea


class MainWindow(QMainWindow):
    """Shows and drives ``runtime``; closing it stops the window's own parts only.

    With ``settings`` (run_window passes the app's QSettings), the window's geometry,
    splitter positions and docks are restored on open and saved on close.
    """

    closed = Signal()
    command_failed = Signal(str)  # from the command thread; queued onto the GUI thread
    notice = Signal(str)  # an export's outcome, from the command thread

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
        self.settings = settings
        self.about_box: QMessageBox | None = None
        self._api_failure = api_failure  # polled each tick: why the REST API died, if it did
        s = runtime.settings
        self._show_title()
        self.model = MessageModel(s.ledger_size, self, runtime.ledger.issued_here)
        self.send_panel = SendPanel(runtime.sender)
        self.grid = ConsumerGrid(s.consumer_mode)
        self.groups = GroupsArea(runtime, self.grid, self._command)
        self.partition_map = PartitionMap(runtime.partitions)
        self.timeline = Timeline()
        self.rate_chart = RateChart()
        self.messages = MessageView(self.model, runtime.ledger, self._consumer_states)
        self.log_pane = LogPane()
        self.status = StatusBar(
            runtime.bootstrap_servers,
            runtime.embedded_kind,
            api_url,
            s.topic,
            s.group,
            api_token=api_token,
            exposed=runtime.exposure.listen if runtime.exposure else None,
            join_command=runtime.join_command,
        )
        self.setStatusBar(self.status)
        self._commands = ThreadPoolExecutor(max_workers=2, thread_name_prefix="gui-command")
        self.command_failed.connect(lambda text: self.status.showMessage(text, 10_000))
        self.notice.connect(lambda text: self.status.showMessage(text, 10_000))
        self.setCentralWidget(self._layout())
        self.setMinimumSize(screen_layout.MIN_W, screen_layout.MIN_H)
        self._wire()
        self.actions_by_name = self._menus()
        self._place()
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
            self.status.showMessage(core_text(runtime.warnings[-1]), 15000)

    def _layout(self) -> QWidget:
        self.send_scroll = VerticalScroll(self.send_panel)  # never sideways
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.send_scroll)
        top.addWidget(self.groups)
        top.setStretchFactor(1, 1)
        # The list below holds the docks: a window of its own inside this one.
        self.lower = QMainWindow()
        self.lower.setWindowFlags(Qt.WindowType.Widget)
        self.lower.setObjectName("lower")
        self.lower.setCentralWidget(self.messages)
        self.lower.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
        )
        self.lower.setTabPosition(
            Qt.DockWidgetArea.AllDockWidgetAreas, QTabWidget.TabPosition.North
        )
        self.docks = {
            "timeline": _dock(
                "timeline",
                translate("MainWindow", "Timeline"),
                VerticalScroll(self.timeline, tallest=height_for(4)),  # then it scrolls
            ),
            "chart": _dock("chart", translate("MainWindow", "Chart"), self.rate_chart),
            "log": _dock("log", translate("MainWindow", "Log"), self.log_pane),
            "message": _dock("message", translate("MainWindow", "Message"), self.messages.json),
        }
        for dock in self.docks.values():
            self.lower.addDockWidget(DOCK_AREA, dock)
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(top)
        main.addWidget(self.lower)
        main.setStretchFactor(1, 1)
        for splitter in (top, main):  # a short screen squeezes a part, never hides it
            splitter.setCollapsible(0, False)
            splitter.setCollapsible(1, False)
        self.splitters = {"main": main, "top": top}
        host = QWidget()
        box = QVBoxLayout(host)
        box.setContentsMargins(10, 8, 10, 4)
        box.addWidget(self.partition_map)
        box.addWidget(main, 1)
        return host

    def arrange_docks(self, stacked: bool, width: int, heights: tuple[int, int]) -> None:
        """The docks beside the list as they come by default: on a short screen one group
        of tabs (the timeline raised), each tab with the whole height; on a tall one the
        timeline over the chart over the log's tabs. ``heights``: the lower part's and
        the timeline's."""
        d = self.docks
        for dock in d.values():
            dock.setFloating(False)
            self.lower.removeDockWidget(dock)
        if stacked:
            for name in ("timeline", "chart", "log"):
                self.lower.addDockWidget(DOCK_AREA, d[name], Qt.Orientation.Vertical)
            self.lower.tabifyDockWidget(d["log"], d["message"])
        else:
            self.lower.addDockWidget(DOCK_AREA, d["timeline"])
            for name in ("chart", "log", "message"):
                self.lower.tabifyDockWidget(d["timeline"], d[name])
        for dock in d.values():
            dock.show()
        d["log"].raise_()
        d["timeline"].raise_()
        self.lower.resizeDocks([d["timeline"]], [width], Qt.Orientation.Horizontal)
        if stacked:
            lower, timeline = heights
            timeline += 34  # its dock's title bar and frame
            chart = max(140, (lower - timeline) // 3)
            self.lower.resizeDocks(
                [d["timeline"], d["chart"], d["log"]],
                [timeline, chart, lower - timeline - chart],
                Qt.Orientation.Vertical,
            )

    def _wire(self) -> None:
        fleet = self.runtime.fleet
        assert fleet is not None
        self.grid.add_requested.connect(lambda kind: self._command(fleet.add, None, 0.0, kind))
        self.grid.stop_requested.connect(lambda cid: self._command(fleet.stop, cid, None))
        self.grid.crash_requested.connect(lambda cid: self._command(fleet.crash, cid))
        self.grid.forget_requested.connect(lambda cid: self._command(fleet.forget, cid))
        self.grid.delay_changed.connect(
            lambda cid, ms: self._command(fleet.configure, cid, processing_ms=ms)
        )

    def _menus(self) -> dict[str, QAction]:
        k, panel = SHORTCUTS, self.send_panel
        fleet = self.runtime.fleet
        assert fleet is not None
        actions = add_menu(
            self,
            translate("MainWindow", "&File"),
            {
                "export_history": (
                    translate("MainWindow", "Export history…"),
                    k["export_history"],
                    self.ask_export_history,
                ),
                "export_traffic": (
                    translate("MainWindow", "Export traffic log…"),
                    None,
                    self.ask_export_traffic,
                ),
                "-1": ("", None, lambda: None),
                "quit": (translate("MainWindow", "Quit"), k["quit"], self.close),
            },
        )
        actions["export_traffic"].setEnabled(bool(self.runtime.settings.log_file))
        actions |= add_menu(
            self,
            translate("MainWindow", "&Consumers"),
            {
                "add_process": (
                    translate("MainWindow", "Add consumer (process)"),
                    k["add_process"],
                    lambda: self.add(PROCESS),
                ),
                "add_thread": (
                    translate("MainWindow", "Add thread consumer"),
                    k["add_thread"],
                    lambda: self.add(THREAD),
                ),
                "-1": ("", None, lambda: None),
                "stop_selected": (
                    translate("MainWindow", "Stop selected"),
                    k["stop_selected"],
                    self.stop_selected,
                ),
                "crash_selected": (
                    translate("MainWindow", "Crash selected"),
                    k["crash_selected"],
                    self.crash_selected,
                ),
                "-2": ("", None, lambda: None),
                "add_group": (
                    translate("MainWindow", "Add consumer group…"),
                    k["add_group"],
                    self.ask_add_group,
                ),
            },
        )
        actions |= add_menu(
            self,
            translate("MainWindow", "&Messages"),
            {
                "send": (
                    # The form's own shortcut (an action's would clash with it), written
                    # the way Qt writes the others: "Control+Intro" in Spanish.
                    translate("MainWindow", "Send the form's message") + "\t" + send_keys_text(),
                    None,
                    panel.send_button.click,
                ),
                "burst": (
                    translate("MainWindow", "Burst / stop the burst"),
                    k["burst"],
                    panel.burst_button.click,
                ),
                "-1": ("", None, lambda: None),
                "switch_topic": (
                    translate("MainWindow", "Switch to a new topic…"),
                    None,
                    self.ask_switch_topic,
                ),
            },
        )
        actions |= self._view_menu()
        actions |= add_menu(
            self,
            translate("MainWindow", "&Help"),
            {"about": (translate("MainWindow", "About"), k["about"], self.show_about)},
        )
        return actions

    def _view_menu(self) -> dict[str, QAction]:
        """Show, hide or raise each dock; put them back where they started."""
        menu = self.menuBar().addMenu(translate("MainWindow", "&View"))
        actions: dict[str, QAction] = {}
        for name, dock in self.docks.items():
            action = dock.toggleViewAction()
            action.setObjectName(f"view_{name}")
            menu.addAction(action)
            actions[f"view_{name}"] = action
        menu.addSeparator()
        reset = QAction(translate("MainWindow", "Reset the layout"), self)
        reset.setObjectName("reset_layout")
        reset.triggered.connect(lambda: self.fit(*self._screen_area()))
        menu.addAction(reset)
        actions["reset_layout"] = reset
        return actions

    # ----- keyboard and menu commands -------------------------------------------------
    def add_group(self, name: str, assignor: str, consumers: int = 2) -> None:
        """Another group on the topic (publish-subscribe); its panel appears beside."""
        self._command(self.runtime.add_group, name, assignor, consumers)

    def switch_topic(self, partitions: int) -> None:
        """A new topic with ``partitions`` (tansu cannot add partitions to one)."""
        self._command(self.runtime.switch_topic, partitions)

    def ask_switch_topic(self) -> None:
        current = self.runtime.partitions
        partitions, ok = QInputDialog.getInt(
            self,
            translate("MainWindow", "Switch to a new topic"),
            translate(
                "MainWindow",
                "The topic has %Ln partition(s); a topic cannot gain partitions, so the\n"
                "app creates a new one and every group moves to it. Partitions:",
                "partitions",
                current,
            ),
            6 if current == 1 else current,
            1,
            1000,
        )
        if ok:
            self.switch_topic(partitions)

    def ask_add_group(self) -> None:
        answer = ask_group(self, len(self.runtime.fleets) + 1, self.runtime.profile)
        if answer:
            self.add_group(*answer)

    def add(self, kind: str) -> None:
        self._command(self.runtime.fleet.add, None, 0.0, kind)

    def stop_selected(self) -> None:
        self._on_selected(lambda cid: self._command(self.runtime.fleet.stop, cid, None))

    def crash_selected(self) -> None:
        self._on_selected(lambda cid: self._command(self.runtime.fleet.crash, cid))

    def _on_selected(self, act: Callable[[int], None]) -> None:
        cid = self.grid.selected
        if cid is None:
            self.status.showMessage(
                translate("MainWindow", "Select a consumer first: click its card"), 5000
            )
        else:
            act(cid)

    def show_about(self) -> QMessageBox:
        r = self.runtime
        self.about_box = show_about(self, r.broker_version, r.bootstrap_servers, r.profile)
        return self.about_box

    def export_history(self, path: str) -> str:
        """Write the message history to ``path`` (CSV for .csv, else JSON lines)."""
        count = export.write_history(self.runtime.ledger, path)
        if path.lower().endswith(".csv"):
            text = translate("MainWindow", "Exported %Ln delivery(s) to {path}", "csv", count)
        else:
            text = translate("MainWindow", "Exported %Ln message(s) to {path}", "jsonl", count)
        return text.format(path=path)

    def export_traffic(self, path: str) -> str:
        """Copy the traffic log file to ``path``."""
        size = export.write_traffic(self.runtime.settings.log_file, path)
        text = translate(
            "MainWindow", "Exported the traffic log (%Ln byte(s)) to {path}", "log", size
        )
        return text.format(path=path)

    def ask_export_history(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            translate("MainWindow", "Export history"),
            "messages.jsonl",
            translate("MainWindow", "JSON lines (*.jsonl);;CSV (*.csv)"),
        )
        if path:
            self._export(self.export_history, path)

    def ask_export_traffic(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, translate("MainWindow", "Export traffic log"), "messages.log"
        )
        if path:
            self._export(self.export_traffic, path)

    def _export(self, write: Callable[[str], str], path: str) -> None:
        """Off the GUI thread (100,000 records take a moment); the outcome shows below."""

        def run() -> None:
            try:
                self.notice.emit(write(path))
            except (OSError, export.NoTrafficLog) as exc:
                self.notice.emit(
                    translate("MainWindow", "Export failed: {error}").format(error=exc)
                )

        self._commands.submit(run)

    # ----- size and remembered layout -------------------------------------------------
    def _screen_area(self) -> tuple[int, int]:
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        return area.width(), area.height()

    def _place(self) -> None:
        """Size for the screen the window opens on, then whatever the last run left."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        self.fit(area.width(), area.height())
        frame = self.frameGeometry()
        frame.moveCenter(area.center())
        self.move(frame.topLeft())
        self.restore_layout()

    def fit(self, width: int, height: int) -> None:
        """The window, its splitters and docks as :mod:`screen_layout` gives a screen of
        ``width x height`` (available area)."""
        w, h = screen_layout.window_size(width, height)
        self.resize(w, h)
        self.lay_out(w, h)

    def lay_out(self, w: int, h: int) -> None:
        """Splitters and docks as :mod:`screen_layout` divides a ``w x h`` window."""
        sizes = screen_layout.splitter_sizes(w, h)
        for name in ("main", "top"):
            self.splitters[name].setSizes(sizes[name])
        lower = sizes["main"][1]
        # Room for five lanes: the timeline grows a lane per consumer, its dock does not.
        self.arrange_docks(
            screen_layout.docks_stacked(lower), sizes["docks"][0], (lower, height_for(5))
        )

    def restore_layout(self) -> None:
        if self.settings is None:
            return
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if _int(self.settings.value("window/layout")) != LAYOUT_VERSION:
            return  # saved by an older window: its splitters and docks meant other parts
        for name, splitter in self.splitters.items():
            state = self.settings.value(f"splitters/{name}")
            if isinstance(state, QByteArray):
                splitter.restoreState(state)
        docks = self.settings.value("docks/state")
        if isinstance(docks, QByteArray):
            self.lower.restoreState(docks, LAYOUT_VERSION)

    def save_layout(self) -> None:
        if self.settings is None:
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/layout", LAYOUT_VERSION)
        for name, splitter in self.splitters.items():
            self.settings.setValue(f"splitters/{name}", splitter.saveState())
        self.settings.setValue("docks/state", self.lower.saveState(LAYOUT_VERSION))
        self.settings.sync()

    def _command(self, call: Callable[..., object], *args: object, **kwargs: object) -> None:
        """Run a fleet command off the GUI thread: commands to a consumer in another
        process wait for its acknowledgement. A refusal shows in the status bar."""

        def run() -> None:
            try:
                call(*args, **kwargs)
            except Exception as exc:  # shown to the user, not raised
                self.command_failed.emit(str(exc) or type(exc).__name__)

        self._commands.submit(run)

    def _seed(self) -> None:
        """What happened before the window subscribed: the fleet as it is now."""
        snapshots = self.runtime.fleet.snapshots() if self.runtime.fleet else []
        self.grid.apply({s.id: s for s in snapshots}, [])
        now = time.time()
        for snap in snapshots:
            lane = self.timeline.lanes.setdefault(snap.id, Lane(snap.id))
            if snap.partitions:
                lane.segments.append(Segment(now, None, snap.partitions))
        self.tick()

    # ----- the two feeds --------------------------------------------------------------
    def on_batch(self, batch: Batch) -> None:
        """One drained batch of core events, applied to every widget at once."""
        self.groups.apply(batch.snapshots, batch.deliveries)
        self.groups.remove([c for c in batch.changes if c.kind == "removed"])
        if batch.snapshots or batch.changes:
            self._show_group()  # the map and the cards from one look, never apart
        self.model.apply(batch.sent, batch.deliveries)
        self.timeline.apply(batch.changes)
        self.log_pane.apply(batch.sent, batch.deliveries)
        main = self.runtime.settings.group  # the chart shows how the app's group shares out
        self.rate_chart.apply([d for d in batch.deliveries if (d.group or main) == main])

    def _show_title(self) -> None:
        """The topic and group in the title bar, in the window's language."""
        s = self.runtime.settings
        self.setWindowTitle(
            translate("MainWindow", "Kafka point-to-point — {topic} / {group}").format(
                topic=s.topic, group=s.group
            )
        )

    def tick(self) -> None:
        """The clock: owners, lag, group state, totals, countdowns, timeline."""
        rt, fleet = self.runtime, self.runtime.fleet
        if self._api_failure is not None and self.status.api_failure is None:
            failure = self._api_failure()
            if failure:
                self.status.show_api_failure(failure)
        if fleet is None or rt.monitor is None:
            return
        if self.partition_map.partitions != rt.partitions:  # the app switched topics
            self.partition_map.partitions = rt.partitions
            self._show_title()
        view = self._show_group()
        lag = dict(rt.monitor.lag)
        self.rate_chart.tick(sum(lag.values()))
        self.timeline.note_group_state(view.state)
        self.timeline.update()
        self.grid.tick(rt.check_idle())
        self.groups.tick()
        self.status.set_totals(rt.stats())
        if rt.broker_watch is not None:
            reason = rt.broker_reason
            self.status.set_broker_note(
                core_text(reason) if reason else None, rt.broker_watch.status.up
            )
        self.messages.refresh_selected()

    def _show_group(self) -> GroupView | None:
        """One look at the group model for the partition map, the badge and the cards."""
        rt = self.runtime
        if rt.fleet is None or rt.monitor is None:
            return None
        view = rt.fleet.view()
        self.partition_map.show_view(view, dict(rt.monitor.lag))
        self.grid.apply({s.id: s for s in view.members}, [])
        return view

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
        self._commands.shutdown(wait=wait, cancel_futures=True)
        self.send_panel.close_executor(wait=wait)

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override
        self.save_layout()
        self.shutdown(wait=False)
        event.accept()
        self.closed.emit()


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


def _int(value: object) -> int | None:
    """A QSettings value as int (ini files give strings back)."""
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
