"""Command-line flags shared by ``main.py`` and ``python -m messaging.consumer``.

:mod:`.checks` turns the core's rules into argparse types and one-line errors;
:mod:`.options` declares each shared flag once.
"""

from messaging.flags.checks import (
    DefaultsOnce,
    OneLineParser,
    check_against_profile,
    checked,
    ranged,
    session_help,
    session_timeout,
    span,
)
from messaging.flags.options import Option

__all__ = [
    "DefaultsOnce",
    "OneLineParser",
    "Option",
    "check_against_profile",
    "checked",
    "ranged",
    "session_help",
    "session_timeout",
    "span",
]
