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
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui import colors
from gui.translation import number, translate
from messaging.core.events import GroupChange

# Rows, top to bottom: the legend, one lane per consumer, the "moved" badges, the axis.
# The badges have a strip of their own: on the lanes they hid the bars.
LANE_H, LABEL_W, TOP, MOVES_H, AXIS_H = 20, 46, 18, 16, 16
BADGE_GAP, LABEL_GAP = 3, 8  # pixels kept free between two badges, two axis labels
STEPS_S = (5, 10, 15, 30, 60)  # axis steps: the smallest whose labels do not touch
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
        self.setFixedHeight(height_for(3))
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
            for consumer_id, lane in sorted(self.lanes.items())
            if lane.dead_at is None or now - lane.dead_at < self.span
        ]

    def _fit_height(self) -> None:
        self.setFixedHeight(height_for(max(len(self._visible_lanes(time.time())), 3)))

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
        plot = self._plot(len(lanes))
        self._paint_bands(p, plot, now)
        for i, lane in enumerate(lanes):
            self._paint_lane(
                p, lane, QRectF(plot.left(), plot.top() + i * LANE_H, plot.width(), LANE_H), now
            )
        self._paint_axis(p, plot, now)
        self._paint_moves(p, plot, now)
        self._paint_legend(p)
        p.end()

    def _plot(self, lanes: int) -> QRectF:
        """Where the lanes are drawn (the badges and the axis go below it)."""
        return QRectF(LABEL_W, TOP, self.width() - LABEL_W - 8, max(lanes, 1) * LANE_H)

    def move_badges(self, now: float | None = None) -> list[tuple[QRectF, str]]:
        """Where each "⇄ n moved" badge goes: in its strip under the lanes, starting where
        its rebalance ended, never over another. A badge that would overlap the one before
        shortens to "⇄ n"; if even that overlaps, the two become one badge with the sum."""
        now = time.time() if now is None else now
        plot = self._plot(len(self._visible_lanes(now)))
        metrics = QFontMetricsF(_font(8, bold=True))
        items: list[tuple[float, int]] = []  # (x where it ended, partitions moved)
        for at, moved in sorted(self.moves):
            x = self._x(plot, at, now)
            if x < plot.left():
                continue
            items.append((x, moved))
            while len(items) > 1 and _overlap(_lay(plot, items, metrics)[-2:]):
                (x0, n0), (_, n1) = items[-2], items.pop()
                items[-1] = (x0, n0 + n1)
        return _lay(plot, items, metrics)

    def _paint_moves(self, p: QPainter, plot: QRectF, now: float) -> None:
        """How many partitions changed owner, where each rebalance ended."""
        p.setFont(_font(8, bold=True))
        for box, text in self.move_badges(now):
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(245, 166, 35, 40))
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

    def axis_labels(self, now: float | None = None) -> list[tuple[QRectF, str]]:
        """The time axis' labels and their boxes: "now" at the right edge, then every
        step seconds back, the step the smallest at which no two labels touch."""
        now = time.time() if now is None else now
        plot = self._plot(len(self._visible_lanes(now)))
        metrics = QFontMetricsF(_font(8))
        top = plot.bottom() + MOVES_H
        label_now = translate("Timeline", "now")
        width_now = metrics.horizontalAdvance(label_now)
        labels = [(QRectF(plot.right() - width_now, top, width_now, AXIS_H - 2), label_now)]
        widest = metrics.horizontalAdvance(f"-{int(self.span)}s")
        per_second = plot.width() / self.span
        step = next((s for s in STEPS_S if s * per_second >= widest + LABEL_GAP), STEPS_S[-1])
        for ago in range(step, int(self.span) + 1, step):
            text = f"-{ago}s"
            width = metrics.horizontalAdvance(text)
            x = self._x(plot, now - ago, now)
            box = QRectF(x - width / 2, top, width, AXIS_H - 2)
            if box.left() < 0 or box.right() + LABEL_GAP > labels[-1][0].left():
                continue  # would touch its neighbour (or leave the widget): left out
            labels.append((box, text))
        return labels

    def _paint_axis(self, p: QPainter, plot: QRectF, now: float) -> None:
        p.setFont(_font(8))
        for box, text in self.axis_labels(now):
            x = box.right() if text == translate("Timeline", "now") else box.center().x()
            p.setPen(QPen(colors.GRID_LINE, 1, Qt.PenStyle.DotLine))
            p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            p.setPen(colors.TEXT_DIM)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_legend(self, p: QPainter) -> None:
        """What the marks mean, in the top row (the dock's title names the chart)."""
        p.setFont(_font(8))
        p.setPen(colors.TEXT_DIM)
        legend = translate(
            "Timeline",
            "▲ join   ✕ crash   ■ stop   ⇄ partitions that changed owner   "
            "shaded: group rebalancing   gap: partitions unowned",
        )
        if p.fontMetrics().horizontalAdvance(legend) > self.width() - 12:
            legend = translate("Timeline", "▲ join  ✕ crash  ■ stop  ⇄ moved")  # narrow
        box = QRectF(6, 1, self.width() - 12, TOP - 2)
        p.drawText(box, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, legend)


def height_for(lanes: int) -> int:
    """The widget's height with ``lanes`` lanes (it grows with the consumers)."""
    return TOP + lanes * LANE_H + MOVES_H + AXIS_H + 2


def _lay(
    plot: QRectF, items: list[tuple[float, int]], metrics: QFontMetricsF
) -> list[tuple[QRectF, str]]:
    """Badges left to right: the long text, or the short one where the long would touch
    the badge before."""
    laid: list[tuple[QRectF, str]] = []
    for x, n in items:
        for text in (_moved_text(n), _moved_text(n, short=True)):
            width = metrics.horizontalAdvance(text) + 8
            left = max(min(x, plot.right() - width), plot.left())
            box = QRectF(left, plot.bottom() + 2, width, MOVES_H - 3)
            if not laid or box.left() >= laid[-1][0].right() + BADGE_GAP:
                break
        laid.append((box, text))
    return laid


def _overlap(pair: list[tuple[QRectF, str]]) -> bool:
    return len(pair) == 2 and pair[1][0].left() < pair[0][0].right() + BADGE_GAP


def _moved_text(n: int, short: bool = False) -> str:
    if short:
        return f"⇄ {number(n)}"
    return translate("Timeline", "⇄ %Ln moved", "partitions", n)


def _font(points: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font
