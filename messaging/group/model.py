"""One truth about a consumer group: members, who owns which partition, and where that came from.

Every view of the group (the window's partition map, cards, timeline and badge, the REST
API's consumers and stats) reads a :class:`GroupView` made here, so they cannot disagree.
The model keeps facts, each with its source, and derives the view from them:

- what each of the app's consumers reports about itself (its partitions, the generation
  of its assignment, whether it is joining): ``reported``;
- the whole assignment of a generation, reported by whichever of the app's consumers led
  the group (:mod:`messaging.clients.assignment`): ``leader``;
- what the broker's DescribeGroups says (Apache Kafka fills each member's assignment,
  tansu leaves it empty): ``broker``;
- and, only when none of those names an owner, a guess that says it is one: ``inferred``.

Rules every view obeys: a dead member (crashed, stopped, silent) holds no partition; a
partition has at most one owner (the claim of the newest generation wins); the group is
Stable only when every partition has a live owner and nobody is joining.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from messaging.core.events import CRASHED, OUTSIDE, ConsumerSnapshot, GroupChange

log = logging.getLogger(__name__)
STABLE, REBALANCING, EMPTY, UNKNOWN = "Stable", "Rebalancing", "Empty", "Unknown"
REPORTED, LEADER, BROKER, INFERRED = "reported", "leader", "broker", "inferred"
BROKER_REBALANCING = ("PreparingRebalance", "CompletingRebalance")
DESCRIBED_FRESH_S = 3.0  # a broker description older than this says nothing about now


@dataclass(frozen=True)
class Move:
    """What one rebalance changed: the partitions that got a new owner."""

    rebalance: int
    partitions: tuple[int, ...]
    owned: int
    assignor: str
    at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class LeaderTable:
    """A generation's whole assignment as the leader computed it (member id -> partitions)."""

    generation: int
    topic: str
    table: dict[str, tuple[int, ...]]
    at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class Described:
    """The broker's DescribeGroups answer: its state and, per member id, the client id
    and the decoded assignment (None where the broker left it empty, as tansu does)."""

    state: str
    members: dict[str, tuple[str, tuple[int, ...] | None]]
    at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class GroupView:
    """The group at one moment. ``members`` are presented: partitions from the model."""

    group: str
    topic: str
    partitions: int
    state: str
    members: tuple[ConsumerSnapshot, ...]
    owners: dict[int, ConsumerSnapshot]
    generation: int
    rebalances: int = 0
    moves: tuple[Move, ...] = ()

    def member(self, consumer_id: int) -> ConsumerSnapshot | None:
        return next((m for m in self.members if m.id == consumer_id), None)


def derive(
    snapshots: list[tuple[ConsumerSnapshot, bool]],
    partitions: int,
    topic: str,
    table: LeaderTable | None,
    described: Described | None,
    now: float,
) -> tuple[str, tuple[ConsumerSnapshot, ...], dict[int, ConsumerSnapshot], int]:
    """(state, presented members, owners, newest generation) from the facts; pure.

    ``snapshots`` pairs each member's newest snapshot with whether it is alive (a member
    on its way out is not, although its last report does not say so yet).
    """
    table = _current(table, topic, snapshots)
    fresh = described if described is not None and now - described.at < DESCRIBED_FRESH_S else None
    claims: dict[int, tuple[int, int, ConsumerSnapshot]] = {}  # p -> (generation, rank, owner)
    presented: list[ConsumerSnapshot] = []
    unknown: list[ConsumerSnapshot] = []
    for snap, alive in snapshots:
        if not alive:
            presented.append(replace(snap, partitions=(), joining=False, assignment_source=""))
            continue
        parts, source, generation = _claim(snap, table, fresh)
        if parts is None:
            unknown.append(snap)
            presented.append(replace(snap, partitions=(), assignment_source=""))
            continue
        mine = replace(snap, partitions=parts, assignment_source=source)
        presented.append(mine)
        for p in parts:
            rank = 1 if source == REPORTED else 0  # at one generation, a report beats hearsay
            if p < partitions and (generation, rank) > claims.get(p, (-2, -1, None))[:2]:
                claims[p] = (generation, rank, mine)
    owners = {p: owner for p, (_, _, owner) in claims.items()}
    # A member's partitions are those it still owns after every conflict is settled.
    presented = [
        replace(s, partitions=tuple(p for p in s.partitions if owners.get(p) is s))
        if s.partitions
        else s
        for s in presented
    ]
    live = [s for s, alive in snapshots if alive]
    state = _state(live, snapshots, owners, partitions, fresh, now)
    if state == UNKNOWN and len(unknown) == 1:
        # One member of unknown assignment and partitions nobody else owns: they are its,
        # unless the broker is still handing them out. A guess, and it says so.
        guessed = tuple(p for p in range(partitions) if p not in owners)
        guess = replace(unknown[0], partitions=guessed, assignment_source=INFERRED)
        presented = [guess if s.id == guess.id else s for s in presented]
        owners.update(dict.fromkeys(guessed, guess))
        state = STABLE
    generation = max([s.generation for s in live] + [table.generation if table else -1])
    return state, tuple(sorted(presented, key=lambda s: s.id)), owners, generation


