"""Zoom (remembered), the dark palette following the system, Recent files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from annotator.domain.model import Article
from annotator.qt import theme
from annotator.qt.article_view import ArticleView
from annotator.qt.recent_files import RecentFiles
from annotator.qt.zoom import ZoomController
from annotator.services.open_article import OpenArticle
from annotator.services.resources import DEFAULT_TAXONOMY


def _settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


def _host(qtbot, view: ArticleView, *actions):  # type: ignore[no-untyped-def]
    host = QWidget()
    QVBoxLayout(host).addWidget(view)
    host.addActions(list(actions))
    qtbot.addWidget(host)
    host.resize(700, 400)
    article = Article(id=1, title="t", outlet="", url="", published="",
                      text="The minister said.\n" * 200, sha256="", original_filename="",
                      imported_at="")
    view.show_article(OpenArticle(article, []))
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)  # window shortcuts need the active window
    view.setFocus()
    return host


def test_zoom_keys_ctrl_wheel_and_remembered(qtbot, tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    view = ArticleView()
    zoom = ZoomController(view, settings)
    host = _host(qtbot, view, *zoom.actions())  # noqa: F841
    base = view.font().pointSizeF()
    qtbot.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.font().pointSizeF() == base + 2
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.font().pointSizeF() == base + 1
    # Ctrl+wheel goes through the same remembered step.
    vp = view.viewport()
    event = QWheelEvent(QPointF(50, 50), QPointF(vp.mapToGlobal(QPoint(50, 50))), QPoint(),
                        QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(vp, event)
    assert view.font().pointSizeF() == base + 2
    settings.sync()
    # A new view (next start) opens at the remembered size; Ctrl+0 resets it.
    again = ArticleView()
    zoom2 = ZoomController(again, _settings(tmp_path))
    host2 = _host(qtbot, again, *zoom2.actions())  # noqa: F841
    assert again.font().pointSizeF() == base + 2
    qtbot.keyClick(again, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert again.font().pointSizeF() == base
    assert int(_settings(tmp_path).value("view/zoom")) == 0


@pytest.fixture
def restore_palette():  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    style, palette = app.style().name(), QPalette(app.palette())
    yield
    from PySide6.QtWidgets import QStyleFactory

    app.setStyle(QStyleFactory.create(style))
    app.setPalette(palette)


def test_dark_palette_follows_system_and_keeps_highlights_readable(
        qtbot, tmp_path: Path, restore_palette) -> None:
    app = QApplication.instance()
    controller = theme.ThemeController(app, _settings(tmp_path))
    view = ArticleView()
    host = _host(qtbot, view)  # noqa: F841
    light_base = view.palette().color(QPalette.ColorRole.Base)
    # The desktop switches to dark: Qt signals it, the palette follows.
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert controller.dark and theme.is_dark(app.palette())
    qtbot.waitUntil(lambda: theme.is_dark(view.palette()))
    assert view.highlighter.color_adjust is not None
    # Every default label colour, at the strongest fill alpha, keeps light text readable.
    import json

    labels = json.loads(DEFAULT_TAXONOMY.read_text(encoding="utf-8"))["labels"]
    palette = view.palette()
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    for lab in labels:
        fill = theme.readable_fill(QColor(lab["color"]), palette)
        shown = theme.composite(fill, theme.MAX_FILL_ALPHA, base)
        assert theme.contrast(text, shown) >= 4.5, lab["key"]
        # ...and the hue the analyst learnt stays recognisable.
        if QColor(lab["color"]).hslSaturationF() > 0.2:
            assert abs(fill.hslHueF() - QColor(lab["color"]).hslHueF()) < 0.02
    # Back to light: the original palette and unchanged fills.
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not controller.dark
    qtbot.waitUntil(lambda: not theme.is_dark(view.palette()))
    assert view.palette().color(QPalette.ColorRole.Base) == light_base
    adjust = view.highlighter.color_adjust
    assert adjust is not None  # light: only a colour too dark for black text would change
    for lab in labels:
        assert adjust(QColor(lab["color"])) == QColor(lab["color"]), lab["key"]
    # An explicit choice wins over the system and is remembered.
    controller.actions["dark"].trigger()
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert controller.dark
    assert _settings(tmp_path).value("view/theme") == "dark"
    controller.actions["system"].trigger()
    assert not controller.dark


def test_recent_files_menu_order_limit_and_pruning(qtbot, tmp_path: Path) -> None:
    opened: list[Path] = []
    messages: list[str] = []
    recent = RecentFiles(_settings(tmp_path), opened.append)
    recent.pruned.connect(messages.append)
    files = []
    for n in range(12):
        f = tmp_path / f"article{n}.txt"
        f.write_text("x", encoding="utf-8")
        files.append(f)
        recent.add(f)
    assert recent.paths() == [f.resolve() for f in reversed(files)][:10]
    recent.add(files[5])  # reopened: moves to the top, no duplicate
    assert recent.paths()[0] == files[5].resolve() and len(recent.paths()) == 10
    files[11].unlink()
    files[10].unlink()
    host = QWidget()
    qtbot.addWidget(host)
    menu = recent.build_menu(host)
    entries = [a for a in menu.actions() if a.data()]
    assert [Path(a.data()).name for a in entries][:3] == ["article5.txt", "article9.txt",
                                                          "article8.txt"]
    assert len(entries) == 8
    assert messages and "article11.txt" in messages[0] and "article10.txt" in messages[0]
    entries[1].trigger()
    assert opened == [files[9].resolve()]
    assert recent.paths()[0] == files[9].resolve()
    # Deleted while the menu was open: not opened, pruned with a message.
    files[8].unlink()
    entries = [a for a in menu.actions() if a.data()]
    target = next(a for a in entries if a.data().endswith("article8.txt"))
    target.trigger()
    assert opened == [files[9].resolve()] and "article8.txt" in messages[-1]
    # Persisted across instances.
    again = RecentFiles(_settings(tmp_path), opened.append)
    assert again.paths() == recent.paths()
