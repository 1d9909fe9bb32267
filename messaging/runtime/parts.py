"""What the runtime's roles share: the settings, the broker and the clients in use.

The lifecycle, the group registry, the ingest pipeline, the topic admin, the broker
recovery and the read models each hold this one object, so a part one role replaces (a
new activity reader after an outage, the settings of a new topic) is the part every role
sees next.
"""

from __future__ import annotations

import threading
from typing import Any

from messaging import broker as brokers
from messaging.audit.ledger import Ledger
from messaging.audit.traffic_log import TrafficLog
from messaging.broker.exposure import BrokerExposure
from messaging.broker.profile import BrokerProfile
from messaging.broker.watch import BrokerWatch
from messaging.channel.activity import ActivityReader
from messaging.channel.control import ControlChannel, ControlKeys
from messaging.clients.sender import Sender
from messaging.core.config import Settings
from messaging.core.events import EventHub
from messaging.core.reasons import Reason


class Parts:
    """Plain state, no behaviour beyond what its own fields tell; set by the roles that
    own each part (the lifecycle starts and stops them, the recovery replaces the reader,
    the topic admin moves ``settings`` and ``partitions``)."""

    def __init__(
        self, settings: Settings, hub: EventHub, ledger: Ledger, control_keys: ControlKeys
    ) -> None:
        self.settings = settings
        self.hub, self.ledger = hub, ledger
        # Signs the commands to consumers outside the process (see messaging.channel.control).
        self.control_keys = control_keys
        self.bootstrap_servers = settings.bootstrap_servers or ""
        self.partitions = settings.partitions
        self.broker: brokers.Broker | None = None
        self.profile: BrokerProfile | None = None  # chosen at start (messaging/broker/profile.py)
        self.exposure: BrokerExposure | None = None  # the embedded broker open to the network
        self.traffic: TrafficLog | None = None
        self.sender: Sender | None = None
        self.control: ControlChannel | None = None
        self.reader: ActivityReader | None = None
        self.broker_watch: BrokerWatch | None = None
        self.warnings: list[Reason] = []
        self.halt = threading.Event()  # set once, by stop: the watch thread ends

    @property
    def embedded(self) -> bool:
        return self.settings.bootstrap_servers is None

    @property
    def embedded_kind(self) -> str | None:
        """The embedded broker's kind (tansu or apache), None on an external Kafka."""
        return self.settings.broker if self.embedded else None

    @property
    def broker_version(self) -> str | None:
        """What the embedded broker runs (``tansu 0.6.0``, ``Apache Kafka 4.4.0``); None
        on an external Kafka, which the app does not ask."""
        return self.broker.version if self.broker else None

    @property
    def chosen_profile(self) -> BrokerProfile:
        assert self.profile is not None, "start() chooses the broker profile"
        return self.profile


class Forward:
    """An attribute of the front door that lives on one of its parts, read and set there.

    ``settings = Forward("_parts")`` on :class:`~messaging.runtime.Runtime` declares once
    where ``runtime.settings`` lives; the window, the API and the tests keep reading it
    from the runtime while the role that owns it replaces it.
    """

    def __init__(self, holder: str) -> None:
        self._holder = holder
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return getattr(getattr(obj, self._holder), self._name)

    def __set__(self, obj: object, value: Any) -> None:
        setattr(getattr(obj, self._holder), self._name, value)
