"""The real window in both themes: every coloured word it shows keeps WCAG 4.5:1.

Review, Agreement and Discussion panes open with real content (a colleague's
layer, a comment, a scored annotation); for View › Theme › Light and Dark the test
reads the colours back off the widgets — rich-text spans of every label and text
browser, style-sheet text colours, item-model foreground brushes — and measures
each against the background it is drawn on. Marker glyphs (● ■) are swatches,
not text, and are left out.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QTextBrowser, QWidget

from annotator.qt import theme
from annotator.services import annotate
from annotator.services.changes import Changes

SPAN = re.compile(r"(?<![-\w])color\s*:\s*(#[0-9a-fA-F]{6})[^>]*>([^<]*)")
SHEET = re.compile(r"(?<![-\w])color\s*:\s*(#[0-9a-fA-F]{6})")
GLYPHS = {"●", "■", ""}


def _fill_the_panes(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    text = window.article.text
    i = text.index("Axios reports")
    window.view.select_cp(i, i + len("Axios reports"))
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_6)  # Ana tags: scored, strength band shown
    j = text.index("reportedly")
    window.view.select_cp(j, j + len("reportedly"))
    qtbot.keyClick(window.view, Qt.Key.Key_6)
    project, aid = window.project, window.article.id
    annotate.apply_edit(project, annotate.new_annotation(
        project, article_id=aid, article_text=text, annotator="Ben Reviewer",
        label="named_person", start=i, end=i + len("Axios reports")), actor="Ben Reviewer")
    window.apply_changes(Changes.bulk([aid]))
    window.review.show_review()
    window.pane("reviewDock").panel.next_item()
    window.pane("agreementDock").dock.show()
    discussion = window.pane("commentsDock")
    discussion.dock.show()
    window.wb.select(window.article.rows[0].id)
    thread = discussion.thread
    qtbot.waitUntil(lambda: thread.annotation_id is not None)
    thread.text.setPlainText("Is Axios the source, or a relay?")
    assert thread.post()
    thread.resolve()


def _background(widget: QWidget) -> QColor:
    pal = widget.palette()
    role = QPalette.ColorRole.Base if isinstance(widget, QTextBrowser) else widget.backgroundRole()
    return pal.color(role)


def _coloured_text(window) -> list[tuple[float, str, str]]:  # type: ignore[no-untyped-def]
    """(ratio, where, colour) for every coloured text the window shows."""
    out = []
    for widget in window.findChildren(QLabel) + window.findChildren(QTextBrowser):
        bg = _background(widget)
        markup = widget.toHtml() if isinstance(widget, QTextBrowser) else widget.text()
        for color, words in SPAN.findall(markup):
            if words.strip() not in GLYPHS:
                out.append((theme.contrast(QColor(color), bg),
                            f"{widget.objectName() or type(widget).__name__}: {words[:30]}", color))
        for color in SHEET.findall(widget.styleSheet()):
            out.append((theme.contrast(QColor(color), bg),
                        f"{widget.objectName() or widget.text()} (style sheet)", color))
    for view in window.findChildren(QAbstractItemView):
        model = view.model()
        if model is None:
            continue
        pal = view.palette()
        backgrounds = [pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.AlternateBase)]
        try:
            columns = model.columnCount(QModelIndex())
        except TypeError:  # list models keep columnCount private: one column
            columns = 1
        for row in range(min(model.rowCount(QModelIndex()), 50)):
            for col in range(columns):
                index = model.index(row, col)
                brush = model.data(index, Qt.ItemDataRole.ForegroundRole)
                if not isinstance(brush, (QBrush, QColor)) or not str(index.data() or "").strip():
                    continue
                color = brush.color() if isinstance(brush, QBrush) else brush
                out.append((min(theme.contrast(color, bg) for bg in backgrounds),
                            f"{view.objectName()} [{row},{col}] {index.data()}", color.name()))
    return out


def test_every_coloured_word_reads_on_light_and_dark(window, qtbot) -> None:
    _fill_the_panes(window, qtbot)
    app = QApplication.instance()
    seen: dict[str, int] = {}
    try:
        for mode in ("light", "dark"):
            window.display.theme.set_mode(mode)
            qtbot.waitUntil(lambda m=mode: theme.is_dark(window.palette()) == (m == "dark"))
            for _ in range(5):
                app.processEvents()
            found = _coloured_text(window)
            seen[mode] = len(found)
            failing = sorted(f for f in found if f[0] < theme.MIN_CONTRAST)
            assert failing == [], (mode, failing)
            # The signal colours are the theme's, re-rendered after the switch.
            colours = {c.casefold() for _, _, c in found}
            dark = mode == "dark"
            for name in ("ok", "warning"):
                assert theme.TEXT_COLORS[name][dark] in colours, (mode, name)
            assert theme.muted_text(window.palette()) in colours, mode
    finally:
        window.display.theme.set_mode("system")
    qtbot.waitUntil(lambda: not theme.is_dark(window.palette()))
    assert seen["light"] > 10 and seen["dark"] > 10, seen  # the scan did see the panes
