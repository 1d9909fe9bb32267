"""The small questions the menus ask: a new group, a new topic, where to export.

Each returns the answer, or None when the user cancelled; nothing here acts on it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from gui.translation import translate
from messaging.broker import STANDARD_ASSIGNORS, BrokerProfile

MAX_PARTITIONS = 1000  # what the dialog offers; the core checks its own limit again


def ask_group(
    parent: QWidget, number: int, profile: BrokerProfile | None = None
) -> tuple[str, str] | None:
    """Name and assignor of a new group, asked in two small dialogs; None if cancelled.

    The assignors offered are those of the broker's ``profile`` (all, when unknown).
    """
    name, ok = QInputDialog.getText(
        parent,
        translate("GroupPanel", "Add consumer group"),
        translate(
            "GroupPanel",
            "Another group on the same topic gets every message too (publish-subscribe).\n"
            "Group name:",
        ),
        text=f"grupo-{number}",
    )
    if not ok or not name.strip():
        return None
    assignor, ok = QInputDialog.getItem(
        parent,
        translate("GroupPanel", "Add consumer group"),
        translate("GroupPanel", "Assignment strategy:"),
        list(profile.assignors if profile is not None else STANDARD_ASSIGNORS),
        0,
        False,
    )
    return (name.strip(), assignor) if ok else None


def ask_partitions(parent: QWidget, current: int) -> int | None:
    """Partitions of the new topic to switch to (six, from the spec's single one)."""
    partitions, ok = QInputDialog.getInt(
        parent,
        translate("MainWindow", "Switch to a new topic"),
        translate(
            "MainWindow",
            "The topic has %Ln partition(s); a topic cannot gain partitions, so the\n"
            "app creates a new one and every group moves to it. Partitions:",
            "partitions",
            current,
        ),
        6 if current == 1 else current,
        1,
        MAX_PARTITIONS,
    )
    return partitions if ok else None


def ask_history_path(parent: QWidget) -> str | None:
    path, _ = QFileDialog.getSaveFileName(
        parent,
        translate("MainWindow", "Export history"),
        "messages.jsonl",
        translate("MainWindow", "JSON lines (*.jsonl);;CSV (*.csv)"),
    )
    return path or None


def ask_traffic_path(parent: QWidget) -> str | None:
    path, _ = QFileDialog.getSaveFileName(
        parent, translate("MainWindow", "Export traffic log"), "messages.log"
    )
    return path or None
