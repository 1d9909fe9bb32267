"""How big the window opens and how its splitters divide it, from the screen it opens on.

Pure arithmetic on pixels, so it is unit-tested for any screen on any machine. A fixed
1400x900 window overflowed a 1366x768 laptop and left the message list two rows;
here a small screen gets nearly all of itself and the message list a real share.
"""

from __future__ import annotations

MAX_W, MAX_H = 1600, 1000
SHARE = 0.9  # of a large screen's available area
SMALL_W, SMALL_H = 1500, 900  # below these, 90 % wastes space a small screen cannot spare
FRAME_W, FRAME_H = 16, 40  # the window manager's frame and title bar, outside resize()
CHROME_H = 145  # menu bar, partition map, margins and status bar: not splitter space
ROW_H = 22  # the message table's fixed row height
LIST_TITLE_H = 40  # the message list's title above its splitter
# 8 rows + the table's header, frame and a little slack + the title + a short details pane.
MIN_LIST_H = 8 * ROW_H + 36 + LIST_TITLE_H + 76


def window_size(avail_w: int, avail_h: int) -> tuple[int, int]:
    """The window's client size for a screen whose available area is ``avail_w x avail_h``."""
    w = avail_w - FRAME_W if avail_w < SMALL_W else round(avail_w * SHARE)
    h = avail_h - FRAME_H if avail_h < SMALL_H else round(avail_h * SHARE)
    return max(min(w, MAX_W), 640), max(min(h, MAX_H), 480)


def splitter_sizes(width: int, height: int) -> dict[str, list[int]]:
    """Starting sizes of each splitter for a window of ``width x height``.

    ``main`` splits the controls (send form, cards) from the message list and log;
    the list gets half, and on a short screen at least what 8 rows need (the send
    form scrolls, the cards get the rest). ``messages`` splits the list's table from
    the selected message's story.
    """
    body = max(height - CHROME_H, 300)
    bottom = max(round(body * 0.5), min(MIN_LIST_H, body - 200))
    side = min(max(round(width * 0.25), 360), 380)  # the burst row needs ~360 px
    inner = bottom - LIST_TITLE_H
    details = min(max(round(inner * 0.25), 76), 220)
    left = round(width * 0.58)
    return {
        "main": [body - bottom, bottom],
        "top": [side, width - side],
        "bottom": [left, width - left],
        "messages": [inner - details, details],
    }
