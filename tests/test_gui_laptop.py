"""The window on a student's laptop: nothing cut, controls that behave, a list that filters.

Real windows on the session's embedded broker, offscreen, laid out for a screen of a
fixed size (``MainWindow.fit``), in Spanish (the widest texts) and English. The
pictures these checks stand for are in resources/screenshots/.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionSpinBox, QWidget

from gui.consumer_card import MIN_H
from gui.main_window import MainWindow
from gui.message_model import COL_ID, RedeliveredRole
from gui.status_bar import StatusBar
from gui.timeline import Timeline
from gui.translation import install_translator, remove_translator
from gui.widgets import SpinBox
from messaging.core.events import CRASHED, DEAD_LETTERED, GroupChange
from tests.conftest import JOIN_S, SESSION_MS, all_assigned

pytestmark = pytest.mark.gui
SCREENS = [(1280, 720), (1366, 768)]  # a 1920x1080 laptop at 150 %, and a 1366x768 one


@pytest.fixture
def language(qapp) -> Iterator[Callable[[str], str]]:
    yield lambda lang: install_translator(qapp, lang)
    remove_translator(qapp)


def inside(widget: QWidget, area: QWidget) -> bool:
    """Whether all of ``widget`` lies within what ``area`` shows."""
    corner = widget.mapTo(area.window(), QPoint(0, 0))
    box = QRect(corner, widget.size())
    shown = QRect(area.mapTo(area.window(), QPoint(0, 0)), area.size())
    return shown.contains(box)


def uncut(widget: QWidget, viewport: QWidget, window: MainWindow) -> str | None:
    """Why ``widget`` is not wholly on screen, or None: it is visible, inside the part of
    its scroll area that shows, and inside the window."""
    if not widget.isVisible():
        return "hidden"
    if not inside(widget, viewport):
        return "outside its viewport"
    if not inside(widget, window.centralWidget()):
        return "outside the window"
    return None


def cut_controls(window: MainWindow) -> dict[str, str]:
    """Every control of the send form and of the first three cards that is not whole."""
    panel, grid = window.send_panel, window.grid
    controls = {
        "send": (panel.send_button, window.send_scroll.viewport()),
        "burst": (panel.burst_button, window.send_scroll.viewport()),
        "count": (panel.burst_count, window.send_scroll.viewport()),
        "rate": (panel.burst_rate, window.send_scroll.viewport()),
        "key": (panel.key, window.send_scroll.viewport()),
    }
    for consumer_id in sorted(grid.cards)[:3]:
        card = grid.cards[consumer_id]
        for name in ("stop_button", "crash_button", "delay"):
            controls[f"C{consumer_id}.{name}"] = (getattr(card, name), grid.scroll.viewport())
        if card.dismiss.isVisible():
            controls[f"C{consumer_id}.dismiss"] = (card.dismiss, grid.scroll.viewport())
    found = {name: uncut(widget, view, window) for name, (widget, view) in controls.items()}
    return {name: why for name, why in found.items() if why}


def settle(qtbot, window: QWidget) -> None:
    """Let the layout run after a resize (it is posted, not immediate)."""
    qtbot.wait(50)
    QApplication.processEvents()


def positions(window: MainWindow) -> dict[str, QPoint]:
    """Where each card's Stop and Crash buttons are, within their card."""
    return {
        f"{consumer_id}.{name}": getattr(card, name).mapTo(card, QPoint(0, 0))
        for consumer_id, card in window.grid.cards.items()
        for name in ("stop_button", "crash_button")
    }


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_button_is_whole_on_a_laptop_screen_and_at_the_minimum_size(
    language, open_window, qtbot, lang
) -> None:
    language(lang)
    runtime, window = open_window(consumers=3, consumer_mode="thread", processing_ms=30)
    for screen in SCREENS:
        window.fit(*screen)
        settle(qtbot, window)
        assert not cut_controls(window), (screen, cut_controls(window))
        # The form cannot scroll sideways (a Tab used to move it and cut its left edge).
        assert window.send_scroll.horizontalScrollBar().maximum() == 0, screen
        # The cards' view holds a whole card, never a strip.
        assert window.grid.scroll.viewport().height() >= MIN_H, screen

    # Down to the window's minimum: still nothing cut, the form still not sideways.
    window.resize(window.minimumSize())
    window.lay_out(window.width(), window.height())
    settle(qtbot, window)
    assert window.size() == window.minimumSize()
    assert window.centralWidget().minimumSizeHint().width() <= window.width()
    assert window.centralWidget().minimumSizeHint().height() <= window.centralWidget().height()
    cut = cut_controls(window)
    third = sorted(window.grid.cards)[2]
    if window.grid.columns < 3:  # the third card is a row below: the grid scrolls to it
        cut = {k: v for k, v in cut.items() if not k.startswith(f"C{third}.")}
    assert not cut, cut
    assert window.send_scroll.horizontalScrollBar().maximum() == 0

    # The buttons keep their place while the cards fill in and one crashes.
    window.fit(*SCREENS[0])
    settle(qtbot, window)
    before = positions(window)
    runtime.sender.send_many([({"id": i}, None) for i in range(30)])
    qtbot.waitUntil(lambda: runtime.ledger.totals()["processed"] == 30, timeout=15_000)
    victim = sorted(window.grid.cards)[0]
    window.grid.cards[victim].crash_button.click()
    card = window.grid.cards[victim]
    qtbot.waitUntil(
        lambda: card.snapshot.state == CRASHED and card.countdown.isVisible(), timeout=5_000
    )
    settle(qtbot, window)
    assert positions(window) == before
    assert not cut_controls(window)


