"""Find, zoom, theme, recent files and word snapping through the real main window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QTextBrowser

from annotator.domain.text_search import find_all
from annotator.qt import theme
from annotator.qt.find_bar import FindBar

from .test_word_snap import drag


def _activate(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # window shortcuts need the active window
    window.view.setFocus()


def _menu(window, *path: str) -> QMenu:  # type: ignore[no-untyped-def]
    menu: QMenu | None = None
    actions = window.menuBar().actions()
    for title in path:
        found = next(a for a in actions if a.text().replace("&", "") == title)
        menu = found.menu()
        assert menu is not None, title
        actions = menu.actions()
    assert menu is not None
    return menu


def test_find_in_the_window_then_tag_the_hit(window, qtbot) -> None:
    _activate(window, qtbot)
    view = window.view
    text = window.article.text
    bar = window.findChild(FindBar, "findBar")
    assert bar is not None and not bar.isVisible()
    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert bar.isVisible() and bar.field.hasFocus()
    qtbot.keyClicks(bar.field, "envoys")
    hits = find_all(text, "envoys")
    assert len(hits) >= 2 and bar.count.text() == f"1 of {len(hits)}"
    assert len(view.extraSelections()) >= 2  # every hit on screen is marked
    qtbot.keyClick(bar.field, Qt.Key.Key_F3)
    assert view.selection_cp() == hits[1]
    # Esc closes the bar (not the window's "clear selection"); the hit stays selected
    # and a digit tags it.
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible() and view.hasFocus()
    assert view.selection_cp() == hits[1]
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert [(a.start, a.end) for a in window.article.rows] == [hits[1]]
    # The find commands are in the Edit menu.
    edit = [a.text() for a in _menu(window, "Edit").actions()]
    assert "&Find in article…" in edit and "Find &next" in edit


def test_f1_lists_the_new_shortcuts(window, qtbot) -> None:
    _activate(window, qtbot)
    qtbot.keyClick(window.view, Qt.Key.Key_F1)
    browsers = [b for top in QApplication.topLevelWidgets() if top.isVisible()
                for b in top.findChildren(QTextBrowser, "shortcutsHelp")]
    assert browsers
    listed = browsers[0].toPlainText()
    for keys in ("Ctrl+F", "F3", "Shift+F3", "Ctrl+=", "Ctrl+-", "Ctrl+0"):
        assert keys in listed, keys
    assert "find words in the article" in listed


def test_zoom_is_remembered_for_the_next_start(window, qtbot, db_path: Path) -> None:
    _activate(window, qtbot)
    base = window.view.font().pointSizeF()
    for _ in range(3):
        qtbot.keyClick(window.view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.view.font().pointSizeF() == base + 2
    assert window.statusBar().font().pointSizeF() != base + 2  # only the article zooms
    window.close()
    from annotator.app import create_window

    again = create_window(window.project)
    qtbot.addWidget(again)
    assert again.view.font().pointSizeF() == base + 2
    again.show()
    qtbot.waitExposed(again)
    _activate(again, qtbot)
    qtbot.keyClick(again.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert again.view.font().pointSizeF() == base
    again.close()


def test_dark_theme_from_view_menu_and_from_the_system(window, qtbot) -> None:
    app = QApplication.instance()
    view = window.view
    light_base = app.palette().color(QPalette.ColorRole.Base)
    try:
        theme_menu = _menu(window, "View", "Theme")
        by_text = {a.text().replace("&", ""): a for a in theme_menu.actions()}
        assert set(by_text) == {"Follow system", "Light", "Dark"}
        assert by_text["Follow system"].isChecked()
        by_text["Dark"].trigger()
        qtbot.waitUntil(lambda: theme.is_dark(view.palette()))
        assert view.highlighter.color_adjust is not None
        assert window.settings.value("view/theme") == "dark"
        by_text["Follow system"].trigger()
        qtbot.waitUntil(lambda: not theme.is_dark(view.palette()))
        # The desktop switches to dark: the window follows without a restart.
        QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        qtbot.waitUntil(lambda: theme.is_dark(view.palette()))
        # The selected annotation's outline uses the palette's text colour (readable).
        text = window.article.text
        i = text.index("Axios reports")
        view.select_cp(i, i + len("Axios reports"))
        view.setFocus()
        qtbot.keyClick(view, Qt.Key.Key_6)
        (outline,) = [s for s in view.extraSelections()]
        assert outline.format.underlineColor() == view.palette().color(QPalette.ColorRole.Text)
        QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
        qtbot.waitUntil(lambda: not theme.is_dark(view.palette()))
    finally:
        QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert app.palette().color(QPalette.ColorRole.Base) == light_base


def test_recent_files_menu_opens_and_prunes(window, qtbot, tmp_path: Path) -> None:
    files = []
    for n in range(3):
        f = tmp_path / f"story{n}.txt"
        f.write_text(f"Story {n}\n\nThe minister said, according to officials, thing {n}.\n",
                     encoding="utf-8")
        files.append(f)
    for f in files:
        window.articles.import_paths([f])
    menu = _menu(window, "File", "Recent files")
    menu.popup(window.mapToGlobal(QPoint(40, 40)))  # rebuilt as it is shown
    qtbot.waitUntil(menu.isVisible)
    names = [a.text() for a in menu.actions() if a.data()]
    assert names == ["&1 story2.txt", "&2 story1.txt", "&3 story0.txt"]
    menu.hide()
    files[1].unlink()
    opened_before = window.article.id
    menu.popup(window.mapToGlobal(QPoint(40, 40)))
    qtbot.waitUntil(menu.isVisible)
    entries = [a for a in menu.actions() if a.data()]
    assert [Path(a.data()).name for a in entries] == ["story2.txt", "story0.txt"]
    assert "story1.txt" in window.statusBar().currentMessage()
    assert "no longer found" in window.statusBar().currentMessage()
    entries[1].trigger()  # story0: already in the project, opened
    menu.hide()
    assert window.article.id != opened_before
    assert window.article.text.startswith("Story 0")


def test_word_snap_and_cut_word_warning_in_the_window(window, qtbot) -> None:
    _activate(window, qtbot)
    view = window.view
    text = window.article.text
    a = text.index("pivotal") + 3
    b = text.index("finalizing") + 4
    drag(qtbot, view, a, b)
    assert text[slice(*view.selection_cp())] == "pivotal role in finalizing"
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert window.article.rows[0].text == "pivotal role in finalizing"
    # With Alt the ends stay where they were dropped, and the status bar says so.
    c = text.index("Wednesday") + 3
    drag(qtbot, view, c, c + 5, Qt.KeyboardModifier.AltModifier)
    message = window.statusBar().currentMessage()
    assert "inside “Wednesday”" in message
