"""Compare two analysts and adjudicate (right dock, tab behind the details)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from annotator.qt.pane import Pane
from annotator.services.changes import Changes


class ReviewPane(Pane):
    name = "reviewDock"

    def build(self) -> QWidget:
        from annotator.qt.review_panel import ReviewPanel

        wb = self.wb
        panel = self.panel = ReviewPanel(wb.project, wb.window)
        panel.selection_provider = wb.view.selection_cp
        panel.itemActivated.connect(self._activated)
        panel.reviewChanged.connect(self._reviewed)
        panel.itemsChanged.connect(self._compare_colors)
        panel.set_reviewer(wb.analyst or "unknown")
        self._in_own_write = False
        if self.dock is not None:
            self.dock.visibilityChanged.connect(self._keys_on_article)
            self._keys_on_article(self.dock.isVisible())
        return panel

    def _keys_on_article(self, on: bool) -> None:
        """A/B/E/R… work with the article focused too, but only while the pane shows."""
        for action in self.panel.actions_by_name.values():
            if on:
                self.wb.view.addAction(action)
            else:
                self.wb.view.removeAction(action)
        if not on:
            QTimer.singleShot(0, self.panel, self._compare_colors)

    def _activated(self, start: int, end: int, a_id: object, b_id: object) -> None:
        article = self.wb.article
        if article is None:
            return
        target = a_id if a_id in article.by_id else b_id
        if isinstance(target, str) and target in article.by_id:
            self.wb.select(target)
        else:
            self.wb.view.select_cp(start, start)

    def _reviewed(self, article_id: int) -> None:
        self._in_own_write = True
        try:
            self.wb.apply_changes(Changes(reload_articles=frozenset({article_id}),
                                          review=frozenset({article_id})))
        finally:
            self._in_own_write = False

    @property
    def compare_on(self) -> bool:
        return self.widget is not None and self.showing

    def _compare_colors(self) -> None:
        colors = self.panel.compare_colors() if self.compare_on else None
        if colors != self.wb.compare_colors:
            self.wb.compare_colors = colors
            self.wb.apply_changes(Changes(layers=True))

    def update_context(self) -> None:
        wb = self.wb
        article = wb.article
        if article is None or not article.complete:
            self.panel.set_context(None, [], wb.analyst)
        else:
            self.panel.set_context(article.id, sorted(article.annotator_counts()),
                                   wb.analyst or "unknown", article_text=article.text)
        self._compare_colors()

    def shown(self) -> None:
        self.update_context()

    def article_changed(self) -> None:
        if self.compare_on:
            self.update_context()
        else:
            self._compare_colors()

    def apply_changes(self, changes: Changes) -> None:
        wb = self.wb
        if changes.analyst:
            self.panel.set_reviewer(wb.analyst or "unknown")
        article = wb.article
        if article is None:
            return
        if not self.compare_on:
            if wb.compare_colors is not None:
                self._compare_colors()
            return
        if changes.reloads(article.id) or article.id in changes.loading_done:
            if not self._in_own_write:
                self.update_context()
            else:
                self._compare_colors()
        elif changes.annotations_in(article.id) or changes.labels:
            self.panel.refresh()
            self._compare_colors()
