"""The consumer group's members as the app sees them: added, stopped, crashed, adopted.

One place decides how many live consumers are allowed, gives every member its name, and
turns what members report (wherever they run) into the app's events. What the group looks
like (owners, state, rebalances) is the business of its :class:`GroupModel`: every
snapshot that leaves the fleet is presented by it, so nobody sees a member's own claim
where the model knows better (a dead member holds no partition).
"""

from __future__ import annotations

import itertools
import logging
import secrets
import signal
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, replace

from messaging.broker import profile as broker_profile
from messaging.channel.control import ControlChannel
from messaging.clients.sender import SendError
from messaging.consumer.worker import ConsumerWorker, DeadLetters, Setup, Sink
from messaging.core import limits
from messaging.core.config import Settings
from messaging.core.events import (
    CRASHED,
    KINDS,
    OUTSIDE,
    PROCESS,
    REMOTE,
    STARTING,
    STOPPED,
    STOPPING,
    THREAD,
    ConsumerSnapshot,
    Delivery,
    GroupAssignment,
    GroupChange,
)
from messaging.core.reasons import Reason, exited, killed, left_group, left_out, silent
from messaging.group.members import (
    Member,
    NotApplied,
    NotControllable,
    OutsideMember,
    ProcessMember,
    RemoteMember,
    ThreadMember,
)
from messaging.group.model import (  # noqa: F401 - the states, as the fleet's users knew them
    EMPTY,
    REBALANCING,
    STABLE,
    Described,
    GroupModel,
    GroupView,
    Move,
)
from messaging.group.supervisor import spawn

