"""The last minute at a glance: processed msg/s per consumer, stacked, and total lag.

Balance shows as bands of similar height, a failover as a band that ends and the
others widening after the rebalance. Deliveries are counted into one-second bins
as batches arrive (O(batch)); the curves are redrawn only on the window's clock,
never per event. Memory is capped at ``bins`` x consumers counts and one lag
sample per clock tick of the span.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Iterable

import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gui import colors
from gui.translation import decimal, translate
from gui.widgets import ElidedLabel
from messaging.core.events import Delivery

LAG_COLOR = "#E6E8EE"
STEPS = (1.0, 1.5, 2.0, 3.0, 5.0, 7.5, 10.0)  # round scale tops, per power of ten


def nice_top(peak: float) -> float:
    """The scale's top for a peak: the next round number above it, with 10 % headroom.

    A top that followed the peak moved the axis labels on every redraw (pyqtgraph lays
    out and repaints the axis each time); a round top changes only when the peak
    crosses it, so the scale stays still and readable while the bands move.
    """
    target = max(peak * 1.1, 1.0)
    scale = 10.0 ** math.floor(math.log10(target))
    return next(step * scale for step in STEPS if step * scale >= target * (1 - 1e-9))


class RateBins:
    """Counts per consumer per time bin over the last ``bins`` bins. Pure logic, no Qt."""

    def __init__(self, bin_s: float = 1.0, bins: int = 60) -> None:
        self.bin_s, self.bins = bin_s, bins
        self._counts: dict[int, dict[int, int]] = {}  # bin index -> consumer id -> count
        self._newest: int | None = None

    def add(self, consumer_id: int, at: float) -> None:
        """Count one message processed by ``consumer_id`` at epoch time ``at``."""
        index = int(at // self.bin_s)
        if self._newest is not None and index <= self._newest - self.bins:
            return  # older than the window: nothing would show it
        row = self._counts.setdefault(index, {})
        row[consumer_id] = row.get(consumer_id, 0) + 1
        if self._newest is None or index > self._newest:
            self._advance(index)

    def _advance(self, newest: int) -> None:
        """Forget bins that left the window ending at bin ``newest``."""
        self._newest = newest
        for index in [i for i in self._counts if i <= newest - self.bins]:
            del self._counts[index]

    def window(self, now: float) -> tuple[int, dict[int, list[int]]]:
        """(index of the oldest bin, counts per consumer for the ``bins`` bins up to now).

        Consumers with nothing in the window are left out: a stopped one fades away.
        """
        current = int(now // self.bin_s)
        if self._newest is None or current > self._newest:
            self._advance(current)
        first = current - self.bins + 1
        series: dict[int, list[int]] = {}
        for index, row in self._counts.items():
            if first <= index <= current:
                for consumer_id, n in row.items():
                    series.setdefault(consumer_id, [0] * self.bins)[index - first] = n
        return first, dict(sorted(series.items()))

    def totals(self, now: float) -> dict[int, int]:
        """Messages per consumer over the window ending now."""
        return {consumer_id: sum(counts) for consumer_id, counts in self.window(now)[1].items()}


class LocaleAxis(pg.AxisItem):
    """Tick labels in the window's locale (1.500 and 0,5 in Spanish), like every other
    number of the window; pyqtgraph writes them with Python's "%g", always in English."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        step = spacing * scale
        places = 0 if step >= 1 else min(int(math.ceil(-math.log10(step))), 6)
        return [decimal(v * scale, places) for v in values]


