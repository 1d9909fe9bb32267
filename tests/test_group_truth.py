"""One truth about the group: the map, the cards, the badge and the REST API agree.

The truth a test checks against is not the app's: it is what the spec's plain consumer
says the broker gave it, read from the consumer's own output, and what the broker's
committed offsets say was consumed.
"""

from __future__ import annotations

import pytest

from messaging.core.events import CONSUMED, CRASHED, OUTSIDE, STOPPED
from tests.conftest import JOIN_S, all_assigned, running_api, wait_for
from tests.test_api import call
from tests.test_consumer_processes import SpecConsumer

pytestmark = pytest.mark.gui


def api_members(url: str) -> dict[int, dict]:
    return {c["id"]: c for c in call(f"{url}/api/consumers")[1]["consumers"]}


def map_owners(window) -> dict[int, int]:
    """partition -> consumer id, as the partition map paints it."""
    return {p: consumer_id for p, (_, consumer_id) in window.partition_map.owners.items()}


def card_owners(window) -> dict[int, list[int]]:
    """partition -> ids of the cards whose chips show it."""
    held: dict[int, list[int]] = {}
    for consumer_id, card in window.grid.cards.items():
        for p in card.snapshot.partitions:
            held.setdefault(p, []).append(consumer_id)
    return held


def broken_rules(window, url: str | None) -> list[str]:
    """What a user could catch the views saying that cannot be true, right now."""
    problems = []
    cards = window.grid.cards
    for p, ids in card_owners(window).items():
        if len(ids) > 1:
            problems.append(f"P{p} on the cards of {ids}")
        if map_owners(window).get(p) != ids[0]:
            problems.append(f"P{p}: card {ids[0]}, map {map_owners(window).get(p)}")
    for consumer_id, card in cards.items():
        if card.snapshot.state in (STOPPED, CRASHED) and card.snapshot.partitions:
            problems.append(f"dead card {consumer_id} shows {card.snapshot.partitions}")
    for p, consumer_id in map_owners(window).items():
        if consumer_id not in cards or cards[consumer_id].snapshot.state in (STOPPED, CRASHED):
            problems.append(f"the map gives P{p} to {consumer_id}, not a live card")
    badge = window.partition_map.group_state
    if badge == "Stable" and len(map_owners(window)) != window.runtime.partitions:
        problems.append(f"Stable with {len(map_owners(window))} partitions owned")
    if url is not None:
        listed = api_members(url)
        owned = [p for c in listed.values() for p in c["partitions"]]
        if len(owned) != len(set(owned)):
            problems.append(f"the API gives a partition twice: {sorted(owned)}")
        dead = {
            i: c["partitions"] for i, c in listed.items() if c["state"] in ("stopped", "crashed")
        }
        if any(dead.values()):
            problems.append(f"the API lists dead members with partitions: {dead}")
    return problems


def settled_views_agree(window, url: str) -> bool:
    """Map, cards and API give every partition the same live owner, and the badge says
    Stable."""
    listed = api_members(url)
    api = {p: i for i, c in listed.items() for p in c["partitions"]}
    cards = {p: ids[0] for p, ids in card_owners(window).items()}
    return (
        window.partition_map.group_state == "Stable"
        and map_owners(window) == cards == api
        and len(api) == window.runtime.partitions
    )


