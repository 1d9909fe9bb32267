"""What every embedded broker shares: the error type, ports, reachability, and the rule
that a broker the app started never outlives it."""

from __future__ import annotations

import atexit
import errno
import signal
import socket
import struct
import subprocess
import sys
import time
import weakref
from typing import Any, Protocol


class BrokerError(RuntimeError):
    """The broker could not be started or reached; the message says what to do."""


class BrokerSetupError(BrokerError):
    """The machine cannot run this broker as asked (no Java, no jars, a port taken): the
    user's setup to fix, so the app exits 2 with this one line, like a bad flag."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the broker binds it right after)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_problem(
    host: str, port: int | None, flag: str = "--broker-port", host_flag: str = "--broker-host"
) -> str | None:
    """Why the broker cannot listen on ``host:port`` (``host`` not an address of this
    machine, or the port taken), naming the flag at fault; None when it can. Asked before
    anything starts, so the answer is one line."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, 0))
        except (OSError, UnicodeError) as exc:
            why = getattr(exc, "strerror", None) or exc
            return f"{host_flag} {host}: not an address of this machine to listen on ({why})"
    if not port:
        return None
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"{flag} {port}: the port is taken on {host} (choose another, or 0 = any)"
            return f"{flag} {port}: cannot listen on {host} ({exc.strerror or exc})"
    return None


def resolves_to(host: str) -> list[str] | None:
    """The addresses ``host`` resolves to on this machine, or None when it does not."""
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, None)})
    except (OSError, UnicodeError):
        return None


# What the app (main.py) advises when the Kafka it was pointed at does not answer.
APP_FIX = (
    "start it (e.g. `docker compose up -d`) or omit --bootstrap-servers to use the embedded broker."
)


def wait_reachable(address: str, timeout: float, fix: str = APP_FIX) -> None:
    """Block until the broker at ``host:port`` answers a Kafka request, or raise
    :class:`BrokerError` whose message ends with ``fix``: what the command that asked can
    do about it.

    An accepted TCP connection is not enough: a hung broker (stopped, a frozen VM, a long
    GC pause) still accepts them, in the kernel's backlog, and never answers.
    """
    host, _, port = address.rpartition(":")
    deadline = time.monotonic() + timeout
    while True:
        try:
            _api_versions((host or "127.0.0.1", int(port)), max(deadline - time.monotonic(), 0.5))
            return
        except OSError as exc:
            if time.monotonic() >= deadline:
                why = "no answer" if isinstance(exc, TimeoutError) else exc.strerror or exc
                raise BrokerError(
                    f"Kafka broker at {address} is not reachable ({why}); {fix}"
                ) from exc
            time.sleep(0.05)


def answers(address: str, timeout: float) -> bool:
    """Whether the broker at ``host:port`` answers one Kafka request within ``timeout``:
    a single try (a refused connection is False at once), for a watch that asks often."""
    host, _, port = address.rpartition(":")
    try:
        _api_versions((host or "127.0.0.1", int(port)), timeout)
        return True
    except OSError:
        return False


# ApiVersions v0 (key 18), the one request every Kafka broker answers, before any other
# and in any version: an unsupported version still gets an error answer.
_PROBE_ID = 0x50325030
_PROBE = struct.pack(">hhih", 18, 0, _PROBE_ID, len(b"p2p-probe")) + b"p2p-probe"


def _api_versions(where: tuple[str, int], timeout: float) -> None:
    """One ApiVersions round trip within ``timeout`` seconds, or OSError."""
    deadline = time.monotonic() + timeout
    with socket.create_connection(where, timeout=timeout) as sock:
        sock.sendall(struct.pack(">i", len(_PROBE)) + _PROBE)
        head = b""
        while len(head) < 8:
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            chunk = sock.recv(8 - len(head))
            if not chunk:
                raise ConnectionResetError(errno.ECONNRESET, "closed without an answer")
            head += chunk
    if struct.unpack(">ii", head)[1] != _PROBE_ID:
        raise ConnectionError(errno.EPROTO, "not a Kafka answer")


def advertised_problem(advertised: str | None) -> str | None:
    """Why ``--advertised-host`` cannot be used: the app's own clients dial it too, so it
    must resolve here. None when it does (or when it is not given)."""
    if advertised is None or resolves_to(advertised):
        return None
    return (
        f"--advertised-host {advertised}: does not resolve on this machine, and the app's "
        "own clients connect to it too (give a name or address that both machines reach)"
    )


def advertised_host(listen_host: str) -> str:
    """What clients should dial: the listen address, or this machine's name for a wildcard."""
    if listen_host in ("0.0.0.0", "::", ""):
        return socket.getfqdn()
    return listen_host


def local_address(host: str) -> str:
    """Where this machine reaches a broker that listens on ``host`` (a wildcard: loopback)."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def is_broker_process(proc: Any) -> bool:
    """Whether a ``psutil.Process`` is an embedded broker: tansu, or a JVM running Kafka.
    False for one that is gone."""
    try:
        return "tansu" in proc.name() or "kafka.Kafka" in proc.cmdline()
    except Exception:  # psutil.Error: it ended between the listing and the look
        return False


class Stoppable(Protocol):
    def stop(self, timeout: float = 5.0, grace: float | None = None) -> None: ...


_running: weakref.WeakSet[Stoppable] = weakref.WeakSet()


def track(broker: Stoppable) -> None:
    """Stop ``broker`` at interpreter exit unless it was stopped before."""
    _running.add(broker)


def untrack(broker: Stoppable) -> None:
    _running.discard(broker)


def _stop_all() -> None:
    for broker in list(_running):
        broker.stop()


atexit.register(_stop_all)


def die_with_parent() -> None:
    """Runs in the child before exec: ask the kernel to SIGKILL it when we die.

    ``atexit`` does not run when the app is SIGKILLed; PR_SET_PDEATHSIG does, and it
    survives exec. It fires when the *thread* that started the child ends, so brokers
    are started from long-lived threads. SIGKILL, not SIGTERM: a dead app's broker has
    nobody left to serve, and draining connections (tansu waits up to 5 s for them,
    Kafka runs its controlled shutdown) only keeps an orphan alive.
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except OSError:
        pass


class BrokerProcess:
    """What an embedded broker's process is to the app, whatever runs in it: an address,
    a pid, an exit code, and an end (SIGTERM, then SIGKILL after a grace).

    The child runs in a session of its own (a terminal's Ctrl-C reaches only the app,
    which stops its consumers before the broker) and, on Linux, dies with the app
    (:func:`die_with_parent`). Subclasses start it (:meth:`_spawn`) and say how it stops.
    """

    kind = ""  # tansu or apache
    keeps_data = False  # whether a restart brings back what it stored

    def __init__(self, host: str, port: int | None, advertised: str | None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.advertised = advertised or advertised_host(host)
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        """The address clients use: the advertised one (other machines get it too)."""
        return f"{self.advertised}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def exit_code(self) -> int | None:
        """The broker process's exit code once it died (and was reaped), else None."""
        return self._process.poll() if self._process else None

    def _spawn(self, args: list[str], **popen: Any) -> None:
        self._process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=die_with_parent if sys.platform == "linux" else None,
            **popen,
        )

    def _end_process(self, grace: float, reap: float = 10.0) -> None:
        """SIGTERM, SIGKILL after ``grace`` s, and reap it (within ``reap`` s)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(reap)

    def start(self) -> str:
        """Start it and wait until it answers; returns its address (each kind: how long)."""
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> BrokerProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
