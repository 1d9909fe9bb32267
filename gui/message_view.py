"""Which consumer got which message: the virtualised list plus the selected message's story."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.history import story
from gui.message_model import COL_ID, MessageModel
from gui.translation import translate
from messaging.ledger import Ledger

_WIDTHS = (110, 70, 48, 64, 104, 80, 78, 100)  # Spanish headers fit too


class MessageView(QWidget):
    """Table over :class:`MessageModel`; selecting a row shows its delivery history."""

    def __init__(
        self,
        model: MessageModel,
        ledger: Ledger,
        consumer_states: Callable[[], Mapping[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model, self._ledger, self._states = model, ledger, consumer_states
        self.table = self._make_table(model)
        self.history = QLabel(translate("MessageView", "Select a message to see where it went."))
        self.history.setObjectName("history")
        self.history.setWordWrap(True)
        self.history.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.json = QPlainTextEdit()
        self.json.setReadOnly(True)
        self.json.setMaximumBlockCount(400)
        self.json.setFont(QFont("monospace", 9))
        self.json.setMinimumHeight(36)  # a short screen gives the rows the room instead
        details = QWidget()
        box = QVBoxLayout(details)
        box.setContentsMargins(0, 4, 0, 0)
        box.addWidget(self.history)
        box.addWidget(self.json, 1)
        self.split = split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(details)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(translate("MessageView", "Messages — newest first"))
        title.setObjectName("sectionTitle")
        layout.addWidget(title)
        layout.addWidget(split)
        self._selected: str | None = None

    def _make_table(self, model: MessageModel) -> QTableView:
        """Fixed row heights and column widths: nothing in the view scans all rows."""
        table = QTableView()
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        vh = table.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(22)
        hh = table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate(_WIDTHS):
            table.setColumnWidth(col, width)
        hh.setStretchLastSection(True)
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        table.selectionModel().selectionChanged.connect(self._on_selection)
        return table

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = selected.indexes()
        if not rows:
            return
        message_id = self.model.index(rows[0].row(), COL_ID).data()
        self.show_message(message_id)

    def show_message(self, message_id: str) -> None:
        """Show the story and JSON of ``message_id`` as the ledger knows it now."""
        self._selected = message_id
        record = self._ledger.get(message_id)
        if record is None:
            self.history.setText(
                translate("MessageView", "{id}: no longer in the ledger").format(id=message_id)
            )
            self.json.setPlainText("")
            return
        first = (self.model.consumers_of(message_id) or ("", ""))[0]
        self.history.setText(f"<b>{message_id}</b>: {story(record, first, self._states())}")
        text = json.dumps(record.as_json(), ensure_ascii=False, indent=2)
        if text != self.json.toPlainText():  # unchanged: keep the reader's scroll position
            self.json.setPlainText(text)

    def refresh_selected(self) -> None:
        """Re-read the selected message (its deliveries may have moved on)."""
        if self._selected is not None:
            self.show_message(self._selected)
