"""OpenAPI 3.1 description of the REST API, for Postman import and the schemathesis fuzz.

Every status code a route can answer is listed, so a client (and the fuzz) can rely
on it: 400 for bad JSON or fields (a batch over maxItems too), 413 for bodies over
1 MiB, 415 for other content types, 401 without the token when one is set, 403 for a
foreign Host on a loopback bind, 404 for unknown (or deleted) ids, 409 when the
consumer cap is reached or a consumer cannot do what is asked (gone, or still live for
a DELETE), 503 when the broker or a consumer did not acknowledge. Links from the
consumer a POST adds to the operations on it let schemathesis' stateful phase chain
add, act and remove.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from api.validation import MAX_BATCH, MAX_BODY, MAX_DEPTH
from messaging.broker.profile import STANDARD_ASSIGNORS
from messaging.core import limits

_ERROR = {
    "description": "what is wrong, in one sentence",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _json(schema_ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


def _body(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def _answers(ok: dict[str, Any], *errors: int, public: bool = False) -> dict[str, Any]:
    """The documented answers: ``ok`` plus errors, 403 (Host check) and 401 (token)."""
    codes = {*errors, 403} if public else {*errors, 401, 403}
    return {**ok, **{str(code): _ERROR for code in sorted(codes)}}


_BODY_ERRORS = (400, 413, 415)  # bad JSON or fields; over 1 MiB; not application/json
_CONSUMER_ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_CONSUMER_CHANGES = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "processing_ms": {"type": "integer", "minimum": 0, "maximum": 600000},
        "failure_rate": {"type": "number", "minimum": 0, "maximum": 1},
    },
}

_KIND = {"type": "string", "enum": ["process", "thread"], "description": "where it runs"}
_NEW_CONSUMER = {
    **_CONSUMER_CHANGES,
    "properties": {
        **_CONSUMER_CHANGES["properties"],
        "kind": _KIND,
        "group": {"type": "string", "description": "an existing group; default: the app's"},
    },
}
_NEW_GROUP = {
    "type": "object",
    "additionalProperties": False,
    "required": ["group"],
    "properties": {
        "group": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,249}$"},
        # The enum is the running broker profile's (spec() puts it in).
        "assignor": {"type": "string", "enum": list(STANDARD_ASSIGNORS)},
        "consumers": {"type": "integer", "minimum": 0, "maximum": 4},
        "kind": _KIND,
    },
}
_CANNOT_DRIVE = {
    **_ERROR,
    "description": "it is stopped, crashed or stopping (start a new one), or it reports "
    "nothing and cannot be driven from the app; answered at once",
}
_NOT_CONFIRMED = {
    **_ERROR,
    "description": "the consumer did not confirm in time, or the broker is unreachable",
}


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
            "parameters": [{"name": "key", "in": "query", "schema": {"type": "string"}}],
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
            "summary": f"Send a batch of up to {MAX_BATCH:,} messages",
            "requestBody": _body({"$ref": "#/components/schemas/Batch"}),
            "responses": _answers(
                {"200": _json("BatchResult", "all acknowledged")}, *_BODY_ERRORS, 503
            ),
        },
        "get": {
            "summary": "Newest messages first, with their deliveries",
            "parameters": [
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 10000},
                }
            ],
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
            "requestBody": _body(_NEW_CONSUMER, required=False),
            "responses": _answers(
                {
                    "201": _consumer("AddedConsumer", "added; it joins the group", *_ON_A_CONSUMER),
                    "404": {**_ERROR, "description": "no such group"},
                    "409": {**_ERROR, "description": "too many live consumers"},
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
            "requestBody": _body(_CONSUMER_CHANGES),
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
                    "409": {
                        **_ERROR,
                        "description": "it is live or still stopping: stop or crash it first",
                    },
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
            "requestBody": _body(
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["partitions"],
                    "properties": {
                        "partitions": {
                            "type": "integer",
                            "minimum": limits.PARTITIONS[0],
                            "maximum": limits.PARTITIONS[1],
                        },
                        "topic": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,240}$"},
                    },
                }
            ),
            "responses": _answers(
                {
                    "200": _json("Switched", "every group follows"),
                    "409": {**_ERROR, "description": "the app is on that topic already"},
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
            "requestBody": _body(_NEW_GROUP),
            "responses": _answers(
                {
                    "201": _json("Group", "added"),
                    "409": {**_ERROR, "description": "the group exists, or too many groups"},
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

_INT, _STR, _NUM = {"type": "integer"}, {"type": "string"}, {"type": "number"}
_NULLABLE_STR = {"type": ["string", "null"]}


def _object(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


_CONSUMER = _object(
    ["id", "name", "state", "partitions", "processed", "in_flight"],
    id=_INT,
    name=_STR,
    state={
        **_STR,
        "description": "starting, active, idle, stopping (asked to stop, not gone yet), "
        "stopped or crashed",
    },
    partitions={"type": "array", "items": _INT},
    processed=_INT,
    in_flight=_NULLABLE_STR,
    processing_ms=_INT,
    failure_rate=_NUM,
    crashed_at={"type": ["number", "null"]},
    kind={"type": "string", "enum": ["thread", "process", "remote", "outside"]},
    host=_STR,
    pid={"type": ["integer", "null"]},
    note={**_STR, "description": "why it ended, in English (reason, rendered)"},
    reason={
        "type": ["object", "null"],
        "description": "why it ended, as data: a code (killed, exited, silent, left_group, "
        "simulated_crash) with its parameters",
        "properties": {"code": _STR, "params": {"type": "object"}},
    },
    group=_STR,
    client_id={**_STR, "description": "a member that reports nothing: its Kafka client id"},
    member_id={**_STR, "description": "its member id in the group, as the broker knows it"},
    generation={**_INT, "description": "the group generation of its assignment (-1: none yet)"},
    assignment_source={
        "type": ["string", "null"],
        "enum": ["reported", "leader", "broker", "inferred", None],
        "description": "where its partitions come from: the consumer's own report, the "
        "assignment the group's leader (one of the app's consumers) computed, the broker's "
        "DescribeGroups, or inferred (a guess); null for a dead member (it holds none)",
    },
)
_GROUP = _object(
    ["group", "assignor", "group_state", "rebalances", "live", "lag"],
    group=_STR,
    assignor=_STR,
    group_state=_STR,
    rebalances=_INT,
    live=_INT,
    lag={"type": "object", "additionalProperties": _INT},
)
_MESSAGE = _object(
    ["message_id", "partition", "offset", "status", "deliveries"],
    message_id=_STR,
    partition=_INT,
    offset=_INT,
    key=_NULLABLE_STR,
    value={},
    sent_at={"type": ["number", "null"], "description": "null: not sent by this app"},
    origin={
        "type": "string",
        "enum": ["", "app", "unacknowledged", "elsewhere"],
        "description": "app: sent here and acknowledged; unacknowledged: sent here, "
        "answered 503, yet written; elsewhere: another producer's (or an earlier run's); "
        "empty until known",
    },
    status=_STR,
    deliveries={
        "type": "array",
        "items": _object(
            ["consumer", "partition", "offset", "attempt", "redelivered", "status"],
            consumer=_STR,
            consumer_id=_INT,
            partition=_INT,
            offset=_INT,
            attempt=_INT,
            redelivered={"type": "boolean"},
            status=_STR,
            at=_NUM,
            error=_NULLABLE_STR,
        ),
    },
)


def _groups_offering(assignors: Sequence[str]) -> dict[str, Any]:
    """``/api/groups`` whose new group's ``assignor`` enum is ``assignors``."""
    groups = copy.deepcopy(_PATHS["/api/groups"])
    body = groups["post"]["requestBody"]["content"]["application/json"]["schema"]
    body["properties"]["assignor"]["enum"] = list(assignors)
    return {"/api/groups": groups}


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
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": history},
                    }
                ],
                "responses": _answers(
                    {
                        "200": {
                            "description": "JSON lines, sent as an attachment",
                            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
                        }
                    },
                    400,
                ),
            }
        },
        "/api/export/traffic": {
            "get": {
                "summary": "Download the traffic log file (text or JSON lines, as configured)",
                "responses": _answers(
                    {
                        "200": {
                            "description": "the log file's contents, sent as an attachment",
                            "content": {
                                "text/plain": {"schema": {"type": "string"}},
                                "application/x-ndjson": {"schema": {"type": "string"}},
                            },
                        }
                    },
                    404,
                ),
            }
        },
    }


