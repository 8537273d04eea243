"""Help: the keyboard shortcuts (generated from the registered actions), source types,
about."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QVBoxLayout

from annotator.qt.theme import muted_text
from annotator.qt.workbench import Workbench

TEXT_KEYS = [
    ("Shift+arrows, Shift+Ctrl+arrows", "select text with the keyboard", "article"),
]
"""Keys handled by the article widget itself (not actions)."""


class HelpController:
    def __init__(self, wb: Workbench) -> None:
        self.wb = wb
        act = wb.actions
        act.add("actionShortcuts", "&Keyboard shortcuts", self.show_shortcuts, "F1",
                menu="&Help", help="this list of keyboard shortcuts")
        act.add("actionSourceTypes", "&Source types…", self.show_source_types, "Shift+F1",
                menu="&Help", help="every source type with its definition and digit")
        act.add("actionAbout", "&About annotator", self.show_about, menu="&Help")
        self.dialog: QDialog | None = None

    def shortcut_rows(self) -> list[tuple[str, str, str]]:
        return TEXT_KEYS + self.wb.actions.shortcut_table()

    def shortcuts_html(self) -> str:
        muted = muted_text(self.wb.window.palette())  # readable on light and dark
        rows = "".join(
            f"<tr><td><kbd>{html.escape(k)}</kbd></td><td>{html.escape(v)}</td>"
            f"<td style='color:{muted}'>{html.escape(w)}</td></tr>"
            for k, v, w in self.shortcut_rows())
        return (f"<table cellpadding='3'>{rows}</table><p>Keys marked “article or table "
                "focused” act only while the article text or the annotation table has "
                "the keyboard focus; in a text field or list they do what that field "
                "does.</p>")

    def _show(self, title: str, name: str, body: str, size: tuple[int, int]) -> QDialog:
        from PySide6.QtWidgets import QTextBrowser  # created when first used

        browser = QTextBrowser()
        browser.setObjectName(name)
        browser.setHtml(body)
        dialog = QDialog(self.wb.window)
        dialog.setWindowTitle(title)
        dialog.setObjectName(f"{name}Dialog")
        layout = QVBoxLayout(dialog)
        layout.addWidget(browser)
        dialog.resize(*size)
        dialog.show()
        self.dialog = dialog
        return dialog

    def show_shortcuts(self) -> QDialog:
        return self._show("Keyboard shortcuts", "shortcutsHelp", self.shortcuts_html(),
                          (640, 560))

    def show_source_types(self) -> QDialog:
        """Help pane: every source type with its definition, example and shortcut."""
        rows = []
        muted = muted_text(self.wb.window.palette())
        for label in self.wb.labels:
            key = label.shortcut or ""
            retired = " <i>(retired)</i>" if label.retired else ""
            rows.append(
                f"<tr><td style='background:{label.color}'>&nbsp;&nbsp;&nbsp;</td>"
                f"<td align='center'><b>{key}</b></td><td><b>{html.escape(label.name)}</b>"
                f"{retired}<br>{html.escape(label.description)}"
                + (f"<br><span style='color:{muted}'><i>e.g. {html.escape(label.example)}</i>"
                   f"</span>" if label.example else "")
                + "</td></tr>")
        return self._show(
            "Source types", "sourceTypesHelp",
            "<h3>Source types</h3><p>Press the digit to tag the selected text. Facets and "
            "the attribution-strength rubric are explained in docs/rubric.md.</p>"
            "<table cellspacing='0' cellpadding='5'>" + "".join(rows) + "</table>",
            (560, 640))

    def show_about(self) -> QDialog:
        """Version facts (the same as ``annotator --version``) with a Copy button."""
        from annotator.qt.about_dialog import about_dialog

        dialog = about_dialog(self.wb.project.url, self.wb.window)
        dialog.show()
        self.dialog = dialog
        return dialog
