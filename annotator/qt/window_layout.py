"""Window size and dock layout: fit the screen, first start, reset, repair.

The window never grows beyond the screen's available geometry: the first start fits
1280×720 with the article the largest thing on screen, a saved layout that no longer
fits (another monitor, a smaller laptop) is repaired on start, and View › Reset layout
brings back the first-start layout at any time.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar

FIRST_SIZE = (1360, 820)
"""Preferred first-start size; shrunk to the available screen area."""
BOTTOM_SHARE = 5
"""On first start the table dock takes 1/BOTTOM_SHARE of the height."""
DECORATION = (8, 36)
"""Assumed window-manager frame (borders, title bar) until the real one is known."""
MARGIN = (40, 80)
"""A first start on a screen smaller than FIRST_SIZE plus this starts maximized."""
SIDE_WIDTH = {True: (200, 300), False: (240, 380)}
"""First-start widths of the left (articles, layers) and right (details) docks, on a
small screen (< 1500 px wide) and otherwise."""


def first_size(area: QRect) -> tuple[int, int]:
    """FIRST_SIZE, or nine tenths of a larger screen (up to 1680×1050)."""
    return (min(area.width(), max(FIRST_SIZE[0], min(1680, area.width() * 9 // 10))),
            min(area.height(), max(FIRST_SIZE[1], min(1050, area.height() * 9 // 10))))


def available(window: QMainWindow) -> QRect:
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 720)


def fit_to_screen(window: QMainWindow) -> bool:
    """Shrink and move the window inside the available screen area; True if it moved."""
    if window.isMaximized() or window.isFullScreen():
        return False
    area = available(window)
    frame = window.frameGeometry()
    extra_w = frame.width() - window.width()
    extra_h = frame.height() - window.height()
    if window.isVisible() and (extra_w, extra_h) == (0, 0) and window.windowHandle() \
            and QGuiApplication.platformName() == "xcb":
        extra_w, extra_h = DECORATION  # the window manager has not told us yet
    width = min(window.width(), area.width() - extra_w)
    height = min(window.height(), area.height() - extra_h)
    changed = (width, height) != (window.width(), window.height())
    if changed:
        window.resize(width, height)
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.x()), area.right() - frame.width() + 1)
    y = min(max(frame.y(), area.y()), area.bottom() - frame.height() + 1)
    if (x, y) != (frame.x(), frame.y()):
        window.move(x, y)
        changed = True
    return changed


def hide_stale_tab_bars(window: QMainWindow) -> int:
    """Hide tab bars Qt left behind; returns how many.

    QMainWindow (Qt 6.8–6.11) keeps painting a stale copy of a dock tab group's bar when
    a second tab group is made before the window is first shown (the copy shows the
    group as it was after its first tabify, at the size the window had then). A real
    bar lies right along its docks; the stale one does not.
    """
    docks = {d.windowTitle(): d for d in window.findChildren(QDockWidget)}
    hidden = 0
    for bar in window.findChildren(QTabBar):
        if bar.parent() is not window or not bar.isVisible():
            continue
        titles = [bar.tabText(i) for i in range(bar.count())]
        current = docks.get(titles[bar.currentIndex()]) if titles and \
            bar.currentIndex() >= 0 else None
        if current is None or current.isFloating():
            continue
        along = (abs(bar.x() - current.x()) <= 2 and abs(bar.width() - current.width()) <= 4
                 and (abs(bar.y() - current.geometry().bottom() - 1) <= 4
                      or abs(bar.geometry().bottom() + 1 - current.y()) <= 4))
        if not along:
            bar.hide()
            hidden += 1
    return hidden


class WindowLayout:
    def __init__(self, window: QMainWindow, settings: QSettings) -> None:
        self.window = window
        self.settings = settings
        self.default_state = QByteArray()
        self.first_start = False
        self.split_at_start = False
        """The first-start split was applied when the window was shown."""

    def restore(self) -> None:
        """Saved geometry and dock state, repaired if they no longer fit the screen."""
        window = self.window
        self.default_state = window.saveState()
        area = available(window)
        window.resize(*first_size(area))
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            window.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            window.restoreState(state)
        else:
            self.first_start = True
            if (area.width() < FIRST_SIZE[0] + MARGIN[0]
                    or area.height() < FIRST_SIZE[1] + MARGIN[1]):
                # A small screen (1280×720, 1366×768): use all of it; the window manager
                # then keeps the frame on screen too.
                window.setWindowState(Qt.WindowState.WindowMaximized)
        fit_to_screen(window)

    def shown(self) -> None:
        """After the first show: first-start dock sizes; repair what does not fit."""
        if fit_to_screen(self.window) and not self.first_start:
            self.first_start = True  # a saved layout that did not fit: re-split too
        # The window manager decorates the window a moment after it is shown.
        QTimer.singleShot(400, self.window, lambda: fit_to_screen(self.window))
        QTimer.singleShot(0, self.window, lambda: hide_stale_tab_bars(self.window))
        QTimer.singleShot(450, self.window, lambda: hide_stale_tab_bars(self.window))
        if self.first_start:
            self.first_start = False
            self.split_at_start = True
            QTimer.singleShot(0, self.window, self.size_docks)

    def contents_arrived(self) -> None:
        """Start-up's second phase put the real widgets into the docks the shell showed
        with placeholders; on a first start, split the window again for them."""
        if self.split_at_start:
            QTimer.singleShot(0, self.window, self.size_docks)

    def save(self) -> None:
        self.settings.setValue("window/geometry", self.window.saveGeometry())
        self.settings.setValue("window/state", self.window.saveState())

    def reset(self) -> None:
        """View › Reset layout: every dock where it was on first start."""
        window = self.window
        for dock in window.findChildren(QDockWidget):
            dock.setFloating(False)
        window.restoreState(self.default_state)
        area = available(window)
        window.resize(*first_size(area))
        fit_to_screen(window)
        QTimer.singleShot(0, self.window, self.size_docks)
        QTimer.singleShot(0, self.window, lambda: hide_stale_tab_bars(self.window))

    def size_docks(self) -> None:
        """A compact table and narrow side docks so the article gets most of the room.

        (resizeDocks is ignored for tabified docks; a temporary fixed height is the
        reliable way to set the initial split.)
        """
        window = self.window
        bottom = max(130, window.height() // BOTTOM_SHARE)
        small = available(window).width() < 1500
        docks = {d.objectName(): d for d in window.findChildren(QDockWidget)}
        below = [d for d in docks.values()
                 if window.dockWidgetArea(d) == Qt.DockWidgetArea.BottomDockWidgetArea]
        for dock in below:
            dock.setMaximumHeight(bottom)
            dock.setMinimumHeight(bottom)
        left = [d for d in docks.values()
                if window.dockWidgetArea(d) == Qt.DockWidgetArea.LeftDockWidgetArea
                and d.isVisible()]
        right = [d for d in docks.values()
                 if window.dockWidgetArea(d) == Qt.DockWidgetArea.RightDockWidgetArea
                 and d.isVisible()]
        if left:
            window.resizeDocks(left[:1], [SIDE_WIDTH[small][0]], Qt.Orientation.Horizontal)
        if right:
            window.resizeDocks(right[:1], [SIDE_WIDTH[small][1]], Qt.Orientation.Horizontal)

        def release() -> None:
            for dock in below:
                dock.setMaximumHeight(16_777_215)
                dock.setMinimumHeight(0)
        QTimer.singleShot(0, window, release)
