"""The pending suggestions of the open article as a sortable, keyboard-driven table.

One row per suggestion: its position, the words before the claim and the claim itself
(keyword in context), the source mention, the cue, the proposed source type, the
confidence and the engine's reasons. The widget knows nothing about the window: it is
given proposals and emits what the analyst asked for, by *suggestion index* (the
position in the list it was given, i.e. text order), whatever the sort order on screen.

Keys in the table: Enter accept, ``1``–``9`` accept as that source type, ``X`` reject,
``N``/``P`` next/previous in text order; moving the current row (arrows, a click)
makes that suggestion the current one, so the article scrolls to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.qt.table_model import RIGHT, SORT_ROLE, Column, ColumnTableModel, elide
from annotator.services.suggestions import Proposal

CONTEXT = 40
"""Code points of text shown before the claim."""

Row = tuple[int, Proposal]

_ACCEPT_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter}
_DIGITS = {getattr(Qt.Key, f"Key_{d}"): str(d) for d in range(1, 10)}
_OWN_KEYS = {*_ACCEPT_KEYS, *_DIGITS, Qt.Key.Key_X, Qt.Key.Key_N, Qt.Key.Key_P}


def _flat(text: str) -> str:
    return " ".join(text.split())


def _span_text(p: Proposal, span: tuple[int, int] | None) -> str:
    return _flat(p.text[span[0]:span[1]]) if span else ""


def _before(p: Proposal) -> str:
    s = p.suggestion.start
    return _flat(p.text[max(0, s - CONTEXT):s])[-CONTEXT:]


def _claim(p: Proposal) -> str:
    return " … ".join(_flat(p.text[a:b]) for a, b in p.suggestion.fragments)


def _tooltip(p: Proposal) -> str:
    s = p.suggestion
    lines = [elide(_claim(p), 400)]
    if s.source:
        lines.append(f"Source: {_span_text(p, s.source)}")
    if s.cue:
        lines.append(f"Cue: {_span_text(p, s.cue)}")
    lines.append(f"Confidence: {round(s.confidence * 100)} %")
    lines.extend(f"• {r}" for r in s.reasons)
    return "\n".join(lines)


class SuggestionModel(ColumnTableModel[Row]):
    """Rows ``(index, proposal)``; ``ID_ROLE`` is the suggestion index."""

    def __init__(self) -> None:
        self.label_names: dict[str, str] = {}

        def tip(row: Row) -> str:
            return _tooltip(row[1])

        super().__init__([
            Column("#", lambda r: r[0] + 1, sort=lambda r: r[0], align=RIGHT,
                   header_tooltip="position in the article"),
            Column("Before", lambda r: _before(r[1]), tooltip=tip, align=RIGHT,
                   sort=lambda r: r[0], header_tooltip="the words before the claim"),
            Column("Claim", lambda r: elide(_claim(r[1]), 90), tooltip=tip,
                   sort=lambda r: _claim(r[1]).lower()),
            Column("Source", lambda r: _span_text(r[1], r[1].suggestion.source), tooltip=tip,
                   sort=lambda r: _span_text(r[1], r[1].suggestion.source).lower()),
            Column("Cue", lambda r: _span_text(r[1], r[1].suggestion.cue), tooltip=tip,
                   sort=lambda r: _span_text(r[1], r[1].suggestion.cue).lower()),
            Column("Type", lambda r: self.label_names.get(r[1].label, r[1].label),
                   tooltip=tip),
            Column("Conf.", lambda r: f"{round(r[1].suggestion.confidence * 100)} %",
                   sort=lambda r: r[1].suggestion.confidence, align=RIGHT, tooltip=tip,
                   header_tooltip="the engine's confidence"),
            Column("Reasons", lambda r: "; ".join(r[1].suggestion.reasons), tooltip=tip),
        ], row_id=lambda r: r[0])


class _Proxy(QSortFilterProxyModel):
    """Sorts by the columns' raw sort keys (numbers as numbers)."""

    def lessThan(self, left: QModelIndex | QPersistentModelIndex,  # noqa: N802
                 right: QModelIndex | QPersistentModelIndex) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)


