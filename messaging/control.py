"""App -> consumer commands through Kafka: the control topic.

Stop, crash and configure are addressed to one consumer by uid. Every consumer outside
the app's process reads the control topic from its end with ``assign()`` (not as a
group member: every consumer must see every command), so a consumer on another machine
can be driven by a window it shares nothing with but the cluster.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from messaging.activity import control_topic

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

    def __init__(self, bootstrap_servers: str, topic: str, uid: str, handle: Handler) -> None:
        self.topic, self.uid, self._handle = control_topic(topic), uid, handle
        self._bootstrap = bootstrap_servers
        self._halt = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="control", daemon=True)

    def start(self, timeout: float = 10.0) -> None:
        self._thread.start()
        self._ready.wait(timeout)

    def _run(self) -> None:
        consumer = KafkaConsumer(
            bootstrap_servers=self._bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="latest",
            fetch_max_wait_ms=200,
            client_id=f"p2p-demo-control-{self.uid}",
        )
        try:
            tp = TopicPartition(self.topic, 0)
            consumer.assign([tp])
            consumer.seek_to_end(tp)
            consumer.position(tp)
            self._ready.set()
            while not self._halt.is_set():
                for records in consumer.poll(timeout_ms=200).values():
                    for record in records:
                        self._one(record.value)
        except Exception:  # noqa: BLE001 - without control the consumer still works
            log.exception("control listener failed")
        finally:
            self._ready.set()
            consumer.close(autocommit=False, timeout_ms=1000)

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

    def stop(self, timeout: float = 2.0) -> None:
        self._halt.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
