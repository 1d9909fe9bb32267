"""The path between the app and its consumers: activity reports up, commands down.

Both travel on Kafka topics next to the main one, so a consumer on another machine talks
to the app the same way a child process does; reports are signed, commands are keyed.
"""

from messaging.channel.control import ControlKeys

__all__ = ["ControlKeys"]
