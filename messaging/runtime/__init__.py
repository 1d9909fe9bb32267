"""The core's front door: one :class:`Runtime` starts the broker, the sender and the groups,
and the window, the REST API and the tests drive the core through it.
"""
