"""Wire the layers together: open a project, build the window, run the event loop.

Start-up is two-phase so the window appears at once: the shell (menus, docks, the last
article's title) is built and painted before the storage stack is imported; the last
article's stored text follows from a read-only sqlite3 peek; then the project is opened
(migrations, the seed on first start) and attached, which enables the commands and
shows the article with its highlights. See :func:`start_gui`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.services.resources import APP_ICON, seed_files

if TYPE_CHECKING:
    from annotator.qt.main_window import MainWindow
    from annotator.services.project import Project

ORGANISATION = "annotator"
APPLICATION = "annotator"

_app_ref: list[object] = []


def _ensure_qapplication():  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        from annotator.qt.platform_check import check_before_qapplication

        check_before_qapplication()
        app = QApplication(sys.argv[:1])
        _app_ref.append(app)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("annotator")
    # Window/taskbar icon, and the Wayland app id matching resources/annotator.desktop.
    from PySide6.QtGui import QIcon

    app.setWindowIcon(QIcon(str(APP_ICON)))
    app.setDesktopFileName("annotator")
    return app


def settings():  # type: ignore[no-untyped-def]
    """The user's settings; ``$ANNOTATOR_SETTINGS`` (an .ini path) isolates tests and demos."""
    import os

    from PySide6.QtCore import QSettings

    path = os.environ.get("ANNOTATOR_SETTINGS")
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(ORGANISATION, APPLICATION)


def seed_if_empty(project: Project) -> None:
    """First start: an empty project gets the seed article so there is something to tag."""
    from annotator.services import articles

    if not articles.list_articles(project):
        files = seed_files()
        if files:
            articles.import_files(project, files, outlet="Axios")


def create_window(db: str | Path | Project, *, seed: bool = True):  # type: ignore[no-untyped-def]
    """Build the main window for ``db`` without starting the event loop."""
    _ensure_qapplication()
    from annotator.qt.main_window import MainWindow
    from annotator.services.project import Project

    project = db if isinstance(db, Project) else Project(db)
    if seed:
        seed_if_empty(project)
    return MainWindow(project, settings())


def run_gui(db: str | None, files: list[Path], *,
            exit_after_paint: float | None = None) -> int:
    """The window's event loop; ``exit_after_paint`` (smoke test, start-up timing) quits
    that many seconds after the first paint of the usable (attached) window and never
    asks for the analyst's name. ``db`` is ``--db`` (None: ``$ANNOTATOR_DB`` or the
    default file)."""
    app = _ensure_qapplication()
    start_gui(db, files, exit_after_paint=exit_after_paint,
              ask_name=exit_after_paint is None, on_failed=lambda: app.exit(2))
    try:
        return int(app.exec())
    except KeyboardInterrupt:
        return 130


def start_gui(db: str | None, files: list[Path], *, exit_after_paint: float | None = None,
              ask_name: bool = True,
              on_attached: Callable[[MainWindow], None] | None = None,
              on_failed: Callable[[], None] | None = None) -> MainWindow:
    """Show the start-up shell now; the rest runs from the event loop.

    1. the shell paints (no storage stack imported yet: ``annotator.storage.peek`` and
       ``annotator.services.locations`` only use the standard library);
    2. a SQLite project's last article text is peeked and painted;
    3. the project is opened and attached — or, if it cannot be, the usual one-line
       message goes to stderr and a dialog, the window closes and ``on_failed`` runs
       (``run_gui``: the event loop exits with status 2).
    """
    _ensure_qapplication()
    from annotator.qt.main_window import MainWindow
    from annotator.qt.startup import after_first_paint
    from annotator.services.locations import database_value, sqlite_file

    prefs = settings()
    value = database_value(db)
    window = MainWindow(None, prefs)
    path = sqlite_file(value)

    def peek() -> None:
        peeked = None
        if path is not None:
            from annotator.storage.peek import peek_article

            peeked = peek_article(path, _remembered_article(prefs))
        if peeked is not None and peeked.text:
            window.show_text_preview(peeked.title, peeked.text)
            after_first_paint(window.view.viewport(), attach)
        else:
            after_first_paint(None, attach)

    def attach() -> None:
        if not _attach_project(window, value, files, prefs):
            if on_failed is not None:
                on_failed()
            return
        if window.isVisible():
            if on_attached is not None:
                on_attached(window)
            if exit_after_paint is not None:
                from annotator.qt.first_paint import quit_after_first_paint

                quit_after_first_paint(window, exit_after_paint)
                window.update()
            elif ask_name and not window.wb.analyst:
                window.project_flows.ask_analyst_name()

    after_first_paint(window, peek)
    window.show()
    return window


def _remembered_article(prefs) -> int | None:  # type: ignore[no-untyped-def]
    try:
        value = prefs.value("session/article")
        return int(str(value)) if value is not None else None
    except (TypeError, ValueError):
        return None


def _attach_project(window: MainWindow, value: str, files: list[Path],
                    prefs) -> bool:  # type: ignore[no-untyped-def]
    """Phase 2: open the project (this imports the storage stack) and attach it."""
    from PySide6.QtWidgets import QMessageBox

    from annotator.domain.errors import UserInputError
    from annotator.qt.database_dialog import remember_database
    from annotator.services import articles
    from annotator.services.project import DatabaseError, Project, resolve_database

    try:
        url = resolve_database(value)
        project = Project(url)
    except DatabaseError as exc:
        from annotator.domain.display import printable

        print(f"annotator: error: {printable(str(exc))}", file=sys.stderr, flush=True)
        QMessageBox.critical(window, "Cannot open database", str(exc))
        window.close()
        return False
    remember_database(prefs, url)
    seed_if_empty(project)
    window.attach(project)
    if files:
        try:
            report = articles.import_files(project, files)
        except UserInputError as exc:
            QMessageBox.warning(window, "Cannot import", str(exc))
        else:
            window.apply_changes(report.changes)
            if report.article_ids:
                window.wb.open_article(report.article_ids[-1])
    return True
