"""Turning request bodies into values the core accepts, or a clear 4xx."""

from __future__ import annotations

import json
from typing import Any

MAX_BODY = 1024 * 1024  # 1 MiB
MAX_BATCH = 10_000


class BadRequest(Exception):
    """A client mistake; ``status`` and ``message`` become the JSON error answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def json_body(content_type: str | None, raw: bytes) -> Any:
    """Parse a JSON request body, naming precisely what is wrong with it."""
    if not raw:
        raise BadRequest('empty body: send a JSON object, e.g. {"id": 1, "contenido": "Hola"}')
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime != "application/json" and not mime.endswith("+json"):
        raise BadRequest(
            f"Content-Type must be application/json (got {mime or 'none'})", status=415
        )
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise BadRequest("body is not UTF-8 text") from None
    except ValueError as exc:
        raise BadRequest(f"invalid JSON: {exc}") from None


def json_object(content_type: str | None, raw: bytes) -> dict[str, Any]:
    body = json_body(content_type, raw)
    if not isinstance(body, dict):
        raise BadRequest(f"body must be a JSON object, not {type(body).__name__}")
    return body


def optional_key(key: Any, where: str = "key") -> str | None:
    if key is None:
        return None
    if not isinstance(key, str):
        raise BadRequest(f"{where} must be a string")
    return key


def batch(body: Any) -> list[tuple[Any, str | None]]:
    """``{"messages": [{"value": {...}, "key": "..."}, ...]}`` -> ``[(value, key)]``."""
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        raise BadRequest('body must be {"messages": [{"value": {...}, "key": "..."}, ...]}')
    items = body["messages"]
    if not items:
        raise BadRequest("messages is empty")
    if len(items) > MAX_BATCH:
        raise BadRequest(f"at most {MAX_BATCH} messages per batch (got {len(items)})", 413)
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "value" not in item:
            raise BadRequest(f'messages[{i}] must be an object with a "value"')
        out.append((item["value"], optional_key(item.get("key"), f"messages[{i}].key")))
    return out


def consumer_changes(body: Any) -> dict[str, Any]:
    """PATCH body for a consumer: ``processing_ms`` (0..600000), ``failure_rate`` (0..1)."""
    if not isinstance(body, dict) or not body:
        raise BadRequest("body must be an object with processing_ms and/or failure_rate")
    unknown = set(body) - {"processing_ms", "failure_rate"}
    if unknown:
        raise BadRequest(f"unknown field(s): {', '.join(sorted(unknown))}")
    changes: dict[str, Any] = {}
    if "processing_ms" in body:
        changes["processing_ms"] = number(body["processing_ms"], "processing_ms", 0, 600_000, int)
    if "failure_rate" in body:
        changes["failure_rate"] = number(body["failure_rate"], "failure_rate", 0.0, 1.0, float)
    return changes


def consumer_kind(kind: Any) -> str | None:
    """Where a new consumer runs: ``process`` or ``thread``; None = the app's mode."""
    if kind is None or kind in ("process", "thread"):
        return kind
    raise BadRequest(f"kind must be process or thread (got {kind!r})")


def number(value: Any, name: str, low: float, high: float, kind: type) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadRequest(f"{name} must be a number")
    if kind is int and value != int(value):
        raise BadRequest(f"{name} must be a whole number")
    if not low <= value <= high:
        raise BadRequest(f"{name} must be between {low:g} and {high:g}")
    return kind(value)


def limit(raw: str | None, default: int = 100, high: int = 10_000) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest("limit must be a whole number") from None
    if not 1 <= value <= high:
        raise BadRequest(f"limit must be between 1 and {high}")
    return value
