"""A bounded schemathesis fuzz of /openapi.json against the real app: zero failures allowed.

The API runs on a real runtime (embedded broker) with a token, so the auth checks run
too. Every check schemathesis has runs on every answer: no 5xx, status codes and
content types as documented, bodies matching their schemas, 405 with Allow for
undocumented methods, valid data accepted and invalid data refused, auth enforced.

Bounded: deterministic generation (same cases every run), a fixed number of examples
per operation, and few for POST /api/consumers (every 201 starts a consumer) and the
history export (every answer streams all messages sent so far).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
import schemathesis

from api.openapi import spec
from api.server import ApiServer
from messaging.runtime import Runtime
from tests.conftest import all_assigned, settings_for, wait_for

TOKEN = "fuzz-token-0123456789"
EXAMPLES = 25  # per operation, fuzzing phase
CONSUMER_EXAMPLES = 3  # POST /api/consumers: each 201 is one more consumer
EXPORT_EXAMPLES = 5  # GET /api/export/messages: each answer is the whole history

CONFIG = {
    # Through the schema's own bearerAuth scheme, so cases that test a missing or
    # wrong token really go without it.
    "auth": {"openapi": {"bearerAuth": {"bearer": TOKEN}}},
    "generation": {
        "mode": "all",
        "max-examples": EXAMPLES,
        "deterministic": True,
        # Requests carry the real token; the auth checks still send probes without it.
        "with-security-parameters": False,
    },
    "phases": {"stateful": {"enabled": False}},
    "checks": {
        # Too many messages or too many bytes is a documented 413 (Content Too Large).
        "negative_data_rejection": {
            "expected-statuses": [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]
        }
    },
    "operations": [
        {
            "include-name": "POST /api/consumers",
            "generation": {"max-examples": CONSUMER_EXAMPLES},
            "phases": {"coverage": {"enabled": False}, "examples": {"enabled": False}},
        },
        {
            # Each answer streams the whole history the fuzz has sent so far.
            "include-name": "GET /api/export/messages",
            "generation": {"max-examples": EXPORT_EXAMPLES},
        },
    ],
}

pytestmark = pytest.mark.timeout(120)  # the fuzz takes ~35 s here; a hang fails fast

schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(scope="module")
def fuzzed_api(tmp_path_factory) -> Iterator[str]:
    """A real runtime and API with a token; consumers crashed first so none lingers."""
    runtime = Runtime(settings_for(tmp_path_factory.mktemp("fuzz"), consumers=1)).start()
    try:
        server = ApiServer(runtime, "127.0.0.1", 0, token=TOKEN)
        try:
            url = server.start()
            wait_for(lambda: all_assigned(runtime), 20, "assignment")
            yield url
        finally:
            server.stop()
    finally:
        # The fuzz may have given a consumer 600 s per message; a crash ends that at once.
        for member in runtime.fleet.live():
            runtime.fleet.crash(member.id)
        runtime.stop()


@pytest.fixture
def api_schema(fuzzed_api):
    config = schemathesis.Config.from_dict(CONFIG)
    return schemathesis.openapi.from_url(f"{fuzzed_api}/openapi.json", config=config)


SEEN: Counter[tuple[str, str, int]] = Counter()  # (operation, method sent, status)


def record(ctx, response, case) -> None:
    """Count what was sent and answered, so a fuzz that sent nothing cannot pass."""
    SEEN[(case.operation.label, case.method, response.status_code)] += 1


@schema.parametrize()
def test_api_matches_its_openapi(case):
    case.call_and_validate(additional_checks=[record])


def test_the_fuzz_reached_every_operation_and_answer():
    """A fuzz that sent nothing would pass; this runs after it (file order) and says so.

    schemathesis leaves out GET /openapi.json, the document it was loaded from.
    """
    assert SEEN, "run together with test_api_matches_its_openapi (it records what it sent)"
    per_operation: Counter[str] = Counter()
    for (operation, _, _), n in SEEN.items():
        per_operation[operation] += n
    expected = {
        f"{method.upper()} {path}"
        for path, operations in spec().get("paths", {}).items()
        for method in operations
        if path != "/openapi.json"
    }
    assert set(per_operation) == expected, per_operation
    assert all(n >= 3 for n in per_operation.values()), per_operation
    statuses = {status for (_, _, status) in SEEN}
    assert statuses >= {200, 201, 400, 404, 405, 415}, statuses
    assert not [s for s in statuses if s >= 500]
