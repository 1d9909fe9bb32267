"""OpenAPI 3.1 description of the REST API, for Postman import and the schemathesis fuzz.

Every status code a route can answer is listed, so a client (and the fuzz) can rely
on it: 400 for bad JSON or fields (a batch over maxItems too), 413 for bodies over
MAX_BODY, 415 for other content types, 401 without the token when one is set, 403 for a
foreign Host on a loopback bind, 404 for unknown (or deleted) ids, 409 when the
consumer cap is reached or a consumer cannot do what is asked (gone, or still live for
a DELETE), 503 when the broker or a consumer did not acknowledge. Links from the
consumer a POST adds to the operations on it let schemathesis' stateful phase chain
add, act and remove. Request bodies and queries come from their models (api.requests),
the schemas of answers from api.components.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from api import requests as asked
from api.components import RESPONSES, body_schema, nested_schemas, query_parameters
from messaging.broker import STANDARD_ASSIGNORS
from messaging.core import limits
from messaging.core.config import Settings

_BODIES = (asked.Batch, asked.ConsumerChanges, asked.NewConsumer, asked.NewGroup, asked.TopicSwitch)

_ERROR = {
    "description": "what is wrong, in one sentence",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _json(schema_ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


def _body(model: type[BaseModel] | dict[str, Any], required: bool = True) -> dict[str, Any]:
    schema = model if isinstance(model, dict) else body_schema(model)
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def _fault(description: str) -> dict[str, Any]:
    """An error answer that says what it means on this operation."""
    return {**_ERROR, "description": description}


def _answers(ok: dict[str, Any], *errors: int, public: bool = False) -> dict[str, Any]:
    """The documented answers: ``ok`` plus errors, 403 (Host check) and 401 (token)."""
    codes = {*errors, 403} if public else {*errors, 401, 403}
    return {**ok, **{str(code): _ERROR for code in sorted(codes)}}


_BODY_ERRORS = (400, 413, 415)  # bad JSON or fields; over 1 MiB; not application/json
_CONSUMER_ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_CANNOT_DRIVE = _fault(
    "it is stopped, crashed or stopping (start a new one), or it reports "
    "nothing and cannot be driven from the app; answered at once"
)
_NOT_CONFIRMED = _fault("the consumer did not confirm in time, or the broker is unreachable")


def _links(*operations: str) -> dict[str, Any]:
    """OpenAPI links from an answer carrying a consumer's ``id`` to operations on it:
    how a client (and schemathesis' stateful phase) chains add, act, remove."""
    return {
        op[0].upper() + op[1:]: {"operationId": op, "parameters": {"id": "$response.body#/id"}}
        for op in operations
    }


def _consumer(ref: str, description: str, *links: str) -> dict[str, Any]:
    return {**_json(ref, description), "links": _links(*links)}


_ON_A_CONSUMER = ("getConsumer", "configureConsumer", "stopConsumer", "crashConsumer")
# After a stop or crash what a client can still do is read it (a stop may still be
# finishing) and remove it; stopping or changing it again is only ever a 409.
_AFTER_AN_ACTION = ("getConsumer", "deleteConsumer")


def _action(verb: str, summary: str, accepted: dict[str, Any] | None = None) -> dict[str, Any]:
    """POST /api/consumers/{id}/stop or /crash; ``accepted``: its 202, if it has one."""
    return {
        "post": {
            "operationId": f"{verb}Consumer",
            "summary": summary,
            "parameters": _CONSUMER_ID,
            "responses": _answers(
                {
                    "200": _consumer("Consumer", "done: its state now", *_AFTER_AN_ACTION),
                    **({"202": accepted} if accepted else {}),
                    "409": _CANNOT_DRIVE,
                    "503": _NOT_CONFIRMED,
                },
                404,
            ),
        }
    }


_STOP_ACCEPTED = {
    **_consumer(
        "Consumer",
        f"not gone within {limits.STOP_WAIT_S:g} s (a long message, or on tansu a rebalance "
        "to wait for): state stopping; GET the Location until it says stopped",
        *_AFTER_AN_ACTION,
    ),
    "headers": {"Location": {"description": "the consumer, to poll", "schema": {"type": "string"}}},
}


_PATHS: dict[str, Any] = {
    "/enviar": {
        "post": {
            "summary": "Send one message (the spec's endpoint); 200 only once the broker acked it",
            "parameters": query_parameters(asked.SendQuery),
            "requestBody": _body(
                {"type": "object", "example": {"id": 1, "contenido": "Hola desde Kafka"}}
            ),
            "responses": _answers(
                {"200": _json("Sent", "acknowledged by the broker")}, *_BODY_ERRORS, 503
            ),
        }
    },
    "/api/messages": {
        "post": {
            "summary": f"Send a batch of up to {limits.BATCH_MESSAGES[1]:,} messages",
            "requestBody": _body(asked.Batch),
            "responses": _answers(
                {"200": _json("BatchResult", "all acknowledged")}, *_BODY_ERRORS, 503
            ),
        },
        "get": {
            "summary": "Newest messages first, with their deliveries",
            "parameters": query_parameters(asked.ListQuery),
            "responses": _answers({"200": _json("MessageList", "messages")}, 400),
        },
    },
    "/api/messages/{message_id}": {
        "get": {
            "summary": "Which consumer got message X: its full delivery history",
            "parameters": [
                {"name": "message_id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": _answers({"200": _json("Message", "the message")}, 404),
        }
    },
    "/api/consumers": {
        "get": {
            "summary": "All consumers, live and gone",
            "responses": _answers({"200": _json("ConsumerList", "consumers")}),
        },
        "post": {
            "summary": "Add a consumer to a group (optionally its kind and settings)",
            "requestBody": _body(asked.NewConsumer, required=False),
            "responses": _answers(
                {
                    "201": _consumer("AddedConsumer", "added; it joins the group", *_ON_A_CONSUMER),
                    "404": _fault("no such group"),
                    "409": _fault("too many live consumers"),
                },
                *_BODY_ERRORS,
            ),
        },
    },
    "/api/consumers/{id}": {
        "get": {
            "operationId": "getConsumer",
            "summary": "One consumer, live or gone (until it is deleted)",
            "parameters": _CONSUMER_ID,
            "responses": _answers({"200": _json("Consumer", "the consumer")}, 404),
        },
        "patch": {
            "operationId": "configureConsumer",
            "summary": "Change processing_ms / failure_rate at runtime ({} changes nothing)",
            "parameters": _CONSUMER_ID,
            "requestBody": _body(asked.ConsumerChanges),
            "responses": _answers(
                {
                    "200": _consumer("Consumer", "updated", "stopConsumer", "crashConsumer"),
                    "409": _CANNOT_DRIVE,
                    "503": _NOT_CONFIRMED,
                },
                *_BODY_ERRORS,
                404,
            ),
        },
        "delete": {
            "operationId": "deleteConsumer",
            "summary": "Remove a stopped or crashed consumer: unlisted, its card gone, then 404",
            "parameters": _CONSUMER_ID,
            "responses": _answers(
                {
                    "200": _json("Consumer", "removed; its last state"),
                    "409": _fault("it is live or still stopping: stop or crash it first"),
                },
                404,
            ),
        },
    },
    "/api/consumers/{id}/stop": _action(
        "stop",
        "Stop a consumer gracefully: it finishes its message, commits, leaves the group",
        _STOP_ACCEPTED,
    ),
    "/api/consumers/{id}/crash": _action(
        "crash", "Crash a consumer: SIGKILL for a process; no commit, no LeaveGroup"
    ),
    "/api/topic": {
        "get": {
            "summary": "The topic the app sends to and its partition count",
            "responses": _answers({"200": _json("Topic", "the current topic")}),
        },
        "post": {
            "summary": "Switch to a new topic with N partitions (e.g. from the spec's 1 to 6)",
            "requestBody": _body(asked.TopicSwitch),
            "responses": _answers(
                {
                    "200": _json("Switched", "every group follows"),
                    "409": _fault("the app is on that topic already"),
                },
                *_BODY_ERRORS,
            ),
        },
    },
    "/api/groups": {
        "get": {
            "summary": "The consumer groups on the topic: one is point-to-point, more is pub-sub",
            "responses": _answers({"200": _json("GroupList", "groups")}),
        },
        "post": {
            "summary": "Add a consumer group on the same topic: each group gets every message",
            "responses": _answers(
                {
                    "201": _json("Group", "added"),
                    "409": _fault("the group exists, or too many groups"),
                },
                *_BODY_ERRORS,
            ),
        },
    },
    "/api/stats": {
        "get": {
            "summary": "Totals, lag per partition, per-consumer counts",
            "responses": _answers({"200": _json("Stats", "stats")}),
        }
    },
    "/health": {
        "get": {
            "summary": "200 when the broker answers, else 503 (no token needed)",
            "security": [],
            "responses": _answers(
                {
                    "200": _json("Health", "the broker answers"),
                    "503": _json("Health", "the broker does not answer; error says why"),
                },
                public=True,
            ),
        }
    },
    "/openapi.json": {
        "get": {
            "summary": "This document (no token needed)",
            "security": [],
            "responses": _answers(
                {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
                public=True,
            ),
        }
    },
}


def _groups_offering(assignors: Sequence[str]) -> dict[str, Any]:
    """``/api/groups`` whose new group's ``assignor`` enum is ``assignors``: the running
    broker profile's (cooperative-sticky is not offered on tansu)."""
    schema = body_schema(asked.NewGroup)
    schema["properties"]["assignor"]["enum"] = list(assignors)
    groups = _PATHS["/api/groups"]
    return {"/api/groups": {**groups, "post": {**groups["post"], "requestBody": _body(schema)}}}


def _download(description: str, *mimetypes: str) -> dict[str, Any]:
    """A 200 that streams a file in one of ``mimetypes``."""
    text = {"schema": {"type": "string"}}
    return {"200": {"description": description, "content": dict.fromkeys(mimetypes, text)}}


def _export_paths(history: int) -> dict[str, Any]:
    """Downloads of the session's history and traffic log (File > Export in the window).

    ``history``: how many messages the ledger holds, the most ``limit`` can ask for.
    """
    return {
        "/api/export/messages": {
            "get": {
                "summary": "Download the message history with deliveries, as JSON lines",
                "description": "One Message per line, oldest first; the newest `limit` "
                f"(default: all the ledger holds, at most {history:,}).",
                "parameters": query_parameters(asked.export_query(history)),
                "responses": _answers(
                    _download("JSON lines, sent as an attachment", "application/x-ndjson"), 400
                ),
            }
        },
        "/api/export/traffic": {
            "get": {
                "summary": "Download the traffic log file (text or JSON lines, as configured)",
                "responses": _answers(
                    _download(
                        "the log file's contents, sent as an attachment",
                        "text/plain",
                        "application/x-ndjson",
                    ),
                    404,
                ),
            }
        },
    }


_DESCRIPTION = (
    'Every answer is JSON; client mistakes get a 4xx with {"error": "..."}. Bodies: '
    f"UTF-8 JSON, at most {limits.MAX_BODY:,} bytes and {limits.MAX_DEPTH} levels of nesting. "
    "When the app runs with --api-token (or P2P_API_TOKEN), every operation but GET /health "
    "and GET /openapi.json needs Authorization: Bearer <token>."
)


def spec(
    token_required: bool = False,
    history: int = Settings.ledger_size,
    assignors: Sequence[str] = STANDARD_ASSIGNORS,
) -> dict[str, Any]:
    """The document this server answers by: with the bearer requirement iff a token is
    set, the export limit of its ledger (``history`` messages), and the assignors its
    broker's profile offers (cooperative-sticky is not offered on tansu)."""
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Kafka point-to-point demo",
            "version": "2.0.0",  # 2: DELETE removes a dead consumer; stop and crash are actions
            "description": _DESCRIPTION,
        },
        "paths": {**_PATHS, **_export_paths(history), **_groups_offering(assignors)},
        "components": {
            "schemas": {**RESPONSES, **nested_schemas(*_BODIES)},
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "the token given with --api-token or P2P_API_TOKEN",
                }
            },
        },
    }
    if token_required:
        doc["security"] = [{"bearerAuth": []}]
    return doc
