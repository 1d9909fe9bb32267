"""Lag per partition, read from the broker once a second on a thread of its own.

Lag = the partition's end offset minus the group's committed offset: what is
waiting for a consumer. Reading it costs two admin requests, so the API and the
window read the cached figures instead of asking the broker themselves.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from kafka import KafkaAdminClient, TopicPartition
from kafka.admin import OffsetSpec

from messaging import kafka_compat

log = logging.getLogger(__name__)


class LagMonitor(threading.Thread):
    """Polls end offsets and committed offsets every ``interval`` seconds."""

    def __init__(
        self,
        admin: KafkaAdminClient,
        topic: str,
        group: str,
        partitions: int,
        interval: float = 1.0,
    ) -> None:
        super().__init__(name="lag-monitor", daemon=True)
        self._admin, self.topic, self.group = admin, topic, group
        self._tps = [TopicPartition(topic, p) for p in range(partitions)]
        self.interval = interval
        self._halt = threading.Event()
        self.lag: dict[int, int] = {p: 0 for p in range(partitions)}
        self.end_offsets: dict[int, int] = {p: 0 for p in range(partitions)}
        self.updated_at: float | None = None
        self.on_members: Callable[[list[str]], None] | None = None

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                self.refresh()
            except Exception as exc:  # a broker outage: the next look may work
                log.debug("lag refresh failed: %s", exc)
            self._halt.wait(self.interval)

    def refresh(self) -> dict[int, int]:
        """Ask the broker now; returns ``{partition: lag}``."""
        ends = self._admin.list_partition_offsets({tp: OffsetSpec.LATEST for tp in self._tps})
        committed = self._admin.list_group_offsets({self.group: self._tps}).get(self.group, {})
        end = {tp.partition: max(o.offset, 0) for tp, o in ends.items()}
        done = {tp.partition: max(o.offset, 0) for tp, o in committed.items() if o is not None}
        self.end_offsets = end
        self.lag = {p: max(end.get(p, 0) - done.get(p, 0), 0) for p in sorted(end)}
        self.updated_at = time.time()
        if self.on_members is not None:
            self.on_members(group_client_ids(self._admin, self.group))
        return self.lag

    def use(self, admin: KafkaAdminClient) -> KafkaAdminClient:
        """Switch to a new admin client (after a broker restart); returns the old one."""
        old, self._admin = self._admin, admin
        return old

    def stop(self, timeout: float = 3.0) -> None:
        self._halt.set()
        if self.is_alive():
            self.join(timeout)


def describe_group(admin: KafkaAdminClient, group: str) -> Any:
    """The broker's DescribeGroups answer for ``group`` (its state, its members).

    kafka-python's describe_groups asks for ACL bits that tansu answers with a value
    kafka-python cannot parse (15), so this asks without them, on every broker (see
    messaging/profile.py).
    """
    return kafka_compat.describe_group(admin, group)


def group_client_ids(admin: KafkaAdminClient, group: str) -> list[str]:
    """Client ids of the group's members, as the broker lists them.

    tansu leaves the client id field empty; its member ids are ``<client id>-<uuid>``,
    as on Kafka.
    """
    return [
        member.client_id or member.member_id.rsplit("-", 5)[0]
        for member in describe_group(admin, group).members
    ]
