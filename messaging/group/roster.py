"""The member table of one group: every member the app lists, by id and by uid.

One place hands out ids and names, so a member is named the same wherever it runs and
however it was found (started, adopted, seen by the broker). Dead members stay listed
for a while so their cards can tell how they ended; a forgotten member's late report is
recognised and ignored instead of making a new member.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import socket
import threading
from collections import deque
from collections.abc import Callable, Iterator

from messaging.core.config import Settings
from messaging.core.events import (
    CRASHED,
    STARTING,
    STOPPED,
    STOPPING,
    ConsumerSnapshot,
    GroupChange,
)
from messaging.group.errors import UnknownConsumer
from messaging.group.members import Member

log = logging.getLogger(__name__)
MAX_GONE = 24  # stopped and crashed members kept listed; older ones are forgotten


class Roster:
    """Thread-safe. Members are listed in id order; the newest MAX_GONE dead ones stay.

    The lock is re-entrant: a new member is admitted, made and listed under it (so two
    threads cannot both take the last place), and admitting counts the live members.
    """

    def __init__(
        self,
        settings: Settings,
        publish: Callable[[object], None],
        ids: Iterator[int] | None = None,
    ) -> None:
        self.group = settings.group
        self._session_timeout_ms = settings.session_timeout_ms
        self._publish = publish
        self._members: dict[int, Member] = {}
        self._by_uid: dict[str, Member] = {}
        self._ids = ids or itertools.count(1)  # shared by the groups: names stay unique
        self._run = secrets.token_hex(3)
        self._lock = threading.RLock()
        # uids of forgotten members: a report still on its way is not a new member
        self._forgotten: deque[str] = deque(maxlen=256)
        self._leaving: set[int] = set()  # ids whose stop waits for a rebalance to end

    def identity(self, consumer_id: int, kind: str, delay: int, rate: float) -> ConsumerSnapshot:
        """The first snapshot of member ``consumer_id``: its name, uid and host."""
        return ConsumerSnapshot(
            id=consumer_id,
            name=f"C{consumer_id}",
            state=STARTING,
            partitions=(),
            processed=0,
            in_flight=None,
            processing_ms=delay,
            failure_rate=rate,
            session_timeout_ms=self._session_timeout_ms,
            kind=kind,
            uid=f"{self._run}-C{consumer_id}",
            host=socket.gethostname(),
            group=self.group,
        )

    def enlist(
        self,
        make: Callable[[int], Member],
        uid: str | None = None,
        admit: Callable[[], None] | None = None,
    ) -> tuple[Member, bool]:
        """The member listed under ``uid`` if there is one, else a new one: ``admit``
        may refuse it (raising), ``make`` builds it from its id. Returns (member, new?).

        Members forgotten to make room are announced as removed once unlocked.
        """
        with self._lock:
            if uid is not None and uid in self._by_uid:
                return self._by_uid[uid], False
            if admit is not None:
                admit()
            member = make(next(self._ids))
            dropped = self._remember(member)
        for consumer_id in dropped:
            self._publish(GroupChange("removed", consumer_id, group=self.group))
        return member, True

    def _remember(self, member: Member) -> list[int]:
        """List ``member`` (under the lock); return the ids of the oldest dead members
        forgotten to make room, which the views drop as after :meth:`drop`."""
        self._members[member.id] = member
        self._by_uid[member.snapshot.uid] = member
        gone = [m for m in self._members.values() if m.snapshot.state in (STOPPED, CRASHED)]
        dropped = gone[:-MAX_GONE] if len(gone) > MAX_GONE else []
        for old in dropped:
            del self._members[old.id]
            self._by_uid.pop(old.snapshot.uid, None)
            self._forgotten.append(old.snapshot.uid)
        return [old.id for old in dropped]

    def drop(self, member: Member) -> None:
        """No longer listed; its card goes (``GroupChange("removed")`` for the views)."""
        snap = member.snapshot
        with self._lock:
            self._members.pop(member.id, None)
            self._by_uid.pop(snap.uid, None)
            self._forgotten.append(snap.uid)
        log.info("%s forgotten", snap.name)
        self._publish(GroupChange("removed", member.id, group=self.group))

    def member(self, consumer_id: int) -> Member:
        with self._lock:
            try:
                return self._members[consumer_id]
            except KeyError:
                raise UnknownConsumer(consumer_id) from None

    def get(self, consumer_id: int) -> Member | None:
        return self._members.get(consumer_id)

    def find(self, uid: str) -> Member | None:
        """The member that reports under ``uid`` (or the outside member of that id)."""
        return self._by_uid.get(uid)

    def was_forgotten(self, uid: str) -> bool:
        return uid in self._forgotten

    def members(self) -> list[Member]:
        with self._lock:
            return [self._members[k] for k in sorted(self._members)]

    def live(self) -> list[Member]:
        return [m for m in self.members() if m.alive]

    def own_live(self) -> int:
        """The app's own consumers (threads and processes) that are live."""
        return sum(1 for m in self.members() if m.alive and m.own)

    def rebalancing(self) -> bool:
        """Whether any live member (remote ones too) is joining the group right now."""
        return any(m.joining for m in self.live())

    def condition(self, member: Member) -> str:
        """Its state, or ``stopping`` once asked to stop and until it has."""
        state = member.snapshot.state
        if state not in (STOPPED, CRASHED) and (not member.alive or member.id in self._leaving):
            return STOPPING
        return state

    def leaving(self, consumer_id: int) -> None:
        """Member ``consumer_id`` was asked to stop but waits (see :meth:`Commands.stop`)."""
        self._leaving.add(consumer_id)

    def left(self, consumer_id: int) -> None:
        self._leaving.discard(consumer_id)
