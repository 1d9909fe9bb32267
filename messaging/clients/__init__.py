"""Thin wrappers around kafka-python's clients: the producer, a topic reader, topic admin
the assignor wrapper that reports the leader's table, and the pacing of a burst.
"""

from messaging.clients.burst import Burst, counts_id, nth
from messaging.clients.sender import Sender, SendError

__all__ = ["Burst", "SendError", "Sender", "counts_id", "nth"]
