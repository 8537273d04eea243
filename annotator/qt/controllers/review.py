"""Review flows: open compare mode, step through disagreements."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.qt.pane import PaneManager
from annotator.qt.panes.review import ReviewPane
from annotator.qt.workbench import Workbench


class ReviewController:
    def __init__(self, wb: Workbench, panes: PaneManager) -> None:
        self.wb = wb
        self.panes = panes
        act = wb.actions
        act.add("actionCompare", "&Compare and review…", self.show_review, "Ctrl+R",
                menu="&Review", help="compare two analysts and review")
        act.add("actionNextDisagreement", "Next disagreement", lambda: self.step(1), "N",
                menu="&Review", scope="article", help="next open disagreement (Review)")
        act.add("actionPrevDisagreement", "Previous disagreement", lambda: self.step(-1), "P",
                menu="&Review", scope="article", help="previous open disagreement (Review)")

    @property
    def pane(self) -> ReviewPane:
        return self.panes.find(ReviewPane)

    def show_review(self) -> None:
        pane = self.pane
        assert pane.dock is not None
        pane.dock.show()
        pane.dock.raise_()
        window = self.wb.window
        wanted = 540 if window.width() >= 1400 else 460
        if not pane.dock.isFloating() and window.width() >= 1200 \
                and pane.dock.width() < wanted:
            # the list needs room for kind, words, both labels and status
            window.resizeDocks([pane.dock], [wanted], Qt.Orientation.Horizontal)
        pane.update_context()

    def step(self, step: int) -> None:
        pane = self.pane
        if not pane.compare_on:
            self.show_review()
        if step > 0:
            pane.panel.next_item()
        else:
            pane.panel.prev_item()
