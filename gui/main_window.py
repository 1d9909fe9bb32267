"""The window: every widget wired to one runtime, fed by one bridge and one clock.

Two paths reach the widgets, both on the GUI thread: event batches from the bridge
(deliveries, sends, group changes, snapshots) and a 4 Hz clock that reads the core's
cheap read models (owners, lag, totals) and moves countdowns and the timeline on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from gui.bridge import Batch, EventBridge
from gui.consumer_grid import ConsumerGrid
from gui.log_pane import LogPane
from gui.message_model import MessageModel
from gui.message_view import MessageView
from gui.partition_map import PartitionMap
from gui.rate_chart import RateChart
from gui.send_panel import SendPanel
from gui.status_bar import StatusBar
from gui.timeline import Lane, Segment, Timeline
from messaging.runtime import Runtime

TICK_MS = 250


class MainWindow(QMainWindow):
    """Shows and drives ``runtime``; closing it stops the window's own parts only."""

    closed = Signal()
    command_failed = Signal(str)  # from the command thread; queued onto the GUI thread

    def __init__(self, runtime: Runtime, api_url: str | None = None) -> None:
        super().__init__()
        self.runtime = runtime
        s = runtime.settings
        self.setWindowTitle(f"Kafka point-to-point — {s.topic} / {s.group}")
        self.resize(1400, 900)
        self.model = MessageModel(capacity=s.ledger_size, parent=self)
        self.send_panel = SendPanel(runtime.sender)
        self.grid = ConsumerGrid(s.consumer_mode)
        self.partition_map = PartitionMap(runtime.partitions)
        self.timeline = Timeline()
        self.rate_chart = RateChart()
        self.messages = MessageView(self.model, runtime.ledger, self._consumer_states)
        self.log_pane = LogPane()
        self.status = StatusBar(
            runtime.bootstrap_servers, runtime.embedded, api_url, s.topic, s.group
        )
        self.setStatusBar(self.status)
        self._commands = ThreadPoolExecutor(max_workers=2, thread_name_prefix="gui-command")
        self.command_failed.connect(lambda text: self.status.showMessage(text, 10_000))
        self.setCentralWidget(self._layout())
        self._wire()
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
            self.status.showMessage(runtime.warnings[-1], 15000)

    def _layout(self) -> QWidget:
        middle = QSplitter(Qt.Orientation.Vertical)
        middle.addWidget(self.grid)
        over_time = QSplitter(Qt.Orientation.Horizontal)  # two views of the last minute
        over_time.addWidget(self.timeline)
        over_time.addWidget(self.rate_chart)
        middle.addWidget(over_time)
        middle.setStretchFactor(0, 1)
        middle.setStretchFactor(1, 0)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.send_panel)
        top.addWidget(middle)
        top.setSizes([340, 1060])
        top.setStretchFactor(1, 1)
        log_box = QWidget()
        log_layout = QVBoxLayout(log_box)
        log_layout.setContentsMargins(0, 0, 0, 0)
        log_title = QLabel("Log — sent / received")
        log_title.setObjectName("sectionTitle")
        log_layout.addWidget(log_title)
        log_layout.addWidget(self.log_pane)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.messages)
        bottom.addWidget(log_box)
        bottom.setSizes([820, 580])
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(top)
        main.addWidget(bottom)
        main.setSizes([520, 300])
        host = QWidget()
        box = QVBoxLayout(host)
        box.setContentsMargins(10, 8, 10, 4)
        box.addWidget(self.partition_map)
        box.addWidget(main, 1)
        return host

    def _wire(self) -> None:
        fleet = self.runtime.fleet
        assert fleet is not None
        self.grid.add_requested.connect(lambda kind: self._command(fleet.add, None, 0.0, kind))
        self.grid.stop_requested.connect(lambda cid: self._command(fleet.stop, cid, None))
        self.grid.crash_requested.connect(lambda cid: self._command(fleet.crash, cid))
        self.grid.delay_changed.connect(
            lambda cid, ms: self._command(fleet.configure, cid, processing_ms=ms)
        )

    def _command(self, call: Callable[..., object], *args: object, **kwargs: object) -> None:
        """Run a fleet command off the GUI thread: commands to a consumer in another
        process wait for its acknowledgement. A refusal shows in the status bar."""

        def run() -> None:
            try:
                call(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - shown to the user, not raised
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
        self.grid.apply(batch.snapshots, batch.deliveries)
        self.model.apply(batch.sent, batch.deliveries)
        self.timeline.apply(batch.changes)
        self.log_pane.apply(batch.sent, batch.deliveries)
        self.rate_chart.apply(batch.deliveries)

    def tick(self) -> None:
        """The clock: owners, lag, group state, totals, countdowns, timeline."""
        rt, fleet = self.runtime, self.runtime.fleet
        if fleet is None or rt.monitor is None:
            return
        owners = {p: (s.name, s.id) for p, s in fleet.owners(rt.partitions).items()}
        state = fleet.group_state()
        lag = dict(rt.monitor.lag)
        self.partition_map.set_state(owners, lag, state, fleet.rebalances)
        self.rate_chart.tick(sum(lag.values()))
        self.timeline.note_group_state(state)
        self.timeline.update()
        self.grid.tick(rt.check_idle())
        self.status.set_totals(rt.stats())
        if rt.broker_watch is not None:
            self.status.set_broker_note(rt.broker_note, rt.broker_watch.status.up)
        self.messages.refresh_selected()

    def _consumer_states(self) -> dict[str, str]:
        return {card.name: card.snapshot.state for card in self.grid.cards.values()}

    # ----- shutdown -----------------------------------------------------------------
    def shutdown(self, wait: bool = False) -> None:
        """Stop the clock, the bridge and the send threads; the runtime keeps running."""
        if not self._shut:
            self._shut = True
            self.clock.stop()
            self.bridge.close()
            self._commands.shutdown(wait=wait, cancel_futures=True)
        self.send_panel.close_executor(wait=wait)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.shutdown(wait=False)
        event.accept()
        self.closed.emit()
