"""``schemathesis run`` against the real app's /openapi.json: zero failures allowed.

The API runs on a real runtime (embedded broker) with a token, so the auth checks run
too. Every check schemathesis has runs on every answer (``--checks all``): no 5xx, status
codes and content types as documented, bodies matching their schemas, 405 with Allow
for undocumented methods, valid data accepted and invalid data refused, auth enforced.

The stateful phase follows the schema's own links (none inferred): it adds a consumer,
then reads, changes, stops, crashes and deletes it in sequences, and checks what each
answer implies for the next (a created consumer can be read, a deleted one is gone for
every operation).

One test runs the whole fuzz through schemathesis' own command line and then reads what
it sent from its HAR report, so a fuzz that reached nothing cannot pass, whatever order
or selection of tests runs. Bounded: deterministic generation (the same cases every run),
a fixed number of examples per operation, few for POST /api/consumers (every 201 starts
a consumer) and the history export (every answer streams all messages so far), and a
fixed number of stateful scenarios (a stop waits for the consumer to leave the group).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from api.openapi import spec
from api.server import ApiServer
from messaging.core.events import CRASHED, PROCESS, STOPPED, THREAD
from messaging.runtime import Runtime
from tests.conftest import all_assigned, shared_settings, wait_for

TOKEN = "fuzz-token-0123456789"
EXAMPLES = 10  # per operation, fuzzing phase
SCENARIOS = 12  # stateful phase: each that stops a consumer takes ~5 s


def config(token: str, examples: int, scenarios: int, bounded: bool = True) -> str:
    """schemathesis' configuration: the suite's bounded run, or (``bounded=False``) the full
    one of scripts/fuzz_full.py, with every operation at ``examples`` and a random seed."""
    text = f"""
# Through the schema's own bearerAuth scheme, so cases that test a missing or wrong
# token really go without it.
[auth.openapi.bearerAuth]
bearer = "{token}"

[generation]
mode = "all"
max-examples = {examples}
deterministic = {"true" if bounded else "false"}
# Requests carry the real token; the auth checks still send probes without it.
with-security-parameters = false

# Scenarios of up to 6 linked calls, on valid data: the other phases send the invalid
# kind, and here it would only break the chains. Each scenario that stops a consumer
# waits for it to leave the group (a few seconds).
[phases.stateful]
max-steps = 6
# Only the schema's own links: the inferred ones mostly lead to ids that never existed,
# which the other phases already try.
inference.algorithms = []
generation.max-examples = {scenarios}
generation.mode = "positive"

# Bodies over 1 MiB are a documented 413 (Content Too Large).
[checks.negative_data_rejection]
expected-statuses = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]
"""
    return text + (BOUNDED_OPERATIONS if bounded else "")


BOUNDED_OPERATIONS = """
# Each 201 is one more consumer.
[[operations]]
include-name = "POST /api/consumers"
generation.max-examples = 3
phases.coverage.enabled = false
phases.examples.enabled = false

# Each 200 creates a topic (up to 64 partitions) and moves every consumer onto it.
[[operations]]
include-name = "POST /api/topic"
generation.max-examples = 3

