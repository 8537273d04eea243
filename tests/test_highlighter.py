"""Highlighting in a dense article: a tag recomputes and repaints only what it touches.

Behaviour, not timings: which blocks are computed from the span index (the
highlighter's ``computed`` log), which are re-applied from their kept runs, and
which part of the viewport is repainted.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QTableView

from annotator.domain.model import make_annotation
from annotator.services import articles
from annotator.services.changes import Changes
from annotator.services.project import Project
from annotator.storage import crud

WORDS = ["officials", "said", "the", "talks", "😀", "𠀋", "reportedly", "sources", "deal"]


def _project(path: Path, tmp_path: Path, n: int) -> tuple[int, str]:
    """900 paragraphs (astral characters included) and ``n`` random annotations."""
    rng = random.Random(11)
    paras = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 80))) for _ in range(900)]
    f = tmp_path / f"dense-{n}.txt"
    f.write_text("\n".join(paras), encoding="utf-8")
    p = Project(path)
    aid = articles.import_files(p, [f]).article_ids[0]
    text = articles.get_article(p, aid).text
    anns = []
    for k in range(n):
        s = rng.randrange(0, len(text) - 60)
        anns.append(make_annotation(article_id=aid, article_text=text,
                                    annotator=("ana", "ben")[k % 2], label="named_person",
                                    start=s, end=s + rng.randint(3, 60),
                                    source=(s, s + 2) if k % 7 == 0 else None))
    with p.transaction() as session:
        crud.insert_annotations(session=session, annotations=anns)
    p.close()
    return aid, text


def _window(qtbot, db: Path):  # type: ignore[no-untyped-def]
    from annotator.app import create_window, settings

    s = settings()
    s.setValue("analyst/name", "Pat")
    s.sync()
    win = create_window(db)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.article is not None and win.article.complete, timeout=30_000)
    return win


@pytest.fixture
def dense(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    aid, text = _project(tmp_path / "dense.sqlite", tmp_path, 3000)
    win = _window(qtbot, tmp_path / "dense.sqlite")
    yield win, text
    win.close()
    win.project.close()


@pytest.fixture
def empty(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    aid, text = _project(tmp_path / "empty.sqlite", tmp_path, 0)
    win = _window(qtbot, tmp_path / "empty.sqlite")
    yield win, text
    win.close()
    win.project.close()


def _settle(win) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        QApplication.processEvents()
    hl = win.view.highlighter
    deadline = time.monotonic() + 5  # the margin is painted MARGIN_DELAY_MS later
    while not hl.idle and time.monotonic() < deadline:
        QApplication.processEvents()


def _block_of(win, cp: int) -> int:  # type: ignore[no-untyped-def]
    return win.view.document().findBlock(win.article.offsets.to_utf16(cp)).blockNumber()


def _span_in_block(win, text: str, block: int, length: int = 25) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    b = win.view.document().findBlockByNumber(block)
    start = win.article.offsets.to_code_point(b.position()) + 10
    return start, start + length


def _tag_at(win, text: str, start: int, end: int, label: str = "unattributed") -> None:  # type: ignore[no-untyped-def]
    win.view.select_cp(start, start)  # bring it on screen first, as an analyst reads it
    _settle(win)
    win.view.select_cp(start, end)
    win.view.highlighter.computed.clear()
    win.editing.tag_selection(label)


def test_a_tag_computes_exactly_the_blocks_it_touches_however_dense(dense, empty) -> None:
    for win, text in (dense, empty):
        start, end = _span_in_block(win, text, 400)
        _tag_at(win, text, start, end)
        assert win.view.highlighter.computed == [400]
        # a span running over a paragraph break touches both blocks, and only those
        b = win.view.document().findBlockByNumber(401)
        cut = win.article.offsets.to_code_point(b.position() + b.length() - 1)
        _tag_at(win, text, cut - 5, cut + 8, "named_person")
        assert sorted(win.view.highlighter.computed) == [401, 402]
    assert dense[0].article.count == 3002 and empty[0].article.count == 2


def test_a_tag_repaints_only_the_rectangle_of_its_block(dense) -> None:
    win, text = dense
    view = win.view
    for dock in win.findChildren(QDockWidget):  # room for several blocks on screen
        dock.hide()
    _settle(win)
    start, end = _span_in_block(win, text, 300)
    view.select_cp(start, start)
    _settle(win)
    view.select_cp(start, end)
    _settle(win)
    rects: list[QRect] = []

    class Watch(QObject):
        def eventFilter(self, obj, event):  # type: ignore[no-untyped-def]  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                rects.append(event.rect())
            return False

    watch = Watch()
    view.viewport().installEventFilter(watch)
    try:
        win.editing.tag_selection("unattributed")
        _settle(win)
    finally:
        view.viewport().removeEventFilter(watch)
    block = view.document().findBlockByNumber(300)
    area = view.blockBoundingGeometry(block).translated(view.contentOffset()).toAlignedRect()
    assert rects, "the tag was never painted"
    painted = rects[0]
    for r in rects[1:]:
        painted = painted.united(r)
    assert area.adjusted(-2, -2, 2, 2).contains(painted), (painted, area)
    assert painted.height() < view.viewport().height() // 2


def test_kept_runs_equal_a_fresh_computation(dense) -> None:
    win, text = dense
    hl = win.view.highlighter
    rng = random.Random(2)
    for block in rng.sample(range(350, 370), 6):
        start, end = _span_in_block(win, text, block, rng.randint(5, 60))
        _tag_at(win, text, start, end, rng.choice(["unattributed", "named_person"]))
    win.wb.undo_group.undo()  # a deletion too
    _settle(win)

    def formats() -> dict[int, list[tuple[int, int, int, bool, int]]]:
        out = {}
        lo, hi = hl._active
        block = win.view.document().findBlockByNumber(lo)
        while block.isValid() and block.blockNumber() <= hi:
            out[block.blockNumber()] = [
                (r.start, r.length, r.format.background().color().rgba(),
                 r.format.fontUnderline(), r.format.fontWeight())
                for r in block.layout().formats()]
            block = block.next()
        return out

    kept = formats()
    assert any(kept.values())
    hl.invalidate()  # recompute every visible block from the span index
    _settle(win)
    assert formats() == kept


def test_blocks_scrolled_back_into_view_are_not_recomputed(dense) -> None:
    win, text = dense
    hl = win.view.highlighter
    view = win.view
    view.verticalScrollBar().setValue(0)
    _settle(win)
    top = set(range(*hl._active))
    hl.computed.clear()
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    _settle(win)
    assert hl.computed and not top & set(hl.computed)
    hl.computed.clear()
    view.verticalScrollBar().setValue(0)
    _settle(win)
    assert hl.computed == []  # re-applied from kept runs
    block = view.document().findBlockByNumber(view.firstVisibleBlock().blockNumber())
    while block.isValid() and not block.layout().formats():
        block = block.next()
    assert block.layout().formats(), "top of the article is painted again"


def test_opening_calls_the_highlighter_only_for_blocks_near_the_screen(dense) -> None:
    win, _ = dense
    hl = win.view.highlighter
    before = hl.calls
    win.wb.open_article(win.article.id)  # re-open: setPlainText of 900 paragraphs
    _settle(win)
    assert win.view.document().blockCount() == 900
    assert hl.calls - before <= 120  # the screen and its margin, not every block


def test_a_block_that_grows_is_relaid_out_and_the_scroll_range_follows(dense, monkeypatch) -> None:
    """A re-highlight that changes a block's height (e.g. a bold source mention
    rewraps a line) repaints the viewport and updates the document size."""
    from PySide6.QtGui import QTextCharFormat

    win, text = dense
    view = win.view
    hl = view.highlighter
    _settle(win)
    start, end = _span_in_block(win, text, 500, 40)
    view.select_cp(start, start)
    _settle(win)
    block = view.document().findBlockByNumber(500)
    height = view.blockBoundingRect(block).height()
    lines_before = view.document().documentLayout().documentSize().height()
    big = QTextCharFormat()
    big.setFontPointSize(40)
    monkeypatch.setattr(hl, "_format", lambda *a: big)
    monkeypatch.setattr(hl, "_formats", {})  # no kept format either
    hl.refresh_ranges([(start, end)])
    _settle(win)
    assert view.blockBoundingRect(block).height() > height
    assert view.document().documentLayout().documentSize().height() > lines_before


def _visible_formats(win) -> dict[int, list[tuple[int, int, int, bool, int]]]:  # type: ignore[no-untyped-def]
    hl = win.view.highlighter
    out = {}
    first, last = hl._active  # the screen and the margin painted around it
    block = win.view.document().findBlockByNumber(first)
    while block.isValid() and block.blockNumber() <= last:
        out[block.blockNumber()] = [
            (r.start, r.length, r.format.background().color().rgba(),
             r.format.fontUnderline(), r.format.fontWeight())
            for r in block.layout().formats()]
        block = block.next()
    assert hl.article is win.article
    return out


def test_opening_computes_each_block_of_the_first_screen_once(dense, tmp_path: Path) -> None:
    win, _ = dense
    hl = win.view.highlighter
    other = tmp_path / "other.txt"
    other.write_text("A short article to switch away from.\n", encoding="utf-8")
    small = articles.import_files(win.project, [other]).article_ids[0]
    big = win.article.id
    win.wb.open_article(small)
    _settle(win)
    hl.computed.clear()
    win.wb.open_article(big)
    _settle(win)
    first, last = win.view._visible
    assert set(range(first, last + 1)) <= set(hl.computed)
    assert len(hl.computed) == len(set(hl.computed)), hl.computed  # none computed twice
    shown = _visible_formats(win)
    assert any(shown.values())
    hl.invalidate()
    _settle(win)
    assert _visible_formats(win) == shown  # what opening painted is what a fresh pass paints


def test_a_hidden_layer_stays_hidden_in_the_next_article_opened(dense) -> None:
    win, _ = dense
    hl = win.view.highlighter
    everything = _visible_formats(win)
    win.wb.hidden_layers = {"ben"}
    win.apply_changes(Changes(layers=True))
    _settle(win)
    without_ben = _visible_formats(win)
    assert without_ben != everything
    win.wb.open_article(win.article.id)  # shown again: the layer setting is kept
    _settle(win)
    assert _visible_formats(win) == without_ben
    hl.invalidate()
    _settle(win)
    assert _visible_formats(win) == without_ben


def test_table_rows_are_painted_after_the_article_text(dense) -> None:
    win, _ = dense
    table = win.findChild(QTableView, "annotationTable")
    order: list[str] = []

    class Watch(QObject):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

        def eventFilter(self, obj, event):  # type: ignore[no-untyped-def]  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                order.append(self.name)
            return False

    text_watch, table_watch = Watch("text"), Watch("table")
    win.view.viewport().installEventFilter(text_watch)
    table.viewport().installEventFilter(table_watch)
    try:
        win.wb.open_article(win.article.id)
        assert table.model().rowCount() == win.article.count > 0  # the rows are there
        assert not table.updatesEnabled()
        shown: list[bool] = []
        win.wb.textShown.connect(lambda: shown.append(True))
        _settle(win)
        if not shown:
            deadline = time.monotonic() + 5
            while not shown and time.monotonic() < deadline:
                QApplication.processEvents()
        assert shown and table.updatesEnabled()
        assert int(win.wb.settings.value("session/article")) == win.article.id  # remembered
        _settle(win)
    finally:
        win.view.viewport().removeEventFilter(text_watch)
        table.viewport().removeEventFilter(table_watch)
    assert "text" in order and "table" in order, order
    assert order.index("text") < order.index("table"), order


def _naive_looks(win, block) -> list[object]:  # type: ignore[no-untyped-def]
    """Per UTF-16 unit of ``block``, the format a character-by-character reading of the
    span index gives (innermost fill, next outer underline, depth, source mention)."""
    hl = win.view.highlighter
    offsets = win.article.offsets
    pos16 = block.position()
    b_start = offsets.to_code_point(pos16)
    b_end = offsets.to_code_point(pos16 + block.length() - 1)
    spans = list(win.article.index)
    sources = list(win.article.sources)
    keep = hl.visible_filter
    if keep is not None:
        spans = [s for s in spans if keep(s.annotator)]
        sources = [s for s in sources if keep(s.annotator)]
    looks: list[object] = []
    for cp in range(b_start, b_end):
        over = sorted((s for s in spans if s.start <= cp < s.end),
                      key=lambda s: (s.end - s.start, s.start, s.id))
        in_source = any(s.start <= cp < s.end for s in sources)
        look = None
        if over or in_source:
            look = hl._format(over[0].label if over else "", len(over),
                              over[1].label if len(over) > 1 else None, in_source)
        width = offsets.to_utf16(cp + 1) - offsets.to_utf16(cp)
        looks.extend([look] * width)
    return looks


def _run_looks(runs, length: int) -> list[object]:  # type: ignore[no-untyped-def]
    looks: list[object] = [None] * length
    for start, n, fmt in runs:
        looks[start:start + n] = [fmt] * n
    return looks


def test_computed_runs_match_a_character_by_character_reading(dense) -> None:
    """Nested, overlapping, source mentions, astral characters, hidden layers: the
    sweep paints every UTF-16 unit exactly as reading each character would."""
    win, _ = dense
    hl = win.view.highlighter
    doc = win.view.document()
    rng = random.Random(5)
    blocks = rng.sample(range(doc.blockCount()), 25)
    astral = [b for b in range(doc.blockCount())
              if win.article.offsets.astral_between(
                  win.article.offsets.to_code_point(doc.findBlockByNumber(b).position()),
                  win.article.offsets.to_code_point(doc.findBlockByNumber(b).position()
                                                    + doc.findBlockByNumber(b).length() - 1))]
    assert astral, "the fixture has astral characters"
    checked = 0
    for hidden in (None, {"ben"}):
        hl.visible_filter = (lambda name, h=hidden: name not in h) if hidden else None
        for n in blocks + astral[:5]:
            block = doc.findBlockByNumber(n)
            runs = hl._compute_runs(block)
            assert runs == sorted(runs, key=lambda r: r[0])
            assert all(n_ > 0 for _, n_, _ in runs)
            length = block.length() - 1
            assert _run_looks(runs, length) == _naive_looks(win, block), n
            checked += bool(runs)
    hl.visible_filter = None
    assert checked > 20


def test_a_re_highlight_relays_out_its_own_block_only(dense) -> None:
    """Qt's plain-text layout would throw away the next block's layout too (a format
    change reaches it as removed + added characters); in a dense article that block is
    full of formats, so the next paint would lay it out again for nothing."""
    win, text = dense
    view = win.view
    doc = view.document()
    start, end = _span_in_block(win, text, 400)
    view.select_cp(start, start)
    _settle(win)
    for n in (399, 400, 401):
        assert doc.findBlockByNumber(n).layout().lineCount() > 0  # laid out on screen
    win.view.highlighter.refresh_ranges([(start, end)])  # no event loop turn after it
    assert doc.findBlockByNumber(400).layout().lineCount() > 0  # relaid out at once
    assert doc.findBlockByNumber(401).layout().lineCount() > 0  # untouched
    assert doc.findBlockByNumber(399).layout().lineCount() > 0


def test_the_article_document_has_the_views_font_and_layout(dense) -> None:
    from annotator.qt.block_layout import BlockLayout

    win, _ = dense
    view = win.view
    assert isinstance(view.document().documentLayout(), BlockLayout)
    assert view.document().defaultFont().pointSizeF() == view.font().pointSizeF() == 12.5
    assert view.document().defaultFont().family() == view.font().family()


def test_analyst_colours_follow_a_change_of_colours_but_label_formats_are_kept(dense) -> None:
    win, _ = dense
    hl = win.view.highlighter
    doc = win.view.document()
    blocks = [doc.findBlockByNumber(n) for n in range(300, 320)]

    def fills() -> set[tuple[int, int, int]]:
        out = set()
        for b in blocks:
            for _, _, fmt in hl._compute_runs(b):
                c = fmt.background().color()
                if fmt.background().style() != Qt.BrushStyle.NoBrush:
                    out.add((c.red() > 150, c.green() > 150, c.blue() > 150))
        return out

    label_fmt = hl._format("named_person", 1, None, False)
    hl.set_mode(color_by="annotator", annotator_colors={"ana": "#ff0000", "ben": "#ff0000"},
                compare_kinds=None, visible_filter=None)
    assert fills() == {(True, False, False)}  # red only
    hl.set_mode(color_by="annotator", annotator_colors={"ana": "#0000ff", "ben": "#0000ff"},
                compare_kinds=None, visible_filter=None)
    assert fills() == {(False, False, True)}  # the new colour, no stale red
    hl.set_mode(color_by="label", annotator_colors={}, compare_kinds=None, visible_filter=None)
    assert hl._format("named_person", 1, None, False) is label_fmt  # kept throughout


def test_the_last_article_is_remembered_even_if_closed_at_once(dense, tmp_path: Path) -> None:
    """The id and title are written once the text is shown, and on closing anyway."""
    win, _ = dense
    other = tmp_path / "other.txt"
    other.write_text("A short article called Other.\n", encoding="utf-8")
    small = articles.import_files(win.project, [other]).article_ids[0]
    win.wb.open_article(small)  # and close before the text was shown
    win.close()
    settings = win.wb.settings
    assert int(settings.value("session/article")) == small
    assert settings.value("session/article_title") == win.article.article.title
