"""The REST API server never dies silently: real faults, real sockets, a real app process."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator

import psutil

from api.server import ApiServer
from tests.conftest import START_S, broker_processes, exited, http, wait_for
from tests.processes import started_app


@contextlib.contextmanager
def api_server(runtime, failures: list[str]) -> Iterator[ApiServer]:
    server = ApiServer(runtime, "127.0.0.1", 0, on_failure=failures.append)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return False
    except ConnectionRefusedError:
        return True


def test_listener_shut_down_under_the_loop_is_reported_once(make_runtime):
    runtime, failures = make_runtime(consumers=0), []
    with api_server(runtime, failures) as server:
        assert http(f"{server.url}/health")[0] == 200

        server._server.socket.shutdown(socket.SHUT_RDWR)  # the fault

        wait_for(lambda: server.failure is not None, 5, "the failure to be recorded")
        assert "stopped" in server.failure and "listening socket" in server.failure
        assert server.url in server.failure
        wait_for(lambda: failures, 2, "the callback")
        assert failures == [server.failure]
        assert refused(server.port)  # its sockets are closed, not left hanging
    assert not server._thread.is_alive()


def test_asked_to_stop_is_not_a_failure(make_runtime):
    runtime, failures = make_runtime(consumers=0), []
    with api_server(runtime, failures) as server:
        assert http(f"{server.url}/health")[0] == 200
    assert server.failure is None and failures == []
    assert refused(server.port)


def test_serves_with_descriptors_numbered_past_1024(make_runtime):
    """select() raised "filedescriptor out of range" here and the API thread died."""
    runtime, failures = make_runtime(consumers=0), []
    fillers: list[int] = []
    try:
        while not fillers or fillers[-1] < 1100:
            fillers.append(os.open(os.devnull, os.O_RDONLY))
        with api_server(runtime, failures) as server:
            assert server._server.socket.fileno() > 1024
            for _ in range(5):
                status, _, body = http(f"{server.url}/api/stats")
                assert status == 200 and "sent" in body
            assert server.failure is None and failures == []
    finally:
        for fd in fillers:
            os.close(fd)


def test_headless_app_exits_1_when_its_api_dies(tmp_path):
    """A real fault from outside: the descriptor limit lowered under the running app.

    poll() refuses to watch more descriptors than RLIMIT_NOFILE allows (EINVAL), so
    with 20 idle clients connected and the limit at 16 the server loop fails.
    """
    clients: list[socket.socket] = []
    with started_app(tmp_path, "--quiet", "--consumers", "1") as app:
        proc, url = app.proc, app.url
        try:
            wait_for(lambda: _health(url) == 200, START_S, "/health 200")
            process = psutil.Process(proc.pid)
            [broker] = broker_processes(process.pid)
            clients = [
                socket.create_connection(("127.0.0.1", app.port), timeout=5) for _ in range(20)
            ]
            wait_for(lambda: process.num_fds() >= 20 + 16, 5, "the app to accept the clients")

            process.rlimit(psutil.RLIMIT_NOFILE, (16, process.rlimit(psutil.RLIMIT_NOFILE)[1]))

            code = proc.wait(20)
            output = proc.stdout.read()
            assert code == 1, output
            assert f"REST API on {url} stopped: OSError" in output
            assert "exiting: the REST API is gone" in output
            assert "Traceback" not in output
            wait_for(lambda: exited(broker), 10, "the embedded broker to be gone")
        finally:
            for client in clients:
                client.close()


def _health(url: str) -> int:
    try:
        return http(f"{url}/health", timeout=2)[0]
    except OSError:
        return 0
