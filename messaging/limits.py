"""The ranges every knob of the app accepts, shared by the flags and the REST API.

Out-of-range values fail up front with one line instead of deep inside a Kafka client.
"""

from __future__ import annotations

# Measured with scripts/session_probe.py on the embedded tansu and kafka-python 3.0.12:
# at 900 ms three consumers never finished a rebalance (SyncGroup kept failing), at
# 1000 ms they did (also with two busy-loop processes on the 2 cores). Upwards, tansu
# holds every JoinGroup for half a session (joins took 29 s at 55 s, 33 s at 65 s), and
# kafka-python gives a JoinGroup the rebalance timeout (max_poll_interval_ms, 300 s)
# plus 5 s: past 300 s a session outlasts the rebalance timeout, and past ~610 s joins
# would time out, so the app stops at 300 s.
SESSION_TIMEOUT_MS = (1000, 300_000)
PARTITIONS = (1, 1000)
# The live-consumer cap: every consumer is a Kafka client of its own.
CONSUMERS = (0, 32)
MAX_CONSUMERS = (1, 32)
PROCESSING_MS = (0, 600_000)  # per message, as PATCH /api/consumers/{id} allows
MAX_RETRIES = (0, 100)
PORT = (0, 65535)  # 0 = any free port


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
