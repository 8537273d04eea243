"""Edit an annotation's source facets, see suggestions from its mention, see its score.

Every field is optional ("—" = not recorded) and reachable with Tab. Suggestions
parsed from the source-mention phrase are shown next to each field with the words
they came from; nothing is filled in until the analyst applies them (all at once
with one button, or by picking the value), so a prefill is never silent.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.facets import ENUM_FACETS, FACET_NAMES, Facets, vocabulary
from annotator.domain.facets_codec import decode_facets, encode_facets
from annotator.domain.mention_parser import Suggestions
from annotator.domain.model import Annotation
from annotator.domain.rubric import Score
from annotator.qt import theme
from annotator.qt.theme import muted_text, on_palette_change
from annotator.qt.wheel_guard import guard_wheel

UNSET = "—"

TITLES = {
    "named": "Named",
    "source_count": "Source count",
    "identity_specificity": "Identity",
    "affiliation": "Affiliation",
    "affiliation_type": "Affiliation type",
    "country": "Country",
    "knowledge_basis": "Knowledge basis",
    "anonymity_reason": "Anonymity reason",
    "quote_type": "Quote type",
    "channel": "Channel",
    "cue_stance": "Cue stance",
    "hedge": "Hedged",
    "claim_type": "Claim type",
    "polarity": "Polarity",
    "nested_in": "Nested in",
    "corroborated_by": "Corroborated by",
    "admiralty_reliability": "Source reliability (A–F)",
    "admiralty_credibility": "Info credibility (1–6)",
}

def _words(value: object) -> str:
    return str(value).replace("_", " ")


class FacetsEditor(QWidget):
    facetsChanged = Signal(str, str)  # annotation id, canonical facets JSON

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("facetsEditor")
        self.annotation: Annotation | None = None
        self.suggestions: Suggestions | None = None
        self._loading = False
        self._others: list[tuple[str, str]] = []  # (id, short text) of nearby annotations

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.score_label = QLabel()
        self._score: Score | None = None
        on_palette_change(self.score_label, lambda: self._show_score(self._score))
        self.score_label.setObjectName("facetsScore")
        self.score_label.setWordWrap(True)
        self.score_label.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.score_label)

        bar = QHBoxLayout()
        self.apply_button = QPushButton("Apply suggestions")
        self.apply_button.setObjectName("facetsApplySuggestions")
        self.apply_button.setToolTip("Fill the empty facets with the values parsed from the "
                                     "source mention (shown in grey next to each field)")
        self.apply_button.clicked.connect(self.apply_suggestions)
        self.clear_button = QPushButton("Clear facets")
        self.clear_button.setObjectName("facetsClear")
        self.clear_button.clicked.connect(self._clear)
        bar.addWidget(self.apply_button)
        bar.addWidget(self.clear_button)
        bar.addStretch(1)
        outer.addLayout(bar)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(3)
        outer.addLayout(form)
        self.fields: dict[str, QWidget] = {}
        self.hints: dict[str, QLabel] = {}
        for name in FACET_NAMES:
            widget = self._make_field(name)
            widget.setObjectName(f"facet_{name}")
            hint = QLabel()
            small = QFont(hint.font())  # a font, not a style sheet: follows the theme
            small.setPointSizeF(8.5)
            hint.setFont(small)
            hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # grey, light or dark
            hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            hint.hide()
            box = QVBoxLayout()
            box.setSpacing(0)
            box.addWidget(widget)
            box.addWidget(hint)
            form.addRow(TITLES[name], box)
            self.fields[name] = widget
            self.hints[name] = hint
        guard_wheel(self)  # scrolling past a field never changes (and saves) it

    # --- building --------------------------------------------------------
    def _make_field(self, name: str) -> QWidget:
        if name in ("affiliation", "country"):
            edit = QLineEdit()
            edit.setPlaceholderText(UNSET)
            edit.editingFinished.connect(self._emit)
            return edit
        combo = QComboBox()
        # Not as wide as its longest value: the Source tab fits the details dock (the
        # open list still shows values whole).
        combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        combo.addItem(UNSET, None)
        if name == "source_count":
            combo.setEditable(True)
            line = combo.lineEdit()
            assert line is not None  # editable combo boxes have one
            line.setPlaceholderText(UNSET)
            for value in (1, 2, 3, 4, 5, "several", "unknown"):
                combo.addItem(str(value), value)
            line.editingFinished.connect(self._emit)
            combo.activated.connect(lambda _i: self._emit())
            return combo
        if name == "hedge":
            combo.addItem("yes", True)
            combo.addItem("no", False)
        elif name in ENUM_FACETS:
            for value in vocabulary(name):
                combo.addItem(_words(value), value)
        # nested_in / corroborated_by are filled per annotation (nearby annotations)
        combo.activated.connect(lambda _i: self._emit())
        return combo

    # --- showing -----------------------------------------------------------
    def show_annotation(self, ann: Annotation | None, *, suggestions: Suggestions | None,
                        score: Score | None, others: list[tuple[str, str]]) -> None:
        self.annotation = ann
        self.suggestions = suggestions
        self._others = others
        self.setEnabled(ann is not None)
        if ann is None:
            self.score_label.setText("")
            return
        facets = decode_facets(ann.facets)
        self._loading = True
        try:
            for name in ("nested_in", "corroborated_by"):
                combo = self.fields[name]
                assert isinstance(combo, QComboBox)
                combo.clear()
                combo.addItem(UNSET, None)
                for other_id, text in others:
                    if other_id != ann.id:
                        combo.addItem(text, other_id)
            for name in FACET_NAMES:
                self._set_field(name, getattr(facets, name))
        finally:
            self._loading = False
        self._show_hints(facets)
        self._show_score(score)

    def _set_field(self, name: str, value: object) -> None:
        widget = self.fields[name]
        if isinstance(widget, QLineEdit):
            widget.setText("" if value is None else str(value))
            return
        assert isinstance(widget, QComboBox)
        if name == "corroborated_by":
            value = value[0] if isinstance(value, (list, tuple)) and value else None  # first link shown; all kept (see hint)
        if value is None:
            widget.setCurrentIndex(0)
            if name == "source_count":
                widget.setEditText("")
            return
        plain = value.value if hasattr(value, "value") else value
        index = widget.findData(plain)
        if index < 0 and name in ("nested_in", "corroborated_by"):
            widget.addItem(f"(annotation {str(plain)[:8]}…)", plain)
            index = widget.count() - 1
        if index < 0 and name == "source_count":
            widget.setEditText(str(plain))
            return
        widget.setCurrentIndex(max(index, 0))

    def _show_hints(self, facets: Facets) -> None:
        pending = 0
        for name, hint in self.hints.items():
            s = self.suggestions.get(name) if self.suggestions else None
            if s is None:
                hint.hide()
                continue
            current = getattr(facets, name)
            shown = _words(s.value.value if hasattr(s.value, "value") else s.value)
            source = f"from “{s.evidence}”"
            if current is None or current == ():
                pending += 1
                hint.setText(f"<i>suggested: <b>{html.escape(shown)}</b></i> · "
                             f"{html.escape(source)}")
            elif current == s.value:
                hint.setText(f"✓ as suggested · {html.escape(source)}")
            else:
                hint.setText(f"suggestion was {html.escape(shown)} · {html.escape(source)}")
            hint.setToolTip(s.explanation)
            hint.show()
        if facets.corroborated_by and len(facets.corroborated_by) > 1:
            self.hints["corroborated_by"].setText(
                f"{len(facets.corroborated_by)} annotations linked")
            self.hints["corroborated_by"].show()
        self.apply_button.setEnabled(pending > 0)
        self.apply_button.setText(f"Apply {pending} suggestion(s)" if pending
                                  else "No new suggestions")

    def _show_score(self, score: Score | None) -> None:
        self._score = score
        if score is None:
            self.score_label.setText("")
            return
        palette = self.score_label.palette()
        color = theme.band_color(score.band, palette).name()
        muted = muted_text(palette)
        reasons = "".join(
            f"<li>{html.escape(text)} <span style='color:{muted}'>({delta:+d})</span></li>"
            for text, delta in score.reasons)
        self.score_label.setText(
            f"<b>Attribution strength: <span style='color:{color}'>{score.value}"
            f" · {_words(score.band)}</span></b>"
            f"<ul style='margin:2px 0 0 -20px'>{reasons}</ul>")

    # --- editing -----------------------------------------------------------
    def current_facets(self) -> Facets:
        base = decode_facets(self.annotation.facets) if self.annotation else Facets()
        data: dict[str, object] = {}
        for name in FACET_NAMES:
            widget = self.fields[name]
            if isinstance(widget, QLineEdit):
                data[name] = widget.text().strip() or None
                continue
            assert isinstance(widget, QComboBox)
            if name == "source_count":
                text = widget.currentText().strip()
                if not text or text == UNSET:
                    data[name] = None
                elif text.isdigit():
                    data[name] = int(text)
                else:
                    data[name] = text
                continue
            value = widget.currentData()
            if name == "corroborated_by":
                kept = [x for x in base.corroborated_by[1:]] if base.corroborated_by else []
                data[name] = ([value] if value else []) + [x for x in kept if x != value]
            else:
                data[name] = value
        return Facets.from_dict(data)

    def _emit(self) -> None:
        if self._loading or self.annotation is None:
            return
        try:
            facets = self.current_facets()
        except ValueError as exc:
            error = theme.css("error", self.score_label.palette())
            self.score_label.setText(f"<span style='color:{error}'>{html.escape(str(exc))}"
                                     f"</span>")
            return
        encoded = encode_facets(facets)
        if encoded != self.annotation.facets:
            self.facetsChanged.emit(self.annotation.id, encoded)

    def apply_suggestions(self) -> None:
        if self.annotation is None or self.suggestions is None:
            return
        facets = self.suggestions.apply(decode_facets(self.annotation.facets))
        encoded = encode_facets(facets)
        if encoded != self.annotation.facets:
            self.facetsChanged.emit(self.annotation.id, encoded)

    def _clear(self) -> None:
        if self.annotation is not None and self.annotation.facets != "{}":
            self.facetsChanged.emit(self.annotation.id, "{}")
