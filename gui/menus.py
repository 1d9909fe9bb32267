"""The menu bar: every control of the window reachable from the keyboard.

Shortcuts avoid the send form's own Ctrl+Enter and the editor's text keys; Stop and
Crash act on the selected card (click a card to select it).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

Entry = tuple[str, str | None, Callable[[], object]]  # text, shortcut, slot

SHORTCUTS = {
    "add_process": "Ctrl+N",
    "add_thread": "Ctrl+Shift+N",
    "stop_selected": "Ctrl+Shift+S",
    "crash_selected": "Ctrl+Shift+K",
    "add_group": "Ctrl+G",
    "burst": "Ctrl+Shift+B",
    "export_history": "Ctrl+Shift+E",
    "quit": "Ctrl+Q",
    "about": "F1",
}


def add_menu(window: QMainWindow, title: str, entries: dict[str, Entry]) -> dict[str, QAction]:
    """One menu of ``entries`` (``None`` text = separator); returns its actions by name.

    Actions live on the window, so their shortcuts work wherever the focus is.
    """
    menu: QMenu = window.menuBar().addMenu(title)
    actions: dict[str, QAction] = {}
    for name, (text, keys, slot) in entries.items():
        if name.startswith("-"):
            menu.addSeparator()
            continue
        action = QAction(text, window)
        action.setObjectName(name)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _=False, call=slot: call())
        menu.addAction(action)
        window.addAction(action)
        actions[name] = action
    return actions
