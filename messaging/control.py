"""App -> consumer commands through Kafka: the control topic.

Stop, crash and configure are addressed to one consumer by uid. Every consumer outside
the app's process reads the control topic from its end with ``assign()`` (not as a
group member: every consumer must see every command), so a consumer on another machine
can be driven by a window it shares nothing with but the cluster.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from messaging.activity import control_topic
from messaging.profile import BrokerProfile
from messaging.tail import TopicTail

log = logging.getLogger(__name__)
STOP, CRASH, CONFIGURE, SUBSCRIBE = "stop", "crash", "configure", "subscribe"
Publish = Callable[[str, bytes | None, bytes | None, list[tuple[str, bytes]]], None]
Handler = Callable[[str, dict[str, Any]], None]


def command(uid: str, op: str, **args: Any) -> bytes:
    return json.dumps({"to": uid, "op": op, "args": args}).encode()


class ControlChannel:
    """The app's side: publishes commands with an acknowledged producer call."""

    def __init__(self, publish: Publish, topic: str) -> None:
        self._publish, self.topic = publish, control_topic(topic)

    def send(self, uid: str, op: str, **args: Any) -> None:
        """Raises :class:`messaging.sender.SendError` when the broker did not take it."""
        self._publish(self.topic, command(uid, op, **args), uid.encode(), [])


class ControlListener:
    """A consumer's side: calls ``handle(op, args)`` for each command addressed to ``uid``."""

    def __init__(
        self,
        bootstrap_servers: str,
        topic: str,
        uid: str,
        handle: Handler,
        profile: BrokerProfile,
    ) -> None:
        self.uid, self._handle = uid, handle
        self._tail = TopicTail(
            bootstrap_servers, control_topic(topic), self._one, "control", profile
        )

    def start(self, timeout: float = 10.0) -> None:
        self._tail.start(timeout)

    def stop(self, timeout: float = 2.0) -> None:
        self._tail.stop(timeout)

    def _one(self, raw: bytes | None) -> None:
        try:
            data = json.loads(raw or b"")
            if data.get("to") != self.uid:
                return
            op, args = str(data["op"]), dict(data.get("args") or {})
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("skipped a malformed control record")
            return
        self._handle(op, args)
