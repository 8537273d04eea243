"""The window's skeleton: a thin shell, small modules, one router, generated help."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from annotator.services.changes import Changes

QT = Path(__file__).resolve().parents[1] / "annotator" / "qt"


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_main_window_is_a_thin_shell_and_no_qt_module_is_large() -> None:
    assert _lines(QT / "main_window.py") <= 400
    big = {p.relative_to(QT).as_posix(): _lines(p) for p in QT.rglob("*.py") if _lines(p) > 600}
    assert big == {}


def test_no_pane_or_controller_defines_its_own_refresh_router() -> None:
    """apply_changes is routed only by the window; panes implement the hook."""
    for path in [*QT.glob("controllers/*.py"), *QT.glob("panes/*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "def refresh_articles" not in text and "def reload_article" not in text, path


def test_every_dock_is_a_registered_pane_built_on_first_show(window) -> None:
    docks = {d.objectName() for d in window.panes.docks()}
    assert {"articlesDock", "tableDock", "detailsDock", "layersDock", "profileDock",
            "reviewDock", "commentsDock", "agreementDock"} <= docks
    # Hidden behind other tabs at start: not built yet.
    assert window.panes.panes["profileDock"].widget is None
    assert window.panes.panes["reviewDock"].widget is None
    window.panes.panes["profileDock"].dock.raise_()
    window.panes.panes["profileDock"].dock.show()
    from PySide6.QtWidgets import QApplication

    for _ in range(5):
        QApplication.processEvents()
    assert window.panes.panes["profileDock"].widget is not None


def test_changes_combine_and_empty_is_falsy() -> None:
    assert not Changes()
    both = Changes(labels=True) | Changes(reload_articles=frozenset({3}))
    assert both.labels and both.reloads(3) and not both.reloads(4)
    assert both.touches_article(3)


def test_f1_lists_every_registered_shortcut(window, qtbot) -> None:
    qtbot.keyClick(window.view, Qt.Key.Key_F1)
    dialog = window.help.dialog
    assert dialog is not None and dialog.isVisible()
    text = dialog.findChild(object, "shortcutsHelp").toPlainText()
    for command in window.wb.actions.commands.values():
        for key in command.action.shortcuts():
            shown = key.toString(key.SequenceFormat.NativeText)
            if shown:
                assert shown in text, (command.action.objectName(), shown)
    for must in ("Ctrl+Z", "Ctrl+R", "F5", "Esc", "Del", "1"):
        assert must in text


def test_help_about_shows_version_facts(window) -> None:
    window.wb.actions.action("actionAbout").trigger()
    dialog = window.help.dialog
    assert dialog is not None and dialog.isVisible()
    assert "About" in dialog.windowTitle()


def test_file_menus_and_filters_come_from_the_format_registry(window) -> None:
    from annotator.domain.formats.registry import FORMATS
    from annotator.qt.file_filters import ANNOTATION_FILTER, ANNOTATION_SUFFIXES

    menu = window.wb.actions.menu("&File/Export current article as")
    offered = [a.objectName() for a in menu.actions()]
    assert offered == [f"actionExport_{f.name}" for f in FORMATS if f.name != "csv"]
    for fmt in FORMATS:
        assert fmt.file_filter in ANNOTATION_FILTER
        assert fmt.unit_short in " ".join(a.text() for a in menu.actions()) or fmt.name == "csv"
    assert ".txt" not in ANNOTATION_SUFFIXES and ".ann" in ANNOTATION_SUFFIXES


def test_no_stale_dock_tab_bar_is_painted(window) -> None:
    from PySide6.QtWidgets import QApplication, QTabBar

    for _ in range(10):
        QApplication.processEvents()
    visible = [[b.tabText(i) for i in range(b.count())] for b in window.findChildren(QTabBar)
               if b.parent() is window and b.isVisible()]
    # one bar per tab group: no bar that is a stale copy of another group's first tabs
    for bar in visible:
        assert not any(other != bar and other[:len(bar)] == bar for other in visible), visible
