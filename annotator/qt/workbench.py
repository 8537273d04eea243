"""What every controller and pane shares: the project, the open article, the selection.

The workbench is state plus navigation, never a flow: controllers perform flows and
report data changes through ``apply_changes`` (set by the window); panes read the state
here and refresh themselves. Navigation (another article opened, another annotation
selected) is announced with ``articleChanged`` and ``selectionChanged``.

Undo is scoped per article: each article has its own undo stack and only the open
article's stack is active, so Ctrl+Z / Ctrl+Shift+Z can never change an article the
analyst cannot see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QUndoGroup, QUndoStack
from PySide6.QtWidgets import QMainWindow

from annotator.domain.model import Label
from annotator.qt.actions import ActionRegistry
from annotator.qt.article_view import ArticleView
from annotator.services.changes import Changes

if TYPE_CHECKING:  # the storage stack is imported once a project is attached
    from annotator.domain.rubric import Rubric
    from annotator.services.db_errors import DatabaseFault
    from annotator.services.open_article import OpenArticle
    from annotator.services.project import Project

if TYPE_CHECKING:
    from annotator.services.suggestions import Proposal

LOAD_FIRST_DELAY_MS = 15
"""``textShown`` (and with it the paging in of a large article's annotations and the
annotation table's first paint) comes this long after the text's first paint, so
opening never waits for annotations that are off screen or for table rows."""
LOAD_UNPAINTED_DELAY_MS = 250


class RowObserver(Protocol):
    """A model showing ``article.rows`` (the annotation table) is told about row moves."""

    def begin_remove(self, row: int) -> None: ...
    def end_remove(self) -> None: ...
    def begin_insert(self, row: int) -> None: ...
    def begin_insert_rows(self, first: int, last: int) -> None: ...
    def end_insert(self) -> None: ...


class Editing(Protocol):
    """What panes may ask of the editing controller (bound by the window)."""

    def tag_selection(self, label_key: str) -> None: ...
    def update_annotation(self, annotation_id: str, *, merge_key: str | None = None,
                          **changes: object) -> bool: ...
    def delete_annotation(self, annotation_id: str | None = None) -> None: ...
    def set_source_from_selection(self, annotation_id: str | None = None) -> None: ...


SUGGESTIONS_CHANGED = "suggestions"
"""``Changes.extra`` tag: the pending suggestions changed (computed, accepted, rejected,
hidden) — nothing stored changed but the remembered rejections."""


class Suggesting(Protocol):
    """What panes may read and ask of the suggestions controller (bound by it)."""

    @property
    def active(self) -> bool: ...
    @property
    def proposals(self) -> list[Proposal]: ...
    @property
    def current(self) -> int: ...
    @property
    def pending(self) -> object | None:
        """The engine run awaited (``None``: none)."""

    def go(self, index: int) -> None: ...
    def accept(self, label: str | None = None) -> None: ...
    def reject(self) -> None: ...
    def accept_key(self, digit: str) -> None: ...


class Faults(Protocol):
    """The window's answer to database faults (``qt/fault_banner.py``; bound by the window)."""

    def handle(self, fault: DatabaseFault, *, action: str,
               retry: Callable[[], bool]) -> None: ...


class Workbench(QObject):
    articleChanged = Signal()
    """Another article is open (or none): ``article`` and ``selected_id`` are new."""
    selectionChanged = Signal()
    """Another annotation is selected (``selected_id``, maybe None)."""
    aboutToChangeArticle = Signal()
    """Commit pending input (a note being typed) before the article goes away."""
    suggestionMoved = Signal()
    """Another suggestion is the current one (N/P, a click in the Suggestions list)."""
    textShown = Signal()
    """The opened article's text has been painted (LOAD_FIRST_DELAY_MS ago, or
    LOAD_UNPAINTED_DELAY_MS after opening if the window is not on screen): what waited
    for it (table rows, the rest of the annotations) may now paint."""

    attached = Signal()
    """A project was attached: the window is usable (see :meth:`attach`)."""

    def __init__(self, project: Project | None, settings: QSettings,
                 window: QMainWindow) -> None:
        super().__init__(window)
        self._project: Project | None = None
        self.settings = settings
        self.window = window
        self.article: OpenArticle | None = None
        self.selected_id: str | None = None
        self.scroll_to_selection = True
        """Whether the last selection asked the text to scroll to it."""
        self.labels: list[Label] = []
        self.label_by_key: dict[str, Label] = {}
        self._rubric: Rubric | None = None
        self._score_cache: dict[tuple[str, str], tuple[int, str] | None] = {}
        self.hidden_layers: set[str] = set()
        self.color_by = "label"
        self.annotator_colors: dict[str, str] = {}
        self.compare_colors: dict[str, str] | None = None
        """Set by the review pane while compare mode is on (annotation id → colour)."""
        self.include_reviewed = False
        """Statistics count the reviewed layer only when asked (Agreement/Profile)."""
        self.view = ArticleView(window)
        self.actions = ActionRegistry(window)
        self.actions.add_article_widget(self.view)
        self.row_observers: list[RowObserver] = []
        self.undo_group = QUndoGroup(self)
        self._stacks: dict[int | None, QUndoStack] = {}
        self.undo_group.setActiveStack(self._stack(None))
        self.apply_changes: Callable[[Changes], None] = lambda _changes: None
        """The window's router (the only refresh entry point); bound by MainWindow."""
        self.editing: Editing | None = None
        self.faults: Faults | None = None
        self.suggesting: Suggesting | None = None
        """The suggestions controller's state and flow (bound by it)."""
        """Keeps actions the database refused on screen, with Retry (bound by the window)."""
        self.open_window: Callable[[Project], None] = lambda _project: None
        """Open a new window on another project (bound by MainWindow)."""
        self._loader = QTimer(self)
        self._loader.setSingleShot(True)
        self._loader.timeout.connect(self._load_more)
        self._shown = QTimer(self)
        self._shown.setSingleShot(True)
        self._shown.timeout.connect(self._text_shown)
        self._await_first_paint = False
        self.view.viewport().installEventFilter(self)
        if project is not None:
            self.attach(project)

    # --------------------------------------------------------------- project
    @property
    def project(self) -> Project:
        """The open project; only there once attached (the shell paints without it)."""
        if self._project is None:
            raise RuntimeError("no project attached yet")
        return self._project

    @property
    def rubric(self) -> Rubric:
        """The project's strength rubric (once attached)."""
        if self._rubric is None:
            raise RuntimeError("no project attached yet")
        return self._rubric

    @property
    def is_attached(self) -> bool:
        return self._project is not None

    def attach(self, project: Project) -> None:
        """Second phase of start-up: the project's labels and rubric (this imports the
        storage stack); the window emits :attr:`attached` when it is usable."""
        from annotator.services import scoring

        self._project = project
        self.labels = project.labels()
        self.label_by_key = {lab.key: lab for lab in self.labels}
        self._rubric = scoring.project_rubric(project)
        self._score_cache.clear()

    # ----------------------------------------------------------------- people
    @property
    def analyst(self) -> str:
        return str(self.settings.value("analyst/name", "") or "")

    def status(self, message: str, ms: int = 6000) -> None:
        self.window.statusBar().showMessage(message, ms)

    def last_dir(self, kind: str = "open") -> str:
        """The folder the last file dialog of this kind used (any kind as fallback)."""
        from pathlib import Path

        for key in (f"paths/last_{kind}", "paths/last_any"):
            value = self.settings.value(key)
            if value and Path(str(value)).is_dir():
                return str(value)
        return str(Path.home())

    def remember_dir(self, path: str, kind: str = "open") -> None:
        from pathlib import Path

        folder = path if Path(path).is_dir() else str(Path(path).parent)
        self.settings.setValue(f"paths/last_{kind}", folder)
        self.settings.setValue("paths/last_any", folder)

    # ------------------------------------------------------------------- undo
    def _stack(self, article_id: int | None) -> QUndoStack:
        if article_id not in self._stacks:
            stack = QUndoStack(self)
            self.undo_group.addStack(stack)
            self._stacks[article_id] = stack
        return self._stacks[article_id]

    @property
    def undo_stack(self) -> QUndoStack:
        """The open article's undo stack (the only active one)."""
        return self._stack(self.article.id if self.article else None)

    # ------------------------------------------------------------- navigation
    def open_article(self, article_id: int) -> None:
        self.aboutToChangeArticle.emit()
        from annotator.services.open_article import OpenArticle

        self._loader.stop()
        self.article = OpenArticle.load_first_screen(self.project, article_id)
        self.selected_id = None
        self.undo_group.setActiveStack(self._stack(article_id))
        # textShown (and paging in the rest) once the first screen has been painted,
        # or after a while if the window is not visible.
        self._await_first_paint = True
        self._shown.start(LOAD_UNPAINTED_DELAY_MS)
        self.articleChanged.emit()

    def select(self, annotation_id: str | None, *, scroll_text: bool = True) -> None:
        article = self.article
        ann = article.by_id.get(annotation_id) if article and annotation_id else None
        self.selected_id = ann.id if ann else None
        self.scroll_to_selection = scroll_text
        self.selectionChanged.emit()

    def text_selection(self) -> tuple[int, int]:
        """The selected text in code points, surrounding whitespace trimmed (a
        double-click or Shift+Ctrl+Right often takes a trailing space along)."""
        start, end = self.view.selection_cp()
        if self.article is None:
            return start, start
        text = self.article.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return start, end

    # ---------------------------------------------------------------- folding
    def fold(self, changes: Changes) -> None:
        """Bring the shared state in line with ``changes`` before panes look at it."""
        if changes.labels:
            self.project.invalidate_labels()
            self.labels = self.project.labels()
            self.label_by_key = {lab.key: lab for lab in self.labels}
        article = self.article
        if article is None:
            return
        from annotator.services import articles
        from annotator.services.open_article import OpenArticle

        if article.id in changes.article_metadata:
            article.article = articles.get_article(self.project, article.id)
        if changes.reloads(article.id):
            self._loader.stop()
            self.article = OpenArticle.load(self.project, article.id)
            return
        for change in changes.annotations_in(article.id):
            if change.before is not None and change.before.id in article.by_id:
                row = article.row_of(change.before.id)
                assert row is not None
                for obs in self.row_observers:
                    obs.begin_remove(row)
                article.remove(change.before.id)
                for obs in self.row_observers:
                    obs.end_remove()
            if change.after is not None:
                row = article.insertion_row(change.after)
                for obs in self.row_observers:
                    obs.begin_insert(row)
                article.insert(change.after)
                for obs in self.row_observers:
                    obs.end_insert()

    def score_cached(self, label_key: str, facets_json: str) -> tuple[int, str] | None:
        """Score for the table's Strength column, cached by (label, facets)."""
        key = (label_key, facets_json)
        if key not in self._score_cache:
            # imported here: scores are drawn once a project is attached, not by the shell
            from annotator.domain.facets_codec import decode_facets
            from annotator.domain.rubric import score

            try:
                result = score(label_key, decode_facets(facets_json), self.rubric)
                self._score_cache[key] = (result.value, result.band)
            except ValueError:
                self._score_cache[key] = None
        return self._score_cache[key]

    # ----------------------------------------------------------------- paging
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if (self._await_first_paint and event.type() == QEvent.Type.Paint
                and obj is self.view.viewport()):
            self._await_first_paint = False
            self._shown.start(LOAD_FIRST_DELAY_MS)
        return super().eventFilter(obj, event)

    def _text_shown(self) -> None:
        self._await_first_paint = False
        article = self.article
        if article is not None:
            # Remembered for the next start once the text is on screen: QSettings
            # writes its file on the next turn of the event loop, which must not be
            # before the text's first paint (closing the window writes the id too).
            self.settings.setValue("session/article", article.id)
            # The start-up shell shows this title before the project is open again.
            self.settings.setValue("session/article_title", article.article.title)
        self.textShown.emit()
        if self.article is not None and not self.article.complete:
            self._loader.start(0)

    def _load_more(self) -> None:
        """Page in the rest of a large article's annotations between user events."""
        article = self.article
        if article is None or article.complete:
            return
        page = article.load_more(self.project)
        if page:
            if article.can_append(page):
                first_row = article.count
                for obs in self.row_observers:
                    obs.begin_insert_rows(first_row, first_row + len(page) - 1)
                article.append_sorted(page)
                for obs in self.row_observers:
                    obs.end_insert()
            else:  # an annotation tagged meanwhile sits among them
                for ann in page:
                    row = article.insertion_row(ann)
                    for obs in self.row_observers:
                        obs.begin_insert(row)
                    article.insert(ann)
                    for obs in self.row_observers:
                        obs.end_insert()
            self.apply_changes(Changes(loaded=(article.id, page[0].start,
                                               max(a.end for a in page))))
        if not article.complete:
            self._loader.start(0)
        else:
            self.apply_changes(Changes(loading_done=frozenset({article.id})))
