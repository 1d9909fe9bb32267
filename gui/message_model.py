"""The message list's table model: newest first, capped, fed in batches.

Rows are kept oldest-first in a plain list (appending is cheap) and shown reversed,
so new messages enter at the top with one ``beginInsertRows`` per batch. When the
list grows past ``capacity`` plus a slack of 10 % the oldest rows are dropped in one
``beginRemoveRows``, so memory stays bounded and trimming is amortised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from gui import colors
from gui.core_text import core_text
from gui.translation import QT_TRANSLATE_NOOP, number, state_word, translate
from messaging.core.events import CONSUMED, PROCESSED, PROCESSING, Delivery, SentMessage
from messaging.core.reasons import Reason

COLUMNS = (
    QT_TRANSLATE_NOOP("MessageModel", "Message id"),
    QT_TRANSLATE_NOOP("MessageModel", "Key"),
    QT_TRANSLATE_NOOP("MessageModel", "Part."),
    QT_TRANSLATE_NOOP("MessageModel", "Offset"),
    QT_TRANSLATE_NOOP("MessageModel", "Consumer"),
    QT_TRANSLATE_NOOP("MessageModel", "Latency"),
    QT_TRANSLATE_NOOP("MessageModel", "Attempts"),
    QT_TRANSLATE_NOOP("MessageModel", "Status"),
)
COL_ID, COL_KEY, COL_PART, COL_OFFSET, COL_CONSUMER, COL_LATENCY, COL_ATTEMPTS, COL_STATUS = range(
    len(COLUMNS)
)
ConsumerRole = Qt.ItemDataRole.UserRole + 1  # consumer id of the row, for tests and delegates
# What the list's filter (gui.message_filter) asks of a row, whatever the model keeps.
RedeliveredRole = Qt.ItemDataRole.UserRole + 2  # bool: some consumer of a group got it again
StatusRole = Qt.ItemDataRole.UserRole + 3  # str: the core's status of its newest delivery
ConsumersRole = Qt.ItemDataRole.UserRole + 4  # tuple[str, ...]: who started it, who has it
_Index = QModelIndex | QPersistentModelIndex


class MessageRow:
    """What the list shows of one message; updated in place as deliveries arrive."""

    __slots__ = (
        "seq",
        "message_id",
        "key",
        "partition",
        "offset",
        "consumer",
        "consumer_id",
        "first_consumer",
        "sent_at",
        "done_at",
        "attempts",
        "status",
        "redelivered",
        "out_of_order",
        "done_groups",
        "elsewhere",
    )

    def __init__(self, seq: int, message_id: str, key: str | None, partition: int, offset: int):
        self.seq = seq
        self.message_id, self.key = message_id, key
        self.partition, self.offset = partition, offset
        self.consumer, self.consumer_id, self.first_consumer = "", 0, ""
        self.sent_at: float | None = None
        self.done_at: float | None = None
        self.attempts = 0
        self.status = "sent"
        self.redelivered = False
        self.out_of_order: Reason | None = None
        self.done_groups: set[str] = set()  # groups that processed it (publish-subscribe)
        self.elsewhere = False  # another producer's (or an earlier run's)

    def latency_ms(self) -> float | None:
        """Send acknowledgement to processed, as the ledger timestamps them."""
        if self.sent_at is None or self.done_at is None:
            return None
        return max((self.done_at - self.sent_at) * 1000, 0.0)


class MessageModel(QAbstractTableModel):
    """GUI thread only. ``apply`` takes one drained batch of sent messages and deliveries."""

    def __init__(
        self,
        capacity: int = 100_000,
        parent: Any = None,
        issued_here: Callable[[str], bool] = lambda _id: True,
    ) -> None:
        """``issued_here``: whether this app sent a message (the ledger knows its ids);
        the others are marked as produced elsewhere."""
        super().__init__(parent)
        self.capacity = capacity
        self._issued_here = issued_here
        self._rows: list[MessageRow] = []  # oldest first
        self._by_id: dict[str, MessageRow] = {}
        self._next_seq = 0
        self._batch_start = 0

    # ----- Qt model interface --------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return translate("MessageModel", COLUMNS[section])
        return None

    def row_at(self, row: int) -> MessageRow:
        """The message shown at view row ``row`` (0 = newest)."""
        return self._rows[len(self._rows) - 1 - row]

    def row_of(self, message_id: str) -> int | None:
        """View row of ``message_id``, or None when it is not (or no longer) listed."""
        item = self._by_id.get(message_id)
        if item is None:
            return None
        return len(self._rows) - 1 - (item.seq - self._rows[0].seq)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.row_at(index.row())
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(item, col)
        if role == Qt.ItemDataRole.BackgroundRole and col == COL_CONSUMER and item.consumer_id:
            return colors.consumer_color(item.consumer_id)
        if role == Qt.ItemDataRole.ForegroundRole:
            return _foreground(item, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_PART, COL_OFFSET, COL_LATENCY):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_STATUS and item.out_of_order:
            return core_text(item.out_of_order)
        if role == ConsumerRole:
            return item.consumer_id
        if role == RedeliveredRole:
            return item.redelivered
        if role == StatusRole:
            return item.status
        if role == ConsumersRole:
            return (item.first_consumer, item.consumer)
        return None

    # ----- batches -----------------------------------------------------------------
    def apply(self, sent: Iterable[SentMessage], deliveries: Iterable[Delivery]) -> int:
        """Merge one batch; returns how many new rows it added. Order within is free."""
        fresh: list[MessageRow] = []
        changed: list[MessageRow] = []
        self._batch_start = self._next_seq
        for s in sent:
            item = self._get(s.message_id, s.key, s.partition, s.offset, fresh, changed)
            item.sent_at = s.at
        for d in deliveries:
            item = self._get(d.message_id, d.key, d.partition, d.offset, fresh, changed)
            _merge(item, d)
        if fresh:
            self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
            self._rows.extend(fresh)
            self.endInsertRows()
        self._announce(changed)
        self._trim()
        return len(fresh)

    def _get(
        self,
        message_id: str,
        key: str | None,
        partition: int,
        offset: int,
        fresh: list[MessageRow],
        changed: list[MessageRow],
    ) -> MessageRow:
        item = self._by_id.get(message_id)
        if item is None:
            item = MessageRow(self._next_seq, message_id, key, partition, offset)
            item.elsewhere = not self._issued_here(message_id)
            self._next_seq += 1
            self._by_id[message_id] = item
            fresh.append(item)
        elif item.seq < self._batch_start:
            changed.append(item)  # listed before this batch: its cells change
        return item

    def _announce(self, changed: list[MessageRow]) -> None:
        """One dataChanged spanning the updated rows; the view repaints only visible ones."""
        rows = [r for r in (self.row_of(c.message_id) for c in changed) if r is not None]
        if rows:
            last = len(COLUMNS) - 1
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), last))

    def _trim(self) -> None:
        excess = len(self._rows) - self.capacity
        if excess <= self.capacity // 10:
            return
        first = len(self._rows) - excess
        self.beginRemoveRows(QModelIndex(), first, len(self._rows) - 1)
        for item in self._rows[:excess]:
            self._by_id.pop(item.message_id, None)
        del self._rows[:excess]
        self.endRemoveRows()

    def consumers_of(self, message_id: str) -> tuple[str, str] | None:
        """(first consumer that started it, consumer of its newest delivery)."""
        item = self._by_id.get(message_id)
        return (item.first_consumer, item.consumer) if item else None


def _merge(item: MessageRow, d: Delivery) -> None:
    if not item.first_consumer:
        item.first_consumer = d.consumer
    if d.status == PROCESSING and d.group in item.done_groups:
        item.redelivered = True  # a second consumer of the same group took it up again
    item.consumer, item.consumer_id = d.consumer, d.consumer_id
    item.status = d.status
    item.attempts = max(item.attempts, d.attempt)
    item.redelivered = item.redelivered or d.redelivered
    item.out_of_order = d.out_of_order or item.out_of_order
    if d.status != PROCESSING:
        item.done_at = d.at
    if d.status in (PROCESSED, CONSUMED):
        item.done_groups.add(d.group)


def _display(item: MessageRow, col: int) -> str:
    if col == COL_ID:
        if item.elsewhere:
            return translate("MessageModel", "{id} · from elsewhere").format(id=item.message_id)
        return item.message_id
    if col == COL_KEY:
        return item.key or ""
    if col == COL_PART:
        return str(item.partition)
    if col == COL_OFFSET:
        return str(item.offset)
    if col == COL_CONSUMER:
        return item.consumer
    if col == COL_LATENCY:
        ms = item.latency_ms()
        return "" if ms is None else f"{number(round(ms))} ms"
    if col == COL_ATTEMPTS:
        mark = " ↻" if item.redelivered else ""
        return f"{item.attempts}{mark}" if item.attempts else ""
    status = state_word(item.status)
    if item.out_of_order:
        return translate("MessageModel", "{status} · ↯ out of key order").format(status=status)
    return status


def _foreground(item: MessageRow, col: int) -> QColor | None:
    if col == COL_CONSUMER and item.consumer_id:
        return colors.ink_on(colors.consumer_color(item.consumer_id))
    if col == COL_STATUS:
        return _STATUS_INK.get(item.status)
    if col == COL_ATTEMPTS and (item.redelivered or item.attempts > 1):
        return _STATUS_INK["failed"]
    return None


_STATUS_INK = {status: QColor(hex_color) for status, hex_color in colors.STATUS_COLORS.items()}
