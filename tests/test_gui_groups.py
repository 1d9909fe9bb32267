"""Two groups side by side in the window: each gets every message (publish-subscribe)."""

from __future__ import annotations

import pytest

from gui.history import story
from tests.conftest import JOIN_S

pytestmark = pytest.mark.gui


def test_a_second_group_gets_a_panel_of_its_own_and_every_message(open_window, qtbot) -> None:
    runtime, window = open_window(consumers=2, consumer_mode="thread")
    analytics = f"analytics-{runtime.settings.group}"  # of this test alone on the shared broker
    window.add_group(analytics, "sticky", 2)

    qtbot.waitUntil(lambda: analytics in window.groups.panels, timeout=5_000)
    panel = window.groups.panels[analytics]
    qtbot.waitUntil(lambda: len(panel.grid.cards) == 2, timeout=10_000)
    qtbot.waitUntil(
        lambda: len(panel.partition_map.owners) == runtime.partitions, timeout=JOIN_S * 2000
    )
    assert "sticky" in panel.title.text()
    ours = {s.id for s in runtime.fleet.snapshots()}
    assert set(window.grid.cards) == ours, "each group's cards stay in its own grid"
    assert not set(panel.grid.cards) & ours

    sent = runtime.sender.send({"id": 1, "contenido": "Hola desde Kafka"})

    def told_by_both() -> bool:
        record = runtime.ledger.get(sent.message_id)
        return bool(record) and len(record.processed_by) == 2

    qtbot.waitUntil(told_by_both, timeout=10_000)
    told = story(runtime.ledger.get(sent.message_id))
    assert f"{runtime.settings.group}: C" in told and f"{analytics}: C" in told


def test_switching_to_a_six_partition_topic_redraws_the_map(open_window, qtbot) -> None:
    runtime, window = open_window(consumers=2, consumer_mode="thread", partitions=1)
    assert window.partition_map.partitions == 1

    window.switch_topic(6)

    qtbot.waitUntil(lambda: window.partition_map.partitions == 6, timeout=10_000)
    qtbot.waitUntil(lambda: len(window.partition_map.owners) == 6, timeout=JOIN_S * 2000)
    assert f"{runtime.settings.channel}-6p" in window.windowTitle()
    qtbot.waitUntil(
        lambda: (
            {consumer_id for _, consumer_id in window.partition_map.owners.values()}
            == set(window.grid.cards)
        ),
        timeout=JOIN_S * 1000,
    )
