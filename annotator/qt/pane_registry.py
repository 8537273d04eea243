"""Which panes the window has, as data: the shell makes their docks without importing them.

Modelled on Frescobaldi's ``panelmanager``: a dock needs only its object name, title
and place before the first paint, so those live here and each pane's module (its
widgets, models, the Qt types they touch) is imported when its dock is first built
(:meth:`PaneSpec.load`). PyInstaller cannot follow these string paths:
packaging/annotator.spec collects every ``annotator`` submodule, and
tests/test_pane_registry.py checks each path loads the pane it names.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from annotator.qt.pane import Pane

_RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
_LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
_BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea


@dataclass(frozen=True)
class PaneSpec:
    name: str
    """The dock's object name (saved layouts refer to it): ``"profileDock"``."""
    title: str
    target: str
    """``"module:Class"`` of the :class:`~annotator.qt.pane.Pane` subclass."""
    area: Qt.DockWidgetArea | None = _RIGHT
    """``None``: not a dock (the central article, the status line); built at once."""
    tab_with: str | None = None
    """Another pane's ``name``: stack this dock as a tab behind that one."""
    lazy: bool = True
    """Build the widget only when the dock is first shown (``False``: as soon as a
    project is attached, shown or not)."""
    scrollable: bool = False
    """Put the widget in a scroll area: a pane with a large minimum size (charts) then
    scrolls in a small dock instead of growing the window beyond the screen."""

    def load(self) -> type[Pane]:
        """Import the pane's module (the first time) and return its class."""
        module, _, cls = self.target.partition(":")
        pane_type: type[Pane] = getattr(importlib.import_module(module), cls)
        return pane_type


_P = "annotator.qt.panes."

PANES: tuple[PaneSpec, ...] = (
    PaneSpec("articleArea", "Article", _P + "article:ArticlePane", area=None),
    PaneSpec("statusLine", "Status", _P + "status:StatusPane", area=None),
    PaneSpec("articlesDock", "Articles", _P + "article_list:ArticlesPane", _LEFT, lazy=False),
    PaneSpec("layersDock", "Layers", _P + "layers:LayersPane", _LEFT, lazy=False),
    PaneSpec("detailsDock", "Annotation", _P + "details:DetailsPane", _RIGHT, lazy=False),
    PaneSpec("reviewDock", "Review", _P + "review:ReviewPane", _RIGHT, tab_with="detailsDock"),
    PaneSpec("commentsDock", "Discussion", _P + "discussion:DiscussionPane", _RIGHT,
             tab_with="reviewDock"),
    # always built once attached: it is how an analyst reads the list of tags
    PaneSpec("tableDock", "Annotations", _P + "annotations:AnnotationsPane", _BOTTOM,
             lazy=False),
    PaneSpec("profileDock", "Profile", _P + "profile:ProfileDockPane", _BOTTOM,
             tab_with="tableDock", scrollable=True),
    PaneSpec("agreementDock", "Agreement", _P + "agreement:AgreementDockPane", _BOTTOM,
             tab_with="profileDock", scrollable=True),
    PaneSpec("searchDock", "Search", _P + "search:SearchDockPane", _BOTTOM,
             tab_with="profileDock"),
    PaneSpec("sourcesDock", "Sources", _P + "sources:SourcesDockPane", _BOTTOM,
             tab_with="profileDock"),
    PaneSpec("suggestionsDock", "Suggestions", _P + "suggestions:SuggestionsPane", _BOTTOM,
             tab_with="tableDock"),
)
"""Registration order = default dock order (a ``tab_with`` pane after its partner)."""
