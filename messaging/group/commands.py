"""What the window and the REST API ask of one member: stop, crash, configure, forget,
and of all of them: follow a new topic.

A command to a member that cannot obey any more (stopped, crashed, on its way out) is
refused at once, before anything is sent: a dead consumer would never confirm it. How a
member obeys is its own business (:mod:`messaging.group.members`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from messaging.broker import profile as broker_profile
from messaging.clients.sender import SendError
from messaging.core.config import Settings
from messaging.core.events import CRASHED, STOPPED, STOPPING, ConsumerSnapshot
from messaging.group.errors import MemberGone, MemberLive, NotApplied, NotControllable
from messaging.group.members import Member
from messaging.group.presenter import Presenter
from messaging.group.reaper import Reaper
from messaging.group.roster import Roster

log = logging.getLogger(__name__)


class Commands:
    """Thread-safe; each command answers the member's snapshot as the model presents it.
    ``settings`` gives the group's current settings (its broker profile, its session)."""

    def __init__(
        self,
        settings: Callable[[], Settings],
        roster: Roster,
        presenter: Presenter,
        reaper: Reaper,
    ) -> None:
        self._settings = settings
        self._roster, self._presenter, self._reaper = roster, presenter, reaper

    def stop(self, consumer_id: int, wait: float | None = 5.0) -> ConsumerSnapshot:
        """Graceful stop; with ``wait`` blocks until it has left the group, or ``wait``
        seconds (its state is then ``stopping``).

        On tansu, while a member (itself too) is joining, the stop waits for that
        rebalance to end (at most two sessions; why: the profile's
        ``stop_waits_for_rebalance``), and this answers ``stopping`` at once. On Apache
        Kafka it stops at once.
        """
        member = self._live_member(consumer_id)
        if member.alive:
            waits = broker_profile.of(self._settings()).stop_waits_for_rebalance
            if waits and self._roster.rebalancing():
                log.info("%s stops once the rebalance in progress ends", member.snapshot.name)
                self._roster.leaving(member.id)
                threading.Thread(
                    target=self._stop_after_rebalance, args=(member,), daemon=True
                ).start()
            else:
                member.stop()
                if wait:
                    member.join(wait)
        return self._presenter.presented(member)

    def _stop_after_rebalance(self, member: Member) -> None:
        deadline = time.monotonic() + 2 * self._settings().session_timeout_ms / 1000
        try:
            while self._roster.rebalancing() and time.monotonic() < deadline:
                time.sleep(0.05)  # polling members' reports, bounded by the deadline
            if member.alive:
                member.stop()
        finally:
            self._roster.left(member.id)

    def crash(self, consumer_id: int) -> ConsumerSnapshot:
        """Kill a consumer without commit or LeaveGroup; the broker finds out at expiry."""
        member = self._live_member(consumer_id)
        if member.alive:
            reason = member.crash()
            if reason is not None:
                self._presenter.mark(member, CRASHED, reason)
        self._presenter.model.refresh()
        return self._presenter.presented(member)

    def configure(
        self, consumer_id: int, processing_ms: int | None = None, failure_rate: float | None = None
    ) -> ConsumerSnapshot:
        member = self._live_member(consumer_id)
        member.configure(processing_ms, failure_rate)
        self._presenter.announce(member.snapshot)
        return self._presenter.presented(member)

    def _live_member(self, consumer_id: int) -> Member:
        """The member, if it can still be driven; raises MemberGone (or UnknownConsumer)."""
        member = self._roster.member(consumer_id)
        condition = self._roster.condition(member)
        if condition in (STOPPED, CRASHED, STOPPING):
            raise MemberGone(member.snapshot.name, condition)
        return member

    def forget(self, consumer_id: int) -> ConsumerSnapshot:
        """Drop a stopped or crashed member: no longer listed, its card goes.

        Publishes ``GroupChange("removed", consumer_id)`` for the views. Raises MemberLive while
        it is still in the group or on its way out (stop or crash it, and let it end).
        """
        member = self._roster.member(consumer_id)
        if member.snapshot.state not in (STOPPED, CRASHED):
            self._reaper.reap()  # it may have ended since the last look
        snap, condition = member.snapshot, self._roster.condition(member)
        if condition not in (STOPPED, CRASHED):
            raise MemberLive(snap.name, condition)
        self._roster.drop(member)
        return snap

    def resubscribe(self, topic: str) -> list[str]:
        """Every live member onto ``topic``; returns the names of those that cannot
        follow (outside members, or a consumer that did not answer)."""
        stuck = []
        for member in self._roster.live():
            try:
                member.resubscribe(topic)
            except (NotControllable, NotApplied, SendError):
                stuck.append(member.snapshot.name)
        return stuck
