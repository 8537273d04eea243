"""Project flows: the analyst's name, another database, colleagues' changes, the
taxonomy."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from annotator.domain.errors import UserInputError
from annotator.qt.workbench import Workbench
from annotator.services.changes import Changes

REFRESH_INTERVAL_MS = 20_000
"""How often an open window checks the database for colleagues' changes."""
SIGNATURE_EVERY = 6
"""Every so many polls, also compare the article's (count, latest update) signature:
a writer that bypassed the audit trail is caught then, by a full reload."""


class ProjectController:
    def __init__(self, wb: Workbench) -> None:
        self.wb = wb
        act = wb.actions
        act.add("actionOpenDatabase", "Open &database…", self.open_database, "Ctrl+Shift+O",
                menu="&File", section=1, help="open another project file or team server")
        act.add("actionAnalystName", "Set analyst &name…", self.ask_analyst_name,
                menu="&File", section=3)
        act.add("actionQuit", "&Quit", wb.window.close, QKeySequence.StandardKey.Quit,
                menu="&File", section=9)
        act.add("actionEditTaxonomy", "Edit &taxonomy (source types)…", self.edit_taxonomy,
                "Ctrl+T", menu="&Edit", section=3, help="edit the source types")
        act.add("actionRefresh", "&Refresh (colleagues' changes)", self.refresh_now,
                QKeySequence.StandardKey.Refresh, menu="&View", section=0,
                help="refresh with colleagues' changes")
        self.timer = QTimer(wb)
        self.timer.setInterval(REFRESH_INTERVAL_MS)
        self.timer.timeout.connect(self.check_for_updates)
        self.timer.start()
        self._polls = 0

    def ask_analyst_name(self) -> bool:
        from PySide6.QtWidgets import QInputDialog  # created when first used

        wb = self.wb
        name, ok = QInputDialog.getText(
            wb.window, "Your name",
            "Your name is stored on every annotation you make,\n"
            "so colleagues can tell whose tags are whose:", text=wb.analyst)
        name = " ".join(name.split())
        if ok and name:
            wb.settings.setValue("analyst/name", name)
            wb.settings.sync()
            wb.apply_changes(Changes(analyst=True))
            return True
        return False

    def edit_taxonomy(self) -> None:
        from annotator.qt.taxonomy_editor import TaxonomyEditor

        dialog = TaxonomyEditor(self.wb.project, self.wb.window)
        dialog.taxonomyChanged.connect(lambda: self.wb.apply_changes(Changes(labels=True)))
        dialog.exec()

    def open_database(self) -> None:
        """Switch to another project file or team server (a new window on it)."""
        from annotator.qt.database_dialog import DatabaseDialog, remember_database
        from annotator.services.project import DatabaseError, Project

        wb = self.wb
        dialog = DatabaseDialog(wb.settings, wb.window, current=wb.project.url)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        url = dialog.selected_url()
        if url is None:
            return
        try:
            project = Project(url)
        except (DatabaseError, UserInputError) as exc:
            QMessageBox.critical(wb.window, "Cannot open database", str(exc))
            return
        remember_database(wb.settings, url)
        wb.settings.remove("session/article")
        wb.open_window(project)
        wb.window.close()

    def check_for_updates(self) -> None:
        """Periodic: fold in colleagues' changes to the open article.

        Only what changed is read (``OpenArticle.refresh``: the article's new audit
        events, then those annotations), so a poll costs the number of changes, not
        the size of the article; the changes go through the router as single edits,
        so the table moves rows and the text repaints only the blocks they touch.
        """
        wb = self.wb
        article = wb.article
        if article is None or not article.complete or QApplication.activeModalWidget():
            return
        self._polls += 1
        try:
            refresh = article.refresh(wb.project)
        except Exception:  # a dropped server connection must not crash the window
            wb.status("Cannot reach the database to check for changes", 5000)
            return
        if refresh.changes:
            selected = wb.selected_id
            wb.apply_changes(Changes(annotations=tuple(refresh.changes),
                                     review=frozenset({article.id})))
            # The table's current row moves when rows are taken out and put back
            # under it; a colleague's change must not move the analyst's selection.
            if (selected is not None and wb.selected_id != selected
                    and wb.article is not None and selected in wb.article.by_id):
                wb.select(selected, scroll_text=False)
            n = len(refresh.changes)
            wb.status(f"Updated with {n} change{'s' if n != 1 else ''} by colleagues", 5000)
        if self._polls % SIGNATURE_EVERY or wb.article is not article:
            return
        try:
            stale = article.stored_signature(wb.project) != article.signature()
        except Exception:
            return
        if stale:
            wb.apply_changes(Changes(reload_articles=frozenset({article.id}),
                                     review=frozenset({article.id}), article_list=True))
            wb.status("Updated with colleagues' changes", 5000)

    def refresh_now(self) -> None:
        wb = self.wb
        ids = frozenset({wb.article.id}) if wb.article else frozenset()
        wb.apply_changes(Changes(reload_articles=ids, review=ids, article_list=True,
                                 labels=True))
        wb.status("Refreshed", 3000)

