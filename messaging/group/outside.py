"""What members that report nothing consumed, told by the group's committed offsets.

The spec's plain consumer.py reports nothing to the app, but it commits its offsets (every
5 s with kafka-python's auto-commit). When the group's committed offset of a partition
moves from ``a`` to ``b`` while a member that reports nothing owns it, the messages at
``a`` <= offset < ``b`` were consumed by that member. They are recorded as ``consumed``
deliveries of it, so the message list colours them, the totals add up
(sent = processed + consumed outside + in flight + lag) and its card counts them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from messaging.audit.ledger import Ledger
from messaging.core.events import CONSUMED, OUTSIDE, Delivery
from messaging.group.fleet import Fleet


class OutsideConsumption:
    """One per group; :meth:`committed` is called by the group's lag monitor each second."""

    def __init__(self, fleet: Fleet, ledger: Ledger, deliver: Callable[[Delivery], None]) -> None:
        self._fleet, self._ledger, self._deliver = fleet, ledger, deliver
        self._seen: dict[tuple[str, int], int] = {}  # (topic, partition) -> committed offset
        self._lock = threading.Lock()

    def committed(self, topic: str, offsets: dict[int, int]) -> int:
        """The group's committed offsets now; returns how many messages were recorded."""
        owners = self._fleet.view().owners
        found = 0
        with self._lock:
            for partition, offset in offsets.items():
                before = self._seen.get((topic, partition))
                self._seen[(topic, partition)] = offset
                owner = owners.get(partition)
                if before is None or offset <= before or owner is None or owner.kind != OUTSIDE:
                    continue
                group = self._fleet.group
                records = self._ledger.unprocessed_between(group, topic, partition, before, offset)
                for r in records:
                    self._deliver(
                        Delivery(
                            r.message_id,
                            owner.id,
                            owner.name,
                            r.key,
                            partition,
                            r.offset,
                            1,
                            False,
                            CONSUMED,
                            group=group,
                            topic=topic,
                        )
                    )
                found += len(records)
                self._fleet.count_consumed(owner.id, len(records))
        return found
