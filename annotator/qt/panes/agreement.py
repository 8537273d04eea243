"""Inter-annotator agreement (bottom dock, tab behind the profile)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from annotator.qt.pane import Pane
from annotator.services.changes import Changes


class AgreementDockPane(Pane):
    name = "agreementDock"

    def build(self) -> QWidget:
        from annotator.qt.agreement_pane import AgreementPane

        self.pane = AgreementPane(self.wb.project, self.wb.window)
        self._stale = True
        return self.pane

    def refresh(self) -> None:
        self._stale = False
        self.pane.show_article(self.wb.article.id if self.wb.article else None)

    def shown(self) -> None:
        if self._stale:
            self.refresh()

    def article_changed(self) -> None:
        self._stale = True
        if self.showing:
            self.refresh()

    def apply_changes(self, changes: Changes) -> None:
        if changes.touches_article(self.wb.article.id if self.wb.article else None):
            self._stale = True
            if self.showing:
                self.refresh()
