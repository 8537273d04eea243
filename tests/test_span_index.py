"""The span index answers like a brute-force scan, however it was built."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain.span_index import LONG_SPAN, IndexedSpan, SpanIndex

_span = st.tuples(st.integers(0, 20_000), st.integers(1, 400), st.sampled_from("ab"),
                  st.booleans())


def _spans(raw: list[tuple[int, int, str, bool]]) -> list[IndexedSpan]:
    out = []
    for k, (start, length, who, long_one) in enumerate(raw):
        end = start + (LONG_SPAN + length if long_one and k % 5 == 0 else length)
        out.append(IndexedSpan(start, end, f"id{k:05d}", "named_person", who))
    return out


def _brute(spans: list[IndexedSpan], start: int, end: int) -> list[IndexedSpan]:
    end = max(end, start + 1)
    return sorted(s for s in spans if s.start < end and s.end > start)


@settings(max_examples=60, deadline=None)
@given(st.lists(_span, max_size=120), st.integers(1, 40),
       st.lists(st.tuples(st.integers(0, 25_000), st.integers(0, 600)), max_size=15))
def test_pages_extended_in_order_equal_adding_one_by_one(raw, page, queries) -> None:
    spans = sorted(_spans(raw))
    paged = SpanIndex()
    for k in range(0, len(spans), page):
        paged.extend_sorted(spans[k:k + page])
    one_by_one = SpanIndex()
    for s in spans:
        one_by_one.add(s)
    assert len(paged) == len(spans)
    for start, length in queries:
        want = _brute(spans, start, start + length)
        assert paged.overlapping(start, start + length) == want
        assert one_by_one.overlapping(start, start + length) == want


def test_an_out_of_order_page_falls_back_to_adding_each() -> None:
    index = SpanIndex([IndexedSpan(100, 120, "late", "x", "a")])
    index.extend_sorted([IndexedSpan(10, 20, "early", "x", "a"),
                         IndexedSpan(200, 220, "later", "x", "a")])
    assert [s.id for s in index.overlapping(0, 1000)] == ["early", "late", "later"]
    index.extend_sorted([IndexedSpan(10, 20, "early", "x", "a")])  # already there
    assert len(index) == 3
