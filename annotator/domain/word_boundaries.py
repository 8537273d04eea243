"""Word boundaries over the canonical text, for snapping mouse selections.

brat and INCEpTION snap a dragged selection outward to whole words, because a
claim or a source phrase that starts in the middle of a word is almost always a
slip of the mouse. This module decides, in code points over the stored text (never
text read back from a widget), where words start and end:

* letters, digits and combining marks (any script: Latin, Cyrillic, Hebrew, Arabic
  with its vowel marks, Devanagari, Hangul, ...) are word characters;
* an apostrophe (``'`` ``’`` ``ʼ``) or a hyphen (``-`` ``‐`` ``‑``) between two word
  characters joins them ("don’t", "well-known"); at a word's edge it is punctuation;
* each Han ideograph (including CJK extension B, outside the BMP), kana character and
  CJK compatibility ideograph is a word of its own, since those scripts do not put
  spaces between words and one run can be a whole sentence;
* a grapheme cluster is never split, even with snapping off: a combining mark, a
  variation selector, an emoji skin-tone modifier or tag, a zero-width joiner and
  the character after it, and the second of a pair of regional indicators (a flag)
  all belong to the character before them.

Scripts that write words without spaces but with letters (Thai, Lao, Khmer) are
treated as one word per run: snapping there expands to the run.
"""

from __future__ import annotations

import unicodedata

JOINERS = frozenset("'\u2019\u02bc-\u2010\u2011")
"""Characters that are part of a word only when word characters are on both sides."""

_ZWJ = "\u200d"

_IDEOGRAPHIC = (
    (0x3040, 0x30FF),    # Hiragana, Katakana
    (0x3400, 0x4DBF),    # CJK extension A
    (0x4E00, 0x9FFF),    # CJK unified ideographs
    (0xF900, 0xFAFF),    # CJK compatibility ideographs
    (0x20000, 0x2FA1F),  # CJK extensions B..F, compatibility supplement
    (0x30000, 0x3134F),  # CJK extension G
)


def is_ideographic(ch: str) -> bool:
    """True for characters that form a word on their own (Han, kana)."""
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _IDEOGRAPHIC)


def _extends_cluster(ch: str) -> bool:
    """True when ``ch`` continues the grapheme cluster of the character before it."""
    cp = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or ch == _ZWJ
        or 0xFE00 <= cp <= 0xFE0F          # variation selectors
        or 0xE0100 <= cp <= 0xE01EF        # variation selectors supplement
        or 0x1F3FB <= cp <= 0x1F3FF        # emoji skin-tone modifiers
        or 0xE0020 <= cp <= 0xE007F        # emoji tag sequences
    )


def _is_regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def is_cluster_boundary(text: str, pos: int) -> bool:
    """True when a span may start or end at ``pos`` without splitting a grapheme."""
    if pos <= 0 or pos >= len(text):
        return True
    ch, before = text[pos], text[pos - 1]
    if _extends_cluster(ch) or before == _ZWJ:
        return False
    if _is_regional(ch) and _is_regional(before):
        # Flags are pairs: count the run of regional indicators before pos.
        run = 0
        i = pos - 1
        while i >= 0 and _is_regional(text[i]):
            run += 1
            i -= 1
        return run % 2 == 0
    return True


def _base(text: str, i: int) -> str:
    """The base character of the cluster containing ``text[i]``."""
    while i > 0 and not is_cluster_boundary(text, i):
        i -= 1
    return text[i]


def _is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LNM"


def _joined(text: str, pos: int) -> bool:
    """True when ``text[pos-1]`` and ``text[pos]`` belong to the same word."""
    left, right = _base(text, pos - 1), text[pos]
    if _extends_cluster(right):
        return _is_word_char(left) and not is_ideographic(left)
    if _is_word_char(left) and _is_word_char(right):
        return not (is_ideographic(left) or is_ideographic(right))
    if right in JOINERS and _is_word_char(left) and not is_ideographic(left):
        nxt = _next_base(text, pos + 1)
        return nxt is not None and _is_word_char(nxt) and not is_ideographic(nxt)
    if left in JOINERS and _is_word_char(right) and not is_ideographic(right):
        j = pos - 1
        prev = _base(text, j - 1) if j > 0 else None
        return prev is not None and _is_word_char(prev) and not is_ideographic(prev)
    return False


def _next_base(text: str, i: int) -> str | None:
    return text[i] if i < len(text) else None


def is_inside_word(text: str, pos: int) -> bool:
    """True when offset ``pos`` falls between two characters of one word (or cluster)."""
    if pos <= 0 or pos >= len(text):
        return False
    if not is_cluster_boundary(text, pos):
        return True
    return _joined(text, pos)


def word_start(text: str, pos: int) -> int:
    """The start of the word containing offset ``pos`` (``pos`` itself at a boundary)."""
    while is_inside_word(text, pos):
        pos -= 1
    return pos


def word_end(text: str, pos: int) -> int:
    """The end of the word containing offset ``pos`` (``pos`` itself at a boundary)."""
    while is_inside_word(text, pos):
        pos += 1
    return pos


def cluster_floor(text: str, pos: int) -> int:
    while not is_cluster_boundary(text, pos):
        pos -= 1
    return pos


def cluster_ceil(text: str, pos: int) -> int:
    while not is_cluster_boundary(text, pos):
        pos += 1
    return pos


def snap_span(text: str, start: int, end: int, *, words: bool = True) -> tuple[int, int]:
    """Widen ``[start, end)`` outward to word boundaries (or only to whole graphemes).

    An empty span is returned unchanged: a click is not a selection.
    """
    if start > end:
        start, end = end, start
    start = max(0, min(start, len(text)))
    end = max(0, min(end, len(text)))
    if start == end:
        return start, end
    if words:
        return word_start(text, start), word_end(text, end)
    return cluster_floor(text, start), cluster_ceil(text, end)


def split_words(text: str, start: int, end: int) -> tuple[str, ...]:
    """Which ends of ``[start, end)`` fall inside a word: ``("start",)``, ``("end",)``, both or none."""
    out = []
    if start < end and is_inside_word(text, start):
        out.append("start")
    if start < end and is_inside_word(text, end):
        out.append("end")
    return tuple(out)


def describe_split(text: str, start: int, end: int) -> str:
    """One status-bar line naming the word(s) a span cuts, or "" when it cuts none."""
    parts = []
    for side in split_words(text, start, end):
        pos = start if side == "start" else end
        word = text[word_start(text, pos):word_end(text, pos)]
        parts.append(f"{side}s inside “{word}”")
    if not parts:
        return ""
    return "Span " + " and ".join(parts) + " (drag without Alt to snap to whole words)."
