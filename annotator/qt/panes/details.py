"""The annotation details pane (right dock): label, source mention, note, facets, history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from annotator.domain.model import Annotation
from annotator.qt.pane import Pane
from annotator.services.changes import Changes

if TYPE_CHECKING:  # the widget (and its mention parser) loads when the pane is built
    pass

NEARBY_CANDIDATES = 30
"""Candidates offered for "nested in" / "corroborated by": a dense article can have
hundreds within a paragraph; a combo box of 30 is usable."""


class DetailsPane(Pane):
    name = "detailsDock"

    def build(self) -> QWidget:
        from annotator.qt.details import AnnotationDetails

        wb = self.wb
        details = self.details = AnnotationDetails(wb.window)
        details.set_labels(wb.labels)

        def edit(aid: str, changes: dict[str, object]) -> None:
            if wb.editing is not None:
                wb.editing.update_annotation(aid, merge_key=None, **changes)

        details.labelChanged.connect(lambda aid, key: edit(aid, {"label": key}))
        details.noteChanged.connect(self._note_changed)
        details.setSourceRequested.connect(
            lambda aid: wb.editing.set_source_from_selection(aid) if wb.editing else None)
        details.clearSourceRequested.connect(
            lambda aid: edit(aid, {"source_start": None, "source_end": None}))
        details.deleteRequested.connect(
            lambda aid: wb.editing.delete_annotation(aid) if wb.editing else None)
        details.facetsChanged.connect(lambda aid, facets: edit(aid, {"facets": facets}))
        # the same command as Edit › This source in other articles (Ctrl+Shift+G)
        details.sourceElsewhereRequested.connect(
            lambda _aid: wb.actions.action("actionSourceElsewhere").trigger())
        return details

    def _note_changed(self, annotation_id: str, note: str) -> None:
        wb = self.wb
        if wb.editing is not None and wb.article is not None \
                and annotation_id in wb.article.by_id:
            wb.editing.update_annotation(annotation_id, note=note,
                                         merge_key=f"note:{annotation_id}")

    def commit_pending(self) -> None:
        self.details._commit_note()

    def article_changed(self) -> None:
        self.details.show_annotation(None, article_text=None)

    def selection_changed(self) -> None:
        wb = self.wb
        ann = wb.article.by_id.get(wb.selected_id) if wb.article and wb.selected_id else None
        self.show(ann)

    def apply_changes(self, changes: Changes) -> None:
        if changes.labels:
            self.details.set_labels(self.wb.labels)
        article = self.wb.article
        if article is not None and (changes.reloads(article.id) or changes.labels):
            self.selection_changed()

    def show(self, ann: Annotation | None) -> None:
        article = self.wb.article
        if ann is None or article is None:
            self.details.show_annotation(None, article_text=None)
            return
        from annotator.services import annotate, scoring, sources
        from annotator.services.db_errors import DatabaseFault

        text = article.text
        try:
            suggestions = scoring.suggestions_for(ann, text, article.article.outlet)
        except Exception:  # a parser bug must never block editing
            suggestions = None
        try:
            score = scoring.score_annotation(ann, self.wb.rubric)
        except ValueError:
            score = None
        near = article.index.overlapping(max(0, ann.start - 1500), ann.end + 1500)
        near = sorted((h for h in near if h.id != ann.id),
                      key=lambda h: abs(h.start - ann.start))[:NEARBY_CANDIDATES]
        others = []
        for hit in sorted(near, key=lambda h: (h.start, h.end)):
            lab = self.wb.label_by_key.get(hit.label)
            snippet = " ".join(text[hit.start:hit.end].split())
            snippet = snippet if len(snippet) <= 50 else snippet[:49] + "…"
            others.append((hit.id, f"{lab.name if lab else hit.label}: “{snippet}”"))
        history = [
            f"{e.at[:19].replace('T', ' ')} · {e.actor} · {e.action.replace('_', ' ')}"
            + (f" — {describe_detail(e.detail)}" if e.detail else "")
            for e in annotate.history(self.wb.project, ann.id)
        ]
        self.details.show_annotation(ann, article_text=text, suggestions=suggestions,
                                     score=score, others=others, history=history)
        try:
            linked = ann.has_source and sources.source_of_annotation(
                self.wb.project, ann.id) is not None
        except DatabaseFault:  # the button only stays off; showing the details must not fail
            linked = False
        self.details.set_source_linked(linked)


def describe_detail(detail: dict[str, object]) -> str:
    parts = []
    for key, value in detail.items():
        if isinstance(value, list) and len(value) == 2:
            old, new = value
            if key == "facets":
                parts.append("facets edited")
            else:
                parts.append(f"{key}: {str(old)[:30]!s} → {str(new)[:30]!s}")
        elif key in ("label", "text"):
            parts.append(f"{key} {str(value)[:40]}")
    return "; ".join(parts)
