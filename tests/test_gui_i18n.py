"""The window in Spanish and in English: catalogues complete, real window on a real broker."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QTreeView

from gui.core_text import core_text
from gui.message_model import COL_CONSUMER
from gui.translation import (
    LANGUAGES,
    catalogue,
    decimal,
    install_translator,
    number,
    remove_translator,
    state_word,
    system_language,
    translate,
    window_locale,
)
from messaging.core.events import CRASHED
from messaging.core.reasons import broker_back, broker_died, broker_unreachable
from tests.conftest import JOIN_S, all_assigned, cards_with

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "gui" / "i18n"
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")

# What a person reads, per language: menus, the Add button, a card's buttons, a crash.
WORDS = {
    "es": {
        "menus": ["&Archivo", "&Consumidores", "&Mensajes", "&Ver", "A&yuda"],
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
        "live": ["2 vivos · 2 mostrados", "1 vivo · 2 mostrados"],
        "decimal": re.compile(r"\d,\d s"),  # 1,4 s
        "thousands": "12.500",
        "half": "0,5",
        "send_keys": "Control+Intro",
    },
    "en": {
        "menus": ["&File", "&Consumers", "&Messages", "&View", "&Help"],
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
        "live": ["2 live · 2 shown", "1 live · 2 shown"],
        "decimal": re.compile(r"\d\.\d s"),  # 1.4 s
        "thousands": "12,500",
        "half": "0.5",
        "send_keys": "Ctrl+Enter",
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
        # A plural message has a form per grammatical number (one, many): each is checked.
        forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text]
        assert len(forms) == (2 if "%Ln" in source else 1), where
        for text in forms:
            assert (text or "").strip(), f"empty in {lang}: {where}"
            # .format() after translation: a placeholder lost or renamed would raise
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), where
            assert source.count("&") == text.count("&"), where  # menu mnemonics
            assert text.count("%Ln") == source.count("%Ln"), where  # the count is shown


def test_every_translate_call_in_the_window_is_in_the_catalogue():
    """lupdate silently skips some calls (one inside an f-string, one whose count has
    brackets): such a string would stay English in Spanish."""
    known = {(context, source) for context, source, _ in messages("es")}
    missing = []
    for path in sorted((ROOT / "gui").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node, "func", None)
            name = getattr(name, "id", getattr(name, "attr", ""))
            if name not in ("translate", "QT_TRANSLATE_NOOP"):
                continue
            first = node.args[:2]
            literal = len(first) == 2 and all(isinstance(a, ast.Constant) for a in first)
            if literal and (first[0].value, first[1].value) not in known:
                missing.append(f"{path.name}:{node.lineno} {first[1].value!r}")
    assert not missing, missing


def test_spanish_plurals_and_numbers(language):
    language("es")
    assert translate("ConsumerGrid", "%Ln live", "consumers", 1) == "1 vivo"
    assert translate("ConsumerGrid", "%Ln live", "consumers", 2) == "2 vivos"
    assert translate("Timeline", "⇄ %Ln moved", "partitions", 1) == "⇄ 1 movida"
    assert translate("Timeline", "⇄ %Ln moved", "partitions", 3) == "⇄ 3 movidas"
    assert translate("MainWindow", "Exported %Ln message(s) to {path}", "jsonl", 12345) == (
        "Exportados 12.345 mensajes a {path}"
    )
    # QLocale's Spanish: a dot between thousands, a comma before decimals; like the RAE
    # and CLDR, four-digit numbers stay ungrouped ("2000", never "2,000").
    assert number(12345) == "12.345" and number(1234567) == "1.234.567"
    assert number(2000) == "2000" and "," not in number(2707)
    assert decimal(1.5) == "1,5" and decimal(12.25, 1) in ("12,2", "12,3")


def test_english_plurals_and_numbers(language):
    language("en")
    assert translate("ConsumerGrid", "%Ln live", "consumers", 1) == "1 live"
    assert translate("MainWindow", "Exported %Ln message(s) to {path}", "jsonl", 1) == (
        "Exported 1 message to {path}"
    )
    assert translate("MainWindow", "Exported %Ln delivery(s) to {path}", "csv", 2000) == (
        "Exported 2,000 deliveries to {path}"
    )
    assert number(2000) == "2,000" and decimal(1.5) == "1.5"


def test_numbers_follow_a_spanish_system_that_writes_them_otherwise():
    """es_MX groups with commas: a Mexican system keeps its own; an English one gets
    Spain's Spanish for --lang es."""
    assert window_locale("es", QLocale("es_MX")).name() == "es_MX"
    assert window_locale("es", QLocale("en_US")).name() == "es_ES"
    assert window_locale("en", QLocale("es_ES")).name() == "en_US"
    assert window_locale("en", QLocale("en_GB")).name() == "en_GB"


