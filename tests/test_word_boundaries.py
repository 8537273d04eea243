"""Word snapping in code points over the canonical text, across scripts."""

from __future__ import annotations

import pytest

from annotator.domain.offsets import OffsetMap
from annotator.domain.word_boundaries import (
    describe_split,
    is_cluster_boundary,
    is_inside_word,
    snap_span,
    split_words,
)


def _snap(text: str, inner: str, *, words: bool = True) -> str:
    """Snap a span covering the middle of ``inner`` (its 2nd to last-but-one char)."""
    i = text.index(inner)
    s, e = snap_span(text, i + 1, i + len(inner) - 1, words=words)
    return text[s:e]


def test_latin_words_snap_outward() -> None:
    text = "The minister said on Tuesday that talks had stalled."
    i = text.index("inister")
    j = text.index("Tues") + 2
    s, e = snap_span(text, i, j)
    assert text[s:e] == "minister said on Tuesday"
    # Already on boundaries: unchanged. A click (empty span) is unchanged.
    k = text.index("said")
    assert snap_span(text, k, k + 4) == (k, k + 4)
    assert snap_span(text, k + 1, k + 1) == (k + 1, k + 1)
    # Reversed drag is normalised.
    assert snap_span(text, j, i) == (s, e)


@pytest.mark.parametrize("word", ["don’t", "don't", "O’Brien", "well-known", "e‑mail"])
def test_apostrophes_and_hyphens_inside_a_word_join_it(word: str) -> None:
    text = f"He said “{word}” twice."
    i = text.index(word)
    s, e = snap_span(text, i + 1, i + 2)
    assert text[s:e] == word


def test_quotes_and_hyphens_at_word_edges_are_punctuation() -> None:
    text = "‘Hello’ - they said 'no' -- twice"
    i = text.index("ello")
    assert text[slice(*snap_span(text, i, i + 2))] == "Hello"
    j = text.index("no")
    assert text[slice(*snap_span(text, j, j + 1))] == "no"
    k = text.index("- they")
    assert snap_span(text, k, k + 1) == (k, k + 1)  # a lone dash is not widened


def test_emoji_and_zwj_sequences_are_never_split() -> None:
    family = "👨\u200d👩\u200d👧"
    thumbs = "👍🏽"
    flags = "🇫🇷🇩🇪"
    text = f"ok {family} {thumbs} {flags} go"
    i = text.index(family)
    # Every offset inside the ZWJ sequence is inside one cluster.
    for pos in range(i + 1, i + len(family)):
        assert not is_cluster_boundary(text, pos), pos
    assert snap_span(text, i + 1, i + 3, words=False) == (i, i + len(family))
    t = text.index(thumbs)
    assert snap_span(text, t, t + 1) == (t, t + 2)  # skin tone kept with its emoji
    f = text.index(flags)
    assert is_cluster_boundary(text, f + 2)  # between the two flags
    assert not is_cluster_boundary(text, f + 1) and not is_cluster_boundary(text, f + 3)
    assert text[slice(*snap_span(text, f + 1, f + 3))] == flags
    # Emoji are not letters: "ok" next to them is its own word.
    assert text[slice(*snap_span(text, 1, 2))] == "ok"


def test_cjk_extension_b_ideographs_are_one_word_each_and_offsets_convert() -> None:
    text = "他说𠀀𠀁文字。报告"
    i = text.index("𠀁")
    # Each ideograph is a word: a span over one of them is not widened to the run.
    assert snap_span(text, i, i + 1) == (i, i + 1)
    assert not is_inside_word(text, i)
    # Code points, not UTF-16: the astral characters count one each here...
    assert text[i] == "𠀁" and len(text[i]) == 1
    # ...and two each once converted for Qt.
    offsets = OffsetMap.for_text(text)
    assert offsets.span_to_utf16(i, i + 1) == (i + 1, i + 3)


def test_combining_marks_stay_with_their_letter() -> None:
    text = "cafe\u0301 au lait, Ame\u0301lie"
    i = text.index("e\u0301")
    # Offset between "e" and its combining acute is inside a cluster.
    assert not is_cluster_boundary(text, i + 1)
    assert snap_span(text, i, i + 1, words=False) == (i, i + 2)
    assert text[slice(*snap_span(text, 1, i + 1))] == "cafe\u0301"
    j = text.index("Ame")
    assert text[slice(*snap_span(text, j + 2, j + 3))] == "Ame\u0301lie"


@pytest.mark.parametrize("text, inner, word", [
    ("قال المتحدث الرسمي إن المحادثات", "تحد", "المتحدث"),
    ("אמר דובר הממשלה כי השיחות", "ובר", "דובר"),
    ("قَالَ الْمُتَحَدِّثُ", "تَحَ", "الْمُتَحَدِّثُ"),  # Arabic with vowel marks
])
def test_rtl_words(text: str, inner: str, word: str) -> None:
    i = text.index(inner)
    s, e = snap_span(text, i + 1, i + 2)
    assert text[s:e] == word


def test_split_words_names_the_cut_word() -> None:
    text = "according to three sources"
    i = text.index("ccording")
    j = text.index("sour") + 4
    assert split_words(text, i, j) == ("start", "end")
    message = describe_split(text, i, j)
    assert "“according”" in message and "“sources”" in message
    k = text.index("three")
    assert split_words(text, k, k + 5) == ()
    assert describe_split(text, k, k + 5) == ""


def test_ends_of_text_are_boundaries() -> None:
    assert snap_span("word", 0, 4) == (0, 4)
    assert snap_span("word", 1, 3) == (0, 4)
    assert snap_span("", 0, 0) == (0, 0)
    assert not is_inside_word("word", 0) and not is_inside_word("word", 4)
