"""The app's view of one consumer of the group, wherever it runs.

A thread member drives its worker directly. A process member is a child the app
started: Stop is SIGTERM, Crash is SIGKILL. A remote member was started by hand and
is driven through the control topic. An outside member reports nothing at all (the
spec's plain consumer.py); the broker's group description is all the app knows of it.
The window and the REST API see only :class:`ConsumerSnapshot` objects.

Each kind answers for itself: how it is stopped, crashed and configured, and how the
app can tell that it ended without a word (a :data:`Finding`). The fleet asks every
member the same questions and never which kind it is.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import replace

from messaging.channel.control import (
    CONFIGURE,
    CRASH,
    PROCESS_SCOPE,
    REMOTE_SCOPE,
    STOP,
    SUBSCRIBE,
    ControlChannel,
)
from messaging.consumer.worker import ConsumerWorker
from messaging.core import reasons
from messaging.core.events import CRASHED, STOPPED, ConsumerSnapshot, GroupChange
from messaging.core.reasons import Reason, exited, killed, silent
from messaging.group.errors import NotApplied, NotControllable
from messaging.group.supervisor import Child

__all__ = [
    "Finding",
    "Member",
    "OutsideMember",
    "ProcessMember",
    "RemoteMember",
    "ThreadMember",
]

APPLY_TIMEOUT_S = 3.0
START_TIMEOUT_S = 10.0  # a new process consumer reports within about a second
SILENT_AFTER_S = 5.0  # a reporting consumer repeats its snapshot every 2 s (activity.py)
# Silent past one heartbeat (activity.HEARTBEAT_S) and left out of the group: gone.
LEFT_OUT_SILENT_S = 2.5
OUTSIDE_GONE_S = 3.0  # the lag monitor describes the group every second

Finding = tuple[str, Reason]  # what the app found out about a member: (state, why)


class Member:
    """Base: holds the newest snapshot; subclasses say how to stop, crash, configure,
    and how their end shows when they do not report it."""

    own = False  # started by the app: counts toward its cap, and ends when the app does
    watched_by_broker = False  # known only from the broker's description of the group

    def __init__(self, snapshot: ConsumerSnapshot) -> None:
        self._snapshot = snapshot
        self.last_seen = time.monotonic()
        self.stopping = False
        self.reports = 0
        self._reported = threading.Condition()

    @property
    def snapshot(self) -> ConsumerSnapshot:
        return self._snapshot

    @property
    def id(self) -> int:
        return self._snapshot.id

    @property
    def alive(self) -> bool:
        """Still a working member: not stopped, crashed, or on its way out."""
        return not self.stopping and self.snapshot.state not in (STOPPED, CRASHED)

    @property
    def joining(self) -> bool:
        return self.snapshot.joining

    def observe(self, snapshot: ConsumerSnapshot) -> ConsumerSnapshot:
        """Take a reported snapshot under this member's app-side identity."""
        self.last_seen = time.monotonic()
        mine = self._snapshot
        snapshot = replace(snapshot, id=mine.id, name=mine.name)
        if mine.state == CRASHED:  # a crashed member stays crashed, late reports or not
            snapshot = replace(
                snapshot, state=CRASHED, crashed_at=mine.crashed_at, reason=mine.reason
            )
        with self._reported:
            self._snapshot = snapshot
            self.reports += 1
            self._reported.notify_all()
        return snapshot

    def wait_reported(self, check: Callable[[ConsumerSnapshot], bool], timeout: float) -> bool:
        """Block until a reported snapshot passes ``check`` (bounded by ``timeout``)."""
        with self._reported:
            return self._reported.wait_for(
                lambda: self.reports > 0 and check(self._snapshot), timeout
            )

    def mark(self, state: str, reason: Reason) -> tuple[ConsumerSnapshot, GroupChange | None]:
        """The app's own finding (killed, exited, silent): the new snapshot and the change.

        The change names the partitions it held; the snapshot holds none any more.
        """
        snap = self._snapshot
        if snap.state in (STOPPED, CRASHED):
            return snap, None
        crashed_at = time.time() if state == CRASHED else None
        self._snapshot = replace(
            snap,
            state=state,
            crashed_at=crashed_at,
            in_flight=None,
            reason=reason,
            joining=False,
            partitions=(),
        )
        kind = "crash" if state == CRASHED else "stop"
        return self._snapshot, GroupChange(kind, snap.id, snap.partitions, group=snap.group)

    def reports_as(self, member_id: str, group: str) -> bool:
        """Whether this member is the reporting consumer behind the broker's
        ``member_id``: its client id is ``<group>-<uid>``, and a member id is its client
        id and a suffix, on Kafka and on tansu."""
        snap = self.snapshot
        return snap.member_id == member_id or member_id.startswith(f"{group}-{snap.uid}-")

    # ----- commands: a member that cannot be driven refuses them --------------------
    def stop(self) -> None:
        raise NotControllable(self.snapshot.name)

    def crash(self) -> Reason | None:
        """Kill it; returns why it is crashed when the app must record that itself
        (None when the member reports its own crash)."""
        raise NotControllable(self.snapshot.name)

    def configure(self, processing_ms: int | None, failure_rate: float | None) -> None:
        raise NotControllable(self.snapshot.name)

    def resubscribe(self, topic: str) -> None:
        """Consume another topic (the app switched to a new one)."""
        raise NotControllable(self.snapshot.name)

    def join(self, timeout: float) -> None:
        """Wait until it has left (bounded); only the app's own members can be waited on."""

    def wait_closed(self, deadline: float) -> None:
        """At the app's end: wait (until the monotonic ``deadline``) for it to be gone."""
        self.join(max(deadline - time.monotonic(), 0.1))

    # ----- an end nobody reported: each kind knows how its own shows ----------------
    def ended_unseen(self, now: float) -> Finding | None:
        """How it ended, if it did without a word (looked for a few times a second)."""
        return None

    def left_out(
        self, present: Collection[str], generation: int | None, now: float
    ) -> Finding | None:
        """Whether the group went on without it: ``present`` are the member ids of a
        newer ``generation``'s table (None: of the broker's stable member list)."""
        return None

    def unlisted(self, listed: Collection[str], now: float) -> Finding | None:
        """Whether the broker's member list, ``listed``, shows that it left."""
        return None

    def consumed(self, count: int) -> ConsumerSnapshot | None:
        """``count`` more messages the group's commits say it consumed: the new snapshot,
        or None for a member that counts what it consumed itself."""
        return None


