"""Make sure the topic exists with enough partitions for the load to spread."""

from __future__ import annotations

import logging

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

log = logging.getLogger(__name__)


def ensure_topic(admin: KafkaAdminClient, topic: str, partitions: int) -> int:
    """Create ``topic`` with ``partitions`` partitions unless it exists; return its count.

    An existing topic keeps its partition count (tansu cannot add partitions, and on
    Apache Kafka growing it would reshuffle keys), so the caller learns the real count.
    """
    try:
        admin.create_topics([NewTopic(topic, partitions, 1)])
        log.info("created topic %s with %d partitions", topic, partitions)
    except TopicAlreadyExistsError:
        pass
    return partition_count(admin, topic)


def partition_count(admin: KafkaAdminClient, topic: str) -> int:
    """How many partitions ``topic`` has according to the broker's metadata."""
    try:
        described = admin.describe_topics([topic])
    except KafkaError as exc:
        raise RuntimeError(f"cannot describe topic {topic}: {exc}") from exc
    return len(described[0]["partitions"]) if described else 0


def idle_warning(topic: str, partitions: int, consumers: int) -> str | None:
    """The sentence that explains idle consumers, or ``None`` when all can work."""
    if consumers <= partitions:
        return None
    return (
        f"topic {topic} has {partitions} partitions but {consumers} consumers: "
        f"{consumers - partitions} of them will sit idle (one partition feeds at most one "
        "consumer of a group)"
    )
