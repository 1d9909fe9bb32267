"""The spec's ``consumer.py``, as written there, as the consumer side of the baseline.

Only what the benchmark must point somewhere is configurable (argv or env): broker
address, topic and group. One addition: ``session_timeout_ms=6000`` (the app's
session; kafka-python's default is 10 s). tansu holds a JoinGroup for half the
session, so three consumers joining one by one would otherwise keep the group
rebalancing for 15 s before the first message.

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
)

print("Esperando mensajes...")

for message in consumer:
    print(f"Mensaje recibido: {message.value}")
