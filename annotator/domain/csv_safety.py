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


def neutralise(cell: str) -> str:
    if cell and cell[0] in "=+-@\t\r":
        return "'" + cell
    return cell


def unneutralise(cell: str) -> str:
    """Inverse of :func:`neutralise` for cells this app wrote."""
    if len(cell) >= 2 and cell[0] == "'" and cell[1] in "=+-@\t\r":
        return cell[1:]
    return cell
