"""Scrolling the details pane with the wheel never changes (and saves) a facet."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QScrollArea

from annotator.domain.facets_codec import decode_facets


def _wheel(widget, steps: int = -1) -> None:  # type: ignore[no-untyped-def]
    """One wheel notch (down for negative ``steps``) over the middle of ``widget``."""
    local = QPointF(widget.width() / 2, widget.height() / 2)
    glob = QPointF(widget.mapToGlobal(local.toPoint()))
    event = QWheelEvent(local, glob, QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_wheel_over_facets_scrolls_the_pane_and_changes_nothing(window, qtbot) -> None:
    window.resize(1280, 720)
    text = window.article.text
    i = text.index("A high-stakes")
    window.view.select_cp(i, i + 30)
    window.tag_selection("anonymous_unspecified")
    ann_id = window.selected_id
    details = window.details
    details.tabs.setCurrentIndex(1)  # "Source"
    scroll = details.tabs.currentWidget()
    assert isinstance(scroll, QScrollArea)
    scroll.resize(scroll.width(), 260)  # short enough that the facets need scrolling
    qtbot.wait(20)
    bar = scroll.verticalScrollBar()
    assert bar.maximum() > 0
    hedge = details.facets.fields["hedge"]
    assert isinstance(hedge, QComboBox)
    assert hedge.focusPolicy() == Qt.FocusPolicy.StrongFocus
    bar.setValue(0)
    first = details.facets.fields["named"]
    window.view.setFocus()
    _wheel(first, -1)
    assert bar.value() > 0  # the pane scrolled instead of the field changing
    assert first.currentIndex() == 0
    scroll.ensureWidgetVisible(hedge)
    for _ in range(3):
        _wheel(hedge, -1)
    assert hedge.currentIndex() == 0  # still "—"
    assert decode_facets(window.article.by_id[ann_id].facets).hedge is None
    assert window.undo_stack.count() == 1  # only the tag
    # Every combo in the pane is guarded, including the editable one and the label box.
    for name, field in details.facets.fields.items():
        if isinstance(field, QComboBox):
            index = field.currentIndex()
            _wheel(field, -1)
            assert field.currentIndex() == index, name
    label_box = details.label_combo
    label = window.article.by_id[ann_id].label
    _wheel(label_box, -1)
    assert window.article.by_id[ann_id].label == label


def test_wheel_changes_a_focused_field(window, qtbot) -> None:
    text = window.article.text
    i = text.index("A high-stakes")
    window.view.select_cp(i, i + 30)
    window.tag_selection("anonymous_unspecified")
    ann_id = window.selected_id
    details = window.details
    details.tabs.setCurrentIndex(1)
    hedge = details.facets.fields["hedge"]
    qtbot.mouseClick(hedge, Qt.MouseButton.LeftButton)  # opens the popup and focuses
    hedge.hidePopup()
    hedge.setFocus()
    assert hedge.hasFocus()
    _wheel(hedge, -1)  # the analyst deliberately wheels the focused field
    assert hedge.currentText() == "yes"
    assert decode_facets(window.article.by_id[ann_id].facets).hedge is True
