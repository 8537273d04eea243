"""Selection flows: step through annotations, clear the selection."""

from __future__ import annotations

from annotator.qt.workbench import Workbench


class SelectionController:
    def __init__(self, wb: Workbench) -> None:
        self.wb = wb
        act = wb.actions
        act.add("actionNextAnnotation", "&Next annotation", lambda: self.step(1),
                "Ctrl+Down", menu="&Edit", section=2)
        act.add("actionPrevAnnotation", "&Previous annotation", lambda: self.step(-1),
                "Ctrl+Up", menu="&Edit", section=2)
        act.add("actionClearSelection", "Clear selection", self.clear, "Esc",
                help="clear the text selection and the selected annotation")

    def step(self, step: int) -> None:
        wb = self.wb
        article = wb.article
        if article is None or not article.rows:
            return
        row = article.row_of(wb.selected_id) if wb.selected_id else None
        if row is None:
            cursor = wb.view.cursor_cp()
            rows = article.rows
            row = next((i for i, a in enumerate(rows) if a.start >= cursor), len(rows)) - \
                (1 if step > 0 else 0)
        row = max(0, min(len(article.rows) - 1, row + step))
        wb.select(article.rows[row].id)

    def clear(self) -> None:
        self.wb.view.clear_selection()
        self.wb.select(None)
