"""Any screen: the window's size and splitters, remembered layout, shortcuts, About, exports.

The window runs on a real embedded broker, offscreen; settings go to a file under
tmp_path (never the user's own).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import kafka
import PySide6
import pytest
from PySide6.QtCore import QByteArray, QSettings, QStandardPaths, Qt, qVersion
from PySide6.QtWidgets import QMessageBox

import messaging
from gui.main_window import MainWindow
from gui.screen_layout import (
    DOCKS_MAX,
    DOCKS_MIN,
    FRAME_H,
    FRAME_W,
    MAX_H,
    MAX_W,
    SIDE_W,
    TOP_MAX,
    TOP_MIN,
    splitter_sizes,
    window_size,
)
from messaging.core.events import PROCESSED
from tests import brokers as lanes
from tests.conftest import JOIN_S, all_assigned

pytestmark = pytest.mark.gui
LAPTOP = (1366, 740)  # a 1366x768 screen's available area under a 28-pixel panel


@pytest.fixture(autouse=True)
def no_user_settings() -> Iterator[None]:
    """Any QSettings() a test creates by accident lands in a test location."""
    QStandardPaths.setTestModeEnabled(True)
    yield
    QStandardPaths.setTestModeEnabled(False)


@pytest.fixture
def settings_file(tmp_path) -> Callable[[], QSettings]:
    path = str(tmp_path / "p2p-settings.ini")
    return lambda: QSettings(path, QSettings.Format.IniFormat)


# ----- the arithmetic, for any screen ---------------------------------------------------------
@pytest.mark.parametrize("avail", [(1366, 740), (1366, 768), (1280, 720), (1024, 600)])
def test_a_small_screen_gets_all_of_itself_but_the_frame(avail) -> None:
    w, h = window_size(*avail)
    assert (w + FRAME_W, h + FRAME_H) == avail


@pytest.mark.parametrize("avail", [(1920, 1040), (2560, 1400), (3840, 2100), (1600, 1000)])
def test_a_large_screen_gets_90_percent_capped(avail) -> None:
    w, h = window_size(*avail)
    assert w == min(round(avail[0] * 0.9), MAX_W) and h == min(round(avail[1] * 0.9), MAX_H)


@pytest.mark.parametrize("avail", [LAPTOP, (1280, 692), (1920, 1040), (1024, 600)])
def test_the_story_gets_its_room_and_the_list_the_rest(avail) -> None:
    w, h = window_size(*avail)
    sizes = splitter_sizes(w, h)
    assert sum(sizes["top"]) == w and sizes["top"][0] == SIDE_W  # the send form, the cards
    top, lower = sizes["main"]
    assert TOP_MIN <= top <= TOP_MAX  # a whole card and the send form's buttons
    assert lower >= (270 if avail[1] >= 740 else 150)  # the list: 8 rows on a laptop
    assert DOCKS_MIN <= sizes["docks"][0] <= DOCKS_MAX and w - sizes["docks"][0] >= 600


# ----- the real window ------------------------------------------------------------------------
def visible_rows(window: MainWindow) -> int:
    table = window.messages.table
    return table.viewport().height() // table.rowHeight(0)


def test_on_a_laptop_screen_the_list_shows_8_rows(open_window, qtbot) -> None:
    _, window = open_window(consumers=2, consumer_mode="thread")
    runtime = window.runtime
    window.fit(*LAPTOP)
    assert (window.width(), window.height()) == window_size(*LAPTOP)
    sent = runtime.sender.send_many([({"id": i}, None) for i in range(40)])
    qtbot.waitUntil(lambda: window.model.rowCount() == 40, timeout=10_000)
    assert visible_rows(window) >= 8, visible_rows(window)
    table = window.messages.table
    last = table.rowAt(table.viewport().height() - 1)
    assert last >= 7  # rows 0..7 are on screen, the eighth included
    assert {window.model.index(r, 0).data() for r in range(8)} <= {s.message_id for s in sent}
    # The controls keep room too: the send form and a whole card (tests/test_gui_laptop.py
    # checks every button).
    assert window.send_panel.send_button.isVisible()
    assert window.grid.scroll.height() >= window.grid.scroll.minimumHeight() > 150


def test_geometry_splitters_and_docks_come_back_after_reopening(
    open_window, settings_file, qtbot
) -> None:
    _, window = open_window(consumers=1, consumer_mode="thread", settings=settings_file())
    runtime = window.runtime
    window.resize(960, 720)  # the narrowest it gets: the offscreen screen is 800 wide
    window.splitters["main"].setSizes([300, 330])  # not what the screen would give
    window.splitters["top"].setSizes([380, 600])
    log, chart = window.docks["log"], window.docks["chart"]
    chart.setFloating(True)  # detached
    log.close()  # hidden (View › Log brings it back)
    qtbot.waitUntil(lambda: window.height() == 720 and not log.isVisible(), timeout=2_000)
    saved = {name: s.sizes() for name, s in window.splitters.items()}
    window.close()
    assert settings_file().value("window/geometry") is not None

    _, again = open_window(runtime, settings=settings_file())
    assert (again.width(), again.height()) == (960, 720)
    assert {name: s.sizes() for name, s in again.splitters.items()} == saved
    assert again.docks["chart"].isFloating() and not again.docks["log"].isVisible()
    again.actions_by_name["view_log"].trigger()  # the View menu brings it back
    assert again.docks["log"].isVisible()


def test_a_layout_saved_by_an_older_window_is_not_forced_on_this_one(
    open_window, settings_file
) -> None:
    old = settings_file()
    old.setValue("splitters/main", QByteArray(b"\x00\x00\x00\xff\x00\x00\x00\x01"))
    old.sync()  # an old window's splitter, no layout version
    _, window = open_window(consumers=0, settings=settings_file())
    top, lower = window.splitters["main"].sizes()
    assert top >= window.grid.scroll.minimumHeight() and lower > 0


def test_no_settings_means_nothing_is_saved(open_window, settings_file) -> None:
    _, window = open_window(consumers=1, consumer_mode="thread")
    window.close()
    assert settings_file().allKeys() == []


def press(qtbot, window: MainWindow, name: str) -> None:
    """The action's shortcut as keys typed into the window."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2_000)
    keys = window.actions_by_name[name].shortcut()[0]
    qtbot.keyClick(window.messages.table, keys.key(), keys.keyboardModifiers())


