"""Consumer processes the app starts: spawn, stop, kill, reap, never leave behind.

In the spirit of gunicorn's Arbiter: one owner for the child processes, a graceful
stop that is SIGTERM with a bounded wait and then SIGKILL, distinct exit codes for a
bad start. The children watch the app's pid and stop when it is gone, so even a
SIGKILL of the app leaves no consumer behind.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import sys
import weakref
from pathlib import Path

from messaging.consumer.command_line import child_argv
from messaging.core.config import Settings
from messaging.core.events import ConsumerSnapshot

ROOT = Path(__file__).resolve().parents[2]

_children: weakref.WeakSet[Child] = weakref.WeakSet()


class Child:
    """One consumer process started by this app."""

    def __init__(self, popen: subprocess.Popen[bytes]) -> None:
        self._popen = popen
        self.pid = popen.pid
        _children.add(self)

    def terminate(self) -> None:
        """Graceful: the child finishes its message, commits and leaves the group."""
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        """A real crash: no commit, no LeaveGroup; the broker notices at session expiry."""
        self._signal(signal.SIGKILL)

    def _signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            self._popen.send_signal(signum)

    def poll(self) -> int | None:
        """Exit code once the child is gone (and reaped), else None."""
        return self._popen.poll()

    def wait(self, timeout: float) -> int | None:
        try:
            return self._popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def ensure_gone(self, timeout: float) -> None:
        """SIGTERM, a bounded wait, then SIGKILL: nothing stays behind."""
        if self.poll() is None:
            self.terminate()
            if self.wait(timeout) is None:
                self.kill()
                self.wait(2.0)
        _children.discard(self)


def spawn(
    settings: Settings,
    bootstrap: str,
    me: ConsumerSnapshot,
    secret_env: dict[str, str] | None = None,
) -> Child:
    """Start ``python -m messaging.consumer`` for ``me`` and return its handle.

    ``secret_env`` (its control key) goes into the child's environment, not its arguments:
    arguments are in every user's ``ps``.
    """
    flags = child_argv(settings, bootstrap, me, parent_pid=os.getpid())
    args = [sys.executable, "-m", "messaging.consumer", *flags]
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), path]))}
    env.update(secret_env or {})
    popen = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        env=env,
        # Own session: a terminal's Ctrl-C reaches only the app, which then stops its
        # consumers in order; the children stop by themselves if the app dies.
        start_new_session=True,
    )
    return Child(popen)


def _stop_all() -> None:
    for child in list(_children):
        child.ensure_gone(3.0)


atexit.register(_stop_all)
