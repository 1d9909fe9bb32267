"""Settings shared by the core, the REST API and the window."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """Every knob of the app, documented once.

    bootstrap_servers (str | None): external Kafka cluster; ``None`` starts the embedded
        broker named by ``broker``. Default: None.
    broker (str): the embedded broker: ``tansu`` (a static binary, in memory) or
        ``apache`` (a single-node Apache Kafka on the JVM). Default: ``tansu``.
    kafka_home (str | None): with ``broker="apache"``, a Kafka distribution folder to run
        the jars of; ``None`` = those the fetch step cached.
    topic (str): topic messages are sent to. Default: ``mi-topico`` (the spec's name).
    group (str): consumer group of the fleet. Default: ``grupo-consumidores``.
    partitions (int): partitions the topic is created with; more partitions than
        consumers is what lets Kafka spread the load. Default: 6.
    consumers (int): consumer workers started with the app. Default: 3.
    session_timeout_ms (int): how long the broker waits for a silent (crashed) member.
        Default: 6000, the smallest Apache Kafka accepts by default.
    heartbeat_interval_ms (int | None): ``None`` means a sixth of the session timeout.
        Kafka asks for at most a third; survivors learn of a rebalance at their next
        heartbeat, so a sixth cut the graceful hand-over on tansu from 3.4-5.5 s to
        3.4-4.5 s (10 trials each at a 6 s session).
    processing_ms (int): simulated work per message. Default: 0.
    max_retries (int): retries after the first failed attempt before dead-lettering.
    retry_backoff_ms (int): first retry delay; doubles on every retry, capped at 2 s.
    ledger_size (int): newest messages the in-memory ledger keeps. Default: 100,000.
    log_file (str | None): rotating traffic log; ``None`` logs to stderr only.
    log_format (str): ``text`` or ``json`` (JSON lines).
    api_host / api_port: where the REST API listens. Default: 127.0.0.1:5000.
    assignor (str): how the group shares partitions out: ``range``, ``roundrobin``,
        ``sticky`` (moves as few partitions as it can) or ``cooperative-sticky`` (moves
        them without stopping the others; not on tansu). Chosen when the group is
        created. Default: ``range``, Kafka's own default.
    also_assignors (tuple[str, ...]): assignors a member offers after ``assignor``, so
        that it joins a group whose members use one of them (the broker picks the one all
        offer). Set for a consumer started by hand without ``--assignor``. Default: none.
    consumer_mode (str): where new consumers run: ``process`` (an OS process each, the
        default: Crash is a real SIGKILL) or ``thread`` (inside the app's process).
    max_consumers (int): live consumers the app allows at once; each costs a process
        (about 40 MB) or a thread and its sockets. Default: 16.
    broker_host (str): where the embedded broker listens; ``0.0.0.0`` lets consumers on
        other machines join. Default: 127.0.0.1.
    broker_port (int | None): the embedded broker's port; ``None`` = any free port.
    advertised_host (str | None): the address clients on other machines reach the
        embedded broker at; ``None`` = ``broker_host``, or this machine's name when
        that is a wildcard.
    broker_profile (str): whose quirks to mind (messaging/broker/profile.py): ``auto`` (the
        embedded broker is tansu, an external one is detected), ``tansu`` or ``kafka``.
        The runtime replaces ``auto`` with what it chose. Default: ``auto``.
    """

    bootstrap_servers: str | None = None
    topic: str = "mi-topico"
    group: str = "grupo-consumidores"
    partitions: int = 6
    consumers: int = 3
    session_timeout_ms: int = 6000
    heartbeat_interval_ms: int | None = None
    processing_ms: int = 0
    max_retries: int = 3
    retry_backoff_ms: int = 100
    ledger_size: int = 100_000
    log_file: str | None = "logs/messages.log"
    log_format: str = "text"
    log_to_stderr: bool = True
    api_host: str = "127.0.0.1"
    api_port: int = 5000
    assignor: str = "range"
    also_assignors: tuple[str, ...] = ()
    channel_topic: str | None = None  # names <x>.activity / <x>.control; None = topic
    consumer_mode: str = "process"
    max_consumers: int = 16
    broker_host: str = "127.0.0.1"
    broker_port: int | None = None
    advertised_host: str | None = None
    broker_profile: str = "auto"
    broker: str = "tansu"
    kafka_home: str | None = None

    @property
    def heartbeat_ms(self) -> int:
        """Heartbeat interval actually used: a sixth of the session unless set."""
        return self.heartbeat_interval_ms or max(self.session_timeout_ms // 6, 100)

    @property
    def channel(self) -> str:
        """What the activity and control topics are named after: the topic the app
        started with, even after it switched to a new topic."""
        return self.channel_topic or self.topic

    @property
    def dead_letter_topic(self) -> str:
        """Where messages go after their last failed retry."""
        return f"{self.topic}.DLT"
