"""Kafka core of the point-to-point demo: broker, producer, consumer fleet, ledger.

Nothing here imports Qt or Flask: the window, the REST API and the tests all drive
this package through :class:`messaging.runtime.Runtime`.
"""

__version__ = "0.1.0"  # the app's version; kept equal to pyproject.toml's (a test checks)
