"""Every use of kafka-python's private internals, each in one small function.

kafka-python (3.0.12 here) has no public call for any of these; each docstring says
why the app needs it. ``tests/test_kafka_compat.py`` checks that every attribute used
here still exists, and fails naming it when a kafka-python release renames or removes
one: fix it here, nowhere else.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from kafka import (
    KafkaAdminClient,
    KafkaConsumer,
    KafkaProducer,
    OffsetAndMetadata,
    TopicPartition,
)
from kafka.errors import KafkaError
from kafka.protocol.admin import DescribeGroupsRequest

log = logging.getLogger(__name__)


def api_keys(admin: KafkaAdminClient) -> set[int]:
    """The API keys the bootstrap broker offers, as plain numbers.

    ``KafkaAdminClient.api_versions()`` maps each key to kafka-python's ``ApiKey`` enum and
    raises ValueError for one it does not know: Apache Kafka 4.4 offers key 93, so asking
    that way made profile detection (and the app on ``--bootstrap-servers``) fail.
    """
    return {int(key) for key in admin._manager.broker_version_data.api_versions}


def set_fetch_max_wait(consumer: KafkaConsumer, wait_ms: int) -> None:
    """Change ``fetch_max_wait_ms`` of a running consumer (read per fetch request).

    kafka-python takes it only at construction; the tansu profile's adaptive fetch
    wait (:class:`messaging.broker.profile.FetchWait`) changes it between polls.
    """
    config = consumer._fetcher.config
    if config["fetch_max_wait_ms"] != wait_ms:
        config["fetch_max_wait_ms"] = wait_ms


async def commit_on_io_loop(
    consumer: KafkaConsumer, offsets: dict[TopicPartition, OffsetAndMetadata], timeout_ms: int
) -> None:
    """Commit ``offsets`` from inside a rebalance listener, awaited on kafka-python's IO loop.

    kafka-python 3 runs an ``AsyncConsumerRebalanceListener`` on its IO thread and forbids
    blocking consumer calls there (``commit()`` would deadlock); its public API has no
    awaitable commit, so this awaits the coordinator's own. Raises ``KafkaError``.
    """
    await consumer._coordinator._commit_offsets_sync_async(offsets, timeout_ms=timeout_ms)


def finish_join(consumer: KafkaConsumer, timeout_ms: int) -> None:
    """Let the group coordinator finish a join in progress, for up to ``timeout_ms``.

    ``consumer.poll()`` with a short timeout returns mid-join, and kafka-python 3.0.12
    then sends a second JoinGroup when the join completes between two polls; a long
    ``poll()`` would wait out its whole timeout when no record comes. The coordinator's
    own poll returns as soon as the join is done, and is not public.
    """
    consumer._coordinator.poll(timeout_ms=timeout_ms)


def skip_leave_group(consumer: KafkaConsumer) -> None:
    """Make the consumer's next ``close()`` send no LeaveGroup, like a killed process.

    kafka-python has no public "die" call and ``close()`` always leaves the group, which
    makes the broker rebalance at once; a simulated crash must leave the broker to find
    out at session expiry.
    """
    consumer._coordinator.maybe_leave_group = lambda *a, **k: None


@dataclass(frozen=True)
class PartitionPosition:
    """Where a consumer stands in one assigned partition."""

    tp: TopicPartition
    position: int | None  # the next offset to fetch; None while it has no valid one
    highwater: int | None  # the log's end as the last fetch response gave it


def positions(consumer: KafkaConsumer) -> list[PartitionPosition]:
    """The position and high watermark of every assigned partition, without blocking.

    ``consumer.position()`` may block on a lookup and ``consumer.highwater()`` says
    nothing of a partition with no valid position; this reads the subscription state
    under the lock kafka-python's IO thread reassigns it under.
    """
    subscription = consumer._subscription
    with subscription._lock:
        return [
            PartitionPosition(
                tp,
                state.position.offset if state.has_valid_position else None,
                state.highwater,
            )
            for tp, state in subscription.assignment.items()
        ]


def topic_id(consumer: KafkaConsumer, topic: str) -> uuid.UUID | None:
    """The topic's id in the consumer's cluster metadata (a recreated topic gets a new one).

    ``ClusterMetadata.topic_id()`` is public, but the consumer's metadata object is not
    reachable through a public attribute.
    """
    return consumer._cluster.topic_id(topic)


def abandon(producer: KafkaProducer, wait_s: float) -> None:
    """Close ``producer`` now: every record it still holds fails (its future raises).

    ``KafkaProducer.close(timeout)`` flushes first, and a flush that times out raises
    before close reaches its force close, so a producer holding records for a dead broker
    cannot be closed without sending them. Its sender thread's ``force_close()`` aborts
    them; ``wait_s`` bounds the wait for that thread.
    """
    sender = producer._sender
    sender.force_close()
    sender.join(wait_s)
    try:
        producer.close(timeout=0)
    except KafkaError as exc:  # the sender thread outlived wait_s: it ends by itself
        log.warning("producer %s not closed at once: %s", producer.config["client_id"], exc)


def describe_group(admin: KafkaAdminClient, group: str) -> Any:
    """The broker's raw DescribeGroups answer for ``group``, asked without ACL bits.

    ``KafkaAdminClient.describe_groups`` always asks for the group's authorized operations
    (whatever its ``include_authorized_operations`` argument says), and cannot parse the
    value tansu answers (15); there is no public way to send the request without them.
    """

    async def describe() -> object:
        coordinator = (await admin._find_coordinator_ids([group]))[group]
        request = DescribeGroupsRequest(groups=[group], include_authorized_operations=False)
        return await admin._manager.send(request, node_id=coordinator)

    (described,) = admin._manager.run(describe).groups
    return described
