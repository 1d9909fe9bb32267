"""The group leader's whole assignment, reported: how the app knows every member's partitions.

In a Kafka consumer group the leader (a consumer, not the broker) computes who gets which
partition and the broker hands each member its share. Only the leader sees the whole
table. Apache Kafka returns each member's share in DescribeGroups, tansu leaves it empty,
so a member that reports nothing (the spec's plain consumer.py) would be a guess. When one
of the app's consumers leads the group it knows the answer: :class:`ReportingAssignor`
wraps the configured assignor and hands the table it computed to a callback, once the
generation that table belongs to is known. This works on any broker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kafka.coordinator.assignors.abstract import AbstractPartitionAssignor

Table = dict[str, tuple[int, ...]]  # member id -> partition numbers of the topic
OnTable = Callable[[int, str, Table], None]  # (generation, topic, table)


class ReportingAssignor(AbstractPartitionAssignor):
    """The configured assignor, unchanged, plus a report of what it assigned as leader.

    kafka-python accepts assignor instances (it instantiates only classes), so one of
    these per consumer carries that consumer's callback. ``assign`` runs only on the
    leader; ``on_assignment`` runs on every member with the generation, right after the
    leader's SyncGroup, which is when the leader's table is reported.
    """

    def __init__(self, inner: AbstractPartitionAssignor, topic: str, on_table: OnTable) -> None:
        self._inner, self.topic, self._on_table = inner, topic, on_table
        self._table: Table | None = None
        self.generation = -1

    @property
    def name(self) -> str:
        return self._inner.name

    def supported_protocols(self) -> list[Any]:
        return self._inner.supported_protocols()

    def metadata(self, topics: Any) -> Any:
        return self._inner.metadata(topics)

    def assign(self, cluster: Any, members: Any) -> dict[str, Any]:
        assignments = self._inner.assign(cluster, members)
        self._table = {
            member: tuple(sorted(tp.partition for tp in a.partitions() if tp.topic == self.topic))
            for member, a in assignments.items()
        }
        return assignments

    def on_assignment(self, assignment: Any, generation: int) -> None:
        self._inner.on_assignment(assignment, generation)
        self.generation = generation
        table, self._table = self._table, None
        if table is not None:
            self._on_table(generation, self.topic, table)
