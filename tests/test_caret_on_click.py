"""A click inside a highlight leaves the caret there; Shift extends from it; S keeps it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.domain.word_boundaries import word_end, word_start

from .test_word_snap import char_point


def _tag(window, qtbot, phrase: str) -> str:  # type: ignore[no-untyped-def]
    """Select ``phrase`` and press 4 ("Anonymous, unspecified"), as the analyst does."""
    text = window.article.text
    i = text.index(phrase)
    window.view.setFocus()
    window.view.select_cp(i, i + len(phrase))
    qtbot.keyClick(window.view, Qt.Key.Key_4)
    assert window.selected_id is not None
    assert window.article.by_id[window.selected_id].text == phrase
    return window.selected_id


def test_click_in_highlight_keeps_caret_and_shift_extends_from_it(window, qtbot) -> None:
    view = window.view
    text = window.article.text
    ann_id = _tag(window, qtbot, "three sources with direct knowledge of the talks")
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert window.selected_id is None
    ann = window.article.by_id[ann_id]
    p = text.index("direct knowledge") + 3  # inside "direct"
    vp = view.viewport()
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=char_point(view, p))
    assert window.selected_id == ann_id  # the click selected the annotation...
    caret = view.cursor_cp()
    assert caret in (p, p + 1) and caret != ann.start  # ...and left the caret where it was
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection_cp() == (caret, caret + 3)
    # Shift+click extends from the clicked point (snapped to whole words).
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=char_point(view, p))
    assert view.cursor_cp() == caret and not view.textCursor().hasSelection()
    q = text.index("of the talks") + 9  # inside "talks"
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     char_point(view, q))
    s, e = view.selection_cp()
    assert (s, e) == (word_start(text, caret), word_end(text, q))
    assert text[s:e] == "direct knowledge of the talks"


def test_s_sets_source_without_moving_caret_or_scrolling(window, qtbot) -> None:
    window.resize(900, 420)
    view = window.view
    text = window.article.text
    claim = text[text.index("A high-stakes"):text.index(", according to three")]
    ann_id = _tag(window, qtbot, claim)
    phrase = "three sources with direct knowledge of the talks"
    j = text.index(phrase)
    qtbot.wait(10)
    bar = view.verticalScrollBar()
    # Put the phrase in view, but not at the top, then select it with the mouse.
    view.select_cp(j, j)
    vp = view.viewport()
    start, end = char_point(view, j), char_point(view, j + len(phrase) - 1)
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(vp, end)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=end)
    assert text[slice(*view.selection_cp())] == phrase
    caret = view.cursor_cp()
    assert window.selected_id == ann_id
    before_scroll = bar.value()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_S)
    ann = window.article.by_id[ann_id]
    assert (ann.source_start, ann.source_end) == (j, j + len(phrase))
    assert view.cursor_cp() == caret
    assert bar.value() == before_scroll
