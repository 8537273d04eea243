"""Neutralise spreadsheet formula injection in exported cells.

Following the OWASP "CSV Injection" guidance, a cell whose first character is
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with a single
quote (``'``) so Excel, LibreOffice and Google Sheets show it as text instead of
running it. The transformation is documented in the README so that importers can
undo it: a cell that starts with ``'`` followed by one of those characters had the
quote added by us.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGERS = "=+-@\t\r"


def _quoted_trigger(cell: str) -> bool:
    """``'...'`` followed by a trigger: a cell that looks like one we neutralised."""
    stripped = cell.lstrip("'")
    return len(stripped) < len(cell) and stripped[:1] != "" and stripped[0] in _TRIGGERS


def neutralise(cell: str) -> str:
    """Prefix ``'`` to formula-like cells.

    A cell that already starts with quotes before a trigger character gets one more,
    so :func:`unneutralise` can always restore the original exactly.
    """
    if cell and (cell[0] in _TRIGGERS or (cell[0] == "'" and _quoted_trigger(cell))):
        return "'" + cell
    return cell


def unneutralise(cell: str) -> str:
    """Inverse of :func:`neutralise` for cells this app wrote."""
    if cell[:1] == "'" and _quoted_trigger(cell):
        return cell[1:]
    return cell
