"""Lag per partition and the broker's view of the group, read once a second on a thread.

Lag = the partition's end offset minus the group's committed offset: what is waiting
for a consumer. Reading it costs two admin requests, so the API and the window read the
cached figures instead of asking the broker themselves. The same look asks the broker to
describe the group (its state, its members and, where the broker fills it, each member's
assignment) for the group model.

The monitor makes its own admin client on its own thread: whoever creates a monitor (the
activity reader, when a consumer of a new group reports) never waits for a connection.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from kafka import KafkaAdminClient, TopicPartition
from kafka.admin import OffsetSpec
from kafka.protocol.consumer.metadata import ConsumerProtocolAssignment

from messaging.core import kafka_compat
from messaging.group.model import Described

log = logging.getLogger(__name__)


IDLE_INTERVAL_S = 5.0  # between looks while nothing changes (and nobody nudges)
IDLE_AFTER = 5  # unchanged looks in a row before the monitor slows down


class LagMonitor(threading.Thread):
    """Polls end offsets, committed offsets and the group's description every ``interval``,
    or every IDLE_INTERVAL_S while nothing changes; :meth:`nudge` (a send, a report)
    brings the next look forward. An idle demo left open then costs a look per 5 s."""

    def __init__(
        self,
        bootstrap_servers: str,
        topic: str,
        group: str,
        partitions: int,
        interval: float = 1.0,
    ) -> None:
        super().__init__(name="lag-monitor", daemon=True)
        self._servers, self.topic, self.group = bootstrap_servers, topic, group
        self._tps = [TopicPartition(topic, p) for p in range(partitions)]
        self.interval = interval
        self._halt = threading.Event()
        self._nudged = threading.Event()
        self._unchanged = 0
        self.keep_looking: Callable[[], bool] = lambda: False  # e.g. silent members to watch
        self._admin: KafkaAdminClient | None = None
        self.lag: dict[int, int] = {p: 0 for p in range(partitions)}
        self.end_offsets: dict[int, int] = {p: 0 for p in range(partitions)}
        self.committed: dict[int, int] = {}
        self.updated_at: float | None = None
        self.on_described: Callable[[Described], None] | None = None
        self.on_committed: Callable[[str, dict[int, int]], None] | None = None

    def run(self) -> None:
        try:
            while not self._halt.is_set():
                try:
                    self.refresh()
                except Exception as exc:  # a broker outage: the next look may work
                    log.debug("lag refresh failed: %s", exc)
                    self._drop_admin()  # a new client after an outage, not a stale one
                idle = self._unchanged >= IDLE_AFTER and not self.keep_looking()
                self._nudged.wait(IDLE_INTERVAL_S if idle else self.interval)
                self._nudged.clear()
        finally:
            self._drop_admin()

    def refresh(self) -> dict[int, int]:
        """Ask the broker now; returns ``{partition: lag}``."""
        admin = self._client()
        ends = admin.list_partition_offsets({tp: OffsetSpec.LATEST for tp in self._tps})
        committed = admin.list_group_offsets({self.group: self._tps}).get(self.group, {})
        end = {tp.partition: max(o.offset, 0) for tp, o in ends.items()}
        done = {tp.partition: max(o.offset, 0) for tp, o in committed.items() if o is not None}
        same = (end, done) == (self.end_offsets, self.committed)
        self._unchanged = self._unchanged + 1 if same else 0
        self.end_offsets, self.committed = end, done
        self.lag = {p: max(end.get(p, 0) - done.get(p, 0), 0) for p in sorted(end)}
        self.updated_at = time.time()
        if self.on_committed is not None:
            self.on_committed(self.topic, done)
        if self.on_described is not None:
            self.on_described(describe(admin, self.group, self.topic))
        return self.lag

    def _client(self) -> KafkaAdminClient:
        if self._admin is None:
            self._admin = KafkaAdminClient(
                bootstrap_servers=self._servers,
                client_id="p2p-demo-lag",
                request_timeout_ms=5000,
            )
        return self._admin

    def _drop_admin(self) -> None:
        admin, self._admin = self._admin, None
        if admin is not None:
            try:
                admin.close()
            except Exception:  # closing a client of a gone broker may fail
                log.debug("admin close failed", exc_info=True)

    def nudge(self) -> None:
        """Something happened (a send, a consumer's report): look again soon."""
        if self._unchanged:
            self._unchanged = 0
            self._nudged.set()

    def stop(self, timeout: float = 3.0) -> None:
        self._halt.set()
        self._nudged.set()
        if self.is_alive():
            self.join(timeout)
        else:
            self._drop_admin()


def describe(admin: KafkaAdminClient, group: str, topic: str) -> Described:
    """The broker's description of ``group``: its state and, per member id, the client id
    and the member's partitions of ``topic`` (None where the broker left them empty).

    tansu leaves the client id empty; its member ids are ``<client id>-<uuid>``, as on
    Kafka, so the client id is read from there.
    """
    described = kafka_compat.describe_group(admin, group)
    members: dict[str, tuple[str, tuple[int, ...] | None]] = {}
    for m in described.members:
        client_id = m.client_id or m.member_id.rsplit("-", 5)[0]
        members[m.member_id] = (client_id, _partitions(m.member_assignment, topic))
    return Described(described.group_state or "", members)


def _partitions(raw: bytes | None, topic: str) -> tuple[int, ...] | None:
    """A member's partitions of ``topic`` from DescribeGroups' assignment bytes."""
    if not raw:
        return None
    try:
        assignment = ConsumerProtocolAssignment.decode(raw)
    except Exception:  # another protocol's bytes (not a consumer group's): unknown
        return None
    return tuple(sorted(tp.partition for tp in assignment.partitions() if tp.topic == topic))
