"""The watch thread, and what comes back after the broker did.

One thread for the runtime's life looks for members that died without a word every
WATCH_S and asks after the broker once a second. When the broker is back the app's own
clients are made again; the consumers rejoin their groups by themselves.
"""

from __future__ import annotations

import logging
import threading

from messaging.broker.watch import BrokerStatus, BrokerWatch
from messaging.channel.activity import ActivityReader
from messaging.channel.report_seal import ReportGate
from messaging.core import reasons
from messaging.runtime.groups import GroupRegistry
from messaging.runtime.parts import Parts
from messaging.runtime.pipeline import Pipeline
from messaging.runtime.topics import TopicAdmin

WATCH_S = 0.25  # how often members that died without a word are looked for

log = logging.getLogger(__name__)


class BrokerRecovery:
    """Owns the watch thread and the activity reader (``parts.reader``)."""

    def __init__(
        self, parts: Parts, groups: GroupRegistry, topics: TopicAdmin, pipeline: Pipeline
    ) -> None:
        self._parts, self._groups, self._topics = parts, groups, topics
        self._pipeline = pipeline
        # One for the app's life: a reader started again must still refuse replays.
        self._report_gate = ReportGate(parts.control_keys)
        self._watch: threading.Thread | None = None

    def start(self) -> None:
        """Read the consumers' reports and start watching (the broker and the members)."""
        p = self._parts
        self.start_reader()
        p.broker_watch = BrokerWatch(p.bootstrap_servers, p.broker, self.recover, self.status)
        # The watch thread lives as long as the runtime: a broker it restarts dies with it.
        self._watch = threading.Thread(target=self._watch_loop, name="watch", daemon=True)
        self._watch.start()

    def stop(self) -> None:
        """After ``parts.halt`` is set: the watch thread ends within a look."""
        if self._watch:
            self._watch.join(1.0)
        if self._parts.reader:
            self._parts.reader.stop()
            self._parts.reader = None

    def status(self, status: BrokerStatus) -> None:
        """While the broker is known to be down, sends fail at once instead of in 4 s,
        and so do the ones waiting for an acknowledgement (before a dead embedded broker
        is restarted: see Sender.abandon_in_flight)."""
        sender = self._parts.sender
        if sender:
            sender.unavailable = None if status.up else status.detail
            if not status.up:
                sender.abandon_in_flight()
        self._parts.hub.publish(status)

    def recover(self) -> None:
        """The broker is back: topics, producer, lag monitor, activity reader.

        The consumers rejoin the group by themselves (kafka-python reconnects and
        rejoins). A recreated activity topic is read from its start: what consumers
        reported since it came back is all there is.
        """
        p = self._parts
        before = p.partitions
        recreated = self._topics.connect()
        if p.partitions != before:
            self._note_partitions_changed(before)
        if p.sender:
            p.sender.reset()
        self._groups.rewatch()
        if p.reader:
            p.reader.stop()
        self.start_reader(from_start=recreated)

    def _note_partitions_changed(self, before: int) -> None:
        """The topic came back with another partition count, and the app says so.

        A broker that comes back empty (its policy: ``keeps_logs_across_restart``) may
        recreate the topic for the first client that asks for it, with a count of its
        own; whatever the cause, the app goes on with the count the broker has."""
        p = self._parts
        warning = reasons.topic_came_back(p.settings.topic, p.partitions, before)
        log.warning("%s; the app goes on with %d", warning.english(), p.partitions)
        p.warnings.append(warning)

    def start_reader(self, from_start: bool = False) -> None:
        """Read the consumers' reports (from the start of a topic recreated empty)."""
        p = self._parts
        p.reader = ActivityReader(
            p.bootstrap_servers,
            p.settings.channel,
            self._pipeline.reported,
            p.chosen_profile,
            self._report_gate,
            from_start,
        )
        p.reader.start()

    def _revive_reader(self) -> None:
        """An activity reader that died (it logged why) is replaced: without it the app
        would go blind to every consumer outside its process."""
        p = self._parts
        reader, watch = p.reader, p.broker_watch
        if reader is None or reader.alive or p.halt.is_set() or not watch or not watch.status.up:
            return
        log.error("the activity reader stopped; starting a new one")
        self.start_reader()

    def _watch_loop(self) -> None:
        """Members that died without a word, every WATCH_S; the broker, every second."""
        while not self._parts.halt.wait(WATCH_S):
            for fleet in self._groups.all():
                fleet.reap()  # and a fresh look at the group: a crashed session may end
            watch = self._parts.broker_watch
            if watch is not None and watch.due():
                watch.check()
                self._revive_reader()
