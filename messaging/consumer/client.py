"""The KafkaConsumer a worker polls: how it is configured, and its first metadata."""

from __future__ import annotations

import logging
import threading
import time

from kafka import AsyncConsumerRebalanceListener, KafkaConsumer
from kafka.coordinator.assignors.cooperative_sticky import CooperativeStickyAssignor
from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from kafka.coordinator.assignors.sticky.sticky_assignor import StickyPartitionAssignor
from kafka.errors import KafkaError

from messaging.broker.profile import BrokerProfile
from messaging.clients.assignment import ReportingAssignor
from messaging.clients.sender import RECONNECT_BACKOFF_MAX_MS
from messaging.consumer.status import Status
from messaging.core.config import Settings

log = logging.getLogger(__name__)
# How long a new member waits for its topic's partitions in its metadata before it joins.
METADATA_WAIT_S = 10.0
ASSIGNORS = {
    "range": RangePartitionAssignor,
    "roundrobin": RoundRobinPartitionAssignor,
    "sticky": StickyPartitionAssignor,
    "cooperative-sticky": CooperativeStickyAssignor,
}  # which of them a broker is offered is its profile's business (messaging/broker/profile.py)


def reporting_assignors(settings: Settings, status: Status) -> list[ReportingAssignor]:
    """Each offered assignor, reporting the whole table when this member leads with it."""
    return [
        ReportingAssignor(ASSIGNORS[name](), settings.topic, status.table)
        for name in (settings.assignor, *settings.also_assignors)
    ]


def make_consumer(
    settings: Settings,
    bootstrap_servers: str,
    client_id: str,
    assignors: list[ReportingAssignor],
    profile: BrokerProfile,
) -> KafkaConsumer:
    """A group member with manual commits, reading from the earliest offset."""
    return KafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=settings.group,
        client_id=client_id,  # the app matches broker-side members to reporting consumers by it
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        allow_auto_create_topics=False,  # the app creates topics (see sender.py)
        session_timeout_ms=settings.session_timeout_ms,
        heartbeat_interval_ms=settings.heartbeat_ms,
        max_poll_interval_ms=300_000,
        partition_assignment_strategy=assignors,
        metrics_enabled=False,  # never read; a sensor update per fetch and record
        reconnect_backoff_max_ms=RECONNECT_BACKOFF_MAX_MS,
        **profile.consumer_config(),
    )


def subscribe(
    consumer: KafkaConsumer,
    topic: str,
    listener: AsyncConsumerRebalanceListener,
    crashed: threading.Event,
) -> None:
    """Subscribe to ``topic`` and know its partitions before the first join.

    A member that leads a join without them assigns nothing ("No partition metadata
    for topic"), and kafka-python rejoins only when its metadata next changes: on
    Apache Kafka, whose metadata learns of a new topic a moment after it is created,
    a group of the Kafka lane sat with no partitions for over 20 s. Bounded: the join
    goes ahead without them after METADATA_WAIT_S; a crash ends the wait at once.
    """
    consumer.subscribe([topic], listener=listener)
    deadline = time.monotonic() + METADATA_WAIT_S
    try:
        while not consumer.partitions_for_topic(topic) and time.monotonic() < deadline:
            if crashed.wait(0.1):
                return
    except KafkaError as exc:  # the broker went away: the poll loop's trouble handling
        log.debug("no metadata for %s yet (%s)", topic, exc)
