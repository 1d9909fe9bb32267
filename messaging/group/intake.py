"""What the group's members and the broker report, turned into the app's events.

A consumer outside the app's process reports under its uid; the app knows it by its
own id and name, so every event is rewritten under those before anybody sees it. A
consumer started elsewhere that reports for the first time becomes a remote member. The
leader's assignment table and the broker's group description feed the group model and
reveal members that report nothing.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from messaging.channel.control import ControlChannel
from messaging.core.events import (
    CRASHED,
    REMOTE,
    STOPPED,
    ConsumerSnapshot,
    Delivery,
    GroupAssignment,
    GroupChange,
)
from messaging.group.members import Member, RemoteMember
from messaging.group.model import Described
from messaging.group.outsiders import Outsiders
from messaging.group.presenter import Presenter
from messaging.group.reaper import Reaper
from messaging.group.roster import Roster

log = logging.getLogger(__name__)


class Intake:
    """Thread-safe: reports arrive on the activity reader's thread, thread members' on
    their own, the broker's description on the lag monitor's."""

    def __init__(
        self,
        roster: Roster,
        presenter: Presenter,
        outsiders: Outsiders,
        reaper: Reaper,
        control: ControlChannel,
    ) -> None:
        self._roster, self._presenter = roster, presenter
        self._outsiders, self._reaper, self._control = outsiders, reaper, control

    def observe(self, uid: str, event: object) -> object | None:
        """A reported event under the app's identity of its member (any thread)."""
        member = self._roster.find(uid)
        if member is None:
            if self._roster.was_forgotten(uid):
                return None  # reported before it ended, read after it was forgotten
            member = self._adopt(uid, event)
            if member is None:
                return None
        if isinstance(event, ConsumerSnapshot):
            return self._presenter.present(member.observe(event))
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

        def make(consumer_id: int) -> Member:
            snapshot = replace(event, id=consumer_id, name=f"C{consumer_id}", kind=REMOTE, uid=uid)
            return RemoteMember(snapshot, self._control)

        member, created = self._roster.enlist(make, uid=uid)
        if created:
            log.info(
                "%s joined from %s (pid %s)", member.snapshot.name, event.host or "?", event.pid
            )
            self._presenter.announce(GroupChange("join", member.id, group=self._roster.group))
        return member

    def observe_local(self, event: object) -> object | None:
        """An event of a thread member (same process: ids are already the app's)."""
        if isinstance(event, ConsumerSnapshot):
            return self._presenter.present(event)
        if isinstance(event, GroupAssignment):
            return self._take_table(event)
        return event

    def _take_table(self, event: GroupAssignment) -> None:
        """The leader's whole assignment: members the table names that the app does not
        know yet are outside members (known before the broker lists them)."""
        model = self._presenter.model
        model.leader_table(event.generation, event.topic, event.assignment)
        for member_id in event.assignment:
            if not self._outsiders.reports(member_id):
                self._outsiders.sighted(member_id, "")
        self._reaper.left_out(event.assignment, event.generation)
        model.refresh()
        return None  # the model announces what it learnt

    def observe_group(self, described: Described) -> None:
        """What the broker lists: members that are neither ours nor reporting are outside
        members (one per member id); one it no longer lists has left."""
        now = time.monotonic()
        listed = set()
        for member_id, (client_id, _) in described.members.items():
            if not self._outsiders.reports(member_id):
                self._outsiders.sighted(member_id, client_id).last_seen = now
                listed.add(member_id)
        self._reaper.unlisted(listed)
        if described.state == "Stable":
            self._reaper.left_out(described.members, None)
        model = self._presenter.model
        model.broker_described(described)
        model.refresh()
