"""Hands core events from worker threads to the GUI thread, in coalesced batches.

Consumer threads publish an event per record; a burst of 20,000 messages is some
60,000 events. Emitting a Qt signal per event would flood the GUI thread's queue, so
the listener only appends to a buffer and emits one *wake* signal when none is
pending. The GUI thread then drains everything at most every ``interval_ms`` and
emits a single ``batch`` signal that every widget consumes in one go.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QTimer, Signal

from messaging.core.events import ConsumerSnapshot, Delivery, GroupChange, SentMessage


@dataclass
class Batch:
    """Events of one drain, split by kind; snapshots keep only the newest per consumer."""

    sent: list[SentMessage] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    changes: list[GroupChange] = field(default_factory=list)
    snapshots: dict[int, ConsumerSnapshot] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.sent) + len(self.deliveries) + len(self.changes) + len(self.snapshots)


class EventBridge(QObject):
    """Create on the GUI thread; :meth:`listen` is the hub listener (any thread)."""

    batch = Signal(object)  # a Batch, on the GUI thread
    _wake = Signal()  # emitted from worker threads; queued onto the GUI thread

    def __init__(self, interval_ms: int = 60, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._buffer = Batch()
        self._pending = False
        self._closed = False
        self._last_drain = 0.0
        self._interval = interval_ms / 1000
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.drain)
        self._wake.connect(self._schedule)
        self._unsubscribe: Callable[[], None] | None = None
        self.drains = 0

    def attach(self, subscribe: Callable[[Callable[[object], None]], Callable[[], None]]) -> None:
        """Subscribe to a hub (``runtime.hub.subscribe``); :meth:`close` unsubscribes."""
        self._unsubscribe = subscribe(self.listen)

    def listen(self, event: object) -> None:
        """Runs on worker/request threads: buffer the event, wake the GUI at most once."""
        with self._lock:
            if self._closed:
                return
            buf = self._buffer
            if isinstance(event, ConsumerSnapshot):
                buf.snapshots[event.id] = event
            elif isinstance(event, Delivery):
                buf.deliveries.append(event)
            elif isinstance(event, SentMessage):
                buf.sent.append(event)
            elif isinstance(event, GroupChange):
                buf.changes.append(event)
            else:
                return
            if self._pending:
                return
            self._pending = True
            # Under the lock: once close() has returned, no thread is inside emit() on
            # this object, so the window may delete it. A queued emit only posts an event.
            self._wake.emit()

    def _schedule(self) -> None:
        """GUI thread: drain now, or when ``interval`` has passed since the last drain."""
        if self._timer.isActive() or self._closed:
            return
        wait = self._interval - (time.monotonic() - self._last_drain)
        self._timer.start(max(int(wait * 1000), 0))

    def drain(self) -> Batch:
        """GUI thread: take everything buffered and hand it to the widgets as one batch."""
        with self._lock:
            taken, self._buffer = self._buffer, Batch()
            self._pending = False
        self._last_drain = time.monotonic()
        if len(taken):
            self.drains += 1
            self.batch.emit(taken)
        return taken

    def close(self) -> None:
        """Stop listening and drop what is buffered; safe to call twice.

        After it returns no worker thread touches this QObject again.
        """
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        with self._lock:
            self._closed = True
            self._buffer = Batch()
        self._timer.stop()