# Each answer streams the whole history the fuzz has sent so far.
[[operations]]
include-name = "GET /api/export/messages"
generation.max-examples = 5
"""
RUN_S = 240  # the whole fuzz; ~100 s here (2 shared cores), ~25 s of it stateful

pytestmark = pytest.mark.timeout(RUN_S + 60)


@pytest.fixture(scope="module")
def fuzzed_api(tmp_path_factory, shared_broker) -> Iterator[str]:
    """A real runtime and API with a token; consumers crashed first so none lingers.

    New consumers are threads unless a request asks for a process: the stateful phase
    adds one per scenario, and a process each would be a Python interpreter each.
    """
    settings = shared_settings(
        shared_broker.address,
        tmp_path_factory.mktemp("fuzz"),
        consumers=1,
        consumer_mode="thread",
    )
    runtime = Runtime(settings).start()
    try:
        server = ApiServer(runtime, "127.0.0.1", 0, token=TOKEN)
        try:
            url = server.start()
            wait_for(lambda: all_assigned(runtime), 20, "assignment")
            yield url
        finally:
            server.stop()
    finally:
        # The fuzz may have given a consumer 600 s per message, in any group, and then
        # stopped it (a stop lets the message finish); a crash ends that at once.
        for member in (m for fleet in runtime.groups() for m in fleet.members()):
            snap = member.snapshot
            if snap.kind in (THREAD, PROCESS) and snap.state not in (STOPPED, CRASHED):
                member.crash()
        runtime.stop()


def operations() -> dict[str, re.Pattern[str]]:
    """``"METHOD /path/{param}"`` -> a pattern matching that operation's request paths.

    schemathesis leaves out GET /openapi.json, the document it was loaded from.
    """
    return {
        f"{method.upper()} {path}": re.compile(re.sub(r"\{[^/]+\}", "[^/]+", path) + "$")
        for path, methods in spec().get("paths", {}).items()
        for method in methods
        if path != "/openapi.json"
    }


def sent(har: Path) -> Counter[tuple[str, int]]:
    """(operation, status) of every request in schemathesis' HAR report; undocumented
    methods and paths count under ``"METHOD other"``."""
    ops = operations()
    seen: Counter[tuple[str, int]] = Counter()
    for entry in json.loads(har.read_text())["log"]["entries"]:
        method = entry["request"]["method"]
        path = urlsplit(entry["request"]["url"]).path
        name = next(
            (
                op
                for op, pattern in ops.items()
                if op.startswith(method + " ") and pattern.match(path)
            ),
            f"{method} other",
        )
        seen[(name, entry["response"]["status"])] += 1
    return seen


def consumer_answers(seen: Counter[tuple[str, int]]) -> dict[str, int]:
    """``"METHOD /api/consumers... status"`` -> count: what a failed chain assertion shows."""
    return {f"{op} {status}": n for (op, status), n in seen.items() if "/api/consumers" in op}


def test_schemathesis_finds_nothing_and_reaches_every_operation(fuzzed_api, tmp_path):
    toml = tmp_path / "schemathesis.toml"
    toml.write_text(config(TOKEN, EXAMPLES, SCENARIOS))
    har = tmp_path / "fuzz.har.json"
    command = [
        *(sys.executable, "-c", "from schemathesis.cli import schemathesis; schemathesis()"),
        *("--config-file", str(toml), "run", f"{fuzzed_api}/openapi.json"),
        *("--checks", "all", "--no-color", "--report", "har", "--report-har-path", str(har)),
    ]
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=RUN_S, check=False
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]

    seen = sent(har)
    per_operation: Counter[str] = Counter()
    for (operation, _), n in seen.items():
        per_operation[operation] += n
    missed = set(operations()) - set(per_operation)
    assert not missed, f"the fuzz never reached {sorted(missed)}"
    assert all(per_operation[op] >= 3 for op in operations()), per_operation
    statuses = {status for (_, status) in seen}
    assert statuses >= {200, 201, 400, 404, 405, 409, 415}, statuses
    # The stateful phase followed the schema's links from the consumers it added to
    # operations on them. Which links each scenario takes is schemathesis' random pick
    # (in the runs measured, 1 to 3 of 12 scenarios went on to a delete that removed one), so
    # only what every run reaches is required; tests/test_api.py deletes for certain.
    on_added = sum(
        seen[(f"POST /api/consumers/{{id}}/{action}", status)]
        for action, status in (("stop", 200), ("stop", 202), ("crash", 200))
    )
    assert seen[("POST /api/consumers", 201)] >= 1 and on_added >= 1, consumer_answers(seen)
    assert not [s for s in statuses if s >= 500], seen
