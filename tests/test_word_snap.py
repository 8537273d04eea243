"""Mouse drags over the article snap to whole words; Alt places the ends exactly."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from annotator.domain.model import Article
from annotator.qt.article_view import ArticleView
from annotator.services.open_article import OpenArticle

TEXT = ("The minister said on Tuesday that talks had stalled, according to officials.\n"
        "Emoji 👍🏽 and 𠀀𠀁 ext-B: the spokesman’s well-known reply was “no”.\n"
        "قال المتحدث الرسمي إن المحادثات توقفت\n")


def char_point(view: ArticleView, cp: int) -> QPoint:
    """Viewport point in the middle of the character at code point ``cp``."""
    assert view.article is not None
    u16 = view.article.offsets.to_utf16(cp)
    nxt = view.article.offsets.to_utf16(cp + 1)
    cursor = QTextCursor(view.document())
    cursor.setPosition(u16)
    left = view.cursorRect(cursor)
    cursor.setPosition(nxt)
    right = view.cursorRect(cursor)
    if right.top() != left.top():  # wrapped or RTL: use the caret rect of the char itself
        return QPoint(left.x() + 2, left.center().y())
    return QPoint((left.x() + right.x()) // 2, left.center().y())


def drag(qtbot, view: ArticleView, a: int, b: int,  # type: ignore[no-untyped-def]
         modifier=Qt.KeyboardModifier.NoModifier) -> None:
    start, end = char_point(view, a), char_point(view, b)
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, modifier, start)
    mid = QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2)
    qtbot.mouseMove(vp, mid)
    qtbot.mouseMove(vp, end)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, modifier, end)


@pytest.fixture
def view(qtbot):  # type: ignore[no-untyped-def]
    widget = ArticleView()
    qtbot.addWidget(widget)
    widget.resize(900, 400)
    article = Article(id=1, title="t", outlet="", url="", published="", text=TEXT,
                      sha256="", original_filename="", imported_at="")
    widget.show_article(OpenArticle(article, []))
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_drag_from_inside_words_selects_whole_words(view, qtbot) -> None:
    warnings: list[str] = []
    view.boundaryWarning.connect(warnings.append)
    a = TEXT.index("minister") + 3
    b = TEXT.index("Tuesday") + 3
    drag(qtbot, view, a, b)
    s, e = view.selection_cp()
    assert TEXT[s:e] == "minister said on Tuesday"
    assert warnings[-1] == ""
    # Dragging right to left snaps the same way and keeps the caret at the drag's end.
    drag(qtbot, view, b, a)
    s, e = view.selection_cp()
    assert TEXT[s:e] == "minister said on Tuesday"
    assert view.cursor_cp() == s


def test_alt_drag_is_exact_and_flags_the_cut_words(view, qtbot) -> None:
    warnings: list[str] = []
    view.boundaryWarning.connect(warnings.append)
    a = TEXT.index("minister") + 3
    b = TEXT.index("Tuesday") + 3
    drag(qtbot, view, a, b, Qt.KeyboardModifier.AltModifier)
    s, e = view.selection_cp()
    assert s in (a, a + 1) and e in (b, b + 1)  # the gaps nearest the pointer
    assert "“minister”" in warnings[-1] and "“Tuesday”" in warnings[-1]


def test_drag_over_astral_characters_and_joined_words(view, qtbot) -> None:
    a = TEXT.index("spokesman’s") + 2
    b = TEXT.index("well-known") + 6  # inside "known"
    drag(qtbot, view, a, b)
    s, e = view.selection_cp()
    assert TEXT[s:e] == "spokesman’s well-known"
    # Inside the emoji + skin tone and the ext-B pair: code points, never half a character.
    c = TEXT.index("👍🏽")
    d = TEXT.index("𠀁")
    drag(qtbot, view, c, d)
    s, e = view.selection_cp()
    assert s == c and e in (d, d + 1)  # each ideograph is a word: not widened to the run
    assert TEXT[s:s + 2] == "👍🏽"
    # An end inside the emoji's cluster takes the skin tone along; never half of it.
    drag(qtbot, view, TEXT.index("Emoji") + 2, c, Qt.KeyboardModifier.AltModifier)
    s, e = view.selection_cp()
    assert TEXT[e - 1] != "👍" and e in (c, c + 2)


def test_drag_inside_rtl_words(view, qtbot) -> None:
    word = "المتحدث"
    a = TEXT.index(word) + 2
    b = TEXT.index(word) + 4
    drag(qtbot, view, a, b)
    s, e = view.selection_cp()
    assert TEXT[s:e] == word


def test_annotation_cutting_a_word_is_flagged(qtbot) -> None:
    from annotator.domain.model import Annotation

    widget = ArticleView()
    qtbot.addWidget(widget)
    article = Article(id=1, title="t", outlet="", url="", published="", text=TEXT,
                      sha256="", original_filename="", imported_at="")
    i = TEXT.index("inister")
    ann = Annotation("a1", 1, "x", "media_report", i, i + 12, TEXT[i:i + 12], "", "")
    widget.show_article(OpenArticle(article, [ann]))
    warnings: list[str] = []
    widget.boundaryWarning.connect(warnings.append)
    widget.mark_selected("a1")
    assert warnings and "This annotation starts inside “minister”" in warnings[-1]
