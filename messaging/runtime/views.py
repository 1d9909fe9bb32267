"""What the REST API and the window read: figures, snapshots, health, the join command.

Read from what the parts already hold (the ledger, the fleets' views, the lag monitors'
cached figures, the broker watch's last status), so a read never waits for the broker;
only ``health`` before the broker watch runs asks it.
"""

from __future__ import annotations

from typing import Any

from messaging.broker import BrokerError, wait_reachable
from messaging.channel.control import consumer_launcher, join_command
from messaging.core import reasons
from messaging.core.events import ConsumerSnapshot
from messaging.core.reasons import Reason
from messaging.group.fleet import Fleet
from messaging.runtime.groups import GroupRegistry
from messaging.runtime.parts import Parts

RECENT_MOVES = 10  # partition moves the stats show


class ReadModels:
    """Reads on the caller's thread (GUI, WSGI, tests); nothing here starts a client."""

    def __init__(self, parts: Parts, groups: GroupRegistry) -> None:
        self._parts, self._groups = parts, groups

    def stats(self) -> dict[str, Any]:
        """The default group's figures, with every group's in ``groups``."""
        # Read before the members: their figures (in flight, lag) add up with these.
        totals = self._parts.ledger.totals()
        fleet, monitor = self._groups.fleet, self._groups.monitor
        view = fleet.view() if fleet else None
        members = view.members if view else ()
        lag = dict(monitor.lag) if monitor else {}
        return {
            **totals,
            "in_flight": sum(1 for s in members if s.in_flight),
            "lag": {str(p): n for p, n in lag.items()},
            "consumers": {
                s.name: {
                    "kind": s.kind,
                    "state": s.state,
                    "partitions": list(s.partitions),
                    "assignment_source": s.assignment_source or None,
                    "processed": s.processed,
                }
                for s in members
            },
            "live": fleet.counts() if fleet else {},
            "group_state": view.state if view else "Empty",
            "rebalances": view.rebalances if view else 0,
            "order": self._parts.ledger.order(),
            "groups": {f.group: self.group_stats(f) for f in self._groups.all()},
            "assignor": self._parts.settings.assignor,
            "moves": [
                {"rebalance": m.rebalance, "moved": list(m.partitions), "at": m.at}
                for m in (view.moves if view else ())
            ][-RECENT_MOVES:],
        }

    def group_stats(self, fleet: Fleet) -> dict[str, Any]:
        """One group as the API and the window show it."""
        monitor = self._groups.monitor_of(fleet.group)
        view = fleet.view()
        return {
            "group": fleet.group,
            "assignor": fleet.settings.assignor,
            "group_state": view.state,
            "rebalances": view.rebalances,
            "live": len(fleet.live()),
            "lag": {str(p): n for p, n in (monitor.lag if monitor else {}).items()},
        }

    def snapshots(self) -> list[ConsumerSnapshot]:
        """Every consumer of every group, by id."""
        return sorted((s for f in self._groups.all() for s in f.snapshots()), key=lambda s: s.id)

    def note_idle_consumers(self) -> Reason | None:
        """Why some consumers sit idle (more of them than partitions), if they do; the
        reason joins the runtime's warnings (once), where /health and the window list it."""
        p, fleet = self._parts, self._groups.fleet
        live = len(fleet.live()) if fleet else 0
        if live <= p.partitions:
            return None
        warning = reasons.idle_consumers(p.settings.topic, p.partitions, live)
        if warning not in p.warnings:
            p.warnings.append(warning)
        return warning

    def health(self) -> tuple[bool, dict[str, Any]]:
        """Whether the broker answers now, with what a health check should show."""
        p = self._parts
        info: dict[str, Any] = {
            "broker": p.bootstrap_servers,
            "embedded": p.embedded,
            "broker_kind": p.embedded_kind or "external",
            "broker_version": p.broker_version,
            "topic": p.settings.topic,
            "group": p.settings.group,
            "partitions": p.partitions,
            "warnings": [p.exposure.as_dict()] if p.exposure else [],
        }
        if p.profile is not None:
            info["profile"] = p.profile.as_json()
        watch = p.broker_watch
        if watch is not None and not watch.status.up:
            return False, {**info, "status": "unavailable", "error": watch.status.detail}
        if watch is None:
            try:
                wait_reachable(p.bootstrap_servers, timeout=1.0)
            except BrokerError as exc:
                return False, {**info, "status": "unavailable", "error": str(exc)}
        fleet = self._groups.fleet
        state = fleet.view().state if fleet else "Empty"
        return True, {**info, "status": "ok", "group_state": state}

    def join_command(self) -> str:
        """The one command that starts a consumer of this group in another terminal or on
        another machine, with the key that lets this app drive it."""
        p = self._parts
        s = p.settings
        key = p.control.remote_key if p.control else None
        return join_command(
            p.bootstrap_servers, s.topic, s.group, s.channel, key, consumer_launcher()
        )

    @property
    def broker_reason(self) -> Reason | None:
        """The latest outage or recovery, for the status bar; None when there was none."""
        watch = self._parts.broker_watch
        if watch is None or not watch.outages:
            return None
        return watch.status.reason

    @property
    def broker_note(self) -> str | None:
        """:attr:`broker_reason` in English (logs, tests)."""
        reason = self.broker_reason
        return reason.english() if reason else None
