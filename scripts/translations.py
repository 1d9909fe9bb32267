"""Regenerate the window's translations: gui/i18n/*.ts from the code, then *.qm.

    python scripts/translations.py          # lupdate + lrelease (commit both .ts and .qm)
    python scripts/translations.py --check  # exit 1 if the .ts/.qm are not up to date

After lupdate, new or changed strings are ``type="unfinished"`` in kafka_p2p_es.ts:
translate them (Qt Linguist, or any editor), then run this again to compile. The
English catalogue needs no translator: its translations are the source strings,
filled in here so that both files are complete.
"""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "gui" / "i18n"
LANGUAGES = ("es", "en")


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
    """English translations are the source strings themselves."""
    tree = ET.parse(ts)
    for message in tree.iter("message"):
        translation = message.find("translation")
        translation.text = message.findtext("source")
        translation.attrib.pop("type", None)
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
        lupdate(lang, ts)
        if lang == "en":
            fill_english(ts)
        else:
            _write(ET.parse(ts), ts)  # one layout for every .ts, whoever wrote it
        lrelease(ts, ts.with_suffix(".qm"))


def unfinished(ts: Path) -> list[str]:
    """Source strings of ``ts`` without a finished, non-empty translation."""
    missing = []
    for message in ET.parse(ts).iter("message"):
        translation = message.find("translation")
        if (
            translation.get("type") in ("unfinished", "vanished", "obsolete")
            or not (translation.text or "").strip()
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
