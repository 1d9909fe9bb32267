"""Bad flags, as a user types them: exit code 2, one line naming the flag, nothing started."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from messaging.broker import APACHE
from messaging.core import names
from tests import brokers as lanes
from tests.processes import app_command, consumer_command, environment, run

ROOT = Path(__file__).resolve().parent.parent

PER_BROKER = "must be 1000..300000 on tansu, 6000..1800000 on Apache Kafka"
BAD_FLAGS = [
    (["--api-port", "70000"], "--api-port", "between 0 and 65535"),
    (["--api-port", "-1"], "--api-port", "between 0 and 65535"),
    (["--api-port", "http"], "--api-port", "whole number"),
    # Out of every broker's range: each broker's own range is stated, not their union.
    (["--session-timeout-ms", "10"], "--session-timeout-ms", PER_BROKER),
    (["--session-timeout-ms", "999"], "--session-timeout-ms", PER_BROKER),
    (["--session-timeout-ms", "1800001"], "--session-timeout-ms", PER_BROKER),
    (["--session-timeout-ms", "6s"], "--session-timeout-ms", "whole number"),
    (["--broker-host", "999.1.1.1"], "--broker-host", "not an address of this machine"),
    (["--broker-host", "192.0.2.7"], "--broker-host", "not an address of this machine"),
    (["--advertised-host", "no-such-host.invalid"], "--advertised-host", "does not resolve"),
    (["--topic", "bad/topic"], "--topic", "may only contain"),
    (["--topic", ""], "--topic", "must not be empty"),
    (["--topic", "."], "--topic", "cannot be"),
    (["--topic", ".."], "--topic", "cannot be"),
    (["--topic", "t" * (names.MAX_TOPIC + 1)], "--topic", f"at most {names.MAX_TOPIC}"),
    (["--topic", "tópico"], "--topic", "may only contain"),
    (["--group", ""], "--group", "must not be empty"),
    (["--group", "g" * 250], "--group", "at most 249"),
    (["--group", "tab\tgroup"], "--group", "printable"),
    (["--partitions", "0"], "--partitions", "between 1 and 64"),
    (["--partitions", "65"], "--partitions", "between 1 and 64"),
    (["--consumers", "-1"], "--consumers", "between 0 and"),
    (["--consumers", "17"], "--consumers", "between 0 and 16"),
    (["--max-consumers", "17"], "--max-consumers", "between 1 and 16"),
    (["--processing-ms", "-5"], "--processing-ms", "between 0 and 600000"),
    (["--processing-ms", "600001"], "--processing-ms", "between 0 and 600000"),
    (["--max-retries", "101"], "--max-retries", "between 0 and 100"),
    (["--max-retries", "1.5"], "--max-retries", "whole number"),
    (["--api-token", ""], "--api-token", "must not be empty"),
    (["--api-token", "with space"], "--api-token", "printable ASCII"),
    (["--log-format", "xml"], "--log-format", "invalid choice"),
    (["--lang", "fr"], "--lang", "invalid choice"),
    (["--lang", "ES"], "--lang", "invalid choice"),
    (["--no-such-flag"], "--no-such-flag", "unrecognized"),
    (["--broker-profile", "rabbit"], "--broker-profile", "invalid choice"),
    (["--assignor", "fastest"], "--assignor", "invalid choice"),
]
# What the broker's profile refuses, checked before anything starts when the profile is
# known then: given by --broker-profile, or tansu for the embedded broker (no address).
PROFILE_BAD_FLAGS = [
    (
        ["--session-timeout-ms", "300001"],
        "--session-timeout-ms",
        "between 1000 and 300000 on tansu",
    ),
    (["--assignor", "cooperative-sticky"], "--assignor", "not offered on tansu"),
    (
        ["--broker-profile", "kafka", "--session-timeout-ms", "3000"],
        "--session-timeout-ms",
        "between 6000 and 1800000 on Apache Kafka (the broker's group.min.session.timeout.ms",
    ),
    (
        [
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--broker-profile",
            "tansu",
            "--assignor",
            "cooperative-sticky",
        ],
        "--assignor",
        "not offered on tansu",
    ),
]


def run_main(tmp_path: Path, *flags: str, env: dict[str, str] | None = None):
    log_file = tmp_path / "m.log"
    started = time.monotonic()
    command = app_command("--headless", "--log-file", str(log_file), *flags, lane=False)
    result = run(command, env=environment(**(env or {})))
    return result, time.monotonic() - started, log_file


@pytest.mark.parametrize(
    ("flags", "flag", "says"),
    BAD_FLAGS + PROFILE_BAD_FLAGS,
    ids=[" ".join(b[0]) for b in BAD_FLAGS + PROFILE_BAD_FLAGS],
)
def test_bad_flag_is_one_line_and_exit_2_before_anything_starts(tmp_path, flags, flag, says):
    result, took, log_file = run_main(tmp_path, *flags)

    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and flag in lines[0] and says in lines[0], lines[0]
    assert result.stdout == ""
    assert not log_file.exists()  # the traffic log opens only once the broker runs
    assert took < 10, f"took {took:.1f}s: something started"


def test_bad_token_in_the_environment_names_the_variable_not_the_secret(tmp_path):
    result, _, log_file = run_main(tmp_path, env={"P2P_API_TOKEN": "s3cret with space"})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: P2P_API_TOKEN must be printable ASCII without spaces"
    ]
    assert not log_file.exists()


def test_bad_token_flag_does_not_echo_the_secret(tmp_path):
    result, _, _ = run_main(tmp_path, "--api-token", "s3cret with space")
    assert result.returncode == 2 and "s3cret" not in result.stderr


def test_help_still_prints_usage_and_ranges():
    result = run(app_command("--help", lane=False))
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("usage: main.py")
    text = " ".join(result.stdout.split())  # argparse wraps lines
    for expected in (
        "--api-token",
        "P2P_API_TOKEN",
        "1000..300000 on tansu",
        "6000..1800000 on Apache Kafka",
        "cooperative-sticky",
        "--broker-profile {auto,tansu,kafka}",
        "1..64",
        "--broker {tansu,apache}",
        "0..600000",
    ):
        assert expected in text
    assert "(default: None)" not in text and "(default: False)" not in text
    for line in text.split(" --"):
        assert line.count("default:") <= 1, f"a default said twice: --{line}"


def test_names_accept_what_kafka_accepts():
    assert names.topic_problem("mi-topico") is None
    assert names.topic_problem("a.b_c-D9") is None
    assert names.topic_problem("t" * names.MAX_TOPIC) is None
    assert len("t" * names.MAX_TOPIC + max(names.TOPIC_SUFFIXES, key=len)) == 249
    assert names.group_problem("grupo consumidores") is None
    assert names.group_problem("grupo-consumidores") is None


CONSUMER_FLAGS = (
    "--topic",
    "--group",
    "--processing-ms",
    "--session-timeout-ms",
    "--max-retries",
    "--assignor",
    "--broker-profile",
)
CONSUMER_BAD_FLAGS = [b for b in BAD_FLAGS if b[1] in CONSUMER_FLAGS] + [
    (["--failure-rate", "1.5"], "--failure-rate", "between 0 and 1"),
    (["--control-key", "0123abc"], "--control-key", "64 hexadecimal characters"),
    (["--control-key", "z" * 64], "--control-key", "64 hexadecimal characters"),
    # Its broker is external: the profile is known before connecting only when given.
    (
        ["--broker-profile", "tansu", "--session-timeout-ms", "300001"],
        "--session-timeout-ms",
        "between 1000 and 300000 on tansu",
    ),
    (
        ["--broker-profile", "tansu", "--assignor", "cooperative-sticky"],
        "--assignor",
        "not offered on tansu",
    ),
    (
        ["--broker-profile", "kafka", "--session-timeout-ms", "5999"],
        "--session-timeout-ms",
        "group.min.session.timeout.ms",
    ),
]


@pytest.mark.parametrize(
    ("flags", "flag", "says"),
    CONSUMER_BAD_FLAGS,
    ids=[" ".join(b[0]) for b in CONSUMER_BAD_FLAGS],
)
def test_standalone_consumer_checks_the_same_flags_before_it_connects(flags, flag, says):
    """``python -m messaging.consumer`` follows the app's rules: one line, exit 2, and no
    wait for the (unreachable) broker it was pointed at."""
    started = time.monotonic()
    result = run(consumer_command("--bootstrap-servers", "127.0.0.1:1", *flags))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and flag in lines[0] and says in lines[0], result.stderr
    assert time.monotonic() - started < 8, "it tried to reach the broker first"


# ----- an external broker's profile is known once it answers --------------------------------
REFUSED_ONCE_ASKED = (
    [
        (["--session-timeout-ms", "5999"], "between 6000 and 1800000 on Apache Kafka"),
    ]
    if lanes.LANE == APACHE
    else [
        (["--session-timeout-ms", "300001"], "between 1000 and 300000 on tansu"),
        (
            ["--assignor", "cooperative-sticky"],
            "--assignor cooperative-sticky is not offered on tansu",
        ),
    ]
)


@pytest.mark.parametrize(
    ("flags", "says"), REFUSED_ONCE_ASKED, ids=[" ".join(f) for f, _ in REFUSED_ONCE_ASKED]
)
def test_a_setting_the_detected_broker_refuses_is_a_bad_flag(tmp_path, kafka, flags, says):
    """The shared broker reached by address: detected at start (auto), it refuses what
    that broker cannot do, in one line and exit 2, before any consumer or log starts."""
    result, _, log_file = run_main(
        tmp_path, "--bootstrap-servers", kafka, "--api-port", "0", "--consumers", "1", *flags
    )
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1 and says in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert not log_file.exists()  # nothing started


@pytest.mark.parametrize(
    ("flags", "says"), REFUSED_ONCE_ASKED, ids=[" ".join(f) for f, _ in REFUSED_ONCE_ASKED]
)
def test_the_standalone_consumer_refuses_it_too_once_it_asked(kafka, flags, says):
    group = f"refused-{os.getpid()}-{time.monotonic_ns()}"
    result = run(consumer_command("--bootstrap-servers", kafka, "--group", group, *flags))
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1 and says in lines[0], result.stderr


def run_consumer(*flags: str, env: dict[str, str] | None = None) -> tuple[int, list[str], float]:
    """``python -m messaging.consumer`` as typed: (exit code, stderr lines, seconds taken)."""
    started = time.monotonic()
    environ = environment(("KAFKA_BOOTSTRAP_SERVERS",), **(env or {}))
    result = run(consumer_command(*flags), env=environ)
    return result.returncode, result.stderr.splitlines(), time.monotonic() - started


def test_standalone_consumer_without_an_address_says_where_to_find_it_at_once():
    """It has no embedded broker: no default address to wait for in silence."""
    code, lines, took = run_consumer()
    assert code == 2 and len(lines) == 1, lines
    assert "--bootstrap-servers is required" in lines[0] and "status bar" in lines[0]
    assert "omit" not in lines[0]
    assert took < 8, f"took {took:.1f}s: it waited for a broker"
    code, lines, _ = run_consumer(env={"KAFKA_BOOTSTRAP_SERVERS": "broker"})
    assert code == 2 and lines == [
        "error: KAFKA_BOOTSTRAP_SERVERS must be HOST:PORT (e.g. 192.168.1.10:9092), several "
        "separated by commas (got 'broker')"
    ]


@pytest.mark.parametrize("address", ["127.0.0.1:1", "no-such-host.invalid:9092"])
def test_standalone_consumer_pointed_at_nothing_says_so_at_once_and_what_to_do(address):
    code, lines, took = run_consumer("--bootstrap-servers", address)
    assert code == 3 and len(lines) == 1, lines
    assert f"Kafka broker at {address} is not reachable" in lines[0]
    assert "is the app running?" in lines[0] and "omit --bootstrap-servers" not in lines[0]
    assert took < 8, f"took {took:.1f}s: it waited 10 s as before"
