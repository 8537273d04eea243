"""Convert between code-point offsets (canonical) and Qt's UTF-16 positions.

Every stored offset is a Python code-point index into the article's stored text,
end-exclusive. Qt counts UTF-16 code units, so each character outside the Basic
Multilingual Plane (emoji, CJK extension B, ...) occupies two Qt positions but one
code-point position. This module is the only place that knows that.

``QPlainTextEdit.setPlainText`` turns each ``\\n`` into a block separator that still
occupies exactly one position, and no other character of a normalised article
changes width, so document positions equal UTF-16 offsets of the stored text.
The conversion is O(log k) per call where k is the number of astral characters.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")

_CPYTHON = sys.implementation.name == "cpython"


def _may_hold_astral(text: str) -> bool:
    """False only if ``text`` certainly has no character outside the BMP, in O(1).

    CPython stores a string with 1, 2 or 4 bytes per character, 4 only when one of
    them is astral (PEP 393); ``sys.getsizeof`` tells which without scanning the text.
    Elsewhere (or for short strings, where headers dominate) the answer is "maybe".
    """
    if text.isascii():
        return False
    return not _CPYTHON or len(text) < 64 or sys.getsizeof(text) >= 4 * len(text)


def utf16_length(text: str) -> int:
    """Number of UTF-16 code units needed to encode ``text``."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


@dataclass(frozen=True)
class OffsetMap:
    """Bidirectional code point <-> UTF-16 mapping for one text.

    ``_astral`` holds the code-point index of every astral character in order.
    A code-point offset ``cp`` maps to ``cp + (number of astral chars before cp)``.
    """

    length: int
    _astral: tuple[int, ...] = field(repr=False)
    _astral16: tuple[int, ...] = field(repr=False)

    @classmethod
    def for_text(cls, text: str) -> OffsetMap:
        if not _may_hold_astral(text):
            return cls(len(text), (), ())
        astral = tuple(m.start() for m in _ASTRAL.finditer(text))
        # UTF-16 start position of each astral character.
        astral16 = tuple(cp + n for n, cp in enumerate(astral))
        return cls(len(text), astral, astral16)

    @property
    def utf16_length(self) -> int:
        return self.length + len(self._astral)

    def to_utf16(self, cp: int) -> int:
        """UTF-16 position of code-point offset ``cp`` (0 <= cp <= length)."""
        if cp < 0 or cp > self.length:
            raise ValueError(f"code-point offset {cp} outside 0..{self.length}")
        return cp + bisect_left(self._astral, cp)

    def to_code_point(self, u16: int, *, snap: str = "floor") -> int:
        """Code-point offset for UTF-16 position ``u16``.

        A position that falls between the two halves of a surrogate pair (Qt can
        report one, e.g. from a mouse click) is snapped down (``"floor"``) or up
        (``"ceil"``) to a whole character so a span never splits a character.
        """
        if u16 < 0 or u16 > self.utf16_length:
            raise ValueError(f"UTF-16 position {u16} outside 0..{self.utf16_length}")
        # Number of astral characters that start strictly before u16.
        n = bisect_left(self._astral16, u16)
        if n and u16 == self._astral16[n - 1] + 1:
            # Inside a surrogate pair: the n-th astral char starts at u16 - 1.
            return u16 - n + 1 if snap == "ceil" else u16 - n
        return u16 - n

    def span_to_utf16(self, start: int, end: int) -> tuple[int, int]:
        return self.to_utf16(start), self.to_utf16(end)

    def span_to_code_points(self, start16: int, end16: int) -> tuple[int, int]:
        """Code-point span covering the UTF-16 selection ``[start16, end16)``."""
        lo, hi = min(start16, end16), max(start16, end16)
        return self.to_code_point(lo, snap="floor"), self.to_code_point(hi, snap="ceil")

    def astral_between(self, start: int, end: int) -> int:
        """Number of astral characters in code-point range ``[start, end)``."""
        return bisect_left(self._astral, end) - bisect_right(self._astral, start - 1)
