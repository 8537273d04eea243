"""The status line: what is selected, how many annotations, database, analyst."""

from __future__ import annotations

import html

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from annotator.qt.pane import Pane
from annotator.services.changes import Changes


class StatusPane(Pane):
    name = "statusLine"

    def build(self) -> QWidget:
        bar = self.wb.window.statusBar()
        self.analyst = QLabel()
        self.analyst.setObjectName("statusAnalyst")
        self.selection = QLabel()
        self.selection.setObjectName("statusSelection")
        self.db = QLabel()
        self.db.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # grey, light or dark
        bar.addWidget(self.selection, 1)
        bar.addPermanentWidget(self.db)
        bar.addPermanentWidget(self.analyst)
        self.wb.view.selectionChangedCp.connect(lambda _s, _e: self.update())
        self.update()
        return bar

    def article_changed(self) -> None:
        self.update()

    def selection_changed(self) -> None:
        self.update()

    def apply_changes(self, changes: Changes) -> None:
        self.update()

    def update(self) -> None:
        wb = self.wb
        name = wb.analyst or "(no analyst name — File › Set analyst name)"
        self.analyst.setText(f"Analyst: <b>{html.escape(name)}</b>")
        if not wb.is_attached:
            return  # start-up: the status line says what is being opened
        self.db.setText(wb.project.display_name)
        if wb.article is None:
            self.selection.setText("No article open — File › Open to import one")
            return
        start, end = wb.view.selection_cp()
        n = wb.article.count
        loading = "" if wb.article.complete else " (loading…)"
        if start != end:
            self.selection.setText(
                f"Selected characters {start}–{end} ({end - start}) · press 1–9 to tag · "
                f"{n} annotation(s){loading}")
        else:
            self.selection.setText(f"{n} annotation(s) in this article{loading}")
