"""How big the window opens and how it divides itself, from the screen it opens on.

Pure arithmetic on pixels, so it is unit-tested for any screen on any machine.

The story comes first: the partition map across the top, then the send form beside the
consumer cards (one whole card high at least: their buttons are never scrolled away),
then the message list. The rest (rebalance timeline, rate chart, log, the selected
message's record) sits in docks beside the list, tabbed on a short screen, stacked on a
tall one, each one a click away and detachable. Checked by looking at 1280x720 (a
1920x1080 laptop at 150 %), 1366x768 and 1920x1080 (resources/screenshots/).
"""

from __future__ import annotations

MAX_W, MAX_H = 1600, 1000
MIN_W, MIN_H = 960, 540  # the window's minimum: every control still whole there (tested)
SHARE = 0.9  # of a large screen's available area
SMALL_W, SMALL_H = 1500, 900  # below these, 90 % wastes space a small screen cannot spare
FRAME_W, FRAME_H = 16, 40  # the window manager's frame and title bar, outside resize()
CHROME_H = 145  # menu bar, partition map, margins, a splitter handle and the status bar
# The send form's controls and a whole card under the grid's title (consumer_card.MIN_H
# is the least a card gets); more on a tall screen, for the card's last messages.
TOP_MIN, TOP_MAX = 280, 340
SIDE_W = 330  # the send form: its burst row needs ~300 px in Spanish
DOCKS_MIN, DOCKS_MAX = 340, 560  # the docks beside the list
TALL = 420  # the lower part's height from which the docks stack instead of tabbing


def window_size(avail_w: int, avail_h: int) -> tuple[int, int]:
    """The window's client size for a screen whose available area is ``avail_w x avail_h``."""
    w = avail_w - FRAME_W if avail_w < SMALL_W else round(avail_w * SHARE)
    h = avail_h - FRAME_H if avail_h < SMALL_H else round(avail_h * SHARE)
    return max(min(w, MAX_W), MIN_W), max(min(h, MAX_H), MIN_H)


def splitter_sizes(width: int, height: int) -> dict[str, list[int]]:
    """Starting sizes for a window of ``width x height``.

    ``main`` splits the story's top row (send form, cards) from the list and its docks;
    the top row gets 45 % within TOP_MIN..TOP_MAX, the list the rest. ``top`` splits the
    send form from the cards. ``docks`` is the docks' width beside the list.
    """
    body = max(height - CHROME_H, TOP_MIN + 150)
    top = min(max(round(body * 0.45), TOP_MIN), TOP_MAX)
    docks = min(max(round(width * 0.34), DOCKS_MIN), DOCKS_MAX)
    return {"main": [top, body - top], "top": [SIDE_W, width - SIDE_W], "docks": [docks]}


def docks_stacked(lower_height: int) -> bool:
    """Whether the docks beside the list can stand one over another (else: tabs)."""
    return lower_height >= TALL
