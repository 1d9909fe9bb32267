"""One look at a consumer group, and a batch of events sorted out by group.

Every group, the app's own included, is read and drawn the same way: a look is taken
once per tick (or per batch that changed something) and given to its partition map and
its cards together, so that they never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Protocol

from messaging.core.events import ConsumerSnapshot, Delivery, GroupChange
from messaging.group import GroupView


class _Settings(Protocol):
    assignor: str


class _Fleet(Protocol):
    group: str
    settings: _Settings

    def view(self) -> GroupView: ...


class _Monitor(Protocol):
    lag: dict[int, int]


class GroupSource(Protocol):
    """What a look needs of the runtime (:class:`messaging.runtime.Runtime` is one)."""

    partitions: int
    monitors: dict[str, _Monitor]

    def groups(self) -> list[_Fleet]: ...


@dataclass(frozen=True)
class GroupLook:
    """A group as one tick shows it: members and state, lag per partition."""

    group: str
    assignor: str
    partitions: int  # the topic's partitions, as the map draws them
    view: GroupView
    lag: dict[int, int]

    @property
    def members(self) -> dict[int, ConsumerSnapshot]:
        return {s.id: s for s in self.view.members}

    @property
    def total_lag(self) -> int:
        return sum(self.lag.values())


def fleet_named(source: GroupSource, group: str) -> _Fleet | None:
    """The fleet of ``group``, from the runtime's copy of its groups (never its dict,
    which the activity reader's thread may change meanwhile)."""
    return next((f for f in source.groups() if f.group == group), None)


def group_names(source: GroupSource) -> list[str]:
    """Every group on the topic, in the order they were made."""
    return [f.group for f in source.groups()]


def read_group(source: GroupSource, group: str) -> GroupLook | None:
    """One look at ``group``; None until it has both a fleet and a lag monitor."""
    fleet = fleet_named(source, group)
    monitor = source.monitors.get(group)
    if fleet is None or monitor is None:
        return None
    return GroupLook(
        group=group,
        assignor=fleet.settings.assignor,
        partitions=source.partitions,
        view=fleet.view(),
        lag=dict(monitor.lag),
    )


@dataclass
class GroupBatch:
    """The part of one batch that concerns one group."""

    snapshots: dict[int, ConsumerSnapshot] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)  # consumer ids the core forgot


def by_group(
    main: str,
    snapshots: dict[int, ConsumerSnapshot],
    deliveries: list[Delivery],
    changes: list[GroupChange],
) -> dict[str, GroupBatch]:
    """A batch split by group; an event naming no group is the app's own (``main``)."""
    parts: dict[str, GroupBatch] = defaultdict(GroupBatch)
    for consumer_id, snap in snapshots.items():
        parts[snap.group or main].snapshots[consumer_id] = snap
    for d in deliveries:
        parts[d.group or main].deliveries.append(d)
    for change in changes:
        if change.kind == "removed":
            parts[change.group or main].removed.append(change.consumer_id)
    return dict(parts)
