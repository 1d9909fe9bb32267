"""Every use of kafka-python's private internals, in one place, each saying why.

kafka-python 3.0 has no public call for these; each is a thin function over one private
attribute, and tests/test_kafka_compat.py fails with the attribute's name if a release
renames or removes it.
"""

from __future__ import annotations

from typing import Any

from kafka import KafkaAdminClient
from kafka.protocol.admin import DescribeGroupsRequest


def describe_group(admin: KafkaAdminClient, group: str) -> Any:
    """The broker's DescribeGroups answer for ``group`` (its state, its members).

    Not ``admin.describe_groups``: it asks for the ACL bits, which tansu answers with a
    value kafka-python cannot parse (15). This sends the request without them, through
    the admin client's own connection manager.
    """

    async def ask() -> object:
        coordinator = (await admin._find_coordinator_ids([group]))[group]
        request = DescribeGroupsRequest(groups=[group], include_authorized_operations=False)
        return await admin._manager.send(request, node_id=coordinator)

    (described,) = admin._manager.run(ask).groups
    return described
