"""The topics the app needs, made at start and after an outage, and the move to a new topic."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from messaging.broker import BrokerError
from messaging.channel.activity import activity_topic, control_topic
from messaging.clients.topics import ensure_topic
from messaging.core import limits, names
from messaging.runtime.groups import GroupExists, GroupRegistry
from messaging.runtime.parts import Parts

log = logging.getLogger(__name__)


class TopicAdmin:
    """Asks the broker for topics; sets ``parts.partitions`` to what the topic has."""

    def __init__(self, parts: Parts, groups: GroupRegistry) -> None:
        self._parts, self._groups = parts, groups

    def admin(self) -> KafkaAdminClient:
        return KafkaAdminClient(
            bootstrap_servers=self._parts.bootstrap_servers,
            client_id="p2p-demo-admin",
            request_timeout_ms=5000,
        )

    def connect(self) -> bool:
        """The topics the app needs, made where missing; True when some were missing.
        Raises :class:`BrokerError` when the broker does not answer."""
        p = self._parts
        s = p.settings
        side = (s.dead_letter_topic, activity_topic(s.channel), control_topic(s.channel))
        admin = None
        try:
            admin = self.admin()
            missing = {s.topic, *side} - set(admin.list_topics())
            p.partitions = ensure_topic(admin, s.topic, s.partitions)
            for name in side:
                ensure_topic(admin, name, 1)
        except (KafkaError, RuntimeError) as exc:
            raise BrokerError(f"Kafka at {p.bootstrap_servers} did not answer: {exc}") from exc
        finally:
            close_quietly(admin)
        if missing:
            log.info("created topics: %s", ", ".join(sorted(missing)))
        return bool(missing)

    def switch(self, partitions: int, topic: str | None = None) -> dict[str, Any]:
        """Move the app onto a new topic, e.g. from the spec's single partition to six.

        A topic cannot gain partitions here (tansu cannot add them; on Kafka it would
        reshuffle keys), so this creates a new topic. The producer sends there, and every
        consumer of every group resubscribes to it (the groups rebalance). The message
        history goes on; the activity and control topics keep their names.
        """
        p = self._parts
        name = f"{p.settings.channel}-{partitions}p" if topic is None else topic
        problem = names.topic_problem(name)
        low, high = limits.PARTITIONS
        if problem or not low <= partitions <= high:
            raise ValueError(f"topic {problem}" if problem else f"partitions must be {low}-{high}")
        previous = p.settings.topic
        if name == previous:
            raise GroupExists(f"already on topic {name}")
        admin = self.admin()
        try:
            count = ensure_topic(admin, name, partitions)
            ensure_topic(admin, f"{name}.DLT", 1)
        finally:
            admin.close()
        s = p.settings
        p.settings = replace(s, topic=name, partitions=partitions, channel_topic=s.channel)
        p.partitions = count
        assert p.sender is not None
        p.sender.topic = name
        stuck = self._groups.resubscribe(name, count)
        p.warnings = [w for w in p.warnings if w.params.get("topic") != previous]
        log.info("switched from topic %s to %s (%d partitions)", previous, name, count)
        return {"topic": name, "partitions": count, "previous": previous, "not_moved": stuck}


def close_quietly(admin: KafkaAdminClient | None) -> None:
    try:
        if admin is not None:
            admin.close()
    except Exception:  # closing a client of a gone broker may fail
        log.debug("admin close failed", exc_info=True)
