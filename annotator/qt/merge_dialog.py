"""File › Merge a colleague's tags…: preview, then merge (see ``services/merge.py``).

:class:`MergeDialog` takes a colleague's annotator project file (``.sqlite``) or a CSV
exported by annotator, runs :func:`~annotator.services.merge.merge_file` as a **dry
run** and shows what would happen: articles matched and added, annotations to add,
identical ones skipped, **conflicts** (same annotation, different content — both
versions' differing fields side by side; this project's version is kept) and CSV
articles that could not be matched. *Merge* then does it for real (one transaction),
shows the summary and emits :attr:`MergeDialog.merged` with the local article ids to
refresh. A file that cannot be merged is reported in the dialog, naming the file and
the problem; the project is unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserInputError
from annotator.domain.model import Annotation
from annotator.qt import theme
from annotator.qt.database_dialog import StatusBanner
from annotator.qt.theme import muted_text
from annotator.services import articles, connection
from annotator.services.merge import MergeConflict, MergeReport, merge_file
from annotator.services.project import DatabaseError, Project

__all__ = ["MERGE_FILTER", "MergeDialog"]

MERGE_FILTER = ("annotator project or CSV export (*.sqlite *.sqlite3 *.db *.csv);;"
                "annotator project (*.sqlite *.sqlite3 *.db);;CSV export (*.csv);;"
                "All files (*)")

COUNTS = (  # (key, label in a preview, label after merging, column)
    ("articles_matched", "Articles matched", "Articles matched", 0),
    ("articles_added", "Articles to add", "Articles added", 0),
    ("unmatched", "Articles not matched", "Articles not matched", 0),
    ("annotations_added", "Annotations to add", "Annotations added", 1),
    ("skipped_identical", "Already here (identical)", "Already here (identical)", 1),
    ("conflicts", "Conflicts", "Conflicts", 1),
)


class MergeDialog(QDialog):
    """Preview and merge a colleague's project file or CSV into ``project``."""

    merged = Signal(list)
    """Local article ids that received annotations or were added (views to refresh)."""

    def __init__(self, project: Project, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.setWindowTitle("Merge a colleague's tags")
        self.project = project
        self.actor = actor
        self.preview: MergeReport | None = None
        """The last dry run's report (None before one ran, or after an error)."""
        self.report: MergeReport | None = None
        """The real merge's report, once *Merge* was pressed."""
        self._titles: dict[int, str] = {}

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        intro = QLabel("Bring in the tags from a colleague's annotator project file (.sqlite) "
                       "or a CSV exported by annotator. Their file is not changed, and nothing "
                       "here is overwritten: where you both changed the same annotation, yours "
                       "is kept and the difference is listed as a conflict.")
        intro.setWordWrap(True)
        intro.setObjectName("mergeIntro")
        intro.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # grey, light or dark
        layout.addWidget(intro)

        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("mergePath")
        self.path_edit.setPlaceholderText("colleague.sqlite or annotations.csv")
        self.path_edit.setClearButtonEnabled(True)
        # Enter in the path field previews; it must not reach the dialog, whose default
        # button would close it (or merge) before the analyst saw the preview.
        self.path_edit.installEventFilter(self)
        browse = QPushButton("Browse…")
        browse.setObjectName("mergeBrowse")
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        self.preview_button = QPushButton("Preview")
        self.preview_button.setObjectName("mergePreviewButton")
        self.preview_button.setAutoDefault(False)
        self.preview_button.clicked.connect(self.run_preview)
        row = QHBoxLayout()
        row.addWidget(QLabel("File:"))
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        row.addWidget(self.preview_button)
        layout.addLayout(row)

        self.banner = StatusBanner("mergeStatus")
        self.message = self.banner.label
        self.message.setObjectName("mergeMessage")
        layout.addWidget(self.banner)

        self.result_box = QGroupBox("Preview — nothing written yet")
        self.result_box.setObjectName("mergeResult")
        box = QVBoxLayout(self.result_box)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        self.counts: dict[str, QLabel] = {}
        self._count_names: dict[str, QLabel] = {}
        rows = [0, 0]
        for key, text, _done, col in COUNTS:
            name = QLabel(text + ":")
            self._count_names[key] = name
            value = QLabel("–")
            value.setObjectName(f"count_{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setMinimumWidth(40)
            grid.addWidget(name, rows[col], col * 2)
            grid.addWidget(value, rows[col], col * 2 + 1)
            rows[col] += 1
            self.counts[key] = value
        grid.setColumnStretch(4, 1)
        box.addLayout(grid)
        self.extra = QLabel()
        self.extra.setObjectName("mergeExtra")
        self.extra.setWordWrap(True)
        box.addWidget(self.extra)

        self.conflict_title = QLabel()
        self.conflict_title.setTextFormat(Qt.TextFormat.RichText)
        box.addWidget(self.conflict_title)
        self.conflict_table = self._table(
            "mergeConflicts", ["Article", "Annotated text", "Differs", "Here (kept)",
                               "Theirs (not merged)"])
        box.addWidget(self.conflict_table, 2)

        self.unmatched_title = QLabel()
        self.unmatched_title.setTextFormat(Qt.TextFormat.RichText)
        box.addWidget(self.unmatched_title)
        self.unmatched_table = self._table(
            "mergeUnmatched", ["Their article", "Title", "Annotations", "Why"])
        box.addWidget(self.unmatched_table, 1)
        box.addStretch(0)  # takes the room when both tables are hidden
        layout.addWidget(self.result_box, 1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.merge_button = QPushButton("Merge")
        self.merge_button.setObjectName("mergeButton")
        self.merge_button.setEnabled(False)
        self.merge_button.setAutoDefault(False)
        self.buttons.addButton(self.merge_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.merge_button.clicked.connect(self.run_merge)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._clear_results()
        self.resize(900, 620)

    def _table(self, name: str, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.setWordWrap(True)
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        return table

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (obj is self.path_edit and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self.run_preview()
            return True
        return super().eventFilter(obj, event)

    # ------------------------------------------------------------------ actions
    def set_path(self, path: str | Path) -> MergeReport | None:
        """Use ``path`` and preview it (returns the dry run's report, None on error)."""
        self.path_edit.setText(str(path))
        return self.run_preview()

    def path(self) -> str:
        return self.path_edit.text().strip()

    def _browse(self) -> None:
        start = str(Path(self.path()).parent) if self.path() else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Merge a colleague's file", start,
                                              MERGE_FILTER)
        if path:
            self.set_path(path)

    def run_preview(self) -> MergeReport | None:
        """Dry run: show what merging the file would do; writes nothing."""
        self.report = None
        self.preview = None
        self._clear_results()
        path = self.path()
        if not path:
            self._error("Choose a colleague's project file (.sqlite) or CSV export.")
            return None
        if self._is_this_project(path):
            self._error(f"{path} is this project's own file: choose a colleague's file.")
            return None
        report = self._call(path, dry_run=True)
        if report is None:
            return None
        self.preview = report
        self._show_report(report)
        if _has_work(report):
            self.merge_button.setEnabled(True)
            self.banner.show_message("info", "Preview only: nothing has been written yet. "
                                     "Press Merge to bring these in.")
        else:
            self.banner.show_message("ok", "Nothing new to merge: everything in this file "
                                     "is already here" + (" (apart from the conflicts "
                                     "listed)." if report.conflicts else "."))
        return report

    def run_merge(self) -> MergeReport | None:
        """Merge for real, show the summary and emit :attr:`merged`."""
        path = self.path()
        if self.preview is None or not path:
            return None
        self.merge_button.setEnabled(False)
        report = self._call(path, dry_run=False)
        if report is None:
            return None
        self.report = report
        self._show_report(report)
        added = report.annotations_added
        self.banner.show_message(
            "ok", f"Merged: {added} annotation{'' if added == 1 else 's'} added"
            + (f", {report.articles_added} article{'' if report.articles_added == 1 else 's'}"
               f" added" if report.articles_added else "")
            + (f"; {len(report.conflicts)} conflict"
               f"{'' if len(report.conflicts) == 1 else 's'} left as they were here"
               if report.conflicts else "") + ".")
        self.merged.emit(list(report.article_ids))
        return report

    def _call(self, path: str, *, dry_run: bool) -> MergeReport | None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return merge_file(self.project, path, actor=self.actor, dry_run=dry_run)
        except (UserInputError, DatabaseError) as exc:
            self._clear_results()
            self._error(_sentence(f"Cannot merge: {exc}")
                        + ("" if dry_run else " Nothing was merged."))
        except Exception as exc:  # shown rather than lost; the merge is one transaction
            self._clear_results()
            self._error(f"Cannot merge {path}: unexpected error ({type(exc).__name__}: "
                        f"{exc}). Nothing was merged.")
        finally:
            QGuiApplication.restoreOverrideCursor()
        return None

    def _is_this_project(self, path: str) -> bool:
        try:
            here = connection.locate(self.project.url)
        except UserInputError:
            return False
        if not here.is_file:
            return False
        try:
            return Path(path).expanduser().resolve() == Path(here.path).resolve()
        except OSError:
            return False

    # ------------------------------------------------------------------ display
    def _error(self, text: str) -> None:
        self.merge_button.setEnabled(False)
        self.banner.show_message("error", text)

    def error_text(self) -> str:
        """The error shown in the dialog ("" when none)."""
        return self.message.text() if self.banner.state == "error" \
            and self.banner.isVisibleTo(self) else ""

    def _clear_results(self) -> None:
        self.merge_button.setEnabled(False)
        self.banner.hide()
        self.result_box.setTitle("Preview — nothing written yet")
        self.result_box.setEnabled(False)
        for label in self.counts.values():
            label.setText("–")
            label.setStyleSheet("")
        self.extra.clear()
        self.extra.hide()
        for title, table in ((self.conflict_title, self.conflict_table),
                             (self.unmatched_title, self.unmatched_table)):
            title.hide()
            table.setRowCount(0)
            table.hide()

    def count(self, key: str) -> int:
        """The number shown for ``key`` (a :data:`COUNTS` key); -1 when none is shown."""
        text = self.counts[key].text()
        return int(text) if text.isdigit() else -1

    def _show_report(self, report: MergeReport) -> None:
        self.result_box.setEnabled(True)
        self.result_box.setTitle(
            f"Preview of {report.source} ({report.kind}) — nothing written yet"
            if report.dry_run else f"Merged {report.source} ({report.kind})")
        values = {
            "articles_matched": report.articles_matched,
            "articles_added": report.articles_added,
            "unmatched": len(report.unmatched_articles),
            "annotations_added": report.annotations_added,
            "skipped_identical": report.skipped_identical,
            "conflicts": len(report.conflicts),
        }
        for key, text, done, _col in COUNTS:
            self._count_names[key].setText((text if report.dry_run else done) + ":")
        for key, value in values.items():
            label = self.counts[key]
            label.setText(str(value))
            bold = value and key in ("annotations_added", "articles_added", "conflicts",
                                     "unmatched")
            colour = theme.css("error" if key in ("conflicts", "unmatched") else "ok",
                               self.palette())
            label.setStyleSheet(f"font-weight:bold; color:{colour};" if bold else "")
        extra = []
        verb = "to add" if report.dry_run else "added"
        if report.labels_added:
            extra.append(f"Labels {verb} to the taxonomy: {', '.join(report.labels_added)}.")
        if report.comments_added:
            extra.append(f"Review comments {verb}: {report.comments_added}.")
        if report.events_added:
            extra.append(f"History events {verb} to annotations already here: "
                         f"{report.events_added}.")
        if report.skipped_deleted:
            n = len(report.skipped_deleted)
            extra.append(f"Not brought back because they were deleted here: {n} "
                         f"annotation{'' if n == 1 else 's'}.")
        self.extra.setText(" ".join(extra))
        self.extra.setVisible(bool(extra))
        self._titles = {a.id: a.title for a in articles.list_articles(self.project)}
        self._fill_conflicts(report.conflicts)
        self._fill_unmatched(report)

    def _fill_conflicts(self, conflicts: list[MergeConflict]) -> None:
        table = self.conflict_table
        table.setRowCount(len(conflicts))
        for row, c in enumerate(conflicts):
            fields = _grouped(c.fields)
            ours = "\n".join(self._describe(c.ours, c.theirs, f) for f in fields)
            theirs = "\n".join(self._describe(c.theirs, c.ours, f) for f in fields)
            title = self._titles.get(c.ours.article_id, f"article {c.ours.article_id}")
            cells = [_clip(title, 30), _clip(c.ours.text, 60), ", ".join(fields), ours, theirs]
            tips = [title, c.ours.text, f"annotation {c.annotation_id}",
                    f"{c.ours.annotator}, version {c.ours.version}, updated "
                    f"{c.ours.updated_at[:19].replace('T', ' ')}\n{ours}",
                    f"{c.theirs.annotator}, version {c.theirs.version}, updated "
                    f"{c.theirs.updated_at[:19].replace('T', ' ')}\n{theirs}"]
            for col, (text, tip) in enumerate(zip(cells, tips, strict=True)):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                item.setData(Qt.ItemDataRole.UserRole, c.annotation_id)
                table.setItem(row, col, item)
        n = len(conflicts)
        self.conflict_title.setText(
            f"<b>{n} conflict{'' if n == 1 else 's'}</b> <span style='color:{muted_text(self.palette())}'>— same "
            f"annotation changed on both sides; this project's version is kept. Edit it "
            f"here if theirs is right.</span>" if n else
            f"<span style='color:{theme.css('ok', self.palette())}'>No conflicts.</span>")
        self._resize(table, [180, 150, 80, 215])
        self.conflict_title.show()
        table.setVisible(bool(n))

    def _fill_unmatched(self, report: MergeReport) -> None:
        table = self.unmatched_table
        rows = report.unmatched_articles
        table.setRowCount(len(rows))
        for row, u in enumerate(rows):
            cells = [str(u.source_article_id), u.title, str(u.n_annotations), u.reason]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(_clip(text, 60) if col == 1 else text)
                item.setToolTip(text)
                table.setItem(row, col, item)
        n = len(rows)
        self.unmatched_title.setText(
            f"<b>{n} article{'' if n == 1 else 's'} not matched</b> <span style='color:{muted_text(self.palette())}'>"
            f"— {'its' if n == 1 else 'their'} annotations are left out; import the "
            f"article{'' if n == 1 else 's'} first, then merge again.</span>")
        self._resize(table, [90, 240, 90])
        self.unmatched_title.setVisible(bool(n))
        table.setVisible(bool(n))

    @staticmethod
    def _resize(table: QTableWidget, widths: list[int]) -> None:
        for col, width in enumerate(widths):
            table.setColumnWidth(col, width)
        table.resizeRowsToContents()

    def _describe(self, ann: Annotation, other: Annotation, field: str) -> str:
        """One differing field of ``ann`` as the analyst reads it."""
        if field == "span":
            return f"span {ann.start}–{ann.end} “{_clip(ann.text, 40)}”"
        if field == "source":
            if ann.source_start is None:
                return "source: none"
            return f"source {ann.source_start}–{ann.source_end}"
        if field == "label":
            label = self.project.label(ann.label)
            return f"label: {label.name if label else ann.label}"
        if field == "note":
            return f"note: “{_clip(ann.note, 60)}”" if ann.note else "note: (empty)"
        if field == "facets":
            return _facet_difference(ann.facets, other.facets)
        if field == "article_id":
            return f"article: {self._titles.get(ann.article_id, ann.article_id)}"
        value = getattr(ann, field, None)
        return f"{field.replace('_', ' ')}: {value if value not in (None, '') else '(none)'}"


def _has_work(report: MergeReport) -> bool:
    return bool(report.annotations_added or report.articles_added or report.events_added
                or report.comments_added or report.labels_added)


def _grouped(fields: tuple[str, ...]) -> list[str]:
    """``start``/``end``/``text`` read as one *span*, ``source_*`` as one *source*."""
    out: list[str] = []
    for name in fields:
        name = {"start": "span", "end": "span", "text": "span", "source_start": "source",
                "source_end": "source"}.get(name, name)
        if name not in out:
            out.append(name)
    return out


def _facet_difference(mine: str, other: str) -> str:
    try:
        a, b = json.loads(mine or "{}"), json.loads(other or "{}")
    except ValueError:
        return _clip(mine, 60)
    if not isinstance(a, dict) or not isinstance(b, dict):
        return _clip(mine, 60)
    keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    parts = [f"{k.replace('_', ' ')}: {_facet_value(a.get(k))}" for k in keys]
    return ", ".join(parts) or "facets: (none)"


def _facet_value(value: object) -> str:
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or "none"
    return str(value)


def _sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "?", "!", ")")) else text + "."


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"