def _current(
    table: LeaderTable | None, topic: str, snapshots: list[tuple[ConsumerSnapshot, bool]]
) -> LeaderTable | None:
    """The leader's table, if it still describes the group: of this topic, and of the
    newest generation any of the app's live consumers holds. A newer generation led by a
    member that reports nothing (an outside consumer that joined first leads) leaves the
    app with no table for it; the old one would give the outside member nothing and its
    partitions to a member that left."""
    if table is None or table.topic != topic:
        return None
    reported = [s.generation for s, alive in snapshots if alive and s.kind != OUTSIDE]
    return table if table.generation >= max(reported, default=-1) else None


def _claim(
    snap: ConsumerSnapshot, table: LeaderTable | None, described: Described | None
) -> tuple[tuple[int, ...] | None, str, int]:
    """(partitions or None when unknown, source, generation) of one live member."""
    if snap.kind != OUTSIDE:
        return tuple(snap.partitions), REPORTED, snap.generation
    if table is not None and snap.member_id:
        return table.table.get(snap.member_id, ()), LEADER, table.generation
    if described is not None and snap.member_id in described.members:
        parts = described.members[snap.member_id][1]
        if parts is not None:
            return parts, BROKER, -1
    return None, "", -1


def _state(
    live: list[ConsumerSnapshot],
    snapshots: list[tuple[ConsumerSnapshot, bool]],
    owners: dict[int, ConsumerSnapshot],
    partitions: int,
    described: Described | None,
    now: float,
) -> str:
    """Empty without live members; Rebalancing while anyone joins, a crashed member's
    session runs, or the broker says so; Stable only when every partition has a live
    owner; Unknown when owners are missing only because nobody could tell them."""
    if not live:
        return EMPTY
    pending_crash = any(
        s.state == CRASHED and s.crashed_at and now - s.crashed_at < s.session_timeout_ms / 1000
        for s, _ in snapshots
    )
    broker_busy = described is not None and described.state in BROKER_REBALANCING
    if any(s.joining for s in live) or pending_crash or broker_busy:
        return REBALANCING
    if all(p in owners for p in range(partitions)):
        return STABLE
    if any(s.kind == OUTSIDE for s in live):
        return UNKNOWN
    return REBALANCING  # members live, partitions unowned: between two assignments


