"""Search pane: full-text search over the corpus with keyword-in-context lines.

Everything it shows comes from :func:`annotator.services.search.search` (one keyset
page at a time; "More" fetches the next). A malformed query is shown as the one-line
message the service gives, never raised. Activating a hit (click, Enter) emits
:attr:`SearchPane.hitActivated` with the article and the hit's code-point span, so the
window can open the article scrolled to it with the hit selected.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserInputError
from annotator.domain.facets import ENUM_FACETS, FACET_NAMES
from annotator.qt.table_model import RIGHT, Column, ColumnTableModel
from annotator.services.project import Project
from annotator.services.scoring import project_rubric
from annotator.services.search import Cursor, Hit, SearchFilters, hits_csv, iter_hits, search

COLUMNS = ("Left", "Hit", "Right", "In", "Label", "Article", "Outlet", "Date")
SCOPES = (("both", "Text and annotations"), ("text", "Article text"),
          ("annotations", "Annotations (claim, mention, note)"))


def _flat(text: str) -> str:
    return " ".join(text.split())


class HitModel(ColumnTableModel[Hit]):
    """KWIC rows; sortable through a proxy (sort keys are the plain cell texts)."""

    def __init__(self) -> None:
        tip = _hit_tooltip
        super().__init__([
            Column(COLUMNS[0], lambda h: _flat(h.left)[-50:], tooltip=tip, align=RIGHT),
            Column(COLUMNS[1], lambda h: _flat(h.hit), tooltip=tip),
            Column(COLUMNS[2], lambda h: _flat(h.right)[:50], tooltip=tip),
            Column(COLUMNS[3], lambda h: h.field, tooltip=tip),
            Column(COLUMNS[4], lambda h: self.label_names.get(h.label or "", h.label or ""),
                   tooltip=tip),
            Column(COLUMNS[5], lambda h: h.title, tooltip=tip),
            Column(COLUMNS[6], lambda h: h.outlet, tooltip=tip),
            Column(COLUMNS[7], lambda h: h.published, tooltip=tip),
        ])
        self.label_names: dict[str, str] = {}

    @property
    def hits(self) -> list[Hit]:
        return self.items

    def reset(self, hits: list[Hit]) -> None:
        self.set_items(hits)

    def extend(self, hits: list[Hit]) -> None:
        if not hits:
            return
        first = len(self.items)
        self.beginInsertRows(QModelIndex(), first, first + len(hits) - 1)
        self.items.extend(hits)
        self.endInsertRows()


def _hit_tooltip(hit: Hit) -> str:
    where = f"{hit.field} of annotation {hit.annotation_id}" if hit.annotation_id \
        else "article text"
    return f"{hit.title} · {hit.start}–{hit.end} · {where}"


class SearchPane(QWidget):
    """Query box, filters, KWIC table, More, Export CSV."""

    hitActivated = Signal(int, int, int)  # noqa: N815  (article id, start, end)

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.page_cursor: Cursor | None = None
        self.query_text = ""
        self.filters = SearchFilters()
        self.scope = "both"
        self.model = HitModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self._build()
        self.set_labels()
        self.set_bands()

    def _build(self) -> None:
        self.query = QLineEdit(placeholderText='words, "a phrase", prefix*, OR, -excluded')
        self.query.setObjectName("searchQuery")
        self.query.returnPressed.connect(self.run)
        self.scope_box = QComboBox()
        for key, name in SCOPES:
            self.scope_box.addItem(name, key)
        self.label_box = QComboBox()
        self.outlet = QLineEdit(placeholderText="outlet")
        self.annotator = QLineEdit(placeholderText="analyst")
        self.date_from = QLineEdit(placeholderText="from YYYY-MM-DD")
        self.date_to = QLineEdit(placeholderText="to YYYY-MM-DD")
        self.reviewed = QComboBox()
        for text, value in (("any layer", None), ("reviewed layer", True),
                            ("not reviewed", False)):
            self.reviewed.addItem(text, value)
        self.band_box = QComboBox()
        self.band_box.setToolTip("strength band (the project's rubric)")
        self.facet_name = QComboBox()
        self.facet_name.addItem("any facet", None)
        for name in FACET_NAMES:
            self.facet_name.addItem(name.replace("_", " "), name)
        self.facet_name.currentIndexChanged.connect(self._facet_values)
        self.facet_value = QComboBox()
        self.facet_value.setEditable(True)  # free-text facets (affiliation, country)
        self.facet_value.setToolTip("facet value, as in the CSV export")
        value_edit = self.facet_value.lineEdit()
        assert value_edit is not None  # editable combo
        value_edit.setPlaceholderText("value")
        value_edit.returnPressed.connect(self.run)
        self.facet_value.setEnabled(False)
        for box in (self.outlet, self.annotator, self.date_from, self.date_to):
            box.returnPressed.connect(self.run)
        go = QPushButton("Search")
        go.clicked.connect(self.run)
        self.more = QPushButton("More")
        self.more.clicked.connect(self.fetch_more)
        self.export = QPushButton("Export CSV…")
        self.export.clicked.connect(self.export_csv)
        self.message = QLabel()
        self.message.setObjectName("searchMessage")
        self.message.setWordWrap(True)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        # results keep the service's order (article, offset) until a header is clicked
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.clicked.connect(self._activate)
        self.table.activated.connect(self._activate)

        top = QHBoxLayout()
        top.addWidget(self.query, 3)
        top.addWidget(self.scope_box, 1)
        top.addWidget(go)
        filters = QHBoxLayout()
        for w in (self.label_box, self.annotator, self.outlet, self.date_from, self.date_to,
                  self.reviewed):
            filters.addWidget(w)
        more_filters = QHBoxLayout()
        for w in (self.band_box, self.facet_name, self.facet_value):
            more_filters.addWidget(w)
        more_filters.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.more)
        bottom.addWidget(self.export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addLayout(more_filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.more.setEnabled(False)
        self.export.setEnabled(False)

    def set_labels(self) -> None:
        """(Re)fill the label filter from the taxonomy."""
        current = self.label_box.currentData()
        self.label_box.clear()
        self.label_box.addItem("any label", None)
        labels = self.project.labels()
        self.model.label_names = {lab.key: lab.name for lab in labels}
        for lab in labels:
            self.label_box.addItem(lab.name, lab.key)
        i = self.label_box.findData(current)
        self.label_box.setCurrentIndex(max(0, i))

    def set_bands(self) -> None:
        """(Re)fill the strength filter from the project's rubric bands."""
        current = self.band_box.currentData()
        self.band_box.clear()
        self.band_box.addItem("any strength", None)
        for band in project_rubric(self.project).bands:
            self.band_box.addItem(band.name, band.name)
        self.band_box.setCurrentIndex(max(0, self.band_box.findData(current)))

    def _facet_values(self) -> None:
        """Offer the chosen facet's vocabulary (typed text stays possible)."""
        name = self.facet_name.currentData()
        self.facet_value.clear()
        self.facet_value.setEnabled(name is not None)
        enum = ENUM_FACETS.get(name) if name else None
        self.facet_value.addItems([str(m.value) for m in enum] if enum is not None else [])
        self.facet_value.setCurrentIndex(-1)

    def focus_query(self) -> None:
        self.query.setFocus()
        self.query.selectAll()

    def _read_filters(self) -> SearchFilters:
        label = self.label_box.currentData()
        who = self.annotator.text().strip()
        band = self.band_box.currentData()
        facet = self.facet_name.currentData()
        value = self.facet_value.currentText().strip()
        return SearchFilters(labels=(label,) if label else (),
                             annotators=(who,) if who else (),
                             facets=((facet, value),) if facet and value else (),
                             bands=(band,) if band else (),
                             outlet=self.outlet.text().strip() or None,
                             date_from=self.date_from.text().strip() or None,
                             date_to=self.date_to.text().strip() or None,
                             reviewed=self.reviewed.currentData())

    def run(self) -> None:
        """Search from the first page with the current query and filters."""
        self.query_text = self.query.text()
        self.filters = self._read_filters()
        self.scope = str(self.scope_box.currentData())
        self.page_cursor = None
        self.proxy.sort(-1)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.model.reset([])
        self._fetch()

    def fetch_more(self) -> None:
        if self.page_cursor is not None:
            self._fetch()

    def _fetch(self) -> None:
        try:
            page = search(self.project, self.query_text, scope=self.scope,  # type: ignore[arg-type]
                          filters=self.filters, cursor=self.page_cursor)
        except UserInputError as exc:
            self.message.setText(str(exc))
            self.more.setEnabled(False)
            self.export.setEnabled(False)
            return
        self.model.extend(page.hits)
        self.page_cursor = page.cursor
        n = len(self.model.hits)
        more = " (more available)" if page.cursor is not None else ""
        self.message.setText(f"{n} hit{'s' if n != 1 else ''}{more}" if n else "no hits")
        self.more.setEnabled(page.cursor is not None)
        self.export.setEnabled(n > 0)

    def hit_at(self, proxy_row: int) -> Hit:
        source = self.proxy.mapToSource(self.proxy.index(proxy_row, 0))
        return self.model.hits[source.row()]

    def _activate(self, index: QModelIndex) -> None:
        hit = self.hit_at(index.row())  # a note hit carries its annotation's span
        self.hitActivated.emit(hit.article_id, hit.start, hit.end)

    def export_csv(self, path: str | None = None) -> Path | None:
        """Every hit of the current search (not only the loaded pages) as CSV."""
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export search results",
                                                    "search.csv", "CSV files (*.csv)")
            if not chosen:
                return None
            path = chosen
        target = Path(path)
        try:
            with open(target, "w", encoding="utf-8", newline="") as out:
                hits_csv(iter_hits(self.project, self.query_text, scope=self.scope,  # type: ignore[arg-type]
                                   filters=self.filters), out)
        except OSError as exc:
            self.message.setText(f"{target}: cannot write ({exc.strerror})")
            return None
        except UserInputError as exc:
            self.message.setText(str(exc))
            return None
        self.message.setText(f"exported to {target}")
        return target
