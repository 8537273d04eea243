"""Panes: one module each, registered with the window, built the first time shown.

Modelled on Frescobaldi's ``panelmanager``: the manager makes a dock per registered
pane (a :class:`~annotator.qt.pane_registry.PaneSpec`: name, title, place) with a
placeholder inside; the pane's module is imported and its widget built when the dock
is first actually visible (QtCharts and the review machinery cost start-up time). Built panes
receive every data change (``apply_changes``) and every navigation event
(``article_changed``, ``selection_changed``); each pane decides what to redraw.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QFrame, QLabel, QMainWindow, QScrollArea, QWidget

from annotator.qt.pane_registry import PaneSpec
from annotator.qt.workbench import Workbench
from annotator.services.changes import Changes

P = TypeVar("P", bound="Pane")


class Pane:
    """Subclass, set :attr:`name`, implement :meth:`build` and the hooks; list it in
    ``pane_registry.PANES`` (title, place, laziness live there)."""

    name: ClassVar[str]
    """The dock's object name (saved layouts refer to it): ``"profileDock"``."""

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


class PaneSlot:
    """A registered pane: its spec, its dock, and the pane once its module is loaded."""

    def __init__(self, spec: PaneSpec) -> None:
        self.spec = spec
        self.dock: QDockWidget | None = None
        self.pane: Pane | None = None

    @property
    def widget(self) -> QWidget | None:
        return None if self.pane is None else self.pane.widget

    @property
    def showing(self) -> bool:
        if self.pane is not None:
            return self.pane.showing
        return (self.dock is not None and self.dock.isVisible()
                and not self.dock.visibleRegion().isEmpty())


class PaneManager:
    def __init__(self, window: QMainWindow, wb: Workbench) -> None:
        self.window = window
        self.wb = wb
        self.panes: dict[str, PaneSlot] = {}
        wb.articleChanged.connect(self.article_changed)
        wb.selectionChanged.connect(self.selection_changed)
        wb.aboutToChangeArticle.connect(self.commit_pending)

    def register(self, spec: PaneSpec) -> PaneSlot:
        slot = PaneSlot(spec)
        self.panes[spec.name] = slot
        if spec.area is None or (not spec.lazy and self.wb.is_attached):
            self._build(slot)
        if spec.area is None:
            return slot
        dock = QDockWidget(spec.title, self.window)
        dock.setObjectName(spec.name)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        dock.setWidget(slot.widget if slot.widget is not None else _placeholder())
        slot.dock = dock
        if slot.pane is not None:
            slot.pane.dock = dock
        partner = self.panes.get(spec.tab_with) if spec.tab_with else None
        other = partner.dock if partner is not None else None
        if other is not None:
            # Straight into the partner's tab group: adding it to the area first and
            # then tabifying leaves a stray, stale tab bar painted in the window.
            self.window.tabifyDockWidget(other, dock)
        else:
            self.window.addDockWidget(spec.area, dock)
        dock.visibilityChanged.connect(lambda visible, s=slot: self._visibility(s, visible))
        return slot

    def get(self, name: str) -> Pane:
        """The pane called ``name``, built (even if its dock is hidden)."""
        slot = self.panes[name]
        if slot.widget is None:
            self._build(slot)
        assert slot.pane is not None
        return slot.pane

    def find(self, pane_type: type[P]) -> P:
        pane = self.get(pane_type.name)
        assert isinstance(pane, pane_type)
        return pane

    def docks(self) -> list[QDockWidget]:
        return [s.dock for s in self.panes.values() if s.dock is not None]

    def built(self) -> list[Pane]:
        return [s.pane for s in self.panes.values()
                if s.pane is not None and s.pane.widget is not None]

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

    def _build(self, slot: PaneSlot) -> None:
        if slot.pane is None:
            slot.pane = slot.spec.load()(self.wb)  # the pane's module loads here
            slot.pane.dock = slot.dock
        pane = slot.pane
        pane.widget = pane.build()
        if pane.dock is not None:
            old = pane.dock.widget()
            content: QWidget = pane.widget
            if slot.spec.scrollable:
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
        for slot in list(self.panes.values()):
            if slot.widget is None and not slot.spec.lazy:
                self._build(slot)
            elif slot.widget is None and slot.dock is not None and slot.showing:
                # on screen (a tab behind another one is not: it waits for its tab)
                self._visibility(slot, True)

    def _visibility(self, slot: PaneSlot, visible: bool) -> None:
        if not visible or not self.wb.is_attached:
            return
        if slot.widget is None:
            self._build(slot)
        pane = slot.pane
        assert pane is not None
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
