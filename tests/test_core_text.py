"""The core's reasons (codes with parameters) in the window's language (gui/core_text.py).

Every reason is made by the core's own code, and the window translates codes, never
sentences: rewording the core's English changes nothing here, a new code without a
translation fails here.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from gui.core_text import core_text, known_codes
from gui.translation import install_translator, remove_translator
from messaging.audit.ledger import Ledger
from messaging.core import reasons
from messaging.core.events import (
    PROCESSED,
    ConsumerSnapshot,
    Delivery,
    SentMessage,
    from_wire,
    to_wire,
)
from messaging.core.reasons import EXIT_MEANINGS, Reason
from messaging.group import members


@pytest.fixture
def spanish(qapp) -> Iterator[None]:
    install_translator(qapp, "es")
    yield
    remove_translator(qapp)


def _out_of_order_reason(key: str) -> Reason:
    """A real ledger's reason for a redelivery processed after a later message of its key."""
    ledger = Ledger()
    for mid, offset in (("a", 0), ("b", 1)):
        ledger.record_sent(SentMessage(mid, key, {}, "t", 0, offset, 1.0 + offset))
    for mid, consumer, offset in (("a", 1, 0), ("b", 1, 1), ("a", 2, 0)):
        delivery, _ = ledger.record_delivery(
            Delivery(mid, consumer, f"C{consumer}", key, 0, offset, 1, False, PROCESSED, topic="t")
        )
    assert delivery.out_of_order is not None
    return delivery.out_of_order


def test_the_core_reasons_read_in_spanish(spanish):
    assert core_text(reasons.killed(signal.SIGKILL)) == "matado (SIGKILL)"
    assert core_text(reasons.killed(signal.SIGTERM)) == "matado por SIGTERM"
    assert core_text(reasons.exited(0)) == "terminó tras una parada ordenada"
    assert core_text(reasons.exited(3)) == "terminó con código 3 (no pudo arrancar)"
    assert core_text(reasons.exited(7)) == "terminó con código 7 (inesperado)"
    for code, meaning in EXIT_MEANINGS.items():
        assert meaning not in core_text(reasons.exited(code)), meaning
    assert core_text(reasons.left_group()) == "salió del grupo"
    # A decimal comma in Spanish (QLocale), as everywhere in the window.
    assert core_text(reasons.silent(members.SILENT_AFTER_S)) == "sin noticias desde hace 5 s"
    assert core_text(reasons.silent(3.5)) == "sin noticias desde hace 3,5 s"
    assert core_text(reasons.idle_consumers("mi-topico", 6, 8)) == (
        "el tópico mi-topico tiene 6 particiones pero 8 consumidores: 2 de ellos quedarán "
        "ociosos (una partición alimenta como mucho a un consumidor de un grupo)"
    )
    assert core_text(_out_of_order_reason("cliente (42): x")) == (
        "procesado después de un mensaje posterior de la clave cliente (42): x (offset 1): "
        "reentregado, porque su partición cambió de dueño con trabajo sin confirmar"
    )


def test_every_code_the_core_has_is_translated_and_english_stays_english(qapp):
    assert known_codes() == set(reasons.CODES)
    assert core_text(reasons.exited(3)) == "exited with code 3 (could not start)"
    assert core_text(_out_of_order_reason("k")).startswith("processed after a later message")
    # A code from a newer core is shown in its own English, never lost.
    assert core_text(Reason("new_code", {"x": 1})) == "new_code {'x': 1}"
    assert core_text(None) == ""


def test_a_reason_crosses_the_activity_topic_as_data():
    snap = ConsumerSnapshot(1, "C1", "crashed", (), 0, None, 0, 0.0, reason=reasons.silent(3.5))
    wire = to_wire(snap)
    assert wire["reason"] == {"code": "silent", "params": {"seconds": 3.5}}
    back = from_wire(wire)
    assert back == snap and back.note == "silent for 3.5 s"
