"""Review items: kinds, colours, statuses and the list model of the review panel."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QIcon, QPainter, QPixmap

from annotator.domain.agreement.compare import DiffKind
from annotator.domain.model import Annotation, Label
from annotator.qt import theme
from annotator.qt.palette import swatch
from annotator.qt.table_model import LEFT, Column, ColumnTableModel
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
SETTLED_COLOR = theme.NEUTRAL_FILL
"""Compare-mode colour of settled items (they fade so the open ones stand out)."""


_ICONS: dict[tuple[str, str], QIcon] = {}


def _muted() -> QColor:
    """Secondary text of the application palette: a model has no widget, and the view
    repaints on a theme change, so the colour follows View › Theme."""
    return QColor(theme.muted_text(QGuiApplication.palette()))


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


def differs_in_label_too(item: ReviewItem) -> bool:
    """A boundary disagreement whose two sides also carry different labels."""
    return (item.kind == DiffKind.BOUNDARY_DISAGREEMENT and item.a is not None
            and item.b is not None and item.a.label != item.b.label)


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


class ReviewItemModel(ColumnTableModel[ReviewItem]):
    """The visible review items (all, or open disagreements only), in text order."""

    KIND, TEXT, A, B, STATUS = range(5)

    def __init__(self) -> None:
        super().__init__((), row_id=item_key)
        self.labels: dict[str, Label] = {}
        self.article_text = ""
        self.names = ("A", "B")
        self.columns = tuple(self._columns())

    def _columns(self) -> list[Column]:
        def side(col: int) -> Column:
            name = self.names[col - self.A]
            return Column(
                f"{'AB'[col - self.A]} · {_elide(name, 18)}",
                lambda item: self._side_text(item, col),
                tooltip=self.tooltip, decoration=lambda item: self._side_icon(item, col),
                foreground=lambda item: self._muted(item, col),
                font=lambda item: self._side_font(item, col), header_tooltip=name)
        return [
            Column("Kind", lambda item: KIND_NAMES[item.kind]
                   + ("+label" if differs_in_label_too(item) else ""), tooltip=self.tooltip,
                   decoration=lambda item: kind_dot(KIND_COLORS[item.kind]),
                   foreground=lambda item: self._muted(item, self.KIND)),
            Column("Text", lambda item: f"“{self.snippet(item)}”", tooltip=self.tooltip,
                   foreground=lambda item: self._muted(item, self.TEXT)),
            side(self.A),
            side(self.B),
            Column("Status", self._status, tooltip=self.tooltip, align=LEFT,
                   foreground=self._status_brush, font=self._status_font),
        ]

    def set_items(self, items: Sequence[ReviewItem], *, labels: dict[str, Label] | None = None,
                  article_text: str = "", names: tuple[str, str] = ("A", "B")) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.labels = labels or {}
        self.article_text = article_text
        self.names = names
        self.columns = tuple(self._columns())
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, self.A, self.B)

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

    def _side_text(self, item: ReviewItem, col: int) -> str:
        side = self._side(item, col)
        return self._label_name(side.label, short=True) if side else "—"

    def _side_icon(self, item: ReviewItem, col: int) -> QIcon | None:
        side = self._side(item, col)
        label = self.labels.get(side.label) if side else None
        return label_icon(label.color) if label else None

    def _muted(self, item: ReviewItem, col: int) -> QBrush | None:
        if not is_open(item) or (col in (self.A, self.B) and self._side(item, col) is None):
            return QBrush(_muted())
        return None

    def _side_font(self, item: ReviewItem, col: int) -> QFont | None:
        side = self._side(item, col)
        if side is not None and side.id in item.rejected:
            font = QFont()
            font.setStrikeOut(True)
            return font
        return None

    def _status(self, item: ReviewItem) -> str:
        status = status_of(item)
        if status == "open" and item.rejected:
            return "open · 1 rejected"
        if status == "open" and not item.needs_review:
            return "agreed"
        return status

    def _status_brush(self, item: ReviewItem) -> QBrush:
        if is_open(item):
            return QBrush(theme.text_color("warning"))
        if item.reviewed:
            return QBrush(theme.text_color("ok"))
        return QBrush(_muted())

    def _status_font(self, item: ReviewItem) -> QFont | None:
        if not is_open(item):
            return None
        font = QFont()
        font.setBold(True)
        return font

    def tooltip(self, item: ReviewItem) -> str:
        parts = [f"<b>{html.escape(KIND_TIPS[item.kind])}</b> "
                 f"<span style='color:{theme.muted_text(QGuiApplication.palette(), tooltip=True)}'>"
                 f"({item.start}–{item.end})</span>"]
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


