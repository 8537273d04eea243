"""Help › About: the ``--version`` facts in a dialog, copied with one click (pytest-qt)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication

from annotator import __version__
from annotator.qt.about_dialog import AboutDialog, about_dialog
from annotator.services.project import Project
from annotator.services.version_info import gather
from annotator.storage.engine import head_revision


def test_about_shows_the_version_facts_and_copies_them(qtbot, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = Project(db_path)
    dialog = about_dialog(project.url)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    shown = {name: label.text() for name, label in dialog.values.items()}
    assert shown["annotator"] == __version__
    assert shown["Qt"] == f"{qVersion()} (PySide6 {qVersion()})"
    assert shown["database"] == str(db_path)
    assert shown["schema revision"] == f"{head_revision()} (up to date)"
    assert shown == dict(gather(project.url, qt_runtime=qVersion()).rows())

    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied == dialog.info.as_text()
    assert f"schema revision: {head_revision()} (up to date)\n" in copied
    assert dialog.copy_button.text() == "Copied"
    qtbot.waitUntil(lambda: dialog.copy_button.text() == "&Copy", timeout=5000)
    project.close()


def test_about_for_a_database_not_created_yet_creates_nothing(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "later" / "p.sqlite"
    dialog = AboutDialog(gather(str(missing), qt_runtime=qVersion()))
    qtbot.addWidget(dialog)
    assert dialog.values["schema revision"].text().startswith("none yet")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and not missing.parent.exists()


def test_help_menu_about_in_the_real_window(qtbot, window, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    bar = window.menuBar()
    help_menu = next(a.menu() for a in bar.actions() if a.text() == "&Help")
    about = next(a for a in help_menu.actions() if a.text() == "&About annotator")
    about.trigger()
    dialog = window.help.dialog
    assert isinstance(dialog, AboutDialog) and dialog.isVisible()
    assert dialog.values["database"].text() == str(db_path)
    assert dialog.values["schema revision"].text() == f"{head_revision()} (up to date)"
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text().startswith(f"annotator: {__version__}\n")
    dialog.close()
