"""Text size of the article: Ctrl+= / Ctrl+- / Ctrl+0 and Ctrl+wheel, remembered.

The step is kept in QSettings (``view/zoom``) as a number of points added to the
view's base font size, so a restart shows the article at the size last chosen.
Only the article zooms; the panes keep the desktop's font.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QWheelEvent
from PySide6.QtWidgets import QPlainTextEdit

SETTING = "view/zoom"
MIN_STEP, MAX_STEP = -6, 24
"""Points added to the base size: from small print to presentation size."""


def _unique(*keys: QKeySequence) -> list[QKeySequence]:
    out: list[QKeySequence] = []
    for key in keys:
        if not key.isEmpty() and key not in out:
            out.append(key)
    return out


class ZoomController(QObject):
    changed = Signal(float)  # point size now

    def __init__(self, view: QPlainTextEdit, settings: QSettings,
                 parent: QObject | None = None) -> None:
        super().__init__(parent or view)
        self.view = view
        self.settings = settings
        self.base_size = view.font().pointSizeF()
        try:
            step = int(str(settings.value(SETTING, 0)))
        except (TypeError, ValueError):
            step = 0
        self.step = max(MIN_STEP, min(MAX_STEP, step))

        self.in_action = QAction("Zoom &in", self)
        self.in_action.setObjectName("actionZoomIn")
        self.in_action.setShortcuts(_unique(
            QKeySequence("Ctrl+="), QKeySequence("Ctrl++"),
            *QKeySequence.keyBindings(QKeySequence.StandardKey.ZoomIn)))
        self.in_action.triggered.connect(lambda: self.zoom(1))
        self.out_action = QAction("Zoom &out", self)
        self.out_action.setObjectName("actionZoomOut")
        self.out_action.setShortcuts(_unique(
            QKeySequence("Ctrl+-"), *QKeySequence.keyBindings(QKeySequence.StandardKey.ZoomOut)))
        self.out_action.triggered.connect(lambda: self.zoom(-1))
        self.reset_action = QAction("&Actual size", self)
        self.reset_action.setObjectName("actionZoomReset")
        self.reset_action.setShortcut(QKeySequence("Ctrl+0"))
        self.reset_action.triggered.connect(self.reset)
        # Ctrl+wheel: QPlainTextEdit zooms a read-only view itself, but would not
        # remember it; route it through here instead.
        view.viewport().installEventFilter(self)
        self._apply()

    def actions(self) -> list[QAction]:
        return [self.in_action, self.out_action, self.reset_action]

    @property
    def point_size(self) -> float:
        return self.base_size + self.step

    def zoom(self, delta: int) -> None:
        step = max(MIN_STEP, min(MAX_STEP, self.step + delta))
        if step != self.step:
            self.step = step
            self._apply()

    def reset(self) -> None:
        if self.step:
            self.step = 0
            self._apply()

    def _apply(self) -> None:
        font = self.view.font()
        if font.pointSizeF() != self.point_size:
            # Keep the reading position: the relayout changes every line's height.
            bar = self.view.verticalScrollBar()
            fraction = bar.value() / bar.maximum() if bar.maximum() else 0.0
            font.setPointSizeF(self.point_size)
            self.view.setFont(font)
            bar.setValue(round(fraction * bar.maximum()))
        self.settings.setValue(SETTING, self.step)
        self.in_action.setEnabled(self.step < MAX_STEP)
        self.out_action.setEnabled(self.step > MIN_STEP)
        self.changed.emit(self.point_size)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Wheel and isinstance(event, QWheelEvent) \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            delta = event.angleDelta().y()
            if delta:
                self.zoom(1 if delta > 0 else -1)
            return True
        return False
