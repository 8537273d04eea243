"""Find every occurrence of a query in an article's canonical text, in code points.

Searching the stored text (never the widget's) keeps offsets canonical; the view
converts hits to Qt positions with :mod:`annotator.domain.offsets`. Matching is
forgiving where typing is ambiguous: case-insensitive unless asked, a straight
quote or apostrophe matches its curly forms (and the reverse), a dash matches any
dash, and a space matches any run of whitespace, line breaks included.
"""

from __future__ import annotations

import re
from functools import lru_cache

MAX_HITS = 20_000
"""Enough for any real search; a one-letter query on a 1 MB text stops here."""

_EQUIVALENT = (
    "'\u2018\u2019\u02bc\u2032",   # apostrophe, single quotes, modifier letter, prime
    "\"\u201c\u201d\u201e\u2033",  # double quotes
    "-\u2010\u2011\u2012\u2013\u2014\u2212",  # hyphen, dashes, minus
)
_CLASS_OF = {ch: "[" + re.escape(group) + "]" for group in _EQUIVALENT for ch in group}


@lru_cache(maxsize=32)
def _pattern(query: str, case_sensitive: bool) -> re.Pattern[str] | None:
    words = query.split()
    if not words:
        return None
    parts = []
    for word in words:
        parts.append("".join(_CLASS_OF.get(ch) or re.escape(ch) for ch in word))
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(r"\s+".join(parts), flags)


def find_all(text: str, query: str, *, case_sensitive: bool = False,
             limit: int = MAX_HITS) -> list[tuple[int, int]]:
    """Non-overlapping ``(start, end)`` code-point spans of ``query`` in ``text``, in order.

    Case-insensitive matching uses per-character simple case folding, so a hit
    always has the offsets of the characters it covers (no ``ß`` → ``ss`` shift).
    """
    pattern = _pattern(query, case_sensitive)
    if pattern is None:
        return []
    hits: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        if match.end() > match.start():
            hits.append((match.start(), match.end()))
            if len(hits) >= limit:
                break
    return hits
