"""OpenAPI 3 description of the REST API, for Postman import and schemathesis."""

from __future__ import annotations

from typing import Any

_ERROR = {
    "description": "what is wrong",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _json(schema_ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


_CONSUMER_ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]

_PATHS: dict[str, Any] = {
    "/enviar": {
        "post": {
            "summary": "Send one message (the spec's endpoint); 200 only once the broker acked it",
            "parameters": [{"name": "key", "in": "query", "schema": {"type": "string"}}],
            "requestBody": _body(
                {"type": "object", "example": {"id": 1, "contenido": "Hola desde Kafka"}}
            ),
            "responses": {
                "200": _json("Sent", "acknowledged by the broker"),
                "400": _ERROR,
                "413": _ERROR,
                "415": _ERROR,
                "503": _ERROR,
            },
        }
    },
    "/api/messages": {
        "post": {
            "summary": "Send a batch of messages",
            "requestBody": _body({"$ref": "#/components/schemas/Batch"}),
            "responses": {
                "200": _json("BatchResult", "all acknowledged"),
                "400": _ERROR,
                "413": _ERROR,
                "415": _ERROR,
                "503": _ERROR,
            },
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
            "responses": {"200": {"description": "messages"}, "400": _ERROR},
        },
    },
    "/api/messages/{message_id}": {
        "get": {
            "summary": "Which consumer got message X: its full delivery history",
            "parameters": [
                {"name": "message_id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {"200": _json("Message", "the message"), "404": _ERROR},
        }
    },
    "/api/consumers": {
        "get": {
            "summary": "All consumers, live and gone",
            "responses": {"200": {"description": "consumers"}},
        },
        "post": {
            "summary": "Add a consumer to the group",
            "responses": {"201": _json("Consumer", "added"), "400": _ERROR, "415": _ERROR},
        },
    },
    "/api/consumers/{id}": {
        "delete": {
            "summary": "Remove a consumer: stop (graceful, LeaveGroup) or crash (no commit)",
            "parameters": [
                *_CONSUMER_ID,
                {
                    "name": "mode",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["stop", "crash"]},
                },
            ],
            "responses": {"200": _json("Consumer", "its state now"), "400": _ERROR, "404": _ERROR},
        },
        "patch": {
            "summary": "Change processing_ms / failure_rate at runtime ({} changes nothing)",
            "parameters": _CONSUMER_ID,
            "requestBody": _body(
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "processing_ms": {"type": "integer", "minimum": 0, "maximum": 600000},
                        "failure_rate": {"type": "number", "minimum": 0, "maximum": 1},
                    },
                }
            ),
            "responses": {
                "200": _json("Consumer", "updated"),
                "400": _ERROR,
                "404": _ERROR,
                "415": _ERROR,
            },
        },
    },
    "/api/stats": {
        "get": {
            "summary": "Totals, lag per partition, per-consumer counts",
            "responses": {"200": {"description": "stats"}},
        }
    },
    "/health": {
        "get": {
            "summary": "200 when the broker answers, else 503",
            "responses": {"200": {"description": "ok"}, "503": _ERROR},
        }
    },
    "/openapi.json": {
        "get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3"}}}
    },
}

_SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
    "Sent": {
        "type": "object",
        "required": ["mensaje", "data", "message_id", "partition", "offset"],
        "properties": {
            "mensaje": {"type": "string"},
            "data": {"type": "object"},
            "message_id": {"type": "string"},
            "topic": {"type": "string"},
            "partition": {"type": "integer"},
            "offset": {"type": "integer"},
        },
    },
    "Batch": {
        "type": "object",
        "required": ["messages"],
        "properties": {
            "messages": {
                "type": "array",
                "minItems": 1,
                "maxItems": 10000,
                "items": {
                    "type": "object",
                    "required": ["value"],
                    "properties": {"value": {}, "key": {"type": "string"}},
                },
            }
        },
    },
    "BatchResult": {
        "type": "object",
        "properties": {
            "count": {"type": "integer"},
            "messages": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "message_id": {"type": "string"},
                        "partition": {"type": "integer"},
                        "offset": {"type": "integer"},
                    },
                },
            },
        },
    },
    "Consumer": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "state": {
                "type": "string",
                "enum": ["starting", "active", "idle", "stopped", "crashed"],
            },
            "partitions": {"type": "array", "items": {"type": "integer"}},
            "processed": {"type": "integer"},
            "in_flight": {"type": ["string", "null"]},
        },
    },
    "Message": {
        "type": "object",
        "properties": {
            "message_id": {"type": "string"},
            "partition": {"type": "integer"},
            "offset": {"type": "integer"},
            "status": {"type": "string"},
            "deliveries": {"type": "array", "items": {"type": "object"}},
        },
    },
}


def spec() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kafka point-to-point demo", "version": "1.0.0"},
        "paths": _PATHS,
        "components": {"schemas": _SCHEMAS},
    }
