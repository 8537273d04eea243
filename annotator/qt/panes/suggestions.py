"""Suggestions: the open article's pending suggestions as a list (bottom dock, a tab
behind the annotation table; Tag › Suggestions list, Ctrl+Shift+L).

Wraps :class:`annotator.qt.suggestions_list.SuggestionList`. What it lists is the
suggestions controller's state (``wb.suggesting``); the list is re-read only when a
Changes record carries the ``"suggestions"`` tag (computed, accepted, rejected,
hidden) or the source types change, and the current row follows ``wb.suggestionMoved``
(N/P in the article). Moving the row, Enter, a digit and X go back to the controller,
which does the work (one undo step each) and reports what changed.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from annotator.qt.pane import Pane
from annotator.qt.workbench import SUGGESTIONS_CHANGED
from annotator.services.changes import Changes

IDLE_NOTE = ("No suggestions shown. Tag › Suggest attributions (Ctrl+Shift+A) proposes "
             "every attribution in the article.")
BUSY_NOTE = "Suggesting attributions…"
NONE_NOTE = "No attributions left to suggest in this article."


class SuggestionsPane(Pane):
    name = "suggestionsDock"

    def build(self) -> QWidget:
        from annotator.qt.suggestions_list import SuggestionList

        self.view = SuggestionList(self.wb.window)
        self.view.currentChanged.connect(self._go)
        self.view.stepRequested.connect(self._step)
        # Act after the key event is delivered: accepting resets this table's model.
        self.view.acceptRequested.connect(
            lambda i: QTimer.singleShot(0, self.view, lambda: self._act(i, "accept")))
        self.view.rejectRequested.connect(
            lambda i: QTimer.singleShot(0, self.view, lambda: self._act(i, "reject")))
        self.view.acceptAsRequested.connect(
            lambda i, d: QTimer.singleShot(0, self.view, lambda: self._act(i, d)))
        self.wb.suggestionMoved.connect(self._moved)
        return self.view

    # ------------------------------------------------------------------ hooks
    def article_changed(self) -> None:
        self._reload()

    def apply_changes(self, changes: Changes) -> None:
        if SUGGESTIONS_CHANGED in changes.extra or changes.labels:
            self._reload()

    def focus_list(self) -> None:
        self.view.table.setFocus()

    # --------------------------------------------------------------- drawing
    def _reload(self) -> None:
        s = self.wb.suggesting
        if s is None or not s.active:
            self.view.set_proposals([], {}, IDLE_NOTE)
            return
        note = BUSY_NOTE if s.pending is not None else NONE_NOTE
        names = {lab.key: lab.name for lab in self.wb.labels}
        self.view.set_proposals(s.proposals, names, note, s.current)

    def _moved(self) -> None:
        s = self.wb.suggesting
        if s is not None and self.widget is not None:
            self.view.set_current(s.current)

    # ---------------------------------------------------------------- asking
    def _go(self, index: int) -> None:
        s = self.wb.suggesting
        if s is not None and s.current != index:
            s.go(index)

    def _step(self, step: int) -> None:
        s = self.wb.suggesting
        if s is None or not s.proposals:
            return
        n = len(s.proposals)
        s.go((s.current + step) % n if s.current >= 0 else 0)

    def _act(self, index: int, what: str) -> None:
        s = self.wb.suggesting
        if s is None or not 0 <= index < len(s.proposals):
            return
        if s.current != index:
            s.go(index)
        if what == "accept":
            s.accept()
        elif what == "reject":
            s.reject()
        else:
            s.accept_key(what)
