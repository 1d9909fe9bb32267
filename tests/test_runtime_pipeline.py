"""Pure unit tests of the runtime's ingest pipeline and its shared parts (no broker).

Thread consumers, reporting consumers and what silent members consumed enter the app by
one path: these check that every source is recorded, logged and published the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from messaging.audit.ledger import Ledger
from messaging.channel.control import ControlKeys
from messaging.core.config import Settings
from messaging.core.events import PROCESSED, PROCESSING, Delivery, EventHub, SentMessage
from messaging.runtime.parts import Forward, Parts
from messaging.runtime.pipeline import Pipeline

GROUP = "g"


def delivery(mid: str, consumer_id: int, status: str, group: str = GROUP) -> Delivery:
    return Delivery(mid, consumer_id, f"C{consumer_id}", None, 0, 0, 1, False, status, group=group)


@dataclass
class FakeMonitor:
    nudges: int = 0

    def nudge(self) -> None:
        self.nudges += 1


@dataclass
class FakeFleet:
    """Puts a reported event under the app's id (9) the way a fleet does."""

    group: str = GROUP
    known: set[str] = field(default_factory=lambda: {"uid-1"})

    def observe_local(self, event: object) -> object | None:
        return event

    def observe(self, uid: str, event: object) -> object | None:
        if uid not in self.known:
            return None
        if isinstance(event, Delivery):
            return replace(event, consumer_id=9, consumer="C9")
        return event


class FakeGroups:
    def __init__(self) -> None:
        self.fleet, self.monitor = FakeFleet(), FakeMonitor()

    def get(self, name: str) -> FakeFleet | None:
        return self.fleet if name == self.fleet.group else None

    def of_reporter(self, uid: str, events: list[object]) -> FakeFleet | None:
        return self.fleet if uid in self.fleet.known else None

    def monitor_of(self, name: str) -> FakeMonitor | None:
        return self.monitor if name == self.fleet.group else None

    def all_monitors(self) -> list[FakeMonitor]:
        return [self.monitor]


def pipeline() -> tuple[Pipeline, FakeGroups, Parts, list[object]]:
    parts = Parts(Settings(group=GROUP), EventHub(), Ledger(), ControlKeys.random())
    heard: list[object] = []
    parts.hub.subscribe(heard.append)
    groups = FakeGroups()
    return Pipeline(parts, groups), groups, parts, heard  # type: ignore[arg-type]


def test_a_report_is_recorded_and_heard_in_report_order():
    pipe, groups, parts, heard = pipeline()
    note = object()
    pipe.reported("uid-1", [delivery("a", 1, PROCESSING), note, delivery("a", 1, PROCESSED)])
    assert heard[1] is note and [type(e) for e in heard] == [Delivery, object, Delivery]
    assert [d.consumer_id for d in heard if isinstance(d, Delivery)] == [9, 9], "the app's id"
    assert [d.status for d in parts.ledger.get("a").deliveries] == [PROCESSED]
    assert groups.monitor.nudges == 1, "one look again per report"


def test_a_thread_worker_and_a_reporting_consumer_take_the_same_path():
    local, local_groups, local_parts, local_heard = pipeline()
    reported, _, reported_parts, reported_heard = pipeline()
    for status in (PROCESSING, PROCESSED):
        local.report(delivery("a", 9, status))
        reported.reported("uid-1", [delivery("a", 1, status)])
    assert [replace(d, at=0) for d in local_heard] == [replace(d, at=0) for d in reported_heard]
    assert local_parts.ledger.totals() == reported_parts.ledger.totals()
    assert local_groups.monitor.nudges == 2


def test_events_of_no_known_group_or_member_are_dropped():
    pipe, _, parts, heard = pipeline()
    pipe.report(delivery("a", 1, PROCESSED, group="other"))
    pipe.reported("uid-unknown", [delivery("b", 1, PROCESSED)])
    assert heard == [] and parts.ledger.get("a") is None and parts.ledger.get("b") is None


def test_what_a_silent_member_consumed_is_recorded_like_a_report():
    pipe, _, parts, heard = pipeline()
    pipe.deliver(delivery("a", 3, PROCESSED))
    assert len(heard) == 1 and parts.ledger.get("a").deliveries[0].consumer_id == 3


def test_a_send_nudges_every_monitor():
    pipe, groups, _, _ = pipeline()
    pipe.on_hub(SentMessage("a", None, {}, "t", 0, 0))
    pipe.on_hub(object())
    assert groups.monitor.nudges == 1


def test_a_forwarded_attribute_is_read_and_set_on_its_holder():
    class Holder:
        value = 1

    class Front:
        value = Forward("_holder")

        def __init__(self) -> None:
            self._holder = Holder()

    front = Front()
    assert front.value == 1
    front.value = 2
    assert front._holder.value == 2 and "value" not in vars(front)
