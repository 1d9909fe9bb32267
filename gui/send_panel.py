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
from messaging.clients.sender import Sender, SendError
from messaging.core.events import SentMessage

DEFAULT_BODY = {"id": 1, "contenido": "Hola desde Kafka"}
CHUNK = 500  # records per send_many call in a burst: one ack wait per chunk
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
        self.bursting = False
        self.last_sent: SentMessage | None = None
        self.burst_sent = 0
        self._build()
        self.editor.textChanged.connect(self._validate)
        for keys in SEND_KEYS:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.send_button.click)

    def _build(self) -> None:
        title = QLabel(translate("SendPanel", "Send a message"))
        title.setObjectName("sectionTitle")
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
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addWidget(about)
        heading.addStretch(1)
        # Below the controls, shown only where it fits whole: it takes no height of its
        # own (on a short screen it was cut, or pushed a scroll bar in).
        self.hint = QLabel(hint)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
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
            # Their own hint is the widest value (1000000) and the burst button was cut
            # for it: they take what is left, their text scrolls within.
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
        if isinstance(value.get("id"), int) and not isinstance(value.get("id"), bool):
            text = self.editor.toPlainText()
            new = {**value, "id": value["id"] + by}
            indent = 2 if "\n" in text.strip() else None
            self.editor.setPlainText(json.dumps(new, ensure_ascii=False, indent=indent))

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

    def on_burst(self) -> None:
        """Send N copies (ids counting up) at the chosen rate; clicking again cancels."""
        if self.bursting:
            self.bursting = False
            return
        value = self._validate()
        if value is None or self._closed:
            return
        count, key = self.burst_count.value(), self._key()
        items = [(_nth(value, i), key) for i in range(count)]
        self.bursting, self.burst_sent = True, 0
        self.burst_button.setText(translate("SendPanel", "Stop burst"))
        self._burst(value, items, self.burst_rate.value())

    @asyncSlot()
    async def _burst(self, value: dict[str, Any], items: list, rate: int) -> None:
        count = len(items)
        try:
            await self._pace(items, rate)
        except SendError as exc:
            text = translate("SendPanel", "Burst stopped after {n}: {error}")
            self._show_result(text.format(n=number(self.burst_sent), error=exc), error=True)
        finally:
            self.bursting = False
            self.burst_button.setText(translate("SendPanel", "Burst"))
        self._advance_id(value, self.burst_sent)
        if self.result.property("error") is not True:
            text = translate("SendPanel", "Burst: {n} of {total} sent")
            self._show_result(text.format(n=number(self.burst_sent), total=number(count)))

    async def _pace(self, items: list[tuple[Any, str | None]], rate: int) -> None:
        loop = asyncio.get_running_loop()
        chunk = CHUNK if rate <= 0 else max(1, min(CHUNK, rate // 10))
        start = loop.time()
        progress = translate("SendPanel", "Burst: {n} of {total}")
        self._show_result(progress.format(n=number(0), total=number(len(items))))
        for i in range(0, len(items), chunk):
            if not self.bursting or self._closed:
                return
            part = items[i : i + chunk]
            await loop.run_in_executor(self._executor, self._sender.send_many, part)
            self.burst_sent += len(part)
            self._show_result(progress.format(n=number(self.burst_sent), total=number(len(items))))
            if rate > 0:
                await asyncio.sleep(max(start + self.burst_sent / rate - loop.time(), 0))

    def _show_result(self, text: str, error: bool = False) -> None:
        self.result.setText(text)
        QTimer.singleShot(0, self._fit_hint)  # a longer result leaves less room below it
        self.result.setProperty("error", error)
        self.result.style().unpolish(self.result)
        self.result.style().polish(self.result)

    def close_executor(self, wait: bool) -> None:
        """Stop bursts and the send threads; ``wait`` joins them (bounded by the ack timeout)."""
        self._closed = True
        self.bursting = False
        self._executor.shutdown(wait=wait, cancel_futures=True)


def _nth(value: dict[str, Any], i: int) -> dict[str, Any]:
    if isinstance(value.get("id"), int) and not isinstance(value.get("id"), bool):
        return {**value, "id": value["id"] + i}
    return value
