"""The discussion thread of the selected annotation (right dock, tab)."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QWidget

from annotator.domain.model import Annotation
from annotator.qt.pane import Pane
from annotator.services.changes import Changes


class DiscussionPane(Pane):
    name = "commentsDock"

    def build(self) -> QWidget:
        from annotator.qt.comments import CommentsThread

        self.thread = CommentsThread(self.wb.project, self.wb.window)
        return self.thread

    def selection_changed(self) -> None:
        ann = self._annotation()
        self.thread.show_annotation(self.wb.selected_id, self.wb.analyst or "unknown",
                                    subject=self._subject(), by=ann.annotator if ann else "")

    def _annotation(self) -> Annotation | None:
        wb = self.wb
        return wb.article.by_id.get(wb.selected_id) if wb.article and wb.selected_id else None

    def _subject(self) -> str:
        ann = self._annotation()
        if ann is None:
            return ""
        label = self.wb.label_by_key.get(ann.label)
        words = " ".join(ann.text.split())
        words = words if len(words) <= 80 else words[:79] + "…"
        return (f"<b>{html.escape(label.name if label else ann.label)}</b> on "
                f"“{html.escape(words)}”")

    def article_changed(self) -> None:
        self.selection_changed()

    def shown(self) -> None:
        self.selection_changed()

    def apply_changes(self, changes: Changes) -> None:
        if (self.wb.selected_id is not None and self.wb.selected_id in changes.comments) \
                or changes.analyst:
            self.selection_changed()
