"""One table model for every list in the window, driven by column descriptors.

A table is a list of rows (any Python objects) plus a tuple of :class:`Column`s; each
column says how to show a row for each role (text, tooltip, icon, colour, font,
alignment, sort key). The Qt ladder of ``rowCount``/``columnCount``/``headerData``/
``data`` is written once, here — as in napari's ``_BaseEventedItemModel`` and Anki's
``browser/table/model.py`` — so a new table only describes its columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Row = TypeVar("Row")
_Index = QModelIndex | QPersistentModelIndex
Cell = Callable[[Any], Any]

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
"""Raw value for sorting (numbers stay numbers)."""
ID_ROLE = Qt.ItemDataRole.UserRole + 2
"""The row's identity (annotation id, article id …), from ``ColumnTableModel.row_id``."""


@dataclass(frozen=True)
class Column:
    """How one column shows a row. Only ``title`` and ``display`` are required."""

    title: str
    display: Cell
    tooltip: Cell | None = None
    decoration: Cell | None = None
    foreground: Cell | None = None
    background: Cell | None = None
    font: Cell | None = None
    sort: Cell | None = None
    align: int | None = None
    header_tooltip: str = ""
    header_align: int | None = None


_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_ROLE_FIELD = {
    int(Qt.ItemDataRole.ToolTipRole): "tooltip",
    int(Qt.ItemDataRole.DecorationRole): "decoration",
    int(Qt.ItemDataRole.ForegroundRole): "foreground",
    int(Qt.ItemDataRole.BackgroundRole): "background",
    int(Qt.ItemDataRole.FontRole): "font",
}


class ColumnTableModel(QAbstractTableModel, Generic[Row]):
    """Rows of type ``Row`` shown through ``columns``.

    Subclasses may keep rows elsewhere by overriding :meth:`row_at` and :meth:`row_count`
    (the annotation table reads the open article's sorted rows in place).
    """

    ID_ROLE = ID_ROLE
    SORT_ROLE = SORT_ROLE

    def __init__(self, columns: Sequence[Column], *,
                 row_id: Callable[[Row], object] | None = None) -> None:
        super().__init__()
        self.columns: tuple[Column, ...] = tuple(columns)
        self.items: list[Row] = []
        self._row_id = row_id

    # ----------------------------------------------------------------- rows
    def set_items(self, items: Sequence[Row]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def row_at(self, row: int) -> Row:
        return self.items[row]

    def row_count(self) -> int:
        return len(self.items)

    def refresh_rows(self, first: int = 0, last: int | None = None) -> None:
        """Repaint rows ``first..last`` (all by default) after their objects changed."""
        n = self.row_count()
        if n:
            self.dataChanged.emit(self.index(first, 0),
                                  self.index(n - 1 if last is None else last,
                                             len(self.columns) - 1))

    def set_columns(self, columns: Sequence[Column]) -> None:
        """New headings or cell functions with the same rows (e.g. analyst names)."""
        self.beginResetModel()
        self.columns = tuple(columns)
        self.endResetModel()

    # ------------------------------------------------------------ Qt ladder
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.header_tooltip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.header_align if column.header_align is not None else column.align
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The delegate asks ~7 roles per painted cell and most columns serve few of
        # them: settle the role against the column before looking at the row.
        role = int(role)
        column_no = index.column()
        if not 0 <= column_no < len(self.columns):
            return None
        column = self.columns[column_no]
        cell: Cell | None
        if role == _DISPLAY:
            cell = column.display
        elif role == _ALIGN:
            return column.align if index.isValid() else None
        elif role in _ROLE_FIELD:
            cell = getattr(column, _ROLE_FIELD[role])
            if cell is None:
                return None
        elif role == ID_ROLE:
            cell = self._row_id
            if cell is None:
                return None
        elif role == SORT_ROLE:
            cell = column.sort or column.display
        else:
            return None
        if not index.isValid() or index.row() >= self.row_count():
            return None
        return cell(self.row_at(index.row()))

    def row_of_id(self, row_id: object) -> int | None:
        if self._row_id is None:
            return None
        return next((i for i in range(self.row_count())
                     if self._row_id(self.row_at(i)) == row_id), None)


def elide(text: str, limit: int = 90) -> str:
    """One line of at most ``limit`` characters (whitespace collapsed)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
