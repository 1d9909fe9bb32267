"""Sent / received lines, newest at the bottom, capped so a burst cannot eat memory."""

from __future__ import annotations

import time

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from gui.translation import state_word, translate
from messaging.events import PROCESSING, Delivery, SentMessage

MAX_LINES = 2000
# Lines written per batch: at a thousand messages a second nobody reads them all, and
# laying out thousands of lines per drain is what would stall the window.
PER_BATCH = 150


class LogPane(QPlainTextEdit):
    """GUI thread only; one ``appendPlainText`` per batch, however large the batch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logPane")
        self.setReadOnly(True)
        self.setMaximumBlockCount(MAX_LINES)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFont("monospace", 9))
        self.lines_seen = 0

    def apply(self, sent: list[SentMessage], deliveries: list[Delivery]) -> None:
        """Log one batch; beyond PER_BATCH only the newest are written (the rest counted)."""
        events = sorted([*sent[-PER_BATCH:], *deliveries[-PER_BATCH:]], key=lambda e: e.at)
        total = len(sent) + len(deliveries)
        self.lines_seen += total
        skipped = total - PER_BATCH if total > PER_BATCH else 0
        events = events[-PER_BATCH:]
        lines = []
        if skipped:
            text = translate("LogPane", "… {n} lines not shown (full log: --log-file)")
            lines.append(text.format(n=f"{skipped:,}"))
        lines += [_line(e) for e in events]
        if lines:
            self.appendPlainText("\n".join(lines))


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
        translate("LogPane", " attempt {n}").format(n=event.attempt) if event.attempt > 1 else ""
    )
    extra += translate("LogPane", " redelivered") if event.redelivered else ""
    extra += f" ({event.error})" if event.error else ""
    return f"{stamp}  {verb:<9} {event.message_id:<12} {where} {event.consumer}{key}{extra}"
