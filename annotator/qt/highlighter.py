"""Paint annotation highlights from the in-memory span index.

Formats live only in each block's layout (``QSyntaxHighlighter.setFormat``), never
in the QTextDocument, so the text is never modified and nothing is saved twice.
Only blocks near the viewport are computed: blocks outside the active range
return at once and are painted when they scroll into view (``refresh_visible``),
which keeps opening a 1 MB article with 50k annotations close to the cost of the
bare text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextBlock, QTextCharFormat, QTextDocument

from annotator.services.open_article import OpenArticle

MARGIN_BLOCKS = 8
MARGIN_DELAY_MS = 30
"""Blocks just off screen are painted shortly after the visible ones, when idle."""


class SpanHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.article: OpenArticle | None = None
        self.colors: dict[str, QColor] = {}
        self.visible_filter: Callable[[str], bool] | None = None
        self.color_by = "label"  # or "annotator"
        self.annotator_colors: dict[str, QColor] = {}
        self.compare_kinds: dict[str, str] | None = None
        self.color_adjust: Callable[[QColor], QColor] | None = None
        """Set by the view on a dark palette, so light text stays readable over fills."""
        """Compare mode: annotation id -> colour; spans not listed are not painted."""
        self._active = (0, 60)
        self._margin_timer = QTimer(self)
        self._margin_timer.setSingleShot(True)
        self._margin_timer.setInterval(MARGIN_DELAY_MS)
        self._margin_timer.timeout.connect(self._paint_margin)
        self._painted: set[int] = set()
        self._formats: dict[tuple[str, int, str | None, bool], QTextCharFormat] = {}
        self.calls = 0  # highlightBlock invocations, for tests and benchmarks
        self.suspended = False
        """True while the whole text is replaced: every block is laid out once by Qt
        then, and none of them needs a Python-side look at the span index."""

    # --- configuration -------------------------------------------------
    def set_article(self, article: OpenArticle | None) -> None:
        self.article = article
        self._painted.clear()

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
        self._paint_range(first, last)
        self._margin_timer.start()

    def _paint_margin(self) -> None:
        self._paint_range(*self._active)

    def _paint_range(self, lo: int, hi: int) -> None:
        doc = self.document()
        if doc is None:
            return
        block = doc.findBlockByNumber(max(0, lo))
        while block.isValid() and block.blockNumber() <= hi:
            if block.blockNumber() not in self._painted:
                self.rehighlightBlock(block)
            block = block.next()

    def refresh_painted_in(self, start: int, end: int) -> None:
        """New data arrived for code points ``[start, end)``: repaint blocks already shown."""
        if self.article is None or not self._painted:
            return
        doc = self.document()
        offsets = self.article.offsets
        first = doc.findBlock(offsets.to_utf16(start)).blockNumber()
        last = doc.findBlock(offsets.to_utf16(max(start, end - 1))).blockNumber()
        if last < 0:
            last = doc.blockCount()
        for n in sorted(b for b in self._painted if first <= b <= last):
            self._painted.discard(n)
            self.rehighlightBlock(doc.findBlockByNumber(n))

    def invalidate(self) -> None:
        """Data changed everywhere (filter, colours): repaint what is visible."""
        self._painted.clear()
        self.set_active_blocks(self._active[0] + MARGIN_BLOCKS, self._active[1] - MARGIN_BLOCKS)

    def refresh_ranges(self, ranges: Iterable[tuple[int, int]]) -> int:
        """Re-highlight only the blocks overlapping code-point ``ranges``; return how many."""
        if self.article is None:
            return 0
        doc = self.document()
        offsets = self.article.offsets
        done: set[int] = set()
        for start, end in ranges:
            block = doc.findBlock(offsets.to_utf16(start))
            last = doc.findBlock(offsets.to_utf16(max(start, end - 1))).blockNumber()
            while block.isValid() and block.blockNumber() <= last:
                n = block.blockNumber()
                if n not in done:
                    done.add(n)
                    self._painted.discard(n)
                    self.rehighlightBlock(block)
                block = block.next()
        return len(done)

    # --- painting ------------------------------------------------------
    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        self.calls += 1
        if self.suspended:
            return
        block: QTextBlock = self.currentBlock()
        n = block.blockNumber()
        lo, hi = self._active
        article = self.article
        if article is None or not (lo <= n <= hi):
            self._painted.discard(n)
            return
        self._painted.add(n)
        offsets = article.offsets
        pos16 = block.position()
        b_start = offsets.to_code_point(pos16)
        b_end = offsets.to_code_point(pos16 + block.length() - 1)
        if b_end <= b_start:
            return
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
            return
        # Sweep the block once: boundaries sorted, spans entering and leaving an
        # active list, so a block dense with annotations costs O(n log n), not O(n²).
        clipped = sorted(((max(s.start, b_start), min(s.end, b_end), s) for s in spans),
                         key=lambda t: t[0])
        src = sorted((max(s.start, b_start), min(s.end, b_end)) for s in sources)
        bounds = {b_start, b_end}
        for lo, hi, _ in clipped:
            bounds.add(lo)
            bounds.add(hi)
        for lo, hi in src:
            bounds.add(lo)
            bounds.add(hi)
        edges = sorted(bounds)
        active: list[tuple[int, int, object]] = []
        active_src: list[tuple[int, int]] = []
        i = j = 0
        for seg_start, seg_end in zip(edges, edges[1:], strict=False):
            while i < len(clipped) and clipped[i][0] <= seg_start:
                active.append(clipped[i])
                i += 1
            while j < len(src) and src[j][0] <= seg_start:
                active_src.append(src[j])
                j += 1
            if active:
                active = [t for t in active if t[1] > seg_start]
            if active_src:
                active_src = [t for t in active_src if t[1] > seg_start]
            if not active and not active_src:
                continue
            # Innermost (shortest) span gives the fill; the next outer one the underline.
            covering = sorted((t[2] for t in active),
                              key=lambda s: (s.end - s.start, s.start))  # type: ignore[attr-defined]
            inner = self._color_key(covering[0]) if covering else ""
            outer = self._color_key(covering[1]) if len(covering) > 1 else None
            fmt = self._format(inner, len(covering), outer, bool(active_src))
            u_start = offsets.to_utf16(seg_start) - pos16
            u_end = offsets.to_utf16(seg_end) - pos16
            self.setFormat(u_start, u_end - u_start, fmt)

    def _color_key(self, span) -> str:  # type: ignore[no-untyped-def]
        if self.compare_kinds is not None:
            return "cmp:" + self.compare_kinds.get(span.id, "#999999")
        if self.color_by == "annotator":
            return "ann:" + span.annotator
        return span.label

    def _color(self, key: str) -> QColor:
        if key.startswith("cmp:"):
            color = QColor(key[4:])
        elif key.startswith("ann:"):
            color = QColor(self.annotator_colors.get(key[4:], QColor("#999999")))
        else:
            color = QColor(self.colors.get(key, QColor("#999999")))
        return self.color_adjust(color) if self.color_adjust else color

    def set_mode(self, *, color_by: str, annotator_colors: dict[str, str],
                 compare_kinds: dict[str, str] | None,
                 visible_filter: Callable[[str], bool] | None) -> None:
        """Layers/compare settings changed: repaint what is on screen."""
        self.color_by = color_by
        self.annotator_colors = {k: QColor(v) for k, v in annotator_colors.items()}
        self.compare_kinds = compare_kinds
        self.visible_filter = visible_filter
        self._formats.clear()
        self.invalidate()

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
