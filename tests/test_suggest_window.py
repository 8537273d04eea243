"""Suggested attributions through the real window: menu, painting, keyboard, undo."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat, QTextFormat

from annotator.services import articles, suggestions
from annotator.storage import suggestion_crud


def _key(qtbot, view, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    """Press a key in the article and let the window act on it."""
    qtbot.keyClick(view, key, modifier)
    qtbot.wait(30)


def _start(window, qtbot):  # type: ignore[no-untyped-def]
    window.wb.actions.commands["actionSuggest"].action.trigger()
    ctl = window.suggestions
    assert ctl.active
    qtbot.waitUntil(lambda: bool(ctl.proposals))  # the engine runs in a worker thread
    window.view.setFocus()
    return ctl


def _go_to(ctl, text: str, source: str) -> None:  # type: ignore[no-untyped-def]
    index = next(i for i, p in enumerate(ctl.proposals)
                 if p.record()["source_text"] == source)
    ctl.go(index)


def test_suggestions_are_dashed_overlays_not_annotations(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctl = _start(window, qtbot)
    view = window.view
    marks = view._overlays["suggest"]
    outlined = [m for m in marks if m.format.hasProperty(QTextFormat.Property.OutlinePen)]
    assert outlined and ctl.current in ctl.visible()
    assert all(m.format.underlineStyle() != QTextCharFormat.UnderlineStyle.NoUnderline
               for m in marks if m not in outlined)  # source and cue of the current one
    pens = [m.format.property(QTextFormat.Property.OutlinePen) for m in outlined]
    assert all(p.style() == Qt.PenStyle.DashLine for p in pens)
    assert max(p.widthF() for p in pens) == 2.0  # the current suggestion, drawn bolder
    # only what is on screen is painted
    lo, hi = view.visible_cp_range()
    assert all(ctl.proposals[i].suggestion.end > lo and ctl.proposals[i].suggestion.start < hi
               for i in ctl.visible())
    # the document itself carries no suggestion formats, and nothing is stored
    block = view.document().firstBlock()
    while block.isValid():
        assert not block.layout().formats()
        block = block.next()
    assert window.article.count == 0
    assert articles.load_annotations(window.project, window.article.id) == []
    _key(qtbot, view, Qt.Key.Key_Escape)
    assert not ctl.active and "suggest" not in view._overlays


def test_keyboard_flow_accept_digit_reject_and_undo(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctl = _start(window, qtbot)
    view = window.view
    n = len(ctl.proposals)
    assert ctl.current == 0
    _key(qtbot, view, Qt.Key.Key_N)
    assert ctl.current == 1
    assert view.cursor_cp() == ctl.proposals[1].suggestion.start  # the article scrolled there
    _key(qtbot, view, Qt.Key.Key_P)
    assert ctl.current == 0

    # Enter accepts with the proposed type, source mention, facets, cue, provenance
    _go_to(ctl, window.article.text, "a senior Qatari official")
    proposal = ctl.current_proposal()
    _key(qtbot, view, Qt.Key.Key_Return)
    (ann,) = window.article.rows
    assert ann.label == "anonymous_official" and ann.annotator == "Ana Analyst"
    assert (ann.source_start, ann.source_end) == proposal.suggestion.source
    assert json.loads(ann.facets)["country"] == "Qatar"
    with window.project.reading() as session:
        detail = suggestion_crud.details(session=session, article_id=window.article.id)[ann.id]
    assert detail.provenance == "suggested" and detail.cue == proposal.suggestion.cue
    assert len(ctl.proposals) == n - 1  # an accepted claim is no longer suggested

    # a digit accepts with that source type instead
    _go_to(ctl, window.article.text, "one source")
    _key(qtbot, view, Qt.Key.Key_2)
    second = next(a for a in window.article.rows if a.id != ann.id)
    two = next(lab for lab in window.wb.labels if lab.shortcut == "2")
    assert second.label == two.key

    # X rejects, and the rejection is remembered when suggesting again
    _go_to(ctl, window.article.text, "Axios")
    rejected = ctl.current_proposal().suggestion.key()
    _key(qtbot, view, Qt.Key.Key_X)
    assert rejected not in {p.suggestion.key() for p in ctl.proposals}
    window.wb.actions.commands["actionSuggest"].action.trigger()
    assert rejected not in {p.suggestion.key() for p in ctl.proposals}
    assert window.article.count == 2  # rejecting creates nothing

    # Ctrl+Z: the rejection, then the digit accept, then the Enter accept
    _key(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert rejected in {p.suggestion.key() for p in ctl.proposals}
    _key(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    _key(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.article.count == 0
    assert articles.load_annotations(window.project, window.article.id) == []


def test_boundaries_adjusted_before_accepting(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctl = _start(window, qtbot)
    _go_to(ctl, window.article.text, "three sources with direct knowledge of the talks")
    s = ctl.current_proposal().suggestion
    text = window.article.text
    start = text.index("played a pivotal role")
    window.view.select_cp(start, s.end)  # the analyst shortens the claim
    _key(qtbot, window.view, Qt.Key.Key_Return)
    (ann,) = window.article.rows
    assert (ann.start, ann.end) == (start, s.end)
    assert ann.text.startswith("played a pivotal role")


def test_accept_all_above_is_one_undo_step(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctl = _start(window, qtbot)
    expected = sum(1 for p in ctl.proposals if p.suggestion.confidence >= 0.8)
    assert 1 < expected < len(ctl.proposals)
    assert ctl.accept_above(0.8) == expected
    assert window.article.count == expected
    assert window.wb.undo_stack.undoText().startswith(f"Accept {expected} suggestion(s)")
    window.wb.undo_stack.undo()
    assert window.article.count == 0
    assert articles.load_annotations(window.project, window.article.id) == []
    window.wb.undo_stack.redo()
    assert window.article.count == expected


def test_split_quotation_is_accepted_with_its_fragments(window, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "split.txt"
    f.write_text("Maria Lopez said the talks resumed.\n“We agree,” she said, “and the truce "
                 "holds.”\n", encoding="utf-8")
    (item,) = articles.import_files(window.project, [f]).imported
    window.wb.open_article(item.article_id)
    ctl = _start(window, qtbot)
    split = next(p for p in ctl.proposals if len(p.suggestion.fragments) > 1)
    assert split.record()["source_text"] == "she"
    assert "resolved to 'Maria Lopez'" in " ".join(split.suggestion.reasons)
    ctl.go(ctl.proposals.index(split))
    _key(qtbot, window.view, Qt.Key.Key_Enter)
    (ann,) = window.article.rows
    details = suggestions.attribution_details(window.project, window.article.id)
    assert details[ann.id].fragments == split.suggestion.fragments  # type: ignore[attr-defined]
    assert ann.label == "named_person"


def test_suggest_on_opening_an_article(window, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    action = window.wb.actions.commands["actionSuggestOnOpen"].action
    action.trigger()
    assert action.isChecked() and window.suggestions.active
    qtbot.waitUntil(lambda: bool(window.suggestions.proposals))
    f = tmp_path / "other.txt"
    f.write_text("Smith said the vote was close. “It is,” Jones told reporters.",
                 encoding="utf-8")
    (item,) = articles.import_files(window.project, [f]).imported
    window.wb.open_article(item.article_id)
    assert window.suggestions.active
    qtbot.waitUntil(lambda: len(window.suggestions.proposals) == 2)
    action.trigger()
    assert not action.isChecked()
    window.wb.open_article(item.article_id)
    assert not window.suggestions.active
