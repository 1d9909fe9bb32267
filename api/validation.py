"""Turning request bodies into values the core accepts, or a clear 4xx."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from messaging.core import limits

MAX_BODY = 1024 * 1024  # 1 MiB
MAX_BATCH = 10_000
# Deeper JSON would reach the interpreter's recursion limit in the parser or in any
# later json.dumps (producer, answer, window), a 500; real payloads stay far below.
MAX_DEPTH = 100
# A \uD800-\uDFFF escape: the only way a lone surrogate (no UTF-8 form) gets in.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


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
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("body is not UTF-8 text") from None
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError:
        raise BadRequest(f"JSON nested too deeply: at most {MAX_DEPTH} levels") from None
    except ValueError as exc:
        raise BadRequest(f"invalid JSON: {exc}") from None
    _check_depth(value, raw)
    if _SURROGATE_ESCAPE.search(text):
        _check_unicode(value)
    return value


def _no_constant(name: str) -> Any:
    """Python's json takes NaN and Infinity; JSON has neither, and answers would break."""
    raise BadRequest(f"invalid JSON: {name} is not a JSON number")


def _finite_float(text: str) -> float:
    """``1e400`` parses to infinity, which no JSON answer or record could carry."""
    value = float(text)
    if not math.isfinite(value):
        raise BadRequest(f"invalid JSON: number {text[:40]} is out of range")
    return value


def _check_depth(value: Any, raw: bytes) -> None:
    """Refuse containers nested deeper than MAX_DEPTH, without recursion."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH or not isinstance(value, (dict, list)):
        return  # cannot be that deep: skip the walk for ordinary bodies
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, (dict, list)):
                if depth + 1 > MAX_DEPTH:
                    raise BadRequest(f"JSON nested too deeply: at most {MAX_DEPTH} levels")
                stack.append((child, depth + 1))


def _check_unicode(value: Any) -> None:
    """A lone surrogate escape (``"\\ud800"``) parses, but has no UTF-8 form to produce."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest(
            "invalid JSON: unpaired UTF-16 surrogate escape (\\ud800-\\udfff) in a string"
        ) from None


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
        # The schema's maxItems: a 400 like every other schema violation (413 is for
        # bodies over MAX_BODY bytes, refused before they are read).
        raise BadRequest(f"at most {MAX_BATCH:,} messages per batch (got {len(items):,})")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "value" not in item:
            raise BadRequest(f'messages[{i}] must be an object with a "value"')
        out.append((item["value"], optional_key(item.get("key"), f"messages[{i}].key")))
    return out


def consumer_changes(body: Any) -> dict[str, Any]:
    """PATCH body for a consumer: ``processing_ms`` (0..600000), ``failure_rate`` (0..1).

    ``{}`` changes nothing and is valid, as the OpenAPI schema says.
    """
    if not isinstance(body, dict):
        raise BadRequest("body must be an object with processing_ms and/or failure_rate")
    unknown = set(body) - {"processing_ms", "failure_rate"}
    if unknown:
        raise BadRequest(f"unknown field(s): {', '.join(sorted(unknown))}")
    changes: dict[str, Any] = {}
    if "processing_ms" in body:
        low, high = limits.PROCESSING_MS
        changes["processing_ms"] = number(body["processing_ms"], "processing_ms", low, high, int)
    if "failure_rate" in body:
        changes["failure_rate"] = number(body["failure_rate"], "failure_rate", 0.0, 1.0, float)
    return changes


def consumer_kind(body: dict[str, Any]) -> str | None:
    """Where a new consumer runs: ``process`` or ``thread``; absent = the app's mode."""
    if "kind" not in body:
        return None
    kind = body.pop("kind")
    if kind in ("process", "thread"):
        return kind
    raise BadRequest(f"kind must be process or thread (got {kind!r})")


def optional_string(body: dict[str, Any], name: str) -> str | None:
    """A string field that may be left out, but not sent as null or another type."""
    if name not in body:
        return None
    value = body[name]
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be a string")
    return value


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
