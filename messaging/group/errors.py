"""What a command to the group's members can answer instead of doing it.

The REST API maps each to a status code and the window to a message, so they are
declared once here, apart from the code that raises them.
"""

from __future__ import annotations


class UnknownConsumer(KeyError):
    """No consumer with that id."""


class FleetFull(Exception):
    """The cap on live consumers is reached."""


class MemberGone(Exception):
    """The member is stopped, crashed, or on its way out: nothing can be asked of it.

    Raised at once, before any command is sent: a dead consumer would never confirm one.
    ``state`` is ``stopped``, ``crashed`` or ``stopping``.
    """

    def __init__(self, name: str, state: str) -> None:
        super().__init__(f"{name} is {state}")
        self.name, self.state = name, state


class MemberLive(Exception):
    """Only a stopped or crashed member can be forgotten; this one is ``state``."""

    def __init__(self, name: str, state: str) -> None:
        super().__init__(f"{name} is {state}")
        self.name, self.state = name, state


class NotApplied(Exception):
    """A command was sent but the consumer did not confirm it in time."""


class NotControllable(Exception):
    """The member cannot be driven from the app (it reports nothing)."""
