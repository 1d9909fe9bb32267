"""The window's view models (gui.viewmodels) on plain objects: no Qt, no broker."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from pathlib import Path

from gui.viewmodels.card import CardModel
from gui.viewmodels.group import by_group, group_names, read_group
from gui.viewmodels.window import WindowModel
from messaging.core import reasons
from messaging.core.events import (
    CRASHED,
    OUTSIDE,
    PROCESSED,
    PROCESSING,
    STOPPING,
    ConsumerSnapshot,
    Delivery,
    GroupChange,
)
from messaging.group.model import GroupView

VIEWMODELS = Path(__file__).resolve().parent.parent / "gui" / "viewmodels"


def snap(consumer_id: int = 1, **changes: object) -> ConsumerSnapshot:
    base = ConsumerSnapshot(consumer_id, f"C{consumer_id}", "active", (0,), 0, None, 100, 0.0)
    return replace(base, **changes)


def delivery(message_id: str, status: str = PROCESSED, at: float = 0.0, **kw) -> Delivery:
    return Delivery(message_id, 1, "C1", None, 0, 0, 1, False, status, at=at, **kw)


def test_no_view_model_imports_qt() -> None:
    for path in VIEWMODELS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in getattr(node, "names", [])]
            module = getattr(node, "module", None) or ""
            if isinstance(node, ast.Import | ast.ImportFrom):
                assert not any(n.startswith(("PySide6", "qasync")) for n in [module, *names]), path


# ----- a card -------------------------------------------------------------------------------
def test_the_rate_is_the_processed_count_over_the_last_seconds() -> None:
    card = CardModel(snap(processed=0))
    assert card.rate(100.0) == 0.0
    card.apply(snap(processed=10))
    assert card.rate(100.1) == 0.0  # too short a span to tell
    card.apply(snap(processed=20))
    assert card.rate(102.0) == 10.0
    card.apply(snap(processed=20))
    assert card.rate(110.0) == 0.0  # the old samples are forgotten


def test_a_crashed_consumer_counts_down_its_session() -> None:
    card = CardModel(snap())
    assert card.seconds_left(5.0) is None
    card.apply(snap(state=CRASHED, crashed_at=100.0, session_timeout_ms=6000))
    assert card.seconds_left(101.5) == 4.5 and card.seconds_left(108.0) == -2.0
    assert card.dead and not card.drivable and not card.busy


def test_progress_of_the_message_in_flight_by_its_processing_time() -> None:
    card = CardModel(snap(processing_ms=1000))
    card.add_deliveries([delivery("m1", PROCESSING, at=10.0)])
    card.apply(snap(processing_ms=1000, in_flight="m1"))
    assert card.busy and card.progress(10.25) == 0.25 and card.progress(20.0) == 1.0
    card.apply(snap(processing_ms=1000, in_flight="m2"))  # no start seen for it
    assert card.progress(10.5) is None
    card.apply(snap(processing_ms=1000))
    card.apply(snap(processing_ms=1000, in_flight="m1"))
    assert card.progress(10.5) is None, "a message no longer in flight forgets its start"


def test_recent_keeps_the_last_finished_ones_and_who_the_buttons_drive() -> None:
    card = CardModel(snap())
    card.add_deliveries([delivery(f"m{i}") for i in range(8)])
    assert [d.message_id for d in card.recent] == ["m3", "m4", "m5", "m6", "m7"]
    assert card.drivable
    card.apply(snap(state=STOPPING))
    assert not card.drivable and not card.dead
    card.apply(snap(kind=OUTSIDE))
    assert not card.drivable


# ----- groups -------------------------------------------------------------------------------
@dataclass
class FakeSettings:
    assignor: str = "range"
    topic: str = "pedidos"
    group: str = "main"


@dataclass
class FakeFleet:
    group: str
    members: tuple[ConsumerSnapshot, ...] = ()
    settings: FakeSettings = field(default_factory=FakeSettings)

    def view(self) -> GroupView:
        owners = {p: m for m in self.members for p in m.partitions}
        return GroupView(self.group, "pedidos", 2, "Stable", self.members, owners, 1)


@dataclass
class FakeMonitor:
    lag: dict[int, int]


@dataclass
class FakeRuntime:
    fleets: list[FakeFleet]
    monitors: dict[str, FakeMonitor]
    partitions: int = 2

    def groups(self) -> list[FakeFleet]:
        return list(self.fleets)


def test_a_look_at_a_group_has_its_members_lag_and_assignor() -> None:
    runtime = FakeRuntime(
        [FakeFleet("main", (snap(1),)), FakeFleet("other", settings=FakeSettings("sticky"))],
        {"main": FakeMonitor({0: 3, 1: 4})},
    )
    look = read_group(runtime, "main")
    assert look is not None and set(look.members) == {1} and look.total_lag == 7
    assert look.partitions == 2 and look.assignor == "range" and look.view.state == "Stable"
    assert read_group(runtime, "other") is None, "no monitor yet: nothing to draw"
    assert read_group(runtime, "gone") is None
    assert group_names(runtime) == ["main", "other"]


def test_a_batch_is_split_by_group_and_no_group_means_the_apps() -> None:
    parts = by_group(
        "main",
        {1: snap(1), 2: snap(2, group="other")},
        [delivery("m1"), delivery("m2", group="other")],
        [GroupChange("removed", 3, group="other"), GroupChange("join", 4)],
    )
    assert set(parts) == {"main", "other"}
    assert list(parts["main"].snapshots) == [1] and parts["main"].removed == []
    assert [d.message_id for d in parts["other"].deliveries] == ["m2"]
    assert parts["other"].removed == [3]


# ----- the window ---------------------------------------------------------------------------
@dataclass
class FakeUp:
    up: bool


@dataclass
class FakeWatch:
    status: FakeUp


@dataclass
class FakeWindowRuntime:
    settings: FakeSettings = field(default_factory=FakeSettings)
    broker_watch: FakeWatch | None = None
    broker_reason: reasons.Reason | None = None

    def stats(self) -> dict:
        return {"sent": 3}


def test_the_title_is_new_only_when_the_topic_or_group_changes() -> None:
    runtime = FakeWindowRuntime()
    model = WindowModel(runtime)
    assert model.new_title() == ("pedidos", "main") and model.new_title() is None
    runtime.settings = FakeSettings(topic="pedidos-6p")
    assert model.new_title() == ("pedidos-6p", "main")


def test_a_dead_api_is_told_once_and_stays_dead() -> None:
    answers = [None, "socket closed", "other"]
    model = WindowModel(FakeWindowRuntime(), lambda: answers.pop(0))
    assert model.new_api_failure() is None
    assert model.new_api_failure() == "socket closed"
    assert model.new_api_failure() is None and model.api_failed == "socket closed"
    assert answers == ["other"], "not asked again"


def test_the_broker_note_needs_a_watch() -> None:
    runtime = FakeWindowRuntime()
    model = WindowModel(runtime)
    assert model.broker_note() is None and model.totals() == {"sent": 3}
    runtime.broker_watch = FakeWatch(FakeUp(False))
    note = model.broker_note()
    assert note is not None and not note.up and note.reason is None
