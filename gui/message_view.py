"""Which consumer got which message: the virtualised list plus the selected message's story."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from PySide6.QtCore import QAbstractItemModel, QItemSelection, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.history import story
from gui.message_filter import MessageFilter
from gui.message_model import COL_ID, MessageModel
from gui.translation import number, translate
from gui.widgets import ElidedLabel
from messaging.audit import Ledger

_WIDTHS = (110, 70, 48, 64, 104, 80, 78, 100)  # Spanish headers fit too
TYPING_MS = 200  # the text filter waits for a pause in typing: 100,000 rows to go through


class MessageView(QWidget):
    """Table over :class:`MessageModel` with a filter bar; selecting a row tells its story
    below the table, and its whole record in :attr:`json` (the window docks that)."""

    def __init__(
        self,
        model: MessageModel,
        ledger: Ledger,
        consumer_states: Callable[[], Mapping[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model, self._ledger, self._states = model, ledger, consumer_states
        self.filter = MessageFilter(self)
        self.filter.setSourceModel(model)
        for signal in (self.filter.rowsInserted, self.filter.rowsRemoved, self.filter.modelReset):
            signal.connect(self._count)
        self.table = self._make_table(model)
        self.history = ElidedLabel(
            translate("MessageView", "Select a message to see where it went.")
        )
        self.history.setObjectName("history")
        self.history.setMinimumWidth(120)
        self.history.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.json = QPlainTextEdit()
        self.json.setObjectName("messageJson")
        self.json.setReadOnly(True)
        self.json.setMaximumBlockCount(400)
        self.json.setFont(QFont("monospace", 9))
        self.json.setPlaceholderText(
            translate("MessageView", "Select a message: its record, every delivery included.")
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self._filter_bar())
        layout.addWidget(self.table, 1)
        layout.addWidget(self.history)
        self._selected: str | None = None

    def _filter_bar(self) -> QHBoxLayout:
        """Title, then the filter: text, redelivered, dead-lettered, one consumer, count."""
        title = QLabel(translate("MessageView", "Messages"))
        title.setObjectName("sectionTitle")
        title.setToolTip(translate("MessageView", "Newest first"))
        self.search = QLineEdit()
        self.search.setObjectName("filterText")
        self.search.setPlaceholderText(translate("MessageView", "Filter: id or key"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(110)
        typing = QTimer(self)
        typing.setSingleShot(True)
        typing.setInterval(TYPING_MS)
        typing.timeout.connect(lambda: self.set_filter(text=self.search.text()))
        self.search.textChanged.connect(lambda _text: typing.start())
        self.only_redelivered = _toggle(
            translate("MessageView", "↻ redelivered"),
            translate("MessageView", "Only messages a consumer got again (after a crash)"),
        )
        self.only_redelivered.toggled.connect(lambda on: self.set_filter(redelivered=on))
        self.only_dead = _toggle(
            translate("MessageView", "dead-lettered"),
            translate("MessageView", "Only messages that went to the dead-letter topic"),
        )
        self.only_dead.toggled.connect(lambda on: self.set_filter(dead_lettered=on))
        self.consumer = ConsumerChoice(self._states)
        self.consumer.currentIndexChanged.connect(
            lambda _i: self.set_filter(consumer=self.consumer.currentData() or "")
        )
        self.count = QLabel()
        self.count.setObjectName("dim")
        self.count.hide()
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(title)
        row.addWidget(self.search, 1)
        for widget in (self.only_redelivered, self.only_dead, self.consumer, self.count):
            row.addWidget(widget)
        return row

    def set_filter(self, **settings: object) -> None:
        """Filter the list (see :meth:`MessageFilter.set_filter`); the table shows the
        filter while one is set, the whole list otherwise."""
        self.filter.set_filter(**settings)
        self._show(self.filter if self.filter.active() else self.model)
        self._count()

    def _show(self, model: QAbstractItemModel) -> None:
        if self.table.model() is model:
            return
        widths = [self.table.columnWidth(c) for c in range(len(_WIDTHS))]
        self.table.setModel(model)
        for col, width in enumerate(widths):
            self.table.setColumnWidth(col, width)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

    def _count(self) -> None:
        """How many rows pass, of how many ("12 of 3,456"), while a filter is set."""
        active = self.filter.active()
        self.count.setVisible(active)
        if active:
            self.count.setText(
                translate("MessageView", "{shown} of {total}").format(
                    shown=number(self.filter.rowCount()), total=number(self.model.rowCount())
                )
            )

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
        self.show_message(rows[0].siblingAtColumn(COL_ID).data())

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


class ConsumerChoice(QComboBox):
    """All consumers, or one of them; the names are read each time the list opens."""

    def __init__(self, consumer_states: Callable[[], Mapping[str, str]]) -> None:
        super().__init__()
        self._states = consumer_states
        self.setObjectName("consumerChoice")
        self.setToolTip(translate("MessageView", "Only the messages one consumer took"))
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.addItem(translate("MessageView", "all consumers"), "")
        self.refresh()

    def refresh(self) -> None:
        """The consumers there are now, plus the chosen one even if it is gone."""
        chosen = self.currentData() or ""
        names = sorted({*self._states(), *([chosen] if chosen else [])}, key=_natural)
        if names == [self.itemData(i) for i in range(1, self.count())]:
            return
        self.blockSignals(True)
        while self.count() > 1:
            self.removeItem(1)
        for name in names:
            self.addItem(name, name)
        self.setCurrentIndex(max(self.findData(chosen), 0))
        self.blockSignals(False)

    def showPopup(self) -> None:  # Qt override
        self.refresh()
        super().showPopup()


def _natural(name: str) -> tuple:
    """C2 before C10."""
    digits = "".join(ch for ch in name if ch.isdigit())
    return (name.rstrip("0123456789"), int(digits) if digits and name[-1].isdigit() else 0, name)


def _toggle(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setObjectName("filterToggle")
    button.setText(text)
    button.setToolTip(tip)
    button.setCheckable(True)
    return button
