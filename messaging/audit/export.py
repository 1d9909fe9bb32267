"""Keep what you saw: the session's message history and traffic log, written out.

Shared by the window (File > Export…) and the REST API (``/api/export/...``), so
both give the same bytes. Everything streams: the ledger is read a chunk at a time
and the traffic log file is copied in blocks, so memory stays bounded.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from messaging.audit.ledger import Ledger

COPY_BLOCK = 64 * 1024
CSV_COLUMNS = (
    "message_id",
    "partition",
    "offset",
    "key",
    "value",
    "sent_at",
    "status",
    "consumer",
    "consumer_id",
    "attempt",
    "redelivered",
    "delivery_status",
    "delivered_at",
    "error",
)


class NoTrafficLog(Exception):
    """The traffic log is not written to a file (``--log-file`` off), or not yet."""


def history_lines(ledger: Ledger, limit: int | None = None) -> Iterator[str]:
    """JSON lines, one per message (``MessageRecord.as_json()``), oldest first.

    ``limit`` keeps the newest N; ``None`` means everything the ledger still holds.
    """
    n = ledger.capacity if limit is None else limit
    for record in ledger.newest_json(n):
        yield _json_line(record)


def history_blocks(ledger: Ledger, limit: int | None = None, lines: int = 500) -> Iterator[str]:
    """:func:`history_lines` joined ``lines`` at a time: what a download streams (one
    write per line cost the server more than the encoding)."""
    block: list[str] = []
    for line in history_lines(ledger, limit):
        block.append(line)
        if len(block) >= lines:
            yield "".join(block)
            block = []
    if block:
        yield "".join(block)


def _json_line(record: dict[str, Any]) -> str:
    """One record as a JSON line: orjson (3x json's speed: 0.29 s against 0.92 s for
    20,000 messages with 4 deliveries each), json for what orjson refuses (integers past
    64 bits in a message)."""
    try:
        return orjson.dumps(record, default=str, option=orjson.OPT_APPEND_NEWLINE).decode()
    except TypeError:
        return json.dumps(record, ensure_ascii=False, default=str) + "\n"


def history_csv_rows(ledger: Ledger, limit: int | None = None) -> Iterator[list[Any]]:
    """One CSV row per delivery (a message nobody received yet gets one row without)."""
    n = ledger.capacity if limit is None else limit
    for record in ledger.newest_json(n):
        head = [record[c] for c in CSV_COLUMNS[:7]]
        head[4] = json.dumps(head[4], ensure_ascii=False, default=str)
        if not record["deliveries"]:
            yield head + [""] * (len(CSV_COLUMNS) - 7)
        for d in record["deliveries"]:
            keys = ("consumer", "consumer_id", "attempt", "redelivered", "status", "at", "error")
            yield head + [d[k] for k in keys]


def write_history(ledger: Ledger, path: str | Path, limit: int | None = None) -> int:
    """Write the history to ``path``: CSV when it ends in ``.csv``, else JSON lines.

    Returns how many messages (JSON lines) or deliveries (CSV rows) were written.
    """
    path = Path(path)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        if path.suffix.lower() == ".csv":
            writer = csv.writer(out)
            writer.writerow(CSV_COLUMNS)
            for row in history_csv_rows(ledger, limit):
                writer.writerow(row)
                count += 1
        else:
            for line in history_lines(ledger, limit):
                out.write(line)
                count += 1
    return count


def traffic_log_file(log_file: str | None) -> Path:
    """The traffic log file to export, or :class:`NoTrafficLog` saying why there is none."""
    if not log_file:
        raise NoTrafficLog("the traffic log is not written to a file (started with no log file)")
    path = Path(log_file)
    if not path.is_file():
        raise NoTrafficLog(f"the traffic log file {path} does not exist (yet)")
    return path


def traffic_chunks(log_file: str | None) -> Iterator[bytes]:
    """The current traffic log file's bytes, in blocks (rotated backups are not included).

    Checks first, so the caller learns of a missing log before it starts answering.
    """
    path = traffic_log_file(log_file)
    handle = path.open("rb")  # opened now: a rotation while streaming keeps this file

    def blocks() -> Iterator[bytes]:
        with handle:
            while block := handle.read(COPY_BLOCK):
                yield block

    return blocks()


def write_traffic(log_file: str | None, path: str | Path) -> int:
    """Copy the traffic log to ``path``; returns the bytes written."""
    written = 0
    with Path(path).open("wb") as out:
        for block in traffic_chunks(log_file):
            written += out.write(block)
    return written
