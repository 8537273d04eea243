"""Details of the selected annotation: label, source mention, note, provenance.

Edits are emitted as signals; the window turns them into undoable edits. The note
is committed while typing (debounced) and on focus loss, so a crash never loses
more than the last fraction of a second of typing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPalette, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.mention_parser import Suggestions
from annotator.domain.model import Annotation, Label
from annotator.domain.rubric import Score
from annotator.qt.facets_editor import FacetsEditor
from annotator.qt.palette import swatch
from annotator.qt.theme import muted_text, on_palette_change
from annotator.qt.wheel_guard import guard_wheel

NOTE_DEBOUNCE_MS = 100
"""A note is committed 0.1 s after the last keystroke (and on focus loss): typing is
not slowed by a transaction per key, and at most the last 0.1 s can be lost."""


class _NoteEdit(QPlainTextEdit):
    focusLost = Signal()

    def focusOutEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().focusOutEvent(event)
        self.focusLost.emit()


class AnnotationDetails(QWidget):
    labelChanged = Signal(str, str)  # annotation id, label key
    noteChanged = Signal(str, str)  # annotation id, note
    setSourceRequested = Signal(str)  # annotation id
    clearSourceRequested = Signal(str)
    sourceElsewhereRequested = Signal(str)  # noqa: N815  ("this source in other articles")
    deleteRequested = Signal(str)
    facetsChanged = Signal(str, str)  # annotation id, facets JSON

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotationDetails")
        self.annotation: Annotation | None = None
        self._labels: list[Label] = []
        self._loading = False

        self.stack = QStackedWidget(self)
        empty = QLabel(
            "<p>Select text and press <b>1</b>–<b>9</b> to tag it.<br>"
            "Click a highlight or a table row to edit an annotation.</p>"
        )
        empty.setObjectName("detailsEmptyHint")
        empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # grey, light or dark
        empty.setWordWrap(True)
        empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.stack.addWidget(empty)

        form_host = QWidget()
        outer = QVBoxLayout(form_host)
        outer.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.label_combo = QComboBox()
        self.label_combo.setObjectName("detailsLabel")
        self.label_combo.activated.connect(self._label_activated)
        form.addRow("&Label", self.label_combo)
        guard_wheel(self.label_combo)  # scrolling past it never relabels

        self.claim = QLabel()
        self.claim.setWordWrap(True)
        self.claim.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.claim.setObjectName("detailsText")
        form.addRow("Text", self.claim)

        self.source = QLabel()
        self._no_source = False
        on_palette_change(self.source, self._palette_changed)
        self.source.setWordWrap(True)
        self.source.setObjectName("detailsSource")
        src_buttons = QHBoxLayout()
        self.set_source = QPushButton("Set from selection (S)")
        self.set_source.setObjectName("detailsSetSource")
        self.set_source.clicked.connect(self._emit_set_source)
        self.clear_source = QPushButton("Clear")
        self.clear_source.setObjectName("detailsClearSource")
        self.clear_source.clicked.connect(self._emit_clear_source)
        self.source_elsewhere = QPushButton("In other articles")
        self.source_elsewhere.setObjectName("detailsSourceElsewhere")
        self.source_elsewhere.setToolTip("This source in other articles (Ctrl+Shift+G)")
        self.source_elsewhere.setEnabled(False)
        self.source_elsewhere.clicked.connect(self._emit_source_elsewhere)
        src_buttons.addWidget(self.set_source)
        src_buttons.addWidget(self.clear_source)
        src_buttons.addStretch(1)
        src_box = QVBoxLayout()
        src_box.addWidget(self.source)
        src_box.addLayout(src_buttons)
        elsewhere_row = QHBoxLayout()  # own row: the dock stays narrow (≈300 px)
        elsewhere_row.addWidget(self.source_elsewhere)
        elsewhere_row.addStretch(1)
        src_box.addLayout(elsewhere_row)
        form.addRow("Source\nmention", src_box)

        self.note = _NoteEdit()
        self.note.setObjectName("detailsNote")
        self.note.setPlaceholderText("Why this tag? Anything a colleague should know.")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(90)
        self.note.textChanged.connect(self._note_typed)
        self.note.focusLost.connect(self._commit_note)
        form.addRow("&Note", self.note)

        self.meta = QLabel()
        self.meta.setObjectName("detailsMeta")
        self.meta.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # grey, light or dark
        self.meta.setWordWrap(True)
        form.addRow("", self.meta)

        delete = QPushButton("Delete annotation")
        delete.setObjectName("detailsDelete")
        delete.clicked.connect(lambda: self.annotation and
                               self.deleteRequested.emit(self.annotation.id))
        form.addRow("", delete)

        self.facets = FacetsEditor()
        self.facets.facetsChanged.connect(self.facetsChanged)
        facets_scroll = QScrollArea()
        facets_scroll.setWidgetResizable(True)
        facets_scroll.setWidget(self.facets)
        facets_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        facets_scroll.setObjectName("facetsScroll")
        facets_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.history = QListWidget()
        self.history.setObjectName("detailsHistory")
        self.history.setWordWrap(True)
        self.history.setAlternatingRowColors(True)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("detailsTabs")
        self.tabs.addTab(form_host, "Annotation")
        self.tabs.addTab(facets_scroll, "Source")
        self.tabs.addTab(self.history, "History")
        self.stack.addWidget(self.tabs)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.stack)

        # Long claims wrap inside the dock instead of widening it: selecting another
        # annotation must not change the dock's width (and reflow the article).
        for label in (self.claim, self.source, self.meta):
            policy = label.sizePolicy()
            policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
            label.setSizePolicy(policy)

        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_DEBOUNCE_MS)
        self._note_timer.timeout.connect(self._commit_note)

    def set_labels(self, labels: list[Label]) -> None:
        self._labels = labels
        self._loading = True
        self.label_combo.clear()
        for label in labels:
            name = label.name + (" (retired)" if label.retired else "")
            self.label_combo.addItem(swatch(label.color), name, label.key)
            if label.retired:  # shown on old annotations, not offered for new choices
                model = self.label_combo.model()
                assert isinstance(model, QStandardItemModel)  # a plain combo box's model
                item = model.item(self.label_combo.count() - 1)
                if item is not None:
                    item.setEnabled(False)
        self._loading = False

    def _show_no_source(self) -> None:
        self._no_source = True
        self.source.setText(f"<span style='color:{muted_text(self.source.palette())}'>"
                            "none — select the phrase naming the source and press S</span>")

    def _palette_changed(self) -> None:
        if self._no_source:
            self._show_no_source()

    def show_annotation(self, ann: Annotation | None, *, article_text: str | None,
                        suggestions: Suggestions | None = None, score: Score | None = None,
                        others: list[tuple[str, str]] | None = None,
                        history: list[str] | None = None) -> None:
        if self._note_timer.isActive():
            self._commit_note()
        self.annotation = ann
        self.facets.show_annotation(ann, suggestions=suggestions, score=score,
                                    others=others or [])
        self.history.clear()
        self.history.addItems(history or [])
        if ann is None:
            self.stack.setCurrentIndex(0)
            return
        self._loading = True
        self.stack.setCurrentIndex(1)
        self.tabs.setTabText(1, f"Source · {score.value}" if score else "Source")
        idx = self.label_combo.findData(ann.label)
        self.label_combo.setCurrentIndex(idx)
        self.claim.setText(_quote(ann.text))
        self._no_source = False
        self.source_elsewhere.setEnabled(False)  # the pane enables it once it is linked
        if ann.has_source and article_text is not None:
            self.source.setText(_quote(article_text[ann.source_start:ann.source_end]))
            self.clear_source.setEnabled(True)
        elif ann.has_source:
            self.clear_source.setEnabled(True)
        else:
            self._show_no_source()
            self.clear_source.setEnabled(False)
        if self.note.toPlainText() != ann.note:
            self.note.setPlainText(ann.note)
        created = ann.created_at[:19].replace("T", " ")
        updated = ann.updated_at[:19].replace("T", " ")
        self.meta.setText(
            f"by <b>{_esc(ann.annotator)}</b> · characters {ann.start}–{ann.end} "
            f"({ann.end - ann.start})<br>created {created} UTC · updated {updated} UTC"
        )
        self._loading = False

    def _label_activated(self, index: int) -> None:
        if self._loading or self.annotation is None:
            return
        key = self.label_combo.itemData(index)
        if key and key != self.annotation.label:
            self.labelChanged.emit(self.annotation.id, key)

    def _note_typed(self) -> None:
        if not self._loading and self.annotation is not None:
            self._note_timer.start()

    def _commit_note(self) -> None:
        self._note_timer.stop()
        if self._loading or self.annotation is None:
            return
        text = self.note.toPlainText()
        if text != self.annotation.note:
            self.noteChanged.emit(self.annotation.id, text)

    def _emit_set_source(self) -> None:
        if self.annotation is not None:
            self.setSourceRequested.emit(self.annotation.id)

    def set_source_linked(self, linked: bool) -> None:
        """Whether the shown annotation's mention links to a source entry."""
        self.source_elsewhere.setEnabled(linked and self.annotation is not None)

    def _emit_source_elsewhere(self) -> None:
        if self.annotation is not None:
            self.sourceElsewhereRequested.emit(self.annotation.id)

    def _emit_clear_source(self) -> None:
        if self.annotation is not None:
            self.clearSourceRequested.emit(self.annotation.id)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _quote(text: str, limit: int = 400) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"“{_esc(text)}”"
