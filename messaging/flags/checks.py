"""The checks behind the flags: argparse types from the core's rules, one-line errors.

A bad flag is one line on stderr and exit code 2, before anything starts: the same
rules (Kafka's names, the ranges of :mod:`messaging.core.limits`, what the broker's profile
allows when it is known before connecting) on both commands.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NoReturn

from messaging.broker import profile
from messaging.broker.policy import POLICIES
from messaging.core import limits


class OneLineParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line and exit 2, not a usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {' '.join(message.split())}\n")


class DefaultsOnce(argparse.ArgumentDefaultsHelpFormatter):
    """``--help`` shows each default once: not where the help already says it, and not
    for a flag whose unset value means "see the help" (None) or "off" (False)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if "default:" in text or action.default in (None, False, argparse.SUPPRESS):
            return text
        return super()._get_help_string(action)


def checked(check: Callable[[str], str | None], echo: bool = True) -> Callable[[str], str]:
    """An argparse type from a ``problem(value) -> reason | None`` rule.

    ``echo=False`` keeps a secret out of the error line.
    """

    def convert(text: str) -> str:
        problem = check(text)
        if problem:
            raise argparse.ArgumentTypeError(f"{problem} (got {text[:60]!r})" if echo else problem)
        return text

    return convert


def span(bounds: tuple[int, int]) -> str:
    """A range as ``--help`` shows it: ``0..100``."""
    return f"{bounds[0]}..{bounds[1]}"


def ranged(bounds: tuple[int, int]) -> Callable[[str], int]:
    """An argparse type for a whole number within ``bounds``."""

    def convert(text: str) -> int:
        try:
            return limits.whole_number_in(text, bounds)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


def session_timeout(text: str) -> int:
    """An argparse type for ``--session-timeout-ms``: out of every broker's range, the
    error states the range of each (the profile narrows it once the broker is known)."""
    try:
        return ranged(limits.SESSION_TIMEOUT_MS)(text)
    except argparse.ArgumentTypeError:
        try:
            int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be a whole number (got {text[:20]!r})"
            ) from None
        raise argparse.ArgumentTypeError(f"must be {session_help()} (got {text[:20]})") from None


def session_help() -> str:
    """The session-timeout ranges, per broker profile, for ``--help``."""
    return ", ".join(f"{span(p.session_timeout_ms)} on {p.label}" for p in POLICIES.values())


def check_against_profile(
    parser: argparse.ArgumentParser, args: argparse.Namespace, embedded: str | None
) -> None:
    """Settings the broker's profile refuses are bad flags, when the profile is known
    before connecting (``--broker-profile`` given, or the embedded broker of kind
    ``embedded``; None = an external broker).

    Otherwise the broker is asked once it answers, and the same check runs then.
    """
    known = profile.without_asking(args.broker_profile, embedded)
    if known is None:
        return
    try:
        known.check(args.session_timeout_ms, args.assignor)
    except profile.UnfitSettings as exc:
        parser.error(str(exc))
