"""The Layers list follows counts in place; a new analyst rebuilds it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.qt.layers import LayersPanel


def _rows(panel: LayersPanel) -> list[tuple[str, str, bool]]:
    out = []
    for i in range(panel.list.count()):
        item = panel.list.item(i)
        out.append((item.data(Qt.ItemDataRole.UserRole), item.text(),
                    item.checkState() == Qt.CheckState.Checked))
    return out


def test_counts_change_in_place_and_hidden_analysts_stay_hidden(qtbot) -> None:
    panel = LayersPanel()
    qtbot.addWidget(panel)
    changed: list[bool] = []
    panel.layersChanged.connect(lambda: changed.append(True))
    panel.set_annotators({"bo": 2, "reviewed": 1, "Ana": 5})
    assert _rows(panel) == [("Ana", "Ana  (5)", True), ("bo", "bo  (2)", True),
                            ("reviewed", "Reviewed layer  (1)", True)]
    panel.list.item(1).setCheckState(Qt.CheckState.Unchecked)  # hide bo
    assert panel.hidden == {"bo"} and changed == [True]
    first = panel.list.item(0)
    colors = dict(panel.colors)
    panel.set_annotators({"bo": 3, "reviewed": 1, "Ana": 5})  # a tag by bo
    assert panel.list.item(0) is first  # the same items, counts updated
    assert _rows(panel) == [("Ana", "Ana  (5)", True), ("bo", "bo  (3)", False),
                            ("reviewed", "Reviewed layer  (1)", True)]
    assert panel.colors == colors and changed == [True]  # no layers change reported
    panel.set_annotators({"bo": 3, "reviewed": 1, "Ana": 5, "Cy": 1})  # a new analyst
    assert [r[0] for r in _rows(panel)] == ["Ana", "bo", "Cy", "reviewed"]
    assert _rows(panel)[1] == ("bo", "bo  (3)", False) and panel.hidden == {"bo"}
    assert set(panel.colors) == {"Ana", "bo", "Cy", "reviewed"}
