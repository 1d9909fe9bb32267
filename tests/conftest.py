"""Fixtures shared by every test: real embedded brokers, real windows, bounded waits.

Runtimes share the session's embedded broker (one per xdist worker), each on a topic and
group of its own; ``make_runtime(own_broker=True)`` starts one for a test about the
broker itself. The broker is checked after every test that used it and replaced, with a
line in the run's summary, when that test left it broken.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import psutil
import pytest

from messaging import broker as brokers
from messaging.core.config import Settings
from messaging.group.fleet import Fleet
from messaging.runtime import Runtime
from tests import brokers as lanes
from tests.brokers import SharedBroker, unique_names

if TYPE_CHECKING:
    from gui.main_window import MainWindow

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent

# On tansu, half the app's default: tansu holds each JoinGroup for half a session and a
# crash is seen at session expiry, so every group forms and every crash is noticed twice as
# fast. Its floor is 1000 ms (messaging/broker/profile.py); 3000 leaves heartbeats (every 500 ms)
# room under a loaded 2-core machine. On Apache Kafka, the app's default and the stock
# broker's floor (group.min.session.timeout.ms), so the lane tests what a user's cluster
# allows. Set per lane by pytest_configure, before any test module imports it.
SESSION_BY_LANE = {brokers.TANSU: 3000, brokers.APACHE: 6000}
SESSION_MS = SESSION_BY_LANE[lanes.LANE]
# How long an app (main.py) may take from its start until it serves: tansu listens in
# ~0.2 s; Apache Kafka formats its folder and starts a JVM (~5 s idle, 20-30 s measured
# beside the suite's other workers on 2 cores), and restarts after a SIGKILL recover its logs.
START_BY_LANE = {brokers.TANSU: 30, brokers.APACHE: 90}
START_S = START_BY_LANE[lanes.LANE]


def pytest_addoption(parser) -> None:
    parser.addoption(
        "--broker",
        choices=brokers.KINDS,
        default=lanes.LANE,
        help="the broker lane: every broker test runs on an embedded tansu (default) or "
        "Apache Kafka (apache: Java 17+ and `./run -m messaging.broker.fetch` first)",
    )


def pytest_configure(config) -> None:
    """Fix the lane for this process (and the processes tests start) before collection."""
    global SESSION_MS, START_S
    lane = config.getoption("broker")
    lanes.LANE = lane
    os.environ["P2P_TEST_BROKER"] = lane
    SESSION_MS, START_S = SESSION_BY_LANE[lane], START_BY_LANE[lane]
    if lane == brokers.APACHE:
        # No Java or no jars is a failure of the run, never a skip.
        problem = brokers.embedded_problem(brokers.APACHE)
        if problem:
            raise pytest.UsageError(f"--broker apache: {problem}")


def pytest_collection_modifyitems(config, items) -> None:
    """On the Apache Kafka lane, leave out (deselect, with the count in the summary) the
    tests about tansu; each says why in its marker."""
    if lanes.LANE != brokers.APACHE:
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("tansu_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_report_header(config) -> str:
    return f"broker lane: {lanes.LANE} (session timeout {SESSION_MS} ms)"


def wait_for(predicate: Callable[[], object], timeout: float, what: str) -> float:
    """Poll ``predicate`` until truthy; return the seconds it took, or fail saying ``what``."""
    start = time.monotonic()
    deadline = start + timeout
    while True:
        if predicate():
            return time.monotonic() - start
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {timeout:.1f}s waiting for {what}")
        time.sleep(0.02)


def exited(process: psutil.Process) -> bool:
    """True once ``process`` has exited, reaped or still a zombie.

    psutil's ``is_running()`` is true for a zombie; an orphan's zombie waits for init
    to reap it on init's own schedule, yet it holds no port and runs nothing.
    """
    try:
        return not process.is_running() or process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def broker_processes(pid: int) -> list[psutil.Process]:
    """The embedded brokers among ``pid``'s descendants: tansu, or a JVM running Kafka."""
    children = psutil.Process(pid).children(recursive=True)
    return [c for c in children if brokers.is_broker_process(c)]


def settings_for(tmp_path, **overrides: object) -> Settings:
    """Settings of an isolated run: the lane's embedded broker, log file under ``tmp_path``."""
    base = {
        "broker": lanes.LANE,
        "log_file": str(tmp_path / "messages.log"),
        "log_to_stderr": False,
        "session_timeout_ms": SESSION_MS,
        "api_port": 0,
    }
    return Settings(**{**base, **overrides})


@contextlib.contextmanager
def running_api(runtime: Runtime) -> Iterator[str]:
    """Serve the REST API for ``runtime`` on a free port; yields its base URL."""
    from api.server import ApiServer

    server = ApiServer(runtime, "127.0.0.1", 0)
    try:
        yield server.start()
    finally:
        server.stop()


@contextlib.contextmanager
def serving_runtime(
    shared: SharedBroker, folder: Path, consumers: int
) -> Iterator[tuple[Runtime, str]]:
    """A runtime on the shared broker with ``consumers`` consumers and its REST API, once
    every partition is assigned; yields (runtime, base URL); stopped afterwards."""
    runtime = Runtime(shared_settings(shared.address, folder, consumers=consumers)).start()
    try:
        with running_api(runtime) as url:
            wait_for(lambda: all_assigned(runtime), 20, "assignment")
            yield runtime, url
    finally:
        runtime.stop()


@pytest.fixture(params=["process", "thread"])
def mode(request) -> str:
    """Both homes of the consumer worker: an OS process each (default) or a thread each."""
    return request.param


@pytest.fixture(scope="session")
def shared_broker() -> Iterator[SharedBroker]:
    """The embedded broker of this session (of this xdist worker)."""
    shared = SharedBroker().start()
    yield shared
    shared.stop()


