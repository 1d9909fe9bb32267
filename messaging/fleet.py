"""The consumer group as the app sees it: members of every kind, added, stopped, crashed.

One place decides how many live consumers are allowed, gives every member its name,
and turns what members report (wherever they run) into the app's events.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from messaging.config import Settings
from messaging.control import ControlChannel
from messaging.events import (
    CRASHED,
    KINDS,
    OUTSIDE,
    PROCESS,
    REMOTE,
    STARTING,
    STOPPED,
    THREAD,
    ConsumerSnapshot,
    Delivery,
    GroupChange,
)
from messaging.members import (
    Member,
    NotApplied,
    NotControllable,
    OutsideMember,
    ProcessMember,
    RemoteMember,
    ThreadMember,
)
from messaging.sender import SendError
from messaging.supervisor import exit_reason, spawn
from messaging.worker import ConsumerWorker, DeadLetters, Setup, Sink

log = logging.getLogger(__name__)
STABLE, REBALANCING, EMPTY = "Stable", "Rebalancing", "Empty"
STOPPING = "stopping"  # asked to stop, not gone yet (not a state members report)
SILENT_AFTER_S = 3.5  # a reporting consumer repeats its snapshot every second
MAX_GONE = 24  # stopped and crashed members kept listed; older ones are forgotten


@dataclass(frozen=True)
class Move:
    """What one rebalance changed: the partitions that got a new owner."""

    rebalance: int
    partitions: tuple[int, ...]
    owned: int
    assignor: str
    at: float = field(default_factory=time.time)


class UnknownConsumer(KeyError):
    """No consumer with that id."""


class FleetFull(Exception):
    """The cap on live consumers is reached."""


class MemberGone(Exception):
    """The member is stopped, crashed, or on its way out: nothing can be asked of it.

    Raised at once, before any command is sent: a dead consumer would never confirm one.
    ``state`` is ``stopped``, ``crashed`` or ``stopping``.
    """

    def __init__(self, name: str, state: str) -> None:
        super().__init__(f"{name} is {state}")
        self.name, self.state = name, state


class MemberLive(Exception):
    """Only a stopped or crashed member can be forgotten; this one is ``state``."""

    def __init__(self, name: str, state: str) -> None:
        super().__init__(f"{name} is {state}")
        self.name, self.state = name, state


@dataclass
class Homes:
    """What the fleet needs to start members: a sink for thread workers, the control
    channel for everything outside the process, and who hears the app's own findings."""

    sink: Sink
    dead_letters: DeadLetters
    control: ControlChannel
    publish: Callable[[object], None]


