"""The topic's partitions in a row, each in its owner's colour, with lag and group state.

Custom-painted: six to a few dozen boxes repainted a few times a second is far
cheaper than a widget per partition, and ``update()`` is only called on change.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QHelpEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from gui import colors
from gui.translation import number, state_word, translate
from messaging.group import INFERRED, GroupView

BADGE_W = 190
NARROW_W = 96  # below this a partition box stacks its label, owner and lag
# Below this a box cannot hold "P12": the compact view draws bars, labels each run of one
# owner's partitions once ("P0–P7 · C1"), and names a single partition in its tooltip.
COMPACT_W = 34


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
        width = self._box_width()
        compact = width < COMPACT_W
        for part in range(self.partitions):
            if compact:  # bars touch once a gap would leave no colour (a narrow panel)
                gap = 1.0 if width >= 4 else 0.0
                box = QRectF(
                    self.badge_w + part * width + gap, 4, width - 2 * gap, self.height() - 8
                )
                self._paint_bar(p, part, box)
            else:
                box = QRectF(self.badge_w + part * width + 3, 4, width - 6, self.height() - 8)
                self._paint_partition(p, part, box)
        if compact:
            self._paint_runs(p, width)
        p.end()

    def _box_width(self) -> float:
        return (self.width() - self.badge_w) / max(self.partitions, 1)

    @property
    def compact(self) -> bool:
        """Whether the partitions are too many for this width to label each one."""
        return self._box_width() < COMPACT_W

    def runs(self) -> list[tuple[int, int, str]]:
        """(first, last, owner name) of each stretch of partitions one owner holds."""
        runs: list[tuple[int, int, str]] = []
        for part in range(self.partitions):
            owner = self.owners.get(part)
            name = owner[0] if owner else ""
            if runs and runs[-1][2] == name and runs[-1][1] == part - 1:
                runs[-1] = (runs[-1][0], part, name)
            else:
                runs.append((part, part, name))
        return runs

    def _paint_bar(self, p: QPainter, part: int, box: QRectF) -> None:
        owner = self.owners.get(part)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colors.consumer_color(owner[1]) if owner else colors.UNOWNED)
        p.drawRoundedRect(box, 3, 3)

    def _paint_runs(self, p: QPainter, width: float) -> None:
        """One label per run of an owner's partitions wide enough to hold it."""
        p.setFont(_font(9, bold=True))
        for first, last, name in self.runs():
            box = QRectF(self.badge_w + first * width, 4, (last - first + 1) * width, 22)
            span = f"P{first}" if first == last else f"P{first}–P{last}"
            # The longest label that fits: the span and its owner, else the owner alone.
            fits = [
                t
                for t in (f"{span} · {name}" if name else span, name)
                if t and p.fontMetrics().horizontalAdvance(t) + 12 <= box.width()
            ]
            if not fits:
                continue
            text = fits[0]
            owner = self.owners.get(first)
            fill = colors.consumer_color(owner[1]) if owner else colors.UNOWNED
            text_w = p.fontMetrics().horizontalAdvance(text) + 12
            plate = QRectF(box.center().x() - text_w / 2, box.top() + 2, text_w, box.height() - 4)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(fill)  # under the label: the bars' gaps would stripe the text
            p.drawRoundedRect(plate, 6, 6)
            p.setPen(colors.ink_on(fill))
            p.drawText(plate, Qt.AlignmentFlag.AlignCenter, text)

    def partition_at(self, x: float) -> int | None:
        part = int((x - self.badge_w) // self._box_width()) if x >= self.badge_w else -1
        return part if 0 <= part < self.partitions else None

    def event(self, event: QEvent) -> bool:  # Qt override: each partition's tooltip
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            part = self.partition_at(event.pos().x())
            if part is None:
                QToolTip.hideText()
                return True
            QToolTip.showText(event.globalPos(), self.tooltip(part), self)
            return True
        return super().event(event)

    def tooltip(self, part: int) -> str:
        owner = self.owners.get(part)
        who = owner[0] if owner else translate("PartitionMap", "unowned")
        lag = translate("PartitionMap", "lag {n}").format(n=number(self.lag.get(part, 0)))
        return f"P{part} · {who} · {lag}"

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
