"""Suggesting runs in a worker thread: the window stays live, stale results are dropped.

No timing asserts: the engine is held at a known point with an Event where the test
needs the run to be "under way", and the checks are about what the UI thread did
meanwhile (timers fired, keys moved the cursor) and which result was applied.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer

from annotator.services import articles
from annotator.services.suggestions import run_engine

PARAGRAPH = ("A senior Qatari official said the talks would resume on Monday. "
             "“We are close,” Maria Lopez told reporters, “but not there yet.” "
             "According to two people familiar with the matter, the deal includes a truce.\n")


def _import(window, tmp_path: Path, name: str, text: str) -> int:  # type: ignore[no-untyped-def]
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    (item,) = articles.import_files(window.project, [f]).imported
    return int(item.article_id)


def _held(where: str) -> tuple[Callable[..., list], threading.Event, threading.Event]:  # type: ignore[type-arg]
    """The real engine, held before it starts (``"before"``) or before it returns."""
    entered, gate = threading.Event(), threading.Event()

    def engine(text: str, **kw):  # type: ignore[no-untyped-def]
        if where == "before":
            entered.set()
            gate.wait(20)
            return run_engine(text, **kw)
        out = run_engine(text, **kw)
        entered.set()
        gate.wait(20)
        return out

    return engine, entered, gate


def test_window_stays_live_while_the_engine_runs(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctl, view = window.suggestions, window.view
    engine, entered, gate = _held("before")
    ctl.worker.engine = engine
    try:
        window.wb.actions.commands["actionSuggest"].action.trigger()
        assert ctl.active and ctl.pending is not None and not ctl.proposals
        qtbot.waitUntil(entered.is_set)  # the run is under way in the worker thread
        assert "Suggesting" in window.statusBar().currentMessage()
        # the UI thread keeps answering: a timer fires, a key moves the cursor
        fired: list[bool] = []
        QTimer.singleShot(0, lambda: fired.append(ctl.worker.busy))
        qtbot.waitUntil(lambda: bool(fired))
        assert fired == [True]
        view.setFocus()
        qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        end = len(window.article.text)
        qtbot.waitUntil(lambda: view.cursor_cp() == end)
        assert ctl.pending is not None and not ctl.proposals  # still computing
    finally:
        gate.set()
    qtbot.waitUntil(lambda: bool(ctl.proposals))
    assert ctl.pending is None and ctl.dropped == 0
    assert window.view._overlays.get("suggest")  # painted once it arrived
    # the analyst had moved on meanwhile: the article is not yanked to the first one
    assert view.cursor_cp() == end and ctl.current == -1
    qtbot.keyClick(view, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: ctl.current == 0)
    assert view.cursor_cp() == ctl.proposals[0].suggestion.start


def test_real_engine_on_a_large_article_leaves_the_ui_thread_free(window, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = PARAGRAPH * 1500  # ≈ 330 KB: long enough for the loop to turn meanwhile
    aid = _import(window, tmp_path, "big.txt", text)
    window.wb.open_article(aid)
    ctl = window.suggestions
    busy_ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(lambda: busy_ticks.append(1) if ctl.pending is not None else None)
    timer.start()
    window.wb.actions.commands["actionSuggest"].action.trigger()
    assert ctl.pending is not None  # returned at once: the engine is in the worker
    qtbot.waitUntil(lambda: bool(ctl.proposals), timeout=60000)
    timer.stop()
    assert busy_ticks  # events were processed while the worker ran
    assert len(ctl.proposals) == len(run_engine(text))
    assert ctl.current == 0  # the analyst had not moved: the first one is current


@pytest.mark.parametrize("where", ["before", "after"])
def test_result_for_an_article_left_meanwhile_is_dropped(window, qtbot, tmp_path, where) -> None:  # type: ignore[no-untyped-def]
    """``before``: the queued/running job is cancelled; ``after``: it finished, but
    its result arrives for an article that is no longer open and is ignored."""
    first = _import(window, tmp_path, "first.txt", PARAGRAPH * 20)
    second = _import(window, tmp_path, "second.txt",
                     "Smith said the vote was close. “It is,” Jones told reporters.")
    ctl = window.suggestions
    on_open = window.wb.actions.commands["actionSuggestOnOpen"].action
    on_open.trigger()  # suggest on opening (and now, on the seed article)
    qtbot.waitUntil(lambda: bool(ctl.proposals))
    engine, entered, gate = _held(where)
    ctl.worker.engine = engine
    try:
        window.wb.open_article(first)
        qtbot.waitUntil(entered.is_set)
        window.wb.open_article(second)  # the analyst moves on before it is done
        assert ctl.article_id == second and ctl.pending is not None
    finally:
        ctl.worker.engine = run_engine
        gate.set()
    qtbot.waitUntil(lambda: bool(ctl.proposals))
    qtbot.waitUntil(lambda: ctl.dropped == 1)
    second_text = window.article.text
    assert window.article.id == second
    assert {p.text for p in ctl.proposals} == {second_text}
    assert sorted(p.record()["source_text"] for p in ctl.proposals) == ["Jones", "Smith"]
    assert all(p.suggestion.end <= len(second_text) for p in ctl.proposals)
    on_open.trigger()


def test_stopping_while_the_engine_runs_shows_nothing(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctl, view = window.suggestions, window.view
    engine, entered, gate = _held("after")
    ctl.worker.engine = engine
    try:
        window.wb.actions.commands["actionSuggest"].action.trigger()
        qtbot.waitUntil(entered.is_set)
        view.setFocus()
        qtbot.keyClick(view, Qt.Key.Key_Escape)  # Esc: stop suggesting
        qtbot.waitUntil(lambda: not ctl.active)
    finally:
        gate.set()
    qtbot.waitUntil(lambda: ctl.dropped == 1)
    assert not ctl.proposals and not view._overlays.get("suggest")
    # suggesting again reads the same text afresh and shows it
    ctl.worker.engine = run_engine
    window.wb.actions.commands["actionSuggest"].action.trigger()
    qtbot.waitUntil(lambda: bool(ctl.proposals))


def test_a_second_run_on_the_same_text_needs_no_worker(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctl = window.suggestions
    window.wb.actions.commands["actionSuggest"].action.trigger()
    qtbot.waitUntil(lambda: bool(ctl.proposals))
    n = len(ctl.proposals)
    ctl.stop()
    window.wb.actions.commands["actionSuggest"].action.trigger()
    assert ctl.pending is None and len(ctl.proposals) == n  # the engine is deterministic
