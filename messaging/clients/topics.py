"""Make sure the topic exists with enough partitions for the load to spread."""

from __future__ import annotations

import logging
import time

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


# How long a topic the broker says exists may stay out of its metadata: Apache Kafka
# answers CreateTopics once the controller has it, and the broker that answers metadata
# learns of it a moment later (measured: 5 of 6 topics created back to back read as
# UNKNOWN_TOPIC_OR_PARTITION right after, and the app took them for 0 partitions).
VISIBLE_WITHIN_S = 10.0


def partition_count(admin: KafkaAdminClient, topic: str) -> int:
    """How many partitions ``topic`` has according to the broker's metadata, once the
    metadata has it (every topic has at least one partition)."""
    deadline = time.monotonic() + VISIBLE_WITHIN_S
    while True:
        try:
            described = admin.describe_topics([topic])
        except KafkaError as exc:
            raise RuntimeError(f"cannot describe topic {topic}: {exc}") from exc
        found = described[0] if described else {}
        if not found.get("error_code") and found.get("partitions"):
            return len(found["partitions"])
        if time.monotonic() >= deadline:
            raise RuntimeError(
                f"topic {topic} is not in the broker's metadata after {VISIBLE_WITHIN_S:.0f} s "
                f"(error code {found.get('error_code')})"
            )
        time.sleep(0.05)