class _ElideLeft(QStyledItemDelegate):
    """The words right before the claim matter most: cut the context on its left."""

    def initStyleOption(self, option: QStyleOptionViewItem,  # noqa: N802
                        index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideLeft  # type: ignore[attr-defined]


class SuggestionList(QWidget):
    """Header line + table. Signals carry suggestion indexes (text order)."""

    currentChanged = Signal(int)
    """The analyst moved to another row."""
    acceptRequested = Signal(int)
    acceptAsRequested = Signal(int, str)
    """(index, digit): accept with the source type on that key."""
    rejectRequested = Signal(int)
    stepRequested = Signal(int)
    """N (+1) / P (−1) in the table: next / previous in text order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suggestionList")
        self.header = QLabel()
        self.header.setObjectName("suggestionListHeader")
        self.header.setWordWrap(True)
        self.model = SuggestionModel()
        self.proxy = _Proxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("suggestionTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        head = self.table.horizontalHeader()
        head.setStretchLastSection(True)
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((40, 180, 320, 160, 90, 130, 60)):
            self.table.setColumnWidth(column, width)
        self.table.setItemDelegateForColumn(1, _ElideLeft(self.table))
        self.table.installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self._quiet = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        layout.addWidget(self.table)
        self.set_proposals([], {}, "")

    # ------------------------------------------------------------------ state
    def set_proposals(self, proposals: Sequence[Proposal], label_names: Mapping[str, str],
                      note: str, current: int = -1) -> None:
        """Show ``proposals`` (text order); ``note`` is the header when there are none."""
        self._quiet = True
        try:
            self.model.label_names = dict(label_names)
            self.model.set_items(list(enumerate(proposals)))
        finally:
            self._quiet = False
        if proposals:
            self.header.setText(f"{len(proposals)} pending suggestion(s) · Enter accept · "
                                "1–9 accept as that type · X reject · N/P next/previous")
        else:
            self.header.setText(note)
        self.set_current(current)

    def set_current(self, index: int) -> None:
        """Select the row of suggestion ``index`` (from N/P elsewhere) without echoing."""
        row = self._view_row(index)
        self._quiet = True
        try:
            if row is None:
                self.table.selectionModel().clearCurrentIndex()
                self.table.clearSelection()
                return
            current = self.table.currentIndex()
            if current.isValid() and current.row() == row:
                return
            proxy_index = self.proxy.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                proxy_index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(proxy_index)
        finally:
            self._quiet = False

    def current_index(self) -> int:
        """The suggestion index of the current row (−1: none)."""
        index = self.table.currentIndex()
        if not index.isValid():
            return -1
        return int(self.proxy.mapToSource(index).row())

    def rows_in_view_order(self) -> list[int]:
        """Suggestion indexes as the table shows them (after sorting)."""
        return [self.proxy.mapToSource(self.proxy.index(r, 0)).row()
                for r in range(self.proxy.rowCount())]

    def _view_row(self, index: int) -> int | None:
        if not 0 <= index < self.model.row_count():
            return None
        return int(self.proxy.mapFromSource(self.model.index(index, 0)).row())

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet or not current.isValid():
            return
        self.currentChanged.emit(int(self.proxy.mapToSource(current).row()))

    # ------------------------------------------------------------------- keys
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is not self.table or event.type() not in (QEvent.Type.ShortcutOverride,
                                                         QEvent.Type.KeyPress):
            return False
        assert isinstance(event, QKeyEvent)
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        key = event.key()
        if key not in _OWN_KEYS or mods != Qt.KeyboardModifier.NoModifier:
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # ours, not a window shortcut's
            return True
        index = self.current_index()
        if key in (Qt.Key.Key_N, Qt.Key.Key_P):
            self.stepRequested.emit(1 if key == Qt.Key.Key_N else -1)
        elif index < 0:
            return True
        elif key in _ACCEPT_KEYS:
            self.acceptRequested.emit(index)
        elif key == Qt.Key.Key_X:
            self.rejectRequested.emit(index)
        else:
            self.acceptAsRequested.emit(index, _DIGITS[Qt.Key(key)])
        return True
