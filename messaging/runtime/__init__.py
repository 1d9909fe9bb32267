"""The core's front door: one :class:`Runtime` starts the broker, the sender and the groups,
and the window, the REST API and the tests drive the core through it.
"""

from messaging.runtime.runtime import MAX_GROUPS, GroupExists, Runtime

__all__ = ["MAX_GROUPS", "GroupExists", "Runtime"]
