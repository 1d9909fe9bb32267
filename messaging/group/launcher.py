"""Starting and ending the consumers the app runs itself: threads and child processes.

One place decides how many live consumers are allowed, starts each kind, and at the
app's end stops them all and makes sure nothing is left behind (a child that outlives
its stop is killed).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from messaging.channel.control import ControlChannel
from messaging.consumer.worker import ConsumerWorker, DeadLetters, Setup, Sink
from messaging.core import limits
from messaging.core.config import Settings
from messaging.core.events import PROCESS, STOPPED, THREAD, ConsumerSnapshot, GroupChange
from messaging.group.errors import FleetFull
from messaging.group.members import Member, ProcessMember, ThreadMember
from messaging.group.presenter import Presenter
from messaging.group.roster import Roster
from messaging.group.supervisor import spawn


@dataclass
class Homes:
    """What the fleet needs to start members: a sink for thread workers, the control
    channel for everything outside the process, and who hears the app's own findings."""

    sink: Sink
    dead_letters: DeadLetters
    control: ControlChannel
    publish: Callable[[object], None]
    live_everywhere: Callable[[], int] = lambda: 0  # the app's live consumers, all groups


class Launcher:
    """Starts the app's own members into the roster and ends them. ``settings`` are
    those new members start with (the topic follows a switch)."""

    def __init__(
        self,
        settings: Settings,
        bootstrap_servers: str,
        homes: Homes,
        roster: Roster,
        presenter: Presenter,
    ) -> None:
        self.settings, self._servers, self._homes = settings, bootstrap_servers, homes
        self._roster, self._presenter = roster, presenter
        self._starters: dict[str, Callable[[ConsumerSnapshot], Member]] = {
            THREAD: self._thread,
            PROCESS: self._process,
        }

    def add(
        self, processing_ms: int | None = None, failure_rate: float = 0.0, kind: str | None = None
    ) -> ConsumerSnapshot:
        """Start one more consumer (``kind`` thread or process); the group rebalances."""
        kind = kind or self.settings.consumer_mode
        start = self._starters.get(kind)
        if start is None:
            raise ValueError(f"kind must be {' or '.join(self._starters)} (got {kind!r})")
        delay = self.settings.processing_ms if processing_ms is None else processing_ms

        def make(consumer_id: int) -> Member:
            return start(self._roster.identity(consumer_id, kind, delay, failure_rate))

        member, _ = self._roster.enlist(make, admit=self._admit)
        self._presenter.announce(GroupChange("join", member.id, group=self.settings.group))
        self._presenter.announce(member.snapshot)
        return member.snapshot

    def _admit(self) -> None:
        """Room for one more live consumer, in this group and in all of them?"""
        if self._roster.own_live() >= self.settings.max_consumers:
            raise FleetFull(
                f"at most {self.settings.max_consumers} live consumers "
                "(--max-consumers); stop or crash one first"
            )
        if self._homes.live_everywhere() >= limits.LIVE_CONSUMERS:
            raise FleetFull(
                f"at most {limits.LIVE_CONSUMERS} live consumers in all groups together; "
                "stop or crash one first"
            )

    def _thread(self, me: ConsumerSnapshot) -> Member:
        h = self._homes
        worker = ConsumerWorker(me, Setup(self.settings, self._servers, h.sink, h.dead_letters))
        return ThreadMember.start(worker)

    def _process(self, me: ConsumerSnapshot) -> Member:
        control = self._homes.control
        child = spawn(self.settings, self._servers, me, control.child_env())
        return ProcessMember(replace(me, pid=child.pid), control, child)

    def follow(self, topic: str) -> None:
        """Members started from now on consume ``topic``."""
        self.settings = replace(self.settings, topic=topic, channel_topic=self.settings.channel)

    def close(self, timeout: float = 8.0) -> None:
        """Stop every member the app started (in parallel) and wait for them."""
        own = [m for m in self._roster.members() if m.own]
        for m in own:
            if m.snapshot.state != STOPPED:
                m.stop()
        deadline = time.monotonic() + timeout
        for m in own:
            m.wait_closed(deadline)
