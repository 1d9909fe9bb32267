"""An embedded Apache Kafka: one KRaft node (broker and controller) on the JVM.

The jars come from :mod:`messaging.broker.kafka_dist`. Each start formats a fresh log
folder, picks free ports, and waits until the broker answers a metadata request; a stop
ends the JVM and removes the folder. Like tansu, the JVM gets PR_SET_PDEATHSIG, so a
SIGKILLed app takes it along; the folder such an app leaves behind is removed by the
next start.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from messaging.broker.common import (
    BrokerError,
    BrokerProcess,
    BrokerSetupError,
    free_port,
    local_address,
    port_problem,
    track,
    untrack,
    wait_reachable,
)
from messaging.broker.kafka_dist import Distribution, find_distribution, find_java
from messaging.broker.policy import KAFKA_SESSION_TIMEOUT_MS

RUN_PREFIX = "p2p-kafka-"  # <tmp>/p2p-kafka-<app pid>-*: one folder per running broker

# The JVM of a demo broker: a small heap is plenty (measured RSS: about 330 MB after a
# 20,000-message run) and the serial collector keeps GC threads off a 2-core machine.
JVM_OPTIONS = (
    "-Xms64m",
    "-Xmx512m",
    "-XX:+UseSerialGC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
)


def broker_settings(
    host: str, port: int, advertised: str, controller_port: int, log_dir: Path
) -> dict[str, object]:
    """server.properties of the demo's single node, each setting for a reason."""
    low, high = KAFKA_SESSION_TIMEOUT_MS
    return {
        # One process is the whole cluster: broker and KRaft controller, no ZooKeeper.
        "process.roles": "broker,controller",
        "node.id": 1,
        "listeners": f"PLAINTEXT://{host}:{port},CONTROLLER://127.0.0.1:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://{advertised}:{port}",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "controller.quorum.bootstrap.servers": f"127.0.0.1:{controller_port}",
        "log.dirs": str(log_dir),
        # One broker: every internal topic has one replica, or it cannot be created.
        "offsets.topic.replication.factor": 1,
        "transaction.state.log.replication.factor": 1,
        "transaction.state.log.min.isr": 1,
        "share.coordinator.state.topic.replication.factor": 1,
        "share.coordinator.state.topic.min.isr": 1,
        # The offsets topic is made on the first group's first request; 50 partitions (the
        # default) made that first join wait for 50 logs on one node.
        "offsets.topic.num.partitions": 1,
        # Kafka waits 3 s before a new group's first rebalance, for more members to come;
        # the demo's consumers should own partitions as soon as they join.
        "group.initial.rebalance.delay.ms": 0,
        # A topic made on first use (the spec's producer, kcat) gets the app's 6, not 1.
        "num.partitions": 6,
        # Stock Kafka's session limits, written out: what works here works on a cluster
        # with the defaults, and the app's flags are checked against the same numbers.
        "group.min.session.timeout.ms": low,
        "group.max.session.timeout.ms": high,
    }


def cluster_id() -> str:
    """A new cluster id: 16 random bytes, URL-safe base64 without padding (Kafka's Uuid).

    Never one that starts with "-": the storage tool read such an id as an option and
    refused to format (1 start in 64). Kafka's own Uuid.randomUuid() skips them too.
    """
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not text.startswith("-"):
            return text


LOG4J = """status = error
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.file.ref = file
"""


