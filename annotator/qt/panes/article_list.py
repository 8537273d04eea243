"""The article list (left dock): every article with outlet, date, number of annotations
and the share resting on anonymous sources; a filter box (title or outlet) and sortable
columns (a proxy model: the source model keeps id order)."""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.qt.models import ArticleListModel
from annotator.qt.pane import Pane
from annotator.services.changes import Changes


class _TitleOutletFilter(QSortFilterProxyModel):
    """Rows whose title or outlet contains the filter text (case-insensitive)."""

    def filterAcceptsRow(self, row: int,  # noqa: N802
                         parent: QModelIndex | QPersistentModelIndex) -> bool:
        needle = self.filterRegularExpression().pattern().casefold()
        if not needle:
            return True
        model = self.sourceModel()
        return any(needle in str(model.data(model.index(row, col, parent)) or "").casefold()
                   for col in (0, 1))


TITLE_MIN_WIDTH = 150
"""The title column never gets less than this while other columns are shown."""
DROP_ORDER = (4, 2, 1)
"""Columns hidden, in this order, when the dock is too narrow for them and a readable
title (anonymous share, date, outlet); the tooltip still names outlet and date."""


class _ColumnFitter(QObject):
    """Hides the least needed columns while the title would get less than its minimum.

    Numeric columns size to their contents and the title takes the rest, so at the
    first-start width on a 1280-pixel screen the list shows titles and tag counts
    rather than a sliver of title and a horizontal scroll bar; widening the dock
    brings the other columns back.
    """

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self.table = table
        table.viewport().installEventFilter(self)
        table.model().modelReset.connect(self.fit)
        table.model().layoutChanged.connect(self.fit)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        table, header = self.table, self.table.horizontalHeader()
        available = table.viewport().width()
        if available <= 0:
            return
        wanted = {col: max(table.sizeHintForColumn(col), header.sectionSizeHint(col))
                  for col in range(1, table.model().columnCount())}
        shown = set(wanted)
        for col in DROP_ORDER:
            if sum(wanted[c] for c in shown) + TITLE_MIN_WIDTH <= available:
                break
            shown.discard(col)
        for col in wanted:
            header.setSectionHidden(col, col not in shown)


class ArticlesPane(Pane):
    name = "articlesDock"

    def build(self) -> QWidget:
        from annotator.services import articles

        self.model = ArticleListModel()
        self.proxy = _TitleOutletFilter()
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(ArticleListModel.SORT_ROLE)
        self.filter = QLineEdit(placeholderText="filter by title or outlet")
        self.filter.setObjectName("articleFilter")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_changed)
        table = self.table = QTableView()
        table.setObjectName("articleList")
        table.setModel(self.proxy)
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)  # full title in the tooltip
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.model.set_items(articles.list_articles(self.wb.project))
        self._fitter = _ColumnFitter(table)
        table.selectionModel().currentRowChanged.connect(self._row_changed)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.filter)
        layout.addWidget(table)
        return box

    def _filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self.article_changed()

    def article_changed(self) -> None:
        article = self.wb.article
        row = self.model.row_of(article.id) if article else None
        if row is None:
            return
        shown = self.proxy.mapFromSource(self.model.index(row, 0)).row()
        if shown >= 0 and self.table.currentIndex().row() != shown:
            self.table.selectRow(shown)

    def apply_changes(self, changes: Changes) -> None:
        from annotator.services import articles
        from annotator.services.profile import ANONYMOUS_LABELS

        if changes.article_list or changes.article_metadata or changes.reload_articles:
            self.model.update_items(articles.list_articles(self.wb.project))
            self.article_changed()
            return
        for change in changes.annotations:
            delta = (change.after is not None) - (change.before is not None)
            anon = sum(sign for ann, sign in ((change.after, 1), (change.before, -1))
                       if ann is not None and ann.label in ANONYMOUS_LABELS)
            self.model.adjust_count(change.article_id, delta, anon)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        article_id = current.data(ArticleListModel.ID_ROLE)
        if self.wb.article is None or self.wb.article.id != article_id:
            self.wb.open_article(int(article_id))
