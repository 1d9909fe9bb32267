"""Serve the Flask app with waitress on a background thread (never Flask's debug server).

The server must never die silently: if its loop ends while nobody asked it to stop
(an exception out of poll(), its listening socket closed), ``failure`` says why and
``on_failure`` is called once, so the app can say so and stop instead of running on
without an API.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from waitress import create_server, wasyncore

from api.routes import create_app
from api.security import exposure_warning
from messaging.runtime import Runtime

log = logging.getLogger(__name__)


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
        sockets = server._map  # noqa: SLF001 - waitress keeps its channels there
        try:
            while server._fileno in sockets:  # noqa: SLF001 - the listening socket
                wasyncore.poll2(server.adj.asyncore_loop_timeout, sockets)
        except BaseException as exc:  # noqa: BLE001 - the thread's last word, never lost
            reason = f"{type(exc).__name__}: {exc}"
        else:
            reason = "its listening socket was closed"
        if not self._stopping.is_set():
            self._fail(reason)

    def _fail(self, reason: str) -> None:
        self.failure = f"REST API on {self.url} stopped: {reason}"
        log.error(self.failure)
        try:  # refuse connections rather than let them hang on a port nobody serves
            wasyncore.close_all(self._server._map)  # noqa: SLF001
        except Exception:  # noqa: BLE001
            log.debug("closing the failed API's sockets", exc_info=True)
        if self._on_failure is not None:
            try:
                self._on_failure(self.failure)
            except Exception:  # noqa: BLE001 - a broken callback must not hide the failure
                log.exception("API failure callback failed")

    def stop(self, timeout: float = 5.0) -> None:
        """Close sockets from inside the server loop, then wait for its thread."""
        self._stopping.set()
        if self._thread.is_alive():
            server = self._server
            try:
                server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))  # noqa: SLF001
            except OSError:  # trigger already closed: the loop is on its way out
                log.debug("API trigger already closed", exc_info=True)
            self._thread.join(timeout)
        else:
            wasyncore.close_all(self._server._map)  # noqa: SLF001 - a dead loop left them open
        self._server.task_dispatcher.shutdown(timeout=timeout)
