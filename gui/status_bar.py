"""Where the app is connected and how much went through: broker, API, topic, group, totals.

Nothing is cut: when the window is narrow the labels elide ("…") with their whole text
in the tooltip, topic and group first (the title bar names them too), then the broker;
the API URL and the totals keep their full width.
"""

from __future__ import annotations

import html
import shlex
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QStatusBar, QWidget

from gui.translation import number, translate
from gui.widgets import ElidedLabel

FAILURE_RED = "#EF5D7F"  # the window's red (a crashed consumer)
WARNING_AMBER = "#F5A623"  # the window's amber (a broker back after an outage)
LINK_BLUE = "#5B9BF8"


def curl_command(api_url: str, token: str | None = None) -> str:
    """The ready-to-paste request that sends the spec's body through the REST API.

    With ``--api-token`` set it carries the bearer header: without it the paste would
    only get a 401. Every part is shell-quoted (a token may hold any printable ASCII).
    """
    body = '{"id": 1, "contenido": "Hola desde Kafka"}'
    parts = ["curl", "-X", "POST", f"{api_url}/enviar", "-H", "Content-Type: application/json"]
    if token:
        parts += ["-H", f"Authorization: Bearer {token}"]
    return shlex.join([*parts, "-d", body])


class StatusBar(QStatusBar):
    """GUI thread only; :meth:`set_totals` on every tick."""

    def __init__(
        self,
        broker: str,
        embedded: str | None,
        api_url: str | None,
        topic: str,
        group: str,
        parent: QWidget | None = None,
        api_token: str | None = None,
        exposed: str | None = None,
        join_command: Callable[[], str] | None = None,
    ) -> None:
        """``embedded``: the embedded broker's kind (tansu, apache), None for an external one.
        ``exposed``: where the embedded broker listens when that is beyond loopback.
        ``join_command``: the command that starts a consumer elsewhere (its key included)."""
        super().__init__(parent)
        self.api_url, self._api_token = api_url, api_token
        self._join_command = join_command
        self.api_failure: str | None = None
        self.broker = self._broker_label(broker, embedded, join_command is not None)
        self.broker_note: str | None = None
        self.exposure = _exposure_label(exposed) if exposed else None
        self.api = self._api_label(api_url)
        self.topic = _label(
            translate("StatusBar", "<b>Topic</b> {topic}  <b>Group</b> {group}").format(
                topic=topic, group=group
            ),
            40,
        )
        self.totals = _label("")
        self._keep_whole(self.api)
        self.addWidget(self.broker)
        self.addWidget(self.api)
        self.addWidget(self.topic, 1)  # gives way first
        if self.exposure:  # permanent: a passing message must not hide it
            self.addPermanentWidget(self.exposure)
        self.addPermanentWidget(self.totals)

    def _broker_label(self, broker: str, embedded: str | None, joinable: bool) -> ElidedLabel:
        """The broker's kind and address; a link that copies the join command."""
        if embedded == "apache":
            kind = translate("StatusBar", "embedded Apache Kafka")
        elif embedded:
            kind = translate("StatusBar", "embedded tansu")
        else:
            kind = translate("StatusBar", "external Kafka")
        address = html.escape(broker)
        if joinable:
            address = f"<a href='join' style='color:{LINK_BLUE}'>{address}</a>"
        self._broker_text = translate("StatusBar", "<b>Broker</b> {kind} {address}").format(
            kind=kind, address=address
        )
        # Elided in the middle: "Broker embedded t…127.0.0.1:54495" keeps the address.
        label = _label(self._broker_text, 110, Qt.TextElideMode.ElideMiddle)
        if joinable:
            label.setToolTip(
                translate(
                    "StatusBar",
                    "Click to copy the command that starts a consumer in another terminal or "
                    "on another machine; it carries the key this window signs its commands "
                    "with, so the window can stop, crash and slow that consumer",
                )
            )
            label.linkActivated.connect(self.copy_join_command)
        return label

    def _api_label(self, api_url: str | None) -> ElidedLabel:
        """The API's URL, a link that copies a curl command; or that it is off."""
        if not api_url:
            return _label(translate("StatusBar", "<b>API</b> off"))
        label = _label(f"<b>API</b> <a href='copy' style='color:#5B9BF8'>{api_url}</a>")
        label.setToolTip(
            translate("StatusBar", "Click to copy a curl command that sends a message")
        )
        label.linkActivated.connect(self.copy_curl)
        return label

    def copy_curl(self, _link: str = "") -> str:
        """Put the curl command on the clipboard and say so."""
        command = curl_command(self.api_url or "", self._api_token)
        QGuiApplication.clipboard().setText(command)
        self.showMessage(translate("StatusBar", "curl command copied to the clipboard"), 4000)
        return command

    def copy_join_command(self, _link: str = "") -> str:
        """Put the command for a consumer elsewhere on the clipboard and say so."""
        command = self._join_command() if self._join_command else ""
        QGuiApplication.clipboard().setText(command)
        self.showMessage(translate("StatusBar", "consumer command copied to the clipboard"), 4000)
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
        self.api.setText(
            translate("StatusBar", "<b>API down</b> {reason}").format(reason=html.escape(failure))
        )
        self.api.setStyleSheet(f"color: {FAILURE_RED};")
        self.api.setToolTip(failure)
        self.api_failure = failure
        self.api.setMinimumWidth(120)  # the reason can be long: it elides, in the tooltip

    def set_totals(self, stats: dict[str, Any]) -> None:
        """sent (+ unacknowledged + from elsewhere) = processed + consumed outside + in
        flight + lag. The three optional counts show once there is some, so the line
        adds up whoever produced the messages and whoever consumed them."""
        lag = sum(stats.get("lag", {}).values())
        parts = [translate("StatusBar", "sent <b>{}</b>").format(number(stats["sent"]))]
        optional = (
            ("unacknowledged", translate("StatusBar", "written unacknowledged <b>{}</b>")),
            ("elsewhere", translate("StatusBar", "from elsewhere <b>{}</b>")),
        )
        parts += [text.format(number(stats[k])) for k, text in optional if stats.get(k)]
        parts.append(
            translate("StatusBar", "processed <b>{}</b>").format(number(stats["processed"]))
        )
        if stats.get("consumed_outside"):
            outside = translate("StatusBar", "consumed outside <b>{}</b>")
            parts.append(outside.format(number(stats["consumed_outside"])))
        parts += [
            translate("StatusBar", "redelivered <b>{}</b>").format(number(stats["redelivered"])),
            translate("StatusBar", "dead-lettered <b>{}</b>").format(
                number(stats["dead_lettered"])
            ),
            translate("StatusBar", "lag <b>{}</b>").format(number(lag)),
        ]
        self.totals.setText(" · ".join(parts))
        # The URL whole (a failure's reason may elide: its tooltip has it all).
        api = None if self.api_failure else self.api
        for label in (api, self.totals, self.exposure):
            if label is not None:
                self._keep_whole(label)

    @staticmethod
    def _keep_whole(label: ElidedLabel) -> None:
        """This label gives way only once the others have elided all they can."""
        if label.minimumWidth() != label.full_width():
            label.setMinimumWidth(label.full_width())


def _exposure_label(listen: str) -> ElidedLabel:
    """The warning that the embedded broker is open to the network, with what to do."""
    label = _label(translate("StatusBar", "⚠ Broker open to the network"))
    label.setStyleSheet(f"color: {WARNING_AMBER}; font-weight: bold;")
    label.setToolTip(
        translate(
            "StatusBar",
            "The embedded broker listens on {listen}, beyond this machine. Anyone on the "
            "network can read every message, write to any topic, and join the group to "
            "take partitions: the broker has no authentication. Commands to consumers are "
            "signed, so nobody else can stop, crash or slow them.\n"
            "To protect it: use it only on a network you trust, or restart without "
            "--broker-host to keep the broker on this machine.",
        ).format(listen=listen)
    )
    return label


def _label(
    text: str, minimum: int = 60, elide: Qt.TextElideMode = Qt.TextElideMode.ElideRight
) -> ElidedLabel:
    label = ElidedLabel(text, elide)
    label.setObjectName("statusItem")
    # Its full text when there is room, elided when not: the labels' full widths
    # together (~1,150 px) would otherwise be the narrowest the window could get.
    label.setMinimumWidth(minimum)
    return label
