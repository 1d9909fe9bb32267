"""What "processing a message" means in the demo, and when it fails.

Real work is simulated: a configurable delay, a poison marker (``"fail": true``)
that always fails, and a random failure rate a consumer can be given at runtime.
"""

from __future__ import annotations

import json
import random
from typing import Any


class ProcessingError(Exception):
    """The message could not be processed this time."""


def decode(raw: bytes | None) -> Any:
    """JSON when the payload is JSON (our producer's format), else the text itself."""
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return raw.decode("utf-8", errors="replace")


def check(value: Any, failure_rate: float, rng: random.Random = random._inst) -> None:
    """Raise :class:`ProcessingError` for a poison message or a simulated failure."""
    if isinstance(value, dict) and value.get("fail") is True:
        raise ProcessingError('poison message ("fail": true)')
    if failure_rate > 0 and rng.random() < failure_rate:
        raise ProcessingError(f"simulated failure (failure_rate={failure_rate:g})")


def backoff_s(retry: int, first_ms: int, cap_ms: int = 2000) -> float:
    """Delay before retry number ``retry`` (1-based): exponential, capped."""
    return min(first_ms * 2 ** (retry - 1), cap_ms) / 1000
