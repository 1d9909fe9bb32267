"""The menu bar: every control of the window reachable from the keyboard.

Shortcuts avoid the send form's own Ctrl+Enter and the editor's text keys; Stop and
Crash act on the selected card (click a card to select it).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from gui.dock_area import DockArea
from gui.send_panel import SendPanel, send_keys_text
from gui.translation import translate
from gui.window_actions import WindowActions
from messaging.core.events import PROCESS, THREAD

Entry = tuple[str, str | None, Callable[[], object]]  # text, shortcut, slot
SEPARATOR: Entry = ("", None, lambda: None)  # under a name starting with "-"

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


def window_menus(
    window: QMainWindow,
    act: WindowActions,
    panel: SendPanel,
    docks: DockArea,
    reset_layout: Callable[[], None],
) -> dict[str, QAction]:
    """The window's menu bar: File, Consumers, Messages, View, Help; actions by name."""
    actions = file_menu(window, act)
    actions |= consumers_menu(window, act)
    actions |= messages_menu(window, act, panel)
    actions |= view_menu(window, docks, reset_layout)
    actions |= add_menu(
        window,
        translate("MainWindow", "&Help"),
        {"about": (translate("MainWindow", "About"), SHORTCUTS["about"], act.show_about)},
    )
    return actions


def file_menu(window: QMainWindow, act: WindowActions) -> dict[str, QAction]:
    """Exports and Quit; the traffic log's export only when there is a log file."""
    actions = add_menu(
        window,
        translate("MainWindow", "&File"),
        {
            "export_history": (
                translate("MainWindow", "Export history…"),
                SHORTCUTS["export_history"],
                act.ask_export_history,
            ),
            "export_traffic": (
                translate("MainWindow", "Export traffic log…"),
                None,
                act.ask_export_traffic,
            ),
            "-1": SEPARATOR,
            "quit": (translate("MainWindow", "Quit"), SHORTCUTS["quit"], window.close),
        },
    )
    actions["export_traffic"].setEnabled(bool(act.runtime.settings.log_file))
    return actions


def consumers_menu(window: QMainWindow, act: WindowActions) -> dict[str, QAction]:
    """Add a consumer of either kind, stop or crash the selected card, add a group."""
    k = SHORTCUTS
    return add_menu(
        window,
        translate("MainWindow", "&Consumers"),
        {
            "add_process": (
                translate("MainWindow", "Add consumer (process)"),
                k["add_process"],
                lambda: act.add(PROCESS),
            ),
            "add_thread": (
                translate("MainWindow", "Add thread consumer"),
                k["add_thread"],
                lambda: act.add(THREAD),
            ),
            "-1": SEPARATOR,
            "stop_selected": (
                translate("MainWindow", "Stop selected"),
                k["stop_selected"],
                act.stop_selected,
            ),
            "crash_selected": (
                translate("MainWindow", "Crash selected"),
                k["crash_selected"],
                act.crash_selected,
            ),
            "-2": SEPARATOR,
            "add_group": (
                translate("MainWindow", "Add consumer group…"),
                k["add_group"],
                act.ask_add_group,
            ),
        },
    )


def messages_menu(window: QMainWindow, act: WindowActions, panel: SendPanel) -> dict[str, QAction]:
    """The send form's two buttons, and the move to a new topic."""
    return add_menu(
        window,
        translate("MainWindow", "&Messages"),
        {
            "send": (
                # The form's own shortcut (an action's would clash with it), written
                # the way Qt writes the others: "Control+Intro" in Spanish.
                translate("MainWindow", "Send the form's message") + "\t" + send_keys_text(),
                None,
                panel.send_button.click,
            ),
            "burst": (
                translate("MainWindow", "Burst / stop the burst"),
                SHORTCUTS["burst"],
                panel.burst_button.click,
            ),
            "-1": SEPARATOR,
            "switch_topic": (
                translate("MainWindow", "Switch to a new topic…"),
                None,
                act.ask_switch_topic,
            ),
        },
    )


def view_menu(
    window: QMainWindow, docks: DockArea, reset_layout: Callable[[], None]
) -> dict[str, QAction]:
    """Show, hide or raise each dock; put them back where they started."""
    menu = window.menuBar().addMenu(translate("MainWindow", "&View"))
    actions = docks.view_actions()
    for action in actions.values():
        menu.addAction(action)
    menu.addSeparator()
    reset = QAction(translate("MainWindow", "Reset the layout"), window)
    reset.setObjectName("reset_layout")
    reset.triggered.connect(lambda: reset_layout())
    menu.addAction(reset)
    actions["reset_layout"] = reset
    return actions
