"""The layers pane (left dock): show or hide each analyst's annotations; colouring."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from annotator.qt.layers import LayersPanel
from annotator.qt.pane import Pane
from annotator.services.changes import Changes


class LayersPane(Pane):
    name = "layersDock"

    def build(self) -> QWidget:
        self.panel = LayersPanel(self.wb.window)
        self.panel.layersChanged.connect(self._changed)
        return self.panel

    def _changed(self) -> None:
        wb = self.wb
        wb.hidden_layers = self.panel.hidden
        wb.color_by = self.panel.mode
        wb.annotator_colors = dict(self.panel.colors)
        wb.apply_changes(Changes(layers=True))

    def _counts(self) -> None:
        article = self.wb.article
        self.panel.set_annotators(article.annotator_counts() if article else {})
        self.wb.annotator_colors = dict(self.panel.colors)

    def article_changed(self) -> None:
        self._counts()

    def apply_changes(self, changes: Changes) -> None:
        article = self.wb.article
        if article is None:
            return
        if (changes.reloads(article.id) or article.id in changes.loading_done
                or any(c.changes_layers for c in changes.annotations_in(article.id))):
            self._counts()
