"""One consumer of the group in a process of its own: the spec's consumer.py, done right.

    python -m messaging.consumer --bootstrap-servers HOST:PORT [--topic] [--group]
                                 [--processing-ms N] [--failure-rate F] [--control-key K]
                                 [--broker-profile auto|tansu|kafka]
    kafka-p2p-consumer ...        # the same, installed (pipx install .)

Start it in another terminal or on another machine (from the project folder, where
``messaging`` is importable, or as the installed command): it joins the group, takes its
share of the partitions, and reports to whichever app window watches the same
cluster (through the ``<topic>.activity`` topic; it obeys ``<topic>.control``). It
needs no address but Kafka's. The app starts its own process consumers the same way.
It obeys only commands signed with the key the app's window shows in its command
(``P2P_CONTROL_KEY`` or ``--control-key``); without one it consumes but cannot be driven.

Exit codes: 0 stopped, 1 failed while running, 2 bad flags (also a setting the broker
refuses, found once it answered), 3 could not start (broker unreachable).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import threading
from dataclasses import replace
from typing import Any

from kafka.errors import KafkaError

from messaging.audit.traffic_log import TrafficLog
from messaging.broker import BrokerError, wait_reachable
from messaging.broker import profile as broker_profile
from messaging.broker.profile import BrokerProfile
from messaging.channel.activity import ActivityPublisher, activity_topic, control_topic
from messaging.channel.control import (
    CONFIGURE,
    CRASH,
    KEY_ENV,
    PROCESS_SCOPE,
    REMOTE_SCOPE,
    STOP,
    SUBSCRIBE,
    ControlListener,
    key_problem,
)
from messaging.channel.report_seal import ReportSealer
from messaging.clients.sender import RawPublisher, make_producer
from messaging.consumer.worker import ASSIGNORS, ConsumerWorker, Setup
from messaging.core import limits, names
from messaging.core.config import Settings
from messaging.core.events import PROCESS, REMOTE, STARTING, ConsumerSnapshot
from messaging.core.reasons import killed
from messaging.flags import (
    OneLineParser,
    check_against_profile,
    checked,
    ranged,
    session_help,
    session_timeout,
    span,
)

log = logging.getLogger("consumer")
EXIT_STOPPED, EXIT_FAILED, EXIT_BAD_FLAGS, EXIT_NO_START = 0, 1, 2, 3  # 2: OneLineParser's too
CHILD_NICENESS = 10  # the app's own consumer processes yield the CPU to its window
CRASH_REPORT_S = 1.0  # how long a crash waits for the broker to take its report to the app
PARENT_CHECK_S = 0.5
REACH_S = 1.0  # a broker that does not answer within it is reported at once, not waited for
# This command has no embedded broker: it needs the address of the app's (or any) Kafka.
NO_ADDRESS = (
    "--bootstrap-servers is required (or KAFKA_BOOTSTRAP_SERVERS): the address of the Kafka "
    "the app uses. The app's window shows it in its status bar (click it to copy this whole "
    "command, key included); python main.py logs that command at start"
)
UNREACHABLE_FIX = (
    "is the app running? Start it, then copy this command from its window (click the broker "
    "address in the status bar) or from its log; for a Kafka of your own, check the address "
    "(docker compose up -d serves localhost:9092)."
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    d = Settings()
    p = OneLineParser(description=__doc__.split("\n")[0])
    env = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    p.add_argument(
        "--bootstrap-servers",
        type=checked(servers_problem),
        default=None,
        help="the Kafka the app uses, HOST:PORT[,HOST:PORT...] (env KAFKA_BOOTSTRAP_SERVERS); "
        "the app's window shows it (click the broker address in its status bar)",
    )
    p.add_argument("--topic", type=checked(names.topic_problem), default=d.topic)
    p.add_argument("--group", type=checked(names.group_problem), default=d.group)
    p.add_argument(
        "--processing-ms",
        type=ranged(limits.PROCESSING_MS),
        default=0,
        help="simulated work per message; " + span(limits.PROCESSING_MS),
    )
    p.add_argument("--failure-rate", type=float, default=0.0, help="share of attempts that fail")
    p.add_argument(
        "--session-timeout-ms",
        type=session_timeout,
        default=d.session_timeout_ms,
        help=session_help(),
    )
    p.add_argument(
        "--max-retries",
        type=ranged(limits.MAX_RETRIES),
        default=d.max_retries,
        help=span(limits.MAX_RETRIES),
    )
    p.add_argument(
        "--assignor",
        choices=list(ASSIGNORS),
        default=None,
        help="the group's strategy; unset = the one the group's members use (range for a new "
        "group; cooperative-sticky must be given)",
    )
    p.add_argument(
        "--broker-profile",
        choices=broker_profile.CHOICES,
        default=d.broker_profile,
        help="whose quirks to mind; auto = ask the broker",
    )
    p.add_argument("--quiet", action="store_true", help="do not print a line per message")
    p.add_argument(
        "--control-key",
        type=checked(key_problem, echo=False),
        default=None,
        help=f"the key the app signs its commands with (env {KEY_ENV}); without it the app "
        "cannot stop, crash or slow this consumer",
    )
    # Set by the app for the consumers it starts itself.
    p.add_argument("--id", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--name", default=None, help=argparse.SUPPRESS)
    p.add_argument("--uid", default=None, help=argparse.SUPPRESS)
    p.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--channel", default=None, help=argparse.SUPPRESS)  # <x>.activity/.control
    args = p.parse_args(argv)
    if args.bootstrap_servers is None and env:
        problem = servers_problem(env)
        if problem:
            p.error(f"KAFKA_BOOTSTRAP_SERVERS {problem} (got {env[:60]!r})")
        args.bootstrap_servers = env
    if not args.bootstrap_servers:
        p.error(NO_ADDRESS)
    if not 0.0 <= args.failure_rate <= 1.0:
        p.error("--failure-rate must be between 0 and 1")
    if args.control_key is None and os.environ.get(KEY_ENV):
        args.control_key = os.environ[KEY_ENV].strip()
        problem = key_problem(args.control_key)
        if problem:
            p.error(f"{KEY_ENV} {problem}")
    # An external broker's profile is known only once it answers (main() checks then).
    check_against_profile(p, args, embedded=None)
    return args


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


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    args = parse_args(argv)
    settings = Settings(
        bootstrap_servers=args.bootstrap_servers,
        topic=args.topic,
        group=args.group,
        session_timeout_ms=args.session_timeout_ms,
        max_retries=args.max_retries,
        channel_topic=args.channel,
        broker_profile=args.broker_profile,
    )
    me = identity(args)
    try:
        _reach(args.bootstrap_servers)
        profile = broker_profile.resolve(args.broker_profile, args.bootstrap_servers, None)
    except (BrokerError, KafkaError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_NO_START
    settings = with_assignors(settings, args.assignor, profile)
    try:  # before anything is created: a setting this broker refuses is a bad flag
        profile.check(settings.session_timeout_ms, settings.assignor)
    except broker_profile.UnfitSettings as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_FLAGS
    log.info("broker profile %s (%s)", profile.name, profile.detail)
    try:
        _ensure_channels(args.bootstrap_servers, settings.channel)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_NO_START
    return _run(replace(settings, broker_profile=profile.name), me, args, profile)


def servers_problem(text: str) -> str | None:
    """Why ``text`` is not a list of HOST:PORT addresses, or None."""
    for address in text.split(","):
        host, colon, port = address.strip().rpartition(":")
        if not (colon and host and port.isdigit() and 0 < int(port) < 65536):
            return "must be HOST:PORT (e.g. 192.168.1.10:9092), several separated by commas"
    return None


def _reach(servers: str) -> None:
    """Return once one of ``servers`` accepts connections; else raise at once (within
    REACH_S each) with what to do: nothing listening now will not be there in 10 s."""
    error: BrokerError | None = None
    for address in servers.split(","):
        try:
            wait_reachable(address.strip(), timeout=REACH_S, fix=UNREACHABLE_FIX)
            return
        except BrokerError as exc:
            error = exc
    assert error is not None
    raise error


def _ensure_channels(bootstrap: str, topic: str) -> None:
    """The activity and control topics exist before anyone reads them."""
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    from messaging.clients.topics import ensure_topic

    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    except KafkaError as exc:
        raise RuntimeError(f"Kafka at {bootstrap} did not answer: {exc}") from exc
    try:
        for name in (activity_topic(topic), control_topic(topic)):
            ensure_topic(admin, name, 1)
    finally:
        admin.close()


def _run(
    settings: Settings, me: ConsumerSnapshot, args: argparse.Namespace, profile: BrokerProfile
) -> int:
    bootstrap = settings.bootstrap_servers or ""
    producer = make_producer(
        bootstrap,
        f"p2p-demo-{me.uid}",
        linger_ms=5,
        max_request_size=4 * 1024 * 1024,
        # An idempotent producer never recovers from a broker restarted empty (it
        # repeats InitProducerId and gets UnknownError): one request in flight keeps
        # the reports in order without it.
        enable_idempotence=False,
        max_in_flight_requests_per_connection=1,
    )
    scope = PROCESS_SCOPE if me.kind == PROCESS else REMOTE_SCOPE
    sealer = ReportSealer(me.uid, scope, args.control_key)
    publisher = ActivityPublisher(producer, settings.channel, sealer)
    # The app logs what its own children receive; a consumer started by hand says so itself.
    quiet = args.quiet or me.kind == PROCESS
    traffic = None if quiet else TrafficLog(None, "text", to_stderr=True)
    worker = ConsumerWorker(
        me, Setup(settings, bootstrap, publisher, RawPublisher(producer), traffic)
    )
    control = ControlListener(
        bootstrap, settings.channel, me.uid, _commands(worker, publisher), args.control_key, profile
    )
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: worker.stop())
    if args.parent_pid:
        _watch_parent(args.parent_pid, worker)
        _yield_to_the_window()
    control.start()
    log.info("%s (%s) joining group %s on %s", me.name, me.uid, settings.group, bootstrap)
    if args.control_key is None:
        log.info(
            "no control key (--control-key or %s): the app refuses this consumer's reports "
            "(it shows as a member that reports nothing) and it refuses the app's commands",
            KEY_ENV,
        )
    try:
        worker.run()
    finally:
        control.stop()
        publisher.close()
        producer.close(timeout=3)
        if traffic:
            traffic.close()
    log.info("%s stopped", me.name)
    if worker.refused_assignor:
        print(f"error: {_assignor_advice(bootstrap, settings)}", file=sys.stderr)
        return EXIT_BAD_FLAGS
    return EXIT_STOPPED if worker.error is None else EXIT_FAILED


def with_assignors(settings: Settings, chosen: str | None, profile: BrokerProfile) -> Settings:
    """The assignors to offer: the one chosen with ``--assignor``, or, unset, every eager
    one this broker offers, range first. The broker picks one every member offers, so a
    consumer started without ``--assignor`` joins a group of sticky members as they are
    (the README's analytics group) instead of failing with InconsistentGroupProtocol."""
    if chosen is not None:
        return replace(settings, assignor=chosen)
    eager = [a for a in profile.assignors if a != "cooperative-sticky"]
    return replace(settings, assignor=eager[0], also_assignors=tuple(eager[1:]))


def _assignor_advice(bootstrap: str, settings: Settings) -> str:
    """One line for a group this consumer could not join: the assignor to pass."""
    offered = ", ".join((settings.assignor, *settings.also_assignors))
    theirs = _group_protocol(bootstrap, settings.group)
    if theirs:
        return (
            f"group {settings.group} shares its partitions with {theirs}, which this consumer "
            f"did not offer ({offered}): start it with --assignor {theirs}"
        )
    return (
        f"group {settings.group} shares its partitions with an assignor this consumer did not "
        f"offer ({offered}); the broker does not say which: the app's window shows it on the "
        "group's panel: start it with --assignor <that one>"
    )


def _group_protocol(bootstrap: str, group: str) -> str:
    """The assignor a group's members agreed on, as DescribeGroups says ('' if unknown:
    tansu leaves it empty)."""
    from kafka import KafkaAdminClient

    from messaging.core import kafka_compat

    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    except KafkaError:
        return ""
    try:
        return kafka_compat.describe_group(admin, group).protocol_data or ""
    except KafkaError:
        return ""
    finally:
        admin.close()


def _commands(worker: ConsumerWorker, publisher: ActivityPublisher) -> Any:
    """What the control topic can ask of this consumer."""

    def handle(op: str, args: dict[str, Any]) -> None:
        if op == STOP:
            worker.stop()
        elif op == CRASH:
            # A real crash: no commit, no LeaveGroup, no goodbye to the group. Only the app
            # hears first (within a second), so that it says "crashed" once it is true.
            worker.crash(killed(signal.SIGKILL))
            publisher.flush(CRASH_REPORT_S)
            os.kill(os.getpid(), signal.SIGKILL)
        elif op == CONFIGURE:
            worker.configure(args.get("processing_ms"), args.get("failure_rate"))
        elif op == SUBSCRIBE and isinstance(args.get("topic"), str):
            worker.resubscribe(args["topic"])

    return handle


def _yield_to_the_window() -> None:
    """Run below the app's priority. Busy consumers outnumber the cores (up to
    limits.LIVE_CONSUMERS on a 2-core laptop); at equal priority they starved the window's
    process during a burst (event-loop stalls of 0.4 s with 16 consumers, 1 s with 32).
    The window keeps the CPU it needs; the consumers share the rest as before."""
    if hasattr(os, "nice"):  # POSIX; Windows keeps them at normal priority
        os.nice(CHILD_NICENESS)


def _watch_parent(parent_pid: int, worker: ConsumerWorker) -> None:
    """Stop gracefully when the app that started us is gone (killed, crashed, exited).

    Polling the parent pid works on every OS, unlike Linux's PR_SET_PDEATHSIG, which
    also fires when the *thread* that spawned the child ends.
    """

    def watch() -> None:
        while os.getppid() == parent_pid:
            threading.Event().wait(PARENT_CHECK_S)
        log.info("parent %d is gone: stopping", parent_pid)
        worker.stop()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
