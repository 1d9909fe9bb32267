"""Help > About: which versions of the app, Qt, kafka-python and the broker are running,
and the broker profile the app chose (messaging/broker/profile.py)."""

from __future__ import annotations

import html

import kafka
import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

import messaging
from gui.translation import translate
from messaging.broker import CLUSTER_ID, EMBEDDED, FLAG, BrokerProfile


def profile_text(profile: BrokerProfile) -> str:
    """ "profile tansu (cluster id tansu_cluster)": the broker profile and how it was chosen."""
    how = {
        EMBEDDED: translate("About", "embedded"),
        FLAG: "--broker-profile",  # the flag itself: not translated
        CLUSTER_ID: translate("About", "cluster id {id}").format(id=profile.cluster_id),
    }.get(profile.detected_by)
    if how is None and not profile.policy.creates_partitions:
        how = translate("About", "no CreatePartitions API")
    elif how is None:
        how = translate("About", "has the CreatePartitions API")
    return translate("About", "profile {name} ({how})").format(name=profile.name, how=how)


def versions(
    embedded: str | None, bootstrap_servers: str, profile: BrokerProfile | None = None
) -> dict[str, str]:
    """Name -> version; ``embedded`` is what the embedded broker runs (``tansu 0.6.0``,
    ``Apache Kafka 4.4.0``), None for an external Kafka."""
    if embedded:
        broker = translate("About", "embedded {version} at {address}").format(
            version=embedded, address=bootstrap_servers
        )
    else:
        broker = translate("About", "external Kafka at {address}").format(address=bootstrap_servers)
    if profile is not None:
        broker = f"{broker} · {profile_text(profile)}"
    return {
        translate("About", "App"): f"kafka-p2p-demo {messaging.__version__}",
        "Qt": f"PySide6 {PySide6.__version__}, Qt {qVersion()}",
        "kafka-python": kafka.__version__,
        translate("About", "Broker"): broker,
    }


def show_about(
    parent: QWidget,
    embedded: str | None,
    bootstrap_servers: str,
    profile: BrokerProfile | None = None,
) -> QMessageBox:
    """Open the About box without blocking (``open()``, not ``exec()``); returns it."""
    rows = "".join(
        f"<tr><td><b>{html.escape(k)}</b>&nbsp;&nbsp;</td><td>{html.escape(v)}</td></tr>"
        for k, v in versions(embedded, bootstrap_servers, profile).items()
    )
    box = QMessageBox(parent)
    box.setObjectName("aboutBox")
    box.setWindowTitle(translate("About", "About the Kafka point-to-point demo"))
    box.setText(
        translate(
            "About", "<b>Kafka point-to-point demo</b><br>One message, one consumer of the group."
        )
        + f"<table style='margin-top:8px'>{rows}</table>"
    )
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.open()
    return box
