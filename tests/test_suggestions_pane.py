"""The Suggestions pane through the real window: list, sort, keys, in step with N/P."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.qt.panes.suggestions import IDLE_NOTE
from annotator.services import articles


def _start(window, qtbot):  # type: ignore[no-untyped-def]
    window.wb.actions.commands["actionSuggest"].action.trigger()
    ctl = window.suggestions
    qtbot.waitUntil(lambda: bool(ctl.proposals))
    return ctl


def _key(qtbot, widget, key) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(widget, key)
    qtbot.wait(30)


def _cells(pane, row: int) -> list[str]:  # type: ignore[no-untyped-def]
    proxy = pane.view.proxy
    return [str(proxy.index(row, c).data() or "") for c in range(proxy.columnCount())]


def test_the_pane_lists_pending_suggestions(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = window.pane("suggestionsDock")
    assert pane.view.proxy.rowCount() == 0 and pane.view.header.text() == IDLE_NOTE
    ctl = _start(window, qtbot)
    assert pane.view.proxy.rowCount() == len(ctl.proposals)
    assert "pending suggestion" in pane.view.header.text()
    i = next(i for i, p in enumerate(ctl.proposals)
             if p.record()["source_text"] == "a senior Qatari official")
    p = ctl.proposals[i]
    number, before, claim, source, cue, kind, conf, reasons = _cells(pane, i)
    text = window.article.text
    assert number == str(i + 1)
    assert text[:p.suggestion.start].rstrip().endswith(before.split()[-1])  # context
    assert claim[:30] == " ".join(text[p.suggestion.start:p.suggestion.end].split())[:30]
    assert source == "a senior Qatari official"
    assert cue == p.record()["cue_text"]
    assert kind == window.wb.label_by_key[p.label].name
    assert conf == f"{round(p.suggestion.confidence * 100)} %"
    assert reasons == "; ".join(p.suggestion.reasons)
    # Esc in the article hides the suggestions: the list empties
    window.view.setFocus()
    _key(qtbot, window.view, Qt.Key.Key_Escape)
    assert pane.view.proxy.rowCount() == 0 and pane.view.header.text() == IDLE_NOTE


def test_list_follows_n_p_and_the_article_follows_the_list(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = window.pane("suggestionsDock")
    ctl = _start(window, qtbot)
    assert pane.view.current_index() == ctl.current == 0
    window.view.setFocus()
    _key(qtbot, window.view, Qt.Key.Key_N)
    assert ctl.current == 1 and pane.view.current_index() == 1
    _key(qtbot, window.view, Qt.Key.Key_P)
    assert pane.view.current_index() == 0
    # the keyboard in the list: Down moves to the next row, the article scrolls there
    table = pane.view.table
    table.setFocus()
    _key(qtbot, table, Qt.Key.Key_Down)
    assert ctl.current == 1
    assert window.view.cursor_cp() == ctl.proposals[1].suggestion.start
    # N/P in the list step in text order too
    _key(qtbot, table, Qt.Key.Key_N)
    assert ctl.current == 2 and pane.view.current_index() == 2
    assert table.hasFocus()  # stepping does not take the keyboard away from the list


def test_sorting_keeps_rows_tied_to_their_suggestions(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = window.pane("suggestionsDock")
    ctl = _start(window, qtbot)
    conf_column = 6
    pane.view.table.horizontalHeader().setSortIndicator(conf_column, Qt.SortOrder.DescendingOrder)
    order = pane.view.rows_in_view_order()
    confidences = [ctl.proposals[i].suggestion.confidence for i in order]
    assert confidences == sorted(confidences, reverse=True)
    assert sorted(order) == list(range(len(ctl.proposals)))
    # the top row (highest confidence) is selected by a click: that suggestion is current
    table = pane.view.table
    rect = table.visualRect(pane.view.proxy.index(0, 2))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert ctl.current == order[0]
    # N in the article: the list's selection follows, wherever the row sits
    window.view.setFocus()
    _key(qtbot, window.view, Qt.Key.Key_N)
    assert pane.view.current_index() == (order[0] + 1) % len(ctl.proposals)


def test_enter_digit_and_x_in_the_list(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = window.pane("suggestionsDock")
    ctl = _start(window, qtbot)
    n = len(ctl.proposals)
    table = pane.view.table
    table.setFocus()
    # Enter accepts the current row's suggestion with its proposed type and source
    target = ctl.proposals[0]
    _key(qtbot, table, Qt.Key.Key_Return)
    (ann,) = window.article.rows
    assert (ann.start, ann.end) == (target.suggestion.start, target.suggestion.end)
    assert ann.label == target.label
    assert (ann.source_start, ann.source_end) == target.suggestion.source
    assert pane.view.proxy.rowCount() == n - 1  # accepted: no longer pending
    assert pane.view.current_index() == ctl.current >= 0
    assert table.hasFocus()
    # a digit accepts with that source type instead
    two = next(lab for lab in window.wb.labels if lab.shortcut == "2")
    target = ctl.current_proposal()
    _key(qtbot, table, Qt.Key.Key_2)
    made = next(a for a in window.article.rows if a.start == target.suggestion.start)
    assert made.label == two.key and pane.view.proxy.rowCount() == n - 2
    # X rejects: gone from the list, nothing created, one undo step brings it back
    target = ctl.current_proposal()
    _key(qtbot, table, Qt.Key.Key_X)
    assert target.suggestion.key() not in {p.suggestion.key() for p in ctl.proposals}
    assert pane.view.proxy.rowCount() == n - 3 and window.article.count == 2
    window.wb.undo_stack.undo()
    assert pane.view.proxy.rowCount() == n - 2
    window.wb.undo_stack.undo()
    window.wb.undo_stack.undo()
    assert pane.view.proxy.rowCount() == n and window.article.count == 0
    assert articles.load_annotations(window.project, window.article.id) == []


def test_suggestions_list_command_shows_and_focuses_it(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.wb.actions.commands["actionSuggestionList"].action.trigger()
    pane = window.pane("suggestionsDock")
    ctl = window.suggestions
    assert ctl.active  # the command suggests first when nothing is shown
    qtbot.waitUntil(lambda: pane.view.proxy.rowCount() == len(ctl.proposals) > 0)
    qtbot.waitUntil(lambda: pane.showing and pane.view.table.hasFocus())


def test_a_renamed_source_type_reaches_the_list(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from annotator.services import taxonomy
    from annotator.services.changes import Changes

    pane = window.pane("suggestionsDock")
    ctl = _start(window, qtbot)
    key = ctl.proposals[0].label
    taxonomy.update_label(window.project, key, name="Renamed type")
    assert _cells(pane, 0)[5] != "Renamed type"
    window.wb.apply_changes(Changes(labels=True))  # what the taxonomy editor reports
    assert _cells(pane, 0)[5] == "Renamed type"


def test_stopping_while_suggesting_clears_the_busy_note(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    import threading

    from annotator.qt.panes.suggestions import BUSY_NOTE
    from annotator.services.suggestions import run_engine

    pane = window.pane("suggestionsDock")
    ctl = window.suggestions
    gate = threading.Event()

    def held(text, **kw):  # type: ignore[no-untyped-def]
        gate.wait(20)
        return run_engine(text, **kw)

    ctl.worker.engine = held
    try:
        window.wb.actions.commands["actionSuggest"].action.trigger()
        assert pane.view.header.text() == BUSY_NOTE
        ctl.stop()
        assert pane.view.header.text() == IDLE_NOTE
    finally:
        gate.set()
    qtbot.waitUntil(lambda: ctl.dropped == 1)
    assert pane.view.proxy.rowCount() == 0
