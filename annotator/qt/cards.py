"""A figure card: caption above, a big value, a muted detail line below.

Shared by the profile pane (KPIs) and the agreement pane (coefficients).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget


class FigureCard(QFrame):
    def __init__(self, caption: str, name: str, parent: QWidget | None = None, *,
                 wrap_detail: bool = False, selectable: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        self.caption = QLabel(caption)
        self.value = QLabel("—")
        self.value.setObjectName(f"{name}Value")
        if selectable:
            self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel("")
        self.detail.setObjectName(f"{name}Detail")
        self.detail.setWordWrap(wrap_detail)
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.value.setFont(font)
        for label in (self.caption, self.detail):  # a role, not a fixed colour: follows
            label.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # View › Theme
        for w in (self.caption, self.value, self.detail):
            layout.addWidget(w)

    def set_text(self, value: str, detail: str, tooltip: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.setToolTip(tooltip)
