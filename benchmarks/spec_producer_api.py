"""The spec's ``producer_api.py``, as written there, as the benchmark's baseline.

Only what the benchmark must point somewhere is configurable (argv or env):
broker address, topic and port. Everything else is the spec's code: Flask's built-in
server, one KafkaProducer with a JSON value serializer, ``send`` then ``flush`` on
every request.

One deliberate difference, documented in benchmarks/README.md: the spec runs
``app.run(port=5000, debug=True)``. Debug mode starts Werkzeug's reloader, which
re-executes the script in a second process (a child the benchmark could not stop
cleanly) and wraps the app in the interactive debugger. We run ``debug=False``
(set ``SPEC_DEBUG=1`` to get the spec's exact call, reloader excluded); the server
is the same Werkzeug development server, threaded as Flask's default.

    python benchmarks/spec_producer_api.py [BOOTSTRAP] [TOPIC] [PORT]
"""

import json
import os
import sys

from flask import Flask, jsonify, request
from kafka import KafkaProducer

BOOTSTRAP = (sys.argv[1:2] or [os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")])[0]
TOPIC = (sys.argv[2:3] or [os.environ.get("SPEC_TOPIC", "mi-topico")])[0]
PORT = int((sys.argv[3:4] or [os.environ.get("SPEC_PORT", "5000")])[0])

app = Flask(__name__)

producer = KafkaProducer(
    bootstrap_servers=BOOTSTRAP, value_serializer=lambda v: json.dumps(v).encode("utf-8")
)


@app.route("/enviar", methods=["POST"])
def enviar_mensaje():
    data = request.json
    producer.send(TOPIC, data)
    producer.flush()
    return jsonify({"mensaje": "Mensaje enviado", "data": data}), 200


if __name__ == "__main__":
    app.run(port=PORT, debug=os.environ.get("SPEC_DEBUG") == "1", use_reloader=False)
