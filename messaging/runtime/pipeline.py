"""The one way a consumer's events enter the app, wherever the consumer runs.

A thread consumer hands its events to the pipeline on its own thread; a process or remote
consumer reports them on the activity topic and the activity reader hands them over; what
members that report nothing consumed is found by the lag monitor. Each source first puts
its events under the app's identity of the member (the fleet's part), then the same steps
follow: the lag monitor looks again, the ledger records the deliveries, the traffic log
writes its lines, and the observers (window, tests) hear every event in order.
"""

from __future__ import annotations

from messaging.audit import traffic_log
from messaging.core.events import DEAD_LETTERED, Delivery, SentMessage
from messaging.runtime.groups import GroupRegistry
from messaging.runtime.parts import Parts


class Pipeline:
    """Also the sink of thread workers (:class:`messaging.consumer.worker.Sink`)."""

    def __init__(self, parts: Parts, groups: GroupRegistry) -> None:
        self._parts, self._groups = parts, groups

    # ----- the sources ------------------------------------------------------------------
    def report(self, event: object) -> None:
        """An event of a thread worker (on its thread): ids are already the app's."""
        group = getattr(event, "group", "") or self._parts.settings.group
        fleet = self._groups.get(group)
        if fleet is not None:
            self._take(group, [fleet.observe_local(event)])

    def flush(self, timeout: float) -> bool:
        return True  # already in the ledger

    def reported(self, uid: str, events: list[object]) -> None:
        """Events a process or remote consumer reported on the activity topic (on the
        activity reader's thread)."""
        fleet = self._groups.of_reporter(uid, events)
        if fleet is not None:
            self._take(fleet.group, [fleet.observe(uid, event) for event in events])

    def deliver(self, delivery: Delivery) -> None:
        """What a member that reports nothing consumed (on the lag monitor's thread)."""
        self._take(delivery.group, [delivery])

    def on_hub(self, event: object) -> None:
        """A message went out: idle lag monitors look again now (lag grows)."""
        if isinstance(event, SentMessage):
            for monitor in self._groups.all_monitors():
                monitor.nudge()

    # ----- the steps every source shares ------------------------------------------------
    def _take(self, group: str, observed: list[object | None]) -> None:
        """Ledger and traffic log first, then the observers, in the source's order; one
        ledger lock for all the deliveries of a report."""
        seen = [e for e in observed if e is not None]
        deliveries = [e for e in seen if isinstance(e, Delivery)]
        if deliveries and (monitor := self._groups.monitor_of(group)) is not None:
            monitor.nudge()  # an idle monitor looks at the lag again now
        recorded = iter(self._parts.ledger.record_deliveries(deliveries) if deliveries else ())
        for event in seen:
            if isinstance(event, Delivery):
                event, starts = next(recorded)
                self._logged(event, starts)
            self._parts.hub.publish(event)

    def _logged(self, d: Delivery, starts: bool) -> None:
        """The traffic log's lines of a recorded delivery."""
        if starts:
            self._log_delivery(traffic_log.RECEIVED, d)
        if d.status == DEAD_LETTERED:
            self._log_delivery(traffic_log.DEAD_LETTERED, d)

    def _log_delivery(self, what: str, d: Delivery) -> None:
        traffic = self._parts.traffic
        if traffic:
            where = (d.topic or self._parts.settings.topic, d.partition, d.offset)
            traffic.consumed(what, d.message_id, where, d.consumer, d.key, d.attempt)
