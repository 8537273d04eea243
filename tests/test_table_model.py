"""ColumnTableModel answers each role as its columns describe (and nothing else)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from annotator.qt.table_model import ID_ROLE, RIGHT, SORT_ROLE, Column, ColumnTableModel

R = Qt.ItemDataRole


def _model() -> ColumnTableModel[dict]:
    model: ColumnTableModel[dict] = ColumnTableModel([
        Column("Name", lambda r: r["name"], tooltip=lambda r: "tip " + r["name"],
               decoration=lambda r: QColor("#ff0000")),
        Column("Size", lambda r: f"{r['size']} kB", sort=lambda r: r["size"], align=RIGHT),
    ], row_id=lambda r: r["id"])
    model.set_items([{"id": 7, "name": "a", "size": 12}, {"id": 9, "name": "b", "size": 3}])
    return model


def test_each_role_comes_from_its_column() -> None:
    m = _model()
    a, size_b = m.index(0, 0), m.index(1, 1)
    assert m.data(a) == "a" and m.data(a, R.DisplayRole) == "a"
    assert m.data(a, R.ToolTipRole) == "tip a"
    assert m.data(a, R.DecorationRole) == QColor("#ff0000")
    assert m.data(a, R.TextAlignmentRole) is None
    assert m.data(a, SORT_ROLE) == "a"  # no sort key: the text
    assert m.data(a, ID_ROLE) == 7
    assert m.data(size_b) == "3 kB"
    assert m.data(size_b, SORT_ROLE) == 3
    assert m.data(size_b, R.TextAlignmentRole) == RIGHT
    assert m.data(size_b, ID_ROLE) == 9


def test_roles_no_column_serves_and_bad_indexes_give_none() -> None:
    m = _model()
    size_a = m.index(0, 1)
    for role in (R.ToolTipRole, R.DecorationRole, R.ForegroundRole, R.BackgroundRole,
                 R.FontRole, R.CheckStateRole, R.SizeHintRole, R.EditRole):
        assert m.data(size_a, role) is None
    assert m.data(QModelIndex()) is None
    assert m.data(m.index(5, 0)) is None  # no such row
    m.set_items([])
    assert m.rowCount() == 0 and m.data(m.index(0, 0)) is None
