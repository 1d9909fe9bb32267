"""Kafka's rules for topic and group names, checked before anything starts.

Apache Kafka takes a topic name of 1 to 249 characters from ``[a-zA-Z0-9._-]``, other
than ``.`` and ``..``; anything else fails only later, inside the admin client. The app
also creates topics named after the main one (dead letters, activity, control), so the
main name must leave room for the longest suffix.
"""

from __future__ import annotations

import re

MAX_NAME = 249  # Apache Kafka's limit for a topic name
# Topics the app derives from the main one: <topic>.DLT, <topic>.activity, <topic>.control.
TOPIC_SUFFIXES = (".DLT", ".activity", ".control")
MAX_TOPIC = MAX_NAME - max(len(s) for s in TOPIC_SUFFIXES)
# The characters Kafka allows in a name, as regex ranges (limits.py builds the API's pattern).
NAME_CHARACTERS = ("A-Z", "a-z", "0-9", ".", "_", "-")
_LEGAL = re.compile(f"[{''.join(NAME_CHARACTERS)}]+")


def topic_problem(name: str) -> str | None:
    """Why Kafka (or the app's derived topics) would refuse ``name``, or None."""
    if not name:
        return "must not be empty"
    if name in (".", ".."):
        return f"cannot be {name!r}"
    if len(name) > MAX_TOPIC:
        return (
            f"must be at most {MAX_TOPIC} characters (got {len(name)}): Kafka allows "
            f"{MAX_NAME} and the app adds up to {MAX_NAME - MAX_TOPIC} for {TOPIC_SUFFIXES[1]}"
        )
    if not _LEGAL.fullmatch(name):
        bad = sorted({c for c in name if not _LEGAL.fullmatch(c)})
        return f"may only contain a-z A-Z 0-9 . _ - (not {' '.join(map(repr, bad))})"
    return None


def group_problem(name: str) -> str | None:
    """Why ``name`` cannot be a consumer group id, or None.

    Kafka itself only forbids the empty id; the app also keeps ids printable and short,
    as they end up in client ids, logs and the window's title.
    """
    if not name:
        return "must not be empty"
    if len(name) > MAX_NAME:
        return f"must be at most {MAX_NAME} characters (got {len(name)})"
    if not name.isprintable() or name.strip() != name:
        return "must be printable, without leading or trailing spaces"
    return None
