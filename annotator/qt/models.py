"""Qt item models as thin adapters over service-layer records."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from annotator.domain.model import ArticleSummary, Label
from annotator.services.open_article import OpenArticle

_Index = QModelIndex | QPersistentModelIndex


BAND_COLORS = {"strong": "#2e7d32", "moderate": "#827717", "weak": "#e65100",
               "very_weak": "#c62828"}


def _elide(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class AnnotationTableModel(QAbstractTableModel):
    """Rows are the open article's annotations in text order (start, end, id)."""

    COLUMNS = ("Label", "Text", "Source mention", "Strength", "Annotator", "Start", "End",
               "Note", "Updated")
    ID_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self) -> None:
        super().__init__()
        self.article: OpenArticle | None = None
        self.labels: dict[str, Label] = {}
        self.scorer: Any = None  # callable(label_key, facets_json) -> (value, band) | None

    def set_article(self, article: OpenArticle | None) -> None:
        self.beginResetModel()
        self.article = article
        self.endResetModel()

    def set_labels(self, labels: list[Label]) -> None:
        self.labels = {lab.key: lab for lab in labels}
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 0))

    def begin_remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)

    def end_remove(self) -> None:
        self.endRemoveRows()

    def begin_insert_rows(self, first: int, last: int) -> None:
        self.beginInsertRows(QModelIndex(), first, last)

    def begin_insert(self, row: int) -> None:
        self.beginInsertRows(QModelIndex(), row, row)

    def end_insert(self) -> None:
        self.endInsertRows()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() or self.article is None else len(self.article.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.article is None or not index.isValid():
            return None
        ann = self.article.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                label = self.labels.get(ann.label)
                return label.name if label else ann.label
            if col == 1:
                return _elide(ann.text)
            if col == 2:
                return _elide(self.article.text[ann.source_start:ann.source_end], 60) \
                    if ann.has_source else ""
            if col == 3:
                scored = self.scorer(ann.label, ann.facets) if self.scorer else None
                return f"{scored[0]} {scored[1].replace('_', ' ')}" if scored else ""
            if col == 4:
                return ann.annotator
            if col == 5:
                return ann.start
            if col == 6:
                return ann.end
            if col == 7:
                return _elide(ann.note, 60)
            if col == 8:
                return ann.updated_at[:19].replace("T", " ")
        elif role == Qt.ItemDataRole.ToolTipRole and col in (1, 2, 7):
            if col == 1:
                return ann.text
            if col == 2 and ann.has_source:
                return self.article.text[ann.source_start:ann.source_end]
            return ann.note or None
        elif role == Qt.ItemDataRole.DecorationRole and col == 0:
            label = self.labels.get(ann.label)
            return QColor(label.color) if label else None
        elif role == Qt.ItemDataRole.ForegroundRole and col == 3 and self.scorer:
            scored = self.scorer(ann.label, ann.facets)
            if scored:
                return QBrush(QColor(BAND_COLORS.get(scored[1], "#555555")))
        elif role == Qt.ItemDataRole.TextAlignmentRole and col in (5, 6):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == self.ID_ROLE:
            return ann.id
        return None


class ArticleListModel(QAbstractTableModel):
    COLUMNS = ("Title", "Outlet", "Tags")
    ID_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self) -> None:
        super().__init__()
        self.items: list[ArticleSummary] = []

    def set_items(self, items: list[ArticleSummary]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def row_of(self, article_id: int) -> int | None:
        return next((i for i, a in enumerate(self.items) if a.id == article_id), None)

    def adjust_count(self, article_id: int, delta: int) -> None:
        row = self.row_of(article_id)
        if row is None or not delta:
            return
        item = self.items[row]
        self.items[row] = ArticleSummary(item.id, item.title, item.outlet,
                                         item.n_annotations + delta)
        self.dataChanged.emit(self.index(row, 2), self.index(row, 2))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (item.title, item.outlet, item.n_annotations)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.title}\n{item.outlet or 'outlet not set'} · " \
                   f"{item.n_annotations} annotation(s)"
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col == 1 and not item.outlet:
            return QBrush(QColor("#888888"))
        if role == self.ID_ROLE:
            return item.id
        return None
