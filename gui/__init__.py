"""The desktop window (PySide6 + qasync) that shows and drives the Kafka core.

Nothing in here talks to Kafka directly: widgets read the core's snapshots and
receive its events through :mod:`gui.bridge`, on the GUI thread only.
"""
