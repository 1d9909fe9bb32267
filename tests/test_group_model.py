"""The group model's rules as pure logic: what a view says from a given set of facts."""

from __future__ import annotations

from messaging.core.events import ACTIVE, CRASHED, OUTSIDE, PROCESS, ConsumerSnapshot
from messaging.group.model import INFERRED, LEADER, STABLE, LeaderTable, derive


def member(
    consumer_id: int, parts: tuple[int, ...] = (), generation: int = 5, **kw
) -> ConsumerSnapshot:
    base = dict(
        id=consumer_id, name=f"C{consumer_id}", state=ACTIVE, partitions=parts, processed=0,
        in_flight=None, processing_ms=0, failure_rate=0.0, kind=PROCESS, joining=False,
        member_id=f"m{consumer_id}", generation=generation,
    )  # fmt: skip
    return ConsumerSnapshot(**{**base, **kw})


def outside(consumer_id: int) -> ConsumerSnapshot:
    return member(consumer_id, kind=OUTSIDE, generation=-1)


def test_an_outside_member_gets_its_partitions_from_the_leaders_table() -> None:
    table = LeaderTable(5, "t", {"m1": (0, 1, 2), "m9": (3, 4, 5)})
    state, members, owners, _ = derive(
        [(member(1, (0, 1, 2)), True), (outside(9), True)], 6, "t", table, None, 0.0
    )
    assert state == STABLE
    assert {p: o.id for p, o in owners.items()} == {0: 1, 1: 1, 2: 1, 3: 9, 4: 9, 5: 9}
    assert members[1].assignment_source == LEADER


def test_a_table_older_than_what_the_apps_consumers_hold_is_not_used() -> None:
    """Generation 6 was led by the outside member (it joined first): the app has no table
    for it. Generation 5's table gave P3-P5 to C2, who has stopped, and nothing to the
    outside member: used, it would leave P3-P5 ownerless for good. Without it the model
    guesses, and says so."""
    old = LeaderTable(5, "t", {"m1": (0, 1, 2), "m2": (3, 4, 5)})
    facts = [
        (member(1, (0, 1, 2), generation=6), True),
        (member(2, (), state=CRASHED), False),
        (outside(9), True),
    ]
    state, members, owners, generation = derive(facts, 6, "t", old, None, 0.0)
    assert state == STABLE
    assert {p: o.id for p, o in owners.items() if p >= 3} == {3: 9, 4: 9, 5: 9}
    assert members[2].assignment_source == INFERRED
    assert generation == 6


def test_a_dead_member_holds_nothing_whatever_its_last_report_said() -> None:
    facts = [(member(1, (0, 1, 2)), True), (member(2, (3, 4, 5), state=CRASHED), False)]
    state, members, owners, _ = derive(facts, 6, "t", None, None, 0.0)
    assert members[1].partitions == () and set(owners) == {0, 1, 2}
    assert state != STABLE, "Stable only when every partition has a live owner"