def test_many_consumers_scroll_a_whole_card_at_a_time(open_window, qtbot) -> None:
    _, window = open_window(consumers=0)
    window.fit(*SCREENS[0])
    for _ in range(7):
        window.grid.add_requested.emit("thread")
    qtbot.waitUntil(lambda: len(window.grid.cards) == 7, timeout=5_000)
    settle(qtbot, window)
    grid = window.grid
    view = grid.scroll.viewport()
    assert view.height() >= MIN_H
    bar = grid.scroll.verticalScrollBar()
    assert bar.maximum() > 0, "more cards than fit: the grid scrolls"
    # Every card is as tall as the view: a row is either shown whole or not at all.
    assert {c.height() for c in grid.cards.values()} == {view.height()}
    assert bar.singleStep() == view.height() + grid._grid.spacing()


def test_the_status_bar_elides_with_a_tooltip_and_keeps_the_api_url_whole(qtbot) -> None:
    url = "http://127.0.0.1:5000"
    bar = StatusBar("127.0.0.1:54495", "tansu", url, "mi-topico", "grupo-consumidores")
    holder = QWidget()
    holder.resize(960, 40)
    bar.setParent(holder)
    qtbot.addWidget(holder)
    big = 1_234_567
    bar.set_totals(
        {"sent": big, "processed": big, "redelivered": 12_345, "dead_lettered": 0, "lag": {0: 99}}
    )
    holder.show()
    bar.setGeometry(0, 0, 960, 30)
    qtbot.waitUntil(lambda: bar.api.isVisible(), timeout=2_000)
    settle(qtbot, holder)
    assert not bar.api.elided and url in bar.api.text()
    assert bar.api.width() >= bar.api.full_width()  # the URL is all there
    assert not bar.totals.elided and "lag <b>99</b>" in bar.totals.text()
    assert bar.topic.elided, "topic and group give way first"
    assert "grupo-consumidores" in bar.topic.toolTip()  # the whole text, a hover away
    assert "…" in _shown(bar.topic)
    bar.setGeometry(0, 0, 1600, 30)
    settle(qtbot, holder)
    assert not bar.topic.elided and "…" not in _shown(bar.topic)


def _shown(label) -> str:
    from PySide6.QtWidgets import QLabel

    return QLabel.text(label)


def wheel(widget: QWidget, steps: int = 1) -> QWheelEvent:
    event = QWheelEvent(
        QPointF(widget.rect().center()),
        QPointF(widget.mapToGlobal(widget.rect().center())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)
    return event


def test_the_wheel_changes_a_spin_box_only_once_it_has_focus(open_window, qtbot) -> None:
    _, window = open_window(consumers=0)
    rate = window.send_panel.burst_rate
    assert isinstance(rate, SpinBox) and rate.value() == 200
    assert rate.focusPolicy() == Qt.FocusPolicy.StrongFocus  # a wheel gives no focus
    passed_on = wheel(rate)
    assert rate.value() == 200 and not passed_on.isAccepted()  # to the scroll area
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2_000)
    rate.setFocus()
    qtbot.waitUntil(rate.hasFocus, timeout=2_000)
    wheel(rate)
    assert rate.value() == 201