@pytest.mark.gui
def test_qts_own_file_dialog_speaks_spanish(language, qtbot, tmp_path):
    """PySide6 ships qtbase_es.qm, but it lacks what Qt 6's file dialog asks for
    ("&Look in:", "Files of &type:", "Folder"): our catalogue carries those."""
    language("es")
    (tmp_path / "carpeta").mkdir()
    dialog = QFileDialog(None, "x", str(tmp_path), "JSON lines (*.jsonl)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = {label.text() for label in dialog.findChildren(QLabel) if label.text()}
    assert {"&Ver en:", "Ficheros de &tipo:", "&Nombre de fichero:"} <= labels, labels
    tree = dialog.findChild(QTreeView)
    model = tree.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:3] == ["Nombre", "Tamaño", "Tipo"]

    def folder_type() -> str | None:
        root = tree.rootIndex()
        rows = [model.index(r, 2, root).data() for r in range(model.rowCount(root))]
        return rows[0] if rows else None

    qtbot.waitUntil(lambda: folder_type() is not None, timeout=5_000)
    assert folder_type() == "Carpeta"


def test_spanish_actually_differs_from_the_source():
    different = [s for _, s, t in messages("es") if t.text != s]
    assert len(different) > 0.8 * len(messages("es"))


# Beside this interpreter (./run does not put its venv's bin on PATH), or on PATH.
LUPDATE = (Path(sys.executable).parent / "pyside6-lupdate").exists() or shutil.which(
    "pyside6-lupdate"
)


@pytest.mark.skipif(not LUPDATE, reason="needs pyside6-lupdate")
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
    # The send shortcut reads like the menus' others (Qt's native text, in the language).
    send_keys = window.actions_by_name["send"].text().split("\t")[1]
    native = QKeySequence("Ctrl+Enter").toString(QKeySequence.SequenceFormat.NativeText)
    assert send_keys == native == words["send_keys"]
    burst_keys = (
        window.actions_by_name["burst"].shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    )
    assert burst_keys.split("+")[0] == send_keys.split("+")[0]  # "Control" / "Ctrl" alike
    assert words["send_keys"] in window.send_panel.send_button.text()
    header = window.model.headerData(COL_CONSUMER, Qt.Orientation.Horizontal, 0)
    assert header == words["header"]
    cards = window.grid.cards
    victim, survivor = sorted(cards)
    assert cards[victim].stop_button.text() == words["stop"]
    assert cards[victim].crash_button.text() == words["crash"]
    qtbot.waitUntil(lambda: cards[victim].state.text() == words["active"], timeout=10_000)
    qtbot.waitUntil(lambda: window.grid.summary.text() == words["live"][0], timeout=2_000)

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
    assert words["decimal"].search(cards[victim].countdown.text())  # 1,4 s / 1.4 s
    assert cards[victim].state.text() == words["crashed"]
    assert cards[victim].note.text() == words["killed"]  # the core's note, in the language
    qtbot.waitUntil(lambda: window.grid.summary.text() == words["live"][1], timeout=2_000)
    # The survivor takes the crashed member's partitions once its session expires.
    qtbot.waitUntil(
        lambda: set(cards[survivor].snapshot.partitions) == set(range(runtime.partitions)),
        timeout=JOIN_S * 1000 + 10_000,
    )
    # The model calls it Stable once it has seen the crashed member's session end too: on
    # Apache Kafka the survivor's new assignment can be reported a moment before that.
    qtbot.waitUntil(lambda: all_assigned(runtime), timeout=5_000)
    # The chart's axes write numbers as the rest of the window does.
    axis = window.rate_chart.rates_plot.getAxis("left")
    assert axis.tickStrings([0, 12500], 1, 2500) == ["0", words["thousands"]]
    assert axis.tickStrings([0.5], 1, 0.5) == [words["half"]]


def test_the_status_bars_broker_outage_and_recovery_read_in_the_language(language):
    """The core reports the outage as a code; the window words it (times as HH:MM:SS)."""
    at = time.mktime((2026, 12, 2, 21, 5, 9, 0, 0, -1))
    language("es")
    assert core_text(broker_unreachable("127.0.0.1:9092", at)) == (
        "broker 127.0.0.1:9092 inaccesible desde las 21:05:09"
    )
    assert core_text(broker_back("127.0.0.1:9092", at, 3.5)) == (
        "broker 127.0.0.1:9092 de vuelta a las 21:05:09 tras 3,5 s"
    )
    assert "código de salida 9" in core_text(broker_died(9, at))
    language("en")
    assert core_text(broker_back("h:1", at, 3.5)) == broker_back("h:1", at, 3.5).english()