_SCHEMAS: dict[str, Any] = {
    "Error": _object(
        ["error"],
        error=_STR,
        message_ids={
            "type": "array",
            "items": _STR,
            "description": "on a 503: the messages that went to the broker unacknowledged. "
            "A broker can write a record and fail before it answers: if a consumer gets "
            "one, GET /api/messages/{id} shows it",
        },
    ),
    "Sent": _object(
        ["mensaje", "data", "message_id", "topic", "partition", "offset"],
        mensaje=_STR,
        data={"type": "object"},
        message_id=_STR,
        topic=_STR,
        partition=_INT,
        offset=_INT,
    ),
    "Batch": _object(
        ["messages"],
        messages={
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_BATCH,
            # key: null (or none) = no key, the producer picks the partition
            "items": _object(["value"], value={}, key=_NULLABLE_STR),
        },
    ),
    "BatchResult": _object(
        ["count", "messages"],
        count=_INT,
        messages={
            "type": "array",
            "items": _object(
                ["message_id", "partition", "offset"],
                message_id=_STR,
                key=_NULLABLE_STR,
                partition=_INT,
                offset=_INT,
            ),
        },
    ),
    "Consumer": _CONSUMER,
    "Group": _GROUP,
    "Topic": _object(["topic", "partitions"], topic=_STR, partitions=_INT),
    "Switched": _object(
        ["topic", "partitions", "previous", "not_moved"],
        topic=_STR,
        partitions=_INT,
        previous=_STR,
        not_moved={"type": "array", "items": _STR},
    ),
    "GroupList": _object(["groups"], groups={"type": "array", "items": _GROUP}),
    "AddedConsumer": {
        "allOf": [_CONSUMER, _object(["warning"], warning=_NULLABLE_STR)],
    },
    "ConsumerList": _object(
        ["consumers", "warning"],
        consumers={"type": "array", "items": _CONSUMER},
        warning=_NULLABLE_STR,
    ),
    "Message": _MESSAGE,
    "MessageList": _object(["messages"], messages={"type": "array", "items": _MESSAGE}),
    "Stats": _object(
        ["sent", "processed", "redelivered", "duplicates", "dead_lettered", "in_flight", "lag"],
        sent={**_INT, "description": "sent by this app and acknowledged"},
        unacknowledged={
            **_INT,
            "description": "sent by this app and answered 503, yet a consumer got them",
        },
        elsewhere={
            **_INT,
            "description": "messages of other producers (or an earlier run) that consumers got",
        },
        processed=_INT,
        redelivered=_INT,
        duplicates=_INT,
        dead_lettered=_INT,
        consumed_outside={
            **_INT,
            "description": "messages consumed by members that report nothing, counted once "
            "the group's committed offset passed them",
        },
        failed_attempts=_INT,
        in_flight=_INT,
        lag={"type": "object", "additionalProperties": _INT},
        consumers={"type": "object", "additionalProperties": {"type": "object"}},
        group_state=_STR,
        rebalances=_INT,
    ),
    "Health": _object(
        ["broker", "status", "warnings"],
        broker=_STR,
        embedded={"type": "boolean"},
        broker_kind={
            "type": "string",
            "enum": ["tansu", "apache", "external"],
            "description": "the embedded broker (--broker), or external (--bootstrap-servers)",
        },
        broker_version={
            "type": ["string", "null"],
            "description": "what the embedded broker runs, e.g. Apache Kafka 4.4.0; null for "
            "an external one",
        },
        topic=_STR,
        group=_STR,
        partitions=_INT,
        status={"type": "string", "enum": ["ok", "unavailable"]},
        group_state=_STR,
        error=_STR,
        warnings={
            "type": "array",
            "description": "what is open to the network: broker_open (the embedded broker "
            "listens beyond loopback; listen says where) and api_open (this API does, "
            "without a token); empty when nothing is",
            "items": _object(
                ["code", "message"],
                code={"type": "string", "enum": ["broker_open", "api_open"]},
                message=_STR,
                listen=_STR,
            ),
        },
        profile={
            **_object(
                ["name", "detected_by", "detail"],
                name={"type": "string", "enum": ["tansu", "kafka"]},
                detected_by={
                    "type": "string",
                    "enum": ["embedded", "flag", "cluster_id", "api_versions"],
                    "description": "how the profile was chosen",
                },
                detail={**_STR, "description": "the same, in words"},
            ),
            "description": "the broker profile whose quirks the app minds",
        },
    ),
}

_DESCRIPTION = (
    'Every answer is JSON; client mistakes get a 4xx with {"error": "..."}. Bodies: '
    f"UTF-8 JSON, at most {MAX_BODY:,} bytes and {MAX_DEPTH} levels of nesting. When the app "
    "runs with --api-token (or P2P_API_TOKEN), every operation but GET /health and "
    "GET /openapi.json needs Authorization: Bearer <token>."
)


def spec(
    token_required: bool = False,
    history: int = 100_000,
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
            "schemas": _SCHEMAS,
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
