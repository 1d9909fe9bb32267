"""What the window's clock reads each tick, apart from the groups: title, API, broker.

The window turns these into words (its language) and widgets; here they stay values,
each one read from the runtime once per tick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from messaging.core.reasons import Reason


class _Settings(Protocol):
    topic: str
    group: str


class _Up(Protocol):
    up: bool


class _Watch(Protocol):
    status: _Up


class WindowSource(Protocol):
    """What the window needs of the runtime (:class:`messaging.runtime.Runtime` is one)."""

    settings: _Settings
    broker_watch: _Watch | None

    @property
    def broker_reason(self) -> Reason | None: ...

    def stats(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class BrokerNote:
    """The broker as the status bar tells it: why it is (or was) away, and whether it is up."""

    reason: Reason | None
    up: bool


class WindowModel:
    """The window's readings of the runtime. GUI thread only.

    ``api_failure`` is polled until it names a failure once: a REST API that died stays
    dead, and the status bar keeps saying so.
    """

    def __init__(
        self, runtime: WindowSource, api_failure: Callable[[], str | None] | None = None
    ) -> None:
        self.runtime = runtime
        self._api_failure = api_failure
        self.api_failed: str | None = None
        self._title: tuple[str, str] | None = None

    @property
    def main_group(self) -> str:
        return self.runtime.settings.group

    def new_title(self) -> tuple[str, str] | None:
        """(topic, group) when they differ from the last ones asked for (the app
        switched topics), else None."""
        s = self.runtime.settings
        title = (s.topic, s.group)
        if title == self._title:
            return None
        self._title = title
        return title

    def new_api_failure(self) -> str | None:
        """Why the REST API died, the first time it is known; None before and after."""
        if self._api_failure is None or self.api_failed is not None:
            return None
        self.api_failed = self._api_failure() or None
        return self.api_failed

    def totals(self) -> dict[str, Any]:
        return self.runtime.stats()

    def broker_note(self) -> BrokerNote | None:
        """None without a broker watch (nothing to say)."""
        watch = self.runtime.broker_watch
        if watch is None:
            return None
        return BrokerNote(self.runtime.broker_reason, watch.status.up)
