"""Serve the Flask app with waitress on a background thread (never Flask's debug server)."""

from __future__ import annotations

import logging
import threading

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
    ) -> None:
        self._server = create_server(
            create_app(runtime, token=token, bind_host=host),
            host=host,
            port=port,
            threads=threads,
            ident="kafka-p2p-demo",
            channel_timeout=30,
        )
        self.host = host
        self.port = self._server.effective_port
        self._warning = exposure_warning(host, token)
        self._thread = threading.Thread(target=self._server.run, name="rest-api", daemon=True)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> str:
        if self._warning:
            log.warning(self._warning)
        self._thread.start()
        return self.url

    def stop(self, timeout: float = 5.0) -> None:
        """Close sockets from inside the server loop, then wait for its thread."""
        if self._thread.is_alive():
            server = self._server
            try:
                server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))  # noqa: SLF001
            except OSError:  # trigger already closed: the loop is on its way out
                log.debug("API trigger already closed", exc_info=True)
            self._thread.join(timeout)
        self._server.task_dispatcher.shutdown(timeout=timeout)
