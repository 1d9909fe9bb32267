"""Where the app is connected and how much went through: broker, API, topic, group, totals."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

FAILURE_RED = "#EF5D7F"  # the window's red (a crashed consumer)


def curl_command(api_url: str) -> str:
    """The ready-to-paste request that sends the spec's body through the REST API."""
    body = '{"id": 1, "contenido": "Hola desde Kafka"}'
    return f"curl -X POST '{api_url}/enviar' -H 'Content-Type: application/json' -d '{body}'"


class StatusBar(QStatusBar):
    """GUI thread only; :meth:`set_totals` on every tick."""

    def __init__(
        self,
        broker: str,
        embedded: bool,
        api_url: str | None,
        topic: str,
        group: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.api_url = api_url
        self.api_failure: str | None = None
        kind = "embedded tansu" if embedded else "external Kafka"
        self._broker_text = f"<b>Broker</b> {kind} {broker}"
        self.broker = _label(self._broker_text)
        self.broker_note: str | None = None
        if api_url:
            self.api = _label(f"<b>API</b> <a href='copy' style='color:#5B9BF8'>{api_url}</a>")
            self.api.setToolTip("Click to copy a curl command that sends a message")
            self.api.linkActivated.connect(self.copy_curl)
        else:
            self.api = _label("<b>API</b> off")
        self.topic = _label(f"<b>Topic</b> {topic}  <b>Group</b> {group}")
        self.totals = _label("")
        for widget in (self.broker, self.api, self.topic):
            self.addWidget(widget)
        self.addPermanentWidget(self.totals)

    def copy_curl(self, _link: str = "") -> str:
        """Put the curl command on the clipboard and say so."""
        command = curl_command(self.api_url or "")
        QGuiApplication.clipboard().setText(command)
        self.showMessage("curl command copied to the clipboard", 4000)
        return command

    def set_broker_note(self, note: str | None, up: bool) -> None:
        """The latest outage (red) or recovery (amber), with its time, next to the broker."""
        if note == self.broker_note:
            return
        self.broker_note = note
        color = "#F5A623" if up else "#EF5D7F"
        extra = f" <span style='color:{color}'>· {html.escape(note)}</span>" if note else ""
        self.broker.setText(self._broker_text + extra)

    def show_api_failure(self, failure: str) -> None:
        """Replace the API address with why the API died, in red, for good: the app
        keeps running without it, and nothing may hide that."""
        self.api.setText(f"<b>API down</b> {html.escape(failure)}")
        self.api.setStyleSheet(f"color: {FAILURE_RED};")
        self.api.setToolTip(failure)
        self.api_failure = failure

    def set_totals(self, stats: dict[str, Any]) -> None:
        lag = sum(stats.get("lag", {}).values())
        self.totals.setText(
            f"sent <b>{stats['sent']:,}</b> · processed <b>{stats['processed']:,}</b> · "
            f"redelivered <b>{stats['redelivered']:,}</b> · "
            f"dead-lettered <b>{stats['dead_lettered']:,}</b> · lag <b>{lag:,}</b>"
        )


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("statusItem")
    # Its full text when there is room, clipped when not: the labels' full widths
    # together (~1,150 px) would otherwise be the narrowest the window could get.
    label.setMinimumWidth(60)
    return label
