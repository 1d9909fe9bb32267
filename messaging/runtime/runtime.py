"""Everything the app runs, wired once: broker, topic, producer, groups, lag monitors, log.

``main.py --headless``, the window and the tests all start one :class:`Runtime` and
drive it; nothing else creates Kafka clients. The runtime only composes its roles, each
in a module of this package:

- :mod:`~messaging.runtime.lifecycle`: start and stop, in order;
- :mod:`~messaging.runtime.groups`: the consumer groups and their lag monitors;
- :mod:`~messaging.runtime.pipeline`: the one way consumers' events enter the app;
- :mod:`~messaging.runtime.topics`: the topics the app needs, and the move to a new one;
- :mod:`~messaging.runtime.recovery`: the watch thread, and what comes back after the broker;
- :mod:`~messaging.runtime.views`: what the API and the window read;
- :mod:`~messaging.runtime.parts`: the state they share.
"""

from __future__ import annotations

from typing import Any

from messaging.audit.ledger import Ledger
from messaging.channel.control import ControlKeys
from messaging.core.config import Settings
from messaging.core.events import ConsumerSnapshot, EventHub
from messaging.core.reasons import Reason
from messaging.group.fleet import Fleet
from messaging.runtime.groups import MAX_GROUPS, GroupExists, GroupRegistry
from messaging.runtime.lifecycle import Lifecycle
from messaging.runtime.parts import Forward, Parts
from messaging.runtime.pipeline import Pipeline
from messaging.runtime.recovery import BrokerRecovery
from messaging.runtime.topics import TopicAdmin
from messaging.runtime.views import ReadModels

__all__ = ["MAX_GROUPS", "GroupExists", "Runtime"]


class Runtime:
    """Start with :meth:`start`, end with :meth:`stop` (idempotent, bounded in time)."""

    # The parts the window, the API and the tests read, where they live.
    settings = Forward("_parts")
    control_keys = Forward("_parts")
    hub = Forward("_parts")
    ledger = Forward("_parts")
    broker = Forward("_parts")
    profile = Forward("_parts")
    exposure = Forward("_parts")
    bootstrap_servers = Forward("_parts")
    partitions = Forward("_parts")
    traffic = Forward("_parts")
    sender = Forward("_parts")
    control = Forward("_parts")
    reader = Forward("_parts")
    broker_watch = Forward("_parts")
    warnings = Forward("_parts")
    embedded = Forward("_parts")
    embedded_kind = Forward("_parts")
    broker_version = Forward("_parts")
    fleets = Forward("_groups")  # iterate groups() instead: it copies under the lock
    monitors = Forward("_groups")
    fleet = Forward("_groups")  # the default group's
    monitor = Forward("_groups")
    broker_reason = Forward("_views")
    broker_note = Forward("_views")

    def __init__(
        self,
        settings: Settings,
        hub: EventHub | None = None,
        control_keys: ControlKeys | None = None,
    ) -> None:
        keys = control_keys or ControlKeys.random()
        self._parts = Parts(settings, hub or EventHub(), Ledger(settings.ledger_size), keys)
        self._groups = GroupRegistry(self._parts)
        self._pipeline = Pipeline(self._parts, self._groups)
        self._parts.hub.subscribe(self._pipeline.on_hub)
        self._topics = TopicAdmin(self._parts, self._groups)
        recovery = BrokerRecovery(self._parts, self._groups, self._topics, self._pipeline)
        self._views = ReadModels(self._parts, self._groups)
        self._life = Lifecycle(
            self._parts, self._groups, self._pipeline, self._topics, recovery, self._views
        )

    def start(self) -> Runtime:
        """Bring everything up; raises :class:`BrokerError` with a one-line reason, or
        :class:`messaging.broker.profile.UnfitSettings` for a setting the broker refuses.

        Call it from a long-lived thread (the main thread): the embedded broker is
        tied to the thread that started it and dies with it.
        """
        try:
            self._life.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 8.0) -> None:
        """Stop consumers, producer, monitor and broker, in that order."""
        self._life.stop(timeout)

    def switch_topic(self, partitions: int, topic: str | None = None) -> dict[str, Any]:
        """Move the app onto a new topic (see :meth:`TopicAdmin.switch`)."""
        return self._topics.switch(partitions, topic)

    def add_group(
        self, name: str, assignor: str | None = None, consumers: int = 0, kind: str | None = None
    ) -> Fleet:
        """Another group on the topic (see :meth:`GroupRegistry.add`); ValueError for a
        bad or taken name."""
        return self._groups.add(name, assignor, consumers, kind)

    def groups(self) -> list[Fleet]:
        """Every group, copied under the registry's lock."""
        return self._groups.all()

    def group(self, name: str) -> Fleet | None:
        """The group called ``name``, if the app knows it."""
        return self._groups.get(name)

    def fleet_of(self, consumer_id: int) -> Fleet:
        """The group of consumer ``consumer_id``; raises UnknownConsumer."""
        return self._groups.of_consumer(consumer_id)

    def note_idle_consumers(self) -> Reason | None:
        """Why some consumers sit idle (more of them than partitions), if they do, noted
        among the warnings."""
        return self._views.note_idle_consumers()

    def stats(self) -> dict[str, Any]:
        return self._views.stats()

    def group_stats(self, fleet: Fleet) -> dict[str, Any]:
        """One group as the API and the window show it."""
        return self._views.group_stats(fleet)

    def snapshots(self) -> list[ConsumerSnapshot]:
        """Every consumer of every group, by id."""
        return self._views.snapshots()

    def health(self) -> tuple[bool, dict[str, Any]]:
        """Whether the broker answers now, with what a health check should show."""
        return self._views.health()

    def join_command(self) -> str:
        """The one command that starts a consumer of this group in another terminal or on
        another machine, with the key that lets this app drive it."""
        return self._views.join_command()
