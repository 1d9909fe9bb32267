"""App -> consumer commands through Kafka: the control topic, signed.

Stop, crash and configure are addressed to one consumer by uid. Every consumer outside
the app's process reads the control topic from its end with ``assign()`` (not as a
group member: every consumer must see every command), so a consumer on another machine
can be driven by a window it shares nothing with but the cluster.

Anyone who reaches the broker can write that topic, and the uids are in the activity
topic for anyone to read. So the app signs each command with HMAC-SHA-256 over its
target, operation, arguments, topic, time and a nonce, and a consumer obeys only what
its key verifies, once, and only while fresh. Two keys come from one secret: the app's
own child processes get the *process* key (through their environment), consumers
started by hand get the *remote* key (the window's copy-paste command carries it). A
participant holding the remote key can therefore never drive the app's own consumers.

Whatever is refused changes nothing and is logged once per kind per minute: a flood
of bad records is counted, not written out line by line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import shlex
import string
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kafka.consumer.fetcher import ConsumerRecord

from messaging.broker.profile import BrokerProfile
from messaging.channel.activity import control_topic
from messaging.clients.tail import TopicTail
from messaging.flags.options import BOOTSTRAP_SERVERS, CHANNEL, GROUP, TOPIC

log = logging.getLogger(__name__)
STOP, CRASH, CONFIGURE, SUBSCRIBE = "stop", "crash", "configure", "subscribe"
PROCESS_SCOPE, REMOTE_SCOPE = "process", "remote"
KEY_ENV = "P2P_CONTROL_KEY"  # how a consumer gets its key without it showing in `ps`
KEY_HEX = 64  # a key is 32 random bytes, written as hex
MAX_RECORD = 4096  # bytes; a genuine command is about 300
FRESH_S = 120.0  # a command older (or newer) than this is refused: clocks may differ a bit
REPORT_EVERY_S = 60.0  # one log line per kind of refusal per this long
MAX_NONCES = 10_000  # remembered within FRESH_S; only a key holder can add to them
Publish = Callable[[str, bytes | None, bytes | None, list[tuple[str, bytes]]], None]
Handler = Callable[[str, dict[str, Any]], None]

# Why a record was refused, by kind: the kinds a flood is counted under.
OVERSIZED, MALFORMED, UNSIGNED, NO_KEY = "oversized", "malformed", "unsigned", "no_key"
BAD_SIGNATURE, STALE, REPLAYED = "bad_signature", "stale", "replayed"


def key_problem(key: str) -> str | None:
    """Why ``key`` is not a control key (64 hex characters), or None."""
    if len(key) != KEY_HEX or not all(c in string.hexdigits for c in key):
        return f"must be {KEY_HEX} hexadecimal characters (the app shows it in its command)"
    return None


@dataclass(frozen=True)
class ControlKeys:
    """The app's secret, and the two keys it signs with (hex), one per kind of consumer."""

    secret: bytes

    @classmethod
    def random(cls) -> ControlKeys:
        """A new secret for this run: commands of an earlier run are never obeyed."""
        return cls(secrets.token_bytes(32))

    @classmethod
    def from_token(cls, token: str) -> ControlKeys:
        """Derived from ``--api-token``, so a remote consumer's key outlives an app restart.

        An HMAC of a fixed label, not the token itself: a consumer's key tells nothing
        of the token that guards the REST API.
        """
        label = b"kafka-p2p-demo control secret v1"
        return cls(hmac.new(token.encode("utf-8"), label, hashlib.sha256).digest())

    def key(self, scope: str) -> str:
        """The key of ``scope`` (PROCESS_SCOPE or REMOTE_SCOPE), as hex."""
        label = f"kafka-p2p-demo control key {scope}".encode()
        return hmac.new(self.secret, label, hashlib.sha256).hexdigest()

    def __repr__(self) -> str:  # never print the secret
        return "ControlKeys(...)"


def _mac(key: str, body: bytes) -> str:
    return hmac.new(bytes.fromhex(key), body, hashlib.sha256).hexdigest()


