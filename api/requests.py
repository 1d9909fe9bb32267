"""Every request body and query of the REST API, declared once.

Each model is at the same time the validation (``api.validation.parsed``), the wording of
its errors, and the JSON Schema that /openapi.json embeds (``api.components``). Bounds come
from :mod:`messaging.core.limits`; none is written here.

A model's ``said`` answers for errors whose generic wording would mislead. Keys: a field
path, indices as ``[]`` (``messages[].value``), optionally ``:<pydantic error type>``;
``""`` is the body itself. Templates take ``{where}``, ``{parent}`` and the error's context.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model
from pydantic_core import PydanticCustomError

from messaging.core import limits


def _a_number(value: Any) -> Any:
    """JSON numbers only: pydantic would take ``"5"`` and ``true`` as well."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PydanticCustomError("not_a_number", "must be a number")
    return value


def _whole_number_text(value: Any) -> Any:
    """A query value as Python's ``int()`` reads it, the way the API always has."""
    if not isinstance(value, str):
        return value
    try:
        return int(value)
    except ValueError:
        raise PydanticCustomError("not_a_whole_number", "must be a whole number") from None


WholeNumber = Annotated[int, BeforeValidator(_a_number)]
Number = Annotated[float, BeforeValidator(_a_number)]
QueryWholeNumber = Annotated[int, BeforeValidator(_whole_number_text)]
Kind = Literal[limits.NEW_CONSUMER_KINDS]  # Literal[("a", "b")] is Literal["a", "b"]


def _range(bounds: tuple[float, float], **more: Any) -> Any:
    low, high = bounds
    return Field(ge=low, le=high, **more)


class Declared(BaseModel):
    """A request part; fields it does not declare are ignored."""

    said: ClassVar[dict[str, str]] = {}


class Request(Declared):
    """A body whose unknown fields are refused, by name."""

    model_config = ConfigDict(extra="forbid")


class ConsumerChanges(Request):
    """PATCH /api/consumers/{id}: ``{}`` changes nothing and is valid."""

    said: ClassVar[dict[str, str]] = {
        "": "body must be an object with processing_ms and/or failure_rate"
    }

    processing_ms: WholeNumber = _range(limits.PROCESSING_MS, default=None)
    failure_rate: Number = _range(limits.FAILURE_RATE, default=None)


class NewConsumer(ConsumerChanges):
    """POST /api/consumers: its settings, and where and in which group it runs."""

    kind: Kind = Field(None, description="where it runs")
    group: str = Field(None, description="an existing group; default: the app's")


class NewGroup(Request):
    """POST /api/groups. The ``assignor`` enum is the running broker profile's (spec())."""

    said: ClassVar[dict[str, str]] = {
        "group": f"group is required: {limits.name_rule(limits.GROUP_NAME)}"
    }

    group: str = Field(pattern=limits.name_pattern(limits.GROUP_NAME))
    assignor: str = None
    consumers: WholeNumber = _range(limits.GROUP_CONSUMERS, default=0)
    kind: Kind = Field(None, description="where its consumers run")


class TopicSwitch(Request):
    """POST /api/topic. The topic name's rule is the core's (``names.topic_problem``); the
    pattern shows it to clients."""

    said: ClassVar[dict[str, str]] = {"partitions:missing": "partitions must be a number"}

    partitions: WholeNumber = _range(limits.PARTITIONS)
    topic: str = Field(None, json_schema_extra={"pattern": limits.name_pattern(limits.TOPIC_NAME)})


class BatchMessage(Declared):
    """One message of a batch; other fields are ignored. ``key`` null or left out: no
    key, the producer picks the partition."""

    value: Any
    key: str | None = None


# A template like every ``said``: its JSON braces doubled.
_BATCH_SHAPE = 'body must be {{"messages": [{{"value": {{...}}, "key": "..."}}, ...]}}'


class Batch(Declared):
    """POST /api/messages; other fields are ignored."""

    said: ClassVar[dict[str, str]] = {
        "": _BATCH_SHAPE,
        "messages": _BATCH_SHAPE,
        "messages:too_short": "messages is empty",
        # The schema's maxItems: a 400 like every other schema violation (413 is for
        # bodies over MAX_BODY bytes, refused before they are read).
        "messages:too_long": "at most {max_length:,} messages per batch (got {actual_length:,})",
        "messages[]": '{where} must be an object with a "value"',
        "messages[].value": '{parent} must be an object with a "value"',
    }

    messages: list[BatchMessage] = Field(
        min_length=limits.BATCH_MESSAGES[0], max_length=limits.BATCH_MESSAGES[1]
    )


class SendQuery(Declared):
    """The query of POST /enviar."""

    key: str = None


class ListQuery(Declared):
    """The query of GET /api/messages: how many of the newest."""

    limit: QueryWholeNumber = _range(limits.MESSAGES_LISTED, default=limits.MESSAGES_LISTED_DEFAULT)


@lru_cache(maxsize=4)
def export_query(history: int) -> type[ListQuery]:
    """The query of GET /api/export/messages, for a ledger of ``history`` messages: by
    default all of them, and never more."""
    return create_model(
        "ExportQuery",
        __base__=ListQuery,
        limit=(QueryWholeNumber, _range((limits.MESSAGES_LISTED[0], history), default=history)),
    )
