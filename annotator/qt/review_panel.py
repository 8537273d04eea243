"""Review (adjudication) panel: compare two annotators on an article and settle each item.

The panel lists every compare-mode item of annotators A and B (from
:func:`annotator.services.review.review_status`) in text order, with a coloured marker
per kind, and lets the reviewer copy one side, both sides or an edited copy into the
reviewed layer, or reject a side. Every write goes through :mod:`annotator.services.review`
with the version of the annotation on screen, so a colleague's concurrent change is
reported instead of silently reviewed.

The panel never touches the article view: it emits :attr:`ReviewPanel.itemActivated`
(scroll/select there), :attr:`ReviewPanel.reviewChanged` (reload the article) and
:attr:`ReviewPanel.itemsChanged` (repaint compare-mode highlights from
:meth:`ReviewPanel.compare_colors`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QIcon, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.agreement import DiffKind
from annotator.domain.errors import UserInputError
from annotator.domain.model import REVIEWED_LAYER, Annotation, Label
from annotator.qt.palette import FlowLayout, swatch
from annotator.services import annotate, review
from annotator.services.annotate import ConflictError
from annotator.services.project import Project
from annotator.services.review import ReviewItem

_Index = QModelIndex | QPersistentModelIndex

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
KIND_COLORS: dict[DiffKind, str] = {
    DiffKind.AGREED: "#009E73",
    DiffKind.LABEL_DISAGREEMENT: "#D55E00",
    DiffKind.BOUNDARY_DISAGREEMENT: "#E69F00",
    DiffKind.ONLY_A: "#0072B2",
    DiffKind.ONLY_B: "#CC79A7",
}
KIND_NAMES: dict[DiffKind, str] = {
    DiffKind.AGREED: "Agreed",
    DiffKind.LABEL_DISAGREEMENT: "Label",
    DiffKind.BOUNDARY_DISAGREEMENT: "Boundary",
    DiffKind.ONLY_A: "Only A",
    DiffKind.ONLY_B: "Only B",
}
KIND_TIPS: dict[DiffKind, str] = {
    DiffKind.AGREED: "Agreed: same span, same label",
    DiffKind.LABEL_DISAGREEMENT: "Label disagreement: same span, different labels",
    DiffKind.BOUNDARY_DISAGREEMENT: "Boundary disagreement: overlapping spans with "
                                    "different boundaries",
    DiffKind.ONLY_A: "Only A tagged this",
    DiffKind.ONLY_B: "Only B tagged this",
}
SETTLED_COLOR = "#9E9E9E"
"""Compare-mode colour of settled items (they fade so the open ones stand out)."""

_MUTED = QColor("#8a8a8a")
_OPEN = QColor("#b34700")
_SETTLED = QColor("#2e7d32")


_ICONS: dict[tuple[str, str], QIcon] = {}


def _steady(pix: QPixmap) -> QIcon:
    """An icon that keeps its true colour in a selected row (no selection tint)."""
    icon = QIcon()
    for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Active):
        icon.addPixmap(pix, mode)
    return icon


def kind_dot(color: str, size: int = 12) -> QIcon:
    """A round marker (label swatches are squares, so the two never look alike)."""
    key = ("dot", color)
    if key not in _ICONS:
        pix = QPixmap(size, size)
        pix.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pix)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor(color))
        painter.setPen(QColor(color).darker(130))
        painter.drawEllipse(1, 1, size - 2, size - 2)
        painter.end()
        _ICONS[key] = _steady(pix)
    return _ICONS[key]


def label_icon(color: str) -> QIcon:
    """The palette's square swatch, cached and untinted when selected."""
    key = ("swatch", color)
    if key not in _ICONS:
        _ICONS[key] = _steady(swatch(color).pixmap(14, 14))
    return _ICONS[key]


def item_key(item: ReviewItem) -> tuple[str | None, str | None]:
    """What identifies an item across refreshes: the ids of its two sides."""
    return (item.a.id if item.a else None, item.b.id if item.b else None)


def is_open(item: ReviewItem) -> bool:
    """An open disagreement: needs a reviewer's decision and has none yet."""
    return item.needs_review and not item.settled


def status_of(item: ReviewItem) -> str:
    """``open``, ``settled`` or ``rejected`` (every side rejected, nothing accepted)."""
    if not item.settled:
        return "open"
    return "settled" if item.reviewed else "rejected"