def command(
    key: str,
    topic: str,
    uid: str,
    op: str,
    args: dict[str, Any] | None = None,
    now: float | None = None,
    nonce: str | None = None,
) -> bytes:
    """One signed control record for consumer ``uid`` on control topic ``topic``.

    The signature covers the exact bytes of ``cmd`` (a JSON text): a consumer checks it
    before it trusts anything inside.
    """
    body = {
        "topic": topic,
        "to": uid,
        "op": op,
        "args": args or {},
        "ts": round(time.time() if now is None else now, 3),
        "nonce": nonce or secrets.token_hex(12),
    }
    cmd = json.dumps(body, separators=(",", ":"), sort_keys=True)
    return json.dumps({"cmd": cmd, "sig": _mac(key, cmd.encode())}).encode()


class ControlChannel:
    """The app's side: signs each command and publishes it with an acknowledged call."""

    def __init__(self, publish: Publish, topic: str, keys: ControlKeys) -> None:
        self._publish, self.topic, self._keys = publish, control_topic(topic), keys

    def send(self, uid: str, op: str, scope: str = REMOTE_SCOPE, **args: Any) -> None:
        """Signed with ``scope``'s key. Raises :class:`messaging.clients.sender.SendError` when
        the broker did not take it."""
        record = command(self._keys.key(scope), self.topic, uid, op, args)
        self._publish(self.topic, record, uid.encode(), [])

    def child_env(self) -> dict[str, str]:
        """What a consumer process the app starts needs in its environment."""
        return {KEY_ENV: self._keys.key(PROCESS_SCOPE)}

    @property
    def remote_key(self) -> str:
        """The key a consumer started by hand needs: the window's command carries it."""
        return self._keys.key(REMOTE_SCOPE)


# How the pasted command starts a consumer: from a checkout ./run (it makes the venv and
# installs what it needs; a bare `python` there fails with "No module named 'kafka'"), or
# the script an installed app (pipx install .) comes with.
CHECKOUT_LAUNCHER = ("./run", "-m", "messaging.consumer")
INSTALLED_LAUNCHER = ("kafka-p2p-consumer",)


def consumer_launcher() -> tuple[str, ...]:
    """How this app was installed says how to start a consumer: from a checkout (``run``
    beside the code) ./run, else the installed script."""
    root = Path(__file__).resolve().parents[2]
    return CHECKOUT_LAUNCHER if (root / "run").is_file() else INSTALLED_LAUNCHER


def join_command(
    bootstrap: str,
    topic: str,
    group: str,
    channel: str,
    key: str | None = None,
    launcher: tuple[str, ...] = CHECKOUT_LAUNCHER,
) -> str:
    """The copy-paste command that starts a consumer of ``group`` elsewhere, carrying
    the remote key in its environment."""
    parts = [*launcher, *BOOTSTRAP_SERVERS.argv(bootstrap), *TOPIC.argv(topic), *GROUP.argv(group)]
    if channel != topic:  # the app moved to a new topic: commands stay on the first one's
        parts += CHANNEL.argv(channel)
    command = shlex.join(parts)
    return f"{KEY_ENV}={key} {command}" if key else command


class Refused(Exception):
    """A control record this consumer will not obey: ``kind`` and why."""

    def __init__(self, kind: str, why: str) -> None:
        super().__init__(why)
        self.kind = kind


