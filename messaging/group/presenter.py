"""Every snapshot that leaves the fleet, as the group model presents it.

A member's own snapshot says what it believes; the model knows better (a dead member
holds no partition, a member asked to stop is ``stopping``). So nothing leaves the fleet
unpresented: the views and the REST API see one truth.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from messaging.core.config import Settings
from messaging.core.events import STOPPING, ConsumerSnapshot
from messaging.core.reasons import Reason
from messaging.group.members import Member
from messaging.group.model import GroupModel
from messaging.group.roster import Roster

log = logging.getLogger(__name__)


class Presenter:
    """Owns the group's :class:`GroupModel`, fed with the roster's members, and
    publishes the app's own findings in its terms. Thread-safe."""

    def __init__(
        self, settings: Settings, roster: Roster, publish: Callable[[object], None]
    ) -> None:
        self._roster, self._publish = roster, publish
        self.model = GroupModel(settings.group, settings.assignor, self.facts, publish)
        self.model.use_topic(settings.topic, settings.partitions)
        self._view_keys: dict[int, tuple[object, ...]] = {}  # what each member's view read

    def facts(self) -> list[tuple[ConsumerSnapshot, bool]]:
        """What the model derives its view from: each member's newest snapshot, alive?

        A member asked to stop keeps reporting "active" until it has left; the fleet
        knows better, so the model gets it as ``stopping``.
        """
        return [(self._as_known(m), m.alive) for m in self._roster.members()]

    def _as_known(self, member: Member) -> ConsumerSnapshot:
        snapshot = member.snapshot
        if self._roster.condition(member) == STOPPING:
            return replace(snapshot, state=STOPPING)
        return snapshot

    def present(self, snapshot: ConsumerSnapshot) -> ConsumerSnapshot:
        """``snapshot`` as the model shows it (its partitions, where they came from).

        A busy consumer reports a snapshot per message (its count); only a change of
        what the group model reads from it (state, partitions, membership) is worth a
        new view, else the last one tells.
        """
        member = self._roster.get(snapshot.id)
        state = self._roster.condition(member) if member is not None else snapshot.state
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
        return self.present(member.snapshot)

    def announce(self, event: object) -> None:
        """Publish one of the app's own findings (a snapshot as the model presents it)."""
        if isinstance(event, ConsumerSnapshot):
            event = self.present(event)
        self._publish(event)

    def mark(self, member: Member, state: str, reason: Reason) -> None:
        """The app found that ``member`` ended (``state``, ``reason``): its card and the
        timeline hear it, once."""
        snapshot, change = member.mark(state, reason)
        if change is not None:
            log.info("%s %s: %s", snapshot.name, state, reason.english())
            self.announce(snapshot)
            self.announce(change)
