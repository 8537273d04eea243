"""The reliability profile (bottom dock, tab behind the table)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from annotator.qt.pane import Pane
from annotator.services.changes import Changes

PROFILE_DELAY_MS = 400
"""Recomputed this long after the last edit, so tagging quickly never waits for charts."""


class ProfileDockPane(Pane):
    name = "profileDock"

    def build(self) -> QWidget:
        from annotator.qt.profile_pane import ProfilePane

        self.profile = ProfilePane(self.wb.project, self.wb.window)
        self._timer = QTimer(self.profile)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PROFILE_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self._stale = True
        return self.profile

    def refresh(self) -> None:
        self._stale = False
        self.profile.set_annotators(self._visible_annotators())
        self.profile.show_article(self.wb.article.id if self.wb.article else None)

    def _visible_annotators(self) -> list[str] | None:
        """The profile follows the visible layers; the reviewed layer only when shown
        and asked for (``wb.include_reviewed``)."""
        article = self.wb.article
        if article is None:
            return None
        names = sorted((n for n in article.annotator_counts() if n not in self.wb.hidden_layers),
                       key=str.casefold)
        if not self.wb.include_reviewed:
            names = [n for n in names if n != "reviewed"]
        return names

    def _schedule(self) -> None:
        self._stale = True
        if self.showing:
            self._timer.start()

    def shown(self) -> None:
        if self._stale:
            self.refresh()

    def article_changed(self) -> None:
        self._schedule()

    def apply_changes(self, changes: Changes) -> None:
        if changes.touches_article(self.wb.article.id if self.wb.article else None) \
                or changes.article_list:
            self._schedule()
