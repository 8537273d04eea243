"""Offsets never drift: code points <-> Qt UTF-16 positions, selection -> span -> CSV."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument

from annotator.domain.offsets import OffsetMap, utf16_length
from annotator.domain.text_import import decode_article_bytes

HOSTILE = (
    "Emoji 😀👍🏽 family 👨‍👩‍👧, CJK ext B 𠀋𠂊, combining e\u0301 a\u0308, "
    "RTL שלום عليكم, NBSP\u00a0here, CRLF\r\nnext\rline\n"
)

ALPHABET = st.sampled_from(
    list("abc xyz.,\"'") + ["😀", "𠀋", "\u0301", "\u0308", "\u00a0", "ש", "ع", "\r\n", "\n",
                            "\r", "é", "’", "\u200d", "🏽", "\t"]
)


def test_ascii_is_identity() -> None:
    m = OffsetMap.for_text("hello\nworld")
    assert all(m.to_utf16(i) == i and m.to_code_point(i) == i for i in range(12))


def test_astral_characters_count_twice_in_utf16() -> None:
    text = "a😀b𠀋c"
    m = OffsetMap.for_text(text)
    assert m.utf16_length == utf16_length(text) == len(text.encode("utf-16-le")) // 2 == 7
    assert [m.to_utf16(i) for i in range(6)] == [0, 1, 3, 4, 6, 7]
    assert [m.to_code_point(u) for u in (0, 1, 3, 4, 6, 7)] == list(range(6))


def test_position_inside_surrogate_pair_snaps_to_whole_character() -> None:
    m = OffsetMap.for_text("a😀b")
    assert m.to_code_point(2, snap="floor") == 1
    assert m.to_code_point(2, snap="ceil") == 2
    assert m.span_to_code_points(2, 2) == (1, 2)


def test_out_of_range_is_refused() -> None:
    m = OffsetMap.for_text("a😀")
    with pytest.raises(ValueError):
        m.to_utf16(3)
    with pytest.raises(ValueError):
        m.to_code_point(4)


@given(st.lists(ALPHABET, max_size=60).map("".join))
def test_roundtrip_every_offset(raw: str) -> None:
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    m = OffsetMap.for_text(text)
    for cp in range(len(text) + 1):
        u = m.to_utf16(cp)
        assert u == len(text[:cp].encode("utf-16-le")) // 2
        assert m.to_code_point(u) == cp


def _doc_for(text: str) -> QTextDocument:
    doc = QTextDocument()
    doc.setPlainText(text)
    return doc


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(ALPHABET, min_size=1, max_size=50).map("".join),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
)
def test_qt_selection_to_span_to_csv_is_exact(raw: str, a: int, b: int) -> None:
    """Whatever Qt selects, the stored span and the CSV text are the same characters."""
    text = decode_article_bytes(("x" + raw).encode("utf-8")).text
    m = OffsetMap.for_text(text)
    doc = _doc_for(text)
    # Qt's document has exactly one position per UTF-16 unit (+1 for the final block end).
    assert doc.characterCount() == m.utf16_length + 1
    cursor = QTextCursor(doc)
    n16 = m.utf16_length
    cursor.setPosition(a % (n16 + 1))
    cursor.setPosition(b % (n16 + 1), QTextCursor.MoveMode.KeepAnchor)
    start, end = m.span_to_code_points(cursor.selectionStart(), cursor.selectionEnd())
    assert 0 <= start <= end <= len(text)
    selected = text[start:end]
    # Qt's own view of the selection (with U+2029 for newlines, NBSP as is) agrees
    # with the canonical text once we undo Qt's rewrites — but we never rely on it.
    qt_sel = cursor.selectedText().replace("\u2029", "\n")
    splits_pair = any(
        m.to_code_point(p, snap="floor") != m.to_code_point(p, snap="ceil")
        for p in (cursor.selectionStart(), cursor.selectionEnd())
    )
    if not splits_pair:
        assert qt_sel == selected
    # CSV round trip keeps the characters exactly.
    buf = io.StringIO()
    csv.writer(buf).writerow([start, end, selected])
    row = next(csv.reader(io.StringIO(buf.getvalue())))
    assert row[2] == text[int(row[0]):int(row[1])]


def test_hostile_text_block_positions_match_offsets() -> None:
    text = decode_article_bytes(HOSTILE.encode("utf-8")).text
    m = OffsetMap.for_text(text)
    doc = _doc_for(text)
    block = doc.begin()
    cp = 0
    for line in text.split("\n"):
        assert m.to_code_point(block.position()) == cp
        cp += len(line) + 1
        block = block.next()
    # toPlainText would turn NBSP into a space: a reason never to read text back.
    assert "\u00a0" in text
    assert doc.toPlainText().count("\u00a0") <= text.count("\u00a0")


def _reference_utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


@pytest.mark.parametrize("text", [
    "é" * 70 + "\n" + "naïve café",                        # Latin-1 only (1 byte per char)
    "中文 " * 40 + "שלום عليكم" + "\u00a0" * 30,             # BMP: CJK, RTL, NBSP (2 bytes)
    "e\u0301a\u0308" * 40,                                  # combining marks, no astral
    "a" * 200 + "😀",                                       # one astral character at the end
    "😀" + "ש" * 200,                                       # one at the start, RTL after it
    "𠀋𠂊" * 40 + "\n" + "x" * 10,                           # CJK extension B only
    HOSTILE * 5,
    "ab😀",                                                 # short strings take the slow path
])
def test_offset_map_is_exact_on_long_texts_of_every_width(text: str) -> None:
    """The O(1) "no astral character" shortcut (string storage width) never drops one."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    m = OffsetMap.for_text(text)
    assert m.utf16_length == len(text.encode("utf-16-le")) // 2
    for cp in range(len(text) + 1):
        u = m.to_utf16(cp)
        assert u == _reference_utf16(text, cp)
        assert m.to_code_point(u) == cp


def test_a_bmp_slice_of_an_astral_text_has_no_astral_offsets() -> None:
    big = "x" * 100 + "😀" + "中" * 100
    tail = big[101:]  # a slice is stored as narrowly as its own characters allow
    assert OffsetMap.for_text(tail).utf16_length == len(tail)
    assert OffsetMap.for_text(big).utf16_length == len(big) + 1
