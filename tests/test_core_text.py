"""The core's English sentences shown in the window's language (gui/core_text.py).

Every sentence is produced by the core's own code, so a reworded core sentence fails
here instead of silently showing English in the Spanish window.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from gui.core_text import core_text
from gui.translation import install_translator, remove_translator
from messaging import fleet
from messaging.events import PROCESSED, Delivery, SentMessage
from messaging.ledger import Ledger
from messaging.supervisor import EXIT_MEANINGS, exit_reason
from messaging.topics import idle_warning


@pytest.fixture
def spanish(qapp) -> Iterator[None]:
    install_translator(qapp, "es")
    yield
    remove_translator(qapp)


def _out_of_order_reason(key: str) -> str:
    """A real ledger's reason for a redelivery processed after a later message of its key."""
    ledger = Ledger()
    for mid, offset in (("a", 0), ("b", 1)):
        ledger.record_sent(SentMessage(mid, key, {}, "t", 0, offset, 1.0 + offset))
    for mid, consumer, offset in (("a", 1, 0), ("b", 1, 1), ("a", 2, 0)):
        delivery, _ = ledger.record_delivery(
            Delivery(mid, consumer, f"C{consumer}", key, 0, offset, 1, False, PROCESSED)
        )
    assert delivery.out_of_order
    return delivery.out_of_order


def test_the_core_sentences_read_in_spanish(spanish):
    assert core_text("killed (SIGKILL)") == "matado (SIGKILL)"
    assert core_text(exit_reason(-signal.SIGTERM)) == "matado por SIGTERM"
    assert core_text(exit_reason(0)) == "terminó tras una parada ordenada"
    assert core_text(exit_reason(3)) == "terminó con código 3 (no pudo arrancar)"
    assert core_text(exit_reason(7)) == "terminó con código 7 (inesperado)"
    for code, meaning in EXIT_MEANINGS.items():  # a meaning added to the core needs its words
        assert meaning not in core_text(exit_reason(code)), meaning
    assert core_text("left the group") == "salió del grupo"
    assert core_text("client id grupo-consumidores-7") == "id de cliente grupo-consumidores-7"
    assert core_text(f"silent for {fleet.SILENT_AFTER_S:g} s") == "sin noticias desde hace 3.5 s"
    assert core_text(idle_warning("mi-topico", 6, 8)) == (
        "el tópico mi-topico tiene 6 particiones pero 8 consumidores: 2 de ellos quedarán "
        "ociosos (una partición alimenta como mucho a un consumidor de un grupo)"
    )
    # A key with the sentence's own punctuation in it is still the key
    assert core_text(_out_of_order_reason("cliente (42): x")) == (
        "procesado después de un mensaje posterior de la clave cliente (42): x (offset 1): "
        "reentregado, porque su partición cambió de dueño con trabajo sin confirmar"
    )


def test_english_and_unknown_sentences_show_as_they_came(qapp):
    assert core_text(exit_reason(3)) == "exited with code 3 (could not start)"
    assert core_text(_out_of_order_reason("k")).startswith("processed after a later message")
    assert core_text("something the core says for the first time") == (
        "something the core says for the first time"
    )
    assert core_text("") == ""
