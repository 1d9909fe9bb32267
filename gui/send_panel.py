"""The form a person sends with: JSON body, optional key, single send or a paced burst.

Sending blocks until the broker acknowledges, so every send runs on a small executor
awaited from a qasync coroutine: the window keeps painting while the broker answers.
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from gui.translation import number, translate
from gui.widgets import SpinBox
from messaging.clients import Burst, Sender, SendError, counts_id, nth
from messaging.core.events import SentMessage

DEFAULT_BODY = {"id": 1, "contenido": "Hola desde Kafka"}
SEND_KEYS = ("Ctrl+Return", "Ctrl+Enter")  # either Enter key sends


def send_keys_text() -> str:
    """The send shortcut as the platform and language write it ("Control+Intro" in
    Spanish), like the menus' own shortcuts."""
    return QKeySequence(SEND_KEYS[1]).toString(QKeySequence.SequenceFormat.NativeText)


def parse_body(text: str) -> tuple[dict[str, Any] | None, str]:
    """The JSON object in ``text``, or None and the reason it is not one."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        text = translate("SendPanel", "Invalid JSON: {error} (line {line}, column {column})")
        return None, text.format(error=exc.msg, line=exc.lineno, column=exc.colno)
    if not isinstance(value, dict):
        return None, translate(
            "SendPanel", 'The body must be a JSON object, like the spec\'s {"id": 1, ...}'
        )
    return value, ""


class SendPanel(QWidget):
    """GUI thread; ``sent`` fires with each acknowledged single send."""

    sent = Signal(object)

    def __init__(self, sender: Sender, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sender = sender
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="gui-send")
        self._closed = False
        self.burst: Burst | None = None  # the one under way, if any
        self.last_sent: SentMessage | None = None
        self.burst_sent = 0  # acknowledged records of the last burst
        self._build()
        self.editor.textChanged.connect(self._validate)
        for keys in SEND_KEYS:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.send_button.click)

    def _build(self) -> None:
        self.editor = QPlainTextEdit(json.dumps(DEFAULT_BODY, ensure_ascii=False))
        self.editor.setObjectName("jsonEditor")
        self.editor.setFont(QFont("monospace", 10))
        self.editor.setMinimumHeight(58)  # three lines: the spec's body is one
        self.editor.setMaximumHeight(84)  # more would push the buttons out of a short view
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.key = QLineEdit()
        self.key.setPlaceholderText(translate("SendPanel", "optional: same key → same partition"))
        self.send_button = QPushButton(
            translate("SendPanel", "Send  ({keys})").format(keys=send_keys_text())
        )
        self.send_button.setObjectName("primary")
        self.send_button.clicked.connect(self.on_send)
        self.result = QLabel(translate("SendPanel", "Nothing sent yet."))
        self.result.setObjectName("result")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.addRow(translate("SendPanel", "Key"), self.key)
        heading = self._heading()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(heading)
        for widget in (self.editor, self.error):
            box.addWidget(widget)
        box.addLayout(form)
        box.addWidget(self.send_button)
        box.addLayout(self._burst_row())
        box.addWidget(self.result)
        box.addWidget(self.hint, 1)
        box.addStretch(0)  # the room, while the hint is hidden

    def _heading(self) -> QHBoxLayout:
        """The title with a help mark; the same help as ``hint``, shown below the controls
        only where it fits whole: it takes no height of its own (on a short screen it would
        be cut, or push a scroll bar in)."""
        title = QLabel(translate("SendPanel", "Send a message"))
        title.setObjectName("sectionTitle")
        hint = translate(
            "SendPanel",
            "Point-to-point: every message is processed by exactly one consumer of the "
            "group. Kafka hands each partition to one member; messages with the same key "
            "land on the same partition, so the same consumer. Crash a consumer and its "
            "partitions wait for the session timeout before a survivor takes them over.",
        )
        about = QLabel("?")  # the hint, always a hover away
        about.setObjectName("helpMark")
        about.setAlignment(Qt.AlignmentFlag.AlignCenter)
        about.setFixedSize(18, 18)
        about.setToolTip(hint)
        self.hint = QLabel(hint)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addWidget(about)
        heading.addStretch(1)
        return heading

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        super().resizeEvent(event)
        self._fit_hint()

    def _fit_hint(self) -> None:
        """Show the hint only if all of it fits under the controls."""
        room = self.height() - self.result.geometry().bottom() - 2 * self.layout().spacing()
        self.hint.setVisible(self.hint.heightForWidth(max(self.width(), 1)) <= room)

    def _burst_row(self) -> QHBoxLayout:
        self.burst_count = SpinBox()
        self.burst_count.setRange(1, 1_000_000)
        self.burst_count.setValue(1000)
        self.burst_count.setPrefix(translate("SendPanel", "send "))
        self.burst_count.setToolTip(translate("SendPanel", "Messages in a burst"))
        self.burst_rate = SpinBox()
        self.burst_rate.setRange(0, 100_000)
        self.burst_rate.setValue(200)
        self.burst_rate.setSuffix(" /s")
        self.burst_rate.setSpecialValueText(translate("SendPanel", "max rate"))
        self.burst_rate.setToolTip(
            translate("SendPanel", "Messages per second (0: as fast as possible)")
        )
        for spin in (self.burst_count, self.burst_rate):
            # Their own hint is the widest value (1000000), which would cut the burst
            # button: they take what is left, their text scrolls within.
            spin.setMinimumWidth(86)
            spin.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.burst_button = QPushButton(translate("SendPanel", "Burst"))
        self.burst_button.clicked.connect(self.on_burst)
        # As wide as its longer text, so that "Stop burst" neither grows nor is cut.
        metrics = self.burst_button.fontMetrics()
        longest = max(
            metrics.horizontalAdvance(t)
            for t in (translate("SendPanel", "Burst"), translate("SendPanel", "Stop burst"))
        )
        self.burst_button.setMinimumWidth(longest + 28)
        row = QHBoxLayout()
        row.addWidget(self.burst_count, 3)
        row.addWidget(self.burst_rate, 2)
        row.addWidget(self.burst_button)
        return row

    # ----- validation ---------------------------------------------------------------
    def _validate(self) -> dict[str, Any] | None:
        """Mark the editor red with the reason while the text is not a JSON object."""
        value, reason = parse_body(self.editor.toPlainText())
        self.error.setText(reason)
        self.error.setVisible(bool(reason))
        if self.editor.property("invalid") != bool(reason):
            self.editor.setProperty("invalid", bool(reason))
            self.editor.style().unpolish(self.editor)
            self.editor.style().polish(self.editor)
        return value

    def _key(self) -> str | None:
        return self.key.text() or None

    def _advance_id(self, value: dict[str, Any], by: int) -> None:
        """The spec's body counts its ``id`` up, so consecutive sends differ."""
        if counts_id(value):
            indent = 2 if "\n" in self.editor.toPlainText().strip() else None
            self.editor.setPlainText(json.dumps(nth(value, by), ensure_ascii=False, indent=indent))

    # ----- sending ------------------------------------------------------------------
    def on_send(self) -> None:
        """Send the editor's body once; nothing is sent while it is invalid.

        Validates now, at the click: the coroutine starts on a later loop turn, when
        the editor may already hold something else.
        """
        value = self._validate()
        if value is None or self._closed or not self.send_button.isEnabled():
            return
        self.send_button.setEnabled(False)
        self._send(value, self._key())

    @asyncSlot()
    async def _send(self, value: dict[str, Any], key: str | None) -> None:
        loop = asyncio.get_running_loop()
        try:
            sent = await loop.run_in_executor(self._executor, self._sender.send, value, key)
        except SendError as exc:
            self._show_result(
                translate("SendPanel", "Not sent: {error}").format(error=exc), error=True
            )
            return
        finally:
            self.send_button.setEnabled(True)
        self.last_sent = sent
        self._advance_id(value, 1)
        self._show_result(
            translate(
                "SendPanel",
                "Sent <b>{id}</b> → partition <b>{partition}</b>, offset <b>{offset}</b>",
            ).format(id=sent.message_id, partition=sent.partition, offset=sent.offset)
        )
        self.sent.emit(sent)

    @property
    def bursting(self) -> bool:
        return self.burst is not None and not self.burst.cancelled

    def on_burst(self) -> None:
        """Send N copies (ids counting up) at the chosen rate; clicking again cancels."""
        if self.burst is not None:
            self.burst.cancel()
            return
        value = self._validate()
        if value is None or self._closed:
            return
        self.burst = Burst(value, self.burst_count.value(), self._key(), self.burst_rate.value())
        self.burst_sent = 0
        self.burst_button.setText(translate("SendPanel", "Stop burst"))
        self._burst(self.burst)

    @asyncSlot()
    async def _burst(self, burst: Burst) -> None:
        try:
            await self._pace(burst)
        except SendError as exc:
            text = translate("SendPanel", "Burst stopped after {n}: {error}")
            self._show_result(text.format(n=number(burst.sent), error=exc), error=True)
        finally:
            self.burst = None
            self.burst_button.setText(translate("SendPanel", "Burst"))
        self._advance_id(burst.body, burst.sent)
        if self.result.property("error") is not True:
            text = translate("SendPanel", "Burst: {n} of {total} sent")
            self._show_result(text.format(n=number(burst.sent), total=number(burst.count)))

    async def _pace(self, burst: Burst) -> None:
        """Drive ``burst``: each chunk on the send threads, the pause on the loop."""
        loop = asyncio.get_running_loop()
        progress = translate("SendPanel", "Burst: {n} of {total}")
        self._show_result(progress.format(n=number(0), total=number(burst.count)))
        for part in burst.chunks(loop.time()):
            if self._closed:
                return
            await loop.run_in_executor(self._executor, self._sender.send_many, part)
            burst.acknowledged(len(part))
            self.burst_sent = burst.sent
            self._show_result(progress.format(n=number(burst.sent), total=number(burst.count)))
            await asyncio.sleep(burst.pause(loop.time()))

    def _show_result(self, text: str, error: bool = False) -> None:
        self.result.setText(text)
        QTimer.singleShot(0, self._fit_hint)  # a longer result leaves less room below it
        self.result.setProperty("error", error)
        self.result.style().unpolish(self.result)
        self.result.style().polish(self.result)

    def close_executor(self, wait: bool) -> None:
        """Stop bursts and the send threads; ``wait`` joins them (bounded by the ack timeout)."""
        self._closed = True
        if self.burst is not None:
            self.burst.cancel()
        self._executor.shutdown(wait=wait, cancel_futures=True)