class Fleet:
    """Thread-safe. Members are listed in id order; the newest MAX_GONE dead ones stay."""

    def __init__(
        self,
        settings: Settings,
        bootstrap_servers: str,
        homes: Homes,
        ids: Iterator[int] | None = None,
    ) -> None:
        self.settings, self.bootstrap_servers, self.homes = settings, bootstrap_servers, homes
        self.group = settings.group
        self._members: dict[int, Member] = {}
        self._by_uid: dict[str, Member] = {}
        self._ids = ids or itertools.count(1)  # shared by the groups: names stay unique
        self._run = secrets.token_hex(3)
        self._lock = threading.Lock()
        self.rebalances = 0
        self._in_rebalance = False
        self._settled_owners: dict[int, int] = {}  # partition -> member id, last rebalance
        self.moves: deque[Move] = deque(maxlen=50)
        # uids of forgotten members: a report still on its way is not a new member
        self._forgotten: deque[str] = deque(maxlen=256)
        self._leaving: set[int] = set()  # ids whose stop waits for a rebalance to end

    # ----- adding and driving -------------------------------------------------------
    def add(
        self, processing_ms: int | None = None, failure_rate: float = 0.0, kind: str | None = None
    ) -> ConsumerSnapshot:
        """Start one more consumer (``kind`` thread or process); the group rebalances."""
        kind = kind or self.settings.consumer_mode
        if kind not in (THREAD, PROCESS):
            raise ValueError(f"kind must be {THREAD} or {PROCESS} (got {kind!r})")
        delay = self.settings.processing_ms if processing_ms is None else processing_ms
        with self._lock:
            self._check_room()
            wid = next(self._ids)
            me = self._identity(wid, kind, delay, failure_rate)
            member = self._start(me)
            self._remember(member)
        self._announce(GroupChange("join", wid, group=self.group))
        self._announce(member.snapshot)
        return member.snapshot

    def _check_room(self) -> None:
        live = sum(1 for m in self._members.values() if m.alive and _own(m))
        if live >= self.settings.max_consumers:
            raise FleetFull(
                f"at most {self.settings.max_consumers} live consumers "
                "(--max-consumers); stop or crash one first"
            )

    def _identity(self, wid: int, kind: str, delay: int, rate: float) -> ConsumerSnapshot:
        return ConsumerSnapshot(
            id=wid,
            name=f"C{wid}",
            state=STARTING,
            partitions=(),
            processed=0,
            in_flight=None,
            processing_ms=delay,
            failure_rate=rate,
            session_timeout_ms=self.settings.session_timeout_ms,
            kind=kind,
            uid=f"{self._run}-C{wid}",
            host=socket.gethostname(),
            group=self.group,
        )

    def _start(self, me: ConsumerSnapshot) -> Member:
        if me.kind == THREAD:
            h = self.homes
            setup = Setup(self.settings, self.bootstrap_servers, h.sink, h.dead_letters)
            worker = ConsumerWorker(me, setup)
            worker.start_thread()
            return ThreadMember(worker)
        child = spawn(self.settings, self.bootstrap_servers, me)
        return ProcessMember(replace(me, pid=child.pid), self.homes.control, child)

    def _remember(self, member: Member) -> None:
        self._members[member.id] = member
        self._by_uid[member.snapshot.uid] = member
        gone = [m for m in self._members.values() if m.snapshot.state in (STOPPED, CRASHED)]
        for old in gone[:-MAX_GONE] if len(gone) > MAX_GONE else []:
            del self._members[old.id]
            self._by_uid.pop(old.snapshot.uid, None)
            self._forgotten.append(old.snapshot.uid)

    def knows(self, uid: str) -> bool:
        return uid in self._by_uid

    def has(self, wid: int) -> bool:
        return wid in self._members

    def member(self, wid: int) -> Member:
        with self._lock:
            try:
                return self._members[wid]
            except KeyError:
                raise UnknownConsumer(wid) from None

    def stop(self, wid: int, wait: float | None = 5.0) -> ConsumerSnapshot:
        """Graceful stop; with ``wait`` blocks until it has left the group.

        While a member (itself too) is joining, the stop waits for that rebalance to end
        (at most two sessions). Measured on tansu 0.6: a member that left 0.7 s after a
        newcomer asked to join, before it had heard of the rebalance, left the group
        unable to finish any rebalance again, in 2 of 3 tries; even stopping every
        member and starting new ones did not heal it. On Apache Kafka the wait costs
        at most one rebalance.
        """
        member = self._live_member(wid)
        if member.alive:
            if self.rebalancing():
                log.info("%s stops once the rebalance in progress ends", member.snapshot.name)
                self._leaving.add(member.id)
                threading.Thread(
                    target=self._stop_after_rebalance, args=(member,), daemon=True
                ).start()
            else:
                member.stop()
            if wait:
                member.join(wait)
        return member.snapshot

    def rebalancing(self) -> bool:
        """Whether any live member (remote ones too) is joining the group right now."""
        return any(m.joining for m in self.live())

    def _stop_after_rebalance(self, member: Member) -> None:
        deadline = time.monotonic() + 2 * self.settings.session_timeout_ms / 1000
        try:
            while self.rebalancing() and time.monotonic() < deadline:
                time.sleep(0.05)  # polling members' reports, bounded by the deadline
            if member.alive:
                member.stop()
        finally:
            self._leaving.discard(member.id)

    def crash(self, wid: int) -> ConsumerSnapshot:
        """Kill a consumer without commit or LeaveGroup; the broker finds out at expiry."""
        member = self._live_member(wid)
        if member.alive:
            member.crash()
            if not isinstance(member, ThreadMember):
                self._mark(member, CRASHED, "killed (SIGKILL)")
        return member.snapshot

    def configure(
        self, wid: int, processing_ms: int | None = None, failure_rate: float | None = None
    ) -> ConsumerSnapshot:
        member = self._live_member(wid)
        member.configure(processing_ms, failure_rate)
        self._announce(member.snapshot)
        return member.snapshot

    def _live_member(self, wid: int) -> Member:
        """The member, if it can still be driven; raises MemberGone (or UnknownConsumer)."""
        member = self.member(wid)
        condition = self._condition(member)
        if condition in (STOPPED, CRASHED, STOPPING):
            raise MemberGone(member.snapshot.name, condition)
        return member

    def _condition(self, member: Member) -> str:
        """Its state, or ``stopping`` once asked to stop and until it has."""
        state = member.snapshot.state
        if state not in (STOPPED, CRASHED) and (not member.alive or member.id in self._leaving):
            return STOPPING
        return state

    def forget(self, wid: int) -> ConsumerSnapshot:
        """Drop a stopped or crashed member: no longer listed, its card goes.

        Publishes ``GroupChange("removed", wid)`` for the views. Raises MemberLive while
        it is still in the group or on its way out (stop or crash it, and let it end).
        """
        member = self.member(wid)
        if isinstance(member, ProcessMember) and member.snapshot.state not in (STOPPED, CRASHED):
            self.reap()  # it may have exited since the last look
        snap, condition = member.snapshot, self._condition(member)
        if condition not in (STOPPED, CRASHED):
            raise MemberLive(snap.name, condition)
        with self._lock:
            self._members.pop(wid, None)
            self._by_uid.pop(snap.uid, None)
            self._forgotten.append(snap.uid)
        log.info("%s forgotten", snap.name)
        self.homes.publish(GroupChange("removed", wid, group=self.group))
        return snap

    def resubscribe(self, topic: str) -> list[str]:
        """Every live member onto ``topic``; returns the names of those that cannot
        follow (outside members, or a consumer that did not answer)."""
        self.settings = replace(self.settings, topic=topic, channel_topic=self.settings.channel)
        self._settled_owners = {}  # a new topic: nothing "moved" in its first assignment
        stuck = []
        for member in self.live():
            try:
                member.resubscribe(topic)
            except (NotControllable, NotApplied, SendError):
                stuck.append(member.snapshot.name)
        return stuck

    def _mark(self, member: Member, state: str, note: str) -> None:
        snapshot, change = member.mark(state, note)
        if change is not None:
            log.info("%s %s: %s", snapshot.name, state, note)
            self._announce(snapshot)
            self._announce(change)

    def _announce(self, event: object) -> None:
        """Publish one of the app's own findings, counted like a reported change."""
        if isinstance(event, GroupChange):
            self._count_rebalance(event)
        self.homes.publish(event)

    # ----- what members report ------------------------------------------------------
    def observe(self, uid: str, event: object) -> object | None:
        """A reported event under the app's identity of its member (any thread)."""
        member = self._by_uid.get(uid)
        if member is None:
            if uid in self._forgotten:
                return None  # reported before it ended, read after it was forgotten
            member = self._adopt(uid, event)
            if member is None:
                return None
        if isinstance(event, ConsumerSnapshot):
            return member.observe(event)
        member.last_seen = time.monotonic()
        if isinstance(event, Delivery) and event.consumer_id != member.id:
            return replace(event, consumer_id=member.id, consumer=member.snapshot.name)
        if isinstance(event, GroupChange):
            if event.consumer_id != member.id:
                event = replace(event, consumer_id=member.id)
            self._count_rebalance(event)
        return event

    def _adopt(self, uid: str, event: object) -> Member | None:
        """A consumer started elsewhere announced itself: it becomes a remote member."""
        if not isinstance(event, ConsumerSnapshot) or event.state in (STOPPED, CRASHED):
            return None  # wait for its heartbeat snapshot; a goodbye needs no card
        with self._lock:
            if uid in self._by_uid:
                return self._by_uid[uid]
            wid = next(self._ids)
            name = f"C{wid}"
            snapshot = replace(event, id=wid, name=name, kind=REMOTE, uid=uid)
            member = RemoteMember(snapshot, self.homes.control)
            self._remember(member)
        log.info("%s joined from %s (pid %s)", name, event.host or "?", event.pid)
        self._announce(GroupChange("join", wid, group=self.group))
        return member

    def observe_local(self, event: object) -> object:
        """An event of a thread member (same process: ids are already the app's)."""
        if isinstance(event, GroupChange):
            self._count_rebalance(event)
        return event

    def observe_group(self, client_ids: list[str]) -> None:
        """Members the broker lists; those that are not ours or reporting are outside."""
        ours = f"{self.settings.group}-"
        outside = {c for c in client_ids if not c.startswith(ours)}
        with self._lock:
            known = {m.snapshot.uid: m for m in self._members.values() if _is_outside(m)}
        for cid in outside - set(known):
            self._add_outside(cid)
        for cid, member in known.items():
            if cid not in outside and member.alive:
                self._mark(member, STOPPED, "left the group")

    def _add_outside(self, client_id: str) -> None:
        with self._lock:
            wid = next(self._ids)
            snap = self._identity(wid, OUTSIDE, 0, 0.0)
            snap = replace(snap, uid=client_id, host="", state="active", joining=False)
            member = OutsideMember(replace(snap, note=f"client id {client_id}"))
            self._remember(member)
        self._announce(member.snapshot)

    def reap(self) -> None:
        """Find members that died without a word: exited children, silent remotes."""
        now = time.monotonic()
        for member in self.members():
            if isinstance(member, ProcessMember):
                code = member.child.poll()  # also reaps it: no zombies
                if code is not None:
                    state = STOPPED if code == 0 or member.stopping else CRASHED
                    self._mark(member, state, exit_reason(code))
            elif (
                isinstance(member, RemoteMember)
                and member.alive
                and now - member.last_seen > SILENT_AFTER_S
            ):
                self._mark(member, CRASHED, f"silent for {SILENT_AFTER_S:g} s")

    # ----- read models --------------------------------------------------------------
    def members(self) -> list[Member]:
        with self._lock:
            return [self._members[k] for k in sorted(self._members)]

    def snapshots(self) -> list[ConsumerSnapshot]:
        return [m.snapshot for m in self.members()]

    def live(self) -> list[Member]:
        return [m for m in self.members() if m.alive]

    def counts(self) -> dict[str, int]:
        """Live members per kind."""
        live = [m.snapshot.kind for m in self.live()]
        return {k: live.count(k) for k in KINDS}

    def group_state(self) -> str:
        """Stable / Rebalancing / Empty, as seen from the members' own reports.

        A crashed member that the broker has not expired yet still counts: until its
        session ends the group is waiting on it.
        """
        live = self.live()
        if not live:
            return EMPTY
        now = time.time()
        if any(m.joining for m in live) or any(
            s.state == CRASHED and s.crashed_at and now - s.crashed_at < s.session_timeout_ms / 1000
            for s in self.snapshots()
        ):
            return REBALANCING
        return STABLE

    def owners(self, partitions: int | None = None) -> dict[int, ConsumerSnapshot]:
        """partition -> the live member that owns it.

        Partitions no reporting member owns, in a group with exactly one outside
        member, are that member's: the broker lists members but (on tansu) not what
        they were assigned.
        """
        live = [m.snapshot for m in self.live()]
        owned = {p: s for s in live for p in s.partitions}
        outside = [s for s in live if s.kind == OUTSIDE]
        if partitions and len(outside) == 1 and self.group_state() == STABLE:
            for p in range(partitions):
                owned.setdefault(p, outside[0])
        return owned

    def _count_rebalance(self, event: GroupChange) -> None:
        """One rebalance = from the first member (re)joining until all are assigned.

        When one ends, the partitions whose owner changed are announced as a "moved"
        change: the figure that tells the assignors apart (sticky moves the fewest).
        """
        if event.kind in ("join", "revoked") and not self._in_rebalance:
            self._in_rebalance = True
            self.rebalances += 1
        elif event.kind == "assigned" and not self.rebalancing():
            self._in_rebalance = False
            self._note_moves()

    def _note_moves(self) -> None:
        owners = {p: s.id for p, s in self.owners().items() if s.kind != OUTSIDE}
        before, self._settled_owners = self._settled_owners, owners
        if not before:
            return  # the first assignment moves nothing
        moved = tuple(sorted(p for p, wid in owners.items() if before.get(p, wid) != wid))
        move = Move(self.rebalances, moved, len(owners), self.settings.assignor)
        self.moves.append(move)
        log.info(
            "rebalance %d (%s): %d of %d partitions changed owner",
            move.rebalance,
            move.assignor,
            len(moved),
            len(owners),
        )
        self.homes.publish(GroupChange("moved", 0, moved, group=self.group))

    def close(self, timeout: float = 8.0) -> None:
        """Stop every member the app started (in parallel) and wait for them."""
        own = [m for m in self.members() if isinstance(m, (ThreadMember, ProcessMember))]
        for m in own:
            if m.snapshot.state != STOPPED:
                m.stop()
        deadline = time.monotonic() + timeout
        for m in own:
            m.join(max(deadline - time.monotonic(), 0.1))
            if isinstance(m, ProcessMember):
                m.child.ensure_gone(max(deadline - time.monotonic(), 0.5))


def _own(member: Member) -> bool:
    return isinstance(member, (ThreadMember, ProcessMember))


def _is_outside(member: Member) -> bool:
    return isinstance(member, OutsideMember)
