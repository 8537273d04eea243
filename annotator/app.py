"""Wire the layers together: open a project, build the window, run the event loop."""

from __future__ import annotations

import sys
from pathlib import Path

from annotator.domain.errors import UserInputError
from annotator.services import articles
from annotator.services.project import DatabaseError, Project
from annotator.services.resources import APP_ICON, seed_files

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
    if not articles.list_articles(project):
        files = seed_files()
        if files:
            articles.import_files(project, files, outlet="Axios")


def create_window(db: str | Path | Project, *, seed: bool = True):  # type: ignore[no-untyped-def]
    """Build the main window for ``db`` without starting the event loop."""
    _ensure_qapplication()
    from annotator.qt.main_window import MainWindow

    project = db if isinstance(db, Project) else Project(db)
    if seed:
        seed_if_empty(project)
    return MainWindow(project, settings())


def run_gui(db: str, files: list[Path], *, exit_after_paint: float | None = None) -> int:
    """The window's event loop; ``exit_after_paint`` (smoke test, start-up timing) quits
    that many seconds after the first paint and never asks for the analyst's name."""
    app = _ensure_qapplication()
    from PySide6.QtWidgets import QMessageBox

    try:
        project = Project(db)
    except DatabaseError as exc:
        QMessageBox.critical(None, "Cannot open database", str(exc))
        print(f"annotator: error: {exc}", file=sys.stderr)
        return 2
    from annotator.qt.database_dialog import remember_database

    remember_database(settings(), db)
    window = create_window(project)
    if exit_after_paint is not None:
        from annotator.qt.first_paint import quit_after_first_paint

        quit_after_first_paint(window, exit_after_paint)
    window.show()
    if files:
        try:
            report = articles.import_files(project, files)
        except UserInputError as exc:
            QMessageBox.warning(window, "Cannot import", str(exc))
        else:
            window.apply_changes(report.changes)
            if report.article_ids:
                window.wb.open_article(report.article_ids[-1])
    if not window.wb.analyst and exit_after_paint is None:
        window.project_flows.ask_analyst_name()
    return int(app.exec())