log = logging.getLogger(__name__)
SILENT_AFTER_S = 5.0  # a reporting consumer repeats its snapshot every 2 s (activity.py)
# Silent past one heartbeat (activity.HEARTBEAT_S) and left out of the group: gone.
LEFT_OUT_SILENT_S = 2.5
MAX_GONE = 24  # stopped and crashed members kept listed; older ones are forgotten
OUTSIDE_GONE_S = 3.0  # the lag monitor describes the group every second
# A member named like the app's consumers reports within this (a new process consumer
# reports within about a second of its join); one that does not is an outside member.
REPORT_GRACE_S = 10.0
MAX_UNREPORTED = 1024  # member ids remembered for that grace


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
    live_everywhere: Callable[[], int] = lambda: 0  # the app's live consumers, all groups


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
        self._first_listed: dict[str, float] = {}  # member id -> when it was first named
        self._run = secrets.token_hex(3)
        self._lock = threading.Lock()
        self.model = GroupModel(self.group, settings.assignor, self._facts, homes.publish)
        self._view_keys: dict[int, tuple[object, ...]] = {}  # what each member's view read
        self.model.use_topic(settings.topic, settings.partitions)
        # uids of forgotten members: a report still on its way is not a new member
        self._forgotten: deque[str] = deque(maxlen=256)
        self._leaving: set[int] = set()  # ids whose stop waits for a rebalance to end

    @property
    def rebalances(self) -> int:
        return self.model.rebalances

    @property
    def moves(self) -> list[Move]:
        return list(self.model.moves)

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
            dropped = self._remember(member)
        self._announce_removed(dropped)
        self._announce(GroupChange("join", wid, group=self.group))
        self._announce(member.snapshot)
        return member.snapshot

    def _check_room(self) -> None:
        if self.own_live() >= self.settings.max_consumers:
            raise FleetFull(
                f"at most {self.settings.max_consumers} live consumers "
                "(--max-consumers); stop or crash one first"
            )
        if self.homes.live_everywhere() >= limits.LIVE_CONSUMERS:
            raise FleetFull(
                f"at most {limits.LIVE_CONSUMERS} live consumers in all groups together; "
                "stop or crash one first"
            )

    def own_live(self) -> int:
        """The app's own consumers (threads and processes) that are live."""
        return sum(1 for m in self._members.values() if m.alive and _own(m))

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
        child = spawn(self.settings, self.bootstrap_servers, me, self.homes.control.child_env())
        return ProcessMember(replace(me, pid=child.pid), self.homes.control, child)

    def _remember(self, member: Member) -> list[int]:
        """List ``member`` (under the lock); return the ids of the oldest dead members
        forgotten to make room, which the caller announces as removed once unlocked."""
        self._members[member.id] = member
        self._by_uid[member.snapshot.uid] = member
        gone = [m for m in self._members.values() if m.snapshot.state in (STOPPED, CRASHED)]
        dropped = gone[:-MAX_GONE] if len(gone) > MAX_GONE else []
        for old in dropped:
            del self._members[old.id]
            self._by_uid.pop(old.snapshot.uid, None)
            self._forgotten.append(old.snapshot.uid)
        return [old.id for old in dropped]

    def _announce_removed(self, wids: list[int]) -> None:
        """The views drop the cards of members forgotten for room, as after forget()."""
        for wid in wids:
            self.homes.publish(GroupChange("removed", wid, group=self.group))

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
        """Graceful stop; with ``wait`` blocks until it has left the group, or ``wait``
        seconds (its state is then ``stopping``).

        On tansu, while a member (itself too) is joining, the stop waits for that
        rebalance to end (at most two sessions; why: the profile's
        ``stop_waits_for_rebalance``), and this answers ``stopping`` at once. On Apache
        Kafka it stops at once.
        """
        member = self._live_member(wid)
        if member.alive:
            if broker_profile.of(self.settings).stop_waits_for_rebalance and self.rebalancing():
                log.info("%s stops once the rebalance in progress ends", member.snapshot.name)
                self._leaving.add(member.id)
                threading.Thread(
                    target=self._stop_after_rebalance, args=(member,), daemon=True
                ).start()
            else:
                member.stop()
                if wait:
                    member.join(wait)
        return self.presented(member)

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
                self._mark(member, CRASHED, killed(signal.SIGKILL))
        self.model.refresh()
        return self.presented(member)

    def configure(
        self, wid: int, processing_ms: int | None = None, failure_rate: float | None = None
    ) -> ConsumerSnapshot:
        member = self._live_member(wid)
        member.configure(processing_ms, failure_rate)
        self._announce(member.snapshot)
        return self.presented(member)

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

    def resubscribe(self, topic: str, partitions: int) -> list[str]:
        """Every live member onto ``topic``; returns the names of those that cannot
        follow (outside members, or a consumer that did not answer)."""
        self.model.use_topic(topic, partitions)  # a new topic: nothing "moved" in its first
        self.settings = replace(self.settings, topic=topic, channel_topic=self.settings.channel)
        stuck = []
        for member in self.live():
            try:
                member.resubscribe(topic)
            except (NotControllable, NotApplied, SendError):
                stuck.append(member.snapshot.name)
        return stuck

    def _mark(self, member: Member, state: str, reason: Reason) -> None:
        snapshot, change = member.mark(state, reason)
        if change is not None:
            log.info("%s %s: %s", snapshot.name, state, reason.english())
            self._announce(snapshot)
            self._announce(change)

    def _announce(self, event: object) -> None:
        """Publish one of the app's own findings (a snapshot as the model presents it)."""
        if isinstance(event, ConsumerSnapshot):
            event = self._present(event)
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
            return self._present(member.observe(event))
        member.last_seen = time.monotonic()
        if isinstance(event, Delivery) and event.consumer_id != member.id:
            return replace(event, consumer_id=member.id, consumer=member.snapshot.name)
        if isinstance(event, GroupChange) and event.consumer_id != member.id:
            return replace(event, consumer_id=member.id)
        if isinstance(event, GroupAssignment):
            return self._take_table(event)
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
            dropped = self._remember(member)
        self._announce_removed(dropped)
        log.info("%s joined from %s (pid %s)", name, event.host or "?", event.pid)
        self._announce(GroupChange("join", wid, group=self.group))
        return member

    def observe_local(self, event: object) -> object | None:
        """An event of a thread member (same process: ids are already the app's)."""
        if isinstance(event, ConsumerSnapshot):
            return self._present(event)
        if isinstance(event, GroupAssignment):
            return self._take_table(event)
        return event

    def _take_table(self, event: GroupAssignment) -> None:
        """The leader's whole assignment: members the table names that the app does not
        know yet are outside members (known before the broker lists them)."""
        self.model.leader_table(event.generation, event.topic, event.assignment)
        for member_id in event.assignment:
            if not self._reports(member_id):
                self._outside(member_id, "")
        self._left_out(event.assignment, event.generation)
        self.model.refresh()
        return None  # the model announces what it learnt

    def observe_group(self, described: Described) -> None:
        """What the broker lists: members that are neither ours nor reporting are outside
        members (one per member id); one it has not listed for OUTSIDE_GONE_S has left
        (a member the leader's table named may be listed a moment later)."""
        now = time.monotonic()
        listed = set()
        for member_id, (client_id, _) in described.members.items():
            if not self._reports(member_id):
                self._outside(member_id, client_id).last_seen = now
                listed.add(member_id)
        for member in self.members():
            gone = member.snapshot.uid not in listed and now - member.last_seen > OUTSIDE_GONE_S
            if _is_outside(member) and member.alive and gone:
                self._mark(member, STOPPED, left_group())
        if described.state == "Stable":
            self._left_out(described.members, None)
        self.model.broker_described(described)
        self.model.refresh()

    def _left_out(self, present: Collection[str], generation: int | None) -> None:
        """Reporting consumers the group goes on without: a newer generation's table, or
        the broker's stable member list, leaves them out, and they missed a heartbeat.
        Gone without a word (SIGKILL, a cut cable): crashed now, not SILENT_AFTER_S later.
        One still alive only rejoining reports within a heartbeat, so it is spared."""
        now = time.monotonic()
        for member in self.members():
            snap = member.snapshot
            dropped = (
                isinstance(member, RemoteMember)
                and member.alive
                and snap.member_id
                and snap.member_id not in present
                and (generation is None or generation > snap.generation)
                and now - member.last_seen > LEFT_OUT_SILENT_S
            )
            if dropped:
                self._mark(member, CRASHED, left_out(generation))

    def _reports(self, member_id: str) -> bool:
        """Whether a broker member id is one of the consumers that report (the app's own
        and those started by hand, with the key): their client id is ``<group>-<uid>``,
        and a member id is its client id and a suffix, on Kafka and on tansu.

        They may not have said their member id yet when the leader's table or the
        broker names it, so a known uid is enough, and a new one with the group's prefix
        gets REPORT_GRACE_S to report. A consumer started without the app's key has
        that prefix too, but its reports are refused: after the grace it is shown for
        what the app can know of it, a member that reports nothing.
        """
        reporting = [m for m in self.members() if not _is_outside(m)]
        if any(m.snapshot.member_id == member_id for m in reporting):
            return True
        prefix = f"{self.settings.group}-"
        if not member_id.startswith(prefix):
            return False
        if any(member_id.startswith(f"{prefix}{m.snapshot.uid}-") for m in reporting):
            return True
        first = self._first_listed.setdefault(member_id, time.monotonic())
        while len(self._first_listed) > MAX_UNREPORTED:
            del self._first_listed[next(iter(self._first_listed))]
        return time.monotonic() - first < REPORT_GRACE_S

    def _outside(self, member_id: str, client_id: str) -> Member:
        """The outside member of ``member_id``, made on first sight (its client id, once
        the broker lists it, names it on its card)."""
        dropped: list[int] = []
        with self._lock:
            member = self._by_uid.get(member_id)
            if member is None:
                wid = next(self._ids)
                snap = self._identity(wid, OUTSIDE, 0, 0.0)
                snap = replace(snap, uid=member_id, member_id=member_id, host="", state="active")
                member = OutsideMember(replace(snap, joining=False, client_id=client_id))
                dropped = self._remember(member)
                created = True
            else:
                created = False
                if client_id and member.snapshot.client_id != client_id:
                    member.observe(replace(member.snapshot, client_id=client_id))
        self._announce_removed(dropped)
        if created:
            log.info("%s: a member that reports nothing (%s)", member.snapshot.name, member_id)
            self._announce(GroupChange("join", member.id, group=self.group))
            self._announce(member.snapshot)
        return member

    def count_consumed(self, wid: int, count: int) -> None:
        """A member that reports nothing consumed ``count`` more messages (see outside.py)."""
        member = self.member(wid)
        if isinstance(member, OutsideMember) and count:
            self._announce(member.consumed(count))

    def reap(self) -> None:
        """Find members that died without a word: exited children, silent remotes."""
        now = time.monotonic()
        for member in self.members():
            if isinstance(member, ProcessMember):
                code = member.child.poll()  # also reaps it: no zombies
                if code is not None:
                    state = STOPPED if code == 0 or member.stopping else CRASHED
                    self._mark(member, state, killed(-code) if code < 0 else exited(code))
            elif (
                isinstance(member, RemoteMember)
                and member.alive
                and now - member.last_seen > SILENT_AFTER_S
            ):
                self._mark(member, CRASHED, silent(SILENT_AFTER_S))
        self.model.refresh()

    # ----- read models --------------------------------------------------------------
    def members(self) -> list[Member]:
        with self._lock:
            return [self._members[k] for k in sorted(self._members)]

    def _facts(self) -> list[tuple[ConsumerSnapshot, bool]]:
        """What the model derives its view from: each member's newest snapshot, alive?

        A member asked to stop keeps reporting "active" until it has left; the fleet
        knows better, so the model gets it as ``stopping``.
        """
        return [(self._as_known(m), m.alive) for m in self.members()]

    def _as_known(self, member: Member) -> ConsumerSnapshot:
        snapshot = member.snapshot
        if self._condition(member) == STOPPING:
            return replace(snapshot, state=STOPPING)
        return snapshot

    def view(self) -> GroupView:
        """The group now: members as presented, owners, state (see GroupModel)."""
        return self.model.view()

    def _present(self, snapshot: ConsumerSnapshot) -> ConsumerSnapshot:
        """``snapshot`` as the model shows it (its partitions, where they came from).

        A busy consumer reports a snapshot per message (its count); only a change of
        what the group model reads from it (state, partitions, membership) is worth a
        new view, else the last one tells.
        """
        member = self._members.get(snapshot.id)
        state = self._condition(member) if member is not None else snapshot.state
        key = (
            state,
            snapshot.partitions,
            snapshot.joining,
            snapshot.generation,
            snapshot.member_id,
        )
        view = self.model.cached
        if view is None or self._view_keys.get(snapshot.id) != key:
            self._view_keys[snapshot.id] = key
            view = self.model.refresh()
        shown = view.member(snapshot.id)
        if shown is None:
            return snapshot
        return replace(
            snapshot,
            state=state,
            partitions=shown.partitions,
            assignment_source=shown.assignment_source,
            joining=shown.joining,
        )

    def presented(self, member: Member) -> ConsumerSnapshot:
        return self._present(member.snapshot)

    def snapshots(self) -> list[ConsumerSnapshot]:
        return list(self.view().members)

    def live(self) -> list[Member]:
        return [m for m in self.members() if m.alive]

    def watched_closely(self) -> bool:
        """Whether the broker's view is worth a look every second: a member that reports
        nothing is known only from it, and a rebalance is being followed."""
        view = self.model.cached
        return (view is not None and view.state != STABLE) or any(
            _is_outside(m) and m.alive for m in self.members()
        )

    def counts(self) -> dict[str, int]:
        """Live members per kind."""
        live = [m.snapshot.kind for m in self.live()]
        return {k: live.count(k) for k in KINDS}

    def group_state(self) -> str:
        """Stable / Rebalancing / Empty / Unknown: see :class:`GroupModel`."""
        return self.view().state

    def owners(self, partitions: int | None = None) -> dict[int, ConsumerSnapshot]:
        """partition -> the live member that owns it (``partitions`` is not needed any
        more: the model knows the topic's count)."""
        return self.view().owners

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
