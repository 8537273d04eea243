"""Drive the real main window like an analyst: keyboard, mouse, shortcuts."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QTableView, QToolButton

from annotator.services import articles


def _move_cursor_to(qtbot, view, cp: int) -> None:  # type: ignore[no-untyped-def]
    """Walk the caret to code point ``cp`` with Ctrl+Home, Ctrl+Right and Right only."""
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    while True:
        before = view.cursor_cp()
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
        if view.cursor_cp() > cp or view.cursor_cp() == before:
            qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
            break
    # Word-jump until just before cp, then single steps.
    while True:
        pos = view.cursor_cp()
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
        if view.cursor_cp() > cp:
            while view.cursor_cp() > pos:
                qtbot.keyClick(view, Qt.Key.Key_Left)
            break
    while view.cursor_cp() < cp:
        qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.cursor_cp() == cp


def test_opens_on_seed_article_with_named_widgets(window) -> None:
    for name in ("articleView", "annotationTable", "labelPalette", "articleList",
                 "annotationDetails"):
        assert window.findChild(object, name) is not None, name
    assert window.article is not None
    assert "three sources with direct knowledge" in window.article.text
    assert window.view.document().characterCount() == window.article.offsets.utf16_length + 1
    assert "Ana Analyst" in window.pane('statusLine').analyst.text()


def test_keyboard_only_selection_and_digit_tags(window, qtbot) -> None:
    view = window.view
    text = window.article.text
    start = text.index("according to three sources")
    view.setFocus()
    _move_cursor_to(qtbot, view, start)
    for _ in range(4):  # "according to three sources"
        qtbot.keyClick(view, Qt.Key.Key_Right,
                       Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
    s, e = view.selection_cp()
    assert s == start and text[s:e].strip() == "according to three sources"
    qtbot.keyClick(view, Qt.Key.Key_4)
    assert window.article.count == 1
    ann = window.article.rows[0]
    assert ann.label == "anonymous_unspecified"
    assert ann.text == "according to three sources"  # trailing space trimmed
    assert ann.annotator == "Ana Analyst"
    assert window.pane('tableDock').model.rowCount() == 1
    assert window.selected_id == ann.id
    # stored in the database at once
    stored = articles.load_annotations(window.project, window.article.id)
    assert [a.text for a in stored] == ["according to three sources"]


def test_palette_click_and_context_menu_labels(window, qtbot) -> None:
    text = window.article.text
    i = text.index("Axios reports")
    window.view.select_cp(i, i + len("Axios reports"))
    button = window.pane('articleArea').palette.findChild(QToolButton, "label_media_report")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert [a.label for a in window.article.rows] == ["media_report"]
    assert window.article.rows[0].text == "Axios reports"
    # The Tag menu exposes every active label with its digit shortcut.
    names = [a.shortcut().toString() for a in window.wb.actions.in_menu('&Tag')]
    assert names[:9] == [str(n) for n in range(1, 10)]


def _tag(window, phrase: str, key: str, occurrence_from: int = 0):  # type: ignore[no-untyped-def]
    text = window.article.text
    i = text.index(phrase, occurrence_from)
    window.view.select_cp(i, i + len(phrase))
    window.editing.tag_selection(key)
    return next(a for a in window.article.rows if a.start == i and a.end == i + len(phrase))


def test_overlapping_spans_both_painted(window, qtbot) -> None:
    outer = _tag(window, "If you meet them and shake their hand, there will be a deal",
                 "anonymous_official")
    inner = _tag(window, "shake their hand", "named_person")
    assert outer.start < inner.start < inner.end < outer.end
    window.view.highlighter.set_active_blocks(0, 100)
    block = window.view.document().findBlock(window.article.offsets.to_utf16(inner.start))
    formats = block.layout().formats()
    assert formats, "block has highlight formats"
    pos = block.position()
    inner16 = window.article.offsets.to_utf16(inner.start) - pos
    outer16 = window.article.offsets.to_utf16(outer.start) - pos
    def fmt_at(x: int):  # type: ignore[no-untyped-def]
        return next(f.format for f in formats if f.start <= x < f.start + f.length)
    inner_fmt, outer_fmt = fmt_at(inner16), fmt_at(outer16)
    assert inner_fmt.background().color() != outer_fmt.background().color()
    assert inner_fmt.fontUnderline()  # outer span shown as an underline under the inner
    # the document itself is never formatted: its fragments keep the plain format
    it = block.begin()
    while not it.atEnd():
        fragment = it.fragment()
        assert fragment.charFormat().background().style() == Qt.BrushStyle.NoBrush
        it += 1


def test_click_highlight_selects_and_edits_undo_redo(window, qtbot) -> None:
    ann = _tag(window, "Axios reports", "media_report")
    window.wb.select(None)
    view = window.view
    view.highlighter.set_active_blocks(0, 100)
    rect = view.cursorRect(_cursor_at(view, ann.start + 3))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.selected_id == ann.id
    # relabel from the keyboard (no text selected: the digit relabels the selection)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert window.article.by_id[ann.id].label == "named_person"
    # set source mention with S
    text = window.article.text
    i = text.index("three sources with direct knowledge of the talks")
    window.wb.select(ann.id)
    view.select_cp(i, i + len("three sources with direct knowledge of the talks"),
                   ensure_visible=False)
    qtbot.keyClick(view, Qt.Key.Key_S)
    now = window.article.by_id[ann.id]
    assert text[now.source_start:now.source_end] == "three sources with direct knowledge of the talks"
    # note via the details panel
    note = window.pane('detailsDock').details.note
    note.setFocus()
    qtbot.keyClicks(note, "check with AP")
    window.pane('detailsDock').details._commit_note()
    assert window.article.by_id[ann.id].note == "check with AP"
    # Delete removes it
    view.setFocus()
    window.wb.select(ann.id)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert ann.id not in window.article.by_id
    stack = window.wb.undo_stack
    # undo everything step by step
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.article.by_id[ann.id].note == "check with AP"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.article.by_id[ann.id].note == ""
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.article.by_id[ann.id].source_start is None
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.article.by_id[ann.id].label == "media_report"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.article.count == 0
    assert articles.load_annotations(window.project, window.article.id) == []
    # and redo it all
    for _ in range(5):
        qtbot.keyClick(view, Qt.Key.Key_Z,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.article.count == 0 and stack.index() == stack.count()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    restored = window.article.by_id[ann.id]
    assert restored.note == "check with AP" and restored.label == "named_person"
    assert restored.created_at == ann.created_at  # the same annotation, not a copy


def _cursor_at(view, cp: int):  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QTextCursor

    cursor = QTextCursor(view.document())
    cursor.setPosition(view.article.offsets.to_utf16(cp))
    return cursor


def test_table_row_click_selects_annotation(window, qtbot) -> None:
    a = _tag(window, "Axios reports", "media_report")
    b = _tag(window, "one source said", "anonymous_unspecified")
    table: QTableView = window.pane('tableDock').table
    row = window.article.row_of(b.id)
    rect = table.visualRect(window.pane('tableDock').model.index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.selected_id == b.id
    assert window.pane('detailsDock').details.claim.text().strip("“”") == "one source said"
    qtbot.keyClick(table, Qt.Key.Key_Up)
    assert window.selected_id == a.id


def test_tag_repaints_only_affected_blocks(window) -> None:
    hl = window.view.highlighter
    hl.set_active_blocks(0, 100)
    before = hl.calls
    _tag(window, "Axios reports", "media_report")
    assert hl.calls - before == 1


def test_hover_tooltip_names_label_annotator_note(window) -> None:
    ann = _tag(window, "Axios reports", "media_report")
    window.pane('detailsDock').details.note.setPlainText("second-hand")
    window.pane('detailsDock').details._commit_note()
    tip = window.pane('articleArea').tooltip_for([ann.id])
    assert "Media report" in tip and "Ana Analyst" in tip and "second-hand" in tip


def test_drop_and_open_more_articles(window, qtbot, tmp_path: Path) -> None:
    f = tmp_path / "second.txt"
    f.write_text("Second article\r\nThe ministry said 😀 in a statement.\r\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f))])
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: window.pane('articlesDock').model.rowCount() == 2)
    assert window.article.article.title == "Second article"
    assert "\r" not in window.article.text
    assert window.pane('articlesDock').model.items[1].n_annotations == 0
    _tag(window, "The ministry said", "organisation_statement")
    assert window.pane('articlesDock').model.items[1].n_annotations == 1


def test_bad_file_gives_message_and_changes_nothing(window, tmp_path: Path,
                                                    monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda *a, **k: shown.append(a[2]) or QMessageBox.StandardButton.Ok)
    good = tmp_path / "good.txt"
    good.write_text("fine", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    assert window.articles.import_paths([good, bad]) == []
    assert shown and "bad.txt" in shown[0] and "binary" in shown[0]
    assert len(articles.list_articles(window.project)) == 1


def test_export_csv_equals_highlighted_words(window, tmp_path: Path) -> None:
    _tag(window, "Axios reports", "media_report")
    _tag(window, "“Based on the meeting we just had, we have a deal.”", "named_person")
    out = tmp_path / "out.csv"
    assert window.interop.export_to(out, current=True) == 2
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    text = window.article.text
    for row in rows:
        assert row["text"] == text[int(row["start"]):int(row["end"])]


def test_first_start_creates_default_db_in_data_folder(qtbot, isolated_user_dirs) -> None:
    from annotator.app import create_window
    from annotator.services.project import default_database_path, resolve_database

    path = default_database_path()
    assert str(path).startswith(str(isolated_user_dirs))
    win = create_window(resolve_database(None))
    qtbot.addWidget(win)
    assert path.exists()
    assert win.article is not None and "Hamas" in win.article.text
    win.close()
    win.project.close()
    QApplication.processEvents()


def test_mouse_drag_selection_then_digit(window, qtbot) -> None:
    view = window.view
    text = window.article.text
    phrase = "Qatari officials told Witkoff"
    i = text.index(phrase)
    view.select_cp(i, i)  # scrolled into view (the window fits an 800×600 offscreen screen)
    start_rect = view.cursorRect(_cursor_at(view, i))
    end_rect = view.cursorRect(_cursor_at(view, i + len(phrase)))
    vp = view.viewport()
    press = start_rect.center() + QPoint(1, 0)
    release = end_rect.center() - QPoint(0, 0)
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=press)
    qtbot.mouseMove(vp, pos=release)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=release)
    s, e = view.selection_cp()
    assert text[s:e] == phrase
    qtbot.keyClick(view, Qt.Key.Key_3)
    assert [a.text for a in window.article.rows] == [phrase]
    assert window.article.rows[0].label == "anonymous_official"


def test_note_saved_while_typing_without_leaving_the_field(window, qtbot) -> None:
    ann = _tag(window, "Axios reports", "media_report")
    window.wb.select(ann.id)
    note = window.pane('detailsDock').details.note
    note.setFocus()
    qtbot.keyClicks(note, "second-hand claim")
    qtbot.waitUntil(lambda: articles.load_annotations(window.project, window.article.id)[0]
                    .note == "second-hand claim", timeout=3000)
    assert window.wb.undo_stack.count() == 2  # the tag and one merged note edit
