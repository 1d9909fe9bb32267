"""The API's lock for a LAN demo: an optional bearer token and a Host check on loopback.

Without a token anyone who can reach the port can send, stop and crash consumers, so
the app warns when it listens beyond loopback without one. On a loopback bind a web
page could still reach it through DNS rebinding (its own name resolving to 127.0.0.1),
which the Host check stops: a browser sends the page's name, not ``localhost``.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, Response, jsonify, request

from messaging.broker import is_loopback  # the broker's bind is judged the same way
from messaging.core.limits import MAX_API_TOKEN

REALM = "kafka-p2p-demo"
# Open without a token: liveness probes and the API description (whatever the method,
# so a wrong one is the same 405 with Allow for everyone).
PUBLIC = frozenset({"/health", "/openapi.json"})
API_OPEN = "api_open"  # the code /health lists the exposure_warning under


def local_host_header(value: str) -> bool:
    """``localhost``, ``127.x.x.x`` or ``[::1]``, each with or without ``:port``."""
    value = value.strip().lower()
    if value.startswith("["):
        name, _, rest = value[1:].partition("]")
        if name != "::1":
            return False
        return rest == "" or (rest.startswith(":") and rest[1:].isdigit())
    name, colon, port = value.partition(":")
    return (not colon or port.isdigit()) and is_loopback(name)


def token_problem(token: str) -> str | None:
    """Why ``token`` cannot be sent as ``Authorization: Bearer <token>``, or None."""
    if not token:
        return "must not be empty"
    if len(token) > MAX_API_TOKEN:
        return f"must be at most {MAX_API_TOKEN} characters"
    if not all("!" <= c <= "~" for c in token):
        return "must be printable ASCII without spaces"
    return None


def exposure_warning(bind_host: str, token: str | None) -> str | None:
    """The start-up warning for an API others on the network can drive without a token."""
    if token or is_loopback(bind_host):
        return None
    return (
        f"the REST API listens on {bind_host or 'all interfaces'} without a token: anyone who "
        "can reach it can send messages and stop or crash consumers (set --api-token or "
        "P2P_API_TOKEN)"
    )


def install(app: Flask, token: str | None, bind_host: str) -> None:
    """Check every request before routing: Host (loopback binds), then the token."""
    check_host = is_loopback(bind_host)
    expected = _digest(token.encode("utf-8")) if token else None

    @app.before_request
    def guard() -> tuple[Response, int] | None:
        if check_host:
            host = request.environ.get("HTTP_HOST")
            # No Host at all (HTTP/1.0 tools) cannot come from a browser page.
            if host is not None and not local_host_header(host):
                return _answer(
                    f"Host {host[:100]!r} is not allowed: this API answers only to "
                    "localhost, 127.x.x.x or [::1] (DNS rebinding protection)",
                    403,
                )
        if expected is None or request.path in PUBLIC:
            return None
        given = _bearer(request.headers.get("Authorization", ""))
        if given is None:
            return _answer(
                "missing API token: send Authorization: Bearer <token>",
                401,
                f'Bearer realm="{REALM}"',
            )
        if not hmac.compare_digest(_digest(given), expected):
            return _answer(
                "wrong API token",
                401,
                f'Bearer realm="{REALM}", error="invalid_token"',
            )
        return None


def _bearer(header: str) -> bytes | None:
    """The credentials of ``Bearer <token>`` as sent on the wire, or None."""
    scheme, _, credentials = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    # WSGI hands header values over as latin-1 text: this recovers the bytes sent.
    return credentials.strip().encode("latin-1", "replace")


def _digest(secret: bytes) -> bytes:
    """Equal-length digests, so compare_digest reveals nothing, not even the length."""
    return hashlib.sha256(secret).digest()


def _answer(message: str, status: int, challenge: str | None = None) -> tuple[Response, int]:
    response = jsonify({"error": message})
    if challenge:
        response.headers["WWW-Authenticate"] = challenge
    return response, status
