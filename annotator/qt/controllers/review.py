"""Review flows: open compare mode, step through disagreements."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from annotator.qt.pane import PaneManager
from annotator.qt.workbench import Workbench
from annotator.services.changes import Changes

if TYPE_CHECKING:
    from annotator.qt.panes.review import ReviewPane


class ReviewController:
    def __init__(self, wb: Workbench, panes: PaneManager) -> None:
        self.wb = wb
        self.panes = panes
        act = wb.actions
        act.add("actionCompare", "&Compare and review…", self.show_review, "Ctrl+R",
                menu="&Review", help="compare two analysts and review")
        act.add("actionNextDisagreement", "Next disagreement", lambda: self.step(1), "N",
                menu="&Review", scope="article", help="next open disagreement (Review)")
        self.include_reviewed = act.add(
            "actionIncludeReviewed", "Count the &reviewed layer in statistics",
            self.toggle_reviewed, menu="&Review", section=1,
            help="profile and agreement also count the reviewed layer")
        self.include_reviewed.setCheckable(True)
        act.add("actionPrevDisagreement", "Previous disagreement", lambda: self.step(-1), "P",
                menu="&Review", scope="article", help="previous open disagreement (Review)")

    def toggle_reviewed(self) -> None:
        self.wb.include_reviewed = self.include_reviewed.isChecked()
        self.wb.apply_changes(Changes(layers=True))

    @property
    def pane(self) -> ReviewPane:
        from annotator.qt.panes.review import ReviewPane  # loads with the dock, not the shell

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