def test_shortcuts_add_and_stop_and_crash_the_selected_card(open_window, qtbot) -> None:
    _, window = open_window(consumers=2, consumer_mode="thread")
    grid = window.grid
    press(qtbot, window, "stop_selected")  # nothing selected: says so, stops nothing
    assert "Select a consumer" in window.status.currentMessage()

    press(qtbot, window, "add_thread")
    qtbot.waitUntil(lambda: len(grid.cards) == 3, timeout=5_000)
    press(qtbot, window, "add_process")
    qtbot.waitUntil(lambda: len(grid.cards) == 4, timeout=5_000)
    kinds = sorted(c.snapshot.kind for c in grid.cards.values())
    assert kinds.count("process") == 1
    qtbot.waitUntil(lambda: all_assigned(window.runtime), timeout=JOIN_S * 1000)

    first, second, *_ = sorted(grid.cards)
    qtbot.mouseClick(grid.cards[first].title, Qt.MouseButton.LeftButton)
    assert grid.selected == first and grid.cards[first].property("selected") is True
    assert grid.cards[second].property("selected") is not True
    press(qtbot, window, "stop_selected")
    qtbot.waitUntil(lambda: grid.cards[first].snapshot.state == "stopped", timeout=10_000)

    qtbot.mouseClick(grid.cards[second], Qt.MouseButton.LeftButton)
    assert grid.selected == second and grid.cards[first].property("selected") is False
    press(qtbot, window, "crash_selected")
    qtbot.waitUntil(lambda: grid.cards[second].snapshot.state == "crashed", timeout=10_000)
    live = [c for c in grid.cards.values() if c.snapshot.state not in ("stopped", "crashed")]
    assert len(live) == 2


def test_burst_and_send_from_the_menu(open_window, qtbot) -> None:
    _, window = open_window(consumers=1, consumer_mode="thread")
    panel = window.send_panel
    panel.burst_count.setValue(30)
    panel.burst_rate.setValue(0)
    press(qtbot, window, "burst")
    qtbot.waitUntil(lambda: panel.burst_sent == 30 and not panel.bursting, timeout=10_000)
    window.actions_by_name["send"].trigger()
    qtbot.waitUntil(lambda: panel.last_sent is not None, timeout=10_000)
    assert window.runtime.ledger.totals()["sent"] == 31


def test_about_names_every_version(open_window, qtbot) -> None:
    _, window = open_window(own_broker=True, consumers=0)  # the About box names it embedded
    press(qtbot, window, "about")
    qtbot.waitUntil(lambda: bool(window.about_box and window.about_box.isVisible()), timeout=2000)
    box = window.about_box
    text = box.text()
    for version in (
        messaging.__version__,
        PySide6.__version__,
        qVersion(),
        kafka.__version__,
        f"embedded {window.runtime.broker.version} at",
        "Apache Kafka 4." if lanes.LANE == "apache" else "tansu 0.",
        window.runtime.bootstrap_servers,
        "profile kafka (embedded)" if lanes.LANE == "apache" else "profile tansu (embedded)",
    ):
        assert version in text
    box.button(QMessageBox.StandardButton.Close).click()
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=2_000)


def test_app_version_is_the_packages() -> None:
    import re
    from pathlib import Path

    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    assert re.search(r'^version = "([^"]+)"', pyproject, re.M)[1] == messaging.__version__


def test_export_from_the_window(open_window, qtbot, tmp_path) -> None:
    _, window = open_window(consumers=2, consumer_mode="thread", log_format="json")
    runtime = window.runtime
    sent = runtime.sender.send_many([({"id": i}, None) for i in range(10)])
    ids = [s.message_id for s in sent]

    def done() -> bool:
        return all((r := runtime.ledger.get(i)) and r.status == PROCESSED for i in ids)

    qtbot.waitUntil(done, timeout=10_000)
    said = window.export_history(str(tmp_path / "history.jsonl"))
    assert said == f"Exported 10 messages to {tmp_path / 'history.jsonl'}"
    lines = [json.loads(x) for x in (tmp_path / "history.jsonl").read_text().splitlines()]
    assert [m["message_id"] for m in lines] == ids
    assert all(m["deliveries"] and m["deliveries"][-1]["status"] == PROCESSED for m in lines)

    def logged() -> bool:
        window.export_traffic(str(tmp_path / "traffic.log"))
        return all(i in (tmp_path / "traffic.log").read_text() for i in ids)

    qtbot.waitUntil(logged, timeout=10_000)
    assert window.actions_by_name["export_traffic"].isEnabled()