class ThreadMember(Member):
    """A worker on a thread of the app's process."""

    own = True

    def __init__(self, worker: ConsumerWorker, thread: threading.Thread) -> None:
        super().__init__(worker.snapshot)
        self.worker, self._thread = worker, thread

    @classmethod
    def start(cls, worker: ConsumerWorker) -> ThreadMember:
        """Run ``worker``'s loop on a daemon thread of the app (the thread home)."""
        thread = threading.Thread(target=worker.run, name=f"consumer-{worker.name}", daemon=True)
        thread.start()
        return cls(worker, thread)

    @property
    def snapshot(self) -> ConsumerSnapshot:
        return self.worker.snapshot

    @property
    def alive(self) -> bool:
        return self.worker.alive

    def observe(self, snapshot: ConsumerSnapshot) -> ConsumerSnapshot:
        self.last_seen = time.monotonic()
        return snapshot

    def stop(self) -> None:
        self.worker.stop()

    def crash(self) -> Reason | None:
        """Simulated: a thread cannot be killed, so the worker drops its consumer (and
        reports the crash itself)."""
        self.worker.crash()
        return None

    def configure(self, processing_ms: int | None, failure_rate: float | None) -> None:
        self.worker.configure(processing_ms, failure_rate)

    def resubscribe(self, topic: str) -> None:
        self.worker.resubscribe(topic)

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


