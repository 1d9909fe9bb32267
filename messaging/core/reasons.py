"""Why something happened, as a code with parameters: the core's findings as data.

The core never writes a sentence for the window to parse back. It reports a
:class:`Reason` (``killed(signal=9)``, ``silent(seconds=3.5)``,
``out_of_order(key=..., offset=..., redelivered=True)``); the window translates the
code, and logs, the REST API and exports render it in English with :meth:`english`.
A reason crosses the activity topic as ``{"code": ..., "params": {...}}``.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Exit codes of ``python -m messaging.consumer`` (messaging/consumer/cli.py), by meaning.
EXIT_MEANINGS = {1: "failed while running", 2: "bad arguments", 3: "could not start"}


@dataclass(frozen=True)
class Reason:
    """A finding: ``code`` names it, ``params`` (JSON values) fill it in."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def english(self) -> str:
        """The reason as one English sentence (logs, REST, exports)."""
        render = _ENGLISH.get(self.code)
        return render(self.params) if render else f"{self.code} {dict(self.params)}"

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}

    @classmethod
    def from_json(cls, data: object) -> Reason | None:
        """The reason a :meth:`as_json` dict describes (None for None); ValueError else."""
        if data is None:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("code"), str):
            raise ValueError(f"not a reason: {data!r}")
        params = data.get("params") or {}
        if not isinstance(params, dict):
            raise ValueError(f"not reason parameters: {params!r}")
        return cls(data["code"], params)


# ----- the codes, each made by one function so that its parameters are never misspelt ----------
def killed(signal_number: int) -> Reason:
    """The process was killed by a signal (a Crash is SIGKILL, 9)."""
    return Reason("killed", {"signal": signal_number})


def exited(code: int) -> Reason:
    """The process exited by itself: 0 after a graceful stop, else a failure code."""
    return Reason("exited", {"code": code})


def left_group() -> Reason:
    """A member that reports nothing is no longer listed by the broker."""
    return Reason("left_group")


def advertised_loopback(host: str) -> Reason:
    """The broker listens beyond loopback, but the name it gives clients is this machine's
    loopback: a consumer on another machine would dial itself."""
    return Reason("advertised_loopback", {"host": host})


def left_out(generation: int | None) -> Reason:
    """A reporting consumer fell silent and the group went on without it: the leader's
    table of ``generation`` left it out (None: the broker's stable member list did)."""
    return Reason("left_out", {"generation": generation})


def silent(seconds: float) -> Reason:
    """A reporting consumer sent nothing (not even its heartbeat) for ``seconds``."""
    return Reason("silent", {"seconds": seconds})


def simulated_crash() -> Reason:
    """A thread consumer cannot be killed: it dropped its client without leaving."""
    return Reason("simulated_crash")


def idle_consumers(topic: str, partitions: int, consumers: int) -> Reason:
    """More consumers than partitions: some get no partition."""
    return Reason(
        "idle_consumers",
        {
            "topic": topic,
            "partitions": partitions,
            "consumers": consumers,
            "idle": consumers - partitions,
        },
    )


def out_of_order(key: str, offset: int, redelivered: bool) -> Reason:
    """Processed after a later message (``offset``) of the same key."""
    return Reason("out_of_order", {"key": key, "offset": offset, "redelivered": redelivered})


def topic_exists(topic: str, partitions: int, asked: int) -> Reason:
    """The topic was there already with fewer partitions than asked for."""
    return Reason("topic_exists", {"topic": topic, "partitions": partitions, "asked": asked})


def topic_came_back(topic: str, partitions: int, before: int) -> Reason:
    """After a broker restart a client recreated the topic with another count."""
    return Reason("topic_came_back", {"topic": topic, "partitions": partitions, "before": before})


def broker_unreachable(address: str, at: float) -> Reason:
    """The broker stopped answering at epoch time ``at``."""
    return Reason("broker_unreachable", {"address": address, "at": at})


def broker_died(code: int, at: float) -> Reason:
    """The embedded broker's process ended with exit ``code`` at epoch time ``at``."""
    return Reason("broker_died", {"code": code, "at": at})


def broker_back(address: str, at: float, down_s: float) -> Reason:
    """The broker answered again at ``at`` after ``down_s`` seconds away."""
    return Reason("broker_back", {"address": address, "at": at, "down_s": down_s})


def clock(at: float) -> str:
    """An epoch time as the 24-hour wall clock (HH:MM:SS), in every language."""
    return time.strftime("%H:%M:%S", time.localtime(at))


# ----- English --------------------------------------------------------------------------------
def _killed(p: Mapping[str, Any]) -> str:
    number = int(p["signal"])
    if number == signal.SIGKILL:
        return "killed (SIGKILL)"
    try:
        return f"killed by {signal.Signals(number).name}"
    except ValueError:
        return f"killed by signal {number}"


def _exited(p: Mapping[str, Any]) -> str:
    code = int(p["code"])
    if code == 0:
        return "exited after a graceful stop"
    return f"exited with code {code} ({EXIT_MEANINGS.get(code, 'unexpected')})"


def _out_of_order(p: Mapping[str, Any]) -> str:
    why = (
        "redelivered, because its partition was handed over with uncommitted work"
        if p["redelivered"]
        else "its partition was read again from an older offset"
    )
    return f"processed after a later message of key {p['key']} (offset {p['offset']}): {why}"


_ENGLISH: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "killed": _killed,
    "exited": _exited,
    "left_group": lambda p: "left the group",
    "advertised_loopback": lambda p: (
        f"the broker tells clients to connect to {p['host']}, which is this machine's "
        "loopback: a consumer on another machine cannot join with it; pass "
        "--advertised-host with an address the other machines reach"
    ),
    "left_out": lambda p: (
        f"gone: generation {p['generation']} of the group left it out"
        if p["generation"] is not None
        else "gone: the broker no longer lists it in the group"
    ),
    "silent": lambda p: f"silent for {p['seconds']:g} s",
    "simulated_crash": lambda p: "crash simulated (a thread cannot be killed)",
    "idle_consumers": lambda p: (
        f"topic {p['topic']} has {p['partitions']} partitions but {p['consumers']} consumers: "
        f"{p['idle']} of them will sit idle (one partition feeds at most one consumer of a group)"
    ),
    "out_of_order": _out_of_order,
    "topic_exists": lambda p: (
        f"topic {p['topic']} already exists with {p['partitions']} partitions "
        f"(asked for {p['asked']})"
    ),
    "topic_came_back": lambda p: (
        f"topic {p['topic']} came back with {p['partitions']} partitions, not {p['before']}: "
        "a client asked for it before the app could recreate it"
    ),
    "broker_unreachable": lambda p: f"broker {p['address']} unreachable since {clock(p['at'])}",
    "broker_died": lambda p: f"embedded broker died (exit code {p['code']}) at {clock(p['at'])}",
    "broker_back": lambda p: (
        f"broker {p['address']} back at {clock(p['at'])} after {p['down_s']:.1f} s"
    ),
}
CODES = tuple(_ENGLISH)
