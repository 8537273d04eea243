"""Quit a given time after the window first painted: the bundle's smoke test and the
start-up measurements (``annotator gui --smoke-exit-after-paint SECONDS``, hidden).

"Painted" means Qt delivered a paint event to a widget of the window — with the
offscreen platform as on a screen — and the window then renders to an image that is
not blank. The line written to stderr is what tests and timings read; times are
measured from outside (process start to exit), the same way for the bundle and for
the pip-installed app.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


def _distinct_colours(widget: QWidget, samples: int = 64) -> int:
    image = widget.grab().toImage()
    width, height = image.width(), image.height()
    if width == 0 or height == 0:
        return 0
    colours = set()
    for i in range(samples):
        for j in range(samples):
            colours.add(image.pixel(i * (width - 1) // (samples - 1),
                                    j * (height - 1) // (samples - 1)))
    return len(colours)


class _FirstPaint(QObject):
    def __init__(self, window: QWidget, delay_s: float) -> None:
        super().__init__(window)
        self._window = window
        self._delay_ms = max(0, int(delay_s * 1000))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (event.type() == QEvent.Type.Paint and isinstance(obj, QWidget)
                and obj.window() is self._window):
            app = QApplication.instance()
            assert app is not None
            app.removeEventFilter(self)
            QTimer.singleShot(0, self._report)
        return False

    def _report(self) -> None:
        colours = _distinct_colours(self._window)
        size = self._window.size()
        print(f"annotator: first paint {size.width()}x{size.height()}, {colours} colours",
              file=sys.stderr, flush=True)
        app = QApplication.instance()
        assert app is not None
        QTimer.singleShot(self._delay_ms, lambda: app.exit(0 if colours > 1 else 3))


def quit_after_first_paint(window: QWidget, delay_s: float) -> None:
    """Exit status 0 ``delay_s`` after a non-blank first paint; 3 if it painted blank."""
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(_FirstPaint(window, delay_s))
