"""A burst: many copies of one body, ids counting up, sent in chunks at a chosen rate.

The arithmetic lives here, apart from any window, so that the window's form, a script or
a test paces a burst the same way. Whoever drives it owns the clock and the sending: it
asks for the next chunk, sends it (``Sender.send_many``: one acknowledgement wait per
chunk), reports it sent, and sleeps for :meth:`Burst.pause` before the next.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

CHUNK = 500  # records per send_many call at full speed: one ack wait per chunk
TICKS_PER_S = 10  # a paced burst sends a chunk about this often, so the rate looks smooth

Body = dict[str, Any]
Item = tuple[Body, str | None]  # a record's body and key, as Sender.send_many takes them


def counts_id(body: Body) -> bool:
    """Whether ``body`` has an integer ``id`` to count up (the spec's body does)."""
    value = body.get("id")
    return isinstance(value, int) and not isinstance(value, bool)


def nth(body: Body, i: int) -> Body:
    """The ``i``-th of a series starting at ``body``: its ``id`` moved on by ``i``, so
    consecutive sends differ. A body without an integer id is sent as it is."""
    return {**body, "id": body["id"] + i} if counts_id(body) else body


def chunk_size(rate: int) -> int:
    """Records per chunk: CHUNK at full speed (``rate`` 0), else a tenth of a second's
    worth, at least one."""
    return CHUNK if rate <= 0 else max(1, min(CHUNK, rate // TICKS_PER_S))


class Burst:
    """``count`` records of ``body`` (ids counting up) under ``key``, at ``rate`` per
    second (0: as fast as the broker acknowledges). One driver, one thread at a time."""

    def __init__(self, body: Body, count: int, key: str | None, rate: int) -> None:
        self.body, self.count, self.key, self.rate = body, count, key, rate
        self.sent = 0  # acknowledged so far
        self.cancelled = False
        self._start: float | None = None

    @property
    def chunk(self) -> int:
        return chunk_size(self.rate)

    def chunks(self, now: float) -> Iterator[list[Item]]:
        """The records, a chunk at a time, until all are out or the burst is cancelled.
        ``now`` is the driver's clock when the burst starts (the pace counts from it)."""
        self._start = now
        for first in range(0, self.count, self.chunk):
            if self.cancelled:
                return
            last = min(first + self.chunk, self.count)
            yield [(nth(self.body, i), self.key) for i in range(first, last)]

    def acknowledged(self, n: int) -> None:
        """``n`` more records of the burst were acknowledged."""
        self.sent += n

    def pause(self, now: float) -> float:
        """Seconds to wait before the next chunk so that the burst keeps its rate
        (never negative; none at full speed)."""
        if self.rate <= 0 or self._start is None:
            return 0.0
        return max(self._start + self.sent / self.rate - now, 0.0)

    def cancel(self) -> None:
        """Stop before the next chunk; the chunk being sent still completes."""
        self.cancelled = True

    def next_body(self) -> Body:
        """The body the form shows after the burst: the id after the last one sent."""
        return nth(self.body, self.sent)
