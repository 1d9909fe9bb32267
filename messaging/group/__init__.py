"""The app's view and command of each consumer group: its members (threads, processes,
consumers started elsewhere, outside members), the model of who owns what, and the lag.

The names other packages use are exported here; their modules stay importable too.
"""

from messaging.core.events import STOPPING
from messaging.group.errors import (
    FleetFull,
    MemberGone,
    MemberLive,
    NotApplied,
    NotControllable,
    UnknownConsumer,
)
from messaging.group.fleet import Fleet
from messaging.group.launcher import Homes
from messaging.group.model import (
    BROKER,
    EMPTY,
    INFERRED,
    LEADER,
    REBALANCING,
    REPORTED,
    STABLE,
    UNKNOWN,
    Described,
    GroupView,
    Move,
)
from messaging.group.monitor import LagMonitor
from messaging.group.outside import OutsideConsumption

__all__ = [
    "BROKER",
    "EMPTY",
    "INFERRED",
    "LEADER",
    "REBALANCING",
    "REPORTED",
    "STABLE",
    "STOPPING",
    "UNKNOWN",
    "Described",
    "Fleet",
    "FleetFull",
    "GroupView",
    "Homes",
    "LagMonitor",
    "MemberGone",
    "MemberLive",
    "Move",
    "NotApplied",
    "NotControllable",
    "OutsideConsumption",
    "UnknownConsumer",
]
