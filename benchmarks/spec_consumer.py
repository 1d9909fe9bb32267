"""The spec's ``consumer.py``, as written there, as the consumer side of the baseline.

Only what the benchmark must point somewhere is configurable (argv or env): broker
address, topic and group. Two additions, the app's own group timing:
``session_timeout_ms=6000`` (kafka-python 3.0's default is 45 s against a 3.x broker;
tansu holds a JoinGroup for half the session, so three consumers joining one by one
would keep the group rebalancing for about 3 x 22 s before the first message), and
``heartbeat_interval_ms=1000``, a sixth of it: with kafka-python's 3 s, tansu can
expel a consumer that has just joined before its first heartbeat.

The print per message is the spec's and stays; the benchmark runs this with
``python -u`` and stdout to a log file (one write per line, as on a terminal).

    python -u benchmarks/spec_consumer.py [BOOTSTRAP] [TOPIC] [GROUP]
"""

import json
import os
import sys

from kafka import KafkaConsumer

BOOTSTRAP = (sys.argv[1:2] or [os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")])[0]
TOPIC = (sys.argv[2:3] or [os.environ.get("SPEC_TOPIC", "mi-topico")])[0]
GROUP = (sys.argv[3:4] or [os.environ.get("SPEC_GROUP", "grupo-consumidores")])[0]

consumer = KafkaConsumer(
    TOPIC,
    bootstrap_servers=BOOTSTRAP,
    value_deserializer=lambda m: json.loads(m.decode("utf-8")),
    group_id=GROUP,
    session_timeout_ms=6000,
    heartbeat_interval_ms=1000,
)

print("Esperando mensajes...")

for message in consumer:
    print(f"Mensaje recibido: {message.value}")