def arrow_pixels(spin: SpinBox, part: QStyle.SubControl) -> int:
    """Pixels of the arrow's colour inside the spin box's up or down button."""
    option = QStyleOptionSpinBox()
    spin.initStyleOption(option)
    button = spin.style().subControlRect(QStyle.ComplexControl.CC_SpinBox, option, part, spin)
    image = spin.grab().toImage()
    ink = QColor("#B8BECC")

    def near(color: QColor) -> bool:
        return all(
            abs(a - b) < 40 for a, b in zip(color.getRgb()[:3], ink.getRgb()[:3], strict=True)
        )

    return sum(
        near(image.pixelColor(x, y))
        for x in range(button.left(), button.right() + 1)
        for y in range(button.top(), button.bottom() + 1)
    )


def test_spin_box_arrows_are_drawn(open_window) -> None:
    _, window = open_window(consumers=0)
    for spin in (window.send_panel.burst_count, window.send_panel.burst_rate):
        for part in (QStyle.SubControl.SC_SpinBoxUp, QStyle.SubControl.SC_SpinBoxDown):
            assert arrow_pixels(spin, part) >= 6, (spin.value(), part)


def test_timeline_badges_never_overlap_each_other_or_the_bars(language, qtbot) -> None:
    language("es")  # "⇄ 3 movidas": the longer words
    timeline = Timeline()
    qtbot.addWidget(timeline)
    timeline.resize(360, timeline.height())  # a narrow dock
    now = time.time()
    changes = [
        GroupChange("assigned", consumer_id, (consumer_id,), now - 40) for consumer_id in (1, 2, 3)
    ]
    # Five rebalances ending close together (a crash, a stop, two joins), one far back.
    ends = [now - 30, now - 9, now - 8.5, now - 8, now - 7.2, now - 0.5]
    moved = [2, 3, 4, 1, 2, 6]
    changes += [
        GroupChange("moved", 0, tuple(range(n)), at) for at, n in zip(ends, moved, strict=True)
    ]
    timeline.apply(changes)
    timeline.show()
    badges = timeline.move_badges(now)
    boxes = [box for box, _ in badges]
    lanes_bottom = 18 + 3 * 20  # the legend row, then three lanes of 20 px
    for i, box in enumerate(boxes):
        assert box.top() >= lanes_bottom, "on a bar"
        assert box.left() >= 0 and box.right() <= timeline.width()
        for other in boxes[i + 1 :]:
            assert not box.intersects(other), badges
    assert sum(int(re.search(r"\d+", text)[0]) for _, text in badges) == sum(moved)
    labels = timeline.axis_labels(now)
    assert labels[0][1] == "ahora" and len(labels) >= 3
    for i, (box, _) in enumerate(labels):
        for other, _text in labels[i + 1 :]:
            assert box.right() + 4 <= other.left() or other.right() + 4 <= box.left(), labels


