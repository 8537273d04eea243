"""Scrolling the details pane with the wheel never changes (and saves) a facet."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QScrollArea

from annotator.domain.facets_codec import decode_facets
from annotator.qt.details import AnnotationDetails
from annotator.services import articles


def _tag_claim(window, qtbot) -> str:  # type: ignore[no-untyped-def]
    text = window.article.text
    i = text.index("A high-stakes")
    window.view.setFocus()
    window.view.select_cp(i, i + 30)
    qtbot.keyClick(window.view, Qt.Key.Key_4)
    assert window.selected_id is not None
    return window.selected_id


def _details(window) -> AnnotationDetails:  # type: ignore[no-untyped-def]
    details = window.findChild(AnnotationDetails, "annotationDetails")
    assert details is not None
    return details


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
    ann_id = _tag_claim(window, qtbot)
    details = _details(window)
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
    stored = articles.load_annotations(window.project, window.article.id)
    assert [decode_facets(a.facets).is_empty for a in stored] == [True]  # nothing saved
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
    ann_id = _tag_claim(window, qtbot)
    details = _details(window)
    details.tabs.setCurrentIndex(1)
    hedge = details.facets.fields["hedge"]
    qtbot.mouseClick(hedge, Qt.MouseButton.LeftButton)  # opens the popup and focuses
    hedge.hidePopup()
    hedge.setFocus()
    assert hedge.hasFocus()
    _wheel(hedge, -1)  # the analyst deliberately wheels the focused field
    assert hedge.currentText() == "yes"
    assert decode_facets(window.article.by_id[ann_id].facets).hedge is True