class GroupModel:
    """The facts about one group and the :class:`GroupView` they give. Thread-safe.

    ``members`` returns (snapshot, alive) for every member the app lists; ``publish``
    hears what the model finds out by itself: assignments of members that report nothing,
    and the partitions each rebalance moved.
    """

    def __init__(
        self,
        group: str,
        assignor: str,
        members: Callable[[], list[tuple[ConsumerSnapshot, bool]]],
        publish: Callable[[object], None],
    ) -> None:
        self.group, self.assignor = group, assignor
        self._members, self._publish = members, publish
        self._lock = threading.Lock()
        self._table: LeaderTable | None = None
        self._described: Described | None = None
        self.topic, self.partitions = "", 0
        self.rebalances = 0
        self.moves: deque[Move] = deque(maxlen=50)
        self._state = EMPTY
        self._settled: dict[int, int] = {}  # partition -> member id, at the last Stable
        self._shown: dict[int, tuple[int, ...]] = {}  # outside member id -> partitions told
        self._view: GroupView | None = None

    # ----- facts --------------------------------------------------------------------
    def use_topic(self, topic: str, partitions: int) -> None:
        """The topic the group consumes (a new one after a switch: nothing moved yet)."""
        with self._lock:
            if topic != self.topic:
                self._settled = {}
            self.topic, self.partitions = topic, partitions

    def leader_table(self, generation: int, topic: str, table: dict[str, tuple[int, ...]]) -> None:
        """The whole assignment of ``generation``, from the app's consumer that led it."""
        with self._lock:
            if self._table is None or generation >= self._table.generation:
                self._table = LeaderTable(generation, topic, dict(table))

    def broker_described(self, described: Described) -> None:
        with self._lock:
            self._described = described

    # ----- the view -----------------------------------------------------------------
    def view(self) -> GroupView:
        """The group now, derived afresh from the facts (a few members: microseconds)."""
        snapshots = self._members()
        with self._lock:
            state, members, owners, generation = derive(
                snapshots, self.partitions, self.topic, self._table, self._described, time.time()
            )
            return GroupView(
                self.group,
                self.topic,
                self.partitions,
                state,
                members,
                owners,
                generation,
                self.rebalances,
                tuple(self.moves),
            )

    def refresh(self) -> GroupView:
        """Derive the view and announce what changed: a rebalance begun or ended (with
        what it moved), and assignments the model learnt for silent members."""
        view = self.view()
        events: list[object] = []
        with self._lock:
            before, self._state = self._state, view.state
            if view.state == REBALANCING and before != REBALANCING:
                self.rebalances += 1
            if view.state == STABLE and before != STABLE:
                events += self._settle(view)
            events += self._silent_assignments(view)
            view = replace(view, rebalances=self.rebalances, moves=tuple(self.moves))
            self._view = view
        for event in events:
            self._publish(event)
        return view

    def _settle(self, view: GroupView) -> list[object]:
        """A rebalance ended: the partitions whose owner changed (every member counts)."""
        owners = {p: s.id for p, s in view.owners.items()}
        before, self._settled = self._settled, owners
        if not before:
            return []  # the first assignment moves nothing
        moved = tuple(
            sorted(
                p for p, consumer_id in owners.items() if before.get(p, consumer_id) != consumer_id
            )
        )
        move = Move(self.rebalances, moved, len(owners), self.assignor)
        self.moves.append(move)
        log.info(
            "rebalance %d of %s (%s): %d of %d partitions changed owner",
            move.rebalance,
            self.group,
            move.assignor,
            len(moved),
            len(owners),
        )
        return [GroupChange("moved", 0, moved, group=self.group)]

    def _silent_assignments(self, view: GroupView) -> list[object]:
        """Members that report nothing get their partitions told for them: the presented
        snapshot (their card) and an "assigned"/"revoked" change (the timeline)."""
        events: list[object] = []
        for s in view.members:
            if s.kind != OUTSIDE:
                continue
            told = self._shown.get(s.id)
            if told == s.partitions:
                continue
            self._shown[s.id] = s.partitions
            if told:
                events.append(GroupChange("revoked", s.id, told, group=self.group))
            if s.partitions:
                events.append(GroupChange("assigned", s.id, s.partitions, group=self.group))
            events.append(s)
        return events

    @property
    def cached(self) -> GroupView | None:
        """The view of the last :meth:`refresh` (None before the first)."""
        return self._view
