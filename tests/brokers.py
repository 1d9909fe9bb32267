"""The embedded broker a test session shares, checked between tests and replaced when broken.

The suite runs on one broker per run, its lane: tansu (the default) or Apache Kafka
(``pytest --broker apache``). Tests about a tansu quirk are marked ``tansu_only`` and left
out of the Apache Kafka lane.

Starting tansu takes ~0.2 s, but a runtime on a fresh broker also pays for every topic
and group from nothing; sharing one broker per session (per xdist worker) and giving
each test a topic and group of its own keeps tests apart at no cost. Only tests about
the broker itself (restarts, outages, a broker back empty) start one of their own.
"""

from __future__ import annotations

import itertools
import os
import uuid

from kafka import KafkaAdminClient

from messaging import broker as brokers
from messaging.broker import Broker

HEALTH_TIMEOUT_MS = 3000
_names = itertools.count(1)

# The lane this run tests on; tests/conftest.py sets it from --broker before collection.
LANE = os.environ.get("P2P_TEST_BROKER", brokers.TANSU)


class SharedBroker:
    """One embedded broker for many tests; :meth:`problem` says whether it still works."""

    def __init__(self) -> None:
        self.broker: Broker | None = None
        self.replaced: list[str] = []  # why each earlier broker was given up

    @property
    def address(self) -> str:
        assert self.broker is not None, "start() first"
        return self.broker.bootstrap_servers

    def start(self) -> SharedBroker:
        self.broker = brokers.embedded(LANE)
        self.broker.start()
        return self

    def stop(self) -> None:
        if self.broker is not None:
            self.broker.stop()
            self.broker = None

    def problem(self) -> str | None:
        """Why the broker cannot serve the next test (None when it can): it exited, or
        it did not answer a metadata request within HEALTH_TIMEOUT_MS."""
        if self.broker is None:
            return "not started"
        code = self.broker.exit_code()
        if code is not None:
            return f"the broker exited with code {code}"
        admin = None
        try:
            admin = KafkaAdminClient(
                bootstrap_servers=self.address,
                client_id="tests-health",
                request_timeout_ms=HEALTH_TIMEOUT_MS,
                bootstrap_timeout_ms=HEALTH_TIMEOUT_MS,
            )
            admin.list_topics()
        except Exception as exc:  # any failure is the answer, not an error of the check
            return f"the broker did not answer a metadata request ({exc})"
        finally:
            if admin is not None:
                admin.close()
        return None

    def replace(self, why: str) -> None:
        """A fresh broker in place of a broken one; ``why`` is kept for the summary."""
        self.replaced.append(why)
        self.stop()
        self.start()


def lane_profile() -> tuple[str, str]:
    """(profile name, how it was detected) of the lane's broker reached by address: tansu by
    its cluster id, Apache Kafka by its API keys (its cluster id is random)."""
    from messaging.broker import profile

    if LANE == brokers.APACHE:
        return profile.KAFKA, profile.API_VERSIONS
    return profile.TANSU, profile.CLUSTER_ID


def unique_names() -> dict[str, str]:
    """A topic and group no other test of this session uses (the spec's names, numbered)."""
    n = next(_names)
    tag = f"{os.getpid()}-{n}-{uuid.uuid4().hex[:4]}"
    return {"topic": f"mi-topico-{tag}", "group": f"grupo-consumidores-{tag}"}