def test_the_log_follows_pauses_when_scrolled_up_and_follows_again(open_window, qtbot) -> None:
    runtime, window = open_window(consumers=0)
    window.fit(*SCREENS[1])
    log = window.log_pane
    window.docks["log"].raise_()
    qtbot.waitUntil(log.isVisible, timeout=2_000)
    bar = log.verticalScrollBar()

    def send(n: int) -> None:
        seen = log.lines_seen
        runtime.sender.send_many([({"id": i}, None) for i in range(n)])
        qtbot.waitUntil(lambda: log.lines_seen >= seen + n, timeout=10_000)
        settle(qtbot, window)

    send(120)
    assert bar.maximum() > 0 and bar.value() == bar.maximum() and log.following
    assert not log.jump.isVisible()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2_000)
    log.setFocus()
    qtbot.keyClick(log, Qt.Key.Key_PageUp)  # the reader scrolls up
    assert not log.following and log.jump.isVisible()
    held = bar.value()
    assert held < bar.maximum()
    send(60)
    assert bar.value() <= held < bar.maximum()  # it did not jump back down
    assert log.jump.isVisible()

    qtbot.mouseClick(log.jump, Qt.MouseButton.LeftButton)  # "jump to latest"
    assert log.following and bar.value() == bar.maximum() and not log.jump.isVisible()
    send(60)
    assert bar.value() == bar.maximum()

    qtbot.keyClick(log, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert not log.following
    qtbot.keyClick(log, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)  # did nothing
    assert log.following and bar.value() == bar.maximum()


def listed(window: MainWindow) -> list[str]:
    model = window.messages.table.model()
    return [model.index(r, COL_ID).data() for r in range(model.rowCount())]


def test_the_filter_finds_a_redelivered_and_a_dead_lettered_message(open_window, qtbot) -> None:
    runtime, window = open_window(
        consumers=2, consumer_mode="thread", processing_ms=300, max_retries=0
    )
    sent = runtime.sender.send_many([({"id": i}, f"k{i}") for i in range(24)])
    poison = runtime.sender.send({"id": 99, "fail": True}, "poison")

    def busy() -> int | None:
        found = [s.id for s in runtime.fleet.snapshots() if s.in_flight and s.partitions]
        return found[0] if found else None

    qtbot.waitUntil(lambda: busy() is not None, timeout=10_000)
    victim = busy()
    window.grid.cards[victim].crash_button.click()  # mid-message: its work is redelivered
    qtbot.waitUntil(
        lambda: runtime.ledger.totals()["redelivered"] >= 1, timeout=SESSION_MS + 15_000
    )
    qtbot.waitUntil(lambda: all_assigned(runtime), timeout=JOIN_S * 1000)
    redelivered = [
        s.message_id
        for s in sent
        if any(d.redelivered for d in runtime.ledger.get(s.message_id).deliveries)
    ]
    assert redelivered
    view = window.messages
    qtbot.waitUntil(
        lambda: all(view.model.row_of(m) is not None for m in redelivered), timeout=5_000
    )
    assert view.table.model() is view.model  # no filter: the list itself, no proxy

    view.only_redelivered.click()
    assert view.table.model() is view.filter and view.count.isVisible()
    qtbot.waitUntil(lambda: set(redelivered) <= set(listed(window)), timeout=5_000)
    model = view.table.model()
    assert all(model.index(r, 0).data(RedeliveredRole) for r in range(model.rowCount()))
    assert len(listed(window)) < len(sent)

    view.search.setText(redelivered[0])  # and its id: just that one
    qtbot.waitUntil(lambda: listed(window) == [redelivered[0]], timeout=5_000)
    view.table.selectRow(0)
    assert view.history.text().startswith(f"<b>{redelivered[0]}</b>")
    view.search.clear()
    view.only_redelivered.click()
    qtbot.waitUntil(lambda: view.table.model() is view.model, timeout=5_000)

    qtbot.waitUntil(
        lambda: runtime.ledger.get(poison.message_id).status == DEAD_LETTERED, timeout=15_000
    )
    view.only_dead.click()
    qtbot.waitUntil(lambda: listed(window) == [poison.message_id], timeout=5_000)
    view.only_dead.click()

    survivor = next(c for c in window.grid.cards.values() if c.consumer_id != victim)
    view.consumer.refresh()
    view.consumer.setCurrentIndex(view.consumer.findData(survivor.name))
    qtbot.waitUntil(lambda: bool(listed(window)), timeout=5_000)
    consumers = [view.model.consumers_of(m) for m in listed(window)]
    assert all(survivor.name in pair for pair in consumers)
    assert set(redelivered) <= set(listed(window))  # the survivor took them over


def test_the_partition_map_at_the_partition_cap_labels_runs_and_names_each_in_a_tooltip(
    qtbot,
) -> None:
    """limits.PARTITIONS' most: too many to label each box on a laptop's width, so the map
    labels each owner's run once and says the rest in tooltips."""
    from gui.partition_map import PartitionMap
    from messaging.core import limits

    count = limits.PARTITIONS[1]
    pmap = PartitionMap(count)
    qtbot.addWidget(pmap)
    pmap.resize(1000, 74)
    owners = {p: (f"C{1 + p // 16}", 1 + p // 16) for p in range(count)}  # range: 4 runs
    pmap.set_state(owners, {5: 12}, "Stable", 1)
    pmap.show()
    qtbot.waitExposed(pmap)

    assert pmap.compact
    assert pmap.runs() == [(0, 15, "C1"), (16, 31, "C2"), (32, 47, "C3"), (48, 63, "C4")]
    x = pmap.badge_w + 5.5 * (pmap.width() - pmap.badge_w) / count
    assert pmap.partition_at(x) == 5 and pmap.tooltip(5) == "P5 · C1 · lag 12"
    assert pmap.partition_at(pmap.badge_w - 1) is None
    pmap.resize(3000, 74)  # wide enough for a box each: every box labelled again
    assert not pmap.compact
