"""The app's consumer groups: one is point-to-point, two or more is publish-subscribe.

Each group has its fleet of consumers, its lag monitor and what its silent members
consumed. The activity reader, the watch thread, the WSGI threads and the GUI thread all
reach the groups, so the registry hands out copies taken under its lock.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import replace

from messaging.core import limits, names
from messaging.core.events import ConsumerSnapshot, Delivery, GroupAssignment
from messaging.group.errors import FleetFull, UnknownConsumer
from messaging.group.fleet import Fleet
from messaging.group.launcher import Homes
from messaging.group.monitor import LagMonitor
from messaging.group.outside import OutsideConsumption
from messaging.runtime.parts import Parts

MAX_GROUPS = 4  # each group has its own consumers and lag monitor

log = logging.getLogger(__name__)


class GroupExists(Exception):
    """The group (or topic) is there already, or there are as many groups as allowed."""


class GroupRegistry:
    """The groups by name, their lag monitors, and the default group's (``fleet``,
    ``monitor``: the one the settings name, which the API's plain routes mean)."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts
        self.fleets: dict[str, Fleet] = {}
        self.monitors: dict[str, LagMonitor] = {}
        self.fleet: Fleet | None = None
        self.monitor: LagMonitor | None = None
        self._outside: dict[str, OutsideConsumption] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)  # shared by the groups: consumer names stay unique
        self._homes: Homes | None = None
        self._deliver: Callable[[Delivery], None] = lambda _: None

    def open(self, homes: Homes, deliver: Callable[[Delivery], None]) -> Fleet:
        """The default group, once the clients its members need exist; ``deliver`` takes
        what members that report nothing consumed."""
        self._homes, self._deliver = homes, deliver
        self.fleet = self._new(self._parts.settings.group, self._parts.settings.assignor)
        return self.fleet

    def all(self) -> list[Fleet]:
        """Every group, copied under the lock: callers iterate it while groups appear."""
        with self._lock:
            return list(self.fleets.values())

    def all_monitors(self) -> list[LagMonitor]:
        with self._lock:
            return list(self.monitors.values())

    def get(self, name: str) -> Fleet | None:
        return self.fleets.get(name)

    def monitor_of(self, name: str) -> LagMonitor | None:
        return self.monitors.get(name)

    def add(
        self,
        name: str,
        assignor: str | None = None,
        consumers: int = 0,
        kind: str | None = None,
    ) -> Fleet:
        """Another consumer group on the same topic: every message now reaches one
        consumer of each group. Raises ValueError for a bad or taken name."""
        problem = names.group_problem(name) if isinstance(name, str) else "must be a string"
        if problem:
            raise ValueError(f"group {problem}")
        profile = self._parts.chosen_profile
        if assignor is not None and (problem := profile.assignor_problem(assignor)):
            raise ValueError(problem)
        with self._lock:
            if name in self.fleets:
                raise GroupExists(f"group {name} exists already")
            if len(self.fleets) >= MAX_GROUPS:
                raise GroupExists(f"at most {MAX_GROUPS} groups")
        room = limits.LIVE_CONSUMERS - self._homes_now().live_everywhere()
        if consumers > room:  # said before the group exists: nothing half made
            raise FleetFull(
                f"{consumers} more consumers would pass the {limits.LIVE_CONSUMERS} live "
                f"consumers of all groups together ({room} left)"
            )
        fleet = self._new(name, assignor or self._parts.settings.assignor)
        log.info("group %s added (%s)", name, fleet.settings.assignor)
        for _ in range(consumers):
            fleet.add(kind=kind)
        return fleet

    def of_reporter(self, uid: str, events: list[object]) -> Fleet | None:
        """The group a reporting consumer belongs to; a new group is shown as it appears."""
        for fleet in self.all():
            if fleet.knows(uid):
                return fleet
        group = next(
            (e.group for e in events if isinstance(e, (ConsumerSnapshot, GroupAssignment))), None
        )
        if not group:
            return None
        if group not in self.fleets:
            try:
                self.add(group)
            except (ValueError, GroupExists) as exc:
                log.warning("consumer %s of group %s not shown: %s", uid, group, exc)
                return None
        return self.fleets.get(group)

    def of_consumer(self, consumer_id: int) -> Fleet:
        """The group of consumer ``consumer_id``; raises UnknownConsumer."""
        for fleet in self.all():
            if fleet.has(consumer_id):
                return fleet
        raise UnknownConsumer(consumer_id)

    def live_everywhere(self) -> int:
        """The app's own live consumers, all groups together (the limit counts them)."""
        return sum(fleet.own_live() for fleet in self.all())

    def rewatch(self) -> None:
        """New lag monitors for every group: the topic may have another count now."""
        for fleet in self.all():
            fleet.model.use_topic(self._parts.settings.topic, self._parts.partitions)
            self.watch_lag(fleet)

    def resubscribe(self, topic: str, partitions: int) -> list[str]:
        """Every group's consumers onto ``topic``; the names of those that did not move."""
        fleets = self.all()
        stuck = [n for fleet in fleets for n in fleet.resubscribe(topic, partitions)]
        for fleet in fleets:
            self.watch_lag(fleet)
        return stuck

    def watch_lag(self, fleet: Fleet) -> None:
        """A lag monitor for ``fleet`` on the current topic (replacing its old one). It
        connects on its own thread: this may run on the activity reader's."""
        p = self._parts
        monitor = LagMonitor(p.bootstrap_servers, p.settings.topic, fleet.group, p.partitions)
        monitor.on_described = fleet.observe_group
        monitor.keep_looking = fleet.watched_closely
        monitor.on_committed = self._outside[fleet.group].committed
        with self._lock:
            old = self.monitors.get(fleet.group)
            self.monitors[fleet.group] = monitor
        if fleet.group == p.settings.group:
            self.monitor = monitor
        monitor.start()
        if old is not None:
            old.stop()

    def close_fleets(self, time_left: Callable[[], float]) -> None:
        """Each group's consumers, given what ``time_left()`` says as each one's turn comes."""
        for fleet in self.all():
            fleet.close(timeout=time_left())

    def stop_monitors(self) -> None:
        for monitor in self.all_monitors():
            monitor.stop()  # each monitor closes its own admin client
        self.monitor = None

    def _new(self, name: str, assignor: str) -> Fleet:
        p = self._parts
        settings = replace(p.settings, group=name, assignor=assignor, partitions=p.partitions)
        fleet = Fleet(settings, p.bootstrap_servers, self._homes_now(), self._ids)
        outside = OutsideConsumption(fleet, p.ledger, self._deliver)
        with self._lock:
            self.fleets[name] = fleet
            self._outside[name] = outside
        self.watch_lag(fleet)
        return fleet

    def _homes_now(self) -> Homes:
        assert self._homes is not None, "start() opens the groups"
        return self._homes
