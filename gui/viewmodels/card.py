"""One consumer card's numbers: rate, crash countdown, progress of the message in flight."""

from __future__ import annotations

from collections import deque

from messaging.core.events import (
    CRASHED,
    OUTSIDE,
    PROCESSING,
    STOPPED,
    STOPPING,
    ConsumerSnapshot,
    Delivery,
)

RECENT = 5  # processed messages a card lists (as many as its height shows)
RATE_WINDOW_S = 5.0  # the rate is the processed count's slope over this long
RATE_SAMPLES = 40  # at most this many (time, count) samples kept for it
RATE_MIN_SPAN_S = 0.2  # below this span the slope is noise: the rate reads 0


class CardModel:
    """What a card shows of its consumer, fed by the grid's batches and the clock.

    GUI thread only (the card's), but free of Qt: every reading takes ``now``.
    """

    def __init__(self, snapshot: ConsumerSnapshot) -> None:
        self.snapshot = snapshot
        self.recent: deque[Delivery] = deque(maxlen=RECENT)  # processed, oldest first
        self._rates: deque[tuple[float, int]] = deque(maxlen=RATE_SAMPLES)
        self._started: tuple[str, float] | None = None  # in-flight message id, start time

    @property
    def processed(self) -> int:
        return self.snapshot.processed

    @property
    def dead(self) -> bool:
        return self.snapshot.state in (STOPPED, CRASHED)

    @property
    def drivable(self) -> bool:
        """Whether Stop, Crash and the delay apply: a live consumer the app drives."""
        snap = self.snapshot
        return not self.dead and snap.state != STOPPING and snap.kind != OUTSIDE

    @property
    def busy(self) -> bool:
        """Working on a message right now."""
        return bool(self.snapshot.in_flight) and not self.dead

    def apply(self, snap: ConsumerSnapshot) -> None:
        """The consumer's newest state; a message no longer in flight has no start."""
        self.snapshot = snap
        if not snap.in_flight:
            self._started = None

    def add_deliveries(self, deliveries: list[Delivery]) -> None:
        """This consumer's deliveries of one batch, oldest first: a start marks the
        message in flight, anything else joins the recent list."""
        for d in deliveries:
            if d.status == PROCESSING:
                self._started = (d.message_id, d.at)
            else:
                self.recent.append(d)

    def rate(self, now: float) -> float:
        """Messages per second over the last few seconds; samples the count at ``now``."""
        processed = self.snapshot.processed
        self._rates.append((now, processed))
        while len(self._rates) > 2 and now - self._rates[0][0] > RATE_WINDOW_S:
            self._rates.popleft()
        t0, n0 = self._rates[0]
        return (processed - n0) / (now - t0) if now - t0 > RATE_MIN_SPAN_S else 0.0

    def seconds_left(self, now: float) -> float | None:
        """Of a crashed consumer's session: how long until the broker notices (negative:
        that long ago). None while it is not crashed."""
        snap = self.snapshot
        if snap.state != CRASHED or snap.crashed_at is None:
            return None
        return snap.session_timeout_ms / 1000 - (now - snap.crashed_at)

    def progress(self, now: float) -> float | None:
        """How far the message in flight is, 0..1, by the processing time it was given;
        None when that is unknown (no start seen, or no processing time)."""
        snap = self.snapshot
        if not self.busy or snap.processing_ms <= 0:
            return None
        if not self._started or self._started[0] != snap.in_flight:
            return None
        done = (now - self._started[1]) * 1000 / snap.processing_ms
        return min(max(done, 0.0), 1.0)