class RemoteMember(Member):
    """A consumer started by hand, anywhere: driven through the control topic, with
    commands signed by the key the window's command gave it. The app knows it only from
    its reports, so a silence tells that it ended."""

    scope = REMOTE_SCOPE

    def __init__(self, snapshot: ConsumerSnapshot, control: ControlChannel) -> None:
        super().__init__(snapshot)
        self._control = control

    def _send(self, op: str, **args: object) -> None:
        """Commands reach a consumer once it listens: it reports only after that."""
        if not self.wait_reported(lambda _s: True, START_TIMEOUT_S):
            raise NotApplied(f"{self.snapshot.name} has not reported yet; try again")
        self._control.send(self.snapshot.uid, op, self.scope, **args)

    def stop(self) -> None:
        self._send(STOP)
        self.stopping = True

    def join(self, timeout: float) -> None:
        """Until it reported that it stopped (after its commit and LeaveGroup)."""
        self.wait_reported(lambda s: s.state == STOPPED, timeout)

    def crash(self) -> Reason | None:
        """The remote kills itself with SIGKILL when it reads this, once its report that
        it does has been acknowledged: answered only when that report is here, so the app
        never calls a consumer crashed that did not obey."""
        self._send(CRASH)
        if not self.wait_reported(lambda s: s.state == CRASHED, APPLY_TIMEOUT_S):
            raise NotApplied(f"{self.snapshot.name} did not confirm the crash within 3 s")
        return killed(signal.SIGKILL)

    def resubscribe(self, topic: str) -> None:
        self._send(SUBSCRIBE, topic=topic)

    def configure(self, processing_ms: int | None, failure_rate: float | None) -> None:
        changes = {
            k: v
            for k, v in (("processing_ms", processing_ms), ("failure_rate", failure_rate))
            if v is not None
        }
        if not changes:
            return
        self._send(CONFIGURE, **changes)
        # Answer once it is in effect, so that what is sent next is processed with it.
        applied = self.wait_reported(
            lambda s: all(getattr(s, k) == v for k, v in changes.items()), APPLY_TIMEOUT_S
        )
        if not applied:
            raise NotApplied(f"{self.snapshot.name} did not confirm the change within 3 s")

    def ended_unseen(self, now: float) -> Finding | None:
        if self.alive and now - self.last_seen > SILENT_AFTER_S:
            return CRASHED, silent(SILENT_AFTER_S)
        return None

    def left_out(
        self, present: Collection[str], generation: int | None, now: float
    ) -> Finding | None:
        """Gone without a word (SIGKILL, a cut cable) if it also missed a heartbeat:
        crashed now, not SILENT_AFTER_S later. One still alive only rejoining reports
        within a heartbeat, so it is spared."""
        snap = self.snapshot
        dropped = (
            self.alive
            and snap.member_id
            and snap.member_id not in present
            and (generation is None or generation > snap.generation)
            and now - self.last_seen > LEFT_OUT_SILENT_S
        )
        return (CRASHED, reasons.left_out(generation)) if dropped else None


class ProcessMember(RemoteMember):
    """A child process of the app: signals for stop and crash, the topic for settings
    (signed with the key only the app's own children have). Its exit status, not a
    silence, tells that it ended."""

    scope = PROCESS_SCOPE
    own = True

    def __init__(self, snapshot: ConsumerSnapshot, control: ControlChannel, child: Child) -> None:
        super().__init__(snapshot, control)
        self.child = child

    def stop(self) -> None:
        self.child.terminate()
        self.stopping = True

    def crash(self) -> Reason | None:
        self.child.kill()
        return killed(signal.SIGKILL)

    def join(self, timeout: float) -> None:
        self.child.wait(timeout)

    def wait_closed(self, deadline: float) -> None:
        """Nothing is left behind when the app goes: a child that outlives the wait is
        killed."""
        super().wait_closed(deadline)
        self.child.ensure_gone(max(deadline - time.monotonic(), 0.5))

    def ended_unseen(self, now: float) -> Finding | None:
        code = self.child.poll()  # also reaps it: no zombies
        if code is None:
            return None
        state = STOPPED if code == 0 or self.stopping else CRASHED
        return state, killed(-code) if code < 0 else exited(code)


class OutsideMember(Member):
    """A group member that reports nothing: known from the broker's group description
    (and the leader's assignment); what it consumed is known from the group's commits."""

    watched_by_broker = True

    def reports_as(self, member_id: str, group: str) -> bool:
        return False  # it is the broker's member itself, not a consumer that reports

    def unlisted(self, listed: Collection[str], now: float) -> Finding | None:
        """Not listed for OUTSIDE_GONE_S: it has left (a member the leader's table named
        may be listed a moment later)."""
        gone = self.snapshot.uid not in listed and now - self.last_seen > OUTSIDE_GONE_S
        return (STOPPED, reasons.left_group()) if self.alive and gone else None

    def consumed(self, count: int) -> ConsumerSnapshot | None:
        """``count`` more messages it consumed (the group's committed offset passed them)."""
        self._snapshot = replace(self._snapshot, processed=self._snapshot.processed + count)
        return self._snapshot