class RateChart(QWidget):
    """GUI thread only: :meth:`apply` each batch's deliveries, :meth:`tick` on the clock."""

    def __init__(
        self, bin_s: float = 1.0, span_s: float = 60.0, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.bins = RateBins(bin_s, int(span_s / bin_s))
        self.span = span_s
        self.lag: deque[tuple[float, int]] = deque(maxlen=int(span_s * 4) + 16)
        self.active = True
        self.redraws = 0
        self._curves: dict[int, pg.PlotDataItem] = {}
        self._tops: dict[str, float] = {"rates": 1.0, "lag": 1.0}  # as _plot set them
        self._view = pg.GraphicsLayoutWidget()
        self._view.setBackground(colors.PANEL)
        self.rates_plot = self._plot()
        self.lag_view = self._lag_axis(self.rates_plot)
        self._lag_curve = pg.PlotDataItem(pen=pg.mkPen(LAG_COLOR, width=2))
        self.lag_view.addItem(self._lag_curve)
        title = ElidedLabel(  # elided in a narrow dock rather than widening it
            translate("RateChart", "Processed msg/s per consumer (stacked) · line: total lag")
        )
        title.setObjectName("sectionTitle")
        title.setMinimumWidth(60)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(title)
        box.addWidget(self._view, 1)
        self.setMinimumHeight(80)

    def sizeHint(self) -> QSize:  # Qt override
        return QSize(560, 134)  # as tall as the timeline beside it

    def _plot(self) -> pg.PlotItem:
        axes = {name: LocaleAxis(name) for name in ("left", "bottom", "right")}
        plot = self._view.addPlot(row=0, col=0, axisItems=axes)
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.setXRange(-self.span, 0, padding=0)
        plot.setYRange(0, 1, padding=0)
        plot.showGrid(x=True, y=True, alpha=0.15)
        plot.showAxis("right")
        for name in ("left", "bottom", "right"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(colors.GRID_LINE))
            axis.setTextPen(pg.mkPen(colors.TEXT_DIM))
            if name != "bottom":
                axis.setWidth(44)
        plot.setLabel("left", translate("RateChart", "msg/s"), color=colors.TEXT_DIM.name())
        plot.setLabel("right", translate("RateChart", "lag"), color=LAG_COLOR)
        return plot

    @staticmethod
    def _lag_axis(plot: pg.PlotItem) -> pg.ViewBox:
        """A second y scale on the right, over the bands and sharing their time axis."""
        view = pg.ViewBox(enableMenu=False)
        view.setMouseEnabled(x=False, y=False)
        plot.scene().addItem(view)
        view.setZValue(plot.vb.zValue() + 10)  # the line over the opaque bands
        plot.getAxis("right").linkToView(view)
        view.setXLink(plot)
        view.setYRange(0, 1, padding=0)

        def follow() -> None:
            view.setGeometry(plot.vb.sceneBoundingRect())

        plot.vb.sigResized.connect(follow)
        follow()
        return view

    # ----- feeds --------------------------------------------------------------------
    def apply(self, deliveries: Iterable[Delivery]) -> None:
        """Count a batch's processed deliveries into their bins: O(batch), no drawing."""
        if not self.active:
            return
        add = self.bins.add
        for d in deliveries:
            if d.status == "processed":
                add(d.consumer_id, d.at)

    def tick(self, total_lag: int, now: float | None = None) -> None:
        """The clock: note the lag and redraw (a few times a second at most)."""
        if not self.active:
            return
        now = time.time() if now is None else now
        self.lag.append((now, total_lag))
        while self.lag and self.lag[0][0] < now - self.span:
            self.lag.popleft()
        if self.isVisible():  # hidden (closed window, splitter): counting only
            self.refresh(now)

    def set_active(self, on: bool) -> None:
        """Off: the chart is hidden and neither counts nor draws (to measure its cost)."""
        self.active = on
        self.setVisible(on)

    # ----- read models (tests read these, not pixels) ----------------------------
    def rates(self, now: float | None = None) -> dict[int, list[float]]:
        """msg/s per consumer per bin, oldest first, the current (partial) bin last."""
        _, series = self.bins.window(time.time() if now is None else now)
        return {
            consumer_id: [n / self.bins.bin_s for n in counts]
            for consumer_id, counts in series.items()
        }

    def totals(self, now: float | None = None) -> dict[int, int]:
        """Messages per consumer over the last minute."""
        return self.bins.totals(time.time() if now is None else now)

    def lag_values(self) -> list[int]:
        return [total for _, total in self.lag]

    # ----- drawing ------------------------------------------------------------------
    def refresh(self, now: float) -> None:
        """Redraw the stacked bands (completed bins only) and the lag line."""
        self.redraws += 1
        first, series = self.bins.window(now)
        bin_s = self.bins.bin_s
        done = self.bins.bins - 1  # the current bin is still filling: leave it out
        xs = [(first + k) * bin_s - now for k in range(done + 1)]
        for consumer_id in [c for c in self._curves if c not in series]:
            self.rates_plot.removeItem(self._curves.pop(consumer_id))
        stacked = [0.0] * done
        for depth, (consumer_id, counts) in enumerate(series.items()):
            stacked = [s + n / bin_s for s, n in zip(stacked, counts[:done], strict=True)]
            curve = self._curves.get(consumer_id) or self._new_curve(consumer_id)
            curve.setZValue(-depth)  # lower bands are drawn over the taller ones above
            curve.setData(xs, stacked)
        # Both scales start at zero, so "no traffic" and "nothing waiting" sit on the floor.
        self._scale(self.rates_plot, "rates", max(stacked, default=0))
        if self.lag:
            values = self.lag_values()
            self._lag_curve.setData([t - now for t, _ in self.lag], values)
            self._scale(self.lag_view, "lag", max(values))

    def _scale(self, view: pg.PlotItem | pg.ViewBox, which: str, peak: float) -> None:
        """Set a view's Y range to the peak's round top, only when that top changed."""
        top = nice_top(peak)
        if self._tops.get(which) != top:
            self._tops[which] = top
            view.setYRange(0, top, padding=0)

    def _new_curve(self, consumer_id: int) -> pg.PlotDataItem:
        color = colors.consumer_color(consumer_id)
        # Opaque: each band hides the part of the taller ones behind it.
        curve = self.rates_plot.plot(
            stepMode="center", fillLevel=0, brush=QColor(color), pen=pg.mkPen(color.lighter(125))
        )
        self._curves[consumer_id] = curve
        return curve