class CommandGate:
    """Decides what one consumer obeys: addressed to it, signed with its key, fresh, new.

    ``admit(raw)`` returns ``(op, args)``, None for a record addressed to another
    consumer, or raises :class:`Refused`. Pure logic; the clock is injectable.
    """

    def __init__(
        self, topic: str, uid: str, key: str | None, clock: Callable[[], float] = time.time
    ) -> None:
        self.topic, self.uid, self._key, self._clock = topic, uid, key, clock
        self._seen: OrderedDict[str, float] = OrderedDict()  # nonce -> its timestamp

    def admit(self, raw: bytes | None) -> tuple[str, dict[str, Any]] | None:
        raw = raw or b""
        if len(raw) > MAX_RECORD:
            raise Refused(OVERSIZED, f"{len(raw):,} bytes, over the {MAX_RECORD:,} allowed")
        envelope = _json_object(raw)
        if "sig" not in envelope or "cmd" not in envelope:
            if envelope.get("to") != self.uid:
                return None
            raise Refused(UNSIGNED, f"an unsigned {str(envelope.get('op'))[:20]!r} command")
        cmd, sig = envelope["cmd"], envelope["sig"]
        if not isinstance(cmd, str) or not isinstance(sig, str):
            raise Refused(MALFORMED, "cmd and sig must be strings")
        body = _json_object(cmd.encode("utf-8", "replace"))
        if body.get("to") != self.uid:
            return None
        if self._key is None:
            raise Refused(NO_KEY, "this consumer was started without a control key")
        if not hmac.compare_digest(_mac(self._key, cmd.encode("utf-8", "replace")), sig):
            raise Refused(BAD_SIGNATURE, "its signature does not match this consumer's key")
        return self._fresh(body)

    def _fresh(self, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """A verified body: the right topic, shaped right, on time, and not seen before."""
        op, args, ts, nonce = body.get("op"), body.get("args"), body.get("ts"), body.get("nonce")
        if body.get("topic") != self.topic:
            raise Refused(MALFORMED, f"signed for another control topic ({body.get('topic')})")
        shaped = isinstance(op, str) and isinstance(args, dict) and isinstance(nonce, str)
        if not shaped or not isinstance(ts, (int, float)) or isinstance(ts, bool):
            raise Refused(MALFORMED, "op, args, ts and nonce are missing or of the wrong type")
        now = self._clock()
        if abs(now - ts) > FRESH_S:
            raise Refused(
                STALE,
                f"its time is {now - ts:+.0f} s from this machine's clock (allowed: "
                f"±{FRESH_S:.0f} s; are the two clocks set right?)",
            )
        self._forget_before(now - FRESH_S)
        if nonce in self._seen:
            raise Refused(REPLAYED, "the same command was obeyed already")
        self._seen[nonce] = float(ts)
        while len(self._seen) > MAX_NONCES:
            self._seen.popitem(last=False)
        return op, args

    def _forget_before(self, oldest: float) -> None:
        """Nonces older than the window: their records are refused as stale anyway."""
        for nonce, ts in list(self._seen.items()):
            if ts >= oldest:
                break
            del self._seen[nonce]


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # bounded by MAX_RECORD either way
        raise Refused(MALFORMED, f"not JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise Refused(MALFORMED, "not a JSON object")
    return data


class RefusalLog:
    """One warning per kind of refusal per ``every_s``; the rest are counted and the
    count goes into the next warning of that kind. A flood is a few lines, not one a
    record."""

    def __init__(
        self,
        logger: logging.Logger,
        every_s: float = REPORT_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
        what: str = "control record",
        hints: dict[str, str] | None = None,
    ) -> None:
        self._log, self._every, self._clock, self._what = logger, every_s, clock, what
        self._hints = _HINTS if hints is None else hints
        self._last: dict[str, float] = {}  # kind -> when it was last logged
        self._quiet: dict[str, int] = {}  # kind -> refused since, not logged
        self.refused = 0

    def note(self, refusal: Refused) -> None:
        self.refused += 1
        kind, now = refusal.kind, self._clock()
        last = self._last.get(kind)
        if last is not None and now - last < self._every:
            self._quiet[kind] = self._quiet.get(kind, 0) + 1
            return
        quiet = self._quiet.pop(kind, 0)
        since = f" ({quiet} more {kind} refused since the last such line)" if quiet else ""
        self._log.warning(
            "%s refused (%s): %s; nothing changed%s%s",
            self._what,
            kind,
            refusal,
            since,
            self._hints.get(kind, ""),
        )
        self._last[kind] = now


_HINTS = {
    NO_KEY: f" (give it the app's key: --control-key or {KEY_ENV}; it consumes either way)",
    BAD_SIGNATURE: " (a forged command, or a key from another run of the app)",
}


class ControlListener:
    """A consumer's side: calls ``handle(op, args)`` for each admitted command to ``uid``.

    ``key`` None: the consumer consumes, but refuses every command (said once a minute).
    """

    def __init__(
        self,
        bootstrap_servers: str,
        topic: str,
        uid: str,
        handle: Handler,
        key: str | None,
        profile: BrokerProfile,
    ) -> None:
        self.uid, self._handle = uid, handle
        self.gate = CommandGate(control_topic(topic), uid, key)
        self.refusals = RefusalLog(log)
        self._tail = TopicTail(
            bootstrap_servers, control_topic(topic), self._one, "control", profile
        )

    def start(self, timeout: float = 10.0) -> None:
        self._tail.start(timeout)

    def stop(self, timeout: float = 2.0) -> None:
        self._tail.stop(timeout)

    def _one(self, record: ConsumerRecord) -> None:
        try:
            admitted = self.gate.admit(record.value)
        except Refused as refusal:
            self.refusals.note(refusal)
            return
        if admitted is not None:
            self._handle(*admitted)
