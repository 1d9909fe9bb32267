"""The window in Spanish or English, through Qt's own translation system.

The spec and its audience are Spanish; the source strings are English. The compiled
catalogues (``gui/i18n/kafka_p2p_<lang>.qm``) ship inside the package; regenerate
them with ``python scripts/translations.py`` after changing a string of the window.

Words the core sends as data ("active", "processed", "Stable") stay data; the window
shows them through :func:`state_word`, so a badge reads "activo" in Spanish.
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
    ours = QTranslator(app)
    if not ours.load(catalogue(lang)):
        raise FileNotFoundError(f"translation catalogue missing: {catalogue(lang)}")
    app.installTranslator(ours)
    _installed.append(ours)
    qt_own = QTranslator(app)  # "Close", "Cancel", the file dialog: absent for English
    where = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if lang != "en" and qt_own.load(f"qtbase_{lang}", where):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    return lang


def remove_translator(app: QCoreApplication) -> None:
    """Back to the source strings (English): undoes :func:`install_translator`."""
    while _installed:
        app.removeTranslator(_installed.pop())
