"""The schemas of /openapi.json: request bodies and queries from their pydantic models
(api.requests), answers as the core's ``as_json`` methods build them.

pydantic writes JSON Schema 2020-12, which OpenAPI 3.1 embeds as it is; only its
``$defs`` move to ``components/schemas`` (``REF``), where OpenAPI looks them up.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from api.security import API_OPEN
from messaging.broker import BROKER_OPEN, DETECTED_BY, PROFILE_NAMES
from messaging.broker import KINDS as BROKER_KINDS
from messaging.core.events import KINDS
from messaging.group import BROKER, INFERRED, LEADER, REPORTED

REF = "#/components/schemas/{model}"


class _OpenApiSchema(GenerateJsonSchema):
    """pydantic's schema without what only clutters a client's view: titles made from
    names, docstrings (written for this code's readers, not for clients; a field's
    ``description`` is for them), and ``default: null`` on fields that may be left out
    but not sent as null."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        json_schema.pop("title", None)
        json_schema.pop("description", None)
        return json_schema

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        json_schema = super().default_schema(schema)
        if json_schema.get("default", ...) is None:
            del json_schema["default"]
        return json_schema


def _generated(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(ref_template=REF, schema_generator=_OpenApiSchema)


def body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A request body's schema, to embed in its operation; nested models by reference."""
    schema = _generated(model)
    schema.pop("$defs", None)
    return schema


def nested_schemas(*models: type[BaseModel]) -> dict[str, Any]:
    """The models nested in ``models``, for ``components/schemas``."""
    return {name: s for model in models for name, s in _generated(model).get("$defs", {}).items()}


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """A query model as OpenAPI parameters, one per field."""
    schema = _generated(model)
    required = set(schema.get("required", ()))
    return [
        {
            "name": name,
            "in": "query",
            **({"required": True} if name in required else {}),
            "schema": field,
        }
        for name, field in schema["properties"].items()
    ]


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
    kind={"type": "string", "enum": list(KINDS)},
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
        "enum": [REPORTED, LEADER, BROKER, INFERRED, None],
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


RESPONSES: dict[str, Any] = {
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
            "enum": [*BROKER_KINDS, "external"],
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
                code={"type": "string", "enum": [BROKER_OPEN, API_OPEN]},
                message=_STR,
                listen=_STR,
            ),
        },
        profile={
            **_object(
                ["name", "detected_by", "detail"],
                name={"type": "string", "enum": list(PROFILE_NAMES)},
                detected_by={
                    "type": "string",
                    "enum": list(DETECTED_BY),
                    "description": "how the profile was chosen",
                },
                detail={**_STR, "description": "the same, in words"},
            ),
            "description": "the broker profile whose quirks the app minds",
        },
    ),
}
