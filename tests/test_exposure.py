"""The embedded broker open to the network is said at start: log, /health, status bar.

Real embedded brokers (a wildcard bind and a loopback one), the REST API over HTTP,
the real window, and ``main.py --headless`` as a user runs it.
"""

from __future__ import annotations

import logging
import signal

import pytest

from messaging.broker.exposure import BROKER_OPEN, broker_exposure, is_loopback
from messaging.channel.control import ControlKeys
from tests.conftest import START_S, http, running_api, wait_for
from tests.processes import started_app


@pytest.mark.parametrize(
    ("host", "listen"),
    [
        ("0.0.0.0", "0.0.0.0:9092"),
        ("::", "[::]:9092"),
        ("192.168.1.10", "192.168.1.10:9092"),
        ("demo-laptop.local", "demo-laptop.local:9092"),
        ("127.0.0.1", None),
        ("127.0.0.2", None),
        ("localhost", None),
        ("::1", None),
        ("[::1]", None),
    ],
)
def test_which_binds_are_open(host, listen):
    exposure = broker_exposure(host, 9092)
    assert (exposure.listen if exposure else None) == listen
    assert is_loopback(host) == (listen is None)


def open_broker(make_runtime, **overrides):
    """A runtime whose embedded broker listens on every interface (reached on loopback)."""
    return make_runtime(
        own_broker=True, broker_host="0.0.0.0", advertised_host="127.0.0.1", **overrides
    )


def test_a_wildcard_bind_is_warned_in_the_log_and_health(make_runtime, caplog):
    with caplog.at_level(logging.WARNING, logger="messaging.runtime"):
        runtime = open_broker(make_runtime, consumers=0)
    assert runtime.exposure is not None and runtime.exposure.listen.startswith("0.0.0.0:")
    said = [r.getMessage() for r in caplog.records if "beyond loopback" in r.getMessage()]
    assert len(said) == 1
    assert "read every message" in said[0] and "take partitions" in said[0]
    assert "without --broker-host" in said[0], "it says how to protect it"

    with running_api(runtime) as url:
        status, _, health = http(f"{url}/health")
    assert status == 200
    [warning] = health["warnings"]
    assert warning["code"] == BROKER_OPEN and warning["listen"] == runtime.exposure.listen
    assert "read every message" in warning["message"]


def test_a_wildcard_bind_named_for_loopback_says_to_pass_advertised_host(make_runtime, caplog):
    """getfqdn() is "localhost" on a machine whose hosts file maps its name to 127.0.0.1:
    the command pasted on another machine would dial that machine itself."""
    with caplog.at_level(logging.WARNING, logger="messaging.runtime"):
        runtime = make_runtime(
            own_broker=True, broker_host="0.0.0.0", advertised_host="localhost", consumers=0
        )
    [warning] = [w for w in runtime.warnings if w.code == "advertised_loopback"]
    assert warning.params == {"host": "localhost"}
    said = [r.getMessage() for r in caplog.records if "--advertised-host" in r.getMessage()]
    assert len(said) == 1 and "this machine's loopback" in said[0], said


def test_loopback_says_nothing(make_runtime, caplog):
    with caplog.at_level(logging.WARNING, logger="messaging.runtime"):
        runtime = make_runtime(own_broker=True, consumers=0)
    assert runtime.exposure is None and runtime.warnings == []
    assert not [r for r in caplog.records if "beyond loopback" in r.getMessage()]
    with running_api(runtime) as url:
        status, _, health = http(f"{url}/health")
    assert status == 200 and health["warnings"] == []


def test_the_status_bar_warns_for_good_and_says_how_to_protect_it(make_runtime, open_window):
    runtime = open_broker(make_runtime, consumers=0)
    _, window = open_window(runtime)
    label = window.status.exposure
    assert label is not None and label.isVisible()
    assert "Broker" in label.text()
    assert runtime.exposure.listen in label.toolTip()
    assert "--broker-host" in label.toolTip(), "how to protect it"

    window.status.showMessage("a passing message", 1000)
    assert label.isVisible(), "a permanent widget: messages do not hide it"


def test_no_warning_in_the_window_on_loopback(make_runtime, open_window):
    _, window = open_window(make_runtime(own_broker=True, consumers=0))
    assert window.status.exposure is None


def test_the_broker_address_copies_the_join_command_with_its_key(make_runtime, open_window, qapp):
    runtime, window = open_window(consumers=0)
    command = window.status.copy_join_command()
    assert qapp.clipboard().text() == command
    assert command.startswith(f"P2P_CONTROL_KEY={runtime.control.remote_key} ./run -m")
    assert f"--bootstrap-servers {runtime.bootstrap_servers}" in command
    assert "copied" in window.status.currentMessage()


def test_headless_app_warns_and_logs_the_join_command(tmp_path):
    """``main.py --broker-host 0.0.0.0`` as the README's two-machine demo starts it, with
    an API token: the remote key is derived from it (and is not it)."""
    token = "demo-token-123"
    flags = ("--quiet", "--consumers", "0", "--broker-host", "0.0.0.0", "--api-token", token)
    with started_app(tmp_path, *flags, "--advertised-host", "127.0.0.1") as app:
        proc = app.proc
        url = f"{app.url}/health"
        wait_for(lambda: _status(url) == 200, START_S, "/health 200")
        _, _, health = http(url)
        assert [w["code"] for w in health["warnings"]] == [BROKER_OPEN]
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert sum("beyond loopback" in line for line in out.splitlines()) == 1
    key = ControlKeys.from_token(token).key("remote")
    [join] = [line for line in out.splitlines() if "./run -m messaging.consumer" in line]
    assert f"P2P_CONTROL_KEY={key} " in join and token not in join


def _status(url: str) -> int:
    try:
        return http(url, timeout=2)[0]
    except OSError:
        return 0
