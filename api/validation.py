"""Turning request bodies into values the core accepts, or a clear 4xx."""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from api.requests import Declared
from messaging.core.limits import MAX_DEPTH

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


D = TypeVar("D", bound=Declared)

_BETWEEN = "{where} must be between {low} and {high}"
# pydantic's error types in the API's words; a model's ``said`` comes first.
_WORDS = {
    "not_a_number": "{where} must be a number",
    "not_a_whole_number": "{where} must be a whole number",
    "int_from_float": "{where} must be a whole number",
    "string_type": "{where} must be a string",
    "literal_error": "{where} must be {choices} (got {input!r})",
    "greater_than_equal": _BETWEEN,
    "less_than_equal": _BETWEEN,
    # A number past what an int or a float holds (1e300, 10**400): out of range too.
    "int_parsing_size": _BETWEEN,
    "float_type": _BETWEEN,
}


def parsed(model: type[D], data: Any) -> D:
    """``data`` (a parsed body, or a query's values) as ``model``, or a BadRequest."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BadRequest(problem(model, exc.errors(include_url=False))) from None


def problem(model: type[Declared], errors: list[ErrorDetails]) -> str:
    """One sentence for what pydantic found: every unknown field, or the first error."""
    unknown = sorted(str(e["loc"][-1]) for e in errors if e["type"] == "extra_forbidden")
    if unknown:
        return f"unknown field(s): {', '.join(unknown)}"
    error = errors[0]
    loc, kind = error["loc"], error["type"]
    key = _path(loc, index="[]")
    template = model.said.get(f"{key}:{kind}") or model.said.get(key) or _WORDS.get(kind)
    field = _field_schema(model, loc)
    return (template or "{where}: {msg}").format(
        **error.get("ctx", {}),
        where=_path(loc) or "body",
        parent=_path(loc[:-1]) or "body",
        input=error["input"],
        msg=error["msg"],
        low=_figure(field.get("minimum")),
        high=_figure(field.get("maximum")),
        choices=" or ".join(map(str, field.get("enum", ()))),
    )


def _path(loc: tuple[int | str, ...], index: str | None = None) -> str:
    """``("messages", 0, "key")`` -> ``messages[0].key`` (``messages[].key`` with index)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += index if index is not None else f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@lru_cache(maxsize=32)
def _schema(model: type[Declared]) -> dict[str, Any]:
    return model.model_json_schema()


def _field_schema(model: type[Declared], loc: tuple[int | str, ...]) -> dict[str, Any]:
    """The JSON Schema of the field at ``loc``: its bounds and choices, as declared."""
    schema = _schema(model)
    node = schema
    for part in loc:
        node = schema.get("$defs", {}).get(node.get("$ref", "").rsplit("/", 1)[-1], node)
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            node = node.get("properties", {}).get(part, {})
    return node


def _figure(value: float | None) -> str:
    """A bound as the API writes it: ``600000``, ``0``, ``1``."""
    return f"{value:g}" if isinstance(value, float) else str(value)
