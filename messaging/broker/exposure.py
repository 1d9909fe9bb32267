"""What the app opens to the network, said once at start: the embedded broker's bind.

The embedded broker has no working authentication (see the README: tansu 0.6 cannot
create a SCRAM user on a broker that requires one, and it ignores a TLS certificate;
the embedded Apache Kafka has one PLAINTEXT listener and no SASL, a demo's settings),
so a bind beyond loopback hands the whole cluster to anyone on the network. The app
says so in the log, in ``/health`` and in the window's status bar; on loopback it says
nothing.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

BROKER_OPEN = "broker_open"  # the code the window and /health know the warning by


def is_loopback(host: str) -> bool:
    """Whether a bind address only accepts connections from this machine."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class BrokerExposure:
    """The embedded broker listens beyond loopback, on ``listen`` (``host:port``)."""

    listen: str

    @property
    def text(self) -> str:
        """The English sentence for the log and ``/health`` (the window has its own)."""
        return (
            f"the embedded broker listens on {self.listen}, beyond loopback: anyone who can "
            "reach it can read every message, write to every topic, and join the consumer "
            "group to take partitions (the broker has no authentication). Commands to "
            "consumers are signed, so they cannot be forged. Run it only on a network you "
            "trust, or without --broker-host to keep it on this machine"
        )

    def as_dict(self) -> dict[str, Any]:
        return {"code": BROKER_OPEN, "listen": self.listen, "message": self.text}


def broker_exposure(host: str, port: int) -> BrokerExposure | None:
    """The warning for an embedded broker bound to ``host``; None on loopback."""
    if is_loopback(host):
        return None
    where = f"[{host}]" if ":" in host else (host or "0.0.0.0")
    return BrokerExposure(f"{where}:{port}")
