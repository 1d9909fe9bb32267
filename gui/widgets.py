"""Small widgets that behave as Qt users expect where the stock ones surprised them.

- :class:`SpinBox`: the wheel changes it only once it has focus (turning the wheel over
  the send form changed the rate from 200 to 198 /s); otherwise the wheel scrolls.
- :class:`VerticalScroll`: a scroll area that can never scroll sideways (a Tab moved
  the send form left and cut "Enviar un mensaje" to "nviar un mensaje").
- :class:`ElidedLabel`: rich text while it fits, else its plain text elided with "…"
  and the whole in the tooltip (the status bar cut "http://127.0.0.1:500").
- :class:`LinesLabel`: as many whole lines as its height holds, never half a line.
"""

from __future__ import annotations

import html
import math
import re

from PySide6 import QtGui
from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QMouseEvent,
    QResizeEvent,
    QTextDocument,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QSpinBox, QWidget


class SpinBox(QSpinBox):
    """A QSpinBox the wheel reaches only through focus (a click or Tab gives it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # not WheelFocus: a wheel gives none

    def wheelEvent(self, event: QWheelEvent) -> None:  # Qt override
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # to the parent: the scroll area around scrolls instead


class VerticalScroll(QScrollArea):
    """Scrolls ``widget`` up and down only: never narrower than what it needs, so there is
    no sideways range for a Tab (ensureWidgetVisible) or a wheel to move into."""

    def __init__(self, widget: QWidget, tallest: int = 120, parent: QWidget | None = None) -> None:
        """``tallest``: up to this height the area asks for all of ``widget``."""
        super().__init__(parent)
        self._tallest = tallest
        self._inner_min = QSize()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(widget)
        widget.installEventFilter(self)  # its minimum may change (a language, a font)

    def minimumSizeHint(self) -> QSize:  # Qt override
        inner = self.widget().minimumSizeHint() if self.widget() else QSize(0, 0)
        bar = self.verticalScrollBar().sizeHint().width()
        frame = 2 * self.frameWidth()
        return QSize(inner.width() + bar + frame, min(inner.height(), self._tallest) + frame)

    def sizeHint(self) -> QSize:  # Qt override
        hint = super().sizeHint()
        return QSize(max(hint.width(), self.minimumSizeHint().width()), hint.height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        kinds = (QEvent.Type.LayoutRequest, QEvent.Type.Resize)  # a fixed height changed
        if watched is self.widget() and event.type() in kinds:
            inner = self.widget().minimumSizeHint()
            if inner != self._inner_min:
                self._inner_min = inner
                self.updateGeometry()
        return False


class ElidedLabel(QLabel):
    """A label that elides instead of being cut.

    ``text()`` is always the whole text. While it fits it shows as given (rich text,
    links); when the layout gives it less room it shows its plain text elided, and its
    tooltip carries the whole text (before its own tooltip, if any). A click on an
    elided label with a link acts as a click on the link.
    """

    def __init__(
        self,
        text: str = "",
        elide: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._mode = elide
        self._full = ""
        self._plain = ""
        self._tip = ""
        self._href = ""
        self._width: int | None = None  # of the whole text, measured when first needed
        self.elided = False
        self.setText(text)

    def setText(self, text: str) -> None:  # Qt override: the whole text
        if text == self._full and self._plain:
            return
        self._full = text
        doc = _document(text, self.font())
        self._plain = doc.toPlainText()
        link = re.search(r"href=['\"]([^'\"]*)['\"]", text)
        self._href = link[1] if link else ""
        width, self._width = self._width, None
        if width != self._measure():
            self.updateGeometry()
        self._fit()

    def text(self) -> str:  # Qt override
        return self._full

    def setToolTip(self, tip: str) -> None:  # Qt override: its own tooltip
        self._tip = tip
        self._fit()

    def full_width(self) -> int:
        """Pixels the whole text needs, margins included."""
        margins = self.contentsMargins()
        return self._measure() + margins.left() + margins.right()

    def sizeHint(self) -> QSize:  # Qt override: room for the whole text
        return QSize(self.full_width(), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # Qt override: "…" at least
        return QSize(min(self.minimumWidth(), self.full_width()), super().sizeHint().height())

    def event(self, event: QEvent) -> bool:  # Qt override
        kind = event.type()
        if kind in (QEvent.Type.Polish, QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._width = None  # the stylesheet's font and padding arrive late
            self.updateGeometry()
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        super().resizeEvent(event)
        self._fit()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # Qt override
        super().mouseReleaseEvent(event)
        if self.elided and self._href and event.button() == Qt.MouseButton.LeftButton:
            self.linkActivated.emit(self._href)

    def _measure(self) -> int:
        if self._width is None:
            self._width = math.ceil(_document(self._full, self.font()).idealWidth()) + 2
        return self._width

    def _fit(self) -> None:
        room = self.contentsRect().width()
        self.elided = self._measure() > room > 0
        if self.elided:
            shown = QFontMetrics(self.font()).elidedText(self._plain, self._mode, room)
            QLabel.setText(self, html.escape(shown))
            tip = "\n\n".join(t for t in (html.escape(self._plain), self._tip) if t)
        else:
            QLabel.setText(self, self._full)
            tip = self._tip
        QLabel.setToolTip(self, tip)
        cursor = Qt.CursorShape.PointingHandCursor if self._href else Qt.CursorShape.ArrowCursor
        self.setCursor(cursor)


def _document(text: str, font: QFont) -> QTextDocument:
    """``text`` laid out as a QLabel lays it out (rich or plain), to measure it."""
    doc = QTextDocument()
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    if QtGui.Qt.mightBeRichText(text):  # QtGui's Qt namespace has it, QtCore's not
        doc.setHtml(text)
    else:
        doc.setPlainText(text)
    return doc


class LinesLabel(QLabel):
    """Rich text of lines joined by ``<br>``, showing the first ones that fit whole.

    ``text()`` is always every line; its height is the layout's to give (it takes what
    is left, never asks for more than one line).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)

    def setText(self, text: str) -> None:  # Qt override
        self._full = text
        self._fit()

    def text(self) -> str:  # Qt override
        return self._full

    def minimumSizeHint(self) -> QSize:  # Qt override
        return QSize(super().minimumSizeHint().width(), self._line_height())

    def sizeHint(self) -> QSize:  # Qt override
        return QSize(super().sizeHint().width(), self._line_height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        super().resizeEvent(event)
        self._fit()

    def _line_height(self) -> int:
        return QFontMetrics(self.font()).lineSpacing() + 2

    def _fit(self) -> None:
        lines = self._full.split("<br>")
        fits = max(1, (self.contentsRect().height() - 2) // QFontMetrics(self.font()).lineSpacing())
        QLabel.setText(self, "<br>".join(lines[:fits]))
