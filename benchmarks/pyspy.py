"""py-spy of the app under /enviar load (``--profile``): where its GIL time goes."""

from __future__ import annotations

import collections
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, App, run_wrk


def profile(app: App, url: str, workdir: Path, tag: str) -> dict[str, Any]:
    """py-spy (GIL holder only) of the app's process under the same wrk load."""
    raw = workdir / f"py-spy-{tag}.txt"
    load = threading.Thread(target=run_wrk, args=(url, 10), daemon=True)
    load.start()
    time.sleep(1)
    args = ["py-spy", "record", "-p", str(app.proc.pid), "-d", "7", "-r", "250"]
    args += ["-f", "raw", "-o", str(raw), "--gil"]
    try:
        subprocess.run(args, capture_output=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        load.join()
        return {"error": f"py-spy failed: {exc}"}
    load.join()
    return summarize_profile(raw)


def summarize_profile(path: Path) -> dict[str, Any]:
    """Share of GIL-holding samples per subsystem (by the innermost frame's module)."""
    buckets = [
        ("messaging/audit/traffic_log", "traffic log (app)"),
        ("pydantic", "pydantic (request validation)"),
        ("logging/", "logging (stdlib)"),
        ("waitress/", "waitress"),
        ("flask/", "flask/werkzeug"),
        ("werkzeug/", "flask/werkzeug"),
        ("kafka/producer", "kafka producer"),
        ("kafka/consumer", "kafka consumer"),
        ("kafka/coordinator", "kafka coordinator"),
        ("kafka/net", "kafka network"),
        ("kafka/record", "kafka record (crc, encode)"),
        ("kafka/protocol", "kafka protocol"),
        ("kafka/metrics", "kafka metrics"),
        ("kafka/", "kafka other"),
        ("messaging/", "app core (messaging/)"),
        ("api/", "app API (api/)"),
        ("threading.py", "threading (locks, conditions)"),
        ("json/", "json"),
        ("selectors.py", "selectors"),
    ]
    by_bucket: collections.Counter[str] = collections.Counter()
    by_thread: collections.Counter[str] = collections.Counter()
    leaf: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        count, frames = int(n), stack.split(";")
        total += count
        name = next((b for key, b in buckets if key in frames[-1]), "other")
        by_bucket[name] += count
        root = next(
            (
                f.split(" (")[0]
                for f in frames
                if any(
                    k in f
                    for k in (
                        "ConsumerWorker.run",
                        "Sender.run ",
                        "handler_thread",
                        "BaseWSGIServer.run",
                        "QueueListener._monitor",
                        "run_forever",
                        "LagMonitor",
                    )
                )
            ),
            "other",
        )
        by_thread[root] += count
        leaf[frames[-1]] += count

    def pct(c: collections.Counter[str], n: int) -> dict[str, float]:
        return {k: round(100 * v / total, 1) for k, v in c.most_common(n)}

    return {
        "samples": total,
        "raw_file": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
        "percent_by_subsystem": pct(by_bucket, 20),
        "percent_by_thread": pct(by_thread, 10),
        "top_frames_percent": pct(leaf, 12),
    }
