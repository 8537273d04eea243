"""File › Recent files: the last files opened, newest first, kept in QSettings.

At most :data:`MAX_RECENT` paths are kept (``file/recent``). The menu is rebuilt
each time it is shown; a file that no longer exists is dropped from the list then,
and the analyst is told which (one line, through ``pruned``) rather than being
offered an entry that can only fail.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

SETTING = "file/recent"
MAX_RECENT = 10


class RecentFiles(QObject):
    pruned = Signal(str)  # a one-line message naming the files dropped

    def __init__(self, settings: QSettings, open_path: Callable[[Path], object],
                 parent: QObject | None = None, *, limit: int = MAX_RECENT) -> None:
        super().__init__(parent)
        self.settings = settings
        self.open_path = open_path
        self.limit = limit
        self.menu: QMenu | None = None

    # --- the list ------------------------------------------------------------
    def paths(self) -> list[Path]:
        value = self.settings.value(SETTING, [])
        if isinstance(value, str):  # QSettings returns a lone entry as a string
            value = [value]
        if not isinstance(value, (list, tuple)):
            return []
        return [Path(str(p)) for p in value if p]

    def _store(self, paths: list[Path]) -> None:
        self.settings.setValue(SETTING, [str(p) for p in paths[: self.limit]])

    def add(self, *paths: Path | str) -> None:
        """Put ``paths`` at the top (the first given ends up first), without duplicates."""
        fresh = [Path(p).resolve() for p in paths]
        kept = [p for p in self.paths() if p not in fresh]
        self._store(fresh + kept)

    def clear(self) -> None:
        self._store([])

    def prune(self) -> list[Path]:
        """Drop the files that no longer exist; return them (and say so once)."""
        paths = self.paths()
        missing = [p for p in paths if not p.is_file()]
        if missing:
            self._store([p for p in paths if p not in missing])
            names = ", ".join(p.name for p in missing[:3])
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            self.pruned.emit(f"Removed from Recent files (no longer found): {names}{more}")
        return missing

    # --- the menu ----------------------------------------------------------------
    def build_menu(self, parent: QWidget | None = None) -> QMenu:
        return self.attach(QMenu("Recent &files", parent))

    def attach(self, menu: QMenu) -> QMenu:
        """Fill ``menu`` (e.g. the window's File › Recent files), rebuilt on each show."""
        menu.setObjectName("recentFilesMenu")
        menu.aboutToShow.connect(self.refresh_menu)
        self.menu = menu
        self.refresh_menu()
        return menu

    def refresh_menu(self) -> None:
        menu = self.menu
        if menu is None:
            return
        self.prune()
        menu.clear()
        paths = self.paths()
        for n, path in enumerate(paths, start=1):
            accel = f"&{n % 10} " if n <= 10 else ""
            action = QAction(f"{accel}{path.name}", menu)
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.setData(str(path))
            action.triggered.connect(lambda _=False, p=path: self._open(p))
            menu.addAction(action)
        if not paths:
            empty = menu.addAction("(none yet)")
            empty.setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("Clear list")
        clear.setObjectName("recentFilesClear")
        clear.setEnabled(bool(paths))
        clear.triggered.connect(self.clear)

    def _open(self, path: Path) -> None:
        if not path.is_file():  # deleted while the menu was open
            self.prune()
            return
        self.add(path)
        self.open_path(path)
