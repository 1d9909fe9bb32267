"""The group's assignment strategy, chosen at creation, and what each rebalance moved."""

from __future__ import annotations

import pytest

from tests.conftest import all_assigned, wait_for


def join_third(runtime) -> tuple[int, ...]:
    """Two consumers share 6 partitions; a third joins: which partitions changed owner?"""
    wait_for(lambda: all_assigned(runtime), 20, "2 consumers to share 6 partitions")
    before = len(runtime.fleet.view().moves)
    runtime.fleet.add()
    wait_for(
        lambda: all_assigned(runtime) and len(runtime.fleet.view().moves) > before,
        25,
        "the rebalance after the third consumer joined",
    )
    return runtime.fleet.view().moves[-1].partitions


def test_sticky_moves_only_what_the_newcomer_takes(make_runtime):
    runtime = make_runtime(consumer_mode="thread", consumers=2, assignor="sticky")
    moved = join_third(runtime)
    assert len(moved) == 2, f"sticky should move exactly the newcomer's 2, moved {moved}"
    owners = runtime.fleet.view().owners
    newcomer = max(s.id for s in runtime.fleet.snapshots())
    assert sorted(p for p, s in owners.items() if s.id == newcomer) == list(moved)
    assert runtime.stats()["moves"][-1]["moved"] == list(moved)


@pytest.mark.parametrize("assignor", ["range", "roundrobin"])
def test_other_assignors_report_what_moved(make_runtime, assignor):
    runtime = make_runtime(consumer_mode="thread", consumers=2, assignor=assignor)
    moved = join_third(runtime)
    # Never fewer than the newcomer's share; how many more depends on the strategy.
    assert len(moved) >= 2
    assert runtime.stats()["assignor"] == assignor
