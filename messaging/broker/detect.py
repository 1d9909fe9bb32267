"""Which profile an external broker needs, from what it says about itself.

Asked once at start when ``--broker-profile`` is auto and the broker is not the embedded
one: DescribeCluster's cluster id first, then the API keys ApiVersions lists (the way
kafka-python and librdkafka pick behaviour by probing the broker).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import TYPE_CHECKING

from messaging.broker import profile as profiles
from messaging.broker.profile import (
    API_VERSIONS,
    CLUSTER_ID,
    CREATE_PARTITIONS,
    KAFKA,
    TANSU,
    TANSU_CLUSTER_ID,
    BrokerProfile,
)

if TYPE_CHECKING:
    from kafka import KafkaAdminClient

log = logging.getLogger(__name__)


def decide(cluster_id: str | None, api_keys: Collection[int]) -> BrokerProfile:
    """The profile of an external broker from what it told about itself.

    tansu 0.6 names its cluster ``tansu_cluster``; failing that, a broker without
    CreatePartitions is not an Apache Kafka of the last years (1.0 added it), and the
    tansu workarounds are the safe side for it.
    """
    if cluster_id == TANSU_CLUSTER_ID:
        return BrokerProfile(TANSU, CLUSTER_ID, cluster_id)
    if CREATE_PARTITIONS not in {int(key) for key in api_keys}:
        return BrokerProfile(TANSU, API_VERSIONS, cluster_id)
    return BrokerProfile(KAFKA, API_VERSIONS, cluster_id)


def detect(admin: KafkaAdminClient) -> BrokerProfile:
    """Ask the broker (DescribeCluster, ApiVersions) and :func:`decide`.

    A DescribeCluster that fails leaves the API keys to decide.
    """
    try:
        cluster_id = admin.describe_cluster().get("cluster_id")
    except Exception as exc:  # an old or odd broker: the API keys still tell
        log.debug("DescribeCluster failed (%s); deciding by the API keys", exc)
        cluster_id = None
    from messaging.core import kafka_compat

    return decide(cluster_id, kafka_compat.api_keys(admin))


def detect_at(bootstrap_servers: str, timeout_ms: int = 5000) -> BrokerProfile:
    """:func:`detect` with an admin client of its own; raises KafkaError when the broker
    does not answer."""
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap_servers,
        client_id="p2p-demo-profile",
        request_timeout_ms=timeout_ms,
    )
    try:
        return detect(admin)
    finally:
        admin.close()


def resolve(choice: str, bootstrap_servers: str | None, embedded: str | None) -> BrokerProfile:
    """The profile for ``choice`` on the embedded broker of kind ``embedded``, or on the
    external one at ``bootstrap_servers`` (asked when ``choice`` is auto; raises
    KafkaError if silent)."""
    known = profiles.without_asking(choice, embedded)
    return known if known is not None else detect_at(bootstrap_servers or "")
