"""The request models of the REST API, without a server: the API's wording of each
mistake, and the OpenAPI document they generate. tests/test_api.py checks the same over HTTP."""

from __future__ import annotations

import json
import re

import pytest

from api import requests as asked
from api.openapi import spec
from api.validation import BadRequest, parsed
from messaging.core import limits

BATCH_SHAPE = 'body must be {"messages": [{"value": {...}, "key": "..."}, ...]}'
GROUP_RULE = "group is required: 1-249 characters of A-Z a-z 0-9 . _ -"
WORDED = [
    (asked.ConsumerChanges, {"processing_ms": -5}, "processing_ms must be between 0 and 600000"),
    (asked.ConsumerChanges, {"processing_ms": 5.5}, "processing_ms must be a whole number"),
    (asked.ConsumerChanges, {"processing_ms": 1e300}, "processing_ms must be between 0 and 600000"),
    (asked.ConsumerChanges, {"processing_ms": True}, "processing_ms must be a number"),
    (asked.ConsumerChanges, {"processing_ms": None}, "processing_ms must be a number"),
    (asked.ConsumerChanges, {"failure_rate": "x"}, "failure_rate must be a number"),
    (asked.ConsumerChanges, {"failure_rate": 10**400}, "failure_rate must be between 0 and 1"),
    (asked.ConsumerChanges, {"speed": 1, "b": 2}, "unknown field(s): b, speed"),
    (asked.ConsumerChanges, [1], "body must be an object with processing_ms and/or failure_rate"),
    (asked.NewConsumer, {"kind": "x"}, "kind must be process or thread (got 'x')"),
    (asked.NewConsumer, {"kind": None}, "kind must be process or thread (got None)"),
    (asked.NewConsumer, {"group": 5}, "group must be a string"),
    (asked.NewGroup, {}, GROUP_RULE),
    (asked.NewGroup, {"group": "a/b"}, GROUP_RULE),
    (asked.NewGroup, {"group": "x", "consumers": 5}, "consumers must be between 0 and 4"),
    (asked.NewGroup, {"group": "x", "assignor": 3}, "assignor must be a string"),
    (asked.TopicSwitch, {}, "partitions must be a number"),
    (asked.TopicSwitch, {"partitions": 0}, "partitions must be between 1 and 64"),
    (asked.TopicSwitch, {"partitions": 2, "topic": None}, "topic must be a string"),
    (asked.Batch, [1], BATCH_SHAPE),
    (asked.Batch, {"value": 1}, BATCH_SHAPE),
    (asked.Batch, {"messages": []}, "messages is empty"),
    (asked.Batch, {"messages": [1]}, 'messages[0] must be an object with a "value"'),
    (asked.Batch, {"messages": [{"key": "a"}]}, 'messages[0] must be an object with a "value"'),
    (asked.Batch, {"messages": [{"value": 1, "key": 5}]}, "messages[0].key must be a string"),
    (
        asked.Batch,
        {"messages": [{"value": i} for i in range(10_001)]},
        "at most 10,000 messages per batch (got 10,001)",
    ),
    (asked.ListQuery, {"limit": "abc"}, "limit must be a whole number"),
    (asked.ListQuery, {"limit": "0"}, "limit must be between 1 and 10000"),
    (asked.export_query(500), {"limit": "501"}, "limit must be between 1 and 500"),
]


@pytest.mark.parametrize(("model", "data", "says"), WORDED, ids=[w[2] for w in WORDED])
def test_each_mistake_is_worded_as_the_api_always_has(model, data, says):
    with pytest.raises(BadRequest) as refused:
        parsed(model, data)
    assert refused.value.message == says and refused.value.status == 400


def test_valid_requests_come_back_as_the_core_takes_them():
    changes = parsed(asked.ConsumerChanges, {"processing_ms": 5.0, "failure_rate": 1})
    assert changes.model_dump(exclude_unset=True) == {"processing_ms": 5, "failure_rate": 1.0}
    assert parsed(asked.ConsumerChanges, {}).model_dump(exclude_unset=True) == {}
    batch = parsed(asked.Batch, {"messages": [{"value": {"a": 1}, "x": 2}], "y": 1})
    assert [(m.value, m.key) for m in batch.messages] == [({"a": 1}, None)]
    assert parsed(asked.ListQuery, {}).limit == limits.MESSAGES_LISTED_DEFAULT
    assert parsed(asked.export_query(500), {}).limit == 500


def test_the_document_carries_the_models_bounds_and_every_reference_resolves():
    doc = spec(history=500)
    patch = doc["paths"]["/api/consumers/{id}"]["patch"]["requestBody"]["content"]
    fields = patch["application/json"]["schema"]["properties"]
    assert (fields["processing_ms"]["minimum"], fields["processing_ms"]["maximum"]) == (
        limits.PROCESSING_MS
    )
    [export_limit] = doc["paths"]["/api/export/messages"]["get"]["parameters"]
    assert export_limit["schema"]["maximum"] == 500
    text = json.dumps(doc)
    schemas = json.dumps([doc["paths"], doc["components"]])
    assert "$defs" not in text and '"title"' not in schemas  # pydantic's, made from names
    for name in re.findall(r'"#/components/schemas/([^"]+)"', text):
        assert name in doc["components"]["schemas"], name
