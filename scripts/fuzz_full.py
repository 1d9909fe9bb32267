"""The full schemathesis run the suite keeps a shorter version of (tests/test_api_fuzz.py).

    ./run scripts/fuzz_full.py [--examples 40] [--broker tansu|apache]

``main.py --headless`` as a user starts it (embedded broker, 3 process consumers, a
token), then ``schemathesis run --checks all`` with ``--examples`` per operation for
every operation of /openapi.json, the stateful phase included, none cut or reduced.
Prints schemathesis' summary, the time it took and the app's resources afterwards;
exits with schemathesis' code.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_api_fuzz import config as fuzz_config  # noqa: E402 - the suite's, unbounded

TOKEN = "fuzz-token-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=40)
    parser.add_argument("--scenarios", type=int, default=40)
    parser.add_argument("--broker", choices=("tansu", "apache"), default="tansu")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="p2p-fuzz-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = subprocess.Popen(
        [sys.executable, "main.py", "--headless", "--quiet", "--broker", args.broker]
        + ["--api-port", str(port), "--api-token", TOKEN, "--log-file", str(work / "m.log")],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(work / "app.err", "w"),  # noqa: SIM115 - closed with the process
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                consumers = get(f"{url}/api/consumers")["consumers"]
                if len([c for c in consumers if c["partitions"]]) == 3:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or app.poll() is not None:
                print("the app did not come up", file=sys.stderr)
                return 1
            time.sleep(0.5)
        config = work / "schemathesis.toml"
        config.write_text(fuzz_config(TOKEN, args.examples, args.scenarios, bounded=False))
        started = time.monotonic()
        code = subprocess.call(
            [sys.executable, "-c", "from schemathesis.cli import schemathesis; schemathesis()"]
            + ["--config-file", str(config), "run", f"{url}/openapi.json", "--checks", "all"]
            + ["--no-color"],
            cwd=work,
        )
        took = time.monotonic() - started
        health_started = time.perf_counter()
        health = get(f"{url}/health")
        health_ms = (time.perf_counter() - health_started) * 1000
        stats = get(f"{url}/api/stats")
        groups = get(f"{url}/api/groups")["groups"]
        live = sum(1 for c in get(f"{url}/api/consumers")["consumers"] if c["state"] == "active")
        print(f"schemathesis exit {code} after {took:.0f} s ({args.examples} examples/op)")
        print(
            f"afterwards: topic {health['topic']} ({health['partitions']} partitions), "
            f"{len(groups)} groups, {live} active consumers in the main group, "
            f"{stats['sent']:,} sent, /health in {health_ms:.0f} ms"
        )
        return code
    finally:
        app.send_signal(signal.SIGTERM)
        try:
            app.wait(60)
        except subprocess.TimeoutExpired:
            app.kill()
        os.system(f"rm -rf {work}")


if __name__ == "__main__":
    sys.exit(main())
