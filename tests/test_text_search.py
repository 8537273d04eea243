"""Find in article: code-point hits over the canonical text."""

from __future__ import annotations

from annotator.domain.offsets import OffsetMap
from annotator.domain.text_search import find_all


def test_case_insensitive_code_point_hits_after_astral_characters() -> None:
    text = "👍🏽 The Minister said. 𠀀 the minister left. STRASSE Straße"
    hits = find_all(text, "minister")
    assert [text[s:e] for s, e in hits] == ["Minister", "minister"]
    assert hits[0][0] == text.index("Minister")  # code points, not UTF-16 units
    offsets = OffsetMap.for_text(text)
    s16, _ = offsets.span_to_utf16(*hits[0])
    assert s16 == hits[0][0] + 2  # two astral characters before it
    assert find_all(text, "minister", case_sensitive=True) == [hits[1]]
    assert [text[s:e] for s, e in find_all(text, "straße")] == ["Straße"]


def test_quotes_dashes_and_whitespace_are_forgiving() -> None:
    text = "the spokesman’s “no” — a\nwell‑known reply"
    assert [text[s:e] for s, e in find_all(text, "spokesman's")] == ["spokesman’s"]
    assert [text[s:e] for s, e in find_all(text, '"no"')] == ["“no”"]
    assert [text[s:e] for s, e in find_all(text, "well-known")] == ["well‑known"]
    assert [text[s:e] for s, e in find_all(text, "a well")] == ["a\nwell"]


def test_empty_query_limit_and_no_overlap() -> None:
    assert find_all("abc", "") == [] and find_all("abc", "   ") == []
    assert find_all("aaaa", "aa") == [(0, 2), (2, 4)]
    assert len(find_all("a" * 100, "a", limit=10)) == 10
    assert find_all("a.c abc", ".") == [(1, 2)]  # regex characters are literal