def short_label_name(name: str) -> str:
    """"Anonymous official (role/affiliation given)" -> "Anonymous official"."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name) or name


def _elide(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class ReviewItemModel(QAbstractTableModel):
    """The visible review items (all, or open disagreements only), in text order."""

    COLUMNS = ("Kind", "Text", "A", "B", "Status")
    KIND, TEXT, A, B, STATUS = range(5)

    def __init__(self) -> None:
        super().__init__()
        self.items: list[ReviewItem] = []
        self.labels: dict[str, Label] = {}
        self.article_text = ""
        self.names = ("A", "B")

    def set_items(self, items: list[ReviewItem], *, labels: dict[str, Label],
                  article_text: str, names: tuple[str, str]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.labels = labels
        self.article_text = article_text
        self.names = names
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, self.A, self.B)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == self.A:
                return f"A · {_elide(self.names[0], 18)}"
            if section == self.B:
                return f"B · {_elide(self.names[1], 18)}"
            return self.COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section in (self.A, self.B):
            return self.names[section - self.A]
        return None

    def snippet(self, item: ReviewItem, limit: int = 90) -> str:
        text = self.article_text[item.start:item.end] if self.article_text else ""
        if not text:
            text = max((s.text for s in item.annotations), key=len, default="")
        return _elide(text, limit)

    def _label_name(self, key: str, *, short: bool = False) -> str:
        label = self.labels.get(key)
        if label is None:
            return key
        return short_label_name(label.name) if short else label.name

    def _side(self, item: ReviewItem, col: int) -> Annotation | None:
        return item.a if col == self.A else item.b

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.items):
            return None
        item = self.items[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.KIND:
                return KIND_NAMES[item.kind]
            if col == self.TEXT:
                return f"“{self.snippet(item)}”"
            if col in (self.A, self.B):
                side = self._side(item, col)
                return self._label_name(side.label, short=True) if side else "—"
            status = status_of(item)
            if status == "open" and item.rejected:
                return "open · 1 rejected"
            if status == "open" and not item.needs_review:
                return "agreed"
            return status
        if role == Qt.ItemDataRole.DecorationRole:
            if col == self.KIND:
                return kind_dot(KIND_COLORS[item.kind])
            if col in (self.A, self.B):
                side = self._side(item, col)
                label = self.labels.get(side.label) if side else None
                return label_icon(label.color) if label else None
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == self.STATUS:
                if is_open(item):
                    return QBrush(_OPEN)
                return QBrush(_SETTLED if item.reviewed else _MUTED)
            if not is_open(item):
                return QBrush(_MUTED)
            if col in (self.A, self.B) and self._side(item, col) is None:
                return QBrush(_MUTED)
            return None
        if role == Qt.ItemDataRole.FontRole:
            side = self._side(item, col) if col in (self.A, self.B) else None
            font = QFont()
            if side is not None and side.id in item.rejected:
                font.setStrikeOut(True)
                return font
            if col == self.STATUS and is_open(item):
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(item)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.STATUS:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def tooltip(self, item: ReviewItem) -> str:
        parts = [f"<b>{html.escape(KIND_TIPS[item.kind])}</b> "
                 f"<span style='color:#777'>({item.start}–{item.end})</span>"]
        for tag, name, side in (("A", self.names[0], item.a), ("B", self.names[1], item.b)):
            if side is None:
                continue
            mark = " <i>(rejected)</i>" if side.id in item.rejected else ""
            parts.append(f"{tag} · {html.escape(name)}: <b>{html.escape(self._label_name(side.label))}"
                         f"</b>{mark}<br>“{html.escape(_elide(side.text, 160))}”")
        for rev in item.reviewed:
            parts.append(f"Accepted by {html.escape(rev.reviewed_by or 'someone')} as "
                         f"<b>{html.escape(self._label_name(rev.label))}</b>: "
                         f"“{html.escape(_elide(rev.text, 120))}”")
        return "<br><br>".join(parts)


class EditAcceptDialog(QDialog):
    """Choose the side, label and boundaries of an edited copy for the reviewed layer."""

    def __init__(self, item: ReviewItem, *, names: tuple[str, str], labels: list[Label],
                 article_text: str, sides: list[str],
                 selection: tuple[int, int] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewEditDialog")
        self.setWindowTitle("Accept an edited copy")
        self.item = item
        self.article_text = article_text
        self.selection = selection
        layout = QVBoxLayout(self)
        intro = QLabel("The copy goes into the reviewed layer; the analyst's original "
                       "annotation is not changed.")
        intro.setWordWrap(True)
        intro.setStyleSheet("color:#666")
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)

        self.side_combo = QComboBox()
        self.side_combo.setObjectName("reviewEditSide")
        for side in sides:
            ann = item.a if side == "a" else item.b
            assert ann is not None
            name = names[0] if side == "a" else names[1]
            self.side_combo.addItem(f"{side.upper()} · {name}: “{_elide(ann.text, 40)}”", ann.id)
        self.side_combo.currentIndexChanged.connect(self._side_changed)
        form.addRow("&Start from", self.side_combo)

        self.label_combo = QComboBox()
        self.label_combo.setObjectName("reviewEditLabel")
        for label in labels:
            if not label.retired:
                self.label_combo.addItem(swatch(label.color), label.name, label.key)
        form.addRow("&Label", self.label_combo)

        limit = len(article_text) if article_text else 10 ** 9
        span = QHBoxLayout()
        self.start_spin = QSpinBox()
        self.start_spin.setObjectName("reviewEditStart")
        self.end_spin = QSpinBox()
        self.end_spin.setObjectName("reviewEditEnd")
        for spin in (self.start_spin, self.end_spin):
            spin.setRange(0, limit)
            spin.setAccelerated(True)
            spin.valueChanged.connect(self._update_preview)
            span.addWidget(spin)
        span.insertWidget(1, QLabel("to"))
        self.use_selection = QPushButton("Use text selection")
        self.use_selection.setObjectName("reviewEditUseSelection")
        self.use_selection.setToolTip("Take the boundaries of the text selected in the article")
        self.use_selection.setEnabled(selection is not None and selection[0] < selection[1])
        self.use_selection.clicked.connect(self._take_selection)
        span.addWidget(self.use_selection)
        span.addStretch(1)
        chars = QLabel("&Characters")
        chars.setBuddy(self.start_spin)
        form.addRow(chars, span)
        self.start_spin.setToolTip("First character (code-point offset)")
        self.end_spin.setToolTip("One past the last character")

        self.preview = QLabel()
        self.preview.setObjectName("reviewEditPreview")
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.RichText)
        self.preview.setMinimumWidth(420)
        self.preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview.setStyleSheet("padding:6px;")
        form.addRow("Preview", self.preview)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Accept edited copy")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._side_changed(0)

    def source(self) -> Annotation:
        ann_id = self.side_combo.currentData()
        return next(s for s in self.item.annotations if s.id == ann_id)

    def _side_changed(self, _index: int) -> None:
        src = self.source()
        i = self.label_combo.findData(src.label)
        if i >= 0:
            self.label_combo.setCurrentIndex(i)
        self.start_spin.setValue(src.start)
        self.end_spin.setValue(src.end)
        self._update_preview()

    def _take_selection(self) -> None:
        if self.selection is not None:
            self.start_spin.setValue(self.selection[0])
            self.end_spin.setValue(self.selection[1])

    def values(self) -> tuple[str, str, int, int]:
        """``(source annotation id, label key, start, end)``."""
        return (str(self.side_combo.currentData()), str(self.label_combo.currentData()),
                self.start_spin.value(), self.end_spin.value())

    def _update_preview(self) -> None:
        s, e = self.start_spin.value(), self.end_spin.value()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        text = self.article_text
        valid = s < e and (not text or e <= len(text))
        ok.setEnabled(valid)
        if not valid:
            self.preview.setText("<span style='color:#b00020'>The span is empty or outside "
                                 "the article.</span>")
            return
        if not text:
            self.preview.setText(f"Characters {s}–{e}")
            return
        before = " ".join(text[max(0, s - 70):s].split(" ")[1 if s > 70 else 0:])
        after = " ".join(text[e:e + 70].split(" ")[:-1 if e + 70 < len(text) else None])
        lead = "…" if s > 70 else ""
        tail = "…" if e + 70 < len(text) else ""
        self.preview.setText(
            f"<span style='color:#777'>{lead}{html.escape(' '.join(before.split()))}</span> "
            f"<b style='background:#fff3c4'>{html.escape(' '.join(text[s:e].split()))}</b> "
            f"<span style='color:#777'>{html.escape(' '.join(after.split()))}{tail}</span>")


class ReviewPanel(QWidget):
    """Adjudicate annotator A against annotator B (or against the reviewed layer)."""

    itemActivated = Signal(int, int, object, object)
    """``(start, end, a_id | None, b_id | None)``: scroll to and select the item."""
    reviewChanged = Signal(int)
    """A review write on the article: reload it (the panel has refreshed itself)."""
    itemsChanged = Signal()
    """New comparison (refresh, other annotators): repaint compare-mode highlights."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPanel")
        self.project = project
        self.article_id: int | None = None
        self.article_text = ""
        self.reviewer = ""
        self.annotators: list[str] = []
        self.items: list[ReviewItem] = []
        self.advance_after_review = True
        """After a decision settles the current item, move on to the next open one."""
        self.selection_provider: Callable[[], tuple[int, int]] | None = None
        """Optional: the window's text selection (code points), offered by Edit…."""
        self._current_key: tuple[str | None, str | None] | None = None
        self._quiet = False
        self._error = ""
        self._prev_a = self._prev_b = ""
        self.edit_dialog: EditAcceptDialog | None = None
        self._build()
        self._render()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        # Everything sits in a scroll area: in a short dock the panel scrolls instead of
        # squeezing its word-wrapped lines on top of each other.
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("reviewScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()
        content.setObjectName("reviewContent")
        self.scroll.setWidget(content)
        root.addWidget(self.scroll)
        outer = QVBoxLayout(content)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(6)
        self.actions_by_name: dict[str, QAction] = {}
        self.buttons: dict[str, QPushButton] = {}
        button = self._button

        pick = QHBoxLayout()
        pick.setSpacing(6)
        label_a = QLabel("&A")
        label_a.setStyleSheet(f"font-weight:bold; color:{KIND_COLORS[DiffKind.ONLY_A]}")
        self.combo_a = QComboBox()
        self.combo_a.setObjectName("reviewA")
        self.combo_a.setToolTip("Annotator A")
        label_a.setBuddy(self.combo_a)
        label_b = QLabel("&B")
        label_b.setStyleSheet(f"font-weight:bold; color:{KIND_COLORS[DiffKind.ONLY_B]}")
        self.combo_b = QComboBox()
        self.combo_b.setObjectName("reviewB")
        self.combo_b.setToolTip("Annotator B, or the reviewed layer (what has been "
                                "adjudicated so far)")
        label_b.setBuddy(self.combo_b)
        for combo in (self.combo_a, self.combo_b):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumContentsLength(6)
            combo.currentIndexChanged.connect(self._combo_changed)
        versus = QLabel("vs")
        versus.setStyleSheet("color:#777")
        pick.addWidget(label_a)
        pick.addWidget(self.combo_a)
        pick.addSpacing(4)
        pick.addWidget(versus)
        pick.addSpacing(4)
        pick.addWidget(label_b)
        pick.addWidget(self.combo_b)
        pick.addStretch(1)
        self.refresh_button = QToolButton()
        self.refresh_button.setText("↻")
        self.refresh_button.setAutoRaise(True)
        self.refresh_button.setObjectName("reviewRefresh")
        self.refresh_button.setToolTip("Re-read the article's annotations (colleagues' changes)")
        self.refresh_button.clicked.connect(self.refresh)
        pick.addWidget(self.refresh_button)
        outer.addLayout(pick)

        chip_host = QWidget()
        chip_host.setObjectName("reviewCounts")
        chips = FlowLayout(chip_host, spacing=4)
        chips.setContentsMargins(0, 0, 0, 0)
        self.chips: dict[DiffKind, QLabel] = {}
        for kind in DiffKind:
            chip = QLabel()
            chip.setObjectName(f"reviewCount_{kind.value}")
            chip.setToolTip(KIND_TIPS[kind])
            chip.setTextFormat(Qt.TextFormat.RichText)
            color = QColor(KIND_COLORS[kind])
            chip.setStyleSheet(
                "QLabel { border-radius: 9px; padding: 2px 8px; "
                f"background: rgba({color.red()},{color.green()},{color.blue()},38); "
                f"border: 1px solid rgba({color.red()},{color.green()},{color.blue()},110); }}")
            self.chips[kind] = chip
            chips.addWidget(chip)
        outer.addWidget(chip_host)

        self.summary = QLabel()
        self.summary.setObjectName("reviewSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        outer.addWidget(self.summary)
        filter_row = QHBoxLayout()
        self.open_only = QCheckBox("&Open only")
        self.open_only.setObjectName("reviewOpenOnly")
        self.open_only.setToolTip("List open disagreements only (hide agreed and settled "
                                  "items)")
        self.open_only.toggled.connect(lambda _on: self._render())
        filter_row.addWidget(self.open_only)
        filter_row.addStretch(1)
        filter_row.addWidget(button("accept_agreed", "Accept agreed", self.accept_agreed, [],
                                    "Copy every agreed item not yet accepted into the "
                                    "reviewed layer (A's copy)"))
        outer.addLayout(filter_row)

        self.message = QLabel()
        self.message.setObjectName("reviewMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("color:#666; padding:18px;")
        outer.addWidget(self.message)

        self.model = ReviewItemModel()
        self.table = QTableView()
        self.table.setObjectName("disagreementList")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(36)
        for col, width in ((ReviewItemModel.KIND, 90), (ReviewItemModel.STATUS, 84)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        self.table.setMinimumHeight(140)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.activated.connect(lambda index: self._row_changed(index, QModelIndex()))
        outer.addWidget(self.table, 1)

        self.detail = QLabel()
        self.detail.setObjectName("reviewDetail")
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setWordWrap(True)
        self.detail.setFrameShape(QFrame.Shape.StyledPanel)
        self.detail.setStyleSheet("QLabel#reviewDetail { padding: 6px 8px; }")
        self.detail.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.detail)

        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        grid.addWidget(button("accept_a", "Accept A", lambda: self.accept_side("a"),
                              ["A"], "Copy A's annotation into the reviewed layer"), 0, 0)
        grid.addWidget(button("accept_b", "Accept B", lambda: self.accept_side("b"),
                              ["B"], "Copy B's annotation into the reviewed layer"), 0, 1)
        grid.addWidget(button("accept_both", "Accept both", self.accept_both, ["+", "="],
                              "Copy both annotations into the reviewed layer"), 0, 2)
        grid.addWidget(button("reject_a", "Reject A", lambda: self.toggle_reject("a"),
                              ["Shift+A"], "Reject A's annotation (or withdraw the "
                              "rejection); the annotation itself is kept"), 1, 0)
        grid.addWidget(button("reject_b", "Reject B", lambda: self.toggle_reject("b"),
                              ["Shift+B"], "Reject B's annotation (or withdraw the "
                              "rejection); the annotation itself is kept"), 1, 1)
        grid.addWidget(button("edit", "Edit…", self.edit_item, ["E"],
                              "Accept a copy with another label or other boundaries"), 1, 2)
        grid.addWidget(button("prev", "◀ Previous", self.prev_item, [],
                              "Previous open disagreement (P in the article)"), 2, 0)
        grid.addWidget(button("next", "Next ▶", self.next_item, [],
                              "Next open disagreement (N in the article)"), 2, 1)
        grid.addWidget(button("reopen", "Reopen", self.reopen, ["Shift+R"],
                              "Undo the decisions on this item: delete its reviewed "
                              "copies and withdraw its rejections"), 2, 2)
        for col in range(3):
            grid.setColumnStretch(col, 1)
        outer.addLayout(grid)
        accept_font = QFont(self.buttons["accept_a"].font())
        accept_font.setBold(True)
        for name in ("accept_a", "accept_b"):
            self.buttons[name].setFont(accept_font)

        hint = QLabel("<span style='color:#777'>Keys: <b>A</b> / <b>B</b> accept · "
                      "<b>+</b> both · <b>E</b> edit · <b>Shift+A</b> / <b>Shift+B</b> "
                      "reject · <b>Shift+R</b> reopen · <b>N</b> / <b>P</b> next / "
                      "previous</span>")
        hint.setObjectName("reviewKeysHint")
        hint.setWordWrap(True)
        outer.addWidget(hint)

    def _button(self, name: str, text: str, slot: Callable[[], object], keys: list[str],
                tip: str) -> QPushButton:
        """A push button plus a panel-local shortcut action doing the same."""
        action = QAction(text, self)
        action.setObjectName(f"reviewAction_{name}")
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _=False: slot())
        self.addAction(action)
        self.actions_by_name[name] = action
        btn = QPushButton(text)
        btn.setObjectName(f"review_{name}")
        shown = " / ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText)
                           for k in keys)
        btn.setToolTip(f"{tip}  <kbd>{html.escape(shown)}</kbd>" if keys else tip)
        btn.clicked.connect(lambda _=False: slot())
        self.buttons[name] = btn
        return btn

    # ------------------------------------------------------------------ context
    @property
    def annotator_a(self) -> str:
        return str(self.combo_a.currentData() or "")

    @property
    def annotator_b(self) -> str:
        return str(self.combo_b.currentData() or "")

    @property
    def b_is_reviewed(self) -> bool:
        return self.annotator_b == REVIEWED_LAYER

    def set_context(self, article_id: int | None, annotators: list[str], reviewer: str,
                    article_text: str = "") -> None:
        """The open article, the annotators present in it, who is reviewing.

        Keeps the chosen A/B when they are still present. Queries once.
        """
        if article_id != self.article_id:
            self._current_key = None
        self.article_id = article_id
        self.article_text = article_text
        self.reviewer = reviewer
        names = sorted({n for n in annotators if n and n != REVIEWED_LAYER}, key=str.casefold)
        self.annotators = names
        old_a, old_b = self.annotator_a, self.annotator_b
        self._quiet = True
        try:
            self.combo_a.clear()
            self.combo_b.clear()
            for name in names:
                self.combo_a.addItem(name, name)
                self.combo_b.addItem(name, name)
            self.combo_b.addItem("Reviewed layer", REVIEWED_LAYER)
            a = old_a if old_a in names else (names[0] if names else "")
            others = [n for n in names if n != a]
            b = old_b if old_b and old_b != a and (old_b in names or old_b == REVIEWED_LAYER) \
                else (others[0] if others else REVIEWED_LAYER)
            self.combo_a.setCurrentIndex(max(0, self.combo_a.findData(a)))
            self.combo_b.setCurrentIndex(max(0, self.combo_b.findData(b)))
        finally:
            self._quiet = False
        self._prev_a, self._prev_b = self.annotator_a, self.annotator_b
        self.refresh()

    def set_reviewer(self, reviewer: str) -> None:
        self.reviewer = reviewer

    def _combo_changed(self, _index: int) -> None:
        if self._quiet:
            return
        a, b = self.annotator_a, self.annotator_b
        if a and a == b:  # picking the other side's annotator swaps the two
            self._quiet = True
            try:
                if a != self._prev_a:
                    other, swap_to = self.combo_b, self._prev_a
                else:
                    other, swap_to = self.combo_a, self._prev_b
                i = other.findData(swap_to)
                if i >= 0 and swap_to != a:
                    other.setCurrentIndex(i)
            finally:
                self._quiet = False
        self._prev_a, self._prev_b = self.annotator_a, self.annotator_b
        self._current_key = None
        self.refresh()

    # ------------------------------------------------------------------ data
    def refresh(self) -> None:
        """Re-read the comparison (after writes, or colleagues' changes)."""
        self.items = []
        self._error = ""
        a, b = self.annotator_a, self.annotator_b
        if self.article_id is not None and a and b and a != b:
            try:
                self.items = review.review_status(self.project, self.article_id, a, b)
            except UserInputError as exc:
                self._error = str(exc)
        self._render()
        self.itemsChanged.emit()

    def compare_items(self) -> list[ReviewItem]:
        """Every item of the comparison, in text order (not only the listed ones)."""
        return list(self.items)

    def compare_colors(self, *, dim_settled: bool = True) -> dict[str, str]:
        """Annotation id -> compare-mode colour, for ``SpanHighlighter.set_mode``.

        Each side of an item gets its kind's colour; settled items are grey unless
        ``dim_settled`` is false.
        """
        out: dict[str, str] = {}
        for item in self.items:
            color = SETTLED_COLOR if dim_settled and item.settled else KIND_COLORS[item.kind]
            for side in item.annotations:
                out[side.id] = color
        return out

    def counts(self) -> dict[DiffKind, int]:
        """Items per kind (every kind, zeros included)."""
        out = {kind: 0 for kind in DiffKind}
        for item in self.items:
            out[item.kind] += 1
        return out

    def open_items(self) -> list[ReviewItem]:
        return [item for item in self.items if is_open(item)]

    def current_item(self) -> ReviewItem | None:
        if self._current_key is None:
            return None
        return next((i for i in self.items if item_key(i) == self._current_key), None)

    # ------------------------------------------------------------------ render
    def _names(self) -> tuple[str, str]:
        b = "reviewed layer" if self.b_is_reviewed else self.annotator_b
        return (self.annotator_a or "A", b or "B")

    def _render(self) -> None:
        names = self._names()
        counts = self.counts()
        for kind, chip in self.chips.items():
            name = KIND_NAMES[kind]
            if kind == DiffKind.ONLY_A:
                name = f"Only {_elide(names[0], 14)}"
            elif kind == DiffKind.ONLY_B:
                name = f"Only {_elide(names[1], 14)}"
            chip.setText(f"<span style='color:{KIND_COLORS[kind]}'>●</span> "
                         f"{html.escape(name)} <b>{counts[kind]}</b>")
        n_open = len(self.open_items())
        settled = [i for i in self.items if i.settled]
        rejected = sum(1 for i in settled if not i.reviewed)
        agreed_pending = sum(1 for i in self.items if not i.needs_review and not i.settled)
        parts = [f"<b style='color:{_OPEN.name()}'>{n_open} open</b>",
                 f"<b style='color:{_SETTLED.name()}'>{len(settled)} settled</b>"]
        if rejected:
            parts[-1] += f" ({rejected} rejected)"
        if agreed_pending:
            parts.append(f"{agreed_pending} agreed to accept")
        self.summary.setText(" · ".join(parts) if self.items else "")
        self.summary.setToolTip("Open: disagreements with no decision yet. Settled: "
                                "accepted into the reviewed layer, or rejected on every side.")
        self.buttons["accept_agreed"].setText(
            f"Accept agreed ({agreed_pending})" if agreed_pending else "Accept agreed")

        message = self._message()
        self.message.setText(message)
        self.message.setVisible(bool(message))
        self.table.setVisible(not message or bool(self.items))
        for chip in self.chips.values():
            chip.setVisible(bool(self.items))

        shown = self.open_items() if self.open_only.isChecked() else list(self.items)
        self._quiet = True
        try:
            self.model.set_items(shown, labels={lab.key: lab for lab in self.project.labels()},
                                 article_text=self.article_text, names=names)
            row = next((r for r, i in enumerate(shown) if item_key(i) == self._current_key),
                       None)
            if row is not None:
                self._select_row(row)
        finally:
            self._quiet = False
        self._update_buttons()

    def _message(self) -> str:
        if self.article_id is None:
            return "Open an article to review its annotations."
        if self._error:
            return self._error
        if not self.annotators:
            return "Nobody has tagged this article yet."
        if self.annotator_a == self.annotator_b:
            return "Choose two different annotators to compare."
        if not self.items:
            return "Neither annotator has tagged anything here: nothing to review."
        if self.open_only.isChecked() and not self.open_items():
            return "✓ No open disagreements — every disagreement has been settled."
        return ""

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def _update_buttons(self) -> None:
        item = self.current_item()
        origins = {r.origin_id for r in item.reviewed} if item else set()
        a = item.a if item else None
        b = item.b if item else None
        b_source = b is not None and not self.b_is_reviewed
        enabled = {
            "accept_a": a is not None and a.id not in origins,
            "accept_b": b_source and b is not None and b.id not in origins,
            "accept_both": (a is not None and b_source and item is not None
                            and item.kind != DiffKind.AGREED and not origins),
            "edit": a is not None or b_source,
            "reject_a": a is not None,
            "reject_b": b_source,
            "reopen": item is not None and bool(item.reviewed or item.rejected),
            "prev": bool(self.open_items()),
            "next": bool(self.open_items()),
            "accept_agreed": any(not i.needs_review and not i.settled for i in self.items)
            and not self.b_is_reviewed,
        }
        for side, side_ann in (("a", a), ("b", b)):
            rejected = item is not None and side_ann is not None and side_ann.id in item.rejected
            text = f"{'Unreject' if rejected else 'Reject'} {side.upper()}"
            self.buttons[f"reject_{side}"].setText(text)
            self.actions_by_name[f"reject_{side}"].setText(text)
        for name, on in enabled.items():
            self.buttons[name].setEnabled(bool(on))
            self.actions_by_name[name].setEnabled(bool(on))
        self._render_detail(item)

    def _render_detail(self, item: ReviewItem | None) -> None:
        if item is None:
            n = len(self.open_items())
            self.detail.setText(
                f"<span style='color:#777'>{n} open disagreement{'s' if n != 1 else ''}. "
                "Press <b>Next</b> (or N in the article) to start.</span>" if n else
                "<span style='color:#777'>Select an item to review it.</span>")
            self.detail.setVisible(bool(self.items))
            return
        self.detail.setVisible(True)
        labels = self.model.labels
        names = self._names()
        position = next((n for n, i in enumerate(self.items, 1) if i is item), 0)
        lines = [f"<span style='color:{KIND_COLORS[item.kind]}'>●</span> "
                 f"<b>{html.escape(KIND_TIPS[item.kind])}</b> "
                 f"<span style='color:#777'>· item {position} of {len(self.items)} · "
                 f"characters {item.start}–{item.end}</span>"]
        for tag, name, side in (("A", names[0], item.a), ("B", names[1], item.b)):
            if side is None:
                lines.append(f"<b>{tag}</b> <span style='color:#777'>{html.escape(name)}: "
                             "no annotation here</span>")
                continue
            label = labels.get(side.label)
            color = label.color if label else "#999"
            lname = label.name if label else side.label
            strike = ("<s>", "</s> <i style='color:#777'>rejected</i>") \
                if side.id in item.rejected else ("", "")
            lines.append(
                f"<b>{tag}</b> <span style='color:#777'>{html.escape(name)}</span> "
                f"<span style='color:{color}'>■</span> {strike[0]}<b>{html.escape(lname)}"
                f"</b>{strike[1]} — “{html.escape(_elide(side.text, 140))}”")
        for rev in item.reviewed:
            label = labels.get(rev.label)
            lines.append(
                f"<span style='color:{_SETTLED.name()}'>✓ accepted</span> by "
                f"{html.escape(rev.reviewed_by or 'someone')} as "
                f"<b>{html.escape(label.name if label else rev.label)}</b> — "
                f"“{html.escape(_elide(rev.text, 100))}”")
        self.detail.setText("<br>".join(lines))

    # ------------------------------------------------------------------ navigation
    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet or not current.isValid() or current.row() >= len(self.model.items):
            return
        item = self.model.items[current.row()]
        self._current_key = item_key(item)
        self._update_buttons()
        self._emit_activated(item)

    def _emit_activated(self, item: ReviewItem) -> None:
        self.itemActivated.emit(item.start, item.end, item.a.id if item.a else None,
                                item.b.id if item.b else None)

    def select_item(self, item: ReviewItem | None, *, emit: bool = True) -> None:
        """Make ``item`` current (select its row if listed) and, by default, announce it."""
        self._current_key = item_key(item) if item is not None else None
        self._quiet = True
        try:
            row = next((r for r, i in enumerate(self.model.items)
                        if item is not None and item_key(i) == item_key(item)), None)
            if row is not None:
                self._select_row(row)
            else:
                self.table.clearSelection()
        finally:
            self._quiet = False
        self._update_buttons()
        if item is not None and emit:
            self._emit_activated(item)

    def _step(self, step: int) -> ReviewItem | None:
        items = self.items
        if not items:
            return None
        here = next((n for n, i in enumerate(items) if item_key(i) == self._current_key), None)
        if here is None:
            here = -1 if step > 0 else len(items)
        n = len(items)
        for k in range(1, n + 1):
            pos = here + step * k
            if not 0 <= pos < n:
                pos %= n  # wrap round
            if is_open(items[pos]):
                self.select_item(items[pos])
                return items[pos]
        return None

    def next_item(self) -> ReviewItem | None:
        """Go to the next open disagreement (wrapping round); ``None`` if there is none."""
        return self._step(1)

    def prev_item(self) -> ReviewItem | None:
        """Go to the previous open disagreement (wrapping round)."""
        return self._step(-1)

    # ------------------------------------------------------------------ decisions
    def _side(self, side: str) -> Annotation | None:
        item = self.current_item()
        if item is None:
            return None
        if side == "b" and self.b_is_reviewed:
            return None
        return item.a if side == "a" else item.b

    def _write(self, what: str, fn: Callable[[], object]) -> bool:
        """Run one review write; report refusals; refresh and announce on success."""
        aid = self.article_id
        if aid is None:
            return False
        before = self.current_item()
        try:
            fn()
        except ConflictError as exc:
            QMessageBox.warning(self, f"Cannot {what}", str(exc))
            self.refresh()  # what is on screen was stale
            self.reviewChanged.emit(aid)
            return False
        except UserInputError as exc:
            QMessageBox.warning(self, f"Cannot {what}", str(exc))
            return False
        self.refresh()
        self.reviewChanged.emit(aid)
        after = self.current_item()
        if (self.advance_after_review and before is not None and is_open(before)
                and (after is None or not is_open(after))):
            self.next_item()
        return True

    def accept_side(self, side: str) -> bool:
        """Copy side ``"a"`` or ``"b"`` of the current item into the reviewed layer."""
        ann = self._side(side)
        if ann is None:
            return False
        return self._write("accept", lambda: review.accept(
            self.project, ann.id, reviewer=self.reviewer, expected_version=ann.version))

    def accept_both(self) -> bool:
        a, b = self._side("a"), self._side("b")
        if a is None or b is None:
            return False
        return self._write("accept both", lambda: review.accept_both(
            self.project, a.id, b.id, reviewer=self.reviewer,
            expected_versions=(a.version, b.version)))

    def accept_edited(self, annotation_id: str, label: str, start: int, end: int) -> bool:
        """Accept an edited copy of one of the item's annotations (label and/or span)."""
        item = self.current_item()
        src = next((s for s in (item.annotations if item else ())
                    if s.id == annotation_id), None)
        version = src.version if src is not None else None
        return self._write("accept the edited copy", lambda: review.accept_edited(
            self.project, annotation_id, reviewer=self.reviewer, label=label, start=start,
            end=end, expected_version=version))

    def toggle_reject(self, side: str) -> bool:
        item = self.current_item()
        ann = self._side(side)
        if item is None or ann is None:
            return False
        if ann.id in item.rejected:
            return self.unreject_side(side)
        return self.reject_side(side)

    def reject_side(self, side: str, reason: str = "") -> bool:
        """Reject side ``"a"`` or ``"b"`` of the current item (an audit event only)."""
        ann = self._side(side)
        if ann is None:
            return False
        return self._write("reject", lambda: review.reject(
            self.project, ann.id, reviewer=self.reviewer, reason=reason,
            expected_version=ann.version))

    def unreject_side(self, side: str) -> bool:
        ann = self._side(side)
        if ann is None:
            return False
        return self._write("withdraw the rejection", lambda: review.unreject(
            self.project, ann.id, reviewer=self.reviewer))

    def reopen(self) -> bool:
        """Undo the decisions on the current item (delete reviewed copies, unreject)."""
        item = self.current_item()
        if item is None or not (item.reviewed or item.rejected):
            return False

        def undo() -> None:
            for rev in item.reviewed:
                annotate.apply_edit(self.project, annotate.DeleteAnnotation(
                    rev.id, expected_version=rev.version), actor=self.reviewer or "unknown")
            for ann_id in item.rejected:
                review.unreject(self.project, ann_id, reviewer=self.reviewer)
        return self._write("reopen the item", undo)

    def accept_agreed(self) -> bool:
        """Accept every agreed item not yet settled (A's copy)."""
        if self.article_id is None or self.b_is_reviewed:
            return False
        aid, a, b = self.article_id, self.annotator_a, self.annotator_b
        return self._write("accept the agreed items", lambda: review.accept_agreed(
            self.project, aid, a, b, reviewer=self.reviewer))

    def edit_item(self) -> EditAcceptDialog | None:
        """Open the edit dialog for the current item (non-blocking); returns it."""
        item = self.current_item()
        if item is None:
            return None
        sides = [s for s in ("a", "b") if self._side(s) is not None]
        if not sides:
            return None
        selection = self.selection_provider() if self.selection_provider else None
        dialog = EditAcceptDialog(item, names=self._names(), labels=self.project.labels(),
                                  article_text=self.article_text, sides=sides,
                                  selection=selection, parent=self)
        dialog.accepted.connect(lambda: self.accept_edited(*dialog.values()))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.edit_dialog = dialog
        dialog.open()
        return dialog
