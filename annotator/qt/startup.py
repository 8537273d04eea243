"""Start-up sequencing: run the next phase once the previous one is on screen.

The window is shown in steps (shell, peeked text, attached project; see
``annotator/app.py``); each step waits until Qt has painted the last one, so the
analyst sees the window before the next, slower step starts.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

PAINT_WAIT_MS = 1000
"""Go on after this long even if the window was not painted."""


class _AfterPaint(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._callback: Callable[[], None] | None = callback
        # A window that is never exposed (minimised, another desktop) is not painted:
        # start-up must go on regardless.
        QTimer.singleShot(PAINT_WAIT_MS, self, self._fire)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (self._callback is not None and event.type() == QEvent.Type.Paint
                and isinstance(obj, QWidget)
                and (obj is self._widget or obj.window() is self._widget)):
            # After this paint (and the flush to the screen) has finished.
            QTimer.singleShot(0, self._fire)
        return False

    def _fire(self) -> None:
        callback, self._callback = self._callback, None
        if callback is None:
            return
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        callback()


def after_first_paint(widget: QWidget | None, callback: Callable[[], None]) -> None:
    """Call ``callback`` from the event loop once ``widget`` (a top-level window: any of
    its widgets) has next been painted; ``None``: as soon as the loop runs."""
    if widget is None:
        QTimer.singleShot(0, callback)
        return
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(_AfterPaint(widget, callback))
