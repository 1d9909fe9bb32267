"""A broker that goes away and comes back is used again, without restarting the app.

Real faults only: the embedded tansu process is SIGKILLed, or an outside broker is
stopped and a new one started on the same address (it comes back empty, as tansu does).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time
from collections.abc import Iterator

import pytest
from kafka import KafkaAdminClient
from kafka.partitioner.default import murmur2

from messaging import broker as brokers
from messaging.audit.ledger import Ledger
from messaging.broker import Broker, free_port
from messaging.channel.activity import activity_topic, control_topic
from messaging.clients.sender import Sender, SendError
from messaging.clients.topics import ensure_topic
from messaging.core.events import EventHub
from tests import brokers as lanes
from tests.conftest import START_S, all_assigned, running_api, wait_for
from tests.test_api import call

MESSAGE = {"id": 1, "contenido": "Hola desde Kafka"}


def enviar(url: str) -> int:
    return call(f"{url}/enviar", "POST", MESSAGE)[0]


def processed(runtime, message_id: str) -> bool:
    record = runtime.ledger.get(message_id)
    return bool(record) and record.status == "processed"


def send_until_acknowledged(url: str, timeout: float) -> tuple[float, dict]:
    """Seconds until /enviar answered 200 again, and that answer."""
    start = time.monotonic()
    body: dict = {}

    def ok() -> bool:
        nonlocal body
        status, body = call(f"{url}/enviar", "POST", MESSAGE)
        return status == 200

    wait_for(ok, timeout, "/enviar to answer 200 again")
    return time.monotonic() - start, body


def test_dead_embedded_broker_is_replaced_and_everything_comes_back(make_runtime, caplog):
    caplog.set_level(logging.INFO, logger="messaging")
    runtime = make_runtime(own_broker=True, consumers=2)  # process consumers, the default
    wait_for(lambda: all_assigned(runtime), 20, "assignment")
    with running_api(runtime) as url:
        assert enviar(url) == 200
        os.kill(runtime.broker.pid, signal.SIGKILL)

        took, body = send_until_acknowledged(url, START_S)
        wait_for(lambda: processed(runtime, body["message_id"]), 60, "consumers to rejoin")

        assert "back at" in (runtime.broker_note or "")
        said = caplog.text
        assert "embedded broker died" in said
        # tansu comes back empty, Apache Kafka with its logs: the log says which.
        assert ("on disk" if runtime.broker.keeps_data else "memory") in said
        assert "back at" in said
        monitor_seen = runtime.monitor.updated_at
        back = wait_for(lambda: runtime.monitor.updated_at > monitor_seen, 15, "the lag monitor")
        print(f"lag monitor back after {back:.2f} s")
        print(f"first 200 after the kill {took:.2f} s")
        assert took < START_S


def key_on_partition(partition: int, of: int) -> str:
    """A key kafka-python's default partitioner puts on ``partition`` of ``of``."""
    return next(
        key
        for key in (f"k{i}" for i in range(10_000))
        if (murmur2(key.encode()) & 0x7FFFFFFF) % of == partition
    )


def test_a_send_held_when_the_broker_dies_is_refused_never_lost(make_runtime):
    """/enviar while the embedded broker is dead and not yet restarted: the producer
    holds the record. It must answer 503 (the client sends again), or 200 only for a
    record a consumer then processes.

    Its key is on partition 5 of 6. Held in the producer, the record would go out to the
    restarted broker, which comes back empty: tansu creates the topic on that first use
    with 4 partitions, acknowledges the record for partition 5 anyway, and no consumer
    can ever read it there.
    """
    runtime = make_runtime(own_broker=True, consumers=2, consumer_mode="thread")
    wait_for(lambda: all_assigned(runtime), 20, "assignment")
    first, held = key_on_partition(0, of=runtime.partitions), key_on_partition(5, of=6)
    with running_api(runtime) as url:
        assert call(f"{url}/enviar?key={first}", "POST", MESSAGE)[0] == 200
        os.kill(runtime.broker.pid, signal.SIGKILL)
        status, body = call(f"{url}/enviar?key={held}", "POST", MESSAGE)

        assert status in (200, 503), body
        if status == 200:  # the broker was back in time: a real partition took it
            wait_for(lambda: processed(runtime, body["message_id"]), 30, "its processing")
        took, body = send_until_acknowledged(url, START_S)
        wait_for(lambda: processed(runtime, body["message_id"]), 60, "consumers to rejoin")


class Cluster:
    """What a test runs as 'the cluster' (not the app's own broker), of the lane's kind:
    halted and started again on one address. tansu comes back empty each time; Apache
    Kafka comes back with its logs, as a restarted Kafka does."""

    def __init__(self) -> None:
        self.broker: Broker = brokers.embedded(lanes.LANE, port=free_port())
        self.started = False

    def start(self) -> str:
        if not self.started:
            self.started = True
            return self.broker.start()
        return self.broker.restart()

    def stop(self) -> None:
        self.broker.halt()


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    """An outside cluster; its broker is stopped at teardown."""
    made = Cluster()
    yield made
    made.broker.stop()


