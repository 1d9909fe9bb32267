"""Members that report nothing, discovered from what the broker and the leader say.

The app's own consumers and those started by hand with its key report themselves; any
other member of the group (the spec's plain consumer.py) shows only in the broker's
group description and in the leader's assignment table. This finds them there and gives
each an outside member, named like every other member.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from messaging.core.events import OUTSIDE, GroupChange
from messaging.group.members import Member, OutsideMember
from messaging.group.presenter import Presenter
from messaging.group.roster import Roster

log = logging.getLogger(__name__)
# A member named like the app's consumers reports within this (a new process consumer
# reports within about a second of its join); one that does not is an outside member.
REPORT_GRACE_S = 10.0
MAX_UNREPORTED = 1024  # member ids remembered for that grace


class Outsiders:
    """Thread-safe. Tells reporting members from outside ones by their broker member id."""

    def __init__(self, roster: Roster, presenter: Presenter) -> None:
        self._roster, self._presenter = roster, presenter
        self._first_listed: dict[str, float] = {}  # member id -> when it was first named

    def reports(self, member_id: str) -> bool:
        """Whether a broker member id is one of the consumers that report (the app's own
        and those started by hand, with the key): see :meth:`Member.reports_as`.

        They may not have said their member id yet when the leader's table or the
        broker names it, so a known uid is enough, and a new one with the group's prefix
        gets REPORT_GRACE_S to report. A consumer started without the app's key has
        that prefix too, but its reports are refused: after the grace it is shown for
        what the app can know of it, a member that reports nothing.
        """
        group = self._roster.group
        if any(m.reports_as(member_id, group) for m in self._roster.members()):
            return True
        if not member_id.startswith(f"{group}-"):
            return False
        first = self._first_listed.setdefault(member_id, time.monotonic())
        while len(self._first_listed) > MAX_UNREPORTED:
            del self._first_listed[next(iter(self._first_listed))]
        return time.monotonic() - first < REPORT_GRACE_S

    def sighted(self, member_id: str, client_id: str) -> Member:
        """The outside member of ``member_id``, made on first sight (its client id, once
        the broker lists it, names it on its card)."""

        def make(consumer_id: int) -> Member:
            snap = self._roster.identity(consumer_id, OUTSIDE, 0, 0.0)
            return OutsideMember(
                replace(
                    snap,
                    uid=member_id,
                    member_id=member_id,
                    host="",
                    state="active",
                    joining=False,
                    client_id=client_id,
                )
            )

        member, created = self._roster.enlist(make, uid=member_id)
        if created:
            log.info("%s: a member that reports nothing (%s)", member.snapshot.name, member_id)
            self._presenter.announce(GroupChange("join", member.id, group=self._roster.group))
            self._presenter.announce(member.snapshot)
        elif client_id and member.snapshot.client_id != client_id:
            member.observe(replace(member.snapshot, client_id=client_id))
        return member

    def count_consumed(self, consumer_id: int, count: int) -> None:
        """A member that reports nothing consumed ``count`` more messages (see outside.py)."""
        member = self._roster.member(consumer_id)
        snapshot = member.consumed(count) if count else None
        if snapshot is not None:
            self._presenter.announce(snapshot)
