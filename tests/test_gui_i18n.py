"""The window in Spanish and in English: catalogues complete, real window on a real broker."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt

from gui.message_model import COL_CONSUMER
from gui.translation import (
    LANGUAGES,
    catalogue,
    install_translator,
    remove_translator,
    state_word,
    system_language,
    translate,
)
from messaging.events import CRASHED
from tests.conftest import JOIN_S, all_assigned, cards_with

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "gui" / "i18n"
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")

# What a person reads, per language: menus, the Add button, a card's buttons, a crash.
WORDS = {
    "es": {
        "menus": ["&Archivo", "&Consumidores", "&Mensajes", "A&yuda"],
        "add": "＋ Añadir consumidor (proceso)",
        "stop": "Detener",
        "crash": "Tumbar",
        "countdown": "el broker lo detecta en",
        "crashed": "caído",
        "killed": "matado (SIGKILL)",
        "active": "activo",
        "sent": "Enviado <b>",
        "story": "enviado → p",
        "header": "Consumidor",
    },
    "en": {
        "menus": ["&File", "&Consumers", "&Messages", "&Help"],
        "add": "＋ Add consumer (process)",
        "stop": "Stop",
        "crash": "Crash",
        "countdown": "broker notices in",
        "crashed": "crashed",
        "killed": "killed (SIGKILL)",
        "active": "active",
        "sent": "Sent <b>",
        "story": "sent → p",
        "header": "Consumer",
    },
}


def messages(lang: str) -> list[tuple[str, str, ET.Element]]:
    """(context, source, translation element) of every message in the language's .ts."""
    tree = ET.parse(I18N / f"kafka_p2p_{lang}.ts")
    return [
        (context.findtext("name"), message.findtext("source"), message.find("translation"))
        for context in tree.iter("context")
        for message in context.iter("message")
    ]


@pytest.fixture
def language(qapp) -> Iterator[Callable[[str], str]]:
    """Install a language for one test; back to the source strings at teardown."""
    yield lambda lang: install_translator(qapp, lang)
    remove_translator(qapp)
    assert translate("ConsumerCard", "Crash") == "Crash"  # nothing leaks into later tests


# ----- catalogues ----------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_has_a_finished_translation_with_the_same_placeholders(lang):
    found = messages(lang)
    assert len(found) > 100
    for context, source, translation in found:
        where = f"{context}: {source!r}"
        assert translation.get("type") is None, f"not finished in {lang}: {where}"
        assert (translation.text or "").strip(), f"empty in {lang}: {where}"
        # .format() after translation: a placeholder lost or renamed would raise
        assert sorted(PLACEHOLDER.findall(translation.text)) == sorted(
            PLACEHOLDER.findall(source)
        ), where
        assert source.count("&") == translation.text.count("&"), where  # menu mnemonics


def test_spanish_actually_differs_from_the_source():
    different = [s for _, s, t in messages("es") if t.text != s]
    assert len(different) > 0.8 * len(messages("es"))


@pytest.mark.skipif(not shutil.which("pyside6-lupdate"), reason="needs pyside6-lupdate")
def test_committed_catalogues_are_up_to_date_with_the_code():
    result = subprocess.run(
        [sys.executable, "scripts/translations.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, (
        f"run python scripts/translations.py and translate:\n{result.stdout}{result.stderr}"
    )


# ----- choosing the language ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("locale", "lang"),
    [("es_ES", "es"), ("es_MX", "es"), ("es_AR", "es"), ("en_US", "en"), ("fr_FR", "en")],
)
def test_spanish_for_any_spanish_locale_else_english(locale, lang):
    assert system_language(QLocale(locale)) == lang


def test_install_switches_and_remove_restores(language, qapp):
    assert language("es") == "es"
    assert translate("ConsumerCard", "Crash") == "Tumbar"
    assert state_word("crashed") == "caído" and state_word("Rebalancing") == "Reequilibrando"
    assert state_word("something_new") == "something new"  # unknown data shows as it comes
    assert language("en") == "en"
    assert translate("ConsumerCard", "Crash") == "Crash"
    assert language(None) in LANGUAGES  # the system's
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        install_translator(qapp, "fr")


def test_catalogues_are_found_through_the_package():
    for lang in LANGUAGES:
        assert Path(catalogue(lang)).stat().st_size > 1000


# ----- the window in each language -----------------------------------------------------
@pytest.mark.gui
@pytest.mark.parametrize("lang", LANGUAGES)
def test_window_reads_in_the_language_and_still_sends_and_crashes(
    language,
    open_window,
    qtbot,
    lang,
):
    words = WORDS[lang]
    language(lang)
    runtime, window = open_window(consumers=2)

    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == words["menus"]
    assert window.grid.add_button.text() == words["add"]
    header = window.model.headerData(COL_CONSUMER, Qt.Orientation.Horizontal, 0)
    assert header == words["header"]
    cards = window.grid.cards
    victim, survivor = sorted(cards)
    assert cards[victim].stop_button.text() == words["stop"]
    assert cards[victim].crash_button.text() == words["crash"]
    qtbot.waitUntil(lambda: cards[victim].state.text() == words["active"], timeout=10_000)

    panel = window.send_panel
    panel.send_button.click()
    qtbot.waitUntil(lambda: panel.last_sent is not None, timeout=10_000)
    assert panel.result.text().startswith(words["sent"])
    sent = panel.last_sent
    qtbot.waitUntil(lambda: len(cards_with(window, sent.message_id)) == 1, timeout=10_000)
    window.messages.show_message(sent.message_id)
    assert window.messages.history.text().split(": ", 1)[1].startswith(words["story"])

    cards[victim].crash_button.click()
    qtbot.waitUntil(lambda: cards[victim].snapshot.state == CRASHED, timeout=10_000)
    qtbot.waitUntil(lambda: words["countdown"] in cards[victim].countdown.text(), timeout=5_000)
    assert cards[victim].state.text() == words["crashed"]
    assert cards[victim].note.text() == words["killed"]  # the core's note, in the language
    # The survivor takes the crashed member's partitions once its session expires.
    qtbot.waitUntil(
        lambda: set(cards[survivor].snapshot.partitions) == set(range(runtime.partitions)),
        timeout=JOIN_S * 1000 + 10_000,
    )
    assert all_assigned(runtime)
