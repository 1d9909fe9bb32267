"""What happened to every message: the ledger, the traffic log and the export.

The ledger is the one record the window, the REST API and the export read; the traffic
log is its line-per-event twin on disk.
"""

from messaging.audit.export import (
    NoTrafficLog,
    history_blocks,
    traffic_chunks,
    write_history,
    write_traffic,
)
from messaging.audit.ledger import Ledger, MessageRecord

__all__ = [
    "Ledger",
    "MessageRecord",
    "NoTrafficLog",
    "history_blocks",
    "traffic_chunks",
    "write_history",
    "write_traffic",
]
