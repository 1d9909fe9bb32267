"""How long a consumer's fetch waits: the latency and CPU dial of a broker without long-poll.

The profile picks :class:`FetchWait` where the broker sleeps out a fetch's wait
(``BrokerPolicy.sleeps_out_fetch_wait``: tansu) and :class:`LongPoll` elsewhere.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kafka import KafkaConsumer

# ----- the wait is both the latency and the CPU dial (tansu, measured) ------------------
# Measured with benchmarks/cpu.py (3 process consumers, /enviar at 200 msgs/s, kernel CPU
# per process): a 20 ms busy wait cost 5.0 ms of CPU per message for the whole system, 100 ms
# 3.35 ms, 250 ms 3.08 ms (the spec's system: 2.64 ms), for a send -> processed p50 of 5.5,
# 29.5 and 62 ms. Idle, with nothing sent, the whole system used 22 % of a core at 20/100 ms
# and 2.9 % once idle consumers fetch every 1.5 s and their loops turn once a second (the
# app's activity reader keeps a shorter idle wait: it is what the window waits for).
# The price: the first message after a pause waits up to the idle wait on tansu (Apache
# Kafka answers a waiting fetch as soon as a record comes: see LongPoll).
FETCH_WAIT_BUSY_MS, FETCH_WAIT_IDLE_MS = 250, 1500
READER_IDLE_WAIT_MS = 500
BUSY_FOR_S = 2.0  # how long after the last record a consumer keeps fetching eagerly
# A reader's poll() ends as soon as records come; an idle one blocks this long per loop
# (10 loop turns a second per reader cost about 1 % of a core each, idle).
POLL_BUSY_MS, POLL_IDLE_MS = 100, 1000


class FetchWait:
    """tansu: short fetch waits while traffic flows, long ones when idle.

    On tansu the wait is both the latency and the CPU dial: a fetch that finds nothing
    sleeps out its whole wait (tansu's fetch loop sleeps; it is not woken by a produce,
    as Apache Kafka's is), so a record waits up to one wait, and a busy consumer sends
    1000 / wait fetches a second. kafka-python's default 500 ms wait gave an e2e p50 of
    ~110 ms.

    Measured in-process with 3 consumers on tansu: a fixed 100 ms wait costs 0.10
    cores idle and gives an e2e p50 of 30 ms; a fixed 20 ms gives 10 ms but 0.30
    cores idle. Switching on recent traffic measured 0.10 cores idle and 8.8 ms.
    Measured with 3 process consumers at 200 msgs/s: the app's HTTP answer p50 was
    14-30 ms with the 20 ms wait and 5-6 ms with 100 ms (less CPU taken from the app
    on 2 cores), for a fetch delay p50 of 7 ms against 29 ms.
    """

    def __init__(self, idle_ms: int = FETCH_WAIT_IDLE_MS) -> None:
        self._last_records = 0.0
        self.idle_ms = idle_ms

    @property
    def busy(self) -> bool:
        return time.monotonic() - self._last_records < BUSY_FOR_S

    def poll_ms(self) -> int:
        """How long the reader's loop may block in one ``poll()``: records end it at once,
        so only an idle loop waits it out; it bounds how soon a stop is noticed."""
        return POLL_BUSY_MS if self.busy else POLL_IDLE_MS

    def adapt(self, consumer: KafkaConsumer, got_records: bool) -> None:
        from messaging.core import kafka_compat  # loaded by then: a dictionary lookup per poll

        if got_records:
            self._last_records = time.monotonic()
        wait = FETCH_WAIT_BUSY_MS if self.busy else self.idle_ms
        kafka_compat.set_fetch_max_wait(consumer, wait)


class LongPoll(FetchWait):
    """Apache Kafka: the consumer's own fetch wait, untouched.

    Kafka answers a waiting fetch as soon as a produce gives it records (long-poll), so
    kafka-python's default ``fetch_max_wait_ms`` (500) costs no latency.
    """

    def adapt(self, consumer: KafkaConsumer, got_records: bool) -> None:
        """Only note the traffic (for :meth:`poll_ms`); the wait stays Kafka's."""
        if got_records:
            self._last_records = time.monotonic()
