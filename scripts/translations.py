"""Regenerate the window's translations: gui/i18n/*.ts from the code, then *.qm.

    python scripts/translations.py          # lupdate + lrelease (commit both .ts and .qm)
    python scripts/translations.py --check  # exit 1 if the .ts/.qm are not up to date

After lupdate, new or changed strings are ``type="unfinished"`` in kafka_p2p_es.ts:
translate them (Qt Linguist, or any editor), then run this again to compile. The
English catalogue needs no translator: its translations are the source strings,
filled in here so that both files are complete.

Plurals: a string with ``%n`` or ``%Ln`` (``translate(ctx, "%Ln live", "consumers", n)``)
is a plural message with one form per grammatical number. pyside6-lupdate marks it so
only when the count is a literal number, and drops the forms of one it did not mark, so
they are kept aside before each lupdate and put back after it. English forms come from
the source: "(s)" is dropped for one and becomes "s" for many ("y(s)": "y" / "ies").
"""

from __future__ import annotations

import filecmp
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "gui" / "i18n"
LANGUAGES = ("es", "en")
PLURAL = re.compile(r"%L?n")
FORMS = 2  # plural forms Qt keeps for Spanish and English: one, many
Key = tuple[str, str, str]  # context, source, comment


def ts_path(lang: str, where: Path = I18N) -> Path:
    return where / f"kafka_p2p_{lang}.ts"


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "gui").glob("*.py"))


def tool(name: str) -> str:
    """pyside6-lupdate / pyside6-lrelease, next to this interpreter or on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        sys.exit(f"error: {name} not found (it comes with PySide6)")
    return found


def lupdate(lang: str, ts: Path) -> None:
    subprocess.run(
        [tool("pyside6-lupdate"), *sources(), "-no-obsolete", "-locations", "none"]
        + ["-source-language", "en", "-target-language", lang, "-ts", str(ts)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )


def fill_english(ts: Path) -> None:
    """English translations are the source strings themselves (plurals: see below)."""
    tree = ET.parse(ts)
    for message in tree.iter("message"):
        translation = message.find("translation")
        translation.text = message.findtext("source")
        translation.attrib.pop("type", None)
    _write(tree, ts)


def english_forms(source: str) -> list[str]:
    """One and many in English, from the source's "(s)"."""
    one = source.replace("y(s)", "y").replace("(s)", "")
    many = source.replace("y(s)", "ies").replace("(s)", "s")
    return [one, many]


def _messages(tree: ET.ElementTree) -> list[tuple[Key, ET.Element]]:
    return [
        ((context.findtext("name"), m.findtext("source"), m.findtext("comment") or ""), m)
        for context in tree.iter("context")
        for m in context.iter("message")
    ]


def plural_forms(ts: Path) -> dict[Key, list[str]]:
    """The finished plural forms in ``ts`` (kept aside while lupdate runs)."""
    if not ts.exists():
        return {}
    kept = {}
    for key, message in _messages(ET.parse(ts)):
        translation = message.find("translation")
        forms = [f.text or "" for f in translation.iter("numerusform")]
        if forms and all(f.strip() for f in forms) and translation.get("type") is None:
            kept[key] = forms
    return kept


def mark_plurals(ts: Path, lang: str, kept: dict[Key, list[str]]) -> None:
    """Every message with %n is a plural one: its forms back (English: from the source),
    or empty ones, unfinished, for a translator to fill."""
    tree = ET.parse(ts)
    for key, message in _messages(tree):
        if not PLURAL.search(key[1]):
            continue
        message.set("numerus", "yes")
        translation = message.find("translation")
        forms = english_forms(key[1]) if lang == "en" else kept.get(key)
        for child in list(translation):
            translation.remove(child)
        translation.text = None
        if forms:
            translation.attrib.pop("type", None)
        else:
            translation.set("type", "unfinished")
        for form in forms or [""] * FORMS:
            ET.SubElement(translation, "numerusform").text = form
    _write(tree, ts)


def _write(tree: ET.ElementTree, ts: Path) -> None:
    ET.indent(tree, space="    ")
    body = ET.tostring(tree.getroot(), encoding="unicode")
    ts.write_text(
        f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n{body}\n', encoding="utf-8"
    )


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run(
        [tool("pyside6-lrelease"), str(ts), "-qm", str(qm)],
        check=True,
        capture_output=True,
        timeout=120,
    )


def build(where: Path, start_from: Path = I18N) -> None:
    """lupdate into ``where`` (starting from the .ts in ``start_from``), then lrelease."""
    for lang in LANGUAGES:
        ts = ts_path(lang, where)
        if start_from != where and ts_path(lang, start_from).exists():
            shutil.copy(ts_path(lang, start_from), ts)
        kept = plural_forms(ts)
        lupdate(lang, ts)
        if lang == "en":
            fill_english(ts)
        mark_plurals(ts, lang, kept)  # also: one layout for every .ts, whoever wrote it
        lrelease(ts, ts.with_suffix(".qm"))


def unfinished(ts: Path) -> list[str]:
    """Source strings of ``ts`` without a finished, non-empty translation."""
    missing = []
    for message in ET.parse(ts).iter("message"):
        translation = message.find("translation")
        forms = [f.text or "" for f in translation.iter("numerusform")]
        if translation.get("type") in ("unfinished", "vanished", "obsolete") or not all(
            t.strip() for t in forms or [translation.text or ""]
        ):
            missing.append(message.findtext("source"))
    return missing


def check() -> int:
    """1 when regenerating would change a committed .ts or .qm, or a string is untranslated."""
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp))
        stale = [
            p.name
            for lang in LANGUAGES
            for p in (ts_path(lang, Path(tmp)), ts_path(lang, Path(tmp)).with_suffix(".qm"))
            if not (I18N / p.name).exists() or not filecmp.cmp(p, I18N / p.name, shallow=False)
        ]
    problems = [f"out of date: {name}" for name in stale]
    problems += [
        f"untranslated in {lang}: {s!r}" for lang in LANGUAGES for s in unfinished(ts_path(lang))
    ]
    for line in problems:
        print(line)
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    if "--check" in argv:
        return check()
    I18N.mkdir(exist_ok=True)
    build(I18N)
    for lang in LANGUAGES:
        left = unfinished(ts_path(lang))
        if left:
            print(f"{len(left)} string(s) to translate in {ts_path(lang).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
