"""The annotation table (bottom dock): every annotation of the open article."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from annotator.qt.models import AnnotationTableModel
from annotator.qt.pane import Pane
from annotator.services.changes import Changes

COLUMN_WIDTHS = (160, 300, 190, 100, 90, 50, 50, 120)
"""First widths of Label … Note (Updated stretches): the start/end offsets are short
numbers, the note column a preview (full text in the details)."""


class AnnotationsPane(Pane):
    name = "tableDock"

    def build(self) -> QWidget:
        self.model = AnnotationTableModel()
        self.model.scorer = self.wb.score_cached
        self.model.set_labels(self.wb.labels)
        self.wb.row_observers.append(self.model)
        table = self.table = QTableView()
        table.setObjectName("annotationTable")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(22)
        table.setShowGrid(False)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # Fits a 1280-pixel window without a sideways scroll, "Updated" shown whole.
        for col, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(col, width)
        table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.wb.actions.add_article_widget(table)
        self.wb.textShown.connect(self._text_shown)
        return table

    def article_changed(self) -> None:
        # The rows are there at once (the model answers), but painted only once the
        # article text has been: in a large article the table's first paint cost as
        # much as the text's own.
        self.table.setUpdatesEnabled(False)
        self.model.set_article(self.wb.article)

    def _text_shown(self) -> None:
        self.table.setUpdatesEnabled(True)

    def apply_changes(self, changes: Changes) -> None:
        if changes.labels:
            self.model.set_labels(self.wb.labels)
        article = self.wb.article
        if article is not None and changes.reloads(article.id):
            self.model.set_article(article)
            self.selection_changed()

    def selection_changed(self) -> None:
        wb = self.wb
        row = wb.article.row_of(wb.selected_id) if wb.article and wb.selected_id else None
        if row is None:
            self.table.clearSelection()
            return
        index = self.model.index(row, 0)
        if self.table.currentIndex().row() != row:
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        ann_id = self.model.data(current, AnnotationTableModel.ID_ROLE)
        if ann_id != self.wb.selected_id:
            self.wb.select(ann_id)
