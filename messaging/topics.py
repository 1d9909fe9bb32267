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
