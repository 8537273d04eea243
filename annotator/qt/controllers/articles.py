"""Article flows: open/import files and folders, paste text, edit article details."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QMessageBox

from annotator.domain.errors import UserInputError
from annotator.qt.recent_files import RecentFiles
from annotator.qt.workbench import Workbench
from annotator.services.changes import Changes


class ArticlesController:
    def __init__(self, wb: Workbench) -> None:
        self.wb = wb
        act = wb.actions
        act.add("actionOpen", "&Open / Import articles…", self.open_files,
                QKeySequence.StandardKey.Open, menu="&File", section=0,
                help="open or import articles")
        act.add("actionImportFolder", "Import &folder…", self.import_folder, menu="&File")
        self.recent = RecentFiles(wb.settings, lambda path: self.import_paths([path]), wb)
        self.recent.pruned.connect(lambda message: wb.status(message, 8000))
        self.recent.attach(act.menu("&File/Recent &files"))
        act.add("actionPasteArticle", "&Paste as new article…", self.paste_article,
                "Ctrl+Shift+V", menu="&File", help="paste text as a new article")
        act.add("actionArticleDetails", "Article &details…", self.edit_article_metadata,
                "Ctrl+Shift+D", menu="&Edit", section=3,
                help="edit the article's title, outlet, URL and date")

    def open_first(self, article_id: int | None = None) -> None:
        """On start: the article asked for, else the last one open, else the first."""
        from annotator.services import articles

        items = articles.list_articles(self.wb.project)
        ids = [a.id for a in items]
        if article_id is None:
            remembered = self.wb.settings.value("session/article")
            try:
                article_id = int(str(remembered)) if remembered is not None else None
            except (TypeError, ValueError):
                article_id = None
        if article_id not in ids:
            article_id = ids[0] if ids else None
        if article_id is not None:
            self.wb.open_article(article_id)

    def open_files(self) -> None:
        from PySide6.QtWidgets import QFileDialog  # dialog types: created when first used

        from annotator.qt.file_filters import ARTICLE_FILTER

        files, _ = QFileDialog.getOpenFileNames(self.wb.window, "Open articles",
                                                self.wb.last_dir("open"), ARTICLE_FILTER)
        if files:
            self.wb.remember_dir(files[0], "open")
            self.import_paths([Path(f) for f in files])

    def import_paths(self, paths: list[Path]) -> list[int]:
        """Import files (all or none); report problems in a dialog, never a traceback."""
        from annotator.services import articles

        wb = self.wb
        try:
            report = articles.import_files(wb.project, paths)
        except UserInputError as exc:
            QMessageBox.warning(wb.window, "Cannot import", str(exc))
            return []
        if report.warnings:
            QMessageBox.information(wb.window, "Imported with a guess",
                                    "\n".join(report.warnings))
        ids = report.article_ids
        if ids:
            self.recent.add(*reversed(paths))  # the one shown (the last) ends up on top
            wb.apply_changes(report.changes)
            wb.open_article(ids[-1])
            dupes = [a for a in report.imported if a.duplicate]
            new = len(ids) - len(dupes)
            if dupes and not new:
                msg = (f"Already in the project: “{dupes[-1].title}” — opened the existing "
                       "copy, nothing imported" if len(dupes) == 1 else
                       f"All {len(dupes)} articles are already in the project; opened the "
                       "existing copies, nothing imported")
            else:
                msg = f"Imported {new} article(s)"
                if dupes:
                    msg += f"; {len(dupes)} already in the project (opened the existing copy)"
            wb.status(msg, 8000)
        return ids

    def import_folder(self) -> None:
        """Import every article file under a folder, with progress and Cancel."""
        from PySide6.QtWidgets import QFileDialog

        from annotator.qt.interop_dialogs import run_with_progress
        from annotator.services.folder_import import FolderImportReport, import_folder

        wb = self.wb
        folder = QFileDialog.getExistingDirectory(wb.window, "Import a folder of articles",
                                                  wb.last_dir("open"))
        if not folder:
            return
        wb.remember_dir(folder, "open")
        result = run_with_progress(wb.window, "Importing articles…", import_folder,
                                   wb.project, folder)
        if result.cancelled:
            wb.status("Import cancelled; nothing was imported")
            return
        if result.error:
            QMessageBox.warning(wb.window, "Cannot import folder", result.error)
            return
        report = result.value
        assert isinstance(report, FolderImportReport)
        wb.apply_changes(report.changes)
        ids = [a.article_id for a in report.articles]
        if ids:
            wb.open_article(ids[-1])
        summary = f"Imported {len(report.imported)} article(s) from {folder}"
        if report.duplicates:
            summary += f"; {len(report.duplicates)} already in the project"
        if report.failed:
            summary += f"; {len(report.failed)} could not be imported:\n" + "\n".join(
                f"{p.path}: {p.message}" for p in report.failed)
            QMessageBox.information(wb.window, "Folder imported with problems", summary)
        else:
            wb.status(summary, 8000)

    def paste_article(self) -> None:
        from annotator.qt.interop_dialogs import PasteArticleDialog

        dialog = PasteArticleDialog(self.wb.project, self.wb.window)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.imported is not None:
            self.wb.apply_changes(Changes.articles_added([dialog.imported.article_id]))
            self.wb.open_article(dialog.imported.article_id)
            if dialog.imported.duplicate:
                self.wb.status("That text is already in the project: opened the existing "
                               "article", 8000)

    def edit_article_metadata(self) -> None:
        from annotator.qt.interop_dialogs import ArticleMetadataDialog

        wb = self.wb
        if wb.article is None:
            return
        dialog = ArticleMetadataDialog(wb.project, wb.article.id, wb.window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            wb.apply_changes(Changes(article_metadata=frozenset({wb.article.id}),
                                     article_list=True))
            wb.status("Article details saved (not undoable: edit them again to change "
                      "them back)", 8000)
