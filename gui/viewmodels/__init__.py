"""What the window's clock reads, without Qt: testable with plain objects, no qtbot.

Each view model turns the core's read models (snapshots, the group view, lag, totals)
into the numbers and choices a widget shows; the widget in ``gui/`` only turns them into
words and pixels. Nothing here imports Qt.
"""
