"""Which assignors a consumer offers, and what it says when its group uses another."""

from __future__ import annotations

from dataclasses import replace

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from messaging.broker.profile import BrokerProfile
from messaging.core import kafka_compat
from messaging.core.config import Settings


def with_assignors(settings: Settings, chosen: str | None, profile: BrokerProfile) -> Settings:
    """The assignors to offer: the one chosen with ``--assignor``, or, unset, every eager
    one this broker offers, range first. The broker picks one every member offers, so a
    consumer started without ``--assignor`` joins a group of sticky members as they are
    (the README's analytics group) instead of failing with InconsistentGroupProtocol."""
    if chosen is not None:
        return replace(settings, assignor=chosen)
    eager = [a for a in profile.assignors if a != "cooperative-sticky"]
    return replace(settings, assignor=eager[0], also_assignors=tuple(eager[1:]))


def advice(bootstrap: str, settings: Settings) -> str:
    """One line for a group this consumer could not join: the assignor to pass."""
    offered = ", ".join((settings.assignor, *settings.also_assignors))
    theirs = group_protocol(bootstrap, settings.group)
    if theirs:
        return (
            f"group {settings.group} shares its partitions with {theirs}, which this consumer "
            f"did not offer ({offered}): start it with --assignor {theirs}"
        )
    return (
        f"group {settings.group} shares its partitions with an assignor this consumer did not "
        f"offer ({offered}); the broker does not say which: the app's window shows it on the "
        "group's panel: start it with --assignor <that one>"
    )


def group_protocol(bootstrap: str, group: str) -> str:
    """The assignor a group's members agreed on, as DescribeGroups says ('' if unknown:
    tansu leaves it empty)."""
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    except KafkaError:
        return ""
    try:
        return kafka_compat.describe_group(admin, group).protocol_data or ""
    except KafkaError:
        return ""
    finally:
        admin.close()
