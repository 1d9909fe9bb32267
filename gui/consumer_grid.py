"""The consumer group as a grid of cards that grows and shrinks with the fleet.

Each row of cards is as tall as the grid's view (a card never gets less than its
minimum: its controls and a line of messages), so the view always shows whole cards,
never a strip of one; with more rows, it scrolls a row at a time.
"""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.consumer_card import MIN_H, ConsumerCard
from gui.core_text import core_text
from gui.translation import translate
from gui.widgets import ElidedLabel
from messaging.core.events import CRASHED, PROCESS, STOPPED, THREAD, ConsumerSnapshot, Delivery
from messaging.core.reasons import Reason

CARD_W = 240  # narrowest a card reads well at, plus spacing (wider if its controls need it)


class ConsumerGrid(QWidget):
    """Owns the cards; forwards their buttons as signals the window wires to the fleet."""

    add_requested = Signal(str)  # the kind: process or thread
    stop_requested = Signal(int)
    crash_requested = Signal(int)
    forget_requested = Signal(int)  # a dead consumer's ✕: the core forgets it, then dismiss()
    delay_changed = Signal(int, int)
    selection_changed = Signal(object)  # the selected consumer id, or None

    def __init__(self, default_kind: str = PROCESS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = 3
        self.cards: dict[int, ConsumerCard] = {}
        self._dismissed: set[int] = set()
        self.selected: int | None = None  # the card the window's Stop/Crash shortcuts act on
        self.default_kind = default_kind
        self.add_button = self._add_button()
        self.summary = ElidedLabel()  # "3 vivos · 4 mostrados" gives way to the Add button
        self.summary.setObjectName("dim")
        self.summary.setMinimumWidth(40)
        header = QHBoxLayout()
        self.title = QLabel(translate("ConsumerGrid", "Consumer group"))
        self.title.setObjectName("sectionTitle")
        header.addWidget(self.title)
        header.addWidget(self.summary)
        header.addStretch(1)
        header.addWidget(self.add_button)
        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(10)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._grid_host)
        scroll.setObjectName("gridScroll")
        scroll.setMinimumHeight(MIN_H + 2 * scroll.frameWidth())  # one whole card
        scroll.viewport().installEventFilter(self)  # its height is the rows' height
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(scroll, 1)

    def _add_button(self) -> QToolButton:
        """Click adds the app's default kind; the arrow offers both kinds."""
        button = QToolButton()
        button.setObjectName("addButton")
        kind_word = (
            translate("ConsumerGrid", "process")
            if self.default_kind == PROCESS
            else translate("ConsumerGrid", "thread")
        )
        button.setText(translate("ConsumerGrid", "＋ Add consumer ({kind})").format(kind=kind_word))
        button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        button.clicked.connect(lambda: self.add_requested.emit(self.default_kind))
        menu = QMenu(button)
        for kind, text in (
            (PROCESS, translate("ConsumerGrid", "Process — its own OS process; Crash = SIGKILL")),
            (THREAD, translate("ConsumerGrid", "Thread — inside the app; Crash is simulated")),
        ):
            action = QAction(text, menu)
            action.triggered.connect(lambda _=False, k=kind: self.add_requested.emit(k))
            menu.addAction(action)
        button.setMenu(menu)
        return button

    def apply(self, snapshots: dict[int, ConsumerSnapshot], deliveries: list[Delivery]) -> None:
        """One batch: new cards for new consumers, newest state, processed messages."""
        added = False
        for consumer_id, snap in sorted(snapshots.items()):
            card = self.cards.get(consumer_id)
            if card is None and consumer_id not in self._dismissed:
                card = self._add_card(snap)
                added = True
            elif card is not None:
                card.apply_snapshot(snap)
        per_consumer: dict[int, list[Delivery]] = defaultdict(list)
        for d in deliveries:
            per_consumer[d.consumer_id].append(d)
        for consumer_id, items in per_consumer.items():
            if consumer_id in self.cards:
                self.cards[consumer_id].add_deliveries(items)
        if added:
            self._relayout()

    def _add_card(self, snap: ConsumerSnapshot) -> ConsumerCard:
        card = ConsumerCard(snap, self._grid_host)
        card.stop_requested.connect(self.stop_requested.emit)
        card.crash_requested.connect(self.crash_requested.emit)
        card.delay_changed.connect(self.delay_changed.emit)
        card.dismiss_requested.connect(self.forget_requested.emit)
        card.installEventFilter(self)  # a click anywhere on the card selects it
        card.setMinimumHeight(max(self.scroll.viewport().height(), MIN_H))
        self.cards[snap.id] = card
        return card

    def dismiss(self, consumer_id: int) -> None:
        """Drop the card of a consumer the core forgot (``GroupChange("removed")``); the
        grid closes the gap, and late reports of it make no new card."""
        self._dismissed.add(consumer_id)
        card = self.cards.get(consumer_id)
        if card is None:
            return
        if consumer_id == self.selected:
            self.select(None)
        del self.cards[consumer_id]
        self._grid.removeWidget(card)
        card.deleteLater()
        self._relayout()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if event.type() == QEvent.Type.MouseButtonPress and isinstance(watched, ConsumerCard):
            self.select(watched.consumer_id)
        elif event.type() == QEvent.Type.Resize and watched is self.scroll.viewport():
            self._fit_rows()
        return False

    def _fit_rows(self) -> None:
        """Every card as tall as the view (at least its minimum); the wheel and the arrows
        of the scroll bar move a whole row."""
        height = max(self.scroll.viewport().height(), MIN_H)
        for card in self.cards.values():
            if card.minimumHeight() != height:
                card.setMinimumHeight(height)
        self.scroll.verticalScrollBar().setSingleStep(height + self._grid.spacing())

    def select(self, consumer_id: int | None) -> None:
        """Mark one card selected (theme.qss highlights its border), or none."""
        self.selected = consumer_id if consumer_id in self.cards else None
        for card_id, card in self.cards.items():
            if card.property("selected") != (card_id == self.selected):
                card.setProperty("selected", card_id == self.selected)
                card.style().unpolish(card)
                card.style().polish(card)
        self.selection_changed.emit(self.selected)

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        """As many columns as whole cards fit: four consumers side by side at 1400 px."""
        super().resizeEvent(event)
        columns = max(1, (event.size().width() - 16) // self._cell_width())
        if columns != self.columns:
            self.columns = columns
            self._relayout()

    def _cell_width(self) -> int:
        """A card's width plus spacing: CARD_W, or what a card's controls need (Spanish
        buttons are wider), so that a column never squeezes them."""
        needed = max((c.minimumSizeHint().width() for c in self.cards.values()), default=0)
        return max(CARD_W, needed + self._grid.spacing())

    def _relayout(self) -> None:
        if self.width() > 16 and self.cards:  # a first card may be wider than CARD_W
            self.columns = max(1, (self.width() - 16) // self._cell_width())
        for card in self.cards.values():
            self._grid.removeWidget(card)
        for i, consumer_id in enumerate(sorted(self.cards)):
            self._grid.addWidget(self.cards[consumer_id], i // self.columns, i % self.columns)
        rows = (len(self.cards) + self.columns - 1) // self.columns
        for r in range(self._grid.rowCount()):  # the rows share the height, cards fill it
            self._grid.setRowStretch(r, 1 if r < rows else 0)

    def tick(self, idle_reason: Reason | None) -> None:
        """Clocks of every card; idle cards learn why they are idle."""
        live = sum(1 for c in self.cards.values() if c.snapshot.state not in (STOPPED, CRASHED))
        shown = len(self.cards)  # a plain name: lupdate loses a call whose count has brackets
        self.summary.setText(
            translate("ConsumerGrid", "%Ln live", "consumers", live)
            + " · "
            + translate("ConsumerGrid", "%Ln shown", "cards", shown)
        )
        reason = (
            core_text(idle_reason)
            if idle_reason
            else translate("ConsumerGrid", "idle: no partition is left for it")
        )
        for card in self.cards.values():
            card.set_idle_reason(reason)
            card.tick()

    def processed_total(self) -> int:
        """Sum of the processed counts the cards show."""
        return sum(card.processed for card in self.cards.values())
