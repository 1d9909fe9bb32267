"""The consumer group's members as the app sees them: added, stopped, crashed, adopted.

:class:`Fleet` is the front door of one group, composed of parts by role, as gunicorn
keeps its arbiter apart from its workers:

- :class:`~messaging.group.roster.Roster`: the member table, ids and names;
- :class:`~messaging.group.launcher.Launcher`: starts and ends the app's own members;
- :class:`~messaging.group.commands.Commands`: stop, crash, configure, forget;
- :class:`~messaging.group.intake.Intake`: what members and the broker report;
- :class:`~messaging.group.outsiders.Outsiders`: members that report nothing;
- :class:`~messaging.group.reaper.Reaper`: members that ended without a word;
- :class:`~messaging.group.presenter.Presenter`: every snapshot that leaves the fleet is
  presented by the group's :class:`GroupModel`, so nobody sees a member's own claim
  where the model knows better (a dead member holds no partition).
"""

from __future__ import annotations

from collections.abc import Iterator

from messaging.core.config import Settings
from messaging.core.events import ConsumerSnapshot
from messaging.group.commands import Commands
from messaging.group.intake import Intake
from messaging.group.launcher import Homes, Launcher
from messaging.group.model import Described
from messaging.group.outsiders import Outsiders
from messaging.group.presenter import Presenter
from messaging.group.queries import FleetQueries
from messaging.group.reaper import Reaper
from messaging.group.roster import Roster

__all__ = ["Fleet"]


class Fleet(FleetQueries):
    """One group's members. Thread-safe; composes the parts and delegates to them."""

    def __init__(
        self,
        settings: Settings,
        bootstrap_servers: str,
        homes: Homes,
        ids: Iterator[int] | None = None,
    ) -> None:
        self.bootstrap_servers, self.homes = bootstrap_servers, homes
        self.group = settings.group
        roster = Roster(settings, homes.publish, ids)
        presenter = Presenter(settings, roster, homes.publish)
        super().__init__(roster, presenter)
        self._launcher = Launcher(settings, bootstrap_servers, homes, roster, presenter)
        reaper = Reaper(roster, presenter)
        self._reaper = reaper
        self._outsiders = Outsiders(roster, presenter)
        self._commands = Commands(lambda: self.settings, roster, presenter, reaper)
        self._intake = Intake(roster, presenter, self._outsiders, reaper, homes.control)

    @property
    def settings(self) -> Settings:
        """The group's settings; the topic follows :meth:`resubscribe`."""
        return self._launcher.settings

    # ----- commands -----------------------------------------------------------------
    def add(
        self, processing_ms: int | None = None, failure_rate: float = 0.0, kind: str | None = None
    ) -> ConsumerSnapshot:
        """Start one more consumer (``kind`` thread or process); the group rebalances."""
        return self._launcher.add(processing_ms, failure_rate, kind)

    def stop(self, consumer_id: int, wait: float | None = 5.0) -> ConsumerSnapshot:
        """Graceful stop: see :meth:`Commands.stop`."""
        return self._commands.stop(consumer_id, wait)

    def crash(self, consumer_id: int) -> ConsumerSnapshot:
        """Kill a consumer without commit or LeaveGroup; the broker finds out at expiry."""
        return self._commands.crash(consumer_id)

    def configure(
        self, consumer_id: int, processing_ms: int | None = None, failure_rate: float | None = None
    ) -> ConsumerSnapshot:
        return self._commands.configure(consumer_id, processing_ms, failure_rate)

    def forget(self, consumer_id: int) -> ConsumerSnapshot:
        """Drop a stopped or crashed member: see :meth:`Commands.forget`."""
        return self._commands.forget(consumer_id)

    def resubscribe(self, topic: str, partitions: int) -> list[str]:
        """Every live member onto ``topic``; returns the names of those that cannot
        follow (outside members, or a consumer that did not answer)."""
        self.model.use_topic(topic, partitions)  # a new topic: nothing "moved" in its first
        self._launcher.follow(topic)
        return self._commands.resubscribe(topic)

    def close(self, timeout: float = 8.0) -> None:
        """Stop every member the app started (in parallel) and wait for them."""
        self._launcher.close(timeout)

    # ----- what members and the broker report --------------------------------------
    def observe(self, uid: str, event: object) -> object | None:
        """A reported event under the app's identity of its member (any thread)."""
        return self._intake.observe(uid, event)

    def observe_local(self, event: object) -> object | None:
        """An event of a thread member (same process: ids are already the app's)."""
        return self._intake.observe_local(event)

    def observe_group(self, described: Described) -> None:
        """What the broker lists (see :meth:`Intake.observe_group`)."""
        self._intake.observe_group(described)

    def count_consumed(self, consumer_id: int, count: int) -> None:
        """A member that reports nothing consumed ``count`` more messages (see outside.py)."""
        self._outsiders.count_consumed(consumer_id, count)

    def reap(self) -> None:
        """Find members that died without a word: exited children, silent remotes."""
        self._reaper.reap()
