"""The topic's partitions in a row, each in its owner's colour, with lag and group state.

Custom-painted: six to a few dozen boxes repainted a few times a second is far
cheaper than a widget per partition, and ``update()`` is only called on change.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui import colors
from gui.translation import number, state_word, translate
from messaging.group_model import INFERRED, GroupView

BADGE_W = 190
NARROW_W = 96  # below this a partition box stacks its label, owner and lag


class PartitionMap(QWidget):
    """GUI thread only; :meth:`set_state` with the newest owners, lag and group state."""

    def __init__(self, partitions: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.partitions = partitions
        self.owners: dict[int, tuple[str, int]] = {}  # partition -> (name, consumer id)
        self.lag: dict[int, int] = {}
        self.group_state = "Empty"
        self.rebalances = 0
        self.paints = 0  # paintEvents so far: tests see that a change was drawn
        self.badge_w = BADGE_W
        self.setMinimumHeight(74)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_state(
        self,
        owners: dict[int, tuple[str, int]],
        lag: dict[int, int],
        group_state: str,
        rebalances: int,
    ) -> bool:
        """Store the newest figures; schedules a repaint only if something changed."""
        new = (dict(owners), dict(lag), group_state, rebalances)
        if new == (self.owners, self.lag, self.group_state, self.rebalances):
            return False
        self.owners, self.lag, self.group_state, self.rebalances = new
        self.update()
        return True

    def show_view(self, view: GroupView, lag: dict[int, int]) -> bool:
        """The group model's owners and state; a guessed owner's name carries a question
        mark (its card says it is a guess)."""
        owners = {
            p: (f"{s.name}?" if s.assignment_source == INFERRED else s.name, s.id)
            for p, s in view.owners.items()
        }
        return self.set_state(owners, lag, view.state, view.rebalances)

    def paintEvent(self, _event: QPaintEvent) -> None:  # Qt override
        self.paints += 1
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), colors.BACKGROUND)
        self._paint_badge(p, QRectF(0, 4, self.badge_w - 10, self.height() - 8))
        count = max(self.partitions, 1)
        width = (self.width() - self.badge_w) / count
        for part in range(self.partitions):
            box = QRectF(self.badge_w + part * width + 3, 4, width - 6, self.height() - 8)
            self._paint_partition(p, part, box)
        p.end()

    def _paint_badge(self, p: QPainter, box: QRectF) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colors.PANEL)
        p.drawRoundedRect(box, 8, 8)
        state_color = QColor(colors.GROUP_STATE_COLORS.get(self.group_state, "#8C93A5"))
        pill = QRectF(box.left() + 10, box.top() + 10, box.width() - 20, 24)
        p.setBrush(state_color)
        p.drawRoundedRect(pill, 12, 12)
        p.setPen(colors.ink_on(state_color))
        p.setFont(_font(10, bold=True))
        p.drawText(pill, Qt.AlignmentFlag.AlignCenter, state_word(self.group_state))
        p.setPen(colors.TEXT_DIM)
        p.setFont(_font(9))
        text_box = QRectF(box.left(), pill.bottom() + 4, box.width(), box.bottom() - pill.bottom())
        rebalances = translate("PartitionMap", "rebalances: {n}").format(n=number(self.rebalances))
        p.drawText(text_box, Qt.AlignmentFlag.AlignHCenter, rebalances)

    def _paint_partition(self, p: QPainter, part: int, box: QRectF) -> None:
        owner = self.owners.get(part)
        fill = colors.consumer_color(owner[1]) if owner else colors.UNOWNED
        ink = colors.ink_on(fill)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(fill)
        p.drawRoundedRect(box, 8, 8)
        lag = self.lag.get(part, 0)
        if lag:  # a bar along the bottom: how much is waiting, on a log-ish scale
            share = min(len(str(lag)) / 6, 1.0)
            bar = QRectF(box.left() + 6, box.bottom() - 7, (box.width() - 12) * share, 3)
            p.setBrush(QColor(ink.red(), ink.green(), ink.blue(), 150))
            p.drawRect(bar)
        p.setPen(ink)
        p.setFont(_font(11, bold=True))
        top = QRectF(box.left() + 8, box.top() + 4, box.width() - 16, 22)
        p.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"P{part}")
        who = owner[0] if owner else translate("PartitionMap", "unowned")
        narrow = box.width() < NARROW_W  # the owner goes under the number, small
        p.setFont(_font(8 if narrow else 9, bold=True))
        where = QRectF(top.left(), top.bottom() - 2, top.width(), 16) if narrow else top
        align = Qt.AlignmentFlag.AlignLeft if narrow else Qt.AlignmentFlag.AlignRight
        p.drawText(where, align | Qt.AlignmentFlag.AlignVCenter, who)
        p.setFont(_font(8 if narrow else 9))
        low = QRectF(box.left() + 8, top.bottom(), box.width() - 16, box.height() - 34)
        if narrow:
            low = QRectF(where.left(), where.bottom(), where.width(), box.bottom() - where.bottom())
        text = number(lag) if narrow else translate("PartitionMap", "lag {n}").format(n=number(lag))
        p.drawText(low, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)


def _font(points: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font
