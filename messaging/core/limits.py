"""The ranges every knob of the app accepts, shared by the flags and the REST API.

Out-of-range values fail up front with one line instead of deep inside a Kafka client.
"""

from __future__ import annotations

from messaging.core.events import PROCESS, THREAD
from messaging.core.names import MAX_NAME, MAX_TOPIC, NAME_CHARACTERS

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
FAILURE_RATE = (0.0, 1.0)  # the share of messages a consumer fails on purpose
# Where a consumer the app starts runs; remote and outside members are started elsewhere.
NEW_CONSUMER_KINDS = (PROCESS, THREAD)
# Consumers POST /api/groups starts with a new group; more join one by one (POST
# /api/consumers), each within CONSUMERS and LIVE_CONSUMERS.
GROUP_CONSUMERS = (0, 4)
MAX_RETRIES = (0, 100)
PORT = (0, 65535)  # 0 = any free port
# Names the REST API takes for a new group or topic: Kafka's topic characters (see
# messaging/core/names.py), a group up to Kafka's longest name, a topic short enough for
# the app's derived topics. Spelled for people and for a JSON Schema pattern alike.
GROUP_NAME = (1, MAX_NAME)
TOPIC_NAME = (1, MAX_TOPIC)
# REST request bodies: bytes, messages per batch, and JSON nesting. Deeper JSON would reach
# the interpreter's recursion limit in the parser or in any later json.dumps (producer,
# answer, window), a 500; real payloads stay far below.
MAX_BODY = 1024 * 1024  # 1 MiB
BATCH_MESSAGES = (1, 10_000)
MAX_DEPTH = 100
MAX_API_TOKEN = 256  # characters of --api-token
# GET /api/messages: how many of the newest it lists, and by default.
MESSAGES_LISTED = (1, 10_000)
MESSAGES_LISTED_DEFAULT = 100
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


def name_pattern(bounds: tuple[int, int]) -> str:
    """A JSON Schema pattern for a name of NAME_CHARACTERS within ``bounds`` characters."""
    low, high = bounds
    return f"^[{''.join(NAME_CHARACTERS)}]{{{low},{high}}}$"


def name_rule(bounds: tuple[int, int]) -> str:
    """The same rule in words: ``1-249 characters of A-Z a-z 0-9 . _ -``."""
    low, high = bounds
    return f"{low}-{high} characters of {' '.join(NAME_CHARACTERS)}"
