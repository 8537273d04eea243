"""The article list at a small screen's first-start width: a readable title, no sideways scroll."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from annotator.qt.panes.article_list import TITLE_MIN_WIDTH


def test_article_list_columns_fit_the_dock(window, qtbot) -> None:
    window.resize(1280, 720)
    dock = window.findChild(QDockWidget, "articlesDock")
    pane = window.pane("articlesDock")
    table, header = pane.table, pane.table.horizontalHeader()

    window.resizeDocks([dock], [200], Qt.Orientation.Horizontal)  # 1280×720 first start
    qtbot.waitUntil(lambda: dock.width() <= 220)
    qtbot.waitUntil(lambda: header.sectionSize(0) >= TITLE_MIN_WIDTH)
    assert not table.horizontalScrollBar().isVisible()
    assert not header.isSectionHidden(3)  # the tag count stays
    assert header.isSectionHidden(4)      # the anonymous share goes first
    shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    assert sum(header.sectionSize(c) for c in shown) <= table.viewport().width()
    # The title is elided in the cell; the tooltip has it whole, with outlet and date.
    index = table.model().index(0, 0)
    title = window.article.article.title
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert tip.splitlines()[0] == title
    assert table.fontMetrics().horizontalAdvance(title) > header.sectionSize(0)
    assert table.textElideMode() == Qt.TextElideMode.ElideRight

    window.resizeDocks([dock], [560], Qt.Orientation.Horizontal)  # wider: all columns
    qtbot.waitUntil(lambda: not any(header.isSectionHidden(c) for c in range(header.count())))
    assert header.sectionSize(0) >= TITLE_MIN_WIDTH
    assert not table.horizontalScrollBar().isVisible()


def test_annotation_table_fits_1280_without_sideways_scroll(window, qtbot) -> None:
    window.resize(1280, 720)
    text = window.article.text
    i = text.index("Axios reports")
    window.view.select_cp(i, i + len("Axios"))
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_6)
    table = window.pane("tableDock").table
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: table.model().rowCount() == 1)
    qtbot.waitUntil(lambda: table.viewport().width() >= 1200)
    last = header.count() - 1  # Updated: a whole timestamp
    assert header.sectionSize(last) >= table.sizeHintForColumn(last)
    assert sum(header.sectionSize(c) for c in range(header.count())) \
        <= table.viewport().width()
    assert not table.horizontalScrollBar().isVisible()
