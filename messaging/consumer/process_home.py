"""What a consumer in a process of its own does that a thread of the app does not.

A process stops on SIGTERM or SIGINT, stops when the app that started it is gone, yields
the CPU to the app's window, and crashes for real: SIGKILL, once the app heard why.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from typing import Any

from messaging.channel.activity import ActivityPublisher
from messaging.channel.control import CONFIGURE, CRASH, STOP, SUBSCRIBE
from messaging.consumer.worker import ConsumerWorker
from messaging.core.reasons import killed

log = logging.getLogger("consumer")
CHILD_NICENESS = 10  # the app's own consumer processes yield the CPU to its window
CRASH_REPORT_S = 1.0  # how long a crash waits for the broker to take its report to the app
PARENT_CHECK_S = 0.5
ORPHAN_STOP_S = 4.0  # a graceful leave takes well under 1 s where the broker answers


def stop_on_signals(worker: ConsumerWorker) -> None:
    """SIGTERM (the app's graceful stop) and SIGINT (Ctrl-C) stop the worker gracefully."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: worker.stop())


def commands(
    worker: ConsumerWorker, publisher: ActivityPublisher
) -> Callable[[str, dict[str, Any]], None]:
    """What the control topic can ask of this consumer."""

    def handle(op: str, args: dict[str, Any]) -> None:
        if op == STOP:
            worker.stop()
        elif op == CRASH:
            # A real crash: no commit, no LeaveGroup, no goodbye to the group. Only the app
            # hears first (within a second), so that it says "crashed" once it is true.
            worker.crash(killed(signal.SIGKILL))
            publisher.flush(CRASH_REPORT_S)
            os.kill(os.getpid(), signal.SIGKILL)
        elif op == CONFIGURE:
            worker.configure(args.get("processing_ms"), args.get("failure_rate"))
        elif op == SUBSCRIBE and isinstance(args.get("topic"), str):
            worker.resubscribe(args["topic"])

    return handle


def yield_to_the_window() -> None:
    """Run below the app's priority. Busy consumers outnumber the cores (up to
    limits.LIVE_CONSUMERS on a 2-core laptop); at equal priority they starved the window's
    process during a burst (event-loop stalls of 0.4 s with 16 consumers, 1 s with 32).
    The window keeps the CPU it needs; the consumers share the rest."""
    if hasattr(os, "nice"):  # POSIX; Windows keeps them at normal priority
        os.nice(CHILD_NICENESS)


def watch_parent(parent_pid: int, worker: ConsumerWorker) -> None:
    """Stop gracefully when the app that started us is gone (killed, crashed, exited).

    Polling the parent pid works on every OS, unlike Linux's PR_SET_PDEATHSIG, which
    also fires when the *thread* that spawned the child ends.
    """

    def watch() -> None:
        while os.getppid() == parent_pid:
            threading.Event().wait(PARENT_CHECK_S)
        log.info("parent %d is gone: stopping", parent_pid)
        worker.stop()
        # The broker often died with the app (an embedded one does): each step of the
        # graceful stop would wait out its timeout against it. An orphan gets a bounded
        # time to leave the group, then ends anyway (this thread is a daemon: a stop that
        # finishes first ends the process before it).
        threading.Event().wait(ORPHAN_STOP_S)
        log.warning("still stopping %.0f s after the app was gone: exiting", ORPHAN_STOP_S)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
