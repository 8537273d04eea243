"""Search across the corpus (bottom dock, tab behind the profile; Ctrl+Shift+F).

Wraps :class:`annotator.qt.search_pane.SearchPane`. Activating a hit opens its article
(navigation through the workbench) and selects the hit's text, so a digit tags it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from annotator.qt.pane import Pane
from annotator.services.changes import Changes


class SearchDockPane(Pane):
    name = "searchDock"

    def build(self) -> QWidget:
        from annotator.qt.search_pane import SearchPane

        self.view = SearchPane(self.wb.project, self.wb.window)
        self.view.hitActivated.connect(self.open_hit)
        return self.view

    def open_hit(self, article_id: int, start: int, end: int) -> None:
        """Open the article at the hit with the hit's text selected."""
        if self.wb.article is None or self.wb.article.id != article_id:
            self.wb.open_article(article_id)
        self.wb.view.select_cp(start, end)
        self.wb.view.setFocus()

    def focus_query(self) -> None:
        self.view.focus_query()

    def apply_changes(self, changes: Changes) -> None:
        if changes.labels:
            self.view.set_labels()