@pytest.fixture
def kafka(shared_broker: SharedBroker, request) -> Iterator[str]:
    """The shared broker's address; after the test, a broker it broke is replaced."""
    yield shared_broker.address
    problem = shared_broker.problem()
    if problem is not None:
        shared_broker.replace(problem)
        # Reported by pytest_terminal_summary (xdist carries user_properties over).
        request.node.user_properties.append(("shared_broker_replaced", problem))


def shared_settings(kafka: str, tmp_path: Path, **overrides: object) -> Settings:
    """Settings of a runtime on the shared broker, with a topic and group of its own."""
    return settings_for(tmp_path, **{"bootstrap_servers": kafka, **unique_names(), **overrides})


@pytest.fixture
def make_runtime(kafka: str, tmp_path) -> Iterator[Callable[..., Runtime]]:
    """Start runtimes; all are stopped at teardown.

    By default on the session's shared broker, with a topic and group of their own;
    ``own_broker=True`` starts an embedded broker for this runtime alone (tests of
    restarts and outages). A test that passes ``bootstrap_servers`` chooses for itself.
    """
    started: list[Runtime] = []

    def make(own_broker: bool = False, **overrides: object) -> Runtime:
        if own_broker or "bootstrap_servers" in overrides:
            settings = settings_for(tmp_path, **overrides)
        else:
            settings = shared_settings(kafka, tmp_path, **overrides)
        runtime = Runtime(settings)
        started.append(runtime)
        return runtime.start()

    yield make
    for runtime in started:
        runtime.stop()


def pytest_terminal_summary(terminalreporter) -> None:
    """Say which tests left the shared broker broken (it was replaced after each)."""
    lines = [
        f"{report.nodeid}: {why}"
        for reports in terminalreporter.stats.values()
        for report in reports
        for name, why in getattr(report, "user_properties", ())
        if name == "shared_broker_replaced" and getattr(report, "when", "") == "teardown"
    ]
    if lines:
        terminalreporter.section("shared broker replaced after")
        for line in lines:
            terminalreporter.write_line(line)


def all_assigned(runtime: Runtime, fleet: Fleet | None = None) -> bool:
    """The group model says Stable for ``fleet`` (the default group's unless told): every
    partition owned by a live consumer, nobody joining, no crashed session running."""
    fleet = fleet if fleet is not None else runtime.fleet
    if fleet is None:
        return False
    view = fleet.view()
    return view.state == "Stable" and len(view.owners) == runtime.partitions


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    """Processes a test starts by hand; killed and reaped at teardown."""
    started: list[subprocess.Popen] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


def http(
    url: str,
    method: str = "GET",
    raw: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> tuple[int, dict[str, str], object]:
    """One real HTTP request: (status, headers, JSON body or None), whatever the status."""
    import http.client
    import json
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, target, body=raw, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        got = {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()
    is_json = got.get("content-type", "").startswith("application/json")
    return resp.status, got, json.loads(data) if is_json and data else None


# ----- the real window ------------------------------------------------------------------------
JOIN_S = 15  # consumers join in ~3 s on this broker (JoinGroup held for session/2)


@pytest.fixture
def qloop(qapp) -> Iterator[asyncio.AbstractEventLoop]:
    """An asyncio loop on Qt's loop, as run_window has, for the window's async slots.

    Like run_window, it collects garbage on the GUI thread only (``gui.gui_gc``) and
    frees the loop there at the end.
    """
    import qasync

    from gui.gui_gc import GuiThreadCollector

    collector = GuiThreadCollector().start()
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    for task in asyncio.all_tasks(loop):
        task.cancel()
    for _ in range(5):  # let cancelled coroutines run their cleanup
        qapp.processEvents()
    # Not loop.stop(): it calls QApplication.exit(), which makes every later nested
    # QEventLoop.exec() (qtbot.wait) return at once, so later tests would not process events.
    loop._QEventLoop__is_running = False
    asyncio.events._set_running_loop(None)
    loop.close()
    asyncio.set_event_loop(None)
    del loop
    collector.stop()


@pytest.fixture
def open_window(make_runtime, qtbot, qloop, qapp) -> Iterator[Callable[..., tuple]]:
    """Show windows on runtimes (new ones, or one passed in); windows close before runtimes.

    ``open_window(**overrides)`` returns ``(runtime, window)`` once the window is exposed
    and, when the runtime starts consumers, once they own every partition.
    """
    from gui.app import apply_theme
    from gui.main_window import MainWindow
    from gui.translation import install_translator, installed, remove_translator

    windows: list[MainWindow] = []
    apply_theme(qapp)
    # As run_window does: a catalogue is always installed (English plurals come from it).
    # A test that installed a language of its own keeps it.
    english = not installed() and install_translator(qapp, "en")

    def make(
        runtime: Runtime | None = None,
        settings=None,
        api_failure=None,
        **overrides: object,
    ) -> tuple[Runtime, MainWindow]:
        runtime = runtime or make_runtime(**overrides)
        window = MainWindow(runtime, None, settings, api_failure=api_failure)
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        qtbot.waitExposed(window)
        if runtime.settings.consumers:
            qtbot.waitUntil(lambda: all_assigned(runtime), timeout=JOIN_S * 1000)
        return runtime, window

    yield make
    for window in windows:
        window.close()
        window.shutdown(wait=True)
    if english:
        remove_translator(qapp)


def cards_with(window: MainWindow, message_id: str) -> list[int]:
    """Ids of the cards whose recent list names ``message_id``."""
    return [
        consumer_id for consumer_id, c in window.grid.cards.items() if message_id in c.recent.text()
    ]
