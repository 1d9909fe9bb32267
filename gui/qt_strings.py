"""Qt's own strings that the qtbase_es.qm PySide6 ships lacks, carried by our catalogue.

Qt 6's file dialog asks for "&Look in:" and "Files of &type:" (with mnemonics), while
the qtbase_es.qm that PySide6 6.11 ships translates only the older "Look in:" and
"Files of type:", and has no "Folder" (the list's type column) at all: the dialog came
out half English. Qt asks its own catalogue first and ours after it (see
:func:`gui.translation.install_translator`), so listing them here (lupdate extracts them
into gui/i18n/*.ts) completes the dialog without overriding anything Qt translates.
"""

from __future__ import annotations

from gui.translation import QT_TRANSLATE_NOOP, translate

FILE_DIALOG = (
    QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
    QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
)


def folder_type() -> str:
    """A directory's type in the file list, as Qt asks for it (with a disambiguation,
    which only a translate call, not QT_TRANSLATE_NOOP, hands to lupdate)."""
    return translate("QAbstractFileIconProvider", "Folder", "All other platforms")