def test_the_spec_consumer_gets_what_the_broker_gave_it_everywhere_and_its_messages_count(
    open_window, qtbot, processes, tmp_path
) -> None:
    runtime, window = open_window(consumers=1, consumer_mode="thread")
    with running_api(runtime) as url:
        spec = SpecConsumer(runtime, processes, tmp_path)

        last: dict[str, object] = {}

        def everywhere() -> bool:
            outside = [c for c in api_members(url).values() if c["kind"] == OUTSIDE]
            last.update(
                spec=spec.assigned,
                api=[(c["id"], c["state"], c["partitions"]) for c in api_members(url).values()],
                map=map_owners(window),
                badge=window.partition_map.group_state,
            )
            if not spec.assigned or len(outside) != 1 or not settled_views_agree(window, url):
                return False
            (member,) = outside
            card = window.grid.cards.get(member["id"])
            return (
                member["partitions"] == spec.assigned
                and card is not None
                and list(card.snapshot.partitions) == spec.assigned
                and sorted(p for p, c in map_owners(window).items() if c == member["id"])
                == spec.assigned
            )

        try:
            qtbot.waitUntil(everywhere, timeout=JOIN_S * 2000)
        except qtbot.TimeoutError:
            pytest.fail(f"the views never all gave the spec's consumer its partitions: {last}")
        (member,) = [c for c in api_members(url).values() if c["kind"] == OUTSIDE]
        # The app's consumer joined first, so it leads the group and told the table.
        assert member["assignment_source"] == "leader", member
        assert 0 < len(spec.assigned) < runtime.partitions

        sent = runtime.sender.send_many([({"id": i}, f"k{i}") for i in range(60)])
        theirs = [s for s in sent if s.partition in spec.assigned]
        assert theirs, "the keys spread over both members"

        def accounted() -> bool:  # the spec consumer auto-commits every 5 s
            t = runtime.ledger.totals()
            return t["processed"] + t["consumed_outside"] == len(sent)

        wait_for(accounted, 30, "every message processed by C1 or consumed by the spec's")
        assert runtime.ledger.totals()["consumed_outside"] == len(theirs)
        for s in theirs:
            record = runtime.ledger.get(s.message_id)
            assert record.status == CONSUMED and record.deliveries[-1].consumer_id == member["id"]
        stats = call(f"{url}/api/stats")[1]
        assert stats["sent"] == stats["processed"] + stats["consumed_outside"] == len(sent)
        qtbot.waitUntil(
            lambda: window.grid.cards[member["id"]].processed == len(theirs), timeout=5_000
        )
        # The status bar's totals add up too: sent = processed + consumed outside.
        qtbot.waitUntil(
            lambda: f"consumed outside <b>{len(theirs)}</b>" in window.status.totals.text(),
            timeout=5_000,
        )


def test_after_add_stop_crash_and_an_outside_join_all_views_agree_at_every_moment(
    open_window, qtbot, processes, tmp_path
) -> None:
    runtime, window = open_window(consumers=3, consumer_mode="thread")
    seen: list[str] = []
    with running_api(runtime) as url:

        def watch_until(done, what: str, timeout_s: float) -> None:
            """Check the rules on every look (every event-loop turn) until ``done``."""

            def check() -> bool:
                seen.extend(broken_rules(window, url))
                return done()

            qtbot.waitUntil(check, timeout=int(timeout_s * 1000))
            assert not seen, f"while waiting for {what}: {seen[:5]}"

        first, second, third = sorted(window.grid.cards)
        window.grid.add_requested.emit("thread")
        watch_until(lambda: len(window.grid.cards) == 4 and all_assigned(runtime), "an add", 20)
        watch_until(lambda: settled_views_agree(window, url), "agreement after the add", 10)

        window.grid.cards[first].crash_button.click()
        watch_until(
            lambda: window.grid.cards[first].snapshot.state == CRASHED and all_assigned(runtime),
            "the crashed member's partitions to move on",
            JOIN_S + 10,
        )
        watch_until(lambda: settled_views_agree(window, url), "agreement after the crash", 10)

        window.grid.cards[second].stop_button.click()
        watch_until(
            lambda: window.grid.cards[second].snapshot.state == STOPPED and all_assigned(runtime),
            "the stopped member's partitions to move on",
            JOIN_S + 10,
        )
        watch_until(lambda: settled_views_agree(window, url), "agreement after the stop", 10)

        spec = SpecConsumer(runtime, processes, tmp_path)
        watch_until(
            lambda: (
                bool(spec.assigned)
                and settled_views_agree(window, url)
                and any(c.snapshot.kind == OUTSIDE for c in window.grid.cards.values())
            ),
            "the spec's consumer to join and every view to agree",
            JOIN_S * 2,
        )
        outside = next(c for c in window.grid.cards.values() if c.snapshot.kind == OUTSIDE)
        assert list(outside.snapshot.partitions) == spec.assigned
        assert third in window.grid.cards and window.grid.cards[third].snapshot.partitions
        # The rebalances are counted and every move counts the outside member too.
        moves = call(f"{url}/api/stats")[1]["moves"]
        assert moves and any(m["moved"] for m in moves)
