"""The core's findings in the window's language: a reason's code, translated.

``messaging/`` knows no Qt and reports why something happened as a
:class:`~messaging.core.reasons.Reason`: a code with parameters. Here each code has a
translated template; nothing is parsed back from English. A code the window does not
know yet (a newer core) is shown in the core's English, never lost.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QLocale

from gui.translation import QT_TRANSLATE_NOOP, translate
from messaging.core.reasons import EXIT_MEANINGS, Reason, clock

Render = Callable[[Mapping[str, Any]], str]

# messaging.core.reasons.EXIT_MEANINGS, and the fallback, for the translation tools.
_EXIT_MEANINGS = {
    1: QT_TRANSLATE_NOOP("Core", "failed while running"),
    2: QT_TRANSLATE_NOOP("Core", "bad arguments"),
    3: QT_TRANSLATE_NOOP("Core", "could not start"),
}
_UNEXPECTED = QT_TRANSLATE_NOOP("Core", "unexpected")
assert set(_EXIT_MEANINGS) == set(EXIT_MEANINGS), "a new exit code needs its translation"


def _killed(p: Mapping[str, Any]) -> str:
    number = int(p["signal"])
    if number == signal.SIGKILL:
        return translate("Core", "killed (SIGKILL)")
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = str(number)
    return translate("Core", "killed by {signal}").format(signal=name)


def _exited(p: Mapping[str, Any]) -> str:
    code = int(p["code"])
    if code == 0:
        return translate("Core", "exited after a graceful stop")
    meaning = translate("Core", _EXIT_MEANINGS.get(code, _UNEXPECTED))
    return translate("Core", "exited with code {code} ({meaning})").format(
        code=code, meaning=meaning
    )


def _out_of_order(p: Mapping[str, Any]) -> str:
    why = (
        translate(
            "Core", "redelivered, because its partition was handed over with uncommitted work"
        )
        if p["redelivered"]
        else translate("Core", "its partition was read again from an older offset")
    )
    head = translate("Core", "processed after a later message of key {key} (offset {offset})")
    return f"{head.format(key=p['key'], offset=p['offset'])}: {why}"


_TEMPLATES: dict[str, Render] = {
    "killed": _killed,
    "exited": _exited,
    "left_group": lambda p: translate("Core", "left the group"),
    "advertised_loopback": lambda p: translate(
        "Core",
        "the broker tells clients to connect to {host}, which is this machine's loopback: a "
        "consumer on another machine cannot join with it; pass --advertised-host with an "
        "address the other machines reach",
    ).format(host=p["host"]),
    "left_out": lambda p: (
        translate("Core", "gone: generation {generation} of the group left it out").format(
            generation=p["generation"]
        )
        if p["generation"] is not None
        else translate("Core", "gone: the broker no longer lists it in the group")
    ),
    "silent": lambda p: translate("Core", "silent for {seconds} s").format(
        seconds=QLocale().toString(float(p["seconds"]), "g", 6)  # 3,5 s in Spanish
    ),
    "simulated_crash": lambda p: translate("Core", "crash simulated (a thread cannot be killed)"),
    "idle_consumers": lambda p: translate(
        "Core",
        "topic {topic} has {partitions} partitions but {consumers} consumers: {idle} of "
        "them will sit idle (one partition feeds at most one consumer of a group)",
    ).format(**{k: p[k] for k in ("topic", "partitions", "consumers", "idle")}),
    "out_of_order": _out_of_order,
    "topic_exists": lambda p: translate(
        "Core", "topic {topic} already exists with {partitions} partitions (asked for {asked})"
    ).format(**{k: p[k] for k in ("topic", "partitions", "asked")}),
    "topic_came_back": lambda p: translate(
        "Core",
        "topic {topic} came back with {partitions} partitions, not {before}: a client "
        "asked for it before the app could recreate it",
    ).format(**{k: p[k] for k in ("topic", "partitions", "before")}),
    "broker_unreachable": lambda p: translate(
        "Core", "broker {address} unreachable since {at}"
    ).format(address=p["address"], at=clock(p["at"])),
    "broker_died": lambda p: translate(
        "Core", "embedded broker died (exit code {code}) at {at}"
    ).format(code=p["code"], at=clock(p["at"])),
    "broker_back": lambda p: translate(
        "Core", "broker {address} back at {at} after {seconds} s"
    ).format(
        address=p["address"],
        at=clock(p["at"]),
        seconds=QLocale().toString(float(p["down_s"]), "f", 1),
    ),
}


def core_text(reason: Reason | None) -> str:
    """``reason`` in the window's language ("" for None; its English when unknown)."""
    if reason is None:
        return ""
    render = _TEMPLATES.get(reason.code)
    try:
        return render(reason.params) if render else reason.english()
    except (KeyError, ValueError):  # a newer core's parameters: its own words
        return reason.english()


def known_codes() -> set[str]:
    """The codes the window translates (a test holds them to the core's)."""
    return set(_TEMPLATES)
