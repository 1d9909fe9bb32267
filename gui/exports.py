"""The File menu's exports, and the sentence that tells the user how each went."""

from __future__ import annotations

from gui.translation import translate
from messaging.audit import Ledger, write_history, write_traffic


def export_history(ledger: Ledger, path: str) -> str:
    """Write the message history to ``path`` (CSV for .csv, else JSON lines)."""
    count = write_history(ledger, path)
    if path.lower().endswith(".csv"):
        text = translate("MainWindow", "Exported %Ln delivery(s) to {path}", "csv", count)
    else:
        text = translate("MainWindow", "Exported %Ln message(s) to {path}", "jsonl", count)
    return text.format(path=path)


def export_traffic(log_file: str | None, path: str) -> str:
    """Copy the traffic log file to ``path``."""
    size = write_traffic(log_file, path)
    text = translate("MainWindow", "Exported the traffic log (%Ln byte(s)) to {path}", "log", size)
    return text.format(path=path)
