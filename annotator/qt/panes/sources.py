"""The registry of sources across articles (bottom dock, tab behind the profile).

Wraps :class:`annotator.qt.sources_pane.SourcesPane`; recomputes only while on screen
(stale otherwise) when annotations change. Activating a claim opens its article with
the claim selected.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from annotator.qt.pane import Pane
from annotator.services.changes import Changes


class SourcesDockPane(Pane):
    name = "sourcesDock"

    def build(self) -> QWidget:
        from annotator.qt.sources_pane import SourcesPane

        self.view = SourcesPane(self.wb.project, self.wb.window)
        self.view.claimActivated.connect(self.open_claim)
        self._stale = True
        return self.view

    def refresh(self) -> None:
        self._stale = False
        self.view.refresh()

    def shown(self) -> None:
        if self._stale:
            self.refresh()

    def apply_changes(self, changes: Changes) -> None:
        if changes.annotations or changes.reload_articles or changes.article_metadata:
            self._stale = True
            if self.showing:
                self.refresh()

    def show_source(self, source_id: str, *, other_than_article: int | None = None) -> None:
        if self._stale:
            self.refresh()
        self.view.show_source(source_id, other_than_article=other_than_article)

    def open_claim(self, article_id: int, start: int, end: int) -> None:
        if self.wb.article is None or self.wb.article.id != article_id:
            self.wb.open_article(article_id)
        self.wb.view.select_cp(start, end)
        self.wb.view.setFocus()
