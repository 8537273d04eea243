"""The article document's layout: a format-only change relays out one block, not two.

``QSyntaxHighlighter`` reports new formats for a block with
``markContentsDirty(position, length)``, which reaches the layout as
``documentChanged(position, length, length)``: removed + added, twice the block's
length, so ``QPlainTextDocumentLayout`` takes the change to run into the next block,
throws away that block's layout as well and asks for a repaint of everything. In a
dense article the next block is as dense as the tagged one, so every tag paid for
laying out a second block full of formats (an article with no annotations did not:
its blocks are plain). While :attr:`BlockLayout.formats_only` is set (the highlighter
sets it around its own re-highlighting, when the text cannot change), the change is
passed on as what it is — ``length`` characters changed in place — and Qt takes its
one-block path: that block is laid out again, nothing else.
"""

from __future__ import annotations

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout


class BlockLayout(QPlainTextDocumentLayout):
    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.formats_only = False
        """Set while only formats change (see the module docstring)."""

    def documentChanged(self, position: int, removed: int, added: int) -> None:  # noqa: N802
        if self.formats_only and removed == added:
            removed = 0
        super().documentChanged(position, removed, added)


def install(document: QTextDocument) -> BlockLayout:
    """Give ``document`` a :class:`BlockLayout` (before any view shows it)."""
    layout = BlockLayout(document)
    document.setDocumentLayout(layout)
    return layout
