"""The discussion thread of the selected annotation (right dock, tab)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from annotator.qt.pane import Pane
from annotator.services.changes import Changes


class DiscussionPane(Pane):
    name = "commentsDock"
    title = "Discussion"
    area = Qt.DockWidgetArea.RightDockWidgetArea
    tab_with = "reviewDock"

    def build(self) -> QWidget:
        from annotator.qt.comments import CommentsThread

        self.thread = CommentsThread(self.wb.project, self.wb.window)
        return self.thread

    def selection_changed(self) -> None:
        self.thread.show_annotation(self.wb.selected_id, self.wb.analyst or "unknown")

    def article_changed(self) -> None:
        self.selection_changed()

    def shown(self) -> None:
        self.selection_changed()

    def apply_changes(self, changes: Changes) -> None:
        if (self.wb.selected_id is not None and self.wb.selected_id in changes.comments) \
                or changes.analyst:
            self.selection_changed()
