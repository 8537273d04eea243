"""Interop flows: import annotations, export CSV and other tools' formats, merge a
colleague's file, and the list of imported annotations that need review."""

from __future__ import annotations

import html
import re
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
)

from annotator.qt.workbench import Workbench
from annotator.services.changes import Changes

if TYPE_CHECKING:  # loads the storage stack: not at start-up
    from annotator.services.interop import AnnotationImportReport

EXPORT_MENU = "&File/Export current article as"


def file_stem(title: str, fallback: str) -> str:
    """A file name from an article title: ``"Qatar talks: day 2"`` → ``qatar-talks-day-2``."""
    stem = re.sub(r"[^\w]+", "-", title.casefold(), flags=re.UNICODE).strip("-_")
    return stem[:60].rstrip("-_") or fallback


class InteropController:
    def __init__(self, wb: Workbench) -> None:
        self.wb = wb
        act = wb.actions
        act.add("actionMerge", "&Merge a colleague's tags…", lambda: self.open_merge(),
                "Ctrl+M", menu="&File", section=1, help="merge a colleague's project or CSV")
        act.add("actionImportAnnotations", "&Import annotations…",
                lambda: self.import_annotations_dialog(), "Ctrl+I", menu="&File", section=2)
        act.add("actionExportCurrent", "Export CSV (&current article)…",
                lambda: self.export_dialog(current=True), "Ctrl+E", menu="&File", section=2,
                help="export this article's annotations as CSV")
        act.add("actionExportAll", "Export CSV (&all articles)…",
                lambda: self.export_dialog(current=False), "Ctrl+Shift+E", menu="&File",
                section=2, help="export every article's annotations as CSV")
        act.menu(EXPORT_MENU)
        wb.attached.connect(self._add_export_formats)
        self.review_dialog: QDialog | None = None

    def _add_export_formats(self) -> None:
        """One command per other tool's format, from the registry: added once the
        project is attached (the registry is not needed for the start-up shell)."""
        from annotator.qt.file_filters import EXPORT_FORMATS, export_title

        for fmt in EXPORT_FORMATS:
            self.wb.actions.add(f"actionExport_{fmt.name}", f"Export {export_title(fmt)}…",
                                partial(self.export_format_dialog, fmt.name),
                                menu=EXPORT_MENU)

    # -------------------------------------------------------------- import
    def import_annotations_dialog(self, path: Path | None = None) -> None:
        from annotator.qt.interop_dialogs import ImportAnnotationsDialog

        wb = self.wb
        dialog = ImportAnnotationsDialog(wb.project, wb.window, path=path,
                                         article_id=wb.article.id if wb.article else None)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        report = dialog.report
        if report is None:
            return
        wb.apply_changes(report.changes)
        wb.status(report.summary().splitlines()[0], 8000)
        if report.review:
            self.show_reanchor_review(report)

    def show_reanchor_review(self, report: AnnotationImportReport) -> QDialog:
        """Annotations that could not be placed confidently: listed, never placed.

        Double-clicking a row with a suggested place shows it in the article, so the
        analyst can tag it by hand if the suggestion is right.
        """
        from PySide6.QtWidgets import QTableWidget, QTableWidgetItem  # created when first used

        wb = self.wb
        dialog = QDialog(wb.window)
        dialog.setWindowTitle("Annotations to review")
        dialog.setObjectName("reanchorReview")
        layout = QVBoxLayout(dialog)
        intro = QLabel(
            f"{len(report.review)} annotation(s) were <b>not imported</b>: the article text "
            "differs from the one they were made on and they could not be placed with "
            "confidence." + (f" The list is also saved in {html.escape(report.review_path)}."
                             if report.review_path else ""))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        table = QTableWidget(len(report.review), 6)
        table.setObjectName("reanchorTable")
        table.setHorizontalHeaderLabels(["Status", "Label", "Quote", "Suggested place",
                                         "Suggested text", "Why"])
        for row, item in enumerate(report.review):
            place = (f"{item.suggested_start}–{item.suggested_end}"
                     if item.suggested_start is not None else "—")
            for col, value in enumerate((item.status, item.label, item.quote, place,
                                         item.suggested_text, item.reason)):
                cell = QTableWidgetItem(str(value or ""))
                cell.setToolTip(str(value or ""))
                table.setItem(row, col, cell)
        table.horizontalHeader().setStretchLastSection(True)
        table.resizeColumnsToContents()

        def jump(row: int, _col: int) -> None:
            item = report.review[row]
            if item.suggested_start is not None and wb.article is not None and \
                    item.suggested_end is not None and item.suggested_end <= len(wb.article.text):
                wb.view.select_cp(item.suggested_start, item.suggested_end)

        table.cellDoubleClicked.connect(jump)
        layout.addWidget(table)
        dialog.resize(900, 360)
        dialog.show()
        self.review_dialog = dialog
        return dialog

    # -------------------------------------------------------------- export
    def _stem(self, current: bool) -> str:
        article = self.wb.article
        if current and article is not None:
            return file_stem(article.article.title, f"article-{article.id}")
        return "annotations"

    def export_dialog(self, *, current: bool) -> None:
        from PySide6.QtWidgets import QFileDialog  # dialog types: created when first used

        wb = self.wb
        if current and wb.article is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            wb.window, "Export CSV",
            str(Path(wb.last_dir("export")) / f"{self._stem(current)}.csv"), "CSV (*.csv)")
        if not path:
            return
        wb.remember_dir(path, "export")
        n = self.export_to(Path(path), current=current)
        if n is not None:
            wb.status(f"Exported {n} annotation(s) to {path}", 8000)

    def export_to(self, path: Path, *, current: bool) -> int | None:
        """Write the CSV in a worker thread (progress, Cancel); the file appears whole
        or not at all."""
        from annotator.qt.interop_dialogs import run_with_progress
        from annotator.services.export_csv import export_csv_file

        wb = self.wb
        article_id = wb.article.id if current and wb.article else None
        result = run_with_progress(wb.window, "Exporting CSV…", export_csv_file, wb.project,
                                   path, article_id=article_id)
        if result.error:
            QMessageBox.warning(wb.window, "Export failed", result.error)
            return None
        if result.cancelled:
            wb.status("Export cancelled; no file written")
            return None
        return int(str(result.value))

    def export_format_dialog(self, fmt: str) -> None:
        """Export the current article in another tool's format, off the UI thread."""
        from PySide6.QtWidgets import QFileDialog

        from annotator.domain.formats.registry import get_format
        from annotator.qt.file_filters import export_title
        from annotator.qt.interop_dialogs import run_with_progress
        from annotator.services.interop import export_annotations

        wb = self.wb
        if wb.article is None:
            return
        spec = get_format(fmt)
        title = export_title(spec)
        start_dir = wb.last_dir("export")
        if spec.writes_folder:
            target = QFileDialog.getExistingDirectory(wb.window, f"Export {title} into folder",
                                                      start_dir)
        else:
            target, _ = QFileDialog.getSaveFileName(
                wb.window, f"Export {title}",
                str(Path(start_dir) / f"{self._stem(True)}{spec.default_extension}"),
                f"{spec.file_filter};;All files (*)")
        if not target:
            return
        wb.remember_dir(target, "export")
        result = run_with_progress(wb.window, f"Exporting {title}…", export_annotations,
                                   wb.project, fmt, target, article_id=wb.article.id)
        if result.error:
            QMessageBox.warning(wb.window, "Export failed", result.error)
        elif not result.cancelled:
            wb.status(f"Exported to {target}", 8000)

    # --------------------------------------------------------------- merge
    def open_merge(self, path: Path | None = None) -> None:
        from annotator.qt.merge_dialog import MergeDialog

        wb = self.wb
        dialog = MergeDialog(wb.project, wb.analyst or "unknown", wb.window)
        dialog.merged.connect(self._after_merge)
        if path is not None:
            dialog.set_path(path)
        dialog.exec()

    def _after_merge(self, article_ids: list[int]) -> None:
        self.wb.apply_changes(Changes.bulk(article_ids, labels=True, review=True)
                              | Changes(article_list=True))
        self.wb.status("Merged (a merge is not undoable: it only ever adds, and merging the "
                       "same file again adds nothing)", 10_000)
