"""The message list through a filter: a text in the id or key, and quick toggles.

Finding one redelivered message meant scrolling some 150 rows. The filter is a proxy
over :class:`~gui.message_model.MessageModel` that reads only its display texts and its
filter roles, so the model may keep its rows however it likes. The view shows the model
itself while no filter is set: the proxy costs nothing during a burst nobody filters.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from gui.message_model import (
    COL_ID,
    COL_KEY,
    ConsumersRole,
    RedeliveredRole,
    StatusRole,
)
from messaging.core.events import DEAD_LETTERED

_Index = QModelIndex | QPersistentModelIndex


class MessageFilter(QSortFilterProxyModel):
    """Rows whose id or key holds ``text`` (any case), and that pass every toggle on."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.redelivered = False  # only messages some consumer got again
        self.dead_lettered = False  # only messages that ended in the dead-letter topic
        self.consumer = ""  # only messages this consumer started or holds ("" = any)
        self.setDynamicSortFilter(True)  # a row that becomes redelivered joins the list

    def active(self) -> bool:
        """Whether anything is filtered out at all."""
        return bool(self.text or self.redelivered or self.dead_lettered or self.consumer)

    def set_filter(
        self,
        text: str | None = None,
        redelivered: bool | None = None,
        dead_lettered: bool | None = None,
        consumer: str | None = None,
    ) -> None:
        """Change what passes (None leaves a setting as it is) and filter again."""
        begin = getattr(self, "beginFilterChange", None)  # Qt 6.9+; before, invalidate
        if begin:
            begin()
        if text is not None:
            self.text = text.strip().casefold()
        if redelivered is not None:
            self.redelivered = redelivered
        if dead_lettered is not None:
            self.dead_lettered = dead_lettered
        if consumer is not None:
            self.consumer = consumer
        if begin:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:  # Qt override
        model = self.sourceModel()
        first = model.index(source_row, COL_ID, source_parent)
        if self.redelivered and not first.data(RedeliveredRole):
            return False
        if self.dead_lettered and first.data(StatusRole) != DEAD_LETTERED:
            return False
        if self.consumer and self.consumer not in (first.data(ConsumersRole) or ()):
            return False
        if self.text:
            key = model.index(source_row, COL_KEY, source_parent).data() or ""
            return self.text in f"{first.data()}\n{key}".casefold()
        return True
