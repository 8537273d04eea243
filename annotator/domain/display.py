"""Text made safe to show in a terminal: control characters escaped visibly.

Titles, labels, file names and messages come from files and colleagues; printed raw,
``ESC ] 0 ; … BEL`` retitles the terminal and ``ESC [ 2 J`` clears it, a newline breaks
a ``ID<TAB>TITLE`` line. Every human-readable CLI output goes through :func:`printable`.

Convention (Python's own escape notation, so it reads as what it is): a C0/C1 control
character, DEL, a lone surrogate (an undecodable byte in a file name), the line and
paragraph separators U+2028/U+2029 and the bidirectional embedding/override/isolate
controls (U+202A–U+202E, U+2066–U+2069) are shown as ``\\xNN`` (below U+0100) or
``\\uNNNN``; inside a one-line field, newline, tab and carriage return are ``\\n``,
``\\t``, ``\\r``. ``ESC`` becomes the four characters ``\\x1b``. Everything else, including
accented letters and other scripts, is shown as it is. This is for display only:
stored text, CSV and JSON files keep the data exact.
"""

from __future__ import annotations

import re

_BLOCK_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""Unsafe anywhere (tab and newline allowed: multi-line reports)."""
_FIELD_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""Unsafe inside one field of a line (tab and newline escaped too)."""


_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, multiline: bool = False) -> str:
    """``text`` with control characters escaped (``multiline``: keep tab and newline)."""
    pattern = _BLOCK_UNSAFE if multiline else _FIELD_UNSAFE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


_WHITESPACE_RUN = re.compile("[\\s\x85\u2028\u2029]+")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def single_line(text: str) -> str:
    """One line: runs of whitespace (newlines, tabs, separators) become one space,
    other control characters are dropped, ends trimmed. Used for titles at import and edit."""
    return _WHITESPACE_RUN.sub(" ", _CONTROLS.sub("", text)).strip()
