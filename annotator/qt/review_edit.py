"""Accept an edited copy of a review item (label and/or span)."""

from __future__ import annotations

import html

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.model import Annotation, Label
from annotator.qt import theme
from annotator.qt.palette import swatch
from annotator.qt.review_model import _elide
from annotator.services.review import ReviewItem


class EditAcceptDialog(QDialog):
    """Choose the side, label and boundaries of an edited copy for the reviewed layer."""

    def __init__(self, item: ReviewItem, *, names: tuple[str, str], labels: list[Label],
                 article_text: str, sides: list[str],
                 selection: tuple[int, int] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewEditDialog")
        self.setWindowTitle("Accept an edited copy")
        self.item = item
        self.article_text = article_text
        self.selection = selection
        layout = QVBoxLayout(self)
        intro = QLabel("The copy goes into the reviewed layer; the analyst's original "
                       "annotation is not changed.")
        intro.setWordWrap(True)
        intro.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)

        self.side_combo = QComboBox()
        self.side_combo.setObjectName("reviewEditSide")
        for side in sides:
            ann = item.a if side == "a" else item.b
            assert ann is not None
            name = names[0] if side == "a" else names[1]
            self.side_combo.addItem(f"{side.upper()} · {name}: “{_elide(ann.text, 40)}”", ann.id)
        self.side_combo.currentIndexChanged.connect(self._side_changed)
        form.addRow("&Start from", self.side_combo)

        self.label_combo = QComboBox()
        self.label_combo.setObjectName("reviewEditLabel")
        for label in labels:
            if not label.retired:
                self.label_combo.addItem(swatch(label.color), label.name, label.key)
        form.addRow("&Label", self.label_combo)

        limit = len(article_text) if article_text else 10 ** 9
        span = QHBoxLayout()
        self.start_spin = QSpinBox()
        self.start_spin.setObjectName("reviewEditStart")
        self.end_spin = QSpinBox()
        self.end_spin.setObjectName("reviewEditEnd")
        for spin in (self.start_spin, self.end_spin):
            spin.setRange(0, limit)
            spin.setAccelerated(True)
            spin.valueChanged.connect(self._update_preview)
            span.addWidget(spin)
        span.insertWidget(1, QLabel("to"))
        self.use_selection = QPushButton("Use text selection")
        self.use_selection.setObjectName("reviewEditUseSelection")
        self.use_selection.setToolTip("Take the boundaries of the text selected in the article")
        self.use_selection.setEnabled(selection is not None and selection[0] < selection[1])
        self.use_selection.clicked.connect(self._take_selection)
        span.addWidget(self.use_selection)
        span.addStretch(1)
        chars = QLabel("&Characters")
        chars.setBuddy(self.start_spin)
        form.addRow(chars, span)
        self.start_spin.setToolTip("First character (code-point offset)")
        self.end_spin.setToolTip("One past the last character")

        self.preview = QLabel()
        self.preview.setObjectName("reviewEditPreview")
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.RichText)
        self.preview.setMinimumWidth(420)
        self.preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview.setStyleSheet("padding:6px;")
        form.addRow("Preview", self.preview)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Accept edited copy")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._side_changed(0)

    def source(self) -> Annotation:
        ann_id = self.side_combo.currentData()
        return next(s for s in self.item.annotations if s.id == ann_id)

    def _side_changed(self, _index: int) -> None:
        src = self.source()
        i = self.label_combo.findData(src.label)
        if i >= 0:
            self.label_combo.setCurrentIndex(i)
        self.start_spin.setValue(src.start)
        self.end_spin.setValue(src.end)
        self._update_preview()

    def _take_selection(self) -> None:
        if self.selection is not None:
            self.start_spin.setValue(self.selection[0])
            self.end_spin.setValue(self.selection[1])

    def values(self) -> tuple[str, str, int, int]:
        """``(source annotation id, label key, start, end)``."""
        return (str(self.side_combo.currentData()), str(self.label_combo.currentData()),
                self.start_spin.value(), self.end_spin.value())

    def _update_preview(self) -> None:
        s, e = self.start_spin.value(), self.end_spin.value()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        text = self.article_text
        valid = s < e and (not text or e <= len(text))
        ok.setEnabled(valid)
        if not valid:
            error = theme.css("error", self.preview.palette())
            self.preview.setText(f"<span style='color:{error}'>The span is empty or outside "
                                 "the article.</span>")
            return
        if not text:
            self.preview.setText(f"Characters {s}–{e}")
            return
        before = " ".join(text[max(0, s - 70):s].split(" ")[1 if s > 70 else 0:])
        after = " ".join(text[e:e + 70].split(" ")[:-1 if e + 70 < len(text) else None])
        lead = "…" if s > 70 else ""
        tail = "…" if e + 70 < len(text) else ""
        palette = self.preview.palette()
        muted, mark = theme.muted_text(palette), theme.mark_background(palette)
        self.preview.setText(
            f"<span style='color:{muted}'>{lead}{html.escape(' '.join(before.split()))}</span> "
            f"<b style='background:{mark}'>{html.escape(' '.join(text[s:e].split()))}</b> "
            f"<span style='color:{muted}'>{html.escape(' '.join(after.split()))}{tail}</span>")


