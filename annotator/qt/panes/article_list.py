"""The article list (left dock): every article with its number of annotations."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from annotator.qt.models import ArticleListModel
from annotator.qt.pane import Pane
from annotator.services import articles
from annotator.services.changes import Changes


class ArticlesPane(Pane):
    name = "articlesDock"
    title = "Articles"
    area = Qt.DockWidgetArea.LeftDockWidgetArea
    lazy = False

    def build(self) -> QWidget:
        self.model = ArticleListModel()
        table = self.table = QTableView()
        table.setObjectName("articleList")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        table.setShowGrid(False)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.model.set_items(articles.list_articles(self.wb.project))
        table.selectionModel().currentRowChanged.connect(self._row_changed)
        return table

    def article_changed(self) -> None:
        article = self.wb.article
        row = self.model.row_of(article.id) if article else None
        if row is not None and self.table.currentIndex().row() != row:
            self.table.selectRow(row)

    def apply_changes(self, changes: Changes) -> None:
        if changes.article_list or changes.article_metadata or changes.reload_articles:
            self.model.update_items(articles.list_articles(self.wb.project))
            self.article_changed()
            return
        for change in changes.annotations:
            delta = (change.after is not None) - (change.before is not None)
            self.model.adjust_count(change.article_id, delta)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        article_id = self.model.data(current, ArticleListModel.ID_ROLE)
        if self.wb.article is None or self.wb.article.id != article_id:
            self.wb.open_article(int(article_id))
