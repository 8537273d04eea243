"""Display preferences: article zoom and the light/dark theme (View menu), remembered."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from annotator.qt.theme import ThemeController, theme_for
from annotator.qt.workbench import Workbench
from annotator.qt.zoom import ZoomController


class DisplayController:
    def __init__(self, wb: Workbench) -> None:
        self.wb = wb
        act = wb.actions
        self.zoom = ZoomController(wb.view, wb.settings)
        for action, help_text in (
                (self.zoom.in_action, "larger article text (also Ctrl+wheel)"),
                (self.zoom.out_action, "smaller article text"),
                (self.zoom.reset_action, "article text at its normal size")):
            act.adopt(action, menu="&View", section=2, help=help_text)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.theme: ThemeController = theme_for(app, wb.settings)
        for action in self.theme.actions.values():
            act.menu("&View/&Theme").addAction(action)
