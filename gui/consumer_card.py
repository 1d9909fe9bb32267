"""One consumer as a card: who it is, what it owns, what it is doing, and its controls.

Its controls come right under its name, in a place of their own that nothing above can
move: under the card's growing contents they would move down as it fills in, and a
click on Crash would miss. The last messages take whatever height is left.
"""

from __future__ import annotations

import html
import time
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gui import colors
from gui.core_text import core_text
from gui.translation import QT_TRANSLATE_NOOP, decimal, number, state_word, translate
from gui.viewmodels.card import CardModel
from gui.widgets import LinesLabel, SpinBox
from messaging.core.events import (
    CRASHED,
    IDLE,
    OUTSIDE,
    PROCESS,
    REMOTE,
    STOPPED,
    ConsumerSnapshot,
    Delivery,
)
from messaging.group import BROKER, INFERRED, LEADER

MIN_H = 178  # a card never gets less: its controls and a line of messages


class ConsumerCard(QFrame):
    """GUI thread only; fed snapshots and deliveries by the grid, ticked for clocks.

    Its numbers (rate, countdown, progress, recent messages) are its ``model``'s; the
    card writes them in the window's language.
    """

    stop_requested = Signal(int)
    crash_requested = Signal(int)
    delay_changed = Signal(int, int)  # consumer id, processing ms
    dismiss_requested = Signal(int)

    def __init__(self, snapshot: ConsumerSnapshot, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.consumer_id, self.name = snapshot.id, snapshot.name
        self.color = colors.consumer_color(snapshot.id)
        self.model = CardModel(snapshot)
        self.idle_reason = ""
        self._note = ""
        self.setObjectName("card")
        self.setStyleSheet(
            f"QFrame#card {{ border-top: 4px solid {colors.consumer_hex(snapshot.id)}; }}"
        )
        self.setMinimumHeight(MIN_H)  # its width: what its controls need, in the language
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self._build()
        self.apply_snapshot(snapshot)

    # ----- layout -------------------------------------------------------------------
    def _build(self) -> None:
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 8, 10, 8)
        box.setSpacing(4)
        box.addLayout(self._header())
        box.addLayout(self._controls())  # fixed: the header above never changes height
        self.where = _label("where", where_text(self.snapshot))
        self.where.setToolTip(_where_tip(self.snapshot.kind))
        box.addWidget(self.where)
        self.note = _label("note")
        self.note.setWordWrap(True)
        self.countdown = _label("countdown")
        self.countdown.setWordWrap(True)
        self.chips = QHBoxLayout()
        self.chips.setSpacing(4)
        self.stats = _label("stats")
        self.working = _label("working")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(6)
        self.progress.setStyleSheet(
            f"QProgressBar::chunk {{ background: {colors.consumer_hex(self.consumer_id)}; }}"
        )
        self.recent = LinesLabel()
        self.recent.setObjectName("recent")
        self.idle = _label("idleReason")
        self.idle.setWordWrap(True)
        box.addLayout(self.chips)
        for widget in (self.stats, self.countdown, self.working, self.progress, self.note):
            box.addWidget(widget)
        box.addWidget(self.idle)
        box.addWidget(self.recent, 1)  # what is left of the height

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        swatch = QLabel()
        swatch.setFixedSize(14, 14)
        swatch.setStyleSheet(
            f"background: {colors.consumer_hex(self.consumer_id)}; border-radius: 7px;"
        )
        self.title = QLabel(self.name)
        self.title.setObjectName("cardTitle")
        self.state = QLabel()
        self.state.setObjectName("stateBadge")
        self.dismiss = QPushButton("✕")
        self.dismiss.setObjectName("dismiss")
        self.dismiss.setToolTip(translate("ConsumerCard", "Remove this card"))
        self.dismiss.setFixedSize(26, 22)
        keep = self.dismiss.sizePolicy()
        keep.setRetainSizeWhenHidden(True)  # shown or not, the header keeps its height
        self.dismiss.setSizePolicy(keep)
        self.dismiss.clicked.connect(lambda: self.dismiss_requested.emit(self.consumer_id))
        for widget in (swatch, self.title, self.state):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.dismiss)
        return row

    def _controls(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.stop_button = QPushButton(translate("ConsumerCard", "Stop"))
        self.stop_button.setToolTip(
            translate("ConsumerCard", "Graceful: finish, commit, leave the group")
        )
        self.stop_button.clicked.connect(lambda: self.stop_requested.emit(self.consumer_id))
        self.crash_button = QPushButton(translate("ConsumerCard", "Crash"))
        self.crash_button.setObjectName("danger")
        self.crash_button.setToolTip(
            translate("ConsumerCard", "Vanish: no commit, no LeaveGroup; the broker waits")
        )
        self.crash_button.clicked.connect(lambda: self.crash_requested.emit(self.consumer_id))
        self.delay = SpinBox()
        self.delay.setRange(0, 10_000)
        self.delay.setSingleStep(50)
        # No word before the value: "retardo 140 ms" made the row too wide for a card and
        # the spin box cut its own text. The tooltip says what it is.
        self.delay.setSuffix(" ms")
        self.delay.setToolTip(translate("ConsumerCard", "Simulated processing time per message"))
        self.delay.setKeyboardTracking(False)
        self.delay.valueChanged.connect(lambda ms: self.delay_changed.emit(self.consumer_id, ms))
        widest = self.delay.fontMetrics().horizontalAdvance("10000 ms")
        self.delay.setMinimumWidth(widest + 32)  # the text, the arrows, the padding
        self.delay.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        row.setSpacing(4)
        for widget in (self.stop_button, self.crash_button):
            row.addWidget(widget)
        row.addWidget(self.delay, 1)
        return row

    # ----- data ---------------------------------------------------------------------
    @property
    def snapshot(self) -> ConsumerSnapshot:
        return self.model.snapshot

    @property
    def processed(self) -> int:
        return self.model.processed

    def apply_snapshot(self, snap: ConsumerSnapshot) -> None:
        """Show the consumer's newest state; cheap when nothing visible changed."""
        old = self.model.snapshot
        first = not self.chips.count()
        if snap == old and not first:
            return
        self.model.apply(snap)
        if first or (old.state, old.kind) != (snap.state, snap.kind):
            self.state.setText(state_word(snap.state))
            color = colors.STATE_COLORS.get(snap.state, "#888")
            self.state.setStyleSheet(f"background: {color};")
            drivable = self.model.drivable
            self.stop_button.setEnabled(drivable)
            self.crash_button.setEnabled(drivable)
            self.delay.setEnabled(drivable)
            self.dismiss.setVisible(self.model.dead)
        note = " · ".join(x for x in (core_text(snap.reason), _source_text(snap)) if x)
        if first or note != self._note:
            self._note = note
            self.note.setText(html.escape(note))
            self.note.setVisible(bool(note))
        if not self.delay.hasFocus() and self.delay.value() != snap.processing_ms:
            self.delay.blockSignals(True)
            self.delay.setValue(snap.processing_ms)
            self.delay.blockSignals(False)
        if old.partitions != snap.partitions or first:
            self._set_chips(snap.partitions)
        self.idle.setVisible(snap.state == IDLE)

    def _set_chips(self, partitions: tuple[int, ...]) -> None:
        """Chips in the consumer's colour (the group model's partitions: none once dead)."""
        while self.chips.count():
            item = self.chips.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        hex_color = colors.consumer_hex(self.consumer_id)
        ink = colors.ink_on(self.color).name()
        for p in partitions:
            chip = QLabel(f"P{p}")
            chip.setObjectName("chip")
            chip.setStyleSheet(f"background: {hex_color}; color: {ink};")
            self.chips.addWidget(chip)
        if not partitions:
            self.chips.addWidget(_label("noChips", translate("ConsumerCard", "no partitions")))
        self.chips.addStretch(1)

    def add_deliveries(self, deliveries: list[Delivery]) -> None:
        """This consumer's deliveries of one batch, oldest first."""
        self.model.add_deliveries(deliveries)
        self.recent.setText(_recent_html(self.model.recent))

    def set_idle_reason(self, reason: str) -> None:
        if reason != self.idle_reason:
            self.idle_reason = reason
            self.idle.setText(reason)

    def tick(self, now: float | None = None) -> None:
        """Clocks: rate, crash countdown, progress of the message in flight."""
        now = time.time() if now is None else now
        model, snap = self.model, self.model.snapshot
        self.stats.setText(
            translate("ConsumerCard", "processed <b>{n}</b> · {rate} msg/s").format(
                n=number(snap.processed), rate=decimal(model.rate(now))
            )
        )
        self.countdown.setText(_countdown(model.seconds_left(now)))
        self.countdown.setVisible(snap.state == CRASHED)
        self._show_work(now)

    def _show_work(self, now: float) -> None:
        model, snap = self.model, self.model.snapshot
        self.working.setVisible(model.busy)
        self.progress.setVisible(model.busy and snap.processing_ms > 0)
        if not model.busy:
            return
        self.working.setText(
            translate("ConsumerCard", "▸ working on <b>{id}</b>").format(
                id=html.escape(str(snap.in_flight))
            )
        )
        done = model.progress(now)
        if done is not None:
            self.progress.setValue(int(done * 1000))


WHERE_TIPS = {
    PROCESS: QT_TRANSLATE_NOOP(
        "ConsumerCard", "An OS process the app started: Crash sends it SIGKILL"
    ),
    REMOTE: QT_TRANSLATE_NOOP(
        "ConsumerCard",
        "Started by hand (python -m messaging.consumer), here or on another machine",
    ),
    OUTSIDE: QT_TRANSLATE_NOOP(
        "ConsumerCard", "A group member that reports nothing (like the spec's consumer.py)"
    ),
}


def _where_tip(kind: str) -> str:
    tip = WHERE_TIPS.get(kind)
    return translate("ConsumerCard", tip) if tip else ""


def where_text(snap: ConsumerSnapshot) -> str:
    """Where the consumer runs, in a few words: "process · pid 4242"."""
    if snap.kind == PROCESS:
        return translate("ConsumerCard", "process · pid {pid}").format(pid=snap.pid)
    if snap.kind == REMOTE:
        return translate("ConsumerCard", "remote · {host} · pid {pid}").format(
            host=snap.host, pid=snap.pid
        )
    if snap.kind == OUTSIDE:
        return translate("ConsumerCard", "outside member · reports nothing")
    return translate("ConsumerCard", "thread of the app")


SOURCE_TEXTS = {
    LEADER: QT_TRANSLATE_NOOP("ConsumerCard", "partitions as the group's leader assigned them"),
    BROKER: QT_TRANSLATE_NOOP("ConsumerCard", "partitions as the broker describes them"),
    INFERRED: QT_TRANSLATE_NOOP(
        "ConsumerCard",
        "partitions inferred: a guess, nobody told (none of the app's consumers leads)",
    ),
}


def _source_text(snap: ConsumerSnapshot) -> str:
    """Who a member that reports nothing is, and where its partitions came from."""
    parts = []
    if snap.client_id:
        parts.append(translate("ConsumerCard", "client id {id}").format(id=snap.client_id))
    source = SOURCE_TEXTS.get(snap.assignment_source)
    if source and snap.state not in (STOPPED, CRASHED):
        parts.append(translate("ConsumerCard", source))
    return " · ".join(parts)


def _label(name: str, text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label


def _countdown(left: float | None) -> str:
    """A crashed consumer's session: seconds ``left`` (negative: expired that long ago)."""
    if left is None:
        return ""
    if left > 0:
        return translate("ConsumerCard", "broker notices in {left} s (session timeout)").format(
            left=decimal(left)
        )
    return translate("ConsumerCard", "session expired {ago} s ago · partitions moved on").format(
        ago=number(round(-left))
    )


def _recent_html(recent: Sequence[Delivery]) -> str:
    lines = []
    for d in reversed(recent):
        marks = ""
        if d.redelivered:
            marks += " <span style='color:#F5A623'>↻ {}</span>".format(
                translate("ConsumerCard", "redelivered")
            )
        if d.attempt > 1:
            try_n = translate("ConsumerCard", "try {n}").format(n=number(d.attempt))
            marks += f" <span style='color:#F5A623'>{try_n}</span>"
        if d.status != "processed":
            color = colors.STATUS_COLORS.get(d.status, "#E6E8EE")
            marks += f" <span style='color:{color}'>{state_word(d.status)}</span>"
        key = f" k={html.escape(d.key)}" if d.key else ""
        lines.append(f"{html.escape(d.message_id)}{key} · p{d.partition}@{d.offset}{marks}")
    nothing = translate("ConsumerCard", "nothing processed yet")
    return "<br>".join(lines) or f"<span style='color:#8C93A5'>{nothing}</span>"
