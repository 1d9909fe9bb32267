"""How short a session timeout still works on the embedded broker (the --session-timeout-ms floor).

python -m scripts.session_probe 300 500 1000 3000

For each session timeout: start a runtime with 3 consumers on a fresh embedded broker,
wait for every partition to be owned, send messages for a few seconds and count the
rebalances that nobody asked for (a member whose heartbeats arrive too late is expelled,
which shows up as a rebalance), then crash one consumer and time the hand-over.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time

from messaging.broker.profile import EMBEDDED, TANSU, BrokerProfile
from messaging.core.config import Settings
from messaging.runtime import Runtime


class ProbeRuntime(Runtime):
    """A runtime that lets any session timeout through: the probe measures where the
    tansu profile's range (messaging/broker/profile.py) should end, so it must go past it."""

    def _choose_profile(self) -> BrokerProfile:
        return BrokerProfile(TANSU, EMBEDDED)


def wait(predicate, timeout: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.02)
    return None


def assigned(runtime: Runtime) -> bool:
    fleet = runtime.fleet
    return len(fleet.view().owners) == runtime.partitions and not any(
        w.joining for w in fleet.live()
    )


def probe(session_ms: int, seconds: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            session_timeout_ms=session_ms,
            log_file=f"{tmp}/m.log",
            log_to_stderr=False,
            api_port=0,
        )
        runtime = ProbeRuntime(settings)
        try:
            runtime.start()
        except Exception as exc:  # the probe reports whatever breaks
            return {"session_ms": session_ms, "error": f"{type(exc).__name__}: {exc}"}
        try:
            return _measure(runtime, session_ms, seconds)
        finally:
            runtime.stop()


def _measure(runtime: Runtime, session_ms: int, seconds: float) -> dict[str, object]:
    joined = wait(lambda: assigned(runtime), 30)
    if joined is None:
        return {"session_ms": session_ms, "error": "partitions not all owned within 30 s"}
    settled = runtime.fleet.view().rebalances
    end, sent = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        runtime.sender.send({"n": sent})
        sent += 1
        time.sleep(0.01)
    done = wait(lambda: runtime.ledger.totals()["processed"] >= sent, 15)
    spurious = runtime.fleet.view().rebalances - settled
    runtime.fleet.crash(1)
    failover = wait(lambda: assigned(runtime) and len(runtime.fleet.live()) == 2, 60)
    return {
        "session_ms": session_ms,
        "heartbeat_ms": runtime.settings.heartbeat_ms,
        "join_s": round(joined, 2),
        "sent": sent,
        "all_processed": done is not None,
        "unasked_rebalances": spurious,
        "crash_failover_s": None if failover is None else round(failover, 2),
        "errors": [s.reason.english() for s in runtime.fleet.snapshots() if s.reason],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sessions", type=int, nargs="+", help="session timeouts (ms) to try")
    parser.add_argument("--seconds", type=float, default=8.0, help="traffic per probe")
    args = parser.parse_args()
    for session_ms in args.sessions:
        print(probe(session_ms, args.seconds), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
