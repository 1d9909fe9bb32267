"""Consumer -> app reports, signed: reaching the broker is not enough to write the app's
history.

The activity topic is as open as the control topic: anyone who reaches the broker can
write it, and a record there becomes deliveries, states and counts in every view. So
each consumer signs its records with a key of its own, HMAC-SHA-256 of its uid under the
key the app gave it (the *process* key for the app's children, the *remote* key for
consumers started by hand, see :mod:`messaging.channel.control`). The app holds the secret of
both, so it derives the same key from the uid and scope a record names. A holder of the
remote key can derive any remote consumer's key, the same trust the control topic gives
it, and never the key of one of the app's own children.

A record's value is one JSON object: ``uid``, ``scope``, ``boot`` (random per consumer
start), ``seq`` (its records, counted), ``ts`` and ``events``; its ``sig`` header is the
HMAC of the value's exact bytes. The app takes a record only when the signature matches,
the time is within FRESH_S of its clock, and ``seq`` is above the last it took from that
boot: a replayed record changes nothing. A consumer without a key sends unsigned
records, which the app refuses; the group protocol still shows it, as a member that
reports nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import orjson

from messaging.channel.control import (
    BAD_SIGNATURE,
    FRESH_S,
    MALFORMED,
    MAX_NONCES,
    PROCESS_SCOPE,
    REMOTE_SCOPE,
    REPLAYED,
    STALE,
    UNSIGNED,
    ControlKeys,
    RefusalLog,
    Refused,
)
from messaging.core.events import from_wire

log = logging.getLogger(__name__)
SIG_HEADER = "sig"
Headers = list[tuple[str, bytes]]


def report_key(scope_key: str, uid: str) -> bytes:
    """The key consumer ``uid`` signs its reports with, from its scope's key (hex)."""
    return hmac.new(bytes.fromhex(scope_key), f"report {uid}".encode(), hashlib.sha256).digest()


def _mac(key: bytes, value: bytes) -> bytes:
    return hmac.new(key, value, hashlib.sha256).hexdigest().encode()


def _dumps(record: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(record)
    except TypeError:  # a value orjson refuses (an integer past 64 bits): the slow way
        return json.dumps(record, separators=(",", ":")).encode()


def _loads(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        try:  # what orjson refuses and json reads (big integers)
            return json.loads(raw)
        except (ValueError, RecursionError) as exc:
            raise Refused(MALFORMED, f"not JSON ({type(exc).__name__})") from None


class ReportSealer:
    """A consumer's side: one sealed record per batch of events, in order."""

    def __init__(self, uid: str, scope: str, scope_key: str | None) -> None:
        self.uid, self.scope = uid, scope
        self._key = report_key(scope_key, uid) if scope_key else None
        self._boot = secrets.token_hex(8)
        self._seq = 0

    def seal(self, events: list[dict[str, Any]]) -> tuple[bytes, Headers]:
        """The value and headers of the next record (not thread-safe: one shipper)."""
        self._seq += 1
        value = _dumps(
            {
                "uid": self.uid,
                "scope": self.scope,
                "boot": self._boot,
                "seq": self._seq,
                "ts": round(time.time(), 3),
                "events": events,
            }
        )
        return value, ([(SIG_HEADER, _mac(self._key, value))] if self._key else [])


class ReportGate:
    """The app's side: ``admit(value, headers)`` returns ``(uid, events)`` of a record it
    verified, or raises :class:`messaging.channel.control.Refused`. Pure logic; the clock is
    injectable."""

    def __init__(self, keys: ControlKeys, clock: Callable[[], float] = time.time) -> None:
        self._scope_keys = {s: keys.key(s) for s in (PROCESS_SCOPE, REMOTE_SCOPE)}
        self._clock = clock
        self.refusals = RefusalLog(log, what="activity record", hints=_HINTS)
        self._last: OrderedDict[tuple[str, str], int] = OrderedDict()  # (uid, boot) -> seq

    def take(self, value: bytes | None, headers: Headers | None) -> tuple[str, list[object]] | None:
        """:meth:`admit`, with a refusal logged (once per kind per minute) as None."""
        try:
            return self.admit(value, headers)
        except Refused as refusal:
            self.refusals.note(refusal)
            return None

    def admit(self, value: bytes | None, headers: Headers | None) -> tuple[str, list[object]]:
        value = value or b""
        data = _loads(value)
        if not isinstance(data, dict):
            raise Refused(MALFORMED, "not a JSON object")
        uid, scope = data.get("uid"), data.get("scope")
        sig = dict(headers or []).get(SIG_HEADER)
        if sig is None:
            raise Refused(UNSIGNED, f"an unsigned report from {str(uid)[:40]!r}")
        if not isinstance(uid, str) or scope not in self._scope_keys:
            raise Refused(MALFORMED, "uid or scope missing or of the wrong type")
        key = report_key(self._scope_keys[scope], uid)
        if not hmac.compare_digest(_mac(key, value), sig):
            raise Refused(BAD_SIGNATURE, f"a report for {uid[:40]!r} not signed with its key")
        return uid, self._events(data)

    def _events(self, data: dict[str, Any]) -> list[object]:
        """A verified record: shaped right, on time, and newer than the last one taken."""
        uid, boot, seq, ts, events = (data.get(k) for k in ("uid", "boot", "seq", "ts", "events"))
        numbers = all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in (seq, ts))
        if not isinstance(boot, str) or not numbers or not isinstance(events, list):
            raise Refused(MALFORMED, "boot, seq, ts or events missing or of the wrong type")
        drift = self._clock() - ts
        if abs(drift) > FRESH_S:
            raise Refused(
                STALE,
                f"its time is {drift:+.0f} s from this machine's clock (allowed: "
                f"±{FRESH_S:.0f} s; are the two clocks set right?)",
            )
        last = self._last.get((uid, boot), 0)
        if seq <= last:
            raise Refused(REPLAYED, f"report {seq} of {uid[:40]!r} was taken already")
        try:
            decoded = [from_wire(e) for e in events]
        except (ValueError, AttributeError) as exc:
            raise Refused(MALFORMED, str(exc)) from None
        self._last[(uid, boot)] = seq
        self._last.move_to_end((uid, boot))
        while len(self._last) > MAX_NONCES:
            self._last.popitem(last=False)
        return decoded


_HINTS = {
    UNSIGNED: " (a consumer started without the app's key shows only as a member that reports "
    "nothing: give it the key the window's command carries)",
    BAD_SIGNATURE: " (a forged record, or a consumer with a key from another run of the app)",
}
