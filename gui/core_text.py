"""The core's sentences in the window's language.

``messaging/`` knows no Qt and writes its findings in English: why a consumer ended
("killed (SIGKILL)"), why some sit idle, why a delivery came out of key order. They
arrive as data (a card's note, a record's reason). The window matches each against
the core's known shapes and shows it through Qt's translation; anything else is shown
as it came, so a new core sentence is never lost, only untranslated.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from gui.translation import QT_TRANSLATE_NOOP, translate

Render = Callable[[re.Match[str]], str]


# What messaging.supervisor.EXIT_MEANINGS (and its fallback) say after an exit code.
_EXIT_MEANINGS = {
    "failed while running": QT_TRANSLATE_NOOP("Core", "failed while running"),
    "bad arguments": QT_TRANSLATE_NOOP("Core", "bad arguments"),
    "could not start": QT_TRANSLATE_NOOP("Core", "could not start"),
    "unexpected": QT_TRANSLATE_NOOP("Core", "unexpected"),
}


def _exit_meaning(text: str) -> str:
    return translate("Core", _EXIT_MEANINGS[text]) if text in _EXIT_MEANINGS else text


def _out_of_order(m: re.Match[str]) -> str:
    why = (
        translate(
            "Core", "redelivered, because its partition was handed over with uncommitted work"
        )
        if m["why"].startswith("redelivered")
        else translate("Core", "its partition was read again from an older offset")
    )
    head = translate("Core", "processed after a later message of key {key} (offset {offset})")
    return f"{head.format(key=m['key'], offset=m['offset'])}: {why}"


# The core's sentences (messaging/fleet.py, supervisor.py, topics.py, ledger.py), whole.
_SHAPES: list[tuple[re.Pattern[str], Render]] = [
    (re.compile(r"killed \(SIGKILL\)"), lambda m: translate("Core", "killed (SIGKILL)")),
    (
        re.compile(r"killed by (?P<sig>\w+)"),
        lambda m: translate("Core", "killed by {signal}").format(signal=m["sig"]),
    ),
    (
        re.compile(r"exited after a graceful stop"),
        lambda m: translate("Core", "exited after a graceful stop"),
    ),
    (
        re.compile(r"exited with code (?P<code>-?\d+) \((?P<why>.+)\)"),
        lambda m: translate("Core", "exited with code {code} ({meaning})").format(
            code=m["code"], meaning=_exit_meaning(m["why"])
        ),
    ),
    (re.compile(r"left the group"), lambda m: translate("Core", "left the group")),
    (
        re.compile(r"client id (?P<id>.+)"),
        lambda m: translate("Core", "client id {id}").format(id=m["id"]),
    ),
    (
        re.compile(r"silent for (?P<s>[\d.]+) s"),
        lambda m: translate("Core", "silent for {seconds} s").format(seconds=m["s"]),
    ),
    (
        re.compile(
            r"topic (?P<topic>\S+) has (?P<p>\d+) partitions but (?P<c>\d+) consumers: "
            r"(?P<idle>\d+) of them will sit idle \(one partition feeds at most one "
            r"consumer of a group\)"
        ),
        lambda m: translate(
            "Core",
            "topic {topic} has {partitions} partitions but {consumers} consumers: {idle} of "
            "them will sit idle (one partition feeds at most one consumer of a group)",
        ).format(topic=m["topic"], partitions=m["p"], consumers=m["c"], idle=m["idle"]),
    ),
    (
        re.compile(
            r"processed after a later message of key (?P<key>.*) \(offset (?P<offset>\d+)\): "
            r"(?P<why>redelivered, because its partition was handed over with uncommitted work"
            r"|its partition was read again from an older offset)",
            re.DOTALL,
        ),
        _out_of_order,
    ),
]


def core_text(text: str) -> str:
    """``text`` from the core in the window's language (as it came when unknown)."""
    for pattern, render in _SHAPES:
        m = pattern.fullmatch(text)
        if m:
            return render(m)
    return text
