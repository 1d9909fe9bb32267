"""The shipped Postman collection, run by newman against ``main.py --headless`` over real HTTP.

Postman is how the original spec sends messages, so the collection under resources/postman/ is
part of the product: these tests keep it covering every endpoint and passing against the app.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.openapi import spec
from tests.conftest import START_S, broker_processes, wait_for
from tests.processes import ROOT, serving, started_app

POSTMAN = ROOT / "resources" / "postman"
COLLECTION = POSTMAN / "kafka-p2p.postman_collection.json"
ENVIRONMENT = POSTMAN / "kafka-p2p.postman_environment.json"


def find_newman() -> str | None:
    """``$NEWMAN``, else newman on PATH, else a local ``npm install --prefix . newman``."""
    local = ROOT / "node_modules" / ".bin" / "newman"
    for candidate in (os.environ.get("NEWMAN"), shutil.which("newman"), str(local)):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


NEWMAN = find_newman()
needs_newman = pytest.mark.skipif(
    NEWMAN is None, reason="newman not found: install it with `npm install -g newman`"
)


# ----- the collection as a document ----------------------------------------------------------
def requests_of(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every request item of a collection or folder, in run order."""
    for child in node.get("item", []):
        if "request" in child:
            yield child
        else:
            yield from requests_of(child)


def template(path: str) -> str:
    """``/api/consumers/{{consumerId}}`` and ``/api/consumers/{id}`` -> ``/api/consumers/{}``."""
    return re.sub(r"\{\{?[^/{}]+\}\}?", "{}", path)


def operations() -> set[tuple[str, str]]:
    """(method, path template) of every operation /openapi.json describes."""
    return {
        (method.upper(), template(path)) for path, ops in spec()["paths"].items() for method in ops
    }


def test_collection_covers_every_endpoint_with_checks():
    collection = json.loads(COLLECTION.read_text())
    assert collection["info"]["schema"].endswith("/collection/v2.1.0/collection.json")
    items = list(requests_of(collection))
    covered = {
        (i["request"]["method"], template("/" + "/".join(i["request"]["url"]["path"])))
        for i in items
    }
    assert operations() <= covered
    for i in items:
        tests = [e for e in i["event"] if e["listen"] == "test"]
        assert tests and "pm.test(" in "\n".join(tests[0]["script"]["exec"]), i["name"]
    expected_errors = {
        i["response"][0]["code"] for i in items if i["response"] and i["response"][0]["code"] >= 400
    }
    assert {400, 404, 415} <= expected_errors
    spec_body = {"id": 1, "contenido": "Hola desde Kafka"}
    assert any(
        i["request"]["url"]["path"] == ["enviar"]
        and json.loads(i["request"].get("body", {}).get("raw") or "null") == spec_body
        for i in items
    )


def test_token_is_optional_and_health_needs_none():
    collection = json.loads(COLLECTION.read_text())
    environment = json.loads(ENVIRONMENT.read_text())
    defaults = {"baseUrl": "http://localhost:5000", "apiToken": ""}
    for variables in (collection["variable"], environment["values"]):
        assert {v["key"]: v["value"] for v in variables} == defaults
    assert collection["auth"] == {
        "type": "bearer",
        "bearer": [{"key": "token", "value": "{{apiToken}}", "type": "string"}],
    }
    for i in requests_of(collection):
        public = i["request"]["url"]["path"] in (["health"], ["openapi.json"])
        assert (i["request"].get("auth") == {"type": "noauth"}) == public, i["name"]


# ----- newman against the real app -----------------------------------------------------------
@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    """``main.py --headless`` on a free port, ready (all partitions owned); always stopped."""
    tmp = tmp_path_factory.mktemp("postman-app")
    with started_app(tmp, "--quiet", output=tmp / "app.out") as app:
        proc = app.proc
        wait_for(
            lambda: proc.poll() is not None or serving(app.url),
            START_S + 30,
            "/health 200, all owned",
        )
        assert proc.poll() is None, (tmp / "app.out").read_text()
        assert broker_processes(proc.pid), "no embedded broker"
        yield app.url


def run_newman(url: str, tmp: Path, *extra: str) -> tuple[dict[str, Any], str]:
    """Run the collection with its environment; returns newman's JSON report and CLI output."""
    assert NEWMAN is not None
    export = tmp / "newman.json"
    result = subprocess.run(
        [
            *(NEWMAN, "run", str(COLLECTION), "--environment", str(ENVIRONMENT)),
            *("--env-var", f"baseUrl={url}", "--reporters", "cli,json"),
            *("--reporter-json-export", str(export), "--color", "off"),
            *("--timeout-request", "15000", "--timeout", "150000", *extra),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, summary(result.stdout) + result.stderr[-2000:]
    return json.loads(export.read_text())["run"], result.stdout


def summary(cli: str) -> str:
    """newman's closing table and failure details (the whole output if it has none)."""
    return cli[cli.find("┌") :] if "┌" in cli else cli[-6000:]


def authorization(execution: dict[str, Any]) -> list[str]:
    return [
        h["value"]
        for h in execution["request"].get("header", [])
        if h["key"].lower() == "authorization"
    ]


@needs_newman
def test_a_token_is_sent_as_bearer_except_to_health(app_url, tmp_path):
    run, _ = run_newman(app_url, tmp_path, "--env-var", "apiToken=s3cret", "--folder", "0. Ready")
    assert run["failures"] == []
    sent = {"/".join(e["request"]["url"]["path"]): authorization(e) for e in run["executions"]}
    assert sent == {"health": [], "api/consumers": ["Bearer s3cret"]}


@needs_newman
def test_the_whole_collection_passes_against_the_app(app_url, tmp_path):
    run, cli = run_newman(app_url, tmp_path)
    stats = run["stats"]
    print(summary(cli))  # seen with -s
    assert run["failures"] == []
    assert stats["requests"]["failed"] == 0 and stats["assertions"]["failed"] == 0
    assert stats["assertions"]["total"] >= 100
    executions = run["executions"]
    done = {
        (e["request"]["method"], "/" + "/".join(e["request"]["url"]["path"])) for e in executions
    }
    for method, path in operations():
        pattern = re.compile("^" + re.escape(path).replace(r"\{\}", "[^/]+") + "$")
        assert any(m == method and pattern.match(p) for m, p in done), (method, path)
    assert all(authorization(e) == [] for e in executions), "empty apiToken sent a header"
