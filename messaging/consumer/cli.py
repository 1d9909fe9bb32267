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
import sys
from dataclasses import dataclass, replace

from kafka import KafkaAdminClient, KafkaProducer
from kafka.errors import KafkaError

from messaging.audit.traffic_log import TrafficLog
from messaging.broker import BrokerError, detect, wait_reachable
from messaging.broker import profile as broker_profile
from messaging.broker.profile import BrokerProfile
from messaging.channel.activity import ActivityPublisher, activity_topic, control_topic
from messaging.channel.control import KEY_ENV, PROCESS_SCOPE, REMOTE_SCOPE, ControlListener
from messaging.channel.control import key_problem as control_key_problem
from messaging.channel.report_seal import ReportSealer
from messaging.clients.sender import RawPublisher, make_producer
from messaging.clients.topics import ensure_topic
from messaging.consumer import assignors, command_line, process_home
from messaging.consumer.command_line import servers_problem
from messaging.consumer.worker import ConsumerWorker, Setup
from messaging.core.config import Settings
from messaging.core.events import PROCESS, ConsumerSnapshot
from messaging.flags import OneLineParser, check_against_profile

log = logging.getLogger("consumer")
EXIT_STOPPED, EXIT_FAILED, EXIT_BAD_FLAGS, EXIT_NO_START = 0, 1, 2, 3  # 2: OneLineParser's too
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


class StartFailed(Exception):
    """The consumer cannot start; ``code`` is the exit code that says why."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = OneLineParser(description=__doc__.split("\n")[0])
    command_line.declare(p)
    args = p.parse_args(argv)
    _address_from_the_environment(p, args)
    if not 0.0 <= args.failure_rate <= 1.0:
        p.error("--failure-rate must be between 0 and 1")
    _key_from_the_environment(p, args)
    # An external broker's profile is known only once it answers (main() checks then).
    check_against_profile(p, args, embedded=None)
    return args


def _address_from_the_environment(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    env = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if args.bootstrap_servers is None and env:
        problem = servers_problem(env)
        if problem:
            p.error(f"KAFKA_BOOTSTRAP_SERVERS {problem} (got {env[:60]!r})")
        args.bootstrap_servers = env
    if not args.bootstrap_servers:
        p.error(NO_ADDRESS)


def _key_from_the_environment(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.control_key is None and os.environ.get(KEY_ENV):
        args.control_key = os.environ[KEY_ENV].strip()
        problem = control_key_problem(args.control_key)
        if problem:
            p.error(f"{KEY_ENV} {problem}")


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    args = parse_args(argv)
    me = command_line.identity(args)
    try:
        settings, profile = _prepare(command_line.settings_of(args), args.assignor)
    except StartFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    return _run(replace(settings, broker_profile=profile.name), me, args, profile)


def _prepare(settings: Settings, assignor: str | None) -> tuple[Settings, BrokerProfile]:
    """Reach the broker, learn its profile, check the settings against it, and make the
    channel topics: everything that can refuse to start, before anything is created."""
    bootstrap = settings.bootstrap_servers or ""
    try:
        _reach(bootstrap)
        profile = detect.resolve(settings.broker_profile, bootstrap, None)
    except (BrokerError, KafkaError) as exc:
        raise StartFailed(str(exc), EXIT_NO_START) from exc
    settings = assignors.with_assignors(settings, assignor, profile)
    try:  # a setting this broker refuses is a bad flag
        profile.check(settings.session_timeout_ms, settings.assignor)
    except broker_profile.UnfitSettings as exc:
        raise StartFailed(str(exc), EXIT_BAD_FLAGS) from exc
    log.info("broker profile %s (%s)", profile.name, profile.detail)
    try:
        _ensure_channels(bootstrap, settings.channel)
    except RuntimeError as exc:
        raise StartFailed(str(exc), EXIT_NO_START) from exc
    return settings, profile


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
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    except KafkaError as exc:
        raise RuntimeError(f"Kafka at {bootstrap} did not answer: {exc}") from exc
    try:
        for name in (activity_topic(topic), control_topic(topic)):
            ensure_topic(admin, name, 1)
    finally:
        admin.close()


@dataclass
class Reporting:
    """How a process consumer reaches the app: one producer for reports and dead letters."""

    producer: KafkaProducer
    publisher: ActivityPublisher
    traffic: TrafficLog | None

    @classmethod
    def open(cls, settings: Settings, me: ConsumerSnapshot, args: argparse.Namespace) -> Reporting:
        producer = make_producer(
            settings.bootstrap_servers or "",
            f"p2p-demo-{me.uid}",
            linger_ms=5,
            max_request_size=4 * 1024 * 1024,
            # One request in flight keeps the reports in order, idempotent or not (the
            # profile turns idempotence off where a restart empties the broker).
            max_in_flight_requests_per_connection=1,
            **broker_profile.of(settings).producer_config(),
        )
        scope = PROCESS_SCOPE if me.kind == PROCESS else REMOTE_SCOPE
        sealer = ReportSealer(me.uid, scope, args.control_key)
        publisher = ActivityPublisher(producer, settings.channel, sealer)
        # The app logs what its own children receive; a consumer started by hand says so itself.
        quiet = args.quiet or me.kind == PROCESS
        traffic = None if quiet else TrafficLog(None, "text", to_stderr=True)
        return cls(producer, publisher, traffic)

    def setup(self, settings: Settings) -> Setup:
        bootstrap = settings.bootstrap_servers or ""
        return Setup(settings, bootstrap, self.publisher, RawPublisher(self.producer), self.traffic)

    def close(self) -> None:
        self.publisher.close()
        self.producer.close(timeout=3)
        if self.traffic:
            self.traffic.close()


def _run(
    settings: Settings, me: ConsumerSnapshot, args: argparse.Namespace, profile: BrokerProfile
) -> int:
    bootstrap = settings.bootstrap_servers or ""
    reporting = Reporting.open(settings, me, args)
    worker = ConsumerWorker(me, reporting.setup(settings))
    handle = process_home.commands(worker, reporting.publisher)
    control = ControlListener(
        bootstrap, settings.channel, me.uid, handle, args.control_key, profile
    )
    process_home.stop_on_signals(worker)
    if args.parent_pid:
        process_home.watch_parent(args.parent_pid, worker)
        process_home.yield_to_the_window()
    control.start()
    _say_hello(me, settings, args.control_key)
    try:
        worker.run()
    finally:
        control.stop()
        reporting.close()
    log.info("%s stopped", me.name)
    if worker.refused_assignor:
        print(f"error: {assignors.advice(bootstrap, settings)}", file=sys.stderr)
        return EXIT_BAD_FLAGS
    return EXIT_STOPPED if worker.error is None else EXIT_FAILED


def _say_hello(me: ConsumerSnapshot, settings: Settings, control_key: str | None) -> None:
    log.info(
        "%s (%s) joining group %s on %s",
        me.name,
        me.uid,
        settings.group,
        settings.bootstrap_servers,
    )
    if control_key is None:
        log.info(
            "no control key (--control-key or %s): the app refuses this consumer's reports "
            "(it shows as a member that reports nothing) and it refuses the app's commands",
            KEY_ENV,
        )


if __name__ == "__main__":
    sys.exit(main())
