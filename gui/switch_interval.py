"""The interpreter's switch interval: short only while thread consumers share the window's GIL.

Every Qt -> Python call (a table cell, a paint) needs the GIL, which busy consumer threads
hold for up to the switch interval (5 ms) each time: at 1 ms the window stays responsive
during bursts. Process consumers (the default) hold no GIL of the window's process, and a
1 ms interval makes every thread of the app switch five times as often for nothing.
"""

from __future__ import annotations

import sys

GUI_SWITCH_INTERVAL_S = 0.001


class SwitchInterval:
    """Follows whether thread consumers run; restores the interpreter's own on ``close``."""

    def __init__(self) -> None:
        self._default = sys.getswitchinterval()
        self.short = False

    def follow(self, thread_consumers: bool) -> None:
        if thread_consumers != self.short:
            self.short = thread_consumers
            short = min(self._default, GUI_SWITCH_INTERVAL_S)
            sys.setswitchinterval(short if thread_consumers else self._default)

    def close(self) -> None:
        self.follow(False)
