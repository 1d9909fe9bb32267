"""One palette for the whole window, so a consumer has the same colour everywhere.

A person follows a consumer by colour across the cards, the message list, the
partition map and the timeline; that only works if every widget asks here.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QColor

# Ten colours that stay distinct from each other on the dark background.
CONSUMER_PALETTE: tuple[str, ...] = (
    "#5B9BF8",  # blue
    "#F5A623",  # orange
    "#4CD08A",  # green
    "#EF5D7F",  # rose
    "#A884F3",  # violet
    "#2EC7C9",  # teal
    "#F2D94E",  # yellow
    "#FF8A5B",  # coral
    "#9CCC65",  # lime
    "#D689C8",  # orchid
)

BACKGROUND = QColor("#1B1E25")
PANEL = QColor("#242833")
GRID_LINE = QColor("#3A4050")
TEXT = QColor("#E6E8EE")
TEXT_DIM = QColor("#8C93A5")
UNOWNED = QColor("#3A3F4C")
REBALANCE_BAND = QColor(245, 166, 35, 40)

STATE_COLORS: dict[str, str] = {
    "starting": "#8C93A5",
    "active": "#4CD08A",
    "idle": "#F2D94E",
    "stopping": "#C9A66B",
    "stopped": "#8C93A5",
    "crashed": "#EF5D7F",
}

STATUS_COLORS: dict[str, str] = {
    "sent": "#8C93A5",
    "processing": "#5B9BF8",
    "processed": "#4CD08A",
    "failed": "#F5A623",
    "dead_lettered": "#EF5D7F",
    "consumed": "#7FB3D5",
}

GROUP_STATE_COLORS: dict[str, str] = {
    "Stable": "#4CD08A",
    "Rebalancing": "#F5A623",
    "Empty": "#8C93A5",
    "Unknown": "#B39DDB",
}


def consumer_hex(consumer_id: int) -> str:
    """The fixed colour of consumer ``consumer_id`` (ids start at 1) as ``#RRGGBB``."""
    return CONSUMER_PALETTE[(max(consumer_id, 1) - 1) % len(CONSUMER_PALETTE)]


@lru_cache(maxsize=256)
def consumer_color(consumer_id: int) -> QColor:
    """The fixed colour of consumer ``consumer_id`` as a QColor (shared: do not modify)."""
    return QColor(consumer_hex(consumer_id))


def ink_on(background: QColor) -> QColor:
    """Dark or light text, whichever reads better on ``background``."""
    return _ink(background.rgb())


@lru_cache(maxsize=256)
def _ink(rgb: int) -> QColor:
    r, g, b = (rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255
    return QColor("#15171C") if (0.299 * r + 0.587 * g + 0.114 * b) > 140 else TEXT