class ApacheKafka(BrokerProcess):
    """A single-node Apache Kafka; the interface of :class:`messaging.broker.tansu.EmbeddedBroker`.

    Unlike tansu it keeps its logs on disk: :meth:`restart` brings back the same
    cluster with every topic, record and committed offset, as a real restart does.
    """

    kind = "apache"
    keeps_data = True

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int | None = None,
        advertised: str | None = None,
        kafka_home: str | None = None,
    ) -> None:
        super().__init__(host, port, advertised)
        self._asked_port = port
        self.kafka_home = kafka_home
        self.dist: Distribution | None = None
        self._folder: Path | None = None

    @property
    def version(self) -> str:
        """``Apache Kafka 4.4.0`` (the version of the jars it runs)."""
        return f"Apache Kafka {self.dist.version if self.dist else '?'}"

    def start(self, timeout: float = 90.0) -> str:
        """Format a fresh folder, start the JVM, wait until it answers; returns its address.

        Raises :class:`BrokerSetupError` for what the user must fix (Java, jars, port),
        :class:`BrokerError` when the broker itself fails.
        """
        java = find_java()
        self.dist = find_distribution(self.kafka_home)
        problem = port_problem(self.host, self._asked_port)
        if problem:
            raise BrokerSetupError(problem)
        sweep_orphans()
        self._folder = Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{os.getpid()}-"))
        track(self)
        try:
            self._format(java)
            self._launch(java)
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self.bootstrap_servers

    def _format(self, java: str) -> None:
        assert self._folder is not None and self.dist is not None
        props = broker_settings(
            self.host, self.port, self.advertised, free_port(), self._folder / "data"
        )
        text = "".join(f"{key}={value}\n" for key, value in props.items())
        (self._folder / "server.properties").write_text(text)
        (self._folder / "log4j2.properties").write_text(
            LOG4J.format(log=(self._folder / "server.log").as_posix())
        )
        cmd = [java, "-cp", self.dist.classpath, "kafka.tools.StorageTool", "format"]
        cmd += ["--standalone", f"--cluster-id={cluster_id()}"]
        cmd += ["--config", str(self._folder / "server.properties")]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise BrokerError(f"Apache Kafka's storage format failed: {_last_line(done.stderr)}")

    def _launch(self, java: str) -> None:
        assert self._folder is not None and self.dist is not None
        config = self._folder / "log4j2.properties"
        cmd = [java, *JVM_OPTIONS, f"-Dlog4j2.configurationFile={config.as_posix()}"]
        cmd += ["-cp", self.dist.classpath, "kafka.Kafka", str(self._folder / "server.properties")]
        with open(self._folder / "stdout.log", "ab") as out:
            self._spawn(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=self._folder)

    def _wait_ready(self, timeout: float) -> None:
        """Until a metadata answer lists this broker (listening comes a little earlier)."""
        from kafka import KafkaAdminClient

        deadline = time.monotonic() + timeout
        address = f"{local_address(self.host)}:{self.port}"
        last: object = "no answer"
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise BrokerError(
                    f"Apache Kafka exited at start (code {self._process.returncode}): "
                    f"{self._failure()}"
                )
            # A socket first: kafka-python's client backs off for seconds on a refusal.
            try:
                wait_reachable(address, timeout=0.1)
            except BrokerError:
                continue
            try:
                admin = KafkaAdminClient(
                    bootstrap_servers=address, request_timeout_ms=3000, client_id="p2p-ready"
                )
                try:
                    if admin.describe_cluster().get("brokers"):
                        return
                finally:
                    admin.close()
            except Exception as exc:  # not up yet: any error means "ask again"
                last = exc
            time.sleep(0.2)
        raise BrokerError(
            f"Apache Kafka did not answer on {address} within {timeout:.0f} s ({last})"
        )

    def _failure(self) -> str:
        """The broker's own last words: the first ERROR of its log, else its stdout."""
        assert self._folder is not None
        for name in ("server.log", "stdout.log"):
            path = self._folder / name
            lines = path.read_text(errors="replace").splitlines() if path.exists() else []
            errors = [line for line in lines if " ERROR " in line or "Exception" in line]
            if errors or lines:
                return (errors or lines)[0][:300]
        return "it printed nothing"

    def restart(self, timeout: float = 90.0) -> str:
        """The same cluster again, on the same address, with everything it had stored."""
        self._end_process(grace=5.0)
        java = find_java()
        self._launch(java)
        self._wait_ready(timeout)
        return self.bootstrap_servers

    def halt(self) -> None:
        """Stop the JVM as a broker outage would, keeping its folder: :meth:`restart` then
        brings the same cluster back."""
        self._end_process(grace=5.0)

    def stop(self, timeout: float = 5.0, grace: float | None = None) -> None:
        """SIGTERM (Kafka's controlled shutdown), SIGKILL after ``grace`` s; then the
        folder goes. Its data is this run's only: nothing outlives the app."""
        untrack(self)
        self._end_process(timeout if grace is None else grace)
        folder, self._folder = self._folder, None
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"


def sweep_orphans() -> None:
    """Remove the folders of brokers whose app died without stopping them (SIGKILL)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{RUN_PREFIX}*"):
        owner = folder.name[len(RUN_PREFIX) :].split("-")[0]
        if owner.isdigit() and not _alive(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    import psutil  # os.kill(pid, 0) would send Ctrl-C on Windows

    return psutil.pid_exists(pid)
