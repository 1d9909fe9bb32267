"""The rate chart: its binning as pure logic, then the real window on a real broker."""

from __future__ import annotations

import time

import pytest

from gui.rate_chart import RateBins, nice_top
from tests.conftest import JOIN_S, all_assigned


# ----- binning, pure logic --------------------------------------------------------------
def test_bins_count_per_consumer_per_second_oldest_first() -> None:
    bins = RateBins(bin_s=1.0, bins=5)
    for at in (100.1, 100.9, 102.5):
        bins.add(1, at)
    bins.add(2, 104.0)
    first, series = bins.window(now=104.2)
    assert first == 100
    assert series == {1: [2, 0, 1, 0, 0], 2: [0, 0, 0, 0, 1]}
    assert bins.totals(now=104.2) == {1: 3, 2: 1}


def test_the_scale_top_is_a_round_number_above_the_peak_and_holds_while_it_fits() -> None:
    assert nice_top(0) == 1.0  # an idle chart still has a scale
    assert [nice_top(p) for p in (3.2, 9, 120, 1000, 4400)] == [5.0, 10.0, 150.0, 1500.0, 5000.0]
    # A peak that wanders inside one step keeps the top (and the axis) still
    assert {nice_top(p) for p in range(910, 1360, 10)} == {1500.0}


def test_half_second_bins() -> None:
    bins = RateBins(bin_s=0.5, bins=4)
    for at in (10.0, 10.4, 10.6, 11.6):
        bins.add(7, at)
    assert bins.window(now=11.7) == (20, {7: [2, 1, 0, 1]})


def test_old_bins_scroll_out_and_a_silent_consumer_fades_away() -> None:
    bins = RateBins(bin_s=1.0, bins=3)
    bins.add(1, 50.0)
    bins.add(2, 51.0)
    assert set(bins.window(now=52.0)[1]) == {1, 2}
    assert bins.window(now=53.0)[1] == {2: [1, 0, 0]}  # consumer 1's bin left the window
    assert bins.window(now=60.0)[1] == {}
    bins.add(1, 52.0)  # older than the window now: not counted, not kept
    assert bins.totals(now=60.0) == {} and len(bins._counts) == 0


def test_memory_is_capped_at_the_window() -> None:
    bins = RateBins(bin_s=1.0, bins=60)
    for second in range(1000):
        for consumer_id in (1, 2, 3):
            bins.add(consumer_id, float(second))
    assert len(bins._counts) <= 60
    assert bins.totals(now=999.5) == {1: 60, 2: 60, 3: 60}


def test_late_deliveries_land_in_their_own_bin() -> None:
    bins = RateBins(bin_s=1.0, bins=10)
    bins.add(1, 105.0)
    bins.add(1, 101.0)  # arrived in a later batch, but happened earlier
    assert bins.window(now=105.5) == (96, {1: [0, 0, 0, 0, 0, 1, 0, 0, 0, 1]})


# ----- the real window ------------------------------------------------------------------
def chart_totals(window) -> dict[int, int]:
    return window.rate_chart.totals()


@pytest.mark.gui
def test_chart_counts_every_processed_message_and_follows_lag(open_window, qtbot) -> None:
    runtime, window = open_window(consumers=3, processing_ms=5)
    chart, count = window.rate_chart, 1500  # some 2.5 s of work: the monitor sees lag
    window.docks["chart"].raise_()  # it draws while shown (its dock may be a hidden tab)
    panel = window.send_panel
    panel.burst_count.setValue(count)
    panel.burst_rate.setValue(0)
    panel.burst_button.click()

    def lag_matches() -> bool:
        return chart.lag_values()[-1] == sum(runtime.monitor.lag.values())

    # While the consumers work through the burst, the chart's line shows the lag the
    # monitor reads (the clock copies it 4 times a second).
    qtbot.waitUntil(lambda: lag_matches() and chart.lag_values()[-1] > 0, timeout=20_000)
    qtbot.waitUntil(lambda: window.grid.processed_total() == count, timeout=60_000)

    def chart_caught_up() -> None:  # the message names both counts if it never does
        cards = {
            consumer_id: c.processed for consumer_id, c in window.grid.cards.items() if c.processed
        }
        assert sum(chart_totals(window).values()) == count, (chart_totals(window), cards)

    qtbot.waitUntil(chart_caught_up, timeout=5_000)
    per_card = {
        consumer_id: c.processed for consumer_id, c in window.grid.cards.items() if c.processed
    }
    assert chart_totals(window) == per_card
    assert sum(1 for n in per_card.values() if n) >= 2  # the load was shared
    rates = chart.rates()
    assert set(rates) == set(per_card) and all(len(r) == 60 for r in rates.values())
    assert sum(sum(r) for r in rates.values()) == count  # 1 s bins: msg/s == messages

    qtbot.waitUntil(lambda: sum(runtime.monitor.lag.values()) == 0, timeout=15_000)
    qtbot.waitUntil(lag_matches, timeout=2_000)
    assert chart.redraws > 0 and len(chart.lag_values()) <= chart.lag.maxlen


def bins_after(chart, at: float, now: float) -> list[int]:
    """Indexes of the window's bins that start after ``at`` (window ending ``now``)."""
    first = int(now // chart.bins.bin_s) - chart.bins.bins + 1
    return [k for k in range(chart.bins.bins) if (first + k) * chart.bins.bin_s >= at]


@pytest.mark.gui
def test_a_crashed_consumers_band_goes_to_zero(open_window, qtbot) -> None:
    runtime, window = open_window(consumers=3, processing_ms=20)
    chart, panel = window.rate_chart, window.send_panel
    victim = sorted(window.grid.cards)[0]
    panel.burst_count.setValue(3000)
    panel.burst_rate.setValue(100)  # a steady stream, 30 s long
    panel.burst_button.click()
    qtbot.waitUntil(lambda: chart.totals().get(victim, 0) > 20, timeout=20_000)

    window.grid.cards[victim].crash_button.click()
    qtbot.waitUntil(lambda: window.grid.cards[victim].snapshot.state == "crashed", timeout=5_000)
    crashed_at = time.time()  # the SIGKILL happened before this
    before = chart.totals()[victim]
    qtbot.waitUntil(lambda: all_assigned(runtime), timeout=JOIN_S * 1000 + 10_000)
    taken_over = time.time()

    def survivors_busy_after_takeover() -> bool:
        now = time.time()
        rates, done = chart.rates(now), bins_after(chart, taken_over, now)[:-1]  # whole bins
        return bool(done) and all(
            sum(r[k] for consumer_id, r in rates.items() if consumer_id != victim) > 0 for k in done
        )

    qtbot.waitUntil(survivors_busy_after_takeover, timeout=10_000)
    # Reports the victim shipped before the SIGKILL may still arrive: they count, in
    # the bins of their processing time. The band holds exactly what the ledger audited.
    audited = window.grid.cards[victim].snapshot.name
    qtbot.waitUntil(
        lambda: chart.totals().get(victim) == runtime.ledger.per_consumer().get(audited),
        timeout=5_000,
    )
    now = time.time()
    rates, after = chart.rates(now), bins_after(chart, crashed_at, now)
    assert after and all(rates[victim][k] == 0 for k in after)
    assert chart.totals()[victim] >= before
    panel.burst_button.click()  # stop the burst
    qtbot.waitUntil(lambda: not panel.bursting, timeout=5_000)
