"""The flags ``main.py`` and ``python -m messaging.consumer`` share, each declared once.

An :class:`Option` is a flag's name and the rule its value obeys; each command adds it
with its own words and default. The app's supervisor writes a child consumer's command
line from the same options (:meth:`Option.argv`), so a flag cannot be renamed on one
side only.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from messaging.broker import profile
from messaging.core import limits, names
from messaging.flags.checks import checked, ranged, session_help, session_timeout, span


@dataclass(frozen=True)
class Option:
    """One flag: its name, the argparse ``type`` or ``choices`` that check it, and what its
    help ends with (the range of a whole number, given as ``bounds``)."""

    flag: str
    type: Callable[[str], Any] | None = None
    choices: Sequence[str] | None = None
    bounds: tuple[int, int] | None = None
    ends_help: Callable[[], str] | None = None
    switch: bool = False  # on when given, takes no value
    hidden: bool = False  # for the app's own children: not in ``--help``

    @property
    def dest(self) -> str:
        """The attribute argparse stores it as."""
        return self.flag.removeprefix("--").replace("-", "_")

    def add(self, parser: argparse.ArgumentParser, default: Any = None, help: str = "") -> None:
        """Declare it on ``parser`` with the command's own ``help`` and ``default``."""
        extra: dict[str, Any] = {"action": "store_true"} if self.switch else {"default": default}
        if self.bounds is not None:
            extra["type"] = ranged(self.bounds)
        elif self.type is not None:
            extra["type"] = self.type
        if self.choices is not None:
            extra["choices"] = list(self.choices)
        parser.add_argument(self.flag, help=self._help(help), **extra)

    def _help(self, words: str) -> str | None:
        if self.hidden:
            return argparse.SUPPRESS
        end = span(self.bounds) if self.bounds is not None else None
        if self.ends_help is not None:
            end = self.ends_help()
        if end is None:
            return words or None
        return f"{words}; {end}" if words else end

    def argv(self, value: object) -> list[str]:
        """How a command line carries ``value``: the flag and its text (a switch: the flag
        alone when on)."""
        if self.switch:
            return [self.flag] if value else []
        return [self.flag, str(value)]


def same_named(args: argparse.Namespace, *fields: str) -> dict[str, Any]:
    """The settings ``fields`` as the flags of the same name give them (``--max-retries``
    sets ``max_retries``)."""
    return {field: getattr(args, field) for field in fields}


BOOTSTRAP_SERVERS = Option("--bootstrap-servers")
TOPIC = Option("--topic", type=checked(names.topic_problem))
GROUP = Option("--group", type=checked(names.group_problem))
PROCESSING_MS = Option("--processing-ms", bounds=limits.PROCESSING_MS)
SESSION_TIMEOUT_MS = Option("--session-timeout-ms", type=session_timeout, ends_help=session_help)
MAX_RETRIES = Option("--max-retries", bounds=limits.MAX_RETRIES)
ASSIGNOR = Option("--assignor", choices=profile.STANDARD_ASSIGNORS)
BROKER_PROFILE = Option("--broker-profile", choices=profile.CHOICES)
QUIET = Option("--quiet", switch=True)
# The topic whose <x>.activity and <x>.control a consumer talks to the app on, when the
# app has moved to a new topic since it started (the join command writes it).
CHANNEL = Option("--channel", hidden=True)