def test_cluster_restarted_on_the_same_address_is_used_again(make_runtime, cluster, caplog):
    caplog.set_level(logging.INFO, logger="messaging")
    address = cluster.start()
    runtime = make_runtime(bootstrap_servers=address, consumers=2, consumer_mode="thread")
    wait_for(lambda: all_assigned(runtime), 20, "assignment")
    with running_api(runtime) as url:
        assert enviar(url) == 200
        cluster.stop()

        to_503 = wait_for(lambda: enviar(url) == 503, 10, "/enviar to answer 503")
        assert call(f"{url}/health")[0] == 503
        wait_for(lambda: "unreachable" in (runtime.broker_note or ""), 5, "the outage noted")

        cluster.start()
        took, body = send_until_acknowledged(url, START_S)
        wait_for(lambda: processed(runtime, body["message_id"]), 60, "consumers to rejoin")

        topics = set(runtime.monitor._admin.list_topics())
        s = runtime.settings
        assert {s.topic, s.dead_letter_topic, activity_topic(s.topic), control_topic(s.topic)} <= (
            topics
        )
        assert "unreachable since" in caplog.text and "back at" in caplog.text
        print(f"first 503 after {to_503:.2f} s; first 200 after restart {took:.2f} s")
        assert to_503 < 6 and took < START_S


def send_once_back(runtime, items: list[tuple[dict, str]], timeout: float) -> list[str]:
    """Message ids of ``items``, sent as soon as the rebuilt producer is acknowledged."""
    sent: list[str] = []

    def ok() -> bool:
        try:
            sent[:] = [s.message_id for s in runtime.sender.send_many(items)]
        except SendError:
            return False
        return True

    wait_for(ok, timeout, "a send acknowledged after the restart")
    return sent


@pytest.mark.tansu_only(
    "tansu comes back empty and answers a fetch past the log's end with nothing"
)
def test_a_consumer_keeping_its_partitions_reads_the_log_that_came_back_empty(
    make_runtime, cluster, mode
):
    """One consumer owns every partition before and after the restart, so kafka-python
    keeps its positions, which now lie past the end of the new, empty logs; tansu does
    not answer such a fetch with OFFSET_OUT_OF_RANGE as Kafka would."""
    address = cluster.start()
    runtime = make_runtime(bootstrap_servers=address, consumers=1, consumer_mode=mode)
    wait_for(lambda: all_assigned(runtime), 20, "assignment")
    before = runtime.sender.send_many([({"id": i}, f"k{i}") for i in range(36)])
    wait_for(lambda: all(processed(runtime, s.message_id) for s in before), 30, "the first 36")
    cluster.stop()
    wait_for(lambda: not runtime.broker_watch.status.up, 10, "the outage noted")

    cluster.start()
    after = send_once_back(runtime, [({"id": i}, f"k{i}") for i in range(6)], 40)

    def done() -> list[str]:
        return [m for m in after if not processed(runtime, m)]

    wait_for(lambda: not done(), 40, f"the messages sent after the restart ({done()} not yet)")


@pytest.mark.tansu_only("tansu comes back empty; its LogWatch reads a recreated topic whole")
def test_a_topic_tail_reads_a_topic_recreated_empty(cluster):
    """The app's activity reader and every consumer's control listener are such tails;
    a topic that comes back after a restart is read whole, on every partition it has."""
    from kafka import KafkaAdminClient

    from messaging.broker.detect import resolve
    from messaging.clients.sender import make_producer
    from messaging.clients.tail import TopicTail
    from messaging.clients.topics import ensure_topic

    address = cluster.start()

    def fill(values: list[bytes], partitions: int = 1) -> None:
        """Write ``values`` round the topic's partitions (made with ``partitions``)."""
        admin = KafkaAdminClient(bootstrap_servers=address, request_timeout_ms=5000)
        ensure_topic(admin, "t.control", partitions)
        admin.close()
        producer = make_producer(address, "fill", enable_idempotence=False)
        count = len(producer.partitions_for("t.control"))
        for i, value in enumerate(values):
            producer.send("t.control", value, partition=i % count).get(5)
        producer.close(timeout=3)

    fill([b"old-%d" % i for i in range(5)])
    seen: list[bytes | None] = []
    profile = resolve("auto", address, None)  # tansu, by its cluster id: its LogWatch is on
    assert profile.name == "tansu"
    tail = TopicTail(address, "t.control", lambda r: seen.append(r.value), "tail", profile)
    tail.start()
    try:
        fill([b"before"])
        wait_for(lambda: b"before" in seen, 10, "a record sent before the restart")
        cluster.stop()
        cluster.start()
        # It comes back with 4 partitions (tansu gives that to a topic any client's
        # metadata request recreates first, the tail's own included): all are read.
        after = [b"after-%d" % i for i in range(4)]
        fill(after, partitions=4)
        wait_for(lambda: set(after) <= set(seen), 30, "the records sent after the restart")
        assert tail.alive
    finally:
        tail.stop()


