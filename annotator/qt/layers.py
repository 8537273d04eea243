"""Annotator layers: show/hide each analyst's annotations, colour by label or annotator."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.qt.palette import swatch
from annotator.qt.theme import ANNOTATOR_PALETTE, REVIEWED_COLOR

__all__ = ["ANNOTATOR_PALETTE", "REVIEWED_COLOR", "LayersPanel", "annotator_colors"]


def annotator_colors(names: list[str]) -> dict[str, str]:
    """Stable distinct colours: the reviewed layer is black, others cycle a palette."""
    out: dict[str, str] = {}
    n = 0
    for name in sorted(names):
        if name == "reviewed":
            out[name] = REVIEWED_COLOR
        else:
            out[name] = ANNOTATOR_PALETTE[n % len(ANNOTATOR_PALETTE)]
            n += 1
    return out


class LayersPanel(QWidget):
    layersChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("layersPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        row = QHBoxLayout()
        row.addWidget(QLabel("Colour by"))
        self.color_by = QComboBox()
        self.color_by.setObjectName("layersColorBy")
        self.color_by.addItem("source type (label)", "label")
        self.color_by.addItem("annotator", "annotator")
        self.color_by.currentIndexChanged.connect(lambda _i: self.layersChanged.emit())
        row.addWidget(self.color_by, 1)
        layout.addLayout(row)
        self.list = QListWidget()
        self.list.setObjectName("layersList")
        self.list.itemChanged.connect(lambda _item: self._changed())
        layout.addWidget(self.list, 1)
        hint = QLabel("Untick an analyst to hide their annotations.")
        hint.setObjectName("layersHint")
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # grey, light or dark
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self._loading = False
        self._hidden: set[str] = set()
        self.colors: dict[str, str] = {}

    def set_annotators(self, counts: dict[str, int]) -> None:
        """Annotators present in the open article with their annotation counts.

        The same analysts as shown (a tag, a deletion): only the counts change, in
        place — no new list items or colour swatches for every tag.
        """
        names = sorted(counts, key=lambda n: (n == "reviewed", n.lower()))
        shown = [self.list.item(i) for i in range(self.list.count())]
        if names == [item.data(Qt.ItemDataRole.UserRole) for item in shown]:
            self._loading = True
            for name, item in zip(names, shown, strict=True):
                label = "Reviewed layer" if name == "reviewed" else name
                text = f"{label}  ({counts[name]})"
                if item.text() != text:
                    item.setText(text)
            self._loading = False
            return
        self._loading = True
        self.colors = annotator_colors(list(counts))
        self.list.clear()
        for name in names:
            label = "Reviewed layer" if name == "reviewed" else name
            item = QListWidgetItem(swatch(self.colors[name]), f"{label}  ({counts[name]})")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if name in self._hidden
                               else Qt.CheckState.Checked)
            if name == "reviewed":  # stands out by weight (black text would vanish on dark)
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
        self._loading = False

    def _changed(self) -> None:
        if self._loading:
            return
        hidden = set()
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.checkState() != Qt.CheckState.Checked:
                hidden.add(item.data(Qt.ItemDataRole.UserRole))
        self._hidden = hidden
        self.layersChanged.emit()

    def set_visible(self, name: str, visible: bool) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                item.setCheckState(Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked)

    @property
    def hidden(self) -> set[str]:
        return set(self._hidden)

    @property
    def mode(self) -> str:
        return str(self.color_by.currentData())
