"""The commands a user types, started by the tests: the app (``main.py``) and a consumer
(``python -m messaging.consumer``), one helper each.

Every process a helper starts is stopped when its ``with`` block ends, its children too
(the embedded broker, consumer processes), whatever the test did to it.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import psutil

from messaging.broker import free_port
from tests import brokers as lanes

ROOT = Path(__file__).resolve().parent.parent
RUN_S = 30  # how long a command that should end at once (a bad flag, --help) may take


def app_command(*flags: str, lane: bool = True) -> list[str]:
    """``python main.py [--broker <lane>] FLAGS``: the app as a user starts it; on this
    run's broker unless ``lane`` is False (the flags then choose)."""
    return [sys.executable, "main.py", *(("--broker", lanes.LANE) if lane else ()), *flags]


def consumer_command(*flags: str) -> list[str]:
    """``python -m messaging.consumer FLAGS``: a consumer as typed in another terminal."""
    return [sys.executable, "-m", "messaging.consumer", *flags]


def environment(drop: tuple[str, ...] = (), **extra: str) -> dict[str, str]:
    """This process's environment without ``drop``, with ``extra``."""
    return {k: v for k, v in os.environ.items() if k not in drop} | extra


def run(command: list[str], env: Mapping[str, str] | None = None, timeout: float = RUN_S):
    """Run a command to its end from the project folder; stdout and stderr as text."""
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env
    )


@dataclass
class App:
    """A running ``main.py``: its process, its REST API's port and base URL."""

    proc: subprocess.Popen
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextlib.contextmanager
def started_app(
    tmp_path: Path,
    *flags: str,
    output: Path | int | None = subprocess.PIPE,
    env: Mapping[str, str] | None = None,
    lane: bool = True,
) -> Iterator[App]:
    """``main.py --headless --api-port <free> --log-file <tmp> FLAGS`` on this run's broker.

    ``output`` takes stdout and stderr together: a pipe (text, read it from
    ``app.proc.stdout``), a file path, or ``subprocess.DEVNULL``.
    """
    port = free_port()
    command = app_command(
        "--headless",
        "--api-port",
        str(port),
        "--log-file",
        str(tmp_path / "m.log"),
        *flags,
        lane=lane,
    )
    with contextlib.ExitStack() as stack:
        sink: IO | int | None = output
        if isinstance(output, Path):
            sink = stack.enter_context(open(output, "wb"))
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=output == subprocess.PIPE,
            env=env,
        )
        stack.callback(stop_family, proc)
        yield App(proc, port)


def stop_family(proc: subprocess.Popen, wait_s: float = 15) -> None:
    """Stop ``proc`` as a user would (SIGTERM, ``wait_s`` to finish), then kill whatever
    of it and its children still runs: no broker or consumer outlives a test."""
    family: list[psutil.Process] = []
    if proc.poll() is None:
        with contextlib.suppress(psutil.NoSuchProcess):
            family = psutil.Process(proc.pid).children(recursive=True)
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(wait_s)
    for process in [*family, psutil.Process(proc.pid)] if proc.poll() is None else family:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    proc.wait(wait_s)
    _, left = psutil.wait_procs(family, timeout=wait_s)
    if proc.stdout:
        proc.stdout.close()
    assert not left, f"still running after kill: {left}"


def get_json(url: str) -> tuple[int, dict]:
    """GET ``url``: (status, JSON body); (0, {}) when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())
    except OSError:
        return 0, {}


def serving(url: str) -> bool:
    """The app at ``url`` answers /health 200 and a consumer owns every partition."""
    status, health = get_json(f"{url}/health")
    if status != 200:
        return False
    _, body = get_json(f"{url}/api/consumers")
    owned = {p for c in body.get("consumers", []) for p in c["partitions"]}
    return owned == set(range(health["partitions"]))


def started_consumer(
    *flags: str,
    env: Mapping[str, str] | None = None,
    stdout: int | None = subprocess.DEVNULL,
    stderr: int | None = subprocess.DEVNULL,
) -> subprocess.Popen:
    """Start ``python -m messaging.consumer FLAGS``; the caller stops it (the
    ``processes`` fixture does)."""
    return subprocess.Popen(
        consumer_command(*flags), cwd=ROOT, stdout=stdout, stderr=stderr, env=env
    )


__all__ = [
    "ROOT",
    "App",
    "app_command",
    "consumer_command",
    "environment",
    "get_json",
    "free_port",
    "run",
    "serving",
    "started_app",
    "started_consumer",
    "stop_family",
]
