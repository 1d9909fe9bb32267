"""The flags of ``python -m messaging.consumer``: declared here, read here, and written here
for the consumers the app starts itself (:func:`child_argv`), so both ends agree.

The flags it shares with ``main.py`` are declared once, in :mod:`messaging.flags.options`.
"""

from __future__ import annotations

import argparse
import os
import socket
from dataclasses import replace

from messaging.channel.control import KEY_ENV, key_problem
from messaging.core.config import Settings
from messaging.core.events import PROCESS, REMOTE, STARTING, ConsumerSnapshot
from messaging.flags import Option, checked, options


def servers_problem(text: str) -> str | None:
    """Why ``text`` is not a list of HOST:PORT addresses, or None."""
    for address in text.split(","):
        host, colon, port = address.strip().rpartition(":")
        if not (colon and host and port.isdigit() and 0 < int(port) < 65536):
            return "must be HOST:PORT (e.g. 192.168.1.10:9092), several separated by commas"
    return None


SERVERS = replace(options.BOOTSTRAP_SERVERS, type=checked(servers_problem))
FAILURE_RATE = Option("--failure-rate", type=float)
CONTROL_KEY = Option("--control-key", type=checked(key_problem, echo=False))
# Set by the app for the consumers it starts itself.
ID = Option("--id", type=int, hidden=True)
NAME = Option("--name", hidden=True)
UID = Option("--uid", hidden=True)
PARENT_PID = Option("--parent-pid", type=int, hidden=True)


def declare(p: argparse.ArgumentParser) -> None:
    """Every flag of the command, in ``--help`` order."""
    d = Settings()
    SERVERS.add(
        p,
        None,
        "the Kafka the app uses, HOST:PORT[,HOST:PORT...] (env KAFKA_BOOTSTRAP_SERVERS); "
        "the app's window shows it (click the broker address in its status bar)",
    )
    options.TOPIC.add(p, d.topic)
    options.GROUP.add(p, d.group)
    options.PROCESSING_MS.add(p, 0, "simulated work per message")
    FAILURE_RATE.add(p, 0.0, "share of attempts that fail")
    options.SESSION_TIMEOUT_MS.add(p, d.session_timeout_ms)
    options.MAX_RETRIES.add(p, d.max_retries)
    options.ASSIGNOR.add(
        p,
        None,
        "the group's strategy; unset = the one the group's members use (range for a new "
        "group; cooperative-sticky must be given)",
    )
    options.BROKER_PROFILE.add(p, d.broker_profile, "whose quirks to mind; auto = ask the broker")
    options.QUIET.add(p, help="do not print a line per message")
    CONTROL_KEY.add(
        p,
        None,
        f"the key the app signs its commands with (env {KEY_ENV}); without it the app "
        "cannot stop, crash or slow this consumer",
    )
    ID.add(p, 0)
    for hidden in (NAME, UID, PARENT_PID, options.CHANNEL):
        hidden.add(p)


def child_argv(
    settings: Settings, bootstrap: str, me: ConsumerSnapshot, parent_pid: int
) -> list[str]:
    """The flags of a consumer the app starts for ``me``: it reads them with :func:`declare`."""
    values = (
        (SERVERS, bootstrap),
        (options.TOPIC, settings.topic),
        (options.GROUP, settings.group),
        (options.PROCESSING_MS, me.processing_ms),
        (FAILURE_RATE, me.failure_rate),
        (options.SESSION_TIMEOUT_MS, settings.session_timeout_ms),
        (options.MAX_RETRIES, settings.max_retries),
        (options.ASSIGNOR, settings.assignor),
        # Resolved by the runtime (tansu or kafka): the child does not ask the broker again.
        (options.BROKER_PROFILE, settings.broker_profile),
        (options.CHANNEL, settings.channel),
        (ID, me.id),
        (NAME, me.name),
        (UID, me.uid),
        (PARENT_PID, parent_pid),
    )
    return [part for option, value in values for part in option.argv(value)]


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings the flags give (the assignors are chosen once the broker answers)."""
    return Settings(
        **options.same_named(
            args, "bootstrap_servers", "topic", "group", "session_timeout_ms", "max_retries"
        ),
        broker_profile=args.broker_profile,
        channel_topic=args.channel,
    )


def identity(args: argparse.Namespace) -> ConsumerSnapshot:
    """Who this consumer is: the app's name for it, or host:pid when started by hand."""
    host, pid = socket.gethostname(), os.getpid()
    return ConsumerSnapshot(
        id=args.id,
        name=args.name or f"{host}:{pid}",
        state=STARTING,
        partitions=(),
        processed=0,
        in_flight=None,
        processing_ms=args.processing_ms,
        failure_rate=args.failure_rate,
        kind=PROCESS if args.parent_pid else REMOTE,
        uid=args.uid or f"{host}-{pid}",
        host=host,
        pid=pid,
    )
