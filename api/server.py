"""Serve the Flask app with waitress on a background thread (never Flask's debug server).

The server must never die silently: if its loop ends while nobody asked it to stop
(an exception out of poll(), its listening socket closed), ``failure`` says why and
``on_failure`` is called once, so the app can say so and stop instead of running on
without an API.
"""

from __future__ import annotations

import errno
import logging
import socket
import sys
import threading
from collections.abc import Callable

from waitress import create_server, wasyncore

from api.routes import create_app
from api.security import exposure_warning
from messaging.core.limits import PORT
from messaging.runtime import Runtime

log = logging.getLogger(__name__)


class _OneLine(logging.Filter):
    """waitress logs a socket error (e.g. EMFILE on accept) with its traceback; the app
    says what happened to its API in one line of its own, so keep waitress to one too."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()}: {type(error).__name__}: {error}"
            record.args, record.exc_info, record.exc_text = None, None, None
        return True


logging.getLogger("waitress").addFilter(_OneLine())

# Ports macOS's AirPlay Receiver listens on by default (System Settings > AirDrop & Handoff).
AIRPLAY_PORTS = (5000, 7000)
_IN_USE = {errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", errno.EADDRINUSE)}
_DENIED = {errno.EACCES, getattr(errno, "WSAEACCES", errno.EACCES)}


def port_taken_hint(host: str, port: int, platform: str) -> str:
    """The one line for a taken API port: its likely owner and the flags that avoid it."""
    if platform == "darwin" and port in AIRPLAY_PORTS:
        owner = (
            f"on macOS usually the AirPlay Receiver, which listens on {port} "
            "(System Settings > General > AirDrop & Handoff)"
        )
    else:
        owner = "another program, or another copy of this app, listens there"
    return (
        f"cannot serve the REST API on {_address(host, port)}: the port is in use ({owner}); "
        f"pass --api-port {port + 1 if port < PORT[1] else 5001}, or --api-port 0 for any free port"
    )


def api_port_problem(host: str, port: int) -> str | None:
    """Bind (and close) the API's address the way waitress will; ``None`` when it can.

    Runs before the broker starts, so a taken port costs a second and one clear line
    instead of a broker start, topic creation and then ``[Errno 98]``.
    """
    low, high = PORT
    if not low <= port <= high:  # getaddrinfo would wrap 70000 around to 4464
        return f"--api-port {port}: must be {low}-{high} (0 = any free port)"
    try:
        infos = socket.getaddrinfo(
            host, port, socket.AF_UNSPEC, socket.SOCK_STREAM, socket.IPPROTO_TCP, socket.AI_PASSIVE
        )
    except (socket.gaierror, UnicodeError) as exc:
        return f"--api-host {host}: not a usable address ({getattr(exc, 'strerror', exc)})"
    for family, kind, proto, _, address in infos:
        try:
            _try_bind(family, kind, proto, address)
        except OSError as exc:
            return _bind_problem(host, port, exc)
    return None


def _try_bind(family: int, kind: int, proto: int, address: tuple) -> None:
    with socket.socket(family, kind, proto) as sock:
        # As waitress does; on Windows SO_REUSEADDR would let us bind a port another
        # program listens on, so leave it off there to get a truthful answer.
        if sys.platform != "win32":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)


def _bind_problem(host: str, port: int, exc: OSError) -> str:
    if exc.errno in _IN_USE:
        return port_taken_hint(host, port, sys.platform)
    where = f"cannot serve the REST API on {_address(host, port)}"
    if exc.errno in _DENIED:
        return (
            f"{where}: permission denied (ports below 1024 need privileges; Windows reserves "
            "some ranges): pass --api-port 5001, or --api-port 0 for any free port"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"{where}: {host} is not an address of this machine; pass e.g. --api-host 127.0.0.1"
    return f"{where}: {exc.strerror or exc}"


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class ApiServer:
    """``start()`` returns the base URL; ``stop()`` closes the listener and its threads."""

    def __init__(
        self,
        runtime: Runtime,
        host: str = "127.0.0.1",
        port: int = 5000,
        threads: int = 16,
        token: str | None = None,
        on_failure: Callable[[str], None] | None = None,
    ) -> None:
        self._server = create_server(
            create_app(runtime, token=token, bind_host=host),
            host=host,
            port=port,
            threads=threads,
            ident="kafka-p2p-demo",
            channel_timeout=30,
            # select() cannot watch a descriptor numbered 1024 or more ("filedescriptor
            # out of range in select()"), which killed the loop in a busy process.
            asyncore_use_poll=True,
        )
        self.host = host
        self.port = self._server.effective_port
        self.failure: str | None = None
        self._on_failure = on_failure
        self._stopping = threading.Event()
        self._warning = exposure_warning(host, token)
        self._thread = threading.Thread(target=self._serve, name="rest-api", daemon=True)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> str:
        if self._warning:
            log.warning(self._warning)
        self._thread.start()
        return self.url

    def _serve(self) -> None:
        """waitress's loop, run while its listener is open; ending otherwise is a failure.

        ``stop()`` ends it by closing every socket from inside the loop.
        """
        server = self._server
        sockets = server._map  # waitress keeps its channels there
        try:
            while server._fileno in sockets:  # the listening socket
                wasyncore.poll2(server.adj.asyncore_loop_timeout, sockets)
        except BaseException as exc:  # the thread's last word, never lost
            reason = f"{type(exc).__name__}: {exc}"
        else:
            reason = "its listening socket was closed"
        if not self._stopping.is_set():
            self._fail(reason)

    def _fail(self, reason: str) -> None:
        self.failure = f"REST API on {self.url} stopped: {reason}"
        log.error(self.failure)
        try:  # refuse connections rather than let them hang on a port nobody serves
            wasyncore.close_all(self._server._map)
        except Exception:
            log.debug("closing the failed API's sockets", exc_info=True)
        if self._on_failure is not None:
            try:
                self._on_failure(self.failure)
            except Exception:  # a broken callback must not hide the failure
                log.exception("API failure callback failed")

    def stop(self, timeout: float = 5.0) -> None:
        """Let the request threads finish, close sockets from inside the server loop,
        then wait for its thread.

        In waitress's own order (``BaseWSGIServer.close``): closing the sockets first
        pulled one from under a request thread still finishing its answer, which waitress
        logged as an error (EBADF) now and then.
        """
        self._stopping.set()
        self._server.task_dispatcher.shutdown(timeout=timeout)
        if self._thread.is_alive():
            server = self._server
            try:
                server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
            except OSError:  # trigger already closed: the loop is on its way out
                log.debug("API trigger already closed", exc_info=True)
            self._thread.join(timeout)
        else:
            wasyncore.close_all(self._server._map)  # a dead loop left them open
