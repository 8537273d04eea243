"""The main window: a thin shell of docks, menus, layout and drop routing.

Flows live in ``qt/controllers/`` (one module per concern), docks are panes in
``qt/panes/`` (one module each, built on first show), shared state in
``qt/workbench.py``. Every data change reaches every pane through one entry point,
:meth:`MainWindow.apply_changes`. See docs/architecture.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QMainWindow

from annotator.qt.controllers.articles import ArticlesController
from annotator.qt.controllers.corpus import CorpusController
from annotator.qt.controllers.display import DisplayController
from annotator.qt.controllers.editing import EditingController
from annotator.qt.controllers.help import HelpController
from annotator.qt.controllers.interop import InteropController
from annotator.qt.controllers.project import ProjectController
from annotator.qt.controllers.review import ReviewController
from annotator.qt.controllers.selection import SelectionController
from annotator.qt.controllers.suggestions import SuggestionController
from annotator.qt.fault_banner import FaultHandler
from annotator.qt.pane import Pane, PaneManager
from annotator.qt.pane_registry import PANES
from annotator.qt.window_layout import WindowLayout, fit_to_screen
from annotator.qt.workbench import Workbench
from annotator.services.changes import Changes

if TYPE_CHECKING:  # the storage stack loads when a project is attached, after the first paint
    from annotator.qt.panes.article import ArticlePane
    from annotator.services.project import Project

__all__ = ["PANES", "MainWindow"]  # PANES (qt/pane_registry.py): the docks, as data

PROJECT_SUFFIXES = (".sqlite", ".db", ".sqlite3")

SHELL_ACTIONS = frozenset({"actionQuit", "actionResetLayout"})
"""Commands live before a project is attached (everything else waits for it)."""


class MainWindow(QMainWindow):
    """``MainWindow(project, settings)`` is ready at once; ``MainWindow(None, settings)``
    is the start-up shell (menus, docks, the last article's title) that paints before
    the storage stack is imported — :meth:`attach` then makes it usable."""

    def __init__(self, project: Project | None, settings: QSettings) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("annotator")
        self.setAcceptDrops(True)
        self.settings = settings
        wb = self.wb = Workbench(None, settings, self)
        wb.apply_changes = self.apply_changes
        wb.open_window = self._open_window

        self.panes = PaneManager(self, wb)
        for spec in PANES:
            self.panes.register(spec)
        article_pane = self.panes.get("articleArea")
        assert article_pane.widget is not None
        self.setCentralWidget(article_pane.widget)

        self.faults = FaultHandler(self, read_only=False, where="")
        wb.faults = self.faults
        self.editing = EditingController(wb)
        wb.editing = self.editing
        self.selection = SelectionController(wb)
        self.articles = ArticlesController(wb)
        self.interop = InteropController(wb)
        self.review = ReviewController(wb, self.panes)
        self.project_flows = ProjectController(wb)
        self.help = HelpController(wb)
        self.display = DisplayController(wb)
        self.corpus = CorpusController(wb, self.panes)
        self.suggestions = SuggestionController(wb, self.panes)

        self._build_view_menu()
        self.panes.panes["detailsDock"].dock.raise_()  # type: ignore[union-attr]
        self.panes.panes["tableDock"].dock.raise_()  # type: ignore[union-attr]
        self.layout_manager = WindowLayout(self, settings)
        self.layout_manager.restore()
        self._waiting: list[str] = []
        if project is not None:
            self.attach(project)
        else:
            self._hold_actions()
            self._article_pane().show_pending(
                str(settings.value("session/article_title", "") or ""))

    # ------------------------------------------------------------- start-up
    @property
    def project(self) -> Project:
        return self.wb.project

    @property
    def attached(self) -> bool:
        return self.wb.is_attached

    def show_text_preview(self, title: str, text: str) -> None:
        """Start-up: the last article's stored title and text, read before the project
        is open; :meth:`attach` replaces them with the article itself (same text, now
        with its highlights and commands)."""
        if not self.wb.is_attached:
            self._article_pane().show_pending(title)
            self.wb.view.show_text_preview(text)

    def _article_pane(self) -> ArticlePane:
        from annotator.qt.panes.article import ArticlePane  # loaded: built with the shell

        return self.panes.find(ArticlePane)

    def _hold_actions(self) -> None:
        """Until a project is attached, no command may reach it: disable them all."""
        for name, command in self.wb.actions.commands.items():
            if name not in SHELL_ACTIONS and command.action.isEnabled():
                command.action.setEnabled(False)
                self._waiting.append(name)

    def attach(self, project: Project) -> None:
        """Second phase: the project is open — labels, fault bar, the docks on screen,
        the commands, then the last (or first) article."""
        wb = self.wb
        wb.attach(project)
        self.faults.attach(read_only=project.read_only, where=project.display_name)
        self.editing.rebuild_tag_menu()
        self.panes.apply_changes(Changes(labels=True))  # the palette and colours, now known
        for name in self._waiting:
            if name in wb.actions.commands:
                wb.actions.action(name).setEnabled(True)
        self._waiting = []
        self.panes.attach()
        self.statusBar().clearMessage()  # "Opening …"
        self.articles.open_first()
        wb.attached.emit()
        if self.isVisible():
            self.layout_manager.contents_arrived()

    # ------------------------------------------------------------ the router
    def apply_changes(self, changes: Changes) -> None:
        """The only refresh entry point: fold ``changes`` into the shared state, then
        hand them to every built pane and to the controllers that keep menus."""
        if not changes:
            return
        self.wb.fold(changes)
        self.panes.apply_changes(changes)
        self.editing.apply_changes(changes)
        self.suggestions.apply_changes(changes)
        article = self.wb.article
        if self.wb.selected_id is not None and (
                article is None or self.wb.selected_id not in article.by_id):
            self.wb.select(None)

    # --------------------------------------------------------------- shell
    @property
    def article(self):  # type: ignore[no-untyped-def]  # noqa: ANN201 (tests read it)
        return self.wb.article

    @property
    def selected_id(self) -> str | None:
        return self.wb.selected_id

    @property
    def view(self):  # type: ignore[no-untyped-def]  # noqa: ANN201
        return self.wb.view

    def pane(self, name: str) -> Pane:
        """A pane by its dock name, built if it was not yet ("profileDock")."""
        return self.panes.get(name)

    def _build_view_menu(self) -> None:
        act = self.wb.actions
        act.add("actionResetLayout", "Reset &layout", lambda: self.layout_manager.reset(),
                menu="&View", section=1,
                help="put every dock back where it was on first start")
        view_menu = act.menu("&View")
        view_menu.addSeparator()
        for dock in self.panes.docks():
            view_menu.addAction(dock.toggleViewAction())
            dock.visibilityChanged.connect(
                lambda visible: QTimer.singleShot(0, self, lambda: fit_to_screen(self))
                if visible else None)

    def _open_window(self, project: Project) -> None:
        window = MainWindow(project, self.settings)
        app = QApplication.instance()
        windows = list(getattr(app, "_annotator_windows", []))
        windows.append(window)
        app._annotator_windows = windows  # type: ignore[union-attr]
        window.show()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.layout_manager.shown()
        self.faults.refresh()  # a restored layout must not hide a fault (or read-only) bar

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.panes.commit_pending()
        self.layout_manager.save()
        if self.wb.article is not None:
            self.settings.setValue("session/article", self.wb.article.id)
            self.settings.setValue("session/article_title", self.wb.article.article.title)
        self.settings.sync()
        super().closeEvent(event)

    # --------------------------------------------------------- drop routing
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if not self.wb.is_attached:
            return  # nothing can be imported into a project that is not open yet
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths or not self.wb.is_attached:
            return
        from annotator.qt.file_filters import ANNOTATION_SUFFIXES

        event.acceptProposedAction()
        suffix = paths[0].suffix.lower()
        if len(paths) == 1 and suffix in ANNOTATION_SUFFIXES:
            # annotations from this app or another tool
            QTimer.singleShot(0, self, lambda: self.interop.import_annotations_dialog(paths[0]))
        elif len(paths) == 1 and suffix in PROJECT_SUFFIXES:
            # a colleague's project file: offer to merge it
            QTimer.singleShot(0, self, lambda: self.interop.open_merge(paths[0]))
        else:
            QTimer.singleShot(0, self, lambda: self.articles.import_paths(paths))
