"""The read side of a group's fleet: who is listed, and how the group looks.

Everything here only reads the roster and the group model, so the views, the REST API
and the runtime may call it from any thread as often as they like.
"""

from __future__ import annotations

from messaging.core.events import KINDS, ConsumerSnapshot
from messaging.group.members import Member
from messaging.group.model import STABLE, GroupModel, GroupView
from messaging.group.presenter import Presenter
from messaging.group.roster import Roster


class FleetQueries:
    """Reads over a roster and its presenter; :class:`Fleet` adds the commands."""

    def __init__(self, roster: Roster, presenter: Presenter) -> None:
        self._roster, self._presenter = roster, presenter
        self.model: GroupModel = presenter.model

    def knows(self, uid: str) -> bool:
        return self._roster.find(uid) is not None

    def has(self, consumer_id: int) -> bool:
        return self._roster.get(consumer_id) is not None

    def member(self, consumer_id: int) -> Member:
        """Raises UnknownConsumer for an id it does not list."""
        return self._roster.member(consumer_id)

    def members(self) -> list[Member]:
        return self._roster.members()

    def live(self) -> list[Member]:
        return self._roster.live()

    def own_live(self) -> int:
        """The app's own consumers (threads and processes) that are live."""
        return self._roster.own_live()

    def rebalancing(self) -> bool:
        """Whether any live member (remote ones too) is joining the group right now."""
        return self._roster.rebalancing()

    def view(self) -> GroupView:
        """The group now: members as presented, owners, state (see GroupModel)."""
        return self.model.view()

    def presented(self, member: Member) -> ConsumerSnapshot:
        return self._presenter.presented(member)

    def snapshots(self) -> list[ConsumerSnapshot]:
        return list(self.view().members)

    def counts(self) -> dict[str, int]:
        """Live members per kind."""
        live = [m.snapshot.kind for m in self.live()]
        return {k: live.count(k) for k in KINDS}

    def watched_closely(self) -> bool:
        """Whether the broker's view is worth a look every second: a member that reports
        nothing is known only from it, and a rebalance is being followed."""
        view = self.model.cached
        return (view is not None and view.state != STABLE) or any(
            m.watched_by_broker and m.alive for m in self.members()
        )
