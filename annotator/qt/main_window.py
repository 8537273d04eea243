"""The main window: article list, article text with palette, details and table."""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QSettings,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDockWidget,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserInputError
from annotator.domain.model import Annotation, Label
from annotator.qt.article_view import ArticleView
from annotator.qt.details import AnnotationDetails
from annotator.qt.layers import LayersPanel
from annotator.qt.models import AnnotationTableModel, ArticleListModel
from annotator.qt.palette import LabelPalette, swatch
from annotator.qt.undo import EditCommand
from annotator.services import annotate, articles, scoring
from annotator.services.annotate import AnnotationChange, Edit, UpdateAnnotation
from annotator.services.export_csv import export_csv_file
from annotator.services.open_article import OpenArticle
from annotator.services.project import DatabaseError, Project

if TYPE_CHECKING:
    from annotator.qt.agreement_pane import AgreementPane
    from annotator.qt.comments import CommentsThread
    from annotator.qt.profile_pane import ProfilePane
    from annotator.qt.review_panel import ReviewPanel

LOAD_FIRST_DELAY_MS = 15
"""Paging in a large article's annotations starts this long after the first screen
has been painted, so opening never waits for annotations that are off screen."""
LOAD_UNPAINTED_DELAY_MS = 250
NEARBY_CANDIDATES = 30
REFRESH_INTERVAL_MS = 20_000
"""How often an open window checks the database for colleagues' changes."""

ARTICLE_FILTER = ("Articles (*.txt *.md *.markdown *.text *.html *.htm *.docx);;"
                  "All files (*)")
EXPORT_FORMATS = (
    ("doccano JSONL (UTF-16 offsets)", "doccano", "JSONL (*.jsonl)", ".jsonl"),
    ("Label Studio JSON (UTF-16 offsets)", "labelstudio", "JSON (*.json)", ".json"),
    ("W3C Web Annotation (code points)", "w3c", "JSON-LD (*.jsonld *.json)", ".jsonld"),
    ("brat standoff folder (code points)", "brat", "", ""),
)


