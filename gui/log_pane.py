"""Sent / received lines, newest at the bottom, capped so a burst cannot eat memory.

The pane follows new lines until the reader scrolls up; then it holds still (the lines
they read stay put while older ones are dropped) and a "jump to latest" button shows,
until they click it or scroll back to the bottom (the wheel, the scroll bar, End or
Ctrl+End). Before, trimming the oldest lines during a 2,000-message burst left the
scroll bar mid-way, and Ctrl+End did nothing (a read-only pane took no keys).
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QPlainTextEdit, QScrollBar, QToolButton, QWidget

from gui.translation import number, state_word, translate
from messaging.core.events import PROCESSING, Delivery, SentMessage

MAX_LINES = 2000
# Lines written per batch: at a thousand messages a second nobody reads them all, and
# laying out thousands of lines per drain is what would stall the window.
PER_BATCH = 150


class LogPane(QPlainTextEdit):
    """GUI thread only; one ``appendPlainText`` per batch, however large the batch."""

    following_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logPane")
        self.setReadOnly(True)
        # Keys too (PageUp, End, Ctrl+End), not only the mouse: a reader can move with them.
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setMaximumBlockCount(MAX_LINES)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFont("monospace", 9))
        self.lines_seen = 0
        self.following = True
        self._writing = False  # our own moves of the scroll bar, not the reader's
        self._reading = False  # the reader is moving it: do not pin it back down
        self.jump = QToolButton(self)
        self.jump.setObjectName("jumpLatest")
        self.jump.setText(translate("LogPane", "⤓ Jump to latest"))
        self.jump.setToolTip(translate("LogPane", "Follow new lines again (Ctrl+End)"))
        self.jump.setCursor(Qt.CursorShape.PointingHandCursor)
        self.jump.clicked.connect(self.follow)
        self.jump.hide()
        # Only the reader's own moves decide whether it follows: the scroll bar's actions
        # (drag, arrows, page clicks), the wheel and the keys. Everything else that moves
        # the bar (appends, trimming, a resize, being shown in a dock) does not.
        bar = self.verticalScrollBar()
        bar.actionTriggered.connect(self._reader_acts)
        bar.valueChanged.connect(self._pin)
        bar.rangeChanged.connect(lambda _low, _high: self._pin())

    def apply(self, sent: list[SentMessage], deliveries: list[Delivery]) -> None:
        """Log one batch; beyond PER_BATCH only the newest are written (the rest counted)."""
        events = sorted([*sent[-PER_BATCH:], *deliveries[-PER_BATCH:]], key=lambda e: e.at)
        total = len(sent) + len(deliveries)
        self.lines_seen += total
        skipped = total - PER_BATCH if total > PER_BATCH else 0
        events = events[-PER_BATCH:]
        lines = []
        if skipped:
            text = translate(
                "LogPane", "… %Ln line(s) not shown (full log: --log-file)", "log", skipped
            )
            lines.append(text)
        lines += [_line(e) for e in events]
        if lines:
            self._append("\n".join(lines), len(lines))

    def _append(self, text: str, count: int) -> None:
        """Append, then either follow to the bottom or keep the reader's lines in view."""
        bar = self.verticalScrollBar()
        before, at = self.blockCount(), bar.value()
        self._writing = True
        try:
            self.appendPlainText(text)
            if self.following:
                bar.setValue(bar.maximum())
            else:  # the oldest lines were dropped: the ones being read moved up by as many
                dropped = before + count - self.blockCount()
                bar.setValue(max(at - dropped, 0))
        finally:
            self._writing = False

    def follow(self) -> None:
        """Follow new lines again, from the newest."""
        self._set_following(True)
        self._writing = True
        try:
            self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())
        finally:
            self._writing = False

    def _reader_acts(self, _action: int = 0) -> None:
        """The reader is about to move the bar (it moves right after this)."""
        self._reading = True
        QTimer.singleShot(0, self._reader_moved)

    def _reader_moved(self) -> None:
        """The reader moved: it follows if (and only if) they are at the bottom now."""
        self._reading = False
        bar = self.verticalScrollBar()
        self._set_following(bar.value() >= bar.maximum())

    def _pin(self, _value: int = 0) -> None:
        """While following, whatever moved the bar, back to the bottom."""
        bar = self.verticalScrollBar()
        if self.following and not (self._writing or self._reading) and bar.value() < bar.maximum():
            self._writing = True
            try:
                bar.setValue(bar.maximum())
            finally:
                self._writing = False

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt override
        """The reading keys move the view (a read-only pane's text cursor sits at the top,
        so moving it did nothing); the rest (Ctrl+C, Shift selections) as Qt does them."""
        self._reading = True
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        action = _SCROLL_KEYS.get(event.key())
        if action is not None and modifiers in _PLAIN:
            self.verticalScrollBar().triggerAction(action)
            event.accept()
        else:
            super().keyPressEvent(event)
        self._reader_moved()  # PageUp, Ctrl+Home away; End, Ctrl+End back

    def wheelEvent(self, event: QWheelEvent) -> None:  # Qt override
        self._reading = True
        super().wheelEvent(event)
        self._reader_moved()

    def _set_following(self, on: bool) -> None:
        if on != self.following:
            self.following = on
            self.jump.setVisible(not on)
            self._place_jump()
            self.following_changed.emit(on)

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        super().resizeEvent(event)
        self._place_jump()

    def _place_jump(self) -> None:
        """Bottom right, over the lines, clear of the scroll bar."""
        self.jump.adjustSize()
        area = self.viewport().geometry()
        hint = self.jump.sizeHint()
        self.jump.move(area.right() - hint.width() - 8, area.bottom() - hint.height() - 8)
        self.jump.raise_()


_Action = QScrollBar.SliderAction
_SCROLL_KEYS = {
    Qt.Key.Key_PageUp: _Action.SliderPageStepSub,
    Qt.Key.Key_PageDown: _Action.SliderPageStepAdd,
    Qt.Key.Key_Up: _Action.SliderSingleStepSub,
    Qt.Key.Key_Down: _Action.SliderSingleStepAdd,
    Qt.Key.Key_Home: _Action.SliderToMinimum,
    Qt.Key.Key_End: _Action.SliderToMaximum,
}
_PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier)


def _line(event: SentMessage | Delivery) -> str:
    millis = int(event.at * 1000) % 1000
    stamp = f"{time.strftime('%H:%M:%S', time.localtime(event.at))}.{millis:03d}"
    where = f"p{event.partition}@{event.offset}"
    key = f" key={event.key}" if event.key else ""
    if isinstance(event, SentMessage):
        sent = translate("LogPane", "sent")
        return f"{stamp}  {sent:<9} {event.message_id:<12} {event.topic} {where}{key}"
    verb = (
        translate("LogPane", "received") if event.status == PROCESSING else state_word(event.status)
    )
    extra = (
        translate("LogPane", " attempt {n}").format(n=number(event.attempt))
        if event.attempt > 1
        else ""
    )
    extra += translate("LogPane", " redelivered") if event.redelivered else ""
    extra += f" ({event.error})" if event.error else ""
    return f"{stamp}  {verb:<9} {event.message_id:<12} {where} {event.consumer}{key}{extra}"
