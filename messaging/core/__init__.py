"""The words every layer speaks: settings, bounds, names, reasons and events.

Nothing here knows a broker, a consumer or a window; every other package may import it.
``kafka_compat`` is here because it is the one place kafka-python's private internals are
touched, and both the broker profiles and the clients need it.
"""