@pytest.mark.tansu_only("tansu comes back empty and makes any topic a client names, with 4")
def test_a_topic_a_client_recreated_first_is_taken_with_its_partitions(make_runtime, cluster):
    """tansu creates any topic a client asks for, with 4 partitions, whatever the client
    says; one that asks before the app recreates the topic decides its count. The app
    says so, and its lag monitor and consumers go on with the topic as it is."""
    from kafka import KafkaConsumer

    address = cluster.start()
    runtime = make_runtime(bootstrap_servers=address, consumers=2, consumer_mode="thread")
    wait_for(lambda: all_assigned(runtime), 20, "assignment")
    cluster.stop()
    wait_for(lambda: not runtime.broker_watch.status.up, 10, "the outage noted")

    cluster.start()
    asker = KafkaConsumer(bootstrap_servers=address, allow_auto_create_topics=False)
    try:
        asker.subscribe([runtime.settings.topic])  # its metadata request names the topic

        def asked() -> object:
            asker.poll(100)
            return asker.partitions_for_topic(runtime.settings.topic)

        wait_for(asked, 10, "the topic's metadata")
        count = len(asked())
    finally:
        asker.close()
    wait_for(lambda: runtime.broker_watch.status.up, 20, "the recovery")
    assert count and runtime.partitions == count
    if count != 6:
        assert any(
            f"came back with {count} partitions, not 6" in w.english() for w in runtime.warnings
        )
    seen = runtime.monitor.updated_at or 0
    wait_for(lambda: (runtime.monitor.updated_at or 0) > seen, 15, "the lag monitor")
    assert sorted(runtime.monitor.lag) == list(range(count))
    after = send_once_back(runtime, [({"id": i}, f"k{i}") for i in range(8)], 40)
    wait_for(lambda: all(processed(runtime, m) for m in after), 40, "the messages sent after")


def test_a_topic_tail_started_while_the_broker_is_down_ends_quietly():
    """An Apache Kafka restart takes seconds: a tail (the activity reader, a control
    listener) started meanwhile could not bootstrap, and its thread died of an unhandled
    KafkaTimeoutError. It ends with a warning; its owner starts another once the broker
    answers (the runtime's watch loop does)."""
    from messaging.broker.profile import named
    from messaging.clients.tail import TopicTail

    tail = TopicTail(f"127.0.0.1:{free_port()}", "t.control", print, "tail", named("kafka"))
    tail.start(timeout=60)
    wait_for(lambda: not tail.alive, 60, "the tail to give up")


@contextlib.contextmanager
def hung(pid: int) -> Iterator[None]:
    """The broker stopped by SIGSTOP, as a frozen VM or a long GC pause looks: it still
    accepts connections (the kernel queues them) and answers nothing."""
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def test_a_hung_broker_is_seen_and_sending_resumes_when_it_answers(make_runtime):
    runtime = make_runtime(own_broker=True, consumers=2)
    wait_for(lambda: all_assigned(runtime), 20, "assignment")
    with running_api(runtime) as url:
        status, before = call(f"{url}/enviar", "POST", MESSAGE)
        assert status == 200
        with hung(runtime.broker.pid):
            start = time.monotonic()
            status, body = call(f"{url}/enviar", "POST", MESSAGE)
            took = time.monotonic() - start
            assert status == 503, body
            assert took < 5.0, f"the README promises a 503 within 5 s, it took {took:.1f} s"
            (unanswered,) = body["message_ids"]  # it reached the broker, which said nothing
            seen = wait_for(lambda: call(f"{url}/health")[0] == 503, 10, "/health to say 503")
            status, body = call(f"{url}/enviar", "POST", MESSAGE)
            assert (status, "unreachable" in body["error"]) == (503, True), body
        took, after = send_until_acknowledged(url, 20)
        assert call(f"{url}/health")[0] == 200
        print(f"/health 503 {seen:.1f} s into the hang; 200 again {took:.1f} s after it")
        ids = [before["message_id"], after["message_id"]]
        wait_for(lambda: all(processed(runtime, i) for i in ids), 30, "their processing")
        # Written before the hang or not: if a consumer got it, it is told apart.
        record = runtime.ledger.get(unanswered)
        assert record is None or record.origin == "unacknowledged", record
        totals = runtime.ledger.totals()
        assert totals["sent"] + totals["unacknowledged"] == totals["processed"], totals


def test_a_producer_whose_batch_expired_in_a_hang_is_replaced(cluster):
    """A hang the broker watch cannot see: the Sender alone, no runtime. kafka-python's
    idempotent producer fails every record after one of its batches expired, for good."""
    address = cluster.start()
    admin = KafkaAdminClient(bootstrap_servers=address)
    ensure_topic(admin, "hang", 1)
    admin.close()
    sender = Sender(address, "hang", Ledger(), EventHub(), None)

    def acknowledged() -> bool:
        try:
            return sender.send({"n": 2}).offset >= 0
        except SendError:
            return False

    try:
        sender.send({"n": 0})
        with hung(cluster.broker.pid), pytest.raises(SendError):
            sender.send({"n": 1})  # held past its delivery timeout
        wait_for(acknowledged, 30, "a send acknowledged again")
    finally:
        sender.close()
