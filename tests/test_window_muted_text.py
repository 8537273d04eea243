"""Secondary text (header metadata, details hints, score reasons) reads on light and dark."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QTextBrowser

from annotator.qt import theme


def _readable(label: QLabel) -> bool:
    """The label's grey is the palette's muted colour, with 4.5:1 contrast to the window."""
    window = label.palette().color(QPalette.ColorRole.Window)
    muted = theme.muted_text(label.palette())
    greys = set(re.findall(r"color:\s*(#[0-9a-fA-F]{6})", label.text()))
    return muted in greys and theme.contrast(QColor(muted), window) >= theme.MIN_CONTRAST


def test_muted_text_is_readable_in_light_and_dark(window, qtbot) -> None:
    app = QApplication.instance()
    light_base = app.palette().color(QPalette.ColorRole.Base)
    view = window.view
    header = window.pane("articleArea").header
    details = window.pane("detailsDock").details
    text = window.article.text
    i = text.index("Axios reports")
    view.select_cp(i, i + len("Axios reports"))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_6)  # tagged, selected, no source yet
    qtbot.waitUntil(lambda: "none — select the phrase" in details.source.text())
    labels = {"header": header, "source": details.source,
              "reasons": details.facets.score_label}
    assert "<li>" in labels["reasons"].text()  # the score explains itself
    empty_hint = details.findChild(QLabel, "detailsEmptyHint")
    assert empty_hint.foregroundRole() == QPalette.ColorRole.PlaceholderText
    try:
        for name, label in labels.items():
            assert _readable(label), (name, label.text())
        window.display.theme.set_mode("dark")
        qtbot.waitUntil(lambda: theme.is_dark(view.palette()))
        for name, label in labels.items():  # re-rendered for the dark palette
            qtbot.waitUntil(lambda label=label: _readable(label), timeout=2000)
            assert theme.is_dark(label.palette()), name
        # The dark palette's placeholder colour itself is readable on the window.
        pal = theme.dark_palette()
        assert theme.contrast(pal.color(QPalette.ColorRole.PlaceholderText),
                              pal.color(QPalette.ColorRole.Window)) >= theme.MIN_CONTRAST
    finally:
        window.display.theme.set_mode("system")
    qtbot.waitUntil(lambda: not theme.is_dark(view.palette()))
    assert app.palette().color(QPalette.ColorRole.Base) == light_base
    for name, label in labels.items():
        assert _readable(label), (name, label.text())


def test_whole_grey_labels_use_the_placeholder_role(window) -> None:
    """Labels that are grey throughout take the palette's role (no fixed colour to go stale)."""
    hint = window.findChild(QLabel, "layersHint")
    assert hint is not None and hint.styleSheet() == ""
    assert hint.foregroundRole() == QPalette.ColorRole.PlaceholderText
    status = window.pane("statusLine")
    assert status.db.foregroundRole() == QPalette.ColorRole.PlaceholderText
    assert status.db.styleSheet() == ""


def test_source_tab_fits_the_details_dock(window, qtbot) -> None:
    """At a 1280×720 first start the facets form is not wider than the dock (no clipped fields)."""
    from PySide6.QtWidgets import QDockWidget, QScrollArea

    window.resize(1280, 720)
    dock = window.findChild(QDockWidget, "detailsDock")
    window.resizeDocks([dock], [300], Qt.Orientation.Horizontal)
    text = window.article.text
    i = text.index("Axios reports")
    window.view.select_cp(i, i + len("Axios"))
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_6)
    details = window.pane("detailsDock").details
    details.tabs.setCurrentIndex(1)
    scroll = details.findChild(QScrollArea, "facetsScroll")
    qtbot.waitUntil(lambda: scroll.isVisible() and dock.width() <= 320)
    qtbot.waitUntil(lambda: details.facets.width() <= scroll.viewport().width())
    assert not scroll.horizontalScrollBar().isVisible()
    for widget in details.facets.fields.values():
        right = widget.mapTo(details.facets, widget.rect().topRight()).x()
        assert right <= scroll.viewport().width(), widget.objectName()


def test_help_greys_follow_the_theme(window, qtbot) -> None:
    """F1 and Shift+F1: the menu column and examples are the palette's muted colour."""
    try:
        for mode in ("light", "dark"):
            window.display.theme.set_mode(mode)
            qtbot.waitUntil(lambda mode=mode: theme.is_dark(window.palette()) == (mode == "dark"))
            muted = theme.muted_text(window.palette())
            for action in ("actionShortcuts", "actionSourceTypes"):
                window.wb.actions.action(action).trigger()
                dialog = window.help.dialog
                body = dialog.findChild(QTextBrowser).toHtml()
                dialog.close()
                assert "#666666" not in body and "#555555" not in body, action
                assert muted.casefold() in body.casefold(), action
    finally:
        window.display.theme.set_mode("system")
    qtbot.waitUntil(lambda: not theme.is_dark(window.palette()))


def test_review_detail_greys_follow_the_theme(window, qtbot) -> None:
    """The Review dock's secondary text re-renders in the palette's muted colour."""
    text = window.article.text
    i = text.index("Axios reports")
    window.view.select_cp(i, i + len("Axios"))
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_6)
    panel = window.pane("reviewDock").panel  # built: Ana's layer against the reviewed one
    detail = panel.findChild(QLabel, "reviewDetail")
    hint = panel.findChild(QLabel, "reviewKeysHint")
    assert hint.foregroundRole() == QPalette.ColorRole.PlaceholderText
    assert detail.styleSheet() == ""
    qtbot.waitUntil(lambda: "#777777" not in detail.text() and _readable(detail))
    try:
        window.display.theme.set_mode("dark")
        qtbot.waitUntil(lambda: theme.is_dark(detail.palette()))
        qtbot.waitUntil(lambda: _readable(detail))
    finally:
        window.display.theme.set_mode("system")
    qtbot.waitUntil(lambda: not theme.is_dark(detail.palette()))


def test_profile_card_captions_follow_the_theme(window, qtbot) -> None:
    """Profile figure captions take the placeholder role, so a theme switch re-greys them."""
    from annotator.qt.cards import FigureCard

    window.pane("profileDock")
    cards = window.findChildren(FigureCard)
    assert cards
    for card in cards:
        for label in (card.caption, card.detail):
            assert label.styleSheet() == ""
            assert label.foregroundRole() == QPalette.ColorRole.PlaceholderText


def test_no_pane_label_has_a_fixed_grey(window) -> None:
    """Every pane built: no label fixes its text colour in a style sheet (it would not
    follow View › Theme, and dark greys vanish on the dark palette)."""
    from annotator.qt.main_window import PANES

    for pane_type in PANES:
        window.pane(pane_type.name)
    fixed = [(label.objectName(), label.styleSheet()) for label in window.findChildren(QLabel)
             for c in re.findall(r"(?<!-)color\s*:\s*(#[0-9a-fA-F]{3,6})", label.styleSheet())
             if QColor(c).hsvSaturation() == 0]  # greys; kind colours are deliberate
    assert fixed == []
