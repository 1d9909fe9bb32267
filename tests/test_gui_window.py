"""The window against a real embedded broker, offscreen: send, REST, burst, consumers."""

from __future__ import annotations

import json
import urllib.request

import pytest
from PySide6.QtCore import Qt

from gui.main_window import MainWindow
from gui.message_model import COL_CONSUMER, ConsumerRole
from tests.conftest import JOIN_S, START_S, all_assigned, cards_with, http, running_api

pytestmark = pytest.mark.gui


def row_consumer(window: MainWindow, message_id: str) -> tuple[str, int, object] | None:
    """(consumer text, consumer id, background colour) of the message's list row."""
    row = window.model.row_of(message_id)
    if row is None:
        return None
    index = window.model.index(row, COL_CONSUMER)
    return index.data(), index.data(ConsumerRole), index.data(8)  # 8 = BackgroundRole


def test_form_send_invalid_json_and_rest(open_window, qtbot) -> None:
    runtime, window = open_window()
    panel = window.send_panel
    before = runtime.ledger.totals()
    panel.editor.setPlainText('{"id": 1, "contenido": }')
    panel.send_button.click()
    assert panel.error.isVisible() and "Invalid JSON" in panel.error.text()
    assert panel.editor.property("invalid") is True
    assert runtime.ledger.totals() == before and panel.last_sent is None

    panel.editor.setPlainText('{"id": 1, "contenido": "Hola desde Kafka"}')
    assert not panel.error.isVisible()
    panel.send_button.click()
    qtbot.waitUntil(lambda: panel.last_sent is not None, timeout=10_000)
    sent = panel.last_sent
    assert f"partition <b>{sent.partition}</b>" in panel.result.text()
    assert json.loads(panel.editor.toPlainText())["id"] == 2
    qtbot.waitUntil(lambda: len(cards_with(window, sent.message_id)) == 1, timeout=10_000)
    (consumer_id,) = cards_with(window, sent.message_id)
    card = window.grid.cards[consumer_id]
    assert sent.partition in card.snapshot.partitions
    qtbot.waitUntil(lambda: window.model.row_of(sent.message_id) is not None, timeout=5_000)
    qtbot.waitUntil(lambda: row_consumer(window, sent.message_id)[1] == consumer_id, timeout=5_000)
    name, _, background = row_consumer(window, sent.message_id)
    assert name == card.name and background == card.color

    from api.server import ApiServer

    server = ApiServer(runtime, "127.0.0.1", 0)
    url = server.start()
    try:
        request = urllib.request.Request(
            f"{url}/enviar",
            data=json.dumps({"id": 99, "contenido": "por REST"}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            rest_id = json.loads(response.read())["message_id"]
    finally:
        server.stop()
    qtbot.waitUntil(lambda: len(cards_with(window, rest_id)) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: (row_consumer(window, rest_id) or ("",))[0] != "", timeout=5_000)
    assert window.grid.processed_total() == 2


def test_burst_of_2000_is_counted_once_by_the_cards(open_window, qtbot) -> None:
    runtime, window = open_window()
    panel = window.send_panel
    panel.burst_count.setValue(2000)
    panel.burst_rate.setValue(0)  # as fast as possible
    panel.burst_button.click()
    qtbot.waitUntil(lambda: window.grid.processed_total() == 2000, timeout=60_000)
    qtbot.waitUntil(lambda: not panel.bursting, timeout=5_000)
    assert panel.burst_sent == 2000 and "2,000 of 2,000 sent" in panel.result.text()
    assert window.model.rowCount() == 2000
    assert runtime.ledger.totals()["processed"] == 2000
    assert sum(1 for c in window.grid.cards.values() if c.processed) >= 2
    assert window.bridge.drains < 2000  # batched: far fewer drains than events
    qtbot.waitUntil(lambda: "2,000" in window.status.totals.text(), timeout=5_000)


def test_add_consumer_new_card_and_partition_map(open_window, qtbot) -> None:
    runtime, window = open_window(consumers=2)
    paints, before = window.partition_map.paints, dict(window.partition_map.owners)
    window.grid.add_button.click()
    qtbot.waitUntil(lambda: len(window.grid.cards) == 3, timeout=5_000)
    new_id = max(window.grid.cards)
    qtbot.waitUntil(lambda: all_assigned(runtime), timeout=JOIN_S * 1000)

    def map_shows_new_owner() -> bool:
        owners = window.partition_map.owners
        return len(owners) == runtime.partitions and new_id in {
            consumer_id for _, consumer_id in owners.values()
        }

    qtbot.waitUntil(map_shows_new_owner, timeout=10_000)
    assert window.partition_map.owners != before
    qtbot.waitUntil(lambda: window.partition_map.paints > paints, timeout=5_000)
    # The card hears of its assignment through the next batched drain (~60 ms).
    qtbot.waitUntil(lambda: bool(window.grid.cards[new_id].snapshot.partitions), timeout=2_000)
    assert len(window.timeline.lanes) == 3
    # The default kind is a process of its own: the card says so, with its pid.
    new = window.grid.cards[new_id]
    assert new.where.text() == f"process · pid {new.snapshot.pid}" and new.snapshot.pid


def test_add_menu_offers_a_thread_consumer_too(open_window, qtbot) -> None:
    runtime, window = open_window(consumers=1)
    kinds = [a.text().split(" ")[0] for a in window.grid.add_button.menu().actions()]
    assert kinds == ["Process", "Thread"]

    window.grid.add_button.menu().actions()[1].trigger()

    qtbot.waitUntil(lambda: len(window.grid.cards) == 2, timeout=5_000)
    texts = sorted(card.where.text() for card in window.grid.cards.values())
    assert texts[0].startswith("process · pid ") and texts[1] == "thread of the app"
    qtbot.waitUntil(lambda: all_assigned(runtime), timeout=JOIN_S * 1000)


def test_stop_and_crash_move_partitions_to_other_cards(open_window, qtbot) -> None:
    runtime, window = open_window(consumers=3)
    cards = window.grid.cards
    stopped, crashed, survivor = sorted(cards)
    moved = set(cards[stopped].snapshot.partitions)
    cards[stopped].stop_button.click()
    qtbot.waitUntil(lambda: cards[stopped].snapshot.state == "stopped", timeout=10_000)
    qtbot.waitUntil(lambda: all_assigned(runtime), timeout=JOIN_S * 1000)
    qtbot.waitUntil(
        lambda: (
            moved <= set(cards[crashed].snapshot.partitions + cards[survivor].snapshot.partitions)
        ),
        timeout=5_000,
    )
    assert not cards[stopped].stop_button.isEnabled()

    # The cards catch up with the group: the two survivors share all partitions.
    everything = set(range(runtime.partitions))
    qtbot.waitUntil(
        lambda: (
            (set(cards[crashed].snapshot.partitions) | set(cards[survivor].snapshot.partitions))
            == everything
            and not set(cards[crashed].snapshot.partitions)
            & set(cards[survivor].snapshot.partitions)
        ),
        timeout=5_000,
    )
    cards[crashed].crash_button.click()
    qtbot.waitUntil(lambda: cards[crashed].state.text() == "crashed", timeout=2_000)
    qtbot.waitUntil(lambda: "broker notices in" in cards[crashed].countdown.text(), timeout=2_000)
    qtbot.waitUntil(lambda: set(cards[survivor].snapshot.partitions) == everything, timeout=25_000)
    marks = [kind for _, kind in window.timeline.lanes[crashed].marks]
    assert "crash" in marks and "stop" in [k for _, k in window.timeline.lanes[stopped].marks]


def test_a_dead_card_goes_with_its_x_or_a_rest_delete_and_refuses_commands(
    open_window, qtbot
) -> None:
    runtime, window = open_window(consumers=3, consumer_mode="thread")
    grid = window.grid
    first, second, third = sorted(grid.cards)
    assert not grid.cards[first].dismiss.isVisible(), "a live card has no ✕"
    for consumer_id in (first, second):
        grid.cards[consumer_id].crash_button.click()
    qtbot.waitUntil(
        lambda: all(grid.cards[c].snapshot.state == "crashed" for c in (first, second)),
        timeout=5_000,
    )
    # Crash it again from the menu: the core refuses at once and the status bar says so.
    grid.select(first)
    window.crash_selected()
    qtbot.waitUntil(lambda: f"C{first} is crashed" in window.status.currentMessage(), timeout=1_000)

    qtbot.mouseClick(grid.cards[first].dismiss, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: first not in grid.cards, timeout=2_000)
    assert first not in {s.id for s in runtime.snapshots()}, "the core forgot it too"
    with running_api(runtime) as url:
        assert http(f"{url}/api/consumers/{first}")[0] == 404
        assert http(f"{url}/api/consumers/{second}", "DELETE")[0] == 200
        qtbot.waitUntil(lambda: second not in grid.cards, timeout=2_000)
        status, _, body = http(f"{url}/api/consumers/{third}", "DELETE")
        assert status == 409 and "stop or crash it first" in body["error"]
    assert sorted(grid.cards) == [third]


def test_status_bar_tells_of_a_broker_outage_and_its_recovery(open_window, qtbot) -> None:
    import os
    import signal

    runtime, window = open_window(own_broker=True, consumers=1, consumer_mode="thread")
    assert window.status.broker_note is None

    os.kill(runtime.broker.pid, signal.SIGKILL)

    qtbot.waitUntil(lambda: "back at" in window.status.broker.text(), timeout=START_S * 1000)
    assert "after" in window.status.broker_note


def test_dead_api_shows_in_red_in_the_status_bar_for_good(open_window, qtbot) -> None:
    import socket

    from api.server import ApiServer

    servers: list[ApiServer] = []
    runtime, window = open_window(
        api_failure=lambda: servers[0].failure if servers else None, consumers=1
    )
    server = ApiServer(runtime, "127.0.0.1", 0)
    servers.append(server)
    server.start()
    try:
        qtbot.wait(600)  # a few ticks with a healthy API: nothing shown
        assert window.status.api_failure is None and "API down" not in window.status.api.text()

        server._server.socket.shutdown(socket.SHUT_RDWR)  # a real fault

        qtbot.waitUntil(lambda: window.status.api_failure is not None, timeout=5_000)
        assert window.status.api_failure == server.failure
        assert "API down" in window.status.api.text()
        assert "#EF5D7F" in window.status.api.styleSheet()
        assert "listening socket was closed" in window.status.api.toolTip()
        window.status.showMessage("a transient message", 100)
        qtbot.wait(600)  # the clock keeps ticking; the failure stays
        assert "API down" in window.status.api.text() and window.status.api.isVisible()
    finally:
        server.stop()


def test_messages_of_another_producer_are_counted_and_marked(open_window, qtbot) -> None:
    """The spec's producer_api.py (a plain KafkaProducer, no id header) beside the app:
    its messages are processed, and the totals still add up."""
    from kafka import KafkaProducer

    from gui.message_model import COL_ID

    runtime, window = open_window(consumers=2)
    theirs = KafkaProducer(bootstrap_servers=runtime.bootstrap_servers)
    try:
        for i in range(5):
            value = json.dumps({"id": i, "contenido": "de producer_api.py"}).encode()
            theirs.send(runtime.settings.topic, value)
        theirs.flush(10)
    finally:
        theirs.close(5)
    ours = runtime.sender.send_many([({"id": i}, None) for i in range(3)])
    qtbot.waitUntil(lambda: runtime.ledger.totals()["processed"] == 8, timeout=30_000)

    with running_api(runtime) as url:
        stats = http(f"{url}/api/stats")[2]
        listed = http(f"{url}/api/messages?limit=20")[2]["messages"]
    assert (stats["sent"], stats["elsewhere"], stats["processed"]) == (3, 5, 8)
    origins = sorted(m["origin"] for m in listed)
    assert origins == ["app"] * 3 + ["elsewhere"] * 5
    qtbot.waitUntil(lambda: "from elsewhere <b>5</b>" in window.status.totals.text(), timeout=5_000)
    # The list is fed by the events, a drain after the ledger: wait for all eight rows.
    qtbot.waitUntil(lambda: window.model.rowCount() == 8, timeout=5_000)
    shown = [window.model.index(r, COL_ID).data() for r in range(window.model.rowCount())]
    assert sorted(shown) == sorted(
        [s.message_id for s in ours] + [f"p{p}@{o} · from elsewhere" for p, o in _positions(listed)]
    )


def _positions(listed: list[dict]) -> list[tuple[int, int]]:
    return [(m["partition"], m["offset"]) for m in listed if m["origin"] == "elsewhere"]
