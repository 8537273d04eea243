"""Sources pane: the registry of sources across articles, and each entry's claims.

The list shows the most-cited entries first (``services.sources.list_sources``: claim
and article counts and outlets come from counters the database keeps, so opening the
pane does not aggregate the corpus). Selecting an entry shows its strength
distribution and its claims as keyword-in-context lines; activating a claim emits
:attr:`SourcesPane.claimActivated` so the window opens the article at it.
:meth:`SourcesPane.show_source` is the "this source in other articles" entry point.
Rename, note, merge and split (the selected claims into a new entry) act on the
registry through the service and refresh the list.

Many queued mentions (the first read after upgrading a large file, a big import) are
linked behind a progress dialog (:func:`annotator.qt.interop_dialogs.run_with_progress`)
whose Cancel keeps every batch already linked; the pane then shows what is linked and a
*Link queued mentions* button to go on later.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import UserInputError
from annotator.qt.interop_dialogs import run_with_progress
from annotator.qt.table_model import Column, ColumnTableModel
from annotator.services import sources
from annotator.services.project import Project
from annotator.services.sources import SourceDetail, SourceSummary

SOURCE_COLUMNS = ("Source", "Kind", "Claims", "Articles", "Outlets", "First seen", "Last seen")
CLAIM_COLUMNS = ("Left", "Claim", "Right", "Mention", "Label", "Article", "Outlet", "Date")
_SOURCE_CELLS: tuple[Callable[[SourceSummary], Any], ...] = (
    lambda s: s.name, lambda s: s.kind_name, lambda s: s.claims, lambda s: s.articles,
    lambda s: ", ".join(s.outlets), lambda s: s.first_seen, lambda s: s.last_seen)
FIRST_SCREEN = 200
PROGRESS_FROM = 2000
"""Queued mentions from which linking them shows a progress dialog."""


def _flat(text: str) -> str:
    return " ".join(text.split())


def _table(model: ColumnTableModel[Any], parent: QWidget) -> tuple[QTableView,
                                                                 QSortFilterProxyModel]:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(ColumnTableModel.SORT_ROLE)  # numbers sort as numbers
    view = QTableView()
    view.setModel(proxy)
    # rows keep the service's order (most cited first / article order) until a click
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view, proxy


class SourcesPane(QWidget):
    claimActivated = Signal(int, int, int)  # noqa: N815  (article id, start, end)

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.current: SourceDetail | None = None
        self.exclude_article: int | None = None
        self.stop_note = ""
        self.linking_stopped = False
        """The analyst cancelled linking: not asked again until *Link queued mentions*."""
        self.entries: ColumnTableModel[SourceSummary] = ColumnTableModel(
            [Column(t, cell) for t, cell in zip(SOURCE_COLUMNS, _SOURCE_CELLS, strict=True)])
        self._label_names: dict[str, str] = {}
        claim_cells: tuple[Callable[[Any], Any], ...] = (
            lambda c: _flat(c.left)[-50:], lambda c: _flat(c.text),
            lambda c: _flat(c.right)[:50], lambda c: c.mention,
            lambda c: self._label_names.get(c.label, c.label), lambda c: c.title,
            lambda c: c.outlet, lambda c: c.published)
        self.claims: ColumnTableModel[Any] = ColumnTableModel(
            [Column(t, cell) for t, cell in zip(CLAIM_COLUMNS, claim_cells, strict=True)])
        self._build()

    def _build(self) -> None:
        self.filter = QLineEdit(placeholderText="filter by name")
        self.filter.setObjectName("sourcesFilter")
        self.filter.textChanged.connect(lambda _t: self.refresh())
        self.list_view, self.list_proxy = _table(self.entries, self)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list_view.selectionModel().currentRowChanged.connect(self._entry_changed)
        self.claim_view, self.claim_proxy = _table(self.claims, self)
        # several claims can be selected (Ctrl/Shift+click) to split them off
        self.claim_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.claim_view.clicked.connect(self._claim_activated)
        self.claim_view.activated.connect(self._claim_activated)
        self.summary = QLabel()
        self.summary.setObjectName("sourceSummary")
        self.summary.setWordWrap(True)
        self.message = QLabel()
        rename = QPushButton("Rename…")
        rename.clicked.connect(self.rename_current)
        note = QPushButton("Note…")
        note.clicked.connect(self.note_current)
        merge = QPushButton("Merge selected")
        merge.setToolTip("Fold the other selected entries into the current one")
        merge.clicked.connect(self.merge_selected)
        self.split = QPushButton("Split into new source…")
        self.split.setObjectName("sourcesSplit")
        self.split.setToolTip("Move the selected claims (Ctrl/Shift+click) to a new entry")
        self.split.clicked.connect(lambda: self.split_selected())
        self.everywhere = QPushButton("All articles")
        self.everywhere.setToolTip("Show the claims in every article again")
        self.everywhere.clicked.connect(lambda: self._show_current(None))
        self.link_rest = QPushButton("Link queued mentions")
        self.link_rest.setObjectName("sourcesLinkQueued")
        self.link_rest.setToolTip("Go on linking the mentions still queued (stopped earlier)")
        self.link_rest.clicked.connect(self.link_queued_now)
        self.link_rest.hide()
        buttons = QHBoxLayout()
        for b in (rename, note, merge, self.split, self.everywhere):
            buttons.addWidget(b)
        buttons.addStretch(1)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.filter)
        top_layout.addWidget(self.list_view)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.summary)
        bottom_layout.addLayout(buttons)
        bottom_layout.addWidget(self.claim_view)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)
        status = QHBoxLayout()
        status.addWidget(self.message, 1)
        status.addWidget(self.link_rest)
        layout.addLayout(status)

    # --- the list --------------------------------------------------------------------

    def link_queued(self) -> None:
        """Link queued mentions: at once when few, behind a cancellable progress dialog
        when many; after a cancel, not again until :meth:`link_queued_now`."""
        if self.linking_stopped or self.project.read_only:
            return
        total = sources.pending_count(self.project)
        if total < PROGRESS_FROM:
            if total:
                sources.resolve_pending(self.project)
            return
        result = run_with_progress(self, f"Linking {total:,} source mentions to the registry…",
                                   sources.resolve_pending, self.project)
        left = sources.pending_count(self.project)
        if result.cancelled or left:
            self.linking_stopped = True
            self.link_rest.show()
            self.stop_note = (f"linking stopped: {total - left:,} linked and kept, {left:,} "
                              f"still queued" if result.cancelled else
                              f"linking failed ({result.error}); {left:,} still queued")
        else:
            self.link_rest.hide()

    def link_queued_now(self) -> None:
        self.linking_stopped = False
        self.refresh()

    def refresh(self) -> None:
        """Re-read the most-cited entries (linking queued mentions first)."""
        self.link_queued()
        name = self.filter.text().strip() or None
        found = sources.list_sources(self.project, limit=FIRST_SCREEN, name_like=name,
                                     resolve=False)
        self.entries.set_items(found)
        self.message.setText(f"{len(found)} sources" + (" (most cited first; filter to "
                                                        "find others)" if len(found) ==
                                                       FIRST_SCREEN else "")
                             + (f" · {self.stop_note}" if self.linking_stopped else ""))

    def entry_at(self, proxy_row: int) -> SourceSummary:
        src = self.list_proxy.mapToSource(self.list_proxy.index(proxy_row, 0))
        return self.entries.items[src.row()]

    def _entry_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.exclude_article = None
            self._load(self.entry_at(current.row()).source_id)

    # --- one entry -------------------------------------------------------------------

    def show_source(self, source_id: str, *, other_than_article: int | None = None) -> None:
        """Show an entry's claims, optionally only those outside one article."""
        self.exclude_article = other_than_article
        self._load(source_id)

    def _show_current(self, exclude: int | None) -> None:
        if self.current is not None:
            self.show_source(self.current.summary.source_id, other_than_article=exclude)

    def _load(self, source_id: str) -> None:
        try:
            self.link_queued()
            detail = sources.show_source(self.project, source_id,
                                         exclude_article=self.exclude_article, resolve=False)
        except UserInputError as exc:
            self.message.setText(str(exc))
            return
        self.current = detail
        s = detail.summary
        bands = ", ".join(f"{band} {n}" for band, n in sorted(detail.bands.items())) or "—"
        scope = " in other articles" if self.exclude_article is not None else ""
        aliases = "; ".join(s.aliases)
        self.summary.setText(
            f"<b>{s.name}</b> · {s.kind_name} · {s.claims} claims in {s.articles} articles"
            f" · outlets: {', '.join(s.outlets) or '—'} · first {s.first_seen or '—'}, "
            f"last {s.last_seen or '—'}<br>strength: {bands}<br>matched by: {aliases}"
            + (f"<br>note: {s.note}" if s.note else "")
            + ("<br>possibly the same source (merge if so): " + "; ".join(
                f"{html.escape(n)} ({c} claims)" for _i, n, c in detail.possibly_same)
               if detail.possibly_same else "")
            + (f"<br>showing {len(detail.claims)} claims{scope}" if scope else ""))
        self.everywhere.setEnabled(self.exclude_article is not None)
        self._label_names = {lab.key: lab.name for lab in self.project.labels()}
        self.claims.set_items(detail.claims)

    def _claim_activated(self, index: QModelIndex) -> None:
        mods = QApplication.keyboardModifiers()
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
            return  # extending the selection (to split), not opening the claim
        src = self.claim_proxy.mapToSource(self.claim_proxy.index(index.row(), 0))
        claim = self.claims.items[src.row()]
        self.claimActivated.emit(claim.article_id, claim.start, claim.end)

    # --- edits -----------------------------------------------------------------------

    def _ask(self, title: str, label: str, value: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, label, text=value)
        return text if ok else None

    def rename_current(self, name: str | None = None) -> None:
        if self.current is None:
            return
        if name is None:
            name = self._ask("Rename source", "Name:", self.current.summary.name)
            if name is None:
                return
        self._edit(lambda: sources.rename(self.project, self.current.summary.source_id,
                                          name))  # type: ignore[union-attr]

    def note_current(self, note: str | None = None) -> None:
        if self.current is None:
            return
        if note is None:
            note = self._ask("Note on source", "Note:", self.current.summary.note)
            if note is None:
                return
        self._edit(lambda: sources.annotate(self.project, self.current.summary.source_id,
                                            note))  # type: ignore[union-attr]

    def merge_selected(self) -> None:
        if self.current is None:
            return
        target = self.current.summary.source_id
        chosen = [self.entry_at(i.row()).source_id
                  for i in self.list_view.selectionModel().selectedRows()]
        self._edit(lambda: sources.merge(self.project, target, chosen))

    def selected_claims(self) -> list[str]:
        rows = self.claim_view.selectionModel().selectedRows()
        return [self.claims.items[self.claim_proxy.mapToSource(i).row()].annotation_id
                for i in sorted(rows, key=lambda i: i.row())]

    def split_selected(self, name: str | None = None) -> str | None:
        """Move the selected claims to a new entry (asks its name); shows the new entry."""
        if self.current is None:
            return None
        chosen = self.selected_claims()
        if not chosen:
            self.message.setText("select the claims to split off first (Ctrl/Shift+click)")
            return None
        if name is None:
            name = self._ask("Split into new source",
                             f"Name of the new source for {len(chosen)} claim"
                             f"{'s' if len(chosen) != 1 else ''}:",
                             self.current.summary.name)
            if name is None:
                return None
        source_id = self.current.summary.source_id
        made: list[str] = []
        if self._edit(lambda: made.append(sources.split(self.project, source_id, chosen,
                                                        name))):
            self.exclude_article = None
            self._load(made[0])
            return made[0]
        return None

    def _edit(self, action: Any) -> bool:
        try:
            action()
        except UserInputError as exc:
            self.message.setText(str(exc))
            return False
        current = self.current.summary.source_id if self.current else None
        self.refresh()
        if current is not None:
            self._load(current)
        return True
