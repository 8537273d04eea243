"""Panes: one module each, registered with the window, built the first time shown.

Modelled on Frescobaldi's ``panelmanager``: the manager makes a dock per registered
pane with a placeholder inside; the pane's widget is built when the dock is first
actually visible (QtCharts and the review machinery cost start-up time). Built panes
receive every data change (``apply_changes``) and every navigation event
(``article_changed``, ``selection_changed``); each pane decides what to redraw.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QFrame, QLabel, QMainWindow, QScrollArea, QWidget

from annotator.qt.workbench import Workbench
from annotator.services.changes import Changes

P = TypeVar("P", bound="Pane")


class Pane:
    """Subclass, set the class attributes, implement :meth:`build` and the hooks."""

    name: ClassVar[str]
    """The dock's object name (saved layouts refer to it): ``"profileDock"``."""
    title: ClassVar[str]
    area: ClassVar[Qt.DockWidgetArea | None] = Qt.DockWidgetArea.RightDockWidgetArea
    """``None``: not a dock (the central article, the status line); built at once."""
    tab_with: ClassVar[str | None] = None
    """Another pane's ``name``: stack this dock as a tab behind that one."""
    lazy: ClassVar[bool] = True
    """Build the widget only when the dock is first shown."""
    scrollable: ClassVar[bool] = False
    """Put the widget in a scroll area: a pane with a large minimum size (charts) then
    scrolls in a small dock instead of growing the window beyond the screen."""

    def __init__(self, wb: Workbench) -> None:
        self.wb = wb
        self.widget: QWidget | None = None
        self.dock: QDockWidget | None = None

    def build(self) -> QWidget:
        raise NotImplementedError

    # ---- hooks (called only once built) -----------------------------------
    def apply_changes(self, changes: Changes) -> None:
        """Data changed: redraw what ``changes`` touches."""

    def article_changed(self) -> None:
        """``wb.article`` is another article (or None)."""

    def selection_changed(self) -> None:
        """``wb.selected_id`` changed."""

    def commit_pending(self) -> None:
        """Save unsaved input (the article is about to change or the window to close)."""

    def shown(self) -> None:
        """The dock became visible (after a build, or brought to front again)."""

    # ---- helpers --------------------------------------------------------------
    @property
    def showing(self) -> bool:
        """Whether the (possibly tabified) dock is actually on screen."""
        if self.dock is None:
            return self.widget is not None and self.widget.isVisible()
        return self.dock.isVisible() and not self.dock.visibleRegion().isEmpty()


class PaneManager:
    def __init__(self, window: QMainWindow, wb: Workbench) -> None:
        self.window = window
        self.wb = wb
        self.panes: dict[str, Pane] = {}
        wb.articleChanged.connect(self.article_changed)
        wb.selectionChanged.connect(self.selection_changed)
        wb.aboutToChangeArticle.connect(self.commit_pending)

    def register(self, pane_type: type[P]) -> P:
        pane = pane_type(self.wb)
        self.panes[pane.name] = pane
        if pane.area is None or (not pane.lazy and self.wb.is_attached):
            self._build(pane)
        if pane.area is None:
            return pane
        dock = QDockWidget(pane.title, self.window)
        dock.setObjectName(pane.name)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        dock.setWidget(pane.widget if pane.widget is not None else _placeholder())
        pane.dock = dock
        other = self.panes[pane.tab_with].dock if pane.tab_with and pane.tab_with in self.panes else None
        if other is not None:
            # Straight into the partner's tab group: adding it to the area first and
            # then tabifying leaves a stray, stale tab bar painted in the window.
            self.window.tabifyDockWidget(other, dock)
        else:
            self.window.addDockWidget(pane.area, dock)
        dock.visibilityChanged.connect(lambda visible, p=pane: self._visibility(p, visible))
        return pane

    def get(self, name: str) -> Pane:
        """The pane called ``name``, built (even if its dock is hidden)."""
        pane = self.panes[name]
        if pane.widget is None:
            self._build(pane)
        return pane

    def find(self, pane_type: type[P]) -> P:
        pane = self.get(pane_type.name)
        assert isinstance(pane, pane_type)
        return pane

    def docks(self) -> list[QDockWidget]:
        return [p.dock for p in self.panes.values() if p.dock is not None]

    def built(self) -> list[Pane]:
        return [p for p in self.panes.values() if p.widget is not None]

    def apply_changes(self, changes: Changes) -> None:
        for pane in self.built():
            pane.apply_changes(changes)

    def commit_pending(self) -> None:
        for pane in self.built():
            pane.commit_pending()

    def article_changed(self) -> None:
        for pane in self.built():
            pane.article_changed()

    def selection_changed(self) -> None:
        for pane in self.built():
            pane.selection_changed()

    def _build(self, pane: Pane) -> None:
        pane.widget = pane.build()
        if pane.dock is not None:
            old = pane.dock.widget()
            content: QWidget = pane.widget
            if pane.scrollable:
                area = QScrollArea()
                area.setObjectName(f"{pane.name}Scroll")
                area.setWidgetResizable(True)
                area.setFrameShape(QFrame.Shape.NoFrame)
                area.setWidget(pane.widget)
                area.setMinimumSize(120, 80)
                content = area
            pane.dock.setWidget(content)
            if old is not None:
                old.deleteLater()
        pane.article_changed()
        if self.wb.selected_id is not None:
            pane.selection_changed()

    def attach(self) -> None:
        """The project is attached: build the docks that are on screen (they waited),
        and tell the built panes about it."""
        for pane in self.built():
            pane.article_changed()
        for pane in list(self.panes.values()):
            if pane.widget is None and not pane.lazy:
                self._build(pane)
            elif pane.widget is None and pane.dock is not None and pane.showing:
                # on screen (a tab behind another one is not: it waits for its tab)
                self._visibility(pane, True)

    def _visibility(self, pane: Pane, visible: bool) -> None:
        if not visible or not self.wb.is_attached:
            return
        if pane.widget is None:
            self._build(pane)
        # visibilityChanged(True) means the dock (or its tab) is now the one on screen;
        # let the layout settle before the pane measures or refreshes itself.
        dock = pane.dock
        QTimer.singleShot(0, self.window, lambda: pane.shown() if dock is not None and dock.isVisible()
                          else None)


def _placeholder() -> QWidget:
    """Stands in a dock until its pane is first shown."""
    label = QLabel("Loading…")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label
