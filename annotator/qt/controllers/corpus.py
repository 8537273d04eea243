"""Across the corpus: open Search (Ctrl+Shift+F) and Sources, and "this source in other
articles" for the selected annotation."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from annotator.qt.pane import PaneManager
from annotator.qt.workbench import Workbench


class CorpusController:
    def __init__(self, wb: Workbench, panes: PaneManager) -> None:
        self.wb = wb
        self.panes = panes
        act = wb.actions
        act.add("actionSearchCorpus", "&Search all articles…", self.show_search,
                "Ctrl+Shift+F", menu="&Edit", section=6, scope="window",
                help="full-text search over every article and annotation")
        act.add("actionSources", "Sources across &articles", self.show_sources,
                menu="&Edit", section=6, help="the registry of sources")
        act.add("actionSourceElsewhere", "This source in &other articles",
                self.source_elsewhere, "Ctrl+Shift+G", menu="&Edit", section=6,
                scope="window",
                help="the selected annotation's source, in every other article")

    def _raise(self, name: str):  # type: ignore[no-untyped-def]  # noqa: ANN202
        pane = self.panes.get(name)
        assert pane.dock is not None
        pane.dock.show()
        pane.dock.raise_()
        return pane

    def show_search(self) -> None:
        self._raise("searchDock").focus_query()

    def show_sources(self) -> None:
        self._raise("sourcesDock")

    def source_elsewhere(self) -> None:
        from annotator.services import sources

        article, ann_id = self.wb.article, self.wb.selected_id
        if article is None or ann_id is None:
            QMessageBox.information(self.wb.window, "Sources",
                                    "Select an annotation with a source mention first.")
            return
        source_id = sources.source_of_annotation(self.wb.project, ann_id)
        if source_id is None:
            QMessageBox.information(self.wb.window, "Sources",
                                    "This annotation has no source mention yet (press S "
                                    "with the source's phrase selected).")
            return
        self._raise("sourcesDock").show_source(source_id, other_than_article=article.id)
