"""How values that brat has no room for are written into (and read out of) ``.ann`` fields.

An ``.ann`` line is split on tabs and spaces, so labels, facet values and notes must be
encoded to survive a round trip; the encodings are pairs (encode/decode) kept side by side
so they cannot drift apart.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, unquote

DIGITS = re.compile(r"^[0-9]+$")
"""A whole number as brat writes offsets and numeric facets."""


def encode_token(value: str) -> str:
    """Percent-encode what would break a space-separated brat field."""
    return "".join(
        quote(ch, safe="") if ch == "%" or ch.isspace() or not ch.isprintable() else ch
        for ch in value
    )


def decode_token(value: str) -> str:
    return unquote(value, errors="strict") if "%" in value else value


_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""Every character ``str.splitlines`` breaks at; none may appear inside an .ann line."""
_BREAK_TO_SPACE = str.maketrans({ch: " " for ch in _LINE_BREAKS})


def escape_note(note: str) -> str:
    out = note.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    for ch in _LINE_BREAKS[2:]:
        out = out.replace(ch, f"\\u{ord(ch):04x}")
    return out


_NOTE_ESCAPE = re.compile(r"\\(\\|n|r|u[0-9a-f]{4})")


def unescape_note(note: str) -> str:
    def repl(m: re.Match[str]) -> str:
        code = m.group(1)
        if code.startswith("u"):
            return chr(int(code[1:], 16))
        return {"\\": "\\", "n": "\n", "r": "\r"}[code]

    return _NOTE_ESCAPE.sub(repl, note)


def span_text_field(text: str) -> str:
    """The span text as the .ann shows it: line breaks become spaces, as in brat."""
    return text.translate(_BREAK_TO_SPACE)


def facet_token(value: Any) -> str:
    """A facet value as one brat attribute value (vocabulary word, number, true/false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)  # annotation ids (UUIDs) never contain ';'
    return str(value)


def facet_value(name: str, token: str | None) -> Any:
    """Inverse of :func:`facet_token`, typed the way :class:`Facets` expects."""
    if name == "hedge":
        return {"true": True, "false": False, None: True}.get(token, token)
    if token is None:
        return "true"
    if name in ("source_count", "admiralty_credibility") and DIGITS.match(token):
        return int(token)
    if name == "corroborated_by":
        return [part for part in token.split(";") if part]
    return token
