"""The window in Spanish or English, through Qt's own translation system.

The spec and its audience are Spanish; the source strings are English. The compiled
catalogues (``gui/i18n/kafka_p2p_<lang>.qm``) ship inside the package; regenerate
them with ``python scripts/translations.py`` after changing a string of the window.

Words the core sends as data ("active", "processed", "Stable") stay data; the window
shows them through :func:`state_word`, so a badge reads "activo" in Spanish.

Counts go through Qt's plural forms: ``translate(context, "%Ln live", "consumers", n)``
reads "1 vivo" and "2 vivos" (the disambiguation must be a non-empty literal: only then
does pyside6-lupdate mark the message as a plural one). Numbers and durations go
through :func:`number` and :func:`decimal`, in the window's locale: "12.345" and "1,5"
in Spanish (which, like CLDR, leaves four-digit numbers ungrouped: "2000").
"""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale, QTranslator

LANGUAGES = ("es", "en")
CATALOGUE = "kafka_p2p_{lang}.qm"
# Every string of the window goes through this: lupdate finds the calls by this name.
translate = QCoreApplication.translate

# Consumer states, delivery statuses and group states, as the core names them.
_WORDS = {
    "starting": QT_TRANSLATE_NOOP("State", "starting"),
    "active": QT_TRANSLATE_NOOP("State", "active"),
    "idle": QT_TRANSLATE_NOOP("State", "idle"),
    "stopping": QT_TRANSLATE_NOOP("State", "stopping"),
    "stopped": QT_TRANSLATE_NOOP("State", "stopped"),
    "crashed": QT_TRANSLATE_NOOP("State", "crashed"),
    "sent": QT_TRANSLATE_NOOP("State", "sent"),
    "processing": QT_TRANSLATE_NOOP("State", "processing"),
    "processed": QT_TRANSLATE_NOOP("State", "processed"),
    "failed": QT_TRANSLATE_NOOP("State", "failed"),
    "dead_lettered": QT_TRANSLATE_NOOP("State", "dead-lettered"),
    "consumed": QT_TRANSLATE_NOOP("State", "consumed outside"),
    "Stable": QT_TRANSLATE_NOOP("State", "Stable"),
    "Rebalancing": QT_TRANSLATE_NOOP("State", "Rebalancing"),
    "Empty": QT_TRANSLATE_NOOP("State", "Empty"),
    "Unknown": QT_TRANSLATE_NOOP("State", "Owners unknown"),
}

_installed: list[QTranslator] = []  # kept alive: Qt does not own installed translators


def number(n: int) -> str:
    """A whole number in the window's locale: 12,345 in English, 12.345 in Spanish."""
    return QLocale().toString(int(n))


def decimal(x: float, places: int = 1) -> str:
    """A number with ``places`` decimals in the window's locale: 1.5 / 1,5."""
    return QLocale().toString(float(x), "f", places)


def ensure_language_locale() -> None:
    """If the default locale is C (no language at all: a server's, a container's), make
    it the source language's, English, so that numbers are grouped like the words."""
    if QLocale().language() == QLocale.Language.C:
        QLocale.setDefault(QLocale(QLocale.Language.English))


def window_locale(lang: str, system: QLocale | None = None) -> QLocale:
    """The locale numbers are written in: the system's when it speaks ``lang`` (es_MX keeps
    its own separators), else the language's own (es_ES for es, en_US for en)."""
    system = QLocale.system() if system is None else system
    wanted = QLocale.Language.Spanish if lang == "es" else QLocale.Language.English
    return system if system.language() == wanted else QLocale(wanted)


def state_word(value: str) -> str:
    """How the window labels a state the core sends (unknown ones as they come)."""
    source = _WORDS.get(value)
    return translate("State", source) if source else value.replace("_", " ")


def system_language(locale: QLocale | None = None) -> str:
    """Spanish for any es_* locale (the system's by default), else English."""
    locale = QLocale.system() if locale is None else locale
    return "es" if locale.language() == QLocale.Language.Spanish else "en"


def catalogue(lang: str) -> str:
    """Path of the shipped compiled catalogue for ``lang``."""
    return str(resources.files("gui").joinpath("i18n", CATALOGUE.format(lang=lang)))


def install_translator(app: QCoreApplication, lang: str | None = None) -> str:
    """Install the window's catalogue (and Qt's own, for dialogs) for ``lang``.

    ``None`` follows the system locale. Replaces what an earlier call installed, so
    calling it again switches language; returns the language in use. Call before the
    window is built: widgets read their texts once.
    """
    lang = lang or system_language()
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    remove_translator(app)
    QLocale.setDefault(window_locale(lang))  # numbers and QSpinBox texts in the language
    ours = QTranslator(app)
    if not ours.load(catalogue(lang)):
        raise FileNotFoundError(f"translation catalogue missing: {catalogue(lang)}")
    app.installTranslator(ours)
    _installed.append(ours)
    # Qt's own: "Close", "Cancel", the file dialog (absent for English). Installed last, so
    # asked first; what it lacks (gui/qt_strings.py) falls through to our catalogue.
    qt_own = QTranslator(app)
    if lang != "en" and qt_own.load(f"qtbase_{lang}", qt_translations()):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    return lang


def installed() -> bool:
    """Whether a catalogue is installed (the window's strings read as that language's)."""
    return bool(_installed)


def qt_translations() -> str:
    """Where Qt's own catalogues are (PySide6 ships qtbase_es.qm there)."""
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def remove_translator(app: QCoreApplication) -> None:
    """Back to the source strings (English): undoes :func:`install_translator`."""
    while _installed:
        app.removeTranslator(_installed.pop())
    QLocale.setDefault(QLocale.system())
