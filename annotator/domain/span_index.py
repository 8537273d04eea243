"""In-memory index of an article's annotations for painting and hit-testing.

The highlighter asks "which spans overlap this block?" for every visible block,
so the answer must never touch the database and must be sub-linear. Spans are
kept sorted by start; a query bisects to the spans starting before the block end
and walks back at most ``max short length`` characters. Rare very long spans are
kept in a separate small list that is scanned linearly.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from typing import NamedTuple

LONG_SPAN = 4096


class IndexedSpan(NamedTuple):
    """What painting and hit-testing need; a tuple so sorting is C-speed."""

    start: int
    end: int
    id: str
    label: str
    annotator: str


def _start(span: IndexedSpan) -> int:
    return span.start


class SpanIndex:
    def __init__(self, spans: Iterable[IndexedSpan] = ()) -> None:
        self._short: list[IndexedSpan] = []
        self._long: list[IndexedSpan] = []
        self._by_id: dict[str, IndexedSpan] = {}
        self._max_short = 0
        short = []
        for span in spans:
            self._by_id[span.id] = span
            if span.end - span.start > LONG_SPAN:
                self._long.append(span)
            else:
                short.append(span)
                self._max_short = max(self._max_short, span.end - span.start)
        short.sort()
        self._short = short

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._by_id

    def get(self, span_id: str) -> IndexedSpan | None:
        return self._by_id.get(span_id)

    def add(self, span: IndexedSpan) -> None:
        if span.id in self._by_id:
            self.remove(span.id)
        self._by_id[span.id] = span
        if span.end - span.start > LONG_SPAN:
            self._long.append(span)
        else:
            insort(self._short, span)
            self._max_short = max(self._max_short, span.end - span.start)

    def extend_sorted(self, spans: list[IndexedSpan]) -> None:
        """Add ``spans`` (sorted) that all sort after every span already here — a page
        of an article's annotations in (start, end, id) order — in one list extend;
        anything else is added one by one."""
        short = [s for s in spans if s.end - s.start <= LONG_SPAN and s.id not in self._by_id]
        if len(short) != len(spans) or (self._short and short and short[0] < self._short[-1]):
            for span in spans:
                self.add(span)
            return
        for span in short:
            self._by_id[span.id] = span
        if short:
            self._short.extend(short)
            self._max_short = max(self._max_short, max(s.end - s.start for s in short))

    def remove(self, span_id: str) -> IndexedSpan | None:
        span = self._by_id.pop(span_id, None)
        if span is None:
            return None
        if span.end - span.start > LONG_SPAN:
            self._long.remove(span)
        else:
            i = bisect_left(self._short, span)
            if i < len(self._short) and self._short[i] == span:
                del self._short[i]
        return span

    def overlapping(self, start: int, end: int) -> list[IndexedSpan]:
        """Spans with ``span.start < end and span.end > start``, ordered by start."""
        end = max(end, start + 1)
        out: list[IndexedSpan] = []
        short = self._short
        i = bisect_left(short, end, key=_start) - 1
        lo_start = start - self._max_short
        while i >= 0:
            span = short[i]
            if span.start < lo_start:
                break
            if span.end > start:
                out.append(span)
            i -= 1
        out.reverse()
        if self._long:
            out.extend(s for s in self._long if s.start < end and s.end > start)
            out.sort()
        return out

    def at(self, offset: int) -> list[IndexedSpan]:
        """Spans covering code point ``offset``, innermost (shortest) first."""
        spans = self.overlapping(offset, offset + 1)
        return sorted(spans, key=lambda s: (s.end - s.start, s.start))

    def __iter__(self) -> Iterator[IndexedSpan]:
        yield from sorted(self._by_id.values())
