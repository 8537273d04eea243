"""Find in article: Ctrl+F, typing, F3/Shift+F3, every visible hit marked, Esc."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import QVBoxLayout, QWidget

from annotator.domain.model import Article
from annotator.domain.text_search import find_all
from annotator.qt.article_view import ArticleView
from annotator.qt.find_bar import FindBar
from annotator.services.open_article import OpenArticle

LINES = [f"{'👍🏽 𠀀 ' if n % 3 == 0 else ''}Line {n}: the Minister said talks had stalled."
         if n % 5 == 0 else f"Line {n}: nothing to see here, just filler text."
         for n in range(400)]
TEXT = "\n".join(LINES) + "\n"


@pytest.fixture
def bench(qtbot):  # type: ignore[no-untyped-def]
    """The article view with its find bar, as the window lays them out."""
    host = QWidget()
    layout = QVBoxLayout(host)
    view = ArticleView()
    bar = FindBar(view)
    layout.addWidget(view)
    layout.addWidget(bar)
    host.addActions(bar.commands())
    qtbot.addWidget(host)
    host.resize(800, 500)
    article = Article(id=1, title="t", outlet="", url="", published="", text=TEXT,
                      sha256="", original_filename="", imported_at="")
    view.show_article(OpenArticle(article, []))
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)  # window shortcuts need the active window
    view.setFocus()
    return host, view, bar


def _painted(view: ArticleView) -> list[tuple[int, int]]:
    offsets = view.article.offsets
    return [offsets.span_to_code_points(s.cursor.selectionStart(), s.cursor.selectionEnd())
            for s in view.extraSelections()]


def test_ctrl_f_type_f3_shift_f3_and_escape(bench, qtbot) -> None:
    host, view, bar = bench
    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert bar.isVisible() and bar.field.hasFocus()
    qtbot.keyClicks(bar.field, "minister")
    hits = find_all(TEXT, "minister")
    assert len(hits) == 80
    assert bar.count.text() == "1 of 80"
    assert view.selection_cp() == hits[0]  # code points, after the emoji and ext-B chars
    assert TEXT[slice(*view.selection_cp())] == "Minister"
    # Every hit on screen is marked, and only those: the rest are off screen.
    painted = _painted(view)
    assert painted and set(painted) <= set(hits) and len(painted) < len(hits)
    lo, hi = view.visible_cp_range()
    assert set(painted) == {h for h in hits if h[1] > lo and h[0] < hi}
    # F3 / Shift+F3 / Enter step through them.
    qtbot.keyClick(bar.field, Qt.Key.Key_F3)
    assert view.selection_cp() == hits[1] and bar.count.text() == "2 of 80"
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert view.selection_cp() == hits[2]
    qtbot.keyClick(bar.field, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection_cp() == hits[0]
    # Backwards from the first wraps to the last, which is far down: the view follows
    # and the marks follow the viewport.
    qtbot.keyClick(bar.field, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection_cp() == hits[-1] and "80 of 80 · wrapped" == bar.count.text()
    assert hits[-1] in _painted(view) and hits[0] not in _painted(view)
    # The document itself carries no format: marks are transient.
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.article.offsets.to_utf16(hits[-1][0]) + 1)
    assert cursor.charFormat().background().style() == Qt.BrushStyle.NoBrush
    # Escape closes the bar, drops the marks and gives the article the focus back,
    # even though the window binds Esc (to clearing the selection).
    window_esc: list[bool] = []
    esc = QAction("Clear selection", host)
    esc.setShortcut(QKeySequence("Esc"))
    esc.triggered.connect(lambda: window_esc.append(True))
    host.addAction(esc)
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert window_esc == []
    assert not bar.isVisible() and view.extraSelections() == []
    assert view.hasFocus()
    # F3 with the bar closed reopens it on the same query.
    qtbot.keyClick(view, Qt.Key.Key_F3)
    assert bar.isVisible() and bar.field.text() == "minister"
    assert view.selection_cp() == hits[0]  # the next one after the caret (at the last hit)


def test_scrolling_repaints_marks_for_the_new_lines(bench, qtbot) -> None:
    host, view, bar = bench
    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(bar.field, "Line 39")  # Line 39, 390..399
    hits = find_all(TEXT, "Line 39")
    assert len(hits) == 11
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    qtbot.wait(10)
    painted = _painted(view)
    assert painted and all(TEXT[s:e] == "Line 39" for s, e in painted)
    assert hits[0] not in painted  # "Line 39" near the top is off screen now


def test_selection_prefills_and_match_case(bench, qtbot) -> None:
    host, view, bar = bench
    i = TEXT.index("Minister")
    view.select_cp(i, i + len("Minister"))
    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert bar.field.text() == "Minister" and bar.count.text().endswith("80")
    bar.field.setText("minister")
    qtbot.mouseClick(bar.case, Qt.MouseButton.LeftButton)
    assert bar.count.text() == "No matches" and view.extraSelections() == []
