"""Keep the mouse wheel from changing a value the analyst is only scrolling past.

A QComboBox or QSpinBox takes wheel focus by default: a scroll gesture over the
details pane that passes over a field changes that field, and every change is
committed at once (scrolling the Source tab once set "Hedged" to yes and saved it).
Guarded fields take focus only by Tab or click (``Qt.StrongFocus``) and, while not
focused, ignore wheel events so they propagate to the enclosing scroll area,
which scrolls instead.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QWidget,
)


class _WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget) \
                or not isinstance(event, QWheelEvent) or watched.hasFocus():
            return False
        area = _scroll_area_around(watched)
        if area is None:
            event.ignore()  # not accepted: Qt offers it to the parents
            return True
        # Hand the wheel to the enclosing scroll area explicitly: Qt propagates only
        # spontaneous wheel events, and this keeps one behaviour for all of them.
        viewport = area.viewport()
        local = QPointF(viewport.mapFromGlobal(event.globalPosition().toPoint()))
        forwarded = QWheelEvent(local, event.globalPosition(), event.pixelDelta(),
                                event.angleDelta(), event.buttons(), event.modifiers(),
                                event.phase(), event.inverted(), event.source())
        QApplication.sendEvent(viewport, forwarded)
        return True  # the field itself never sees it


def _scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


_GUARD: _WheelGuard | None = None


def guard_wheel(*widgets: QWidget) -> None:
    """Guard ``widgets`` and every combo/spin box inside them (idempotent)."""
    global _GUARD
    if _GUARD is None:
        _GUARD = _WheelGuard()
    for root in widgets:
        fields: list[QWidget] = []
        if isinstance(root, (QComboBox, QAbstractSpinBox)):
            fields.append(root)
        fields.extend(root.findChildren(QComboBox))
        fields.extend(root.findChildren(QAbstractSpinBox))
        for field in fields:
            field.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            field.removeEventFilter(_GUARD)
            field.installEventFilter(_GUARD)
