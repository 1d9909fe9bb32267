"""What a worker needs from its home: where it reports, where dead letters go, its settings.

Each home (a thread of the app, a child process, a process on another machine) fills a
:class:`Setup`; the worker itself never asks where it runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from messaging.audit.traffic_log import TrafficLog
from messaging.consumer.status import Sink
from messaging.core.config import Settings


class DeadLetters(Protocol):
    """Publishes an already-encoded record and waits for its acknowledgement."""

    def publish_raw(
        self, topic: str, value: bytes | None, key: bytes | None, headers: list[tuple[str, bytes]]
    ) -> None: ...


@dataclass
class Setup:
    """What a worker needs from its home."""

    settings: Settings
    bootstrap_servers: str
    sink: Sink
    dead_letters: DeadLetters
    traffic: TrafficLog | None = None  # the worker's own traffic lines (standalone only)
