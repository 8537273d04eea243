"""The article list and the annotation table, described as columns (see table_model)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QBrush, QColor, QGuiApplication

from annotator.domain.model import Annotation, ArticleSummary, Label
from annotator.qt import theme
from annotator.qt.table_model import RIGHT, Column, ColumnTableModel, elide

if TYPE_CHECKING:  # loads the storage stack: not at start-up
    from annotator.services.open_article import OpenArticle

Scorer = Callable[[str, str], "tuple[int, str] | None"]
"""``(label_key, facets_json) -> (score, band)`` or None when it cannot be scored."""


class AnnotationTableModel(ColumnTableModel[Annotation]):
    """Rows are the open article's annotations in text order (start, end, id).

    The rows are the article's own sorted list (no copy): folding an edit into the
    article calls ``begin_insert``/``begin_remove`` around it.
    """

    def __init__(self) -> None:
        super().__init__((), row_id=lambda ann: ann.id)
        self.article: OpenArticle | None = None
        self.labels: dict[str, Label] = {}
        self.scorer: Scorer | None = None
        self.columns = tuple(self._columns())

    def _columns(self) -> list[Column]:
        return [
            Column("Label", self._label_name, decoration=self._label_color),
            Column("Text", lambda a: elide(a.text), tooltip=lambda a: a.text),
            Column("Source mention", lambda a: elide(self._source(a), 60),
                   tooltip=lambda a: self._source(a) or None),
            Column("Strength", self._strength, foreground=self._strength_color),
            Column("Annotator", lambda a: a.annotator),
            Column("Start", lambda a: a.start, align=RIGHT),
            Column("End", lambda a: a.end, align=RIGHT),
            Column("Note", lambda a: elide(a.note, 60), tooltip=lambda a: a.note or None),
            Column("Updated", lambda a: a.updated_at[:19].replace("T", " ")),
        ]

    def _label_name(self, ann: Annotation) -> str:
        label = self.labels.get(ann.label)
        return label.name if label else ann.label

    def _label_color(self, ann: Annotation) -> QColor | None:
        label = self.labels.get(ann.label)
        return QColor(label.color) if label else None

    def _source(self, ann: Annotation) -> str:
        if self.article is None or not ann.has_source:
            return ""
        return self.article.text[ann.source_start:ann.source_end]

    def _scored(self, ann: Annotation) -> tuple[int, str] | None:
        return self.scorer(ann.label, ann.facets) if self.scorer else None

    def _strength(self, ann: Annotation) -> str:
        scored = self._scored(ann)
        return f"{scored[0]} {scored[1].replace('_', ' ')}" if scored else ""

    def _strength_color(self, ann: Annotation) -> QBrush | None:
        scored = self._scored(ann)
        # The application palette (a model has no widget); views repaint on View › Theme.
        return QBrush(theme.band_color(scored[1])) if scored else None

    # ------------------------------------------------------------------ rows
    def row_at(self, row: int) -> Annotation:
        assert self.article is not None
        return self.article.rows[row]

    def row_count(self) -> int:
        return 0 if self.article is None else len(self.article.rows)

    def set_article(self, article: OpenArticle | None) -> None:
        self.beginResetModel()
        self.article = article
        self.endResetModel()

    def set_labels(self, labels: list[Label]) -> None:
        self.labels = {lab.key: lab for lab in labels}
        self.refresh_rows()

    # Row observer protocol used by Workbench.fold (see docs/architecture.md).
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


def _muted() -> QColor:
    return QColor(theme.muted_text(QGuiApplication.palette()))


def _share(a: ArticleSummary) -> str:
    share = a.anonymous_share
    return "" if share is None else f"{share:.0%}"


class ArticleListModel(ColumnTableModel[ArticleSummary]):
    TAGS_COLUMN = 3

    def __init__(self) -> None:
        super().__init__([
            Column("Title", lambda a: a.title, tooltip=_article_tip),
            Column("Outlet", lambda a: a.outlet, tooltip=_article_tip,
                   foreground=lambda a: None if a.outlet else QBrush(_muted())),
            Column("Date", lambda a: a.published[:10], tooltip=_article_tip),
            Column("Tags", lambda a: a.n_annotations, tooltip=_article_tip, align=RIGHT,
                   sort=lambda a: a.n_annotations),
            Column("Anon.", _share, tooltip=lambda a: "share of annotations resting on "
                   "anonymous sources", align=RIGHT,
                   sort=lambda a: -1.0 if a.anonymous_share is None else a.anonymous_share),
        ], row_id=lambda a: a.id)

    def row_of(self, article_id: int) -> int | None:
        return next((i for i, a in enumerate(self.items) if a.id == article_id), None)

    def adjust_count(self, article_id: int, delta: int, anonymous_delta: int = 0) -> None:
        row = self.row_of(article_id)
        if row is None or not (delta or anonymous_delta):
            return
        item = self.items[row]
        self.items[row] = ArticleSummary(item.id, item.title, item.outlet,
                                         item.n_annotations + delta, item.published,
                                         item.n_anonymous + anonymous_delta)
        self.dataChanged.emit(self.index(row, self.TAGS_COLUMN),
                              self.index(row, self.TAGS_COLUMN + 1))

    def update_items(self, items: list[ArticleSummary]) -> None:
        """Same articles in the same order: repaint in place (keeps the selection)."""
        if [a.id for a in items] == [a.id for a in self.items]:
            self.items = list(items)
            self.refresh_rows()
        else:
            self.set_items(items)


def _article_tip(item: ArticleSummary) -> str:
    date = f" · {item.published[:10]}" if item.published else ""
    return (f"{item.title}\n{item.outlet or 'outlet not set'}{date} · "
            f"{item.n_annotations} annotation(s)")
