"""Members that ended without a word: an exited child, a silent remote, an outside
member the broker no longer lists, a consumer the group went on without.

Each member kind knows how its own end shows (:class:`Member`); the reaper asks every
member the question that fits what the app just learnt, and records what it finds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection

from messaging.group.members import Finding, Member
from messaging.group.presenter import Presenter
from messaging.group.roster import Roster


class Reaper:
    """Thread-safe; called by the runtime's watch loop and by what members report."""

    def __init__(self, roster: Roster, presenter: Presenter) -> None:
        self._roster, self._presenter = roster, presenter

    def reap(self) -> None:
        """Find members that died without a word: exited children, silent remotes."""
        now = time.monotonic()
        self._record(lambda m: m.ended_unseen(now))
        self._presenter.model.refresh()

    def unlisted(self, listed: Collection[str]) -> None:
        """The broker listed ``listed`` (member ids): outside members it no longer lists
        have left."""
        now = time.monotonic()
        self._record(lambda m: m.unlisted(listed, now))

    def left_out(self, present: Collection[str], generation: int | None) -> None:
        """Reporting consumers the group goes on without: a newer generation's table, or
        the broker's stable member list (``generation`` None), leaves them out."""
        now = time.monotonic()
        self._record(lambda m: m.left_out(present, generation, now))

    def _record(self, look: Callable[[Member], Finding | None]) -> None:
        for member in self._roster.members():
            finding = look(member)
            if finding is not None:
                self._presenter.mark(member, *finding)
