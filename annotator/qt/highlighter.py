"""Paint annotation highlights from the in-memory span index.

Formats live only in each block's layout (``QSyntaxHighlighter.setFormat``), never
in the QTextDocument, so the text is never modified and nothing is saved twice.
Only blocks near the viewport are computed: blocks outside the active range
return at once and are painted when they scroll into view (``set_active_blocks``),
which keeps opening a 1 MB article with 50k annotations close to the cost of the
bare text.

Qt 6's plain-text layout answers a highlighter's change to one block by relaying out
the next block too and repainting the whole viewport (``QPlainTextDocumentLayout::
documentChanged`` counts the block twice; "optimization potential", says its source).
In a dense article that full repaint was the cost of a tag, so every re-highlight goes
through :meth:`_rehighlight`, which silences that and repaints just the blocks'
rectangles (the whole viewport only if a block's height changed); with the article
view's :class:`~annotator.qt.block_layout.BlockLayout` the next block is not relaid
out either.

Each painted block's format runs are kept (``_runs``, by block number: the text is
read-only, so numbers are stable while an article is shown). A change — a tag, an
edit, a page of annotations arriving — drops and recomputes only the blocks it
touches, so tagging costs the same in an article with 50k annotations as in an
empty one, and a block that scrolls back into view or is re-laid out by Qt is
re-applied from its runs without looking at the span index again.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import SIGNAL, SLOT, QEvent, QObject, QTimer
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextBlock, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit

from annotator.qt.block_layout import BlockLayout
from annotator.qt.theme import NEUTRAL_FILL

if TYPE_CHECKING:  # not at start-up: it pulls in the storage stack
    from annotator.services.open_article import OpenArticle

MARGIN_BLOCKS = 8
MARGIN_DELAY_MS = 30
"""Blocks just off screen are painted this long after the screen itself has been
painted (so they never hold up the first paint of an article)."""

MAX_CACHED_BLOCKS = 600
"""Runs kept for at most this many blocks (the ones nearest the screen win)."""

_CONTENTS_CHANGE = SIGNAL("contentsChange(int,int,int)")
_REFORMAT = SLOT("_q_reformatBlocks(int,int,int)")

Run = tuple[int, int, QTextCharFormat]
"""``(UTF-16 start in the block, UTF-16 length, format)``."""


class SpanHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.article: OpenArticle | None = None
        self.colors: dict[str, QColor] = {}
        self.visible_filter: Callable[[str], bool] | None = None
        self.color_by = "label"  # or "annotator"
        self.annotator_colors: dict[str, QColor] = {}
        self.compare_kinds: dict[str, str] | None = None
        """Compare mode: annotation id -> colour; spans not listed are not painted."""
        self.color_adjust: Callable[[QColor], QColor] | None = None
        """Set by the view on a dark palette, so light text stays readable over fills."""
        self._active = (0, 60)
        self._on_screen = (0, 60 - MARGIN_BLOCKS)
        self._margin_timer = QTimer(self)
        self._margin_timer.setSingleShot(True)
        self._margin_timer.setInterval(MARGIN_DELAY_MS)
        self._margin_timer.timeout.connect(self._paint_margin)
        self._margin_pending = False
        self._painted: set[int] = set()
        self._runs: dict[int, list[Run]] = {}
        self._formats: dict[tuple[str, int, str | None, bool], QTextCharFormat] = {}
        self.view: QPlainTextEdit | None = None
        """The widget showing the document (``attach``): repainted block by block."""
        self.calls = 0  # highlightBlock invocations, for tests and benchmarks
        self.computed: list[int] = []
        """Block numbers whose runs were computed from the span index, in order (tests
        and benchmarks read and clear it: a tag must compute exactly the blocks it
        touches)."""

    # --- configuration -------------------------------------------------
    def attach(self, view: QPlainTextEdit) -> None:
        """Repaint only the changed blocks' rectangles of ``view`` (see module doc), and
        paint the margin once ``view`` has painted the screen."""
        self.view = view
        view.viewport().installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if self._margin_pending and event.type() == QEvent.Type.Paint:
            self._margin_pending = False
            self._margin_timer.start()
        return False

    def set_article(self, article: OpenArticle | None) -> None:
        self.article = article
        self._painted.clear()
        self._runs.clear()

    @contextmanager
    def text_replaced(self) -> Iterator[None]:
        """Around ``setPlainText``: Qt would call ``highlightBlock`` once per block of
        the new text (a Python call each, ~1,600 for a 1 MB article, doubling the
        cost of the load) only for all but the visible ones to be skipped. Detached
        from the document's change signal meanwhile; the visible blocks are then
        painted by :meth:`set_active_blocks`."""
        doc = self.document()
        detached = doc is not None and QObject.disconnect(doc, _CONTENTS_CHANGE, self, _REFORMAT)
        try:
            yield
        finally:
            self._painted.clear()
            self._runs.clear()
            if detached:
                QObject.connect(doc, _CONTENTS_CHANGE, self, _REFORMAT)

    def set_colors(self, colors: dict[str, str]) -> None:
        self.colors = {key: QColor(value) for key, value in colors.items()}
        self._formats.clear()
        self.invalidate()

    def set_color_adjust(self, adjust: Callable[[QColor], QColor] | None) -> None:
        """Palette changed (light/dark): recompute every fill through ``adjust``."""
        self.color_adjust = adjust
        self._formats.clear()
        self.invalidate()

    def set_active_blocks(self, first: int, last: int) -> None:
        """Blocks ``first..last`` are on screen; paint any not yet painted.

        On-screen blocks are painted now; the margin around them (so a short scroll
        shows colours at once) is painted on the next turn of the event loop.
        """
        lo, hi = max(0, first - MARGIN_BLOCKS), last + MARGIN_BLOCKS
        self._active = (lo, hi)
        self._on_screen = (first, last)
        painted = self._paint_range(first, last)
        if (painted or self._margin_pending) and self.view is not None \
                and self.view.isVisible():
            self._margin_pending = True  # started by the coming paint of the viewport
        else:
            self._margin_pending = False
            self._margin_timer.start()

    def prime(self, first: int, chars: int) -> int:
        """A new text is shown from block ``first``: highlight the blocks that will fill
        about ``chars`` characters of screen before anything has laid them out, so each
        is laid out once, with its formats (measuring which blocks are on screen first
        would lay them out plain, only for the highlight to lay them out again).
        Returns how many blocks were highlighted; :meth:`set_active_blocks` then paints
        whatever the estimate missed."""
        doc = self.document()
        if doc is None or self.article is None:
            return 0
        block = doc.findBlockByNumber(max(0, first))
        todo = []
        total = 0
        while block.isValid() and total < chars:
            todo.append(block)
            total += block.length()
            block = block.next()
        if not todo:
            return 0
        self._active = (max(0, first - MARGIN_BLOCKS), first + len(todo) - 1 + MARGIN_BLOCKS)
        self._margin_pending = True  # the margin waits for the coming paint
        layout = doc.documentLayout()
        ours = layout if isinstance(layout, BlockLayout) else None
        was_blocked = layout.blockSignals(True)  # the whole new text is painted anyway
        if ours is not None:
            ours.formats_only = True
        try:
            for b in todo:
                if b.blockNumber() not in self._painted:
                    self.rehighlightBlock(b)
        finally:
            layout.blockSignals(was_blocked)
            if ours is not None:
                ours.formats_only = False
        return len(todo)

    @property
    def idle(self) -> bool:
        """No margin painting pending (benchmarks wait for this before timing)."""
        return not self._margin_pending and not self._margin_timer.isActive()

    def _paint_margin(self) -> None:
        self._paint_range(*self._active)
        self._trim_cache()

    def _paint_range(self, lo: int, hi: int) -> int:
        """Re-highlight the blocks ``lo..hi`` not painted yet; return how many."""
        doc = self.document()
        if doc is None:
            return 0
        block = doc.findBlockByNumber(max(0, lo))
        todo = []
        while block.isValid() and block.blockNumber() <= hi:
            if block.blockNumber() not in self._painted:
                todo.append(block)
            block = block.next()
        self._rehighlight(todo)
        return len(todo)

    def _rehighlight(self, blocks: list[QTextBlock]) -> None:
        """``rehighlightBlock`` each block, then repaint just their rectangles.

        The layout's signals are held meanwhile (its whole-viewport ``update``); if a
        block changed height (a bold source mention rewrapped a line) the document
        size and a full repaint are passed on as Qt would have.
        """
        if not blocks:
            return
        view = self.view
        layout = self.document().documentLayout()
        if view is None or layout is None:
            for block in blocks:
                self.rehighlightBlock(block)
            return
        heights = [layout.blockBoundingRect(b).height() for b in blocks]
        was_blocked = layout.blockSignals(True)
        ours = layout if isinstance(layout, BlockLayout) else None
        if ours is not None:
            ours.formats_only = True  # one block relaid out each (qt/block_layout.py)
        try:
            for block in blocks:
                self.rehighlightBlock(block)
        finally:
            layout.blockSignals(was_blocked)
            if ours is not None:
                ours.formats_only = False
        if any(layout.blockBoundingRect(b).height() != h
               for b, h in zip(blocks, heights, strict=True)):
            layout.documentSizeChanged.emit(layout.documentSize())
            view.viewport().update()
            return
        viewport = view.viewport()
        offset = view.contentOffset()
        visible = viewport.rect()
        for block in blocks:
            rect = view.blockBoundingGeometry(block).translated(offset).toAlignedRect()
            if rect.intersects(visible):
                viewport.update(rect.adjusted(-1, -1, 1, 1))

    def _trim_cache(self) -> None:
        if len(self._runs) <= MAX_CACHED_BLOCKS:
            return
        centre = (self._active[0] + self._active[1]) // 2
        keep = sorted(self._runs, key=lambda n: abs(n - centre))[:MAX_CACHED_BLOCKS // 2]
        self._runs = {n: self._runs[n] for n in keep}

    def _blocks_of(self, start: int, end: int) -> tuple[int, int]:
        """First and last block numbers holding code points ``[start, end)``."""
        assert self.article is not None
        doc = self.document()
        offsets = self.article.offsets
        length = offsets.length
        first = doc.findBlock(offsets.to_utf16(min(max(0, start), length))).blockNumber()
        last = doc.findBlock(offsets.to_utf16(min(max(start, end - 1), length))).blockNumber()
        if last < 0:
            last = doc.blockCount() - 1
        return max(0, first), last

    def refresh_painted_in(self, start: int, end: int) -> None:
        """New data arrived for code points ``[start, end)``: repaint blocks already shown."""
        if self.article is None:
            return
        first, last = self._blocks_of(start, end)
        for n in [n for n in self._runs if first <= n <= last]:
            del self._runs[n]
        if not self._painted:
            return
        doc = self.document()
        todo = sorted(b for b in self._painted if first <= b <= last)
        self._painted.difference_update(todo)
        self._rehighlight([doc.findBlockByNumber(n) for n in todo])

    def invalidate(self) -> None:
        """Data changed everywhere (filter, colours): repaint what is visible."""
        self._painted.clear()
        self._runs.clear()
        self.set_active_blocks(*self._on_screen)

    def refresh_ranges(self, ranges: Iterable[tuple[int, int]]) -> int:
        """Re-highlight only the blocks overlapping code-point ``ranges``; return how many.

        Each block's runs are recomputed from the span index; the blocks are
        re-laid out and repainted by Qt, nothing else is.
        """
        if self.article is None:
            return 0
        doc = self.document()
        done: set[int] = set()
        for start, end in ranges:
            first, last = self._blocks_of(start, end)
            done.update(range(first, last + 1))
        lo, hi = self._active
        todo = []
        for n in sorted(done):
            self._runs.pop(n, None)
            self._painted.discard(n)
            if lo <= n <= hi:
                todo.append(doc.findBlockByNumber(n))
        self._rehighlight(todo)
        return len(done)

    # --- painting ------------------------------------------------------
    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        self.calls += 1
        block: QTextBlock = self.currentBlock()
        n = block.blockNumber()
        lo, hi = self._active
        if self.article is None or not (lo <= n <= hi):
            self._painted.discard(n)
            return
        self._painted.add(n)
        runs = self._runs.get(n)
        if runs is None:
            runs = self._compute_runs(block)
            self._runs[n] = runs
            self.computed.append(n)
        set_format = self.setFormat
        for u_start, u_len, fmt in runs:
            set_format(u_start, u_len, fmt)

    def _compute_runs(self, block: QTextBlock) -> list[Run]:
        """The block's format runs from the span index: one sweep over the boundaries.

        Spans covering a point are kept sorted innermost (shortest) first, so the
        fill (innermost) and underline (next outer) colours are read off the front
        of the list; a block dense with annotations costs O(n log n), not O(n²).
        The sweep is a plain loop over ints and tuples: no per-character work, source
        mentions counted with two pointers, the active list filtered only when its
        earliest end is reached, and UTF-16 positions computed by subtraction unless
        the block holds an astral character.
        """
        article = self.article
        assert article is not None
        offsets = article.offsets
        pos16 = block.position()
        b_start = offsets.to_code_point(pos16)
        b_end = offsets.to_code_point(pos16 + block.length() - 1)
        if b_end <= b_start:
            return []
        spans = article.index.overlapping(b_start, b_end)
        sources = article.sources.overlapping(b_start, b_end)
        keep = self.visible_filter
        if keep is not None:
            spans = [s for s in spans if keep(s.annotator)]
            sources = [s for s in sources if keep(s.annotator)]
        compare = self.compare_kinds
        if compare is not None:
            spans = [s for s in spans if s.id in compare]
            sources = []
        if not spans and not sources:
            return []
        if compare is None and self.color_by == "label":
            # (clipped start, clipped end, sort key innermost-first, colour key)
            entering = sorted([(b_start if s.start < b_start else s.start,
                                b_end if s.end > b_end else s.end,
                                (s.end - s.start, s.start, s.id), s.label) for s in spans])
        else:
            color_key = self._color_key
            entering = sorted([(max(s.start, b_start), min(s.end, b_end),
                                (s.end - s.start, s.start, s.id), color_key(s))
                               for s in spans])
        src_starts = sorted([max(s.start, b_start) for s in sources])
        src_ends = sorted([min(s.end, b_end) for s in sources])
        bounds = {b_start, b_end}
        bounds.update(src_starts)
        bounds.update(src_ends)
        bounds.update([e[0] for e in entering])
        bounds.update([e[1] for e in entering])
        edges = sorted(bounds)
        if offsets.astral_between(b_start, b_end):
            to16 = offsets.to_utf16
            u16 = [to16(cp) - pos16 for cp in edges]
        else:
            u16 = [cp - b_start for cp in edges]
        formats = self._formats
        fmt_of = self._format
        active: list[tuple[tuple[int, int, str], int, str]] = []  # (key, end, colour)
        next_end = b_end + 1  # the earliest end among the active spans
        runs: list[Run] = []
        i = 0
        n_enter = len(entering)
        n_src = len(src_starts)
        src_i = src_j = 0  # source mentions started / ended at or before the point
        last_fmt: QTextCharFormat | None = None
        last_end = -1
        for k in range(len(edges) - 1):
            seg_start = edges[k]
            if seg_start >= next_end:
                active = [t for t in active if t[1] > seg_start]
                next_end = min([t[1] for t in active], default=b_end + 1)
            while i < n_enter and entering[i][0] <= seg_start:
                _, hi, key, colour = entering[i]
                if hi > seg_start:
                    insort(active, (key, hi, colour))
                    if hi < next_end:
                        next_end = hi
                i += 1
            while src_i < n_src and src_starts[src_i] <= seg_start:
                src_i += 1
            while src_j < n_src and src_ends[src_j] <= seg_start:
                src_j += 1
            in_source = src_i > src_j
            if not active and not in_source:
                last_fmt = None
                continue
            depth = len(active)
            inner = active[0][2] if depth else ""
            outer = active[1][2] if depth > 1 else None
            fmt = formats.get((inner, min(depth, 3), outer, in_source))
            if fmt is None:
                fmt = fmt_of(inner, depth, outer, in_source)
            u_start = u16[k]
            u_end = u16[k + 1]
            if fmt is last_fmt and last_end == u_start:
                runs[-1] = (runs[-1][0], u_end - runs[-1][0], fmt)  # same look: one run
            else:
                runs.append((u_start, u_end - u_start, fmt))
            last_fmt = fmt
            last_end = u_end
        return runs

    def _color_key(self, span) -> str:  # type: ignore[no-untyped-def]
        if self.compare_kinds is not None:
            return "cmp:" + self.compare_kinds.get(span.id, NEUTRAL_FILL)
        if self.color_by == "annotator":
            return "ann:" + span.annotator
        return span.label

    def _color(self, key: str) -> QColor:
        if key.startswith("cmp:"):
            color = QColor(key[4:])
        elif key.startswith("ann:"):
            color = QColor(self.annotator_colors.get(key[4:], QColor(NEUTRAL_FILL)))
        else:
            color = QColor(self.colors.get(key, QColor(NEUTRAL_FILL)))
        return self.color_adjust(color) if self.color_adjust else color

    def set_mode(self, *, color_by: str, annotator_colors: dict[str, str],
                 compare_kinds: dict[str, str] | None,
                 visible_filter: Callable[[str], bool] | None, repaint: bool = True) -> None:
        """Layers/compare settings changed: repaint what is on screen (unless
        ``repaint`` is False: a new article is about to be shown and painted anyway).

        Formats are keyed by colour source (label key, ``ann:`` name, ``cmp:`` colour),
        so only those of analysts are dropped when the analysts' colours change.
        """
        self.color_by = color_by
        colors = {k: QColor(v) for k, v in annotator_colors.items()}
        if colors != self.annotator_colors:  # (each article has its own analysts)
            self._formats = {key: fmt for key, fmt in self._formats.items()
                             if not key[0].startswith("ann:")
                             and not (key[2] or "").startswith("ann:")}
        self.annotator_colors = colors
        self.compare_kinds = compare_kinds
        self.visible_filter = visible_filter
        if repaint:
            self.invalidate()
        else:
            self._painted.clear()
            self._runs.clear()

    def _format(self, label: str, depth: int, outer: str | None,
                is_source: bool) -> QTextCharFormat:
        key = (label, min(depth, 3), outer, is_source)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            if label:
                color = self._color(label)
                color.setAlpha(70 + 45 * min(depth - 1, 2))
                fmt.setBackground(color)
            if outer is not None:
                fmt.setFontUnderline(True)
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
                fmt.setUnderlineColor(self._color(outer))
            if is_source:
                fmt.setFontUnderline(True)
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
                fmt.setFontWeight(600)
            self._formats[key] = fmt
        return fmt
