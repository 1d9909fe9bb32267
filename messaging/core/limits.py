"""The ranges every knob of the app accepts, shared by the flags and the REST API.

Out-of-range values fail up front with one line instead of deep inside a Kafka client.
"""

from __future__ import annotations

# The widest session timeout any broker profile accepts: tansu's floor (1000 ms) to
# Apache Kafka's default ceiling (1,800,000 ms). Each profile narrows it, with its reasons
# (messaging/broker/profile.py); flags are checked against the profile once it is known.
SESSION_TIMEOUT_MS = (1000, 1_800_000)
# Partitions of a topic the app creates (--partitions, POST /api/topic). A group has at
# most 32 consumers (CONSUMERS), so past two partitions each there is nothing more to see,
# and every partition costs: on Apache Kafka a log on disk whose first record waits for
# its segment (measured: 600 new partitions took 3.6 s to take one record each, and the
# fuzz's topic of 604 left /enviar answering 503 for seconds); in the window a cell of
# the partition map.
PARTITIONS = (1, 64)
# The live-consumer cap, one group (CONSUMERS, MAX_CONSUMERS) and all groups together
# (LIVE_CONSUMERS): every consumer is a Kafka client of its own, a process one also an
# interpreter of ~40 MB. Chosen by scripts/worst_case.py (64 partitions, 4 groups, a
# 20,000-message burst from the window, 2 cores): at 32 consumers the window stalled up to
# 1.9 s (p99 1.1 s) and the idle system used 58 % of a core; at 16, up to 0.9 s (p99 0.6
# s) and 35 %; with the default 3, 0.2 s and 9 %. Past 16 a classroom sees nothing new:
# 6 partitions feed 6 consumers, and the rest sit idle.
CONSUMERS = (0, 16)
MAX_CONSUMERS = (1, 16)
LIVE_CONSUMERS = 16
PROCESSING_MS = (0, 600_000)  # per message, as PATCH /api/consumers/{id} allows
MAX_RETRIES = (0, 100)
PORT = (0, 65535)  # 0 = any free port
# How long a stop request waits for the consumer to leave before it answers "stopping"
# (HTTP 202): an idle consumer leaves within a second; one finishing a long message, or
# waiting for a rebalance on tansu, is polled instead of holding the request.
STOP_WAIT_S = 3.0


def whole_number_in(text: str, bounds: tuple[int, int]) -> int:
    """``text`` as an int within ``bounds``; ValueError with a readable reason otherwise."""
    low, high = bounds
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"must be a whole number (got {text!r})") from None
    if not low <= value <= high:
        raise ValueError(f"must be between {low} and {high} (got {value})")
    return value
