"""Rebalance timeline: one lane per consumer, when it owned which partitions.

The gaps are the point: after a graceful stop the partitions move within a few
seconds, after a crash they stay unowned until the broker's session timeout. The
widget keeps a bounded history and paints the last ``span`` seconds.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui import colors
from gui.translation import translate
from messaging.events import GroupChange

LANE_H, LABEL_W, TOP, AXIS_H = 20, 46, 20, 18
MARKS = {"join": ("▲", "#4CD08A"), "crash": ("✕", "#EF5D7F"), "stop": ("■", "#B8BECC")}


@dataclass
class Segment:
    start: float
    end: float | None
    partitions: tuple[int, ...]


@dataclass
class Lane:
    consumer_id: int
    segments: deque[Segment] = field(default_factory=lambda: deque(maxlen=200))
    marks: deque[tuple[float, str]] = field(default_factory=lambda: deque(maxlen=50))
    dead_at: float | None = None

    def close(self, at: float) -> None:
        if self.segments and self.segments[-1].end is None:
            self.segments[-1].end = at


class Timeline(QWidget):
    """GUI thread only: fed GroupChange batches and the group state on every tick."""

    def __init__(self, span_s: float = 90.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.span = span_s
        self.lanes: dict[int, Lane] = {}
        self.bands: deque[list[float | None]] = deque(maxlen=100)  # rebalancing [start, end]
        self.setFixedHeight(TOP + 3 * LANE_H + AXIS_H + 6)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.max_span = span_s
        self.started = time.time()
        self.moves: deque[tuple[float, int]] = deque(maxlen=50)  # (at, partitions moved)

    def apply(self, changes: list[GroupChange]) -> None:
        for change in changes:
            if change.kind == "moved":  # the group's, not a consumer's
                self.moves.append((change.at, len(change.partitions)))
                continue
            if change.kind == "removed":  # its card goes; its lane keeps its history
                continue
            lane = self.lanes.setdefault(change.consumer_id, Lane(change.consumer_id))
            if change.kind in ("revoked", "crash", "stop", "assigned"):
                lane.close(change.at)
            if change.kind == "assigned" and change.partitions:
                lane.segments.append(Segment(change.at, None, change.partitions))
            if change.kind in MARKS:
                lane.marks.append((change.at, change.kind))
            if change.kind in ("crash", "stop"):
                lane.dead_at = change.at
        self._fit_height()

    def note_group_state(self, state: str, now: float | None = None) -> None:
        """Open or close a shaded band while the group is rebalancing."""
        now = time.time() if now is None else now
        open_band = bool(self.bands) and self.bands[-1][1] is None
        if state == "Rebalancing" and not open_band:
            self.bands.append([now, None])
        elif state != "Rebalancing" and open_band:
            self.bands[-1][1] = now

    def _visible_lanes(self, now: float) -> list[Lane]:
        """Live lanes, and dead ones while their end is still on screen."""
        return [
            lane
            for cid, lane in sorted(self.lanes.items())
            if lane.dead_at is None or now - lane.dead_at < self.span
        ]

    def _fit_height(self) -> None:
        lanes = max(len(self._visible_lanes(time.time())), 3)
        self.setFixedHeight(TOP + lanes * LANE_H + AXIS_H + 6)

    # ----- painting -----------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:  # Qt override
        now = time.time()
        # Zoomed to what happened so far (at least 30 s), up to max_span: early on the
        # first rebalance fills the width instead of a sliver at the right edge.
        self.span = min(max(now - self.started + 5, 30.0), self.max_span)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), colors.PANEL)
        lanes = self._visible_lanes(now)
        plot = QRectF(LABEL_W, TOP, self.width() - LABEL_W - 8, max(len(lanes), 1) * LANE_H)
        self._paint_bands(p, plot, now)
        for i, lane in enumerate(lanes):
            self._paint_lane(
                p, lane, QRectF(plot.left(), plot.top() + i * LANE_H, plot.width(), LANE_H), now
            )
        self._paint_axis(p, plot, now)
        self._paint_moves(p, plot, now)
        self._paint_legend(p)
        p.end()

    def _paint_moves(self, p: QPainter, plot: QRectF, now: float) -> None:
        """How many partitions changed owner, where each rebalance ended."""
        p.setFont(_font(8, bold=True))
        moved_text = translate("Timeline", "⇄ {n} moved")
        for at, moved in self.moves:
            x = self._x(plot, at, now)
            if x < plot.left():
                continue
            # A small badge on the plot's bottom edge: the title row holds the legend.
            text = moved_text.format(n=moved)
            width = p.fontMetrics().horizontalAdvance(text) + 8
            box = QRectF(min(x + 2, plot.right() - width), plot.bottom() - 13, width, 13)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(27, 30, 37, 220))
            p.drawRoundedRect(box, 3, 3)
            p.setPen(QColor("#F5A623"))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _x(self, plot: QRectF, t: float, now: float) -> float:
        return plot.left() + (t - (now - self.span)) / self.span * plot.width()

    def _paint_bands(self, p: QPainter, plot: QRectF, now: float) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colors.REBALANCE_BAND)
        for start, end in self.bands:
            x0 = max(self._x(plot, start or now, now), plot.left())
            x1 = self._x(plot, end or now, now)
            if x1 > plot.left():
                p.drawRect(QRectF(x0, plot.top(), max(x1 - x0, 2), plot.height()))

    def _paint_lane(self, p: QPainter, lane: Lane, row: QRectF, now: float) -> None:
        color = colors.consumer_color(lane.consumer_id)
        p.setPen(color)
        p.setFont(_font(9, bold=True))
        label = QRectF(4, row.top(), LABEL_W - 8, row.height())
        p.drawText(
            label,
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            f"C{lane.consumer_id}",
        )
        p.setPen(QPen(colors.GRID_LINE, 1))
        p.drawLine(QPointF(row.left(), row.bottom()), QPointF(row.right(), row.bottom()))
        for seg in lane.segments:
            x0 = max(self._x(row, seg.start, now), row.left())
            x1 = self._x(row, seg.end or now, now)
            if x1 <= row.left():
                continue
            box = QRectF(x0, row.top() + 4, max(x1 - x0, 2), row.height() - 8)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color)
            p.drawRoundedRect(box, 3, 3)
            text = " ".join(f"P{n}" for n in seg.partitions)
            if p.fontMetrics().horizontalAdvance(text) + 8 < box.width():
                p.setPen(colors.ink_on(color))
                p.setFont(_font(8))
                p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        for at, kind in lane.marks:
            x = self._x(row, at, now)
            if x >= row.left():
                symbol, hex_color = MARKS[kind]
                p.setPen(QColor(hex_color))
                p.setFont(_font(10, bold=True))
                p.drawText(
                    QRectF(x - 8, row.top(), 16, row.height()), Qt.AlignmentFlag.AlignCenter, symbol
                )

    def _paint_axis(self, p: QPainter, plot: QRectF, now: float) -> None:
        p.setFont(_font(8))
        y = plot.bottom() + 2
        step = 5 if self.span <= 40 else 10 if self.span <= 120 else 30
        for ago in range(0, int(self.span) + 1, step):
            x = self._x(plot, now - ago, now)
            p.setPen(QPen(colors.GRID_LINE, 1, Qt.PenStyle.DotLine))
            p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            p.setPen(colors.TEXT_DIM)
            if ago == 0:  # at the right edge: the label ends there instead of centring on it
                label, align = translate("Timeline", "now"), Qt.AlignmentFlag.AlignRight
                box = QRectF(x - 60, y, 64, AXIS_H - 4)
            else:
                label, align = f"-{ago}s", Qt.AlignmentFlag.AlignHCenter
                box = QRectF(x - 22, y, 44, AXIS_H - 4)
            p.drawText(box, align | Qt.AlignmentFlag.AlignVCenter, label)

    def _paint_legend(self, p: QPainter) -> None:
        p.setFont(_font(9, bold=True))
        p.setPen(colors.TEXT)
        title = translate("Timeline", "Rebalance timeline")
        p.drawText(QRectF(6, 2, 300, TOP - 4), Qt.AlignmentFlag.AlignVCenter, title)
        p.setFont(_font(8))
        p.setPen(colors.TEXT_DIM)
        legend = translate(
            "Timeline",
            "▲ join   ✕ crash   ■ stop   ⇄ partitions that changed owner   "
            "shaded: group rebalancing   gap: partitions unowned",
        )
        box = QRectF(0, 2, self.width() - 10, TOP - 4)
        if p.fontMetrics().horizontalAdvance(legend) > self.width() - 150:
            legend = translate(
                "Timeline", "▲ join  ✕ crash  ■ stop"
            )  # narrow: keep clear of the title
        p.drawText(box, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, legend)


def _font(points: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font