class MainWindow(QMainWindow):
    def __init__(self, project: Project, settings: QSettings) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.project = project
        self.settings = settings
        self.article: OpenArticle | None = None
        self.labels: list[Label] = project.labels()
        self.rubric = scoring.project_rubric(project)
        self._score_cache: dict[tuple[str, str], tuple[int, str] | None] = {}
        self.label_by_key = {lab.key: lab for lab in self.labels}
        self.undo_stack = QUndoStack(self)
        self.selected_id: str | None = None
        self._loader = QTimer(self)
        self._loader.setSingleShot(True)
        self._loader.timeout.connect(self._load_more)
        self._await_first_paint = False
        self._layer_state: tuple[object, ...] = ()
        self.setAcceptDrops(True)
        self.setWindowTitle("annotator")
        self.resize(1360, 820)

        self._build_widgets()
        self._build_actions()
        self._build_menus()
        self._apply_labels()
        self._restore_layout()
        self.refresh_articles()
        self._update_status()

    # ------------------------------------------------------------------ build
    def _build_widgets(self) -> None:
        self.view = ArticleView(self)
        self.view.viewport().installEventFilter(self)
        self.view.tooltip_provider = self._tooltip_for
        self.view.annotationClicked.connect(self.select_annotation)
        self.view.selectionChangedCp.connect(self._selection_changed)
        self.view.contextMenuAt.connect(self._context_menu)

        self.palette_widget = LabelPalette(self)
        self.palette_widget.labelChosen.connect(self.tag_selection)

        self.article_header = QLabel()
        self.article_header.setObjectName("articleHeader")
        self.article_header.setWordWrap(True)
        self.article_header.setStyleSheet("padding: 6px 10px 0 10px; font-size: 13pt;")

        center = QWidget()
        layout = QVBoxLayout(center)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.article_header)
        layout.addWidget(self.palette_widget)
        layout.addWidget(self.view, 1)
        self.setCentralWidget(center)

        self.article_model = ArticleListModel()
        self.article_list = QTableView()
        self.article_list.setObjectName("articleList")
        self.article_list.setModel(self.article_model)
        self.article_list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.article_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.article_list.verticalHeader().hide()
        self.article_list.setShowGrid(False)
        self.article_list.setWordWrap(False)
        self.article_list.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.article_list.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.ResizeToContents)
        self.article_list.selectionModel().currentRowChanged.connect(self._article_row_changed)
        self._dock(self.article_list, "Articles", "articlesDock", Qt.DockWidgetArea.LeftDockWidgetArea)

        self.details = AnnotationDetails(self)
        self.details.labelChanged.connect(lambda aid, key: self.update_annotation(aid, label=key))
        self.details.noteChanged.connect(self._note_changed)
        self.details.setSourceRequested.connect(self.set_source_from_selection)
        self.details.clearSourceRequested.connect(
            lambda aid: self.update_annotation(aid, source_start=None, source_end=None))
        self.details.deleteRequested.connect(self.delete_annotation)
        self.details.facetsChanged.connect(
            lambda aid, facets: self.update_annotation(aid, facets=facets))
        self._dock(self.details, "Annotation", "detailsDock", Qt.DockWidgetArea.RightDockWidgetArea)

        self.table_model = AnnotationTableModel()
        self.table_model.scorer = self._score_cached
        self.table = QTableView()
        self.table.setObjectName("annotationTable")
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((190, 320, 200, 100, 100, 60, 60, 160)):
            header.resizeSection(col, width)
        self.table.selectionModel().currentRowChanged.connect(self._table_row_changed)
        self._dock(self.table, "Annotations", "tableDock", Qt.DockWidgetArea.BottomDockWidgetArea)

        self.layers = LayersPanel(self)
        self.layers.layersChanged.connect(self._apply_layers)
        self.layers_dock = self._dock(self.layers, "Layers", "layersDock",
                                      Qt.DockWidgetArea.LeftDockWidgetArea)

        # Panes that are not needed to show an article are built the first time their
        # dock is shown (QtCharts and the review machinery cost start-up time).
        self._profile: ProfilePane | None = None
        self._review_panel: ReviewPanel | None = None
        self._comments: CommentsThread | None = None
        self._agreement_pane: AgreementPane | None = None
        self.profile_dock = self._dock(_placeholder(), "Profile", "profileDock",
                                       Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.findChild(QDockWidget, "tableDock"), self.profile_dock)
        self.profile_dock.visibilityChanged.connect(lambda _v: self._schedule_profile())
        self._profile_timer = QTimer(self)
        self._profile_timer.setSingleShot(True)
        self._profile_timer.setInterval(400)
        self._profile_timer.timeout.connect(self._refresh_profile)

        self.review_dock = self._dock(_placeholder(), "Review", "reviewDock",
                                      Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.findChild(QDockWidget, "detailsDock"), self.review_dock)
        self.review_dock.visibilityChanged.connect(self._review_visibility)
        self.comments_dock = self._dock(_placeholder(), "Discussion", "commentsDock",
                                        Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.review_dock, self.comments_dock)
        self.comments_dock.visibilityChanged.connect(self._comments_visibility)
        self.findChild(QDockWidget, "detailsDock").raise_()

        self.agreement_dock = self._dock(_placeholder(), "Agreement", "agreementDock",
                                         Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.profile_dock, self.agreement_dock)
        self.findChild(QDockWidget, "tableDock").raise_()
        self.agreement_dock.visibilityChanged.connect(lambda _v: self._schedule_agreement())

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(REFRESH_INTERVAL_MS)
        self._refresh_timer.timeout.connect(self.check_for_updates)
        self._refresh_timer.start()

        self.status_analyst = QLabel()
        self.status_analyst.setObjectName("statusAnalyst")
        self.status_selection = QLabel()
        self.status_db = QLabel()
        self.status_db.setStyleSheet("color:#666")
        self.statusBar().addWidget(self.status_selection, 1)
        self.statusBar().addPermanentWidget(self.status_db)
        self.statusBar().addPermanentWidget(self.status_analyst)

    def _dock(self, widget: QWidget, title: str, name: str, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _action(self, text: str, slot, shortcut=None, *, name: str = "",  # type: ignore[no-untyped-def]
                context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(context)
        if name:
            action.setObjectName(name)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.act_open = self._action("&Open / Import articles…", self.open_files,
                                     QKeySequence.StandardKey.Open, name="actionOpen")
        self.act_export_current = self._action("Export CSV (&current article)…",
                                               lambda: self.export_dialog(current=True),
                                               "Ctrl+E", name="actionExportCurrent")
        self.act_export_all = self._action("Export CSV (&all articles)…",
                                           lambda: self.export_dialog(current=False),
                                           "Ctrl+Shift+E", name="actionExportAll")
        self.act_import_folder = self._action("Import &folder…", self.import_folder,
                                              name="actionImportFolder")
        self.act_paste = self._action("&Paste as new article…", self.paste_article,
                                      "Ctrl+Shift+V", name="actionPasteArticle")
        self.act_import_annotations = self._action("&Import annotations…",
                                                   self.import_annotations_dialog,
                                                   "Ctrl+I", name="actionImportAnnotations")
        self.act_metadata = self._action("Article &details…", self.edit_article_metadata,
                                         "Ctrl+Shift+D", name="actionArticleDetails")
        self.export_format_actions = []
        for title, fmt, _filter, _suffix in EXPORT_FORMATS:
            action = self._action(f"Export {title}…",
                                  lambda _=False, f=fmt: self.export_format_dialog(f),
                                  name=f"actionExport_{fmt}")
            self.export_format_actions.append(action)
        self.act_name = self._action("Set analyst &name…", self.ask_analyst_name,
                                     name="actionAnalystName")
        self.act_open_db = self._action("Open &database…", self.open_database,
                                        "Ctrl+Shift+O", name="actionOpenDatabase")
        self.act_merge = self._action("&Merge a colleague's tags…", lambda: self.open_merge(),
                                      "Ctrl+M", name="actionMerge")
        self.act_quit = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)

        self.act_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.act_undo.setObjectName("actionUndo")
        self.act_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.act_redo.setObjectName("actionRedo")
        self.addAction(self.act_undo)
        self.addAction(self.act_redo)
        self.act_delete = self._action("&Delete annotation", lambda: self.delete_annotation(),
                                       QKeySequence.StandardKey.Delete, name="actionDelete")
        self.act_source = self._action("Set &source mention from selection",
                                       lambda: self.set_source_from_selection(), "S",
                                       name="actionSetSource")
        self.act_next = self._action("&Next annotation", lambda: self.step_annotation(1),
                                     "Ctrl+Down", name="actionNextAnnotation")
        self.act_prev = self._action("&Previous annotation", lambda: self.step_annotation(-1),
                                     "Ctrl+Up", name="actionPrevAnnotation")
        self.act_escape = self._action("Clear selection", self._escape, "Esc")
        self.act_next_review = self._action("Next disagreement", self._next_disagreement, "N",
                                            name="actionNextDisagreement")
        self.act_prev_review = self._action("Previous disagreement", self._prev_disagreement,
                                            "P", name="actionPrevDisagreement")
        self.act_compare = self._action("&Compare and review…", self.show_review, "Ctrl+R",
                                        name="actionCompare")
        self.act_refresh = self._action("&Refresh (colleagues' changes)", self.refresh_now,
                                        QKeySequence.StandardKey.Refresh, name="actionRefresh")
        self.act_taxonomy = self._action("Edit &taxonomy (source types)…", self.edit_taxonomy,
                                         "Ctrl+T", name="actionEditTaxonomy")
        self.label_actions: list[QAction] = []

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.act_open)
        file_menu.addAction(self.act_import_folder)
        file_menu.addAction(self.act_paste)
        file_menu.addSeparator()
        file_menu.addAction(self.act_open_db)
        file_menu.addAction(self.act_merge)
        file_menu.addSeparator()
        file_menu.addAction(self.act_import_annotations)
        file_menu.addAction(self.act_export_current)
        file_menu.addAction(self.act_export_all)
        other = file_menu.addMenu("Export current article as")
        for action in self.export_format_actions:
            other.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.act_name)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.act_undo)
        edit_menu.addAction(self.act_redo)
        edit_menu.addSeparator()
        edit_menu.addAction(self.act_delete)
        edit_menu.addAction(self.act_source)
        edit_menu.addSeparator()
        edit_menu.addAction(self.act_next)
        edit_menu.addAction(self.act_prev)
        edit_menu.addSeparator()
        edit_menu.addAction(self.act_metadata)
        edit_menu.addAction(self.act_taxonomy)
        review_menu = bar.addMenu("&Review")
        review_menu.addAction(self.act_compare)
        review_menu.addAction(self.act_next_review)
        review_menu.addAction(self.act_prev_review)
        self.tag_menu = bar.addMenu("&Tag")
        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.act_refresh)
        view_menu.addSeparator()
        for dock in self.findChildren(QDockWidget):
            view_menu.addAction(dock.toggleViewAction())
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&Keyboard shortcuts", self.show_shortcuts, "F1"))
        help_menu.addAction(self._action("&Source types…", self.show_source_types,
                                         "Shift+F1", name="actionSourceTypes"))
        help_menu.addAction(self._action("&About annotator", self.show_about))

    def edit_taxonomy(self) -> None:
        from annotator.qt.taxonomy_editor import TaxonomyEditor

        dialog = TaxonomyEditor(self.project, self)
        dialog.taxonomyChanged.connect(self.reload_labels)
        dialog.exec()

    def reload_labels(self) -> None:
        """The taxonomy changed: palette, Tag menu, digits, combos, table, colours."""
        self.project.invalidate_labels()
        self.labels = self.project.labels()
        self.label_by_key = {lab.key: lab for lab in self.labels}
        self._apply_labels()
        self.view.highlighter.invalidate()
        if self.selected_id is not None:
            self.select_annotation(self.selected_id, scroll_text=False)

    def _apply_labels(self) -> None:
        for action in self.label_actions:
            self.removeAction(action)
            action.deleteLater()
        self.label_actions.clear()
        self.tag_menu.clear()
        for label in self.labels:
            if label.retired:
                continue
            action = QAction(swatch(label.color), label.name, self)
            action.setObjectName(f"actionTag_{label.key}")
            if label.shortcut:
                action.setShortcut(QKeySequence(label.shortcut))
            action.triggered.connect(lambda _=False, k=label.key: self.tag_selection(k))
            self.addAction(action)
            self.tag_menu.addAction(action)
            self.label_actions.append(action)
        self.palette_widget.set_labels(self.labels)
        self.details.set_labels(self.labels)
        self.table_model.set_labels(self.labels)
        self.view.highlighter.set_colors({lab.key: lab.color for lab in self.labels})

    # --------------------------------------------------------------- settings
    @property
    def analyst(self) -> str:
        return str(self.settings.value("analyst/name", "") or "")

    def ask_analyst_name(self) -> bool:
        name, ok = QInputDialog.getText(
            self, "Your name",
            "Your name is stored on every annotation you make,\n"
            "so colleagues can tell whose tags are whose:",
            text=self.analyst)
        name = " ".join(name.split())
        if ok and name:
            self.settings.setValue("analyst/name", name)
            self.settings.sync()
            self._update_status()
            if self._review_panel is not None:
                self._review_panel.set_reviewer(name)
            return True
        return False

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)
        else:  # first start: give the article most of the height (once shown)
            self._initial_dock_sizes = True

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().showEvent(event)
        if getattr(self, "_initial_dock_sizes", False):
            self._initial_dock_sizes = False
            QTimer.singleShot(0, self._size_docks)

    def _size_docks(self) -> None:
        """First start: a compact table so the article gets most of the height.

        (resizeDocks is ignored for tabified docks; a temporary maximum height is the
        reliable way to set the initial split.)
        """
        bottom = max(160, self.height() // 4)
        docks = [self.findChild(QDockWidget, "tableDock"), self.profile_dock]
        for dock in docks:
            dock.setMaximumHeight(bottom)
        QTimer.singleShot(0, lambda: [d.setMaximumHeight(16_777_215) for d in docks])

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.details._commit_note()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        if self.article is not None:
            self.settings.setValue("session/article", self.article.id)
        self.settings.sync()
        super().closeEvent(event)

    # --------------------------------------------------------------- articles
    def refresh_articles(self, select: int | None = None) -> None:
        current = select if select is not None else (self.article.id if self.article else None)
        self.article_model.set_items(articles.list_articles(self.project))
        if current is None:
            remembered = self.settings.value("session/article")
            try:
                current = int(remembered) if remembered is not None else None
            except (TypeError, ValueError):
                current = None
        row = self.article_model.row_of(current) if current is not None else None
        if row is None and self.article_model.rowCount():
            row = 0
        if row is not None:
            self.article_list.selectRow(row)
            self.article_list.setCurrentIndex(self.article_model.index(row, 0))

    def _article_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        article_id = self.article_model.data(current, ArticleListModel.ID_ROLE)
        if self.article is None or self.article.id != article_id:
            self.open_article(article_id)

    def open_article(self, article_id: int) -> None:
        self.details._commit_note()
        self.article = OpenArticle.load_first_screen(self.project, article_id)
        self.selected_id = None
        self.table_model.set_article(self.article)
        self.view.show_article(self.article)
        self.details.show_annotation(None, article_text=None)
        self._show_article_header()
        self.settings.setValue("session/article", article_id)
        self._update_status()
        self._update_layers()
        self._schedule_profile()
        self._schedule_agreement()
        if self._compare_on():
            self._update_review_context()
        if not self.article.complete:
            # Page in the rest once the first screen has been painted (or after a
            # while if the window is not visible).
            self._await_first_paint = True
            self._loader.start(LOAD_UNPAINTED_DELAY_MS)

    def eventFilter(self, obj, event) -> bool:  # type: ignore[no-untyped-def]  # noqa: N802
        if (self._await_first_paint and event.type() == QEvent.Type.Paint
                and obj is self.view.viewport()):
            self._await_first_paint = False
            self._loader.start(LOAD_FIRST_DELAY_MS)
        return super().eventFilter(obj, event)

    def _show_article_header(self) -> None:
        if self.article is None:
            return
        art = self.article.article
        meta = " · ".join(x for x in (art.outlet, art.published, art.url,
                                       art.original_filename) if x)
        self.article_header.setText(
            f"<b>{html.escape(art.title)}</b>"
            + (f"<br><span style='color:#666;font-size:10pt'>{html.escape(meta)}</span>"
               if meta else ""))
        self.setWindowTitle(f"{art.title[:80]} — annotator")

    def _load_more(self) -> None:
        """Page in the rest of a large article's annotations between user events."""
        article = self.article
        if article is None or article.complete:
            return
        page = article.load_more(self.project)
        if page:
            if article.can_append(page):
                first_row = article.count
                self.table_model.begin_insert_rows(first_row, first_row + len(page) - 1)
                article.append_sorted(page)
                self.table_model.end_insert()
            else:  # an annotation tagged meanwhile sits among them
                for ann in page:
                    row = article.insertion_row(ann)
                    self.table_model.begin_insert(row)
                    article.insert(ann)
                    self.table_model.end_insert()
            self.view.highlighter.refresh_painted_in(page[0].start, max(a.end for a in page))
        self._update_status()
        if not article.complete:
            self._loader.start(0)
        else:
            self._update_layers()
            self._schedule_profile()
            if self._compare_on():
                self._update_review_context()

    def open_files(self) -> None:
        start = str(self.settings.value("paths/lastOpenDir", str(Path.home())))
        files, _ = QFileDialog.getOpenFileNames(self, "Open articles", start, ARTICLE_FILTER)
        if files:
            self.settings.setValue("paths/lastOpenDir", str(Path(files[0]).parent))
            self.import_paths([Path(f) for f in files])

    def import_paths(self, paths: list[Path]) -> list[int]:
        """Import files (all or none); report problems in a dialog, never a traceback."""
        try:
            report = articles.import_files(self.project, paths)
        except UserInputError as exc:
            QMessageBox.warning(self, "Cannot import", str(exc))
            return []
        if report.warnings:
            QMessageBox.information(self, "Imported with a guess", "\n".join(report.warnings))
        ids = report.article_ids
        if ids:
            self.refresh_articles(select=ids[-1])
            dupes = [a for a in report.imported if a.duplicate]
            new = len(ids) - len(dupes)
            msg = f"Imported {new} article(s)"
            if dupes:
                msg += f"; {len(dupes)} already in the project (opened the existing copy)"
            self.statusBar().showMessage(msg, 6000)
        return ids

    def import_folder(self) -> None:
        """Import every article file under a folder, with progress and Cancel."""
        from annotator.qt.interop_dialogs import run_with_progress
        from annotator.services.folder_import import import_folder

        start = str(self.settings.value("paths/lastOpenDir", str(Path.home())))
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of articles", start)
        if not folder:
            return
        self.settings.setValue("paths/lastOpenDir", folder)
        result = run_with_progress(self, "Importing articles…", import_folder, self.project,
                                   folder)
        if result.cancelled:
            self.statusBar().showMessage("Import cancelled; nothing was imported", 6000)
            return
        if result.error:
            QMessageBox.warning(self, "Cannot import folder", result.error)
            return
        report = result.value
        ids = [a.article_id for a in getattr(report, "articles", [])]
        self.refresh_articles(select=ids[-1] if ids else None)
        summary = report.summary() if hasattr(report, "summary") else f"{len(ids)} imported"
        if getattr(report, "failed", None):
            QMessageBox.information(self, "Folder imported with problems", summary)
        else:
            self.statusBar().showMessage(summary.splitlines()[0] if summary else "", 8000)

    def paste_article(self) -> None:
        from annotator.qt.interop_dialogs import PasteArticleDialog

        dialog = PasteArticleDialog(self.project, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.imported is not None:
            self.refresh_articles(select=dialog.imported.article_id)

    def edit_article_metadata(self) -> None:
        from annotator.qt.interop_dialogs import ArticleMetadataDialog

        if self.article is None:
            return
        dialog = ArticleMetadataDialog(self.project, self.article.id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            current = self.article.id
            self.refresh_articles(select=current)
            self.article.article = articles.get_article(self.project, current)
            self._show_article_header()

    def import_annotations_dialog(self, path: Path | None = None) -> None:
        from annotator.qt.interop_dialogs import ImportAnnotationsDialog

        dialog = ImportAnnotationsDialog(self.project, self, path=path,
                                         article_id=self.article.id if self.article else None)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload_labels()
            self.refresh_articles(select=self.article.id if self.article else None)
            if self.article is not None:
                self.reload_article()
            report = getattr(dialog, "report", None)
            if report is not None and hasattr(report, "summary"):
                self.statusBar().showMessage(report.summary().splitlines()[0], 8000)
            if report is not None and getattr(report, "review", None):
                self.show_reanchor_review(report)

    def show_reanchor_review(self, report) -> None:  # type: ignore[no-untyped-def]
        """Annotations that could not be placed confidently: listed, never placed.

        Double-clicking a row with a suggested place shows it in the article, so the
        analyst can tag it by hand if the suggestion is right.
        """
        dialog = QDialog(self)
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
            if item.suggested_start is not None and self.article is not None and \
                    item.suggested_end is not None and item.suggested_end <= len(self.article.text):
                self.view.select_cp(item.suggested_start, item.suggested_end)

        table.cellDoubleClicked.connect(jump)
        layout.addWidget(table)
        dialog.resize(900, 360)
        dialog.show()
        self._review_dialog = dialog

    def export_format_dialog(self, fmt: str) -> None:
        """Export the current article in another tool's format, off the UI thread."""
        from annotator.qt.interop_dialogs import run_with_progress
        from annotator.services.interop import export_annotations

        if self.article is None:
            return
        title, _fmt, file_filter, suffix = next(f for f in EXPORT_FORMATS if f[1] == fmt)
        start_dir = str(self.settings.value("paths/lastExportDir", str(Path.home())))
        if fmt == "brat":
            target = QFileDialog.getExistingDirectory(self, f"Export {title} into folder",
                                                      start_dir)
        else:
            target, _ = QFileDialog.getSaveFileName(
                self, f"Export {title}",
                str(Path(start_dir) / f"article-{self.article.id}{suffix}"), file_filter)
        if not target:
            return
        self.settings.setValue("paths/lastExportDir",
                               target if fmt == "brat" else str(Path(target).parent))
        result = run_with_progress(self, f"Exporting {title}…", export_annotations,
                                   self.project, fmt, target, article_id=self.article.id)
        if result.error:
            QMessageBox.warning(self, "Export failed", result.error)
        elif not result.cancelled:
            self.statusBar().showMessage(f"Exported to {target}", 8000)

    def open_database(self) -> None:
        """Switch to another project file or team server (a new window on it)."""
        from annotator.qt.database_dialog import DatabaseDialog, remember_database

        dialog = DatabaseDialog(self.settings, self, current=self.project.url)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        url = dialog.selected_url()
        try:
            project = Project(url)
        except (DatabaseError, UserInputError) as exc:
            QMessageBox.critical(self, "Cannot open database", str(exc))
            return
        remember_database(self.settings, url)
        self.settings.remove("session/article")
        window = MainWindow(project, self.settings)
        app = QApplication.instance()
        windows = getattr(app, "_annotator_windows", [])
        windows.append(window)
        app._annotator_windows = windows  # type: ignore[attr-defined]
        window.show()
        self.close()

    def open_merge(self, path: Path | None = None) -> None:
        from annotator.qt.merge_dialog import MergeDialog

        dialog = MergeDialog(self.project, self.analyst or "unknown", self)
        dialog.merged.connect(self._after_merge)
        if path is not None:
            dialog.set_path(path)
        dialog.exec()

    def _after_merge(self, article_ids: list[int]) -> None:
        self.reload_labels()  # a merge may add labels
        self.refresh_articles(select=self.article.id if self.article else None)
        if self.article is not None and self.article.id in article_ids:
            self.reload_article()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if len(paths) == 1 and paths[0].suffix.lower() in (".csv", ".jsonl", ".json",
                                                            ".jsonld", ".ann"):
            event.acceptProposedAction()  # annotations from this app or another tool
            QTimer.singleShot(0, lambda: self.import_annotations_dialog(paths[0]))
            return
        if len(paths) == 1 and paths[0].suffix.lower() in (".sqlite", ".db", ".sqlite3"):
            event.acceptProposedAction()  # a colleague's project file: offer to merge it
            QTimer.singleShot(0, lambda: self.open_merge(paths[0]))
            return
        if paths:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.import_paths(paths))

    # ----------------------------------------------------------------- export
    def export_dialog(self, *, current: bool) -> None:
        if current and self.article is None:
            return
        start_dir = str(self.settings.value("paths/lastExportDir", str(Path.home())))
        name = f"article-{self.article.id}.csv" if current and self.article else "annotations.csv"
        path, _ = QFileDialog.getSaveFileName(self, "Export CSV", str(Path(start_dir) / name),
                                              "CSV (*.csv)")
        if not path:
            return
        self.settings.setValue("paths/lastExportDir", str(Path(path).parent))
        n = self.export_to(Path(path), current=current)
        if n is not None:
            self.statusBar().showMessage(f"Exported {n} annotation(s) to {path}", 8000)

    def export_to(self, path: Path, *, current: bool) -> int | None:
        """Write the CSV in a worker thread (progress, Cancel); the file appears whole
        or not at all."""
        from annotator.qt.interop_dialogs import run_with_progress

        article_id = self.article.id if current and self.article else None
        result = run_with_progress(self, "Exporting CSV…", export_csv_file, self.project,
                                   path, article_id=article_id)
        if result.error:
            QMessageBox.warning(self, "Export failed", result.error)
            return None
        if result.cancelled:
            self.statusBar().showMessage("Export cancelled; no file written", 6000)
            return None
        return int(result.value)

    def show_source_types(self) -> None:
        """Help pane: every source type with its definition, example and shortcut."""
        rows = []
        for label in self.labels:
            key = label.shortcut or ""
            retired = " <i>(retired)</i>" if label.retired else ""
            rows.append(
                f"<tr><td style='background:{label.color}'>&nbsp;&nbsp;&nbsp;</td>"
                f"<td align='center'><b>{key}</b></td><td><b>{html.escape(label.name)}</b>"
                f"{retired}<br>{html.escape(label.description)}"
                + (f"<br><span style='color:#555'><i>e.g. {html.escape(label.example)}</i>"
                   f"</span>" if label.example else "")
                + "</td></tr>")
        browser = QTextBrowser()
        browser.setObjectName("sourceTypesHelp")
        browser.setHtml(
            "<h3>Source types</h3><p>Press the digit to tag the selected text. Facets and "
            "the attribution-strength rubric are explained in docs/rubric.md.</p>"
            "<table cellspacing='0' cellpadding='5'>" + "".join(rows) + "</table>")
        dialog = QDialog(self)
        dialog.setWindowTitle("Source types")
        dialog.setObjectName("sourceTypesDialog")
        layout = QVBoxLayout(dialog)
        layout.addWidget(browser)
        dialog.resize(560, 640)
        dialog.show()
        self._help_dialog = dialog

    # ----------------------------------------------------------------- edits
    def push_edit(self, edit: Edit, *, merge_key: str | None = None) -> bool:
        """Apply an edit through the undo stack; False if it was refused."""
        command = EditCommand(edit, annotate.describe(edit, self.project), self._apply,
                              merge_key=merge_key)
        self.undo_stack.push(command)
        return not command.failed

    def update_annotation(self, annotation_id: str, *, merge_key: str | None = None,
                          **changes: object) -> bool:
        """Push an update based on the version on screen (conflicts are detected)."""
        if self.article is None or annotation_id not in self.article.by_id:
            return False
        current = self.article.by_id[annotation_id]
        return self.push_edit(
            UpdateAnnotation.of(annotation_id, expected_version=current.version, **changes),
            merge_key=merge_key)

    def _apply(self, edit: Edit) -> tuple[AnnotationChange, Edit] | None:
        # Undo/redo steps are based on what is on screen now: a version bumped by our
        # own earlier steps is expected, one bumped by a colleague is a conflict.
        if isinstance(edit, (UpdateAnnotation, annotate.DeleteAnnotation)) and \
                self.article is not None and edit.annotation_id in self.article.by_id:
            edit = dataclasses.replace(
                edit, expected_version=self.article.by_id[edit.annotation_id].version)
        try:
            change, inverse = annotate.apply_edit(self.project, edit, actor=self.analyst)
        except annotate.ConflictError as exc:
            self._show_conflict(exc)
            return None
        except (UserInputError, LookupError) as exc:
            QMessageBox.warning(self, "Cannot apply change", str(exc))
            return None
        self._fold_change(change)
        return change, inverse

    def _show_conflict(self, exc: annotate.ConflictError) -> None:
        """Tell the later writer, show both versions, and reload the colleague's."""
        def describe(ann: Annotation | None) -> str:
            if ann is None:
                return "<i>deleted</i>"
            label = self.label_by_key.get(ann.label)
            parts = [f"<b>{html.escape(label.name if label else ann.label)}</b> on "
                     f"“{html.escape(ann.text[:80])}”"]
            if ann.note:
                parts.append(f"note: {html.escape(ann.note[:120])}")
            parts.append(f"by {html.escape(ann.annotator)}, version {ann.version}, "
                         f"updated {ann.updated_at[:19].replace('T', ' ')}")
            return "<br>".join(parts)

        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Changed by someone else")
        box.setText(f"{html.escape(str(exc))}.<br><br><b>Stored now:</b><br>"
                    f"{describe(exc.theirs)}<br><br><b>Your change (not saved):</b><br>"
                    f"{describe(exc.mine)}")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setInformativeText("The article has been reloaded with the stored version; "
                               "make your change again if it still applies.")
        box.open()
        self._conflict_box = box
        self.reload_article()

    def reload_article(self) -> None:
        """Re-read the open article (colleagues' changes), keeping selection and scroll."""
        if self.article is None:
            return
        selected = self.selected_id
        scroll = self.view.verticalScrollBar().value()
        self.article = OpenArticle.load(self.project, self.article.id)
        self.table_model.set_article(self.article)
        self.view.article = self.article
        self.view.highlighter.set_article(self.article)
        self.view.highlighter.invalidate()
        self.view.verticalScrollBar().setValue(scroll)
        self.select_annotation(selected if selected in self.article.by_id else None,
                               scroll_text=False)
        self.refresh_article_counts()
        self._update_layers()
        self._schedule_profile()
        if self._compare_on():
            self._update_review_context()

    def _update_layers(self) -> None:
        if self.article is None:
            self.layers.set_annotators({})
            return
        self.layers.set_annotators(self.article.annotator_counts())
        self._apply_layers()

    # --- lazily built panes ---------------------------------------------------
    @property
    def profile(self) -> ProfilePane:
        if self._profile is None:
            from annotator.qt import profile_pane

            self._profile = profile_pane.ProfilePane(self.project, self)
            self.profile_dock.setWidget(self._profile)
        return self._profile

    @property
    def review_panel(self) -> ReviewPanel:
        if self._review_panel is None:
            from annotator.qt import review_panel

            panel = review_panel.ReviewPanel(self.project, self)
            panel.selection_provider = self.view.selection_cp
            panel.itemActivated.connect(self._review_item_activated)
            panel.reviewChanged.connect(lambda _aid: self.reload_article())
            panel.itemsChanged.connect(lambda: self._apply_layers())
            panel.set_reviewer(self.analyst or "unknown")
            self._review_panel = panel
            self.review_dock.setWidget(panel)
        return self._review_panel

    @property
    def comments(self) -> CommentsThread:
        if self._comments is None:
            from annotator.qt import comments

            self._comments = comments.CommentsThread(self.project, self)
            self.comments_dock.setWidget(self._comments)
        return self._comments

    @property
    def agreement_pane(self) -> AgreementPane:
        if self._agreement_pane is None:
            from annotator.qt import agreement_pane

            self._agreement_pane = agreement_pane.AgreementPane(self.project, self)
            self.agreement_dock.setWidget(self._agreement_pane)
        return self._agreement_pane

    def _comments_visibility(self, visible: bool) -> None:
        if visible:
            self.comments.show_annotation(self.selected_id, self.analyst or "unknown")

    def _compare_on(self) -> bool:
        return _showing(self.review_dock)

    def _apply_layers(self) -> None:
        """Push layer/compare settings to the highlighter; repaint only if they changed."""
        hidden = self.layers.hidden
        compare = self.review_panel.compare_colors() if self._compare_on() else None
        colors = tuple(sorted(self.layers.colors.items())) if self.layers.mode == "annotator" \
            else ()
        state = (self.layers.mode, colors, tuple(sorted(hidden)),
                 tuple(sorted(compare.items())) if compare is not None else None)
        if state == self._layer_state:
            return  # nothing visible changed: no repaint
        self._layer_state = state
        self.view.highlighter.set_mode(
            color_by=self.layers.mode, annotator_colors=self.layers.colors,
            compare_kinds=compare,
            visible_filter=(lambda name: name not in hidden) if hidden and compare is None
            else None)

    def show_review(self) -> None:
        self.review_dock.show()
        self.review_dock.raise_()
        self._update_review_context()

    def _review_visibility(self, _visible: bool) -> None:
        if self._compare_on():
            self._update_review_context()
        self._apply_layers()

    def _update_review_context(self) -> None:
        article = self.article
        if article is None or not article.complete:
            self.review_panel.set_context(None, [], self.analyst)
            return
        names = sorted(article.annotator_counts())
        self.review_panel.set_context(article.id, names, self.analyst or "unknown",
                                      article_text=article.text)
        self._apply_layers()

    def _review_item_activated(self, start: int, end: int, a_id: object, b_id: object) -> None:
        if self.article is None:
            return
        target = a_id if a_id in self.article.by_id else b_id
        if target in self.article.by_id:
            self.select_annotation(str(target))
        else:
            self.view.select_cp(start, start)

    def _next_disagreement(self) -> None:
        if not self._compare_on():
            self.show_review()
        self.review_panel.next_item()

    def _prev_disagreement(self) -> None:
        if not self._compare_on():
            self.show_review()
        self.review_panel.prev_item()

    def _schedule_agreement(self) -> None:
        if _showing(self.agreement_dock):
            self.agreement_pane.show_article(self.article.id if self.article else None)

    def _schedule_profile(self) -> None:
        if _showing(self.profile_dock):
            self._profile_timer.start()

    def _refresh_profile(self) -> None:
        self.profile.show_article(self.article.id if self.article else None)

    def check_for_updates(self) -> None:
        """Periodic: reload the article if the database has changes we did not make."""
        article = self.article
        if article is None or not article.complete or QApplication.activeModalWidget():
            return
        try:
            stored = article.stored_signature(self.project)
        except Exception:  # a dropped server connection must not crash the window
            self.statusBar().showMessage("Cannot reach the database to check for changes",
                                         5000)
            return
        if stored != article.signature():
            self.reload_article()
            self.statusBar().showMessage("Updated with colleagues' changes", 5000)

    def refresh_now(self) -> None:
        self.refresh_article_counts()
        if self.article is not None:
            self.reload_article()
        self.statusBar().showMessage("Refreshed", 3000)

    def refresh_article_counts(self) -> None:
        current = self.article.id if self.article else None
        items = articles.list_articles(self.project)
        if [a.id for a in items] == [a.id for a in self.article_model.items]:
            self.article_model.items = items
            if items:
                self.article_model.dataChanged.emit(self.article_model.index(0, 0),
                                                    self.article_model.index(len(items) - 1, 2))
        else:
            self.refresh_articles(select=current)

    def _fold_change(self, change: AnnotationChange) -> None:
        """Update every view from the change alone — no re-query."""
        article = self.article
        delta = (change.after is not None) - (change.before is not None)
        self.article_model.adjust_count(change.article_id, delta)
        if article is None or change.article_id != article.id:
            return
        if change.before is not None and change.before.id in article.by_id:
            row = article.row_of(change.before.id)
            assert row is not None
            self.table_model.begin_remove(row)
            article.remove(change.before.id)
            self.table_model.end_remove()
        if change.after is not None:
            row = article.insertion_row(change.after)
            self.table_model.begin_insert(row)
            article.insert(change.after)
            self.table_model.end_insert()
        self.view.highlighter.refresh_ranges(change.touched_ranges)
        if (change.before is None) != (change.after is None) or (
                change.before is not None and change.after is not None
                and change.before.annotator != change.after.annotator):
            self._update_layers()  # counts are kept incrementally: no scan of all rows
        self._schedule_profile()
        if self._compare_on():
            self.review_panel.refresh()
        if change.after is not None:
            self.select_annotation(change.after.id, scroll_text=False)
        elif self.selected_id == change.annotation_id:
            self.select_annotation(None)
        self._update_status()

    def tag_selection(self, label_key: str) -> None:
        if self.article is None:
            return
        label = self.label_by_key.get(label_key)
        if label is None or label.retired:
            self.statusBar().showMessage(
                f"“{label.name if label else label_key}” is retired; pick another source "
                "type or restore it in Edit › Edit taxonomy", 6000)
            return
        start, end = self.view.selection_cp()
        if start == end:
            if self.selected_id is not None and self.selected_id in self.article.by_id:
                # No text selected: the label key relabels the selected annotation.
                if self.article.by_id[self.selected_id].label != label_key:
                    self.update_annotation(self.selected_id, label=label_key)
                return
            self.statusBar().showMessage("Select the words of a claim first, then press 1–9.",
                                         5000)
            return
        # Trim surrounding whitespace: a double-click or Shift+Ctrl+Right selection
        # often includes a trailing space, which the analyst did not mean to tag.
        text = self.article.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            return
        if not self.analyst and not self.ask_analyst_name():
            return
        try:
            edit = annotate.new_annotation(
                self.project, article_id=self.article.id, article_text=text,
                annotator=self.analyst, label=label_key, start=start, end=end)
        except UserInputError as exc:
            QMessageBox.warning(self, "Cannot tag", str(exc))
            return
        if self.push_edit(edit):
            self.view.clear_selection()

    def delete_annotation(self, annotation_id: str | None = None) -> None:
        target = annotation_id or self.selected_id
        if target is None or self.article is None or target not in self.article.by_id:
            return
        self.push_edit(annotate.DeleteAnnotation(
            target, expected_version=self.article.by_id[target].version))

    def set_source_from_selection(self, annotation_id: str | None = None) -> None:
        target = annotation_id or self.selected_id
        if self.article is None or target is None or target not in self.article.by_id:
            self.statusBar().showMessage("Select an annotation first, then the source phrase.",
                                         5000)
            return
        start, end = self.view.selection_cp()
        text = self.article.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            self.statusBar().showMessage(
                "Select the phrase naming the source (e.g. “three sources with direct "
                "knowledge of the talks”), then press S.", 6000)
            return
        if self.update_annotation(target, source_start=start, source_end=end):
            self.view.clear_selection()

    def _note_changed(self, annotation_id: str, note: str) -> None:
        if self.article is not None and annotation_id in self.article.by_id:
            self.update_annotation(annotation_id, note=note, merge_key=f"note:{annotation_id}")

    # -------------------------------------------------------------- selection
    def select_annotation(self, annotation_id: str | None, *, scroll_text: bool = True) -> None:
        article = self.article
        ann: Annotation | None = None
        if annotation_id is not None and article is not None:
            ann = article.by_id.get(annotation_id)
        self.selected_id = ann.id if ann else None
        label = self.label_by_key.get(ann.label) if ann else None
        self.view.mark_selected(self.selected_id, label.color if label else None)
        self._show_details(ann)
        if self._comments is not None or _showing(self.comments_dock):
            self.comments.show_annotation(self.selected_id, self.analyst or "unknown")
        if ann is not None and article is not None:
            row = article.row_of(ann.id)
            if row is not None:
                index = self.table_model.index(row, 0)
                if self.table.currentIndex().row() != row:
                    self.table.selectionModel().setCurrentIndex(
                        index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                        | QItemSelectionModel.SelectionFlag.Rows)
                self.table.scrollTo(index)
            if scroll_text:
                self.view.select_cp(ann.start, ann.start)
        else:
            self.table.clearSelection()
        self._update_status()

    def _score_cached(self, label_key: str, facets_json: str) -> tuple[int, str] | None:
        """Score for the table's Strength column, cached by (label, facets)."""
        key = (label_key, facets_json)
        if key not in self._score_cache:
            try:
                from annotator.domain.facets_codec import decode_facets
                from annotator.domain.rubric import score

                result = score(label_key, decode_facets(facets_json), self.rubric)
                self._score_cache[key] = (result.value, result.band)
            except ValueError:
                self._score_cache[key] = None
        return self._score_cache[key]

    def _show_details(self, ann: Annotation | None) -> None:
        article = self.article
        if ann is None or article is None:
            self.details.show_annotation(None, article_text=None)
            return
        text = article.text
        try:
            suggestions = scoring.suggestions_for(ann, text, article.article.outlet)
        except Exception:  # a parser bug must never block editing
            suggestions = None
        try:
            score = scoring.score_annotation(ann, self.rubric)
        except ValueError:
            score = None
        # Candidates for "nested in" / "corroborated by": the nearest annotations
        # (a dense article can have hundreds within a paragraph; a combo box of 30 is usable)
        near = article.index.overlapping(max(0, ann.start - 1500), ann.end + 1500)
        near = sorted((h for h in near if h.id != ann.id),
                      key=lambda h: abs(h.start - ann.start))[:NEARBY_CANDIDATES]
        others = []
        for hit in sorted(near, key=lambda h: (h.start, h.end)):
            lab = self.label_by_key.get(hit.label)
            snippet = " ".join(text[hit.start:hit.end].split())
            snippet = snippet if len(snippet) <= 50 else snippet[:49] + "…"
            others.append((hit.id, f"{lab.name if lab else hit.label}: “{snippet}”"))
        history = [
            f"{e.at[:19].replace('T', ' ')} · {e.actor} · {e.action.replace('_', ' ')}"
            + (f" — {_describe_detail(e.detail)}" if e.detail else "")
            for e in annotate.history(self.project, ann.id)
        ]
        self.details.show_annotation(ann, article_text=text, suggestions=suggestions,
                                     score=score, others=others, history=history)

    def _table_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        ann_id = self.table_model.data(current, AnnotationTableModel.ID_ROLE)
        if ann_id != self.selected_id:
            self.select_annotation(ann_id)

    def step_annotation(self, step: int) -> None:
        if self.article is None or not self.article.rows:
            return
        row = self.article.row_of(self.selected_id) if self.selected_id else None
        if row is None:
            cursor = self.view.cursor_cp()
            rows = self.article.rows
            row = next((i for i, a in enumerate(rows) if a.start >= cursor), len(rows)) - \
                (1 if step > 0 else 0)
        row = max(0, min(len(self.article.rows) - 1, row + step))
        self.select_annotation(self.article.rows[row].id)

    def _escape(self) -> None:
        self.view.clear_selection()
        self.select_annotation(None)

    def _selection_changed(self, start: int, end: int) -> None:
        self._update_status()

    # ---------------------------------------------------------------- helpers
    def _tooltip_for(self, ids: list[str]) -> str:
        if self.article is None:
            return ""
        parts = []
        for ann_id in ids[:4]:
            ann = self.article.by_id.get(ann_id)
            if ann is None:
                continue
            label = self.label_by_key.get(ann.label)
            color = label.color if label else "#999"
            name = label.name if label else ann.label
            part = (f"<span style='color:{color}'>■</span> <b>{html.escape(name)}</b>"
                    f" — {html.escape(ann.annotator)}")
            if ann.has_source:
                src = self.article.text[ann.source_start:ann.source_end]
                part += f"<br><i>source:</i> “{html.escape(src[:120])}”"
            if ann.note:
                part += f"<br>{html.escape(ann.note[:300])}"
            parts.append(part)
        if len(ids) > 4:
            parts.append(f"… and {len(ids) - 4} more")
        return "<hr>".join(parts)

    def _context_menu(self, global_pos: QPoint, offset: int) -> None:
        if self.article is None:
            return
        menu = QMenu(self)
        start, end = self.view.selection_cp()
        tag = menu.addMenu("Tag selection as")
        tag.setEnabled(start != end)
        for action in self.label_actions:
            tag.addAction(action)
        hits = self.article.index.at(offset) if offset >= 0 else []
        if hits:
            menu.addSeparator()
            for hit in hits[:5]:
                label = self.label_by_key.get(hit.label)
                text = self.article.text[hit.start:hit.end]
                short = text if len(text) < 40 else text[:39] + "…"
                act = menu.addAction(swatch(label.color if label else "#999"),
                                     f"Select “{short}”")
                act.triggered.connect(lambda _=False, i=hit.id: self.select_annotation(i))
        menu.addSeparator()
        menu.addAction(self.act_source)
        menu.addAction(self.act_delete)
        menu.exec(global_pos)

    def _update_status(self) -> None:
        name = self.analyst or "(no analyst name — File › Set analyst name)"
        self.status_analyst.setText(f"Analyst: <b>{html.escape(name)}</b>")
        self.status_db.setText(self.project.display_name)
        if self.article is None:
            self.status_selection.setText("No article open — File › Open to import one")
            return
        start, end = self.view.selection_cp()
        n = self.article.count
        loading = "" if self.article.complete else " (loading…)"
        if start != end:
            self.status_selection.setText(
                f"Selected characters {start}–{end} ({end - start}) · press 1–9 to tag · "
                f"{n} annotation(s){loading}")
        else:
            self.status_selection.setText(f"{n} annotation(s) in this article{loading}")

    def show_shortcuts(self) -> None:
        rows = "".join(
            f"<tr><td><kbd>{k}</kbd></td><td>{html.escape(v)}</td></tr>" for k, v in [
                ("Shift+arrows, Shift+Ctrl+arrows", "select text with the keyboard"),
                ("1 … 9", "tag the selection with that source type (or relabel the "
                          "selected annotation)"),
                ("S", "set the selected annotation's source mention to the selected text"),
                ("Delete", "delete the selected annotation"),
                ("Ctrl+Down / Ctrl+Up", "next / previous annotation"),
                ("N / P", "next / previous open disagreement (Review)"),
                ("Ctrl+R", "compare two analysts and review"),
                ("F5", "refresh with colleagues' changes"),
                ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo"),
                ("Esc", "clear the selection"),
                ("Ctrl+O", "open or import articles"),
                ("Ctrl+E / Ctrl+Shift+E", "export CSV of this / all articles"),
            ])
        QMessageBox.information(self, "Keyboard shortcuts", f"<table>{rows}</table>")

    def show_about(self) -> None:
        from annotator import __version__

        QMessageBox.about(self, "About annotator",
                          f"<b>annotator {__version__}</b><br>Mark the sourcing of every "
                          f"claim in a news article.<br>Database: "
                          f"{html.escape(self.project.display_name)}")


def _describe_detail(detail: dict[str, object]) -> str:
    parts = []
    for key, value in detail.items():
        if isinstance(value, list) and len(value) == 2:
            old, new = value
            if key == "facets":
                parts.append("facets edited")
            else:
                parts.append(f"{key}: {str(old)[:30]!s} → {str(new)[:30]!s}")
        elif key in ("label", "text"):
            parts.append(f"{key} {str(value)[:40]}")
    return "; ".join(parts)


def _placeholder() -> QWidget:
    """Stands in a dock until its pane is first shown."""
    label = QLabel("Loading…")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def _showing(dock: QDockWidget) -> bool:
    """Whether a (possibly tabified) dock is actually on screen."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()

