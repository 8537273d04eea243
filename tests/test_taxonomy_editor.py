"""Drive the taxonomy editor like an analyst: type, click, keyboard; check the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QFileDialog, QMessageBox

from annotator.qt.taxonomy_editor import TaxonomyEditor
from annotator.services import annotate, articles, taxonomy
from annotator.services.project import Project

from .conftest import SEED


@pytest.fixture
def proj(db_path: Path):  # type: ignore[no-untyped-def]
    p = Project(db_path)
    yield p
    p.close()


@pytest.fixture
def dialog(qtbot, proj: Project):  # type: ignore[no-untyped-def]
    dlg = TaxonomyEditor(proj)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    return dlg


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda parent, title, text, *a, **k: shown.append(text))
    return shown


def _tag(project: Project, label: str) -> None:
    aid = articles.import_files(project, [SEED]).article_ids[0]
    text = articles.get_article(project, aid).text
    i = text.index("Axios reports")
    annotate.apply_edit(project, annotate.new_annotation(
        project, article_id=aid, article_text=text, annotator="ana", label=label,
        start=i, end=i + 13))


def _rows(dlg: TaxonomyEditor) -> list[tuple[str, str, str]]:
    out = []
    for row in range(dlg.list.topLevelItemCount()):
        item = dlg.list.topLevelItem(row)
        out.append((item.text(0), item.text(1), item.text(2)))
    return out


def test_lists_labels_with_shortcut_usage_and_retired(qtbot, proj: Project) -> None:
    _tag(proj, "media_report")
    taxonomy.retire_label(proj, "media_report")
    dlg = TaxonomyEditor(proj)
    qtbot.addWidget(dlg)
    assert dlg.objectName() == "taxonomyEditor"
    rows = _rows(dlg)
    assert rows[0] == ("1", "Named person", "0")
    assert rows[-1] == ("", "Media report  (retired)", "1")
    assert rows[5][0] == "6" and rows[5][1] == "Social media"  # moved up one digit
    assert dlg.current_key == "named_person"
    assert dlg.name_edit.text() == "Named person"


def test_add_rename_reorder_retire(qtbot, dialog: TaxonomyEditor, proj: Project,
                                   warnings: list[str]) -> None:
    changes: list[bool] = []
    dialog.taxonomyChanged.connect(lambda: changes.append(True))

    # Add: type a name in the "New label" field and press Enter.
    dialog.new_name.setFocus()
    qtbot.keyClicks(dialog.new_name, "Expert witness")
    with qtbot.waitSignal(dialog.taxonomyChanged, timeout=2000):
        qtbot.keyClick(dialog.new_name, Qt.Key.Key_Return)
    added = proj.label("expert_witness")
    assert added is not None and added.name == "Expert witness" and not added.retired
    assert dialog.current_key == "expert_witness" and dialog.new_name.text() == ""
    assert dialog.isVisible()  # Enter did not close the dialog
    assert "Added “Expert witness”" in dialog.status.text()

    # Rename: edit the Name field, Enter commits.
    dialog.name_edit.setFocus()
    dialog.name_edit.selectAll()
    qtbot.keyClicks(dialog.name_edit, "Expert")
    with qtbot.waitSignal(dialog.taxonomyChanged, timeout=2000):
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert proj.label("expert_witness").name == "Expert"
    assert dialog.list.currentItem().text(1) == "Expert"

    # Description commits when focus leaves the field.
    dialog.description_edit.setFocus()
    qtbot.keyClicks(dialog.description_edit, "A named expert.")
    dialog.example_edit.setFocus()
    assert proj.label("expert_witness").description == "A named expert."

    # Reorder: the up button and Alt+Up move it towards shortcut 9.
    assert proj.label("expert_witness").position == 12
    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    assert proj.label("expert_witness").position == 10
    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert proj.label("expert_witness").shortcut == "9"
    assert proj.label("unattributed").shortcut is None
    assert dialog.current_key == "expert_witness"
    assert dialog.list.currentItem().text(0) == "9"
    qtbot.keyClick(dialog.list, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert proj.label("expert_witness").position == 10

    # Retire: the row is marked, the label stays, shortcuts close the gap.
    qtbot.mouseClick(dialog.retire_button, Qt.MouseButton.LeftButton)
    retired = proj.label("expert_witness")
    assert retired is not None and retired.retired and retired.shortcut is None
    assert dialog.list.currentItem().text(1) == "Expert  (retired)"
    assert dialog.retire_button.text() == "Re&store"
    assert not dialog.up_button.isEnabled() and not dialog.down_button.isEnabled()
    qtbot.mouseClick(dialog.retire_button, Qt.MouseButton.LeftButton)
    assert not proj.label("expert_witness").retired

    assert warnings == []
    assert len(changes) >= 9


def test_errors_are_explained_and_fields_revert(qtbot, dialog: TaxonomyEditor, proj: Project,
                                                warnings: list[str]) -> None:
    changes: list[bool] = []
    dialog.taxonomyChanged.connect(lambda: changes.append(True))
    dialog.select_key("media_report")
    dialog.name_edit.setFocus()
    dialog.name_edit.selectAll()
    qtbot.keyClicks(dialog.name_edit, "other")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert warnings == ["a label named 'Other' already exists; choose another name"]
    assert dialog.name_edit.text() == "Media report"
    assert proj.label("media_report").name == "Media report"
    dialog.new_name.setText("Social MEDIA")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert "already exists" in warnings[-1]
    assert changes == []


def test_delete_only_when_unused(qtbot, dialog: TaxonomyEditor, proj: Project,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _tag(proj, "media_report")
    dialog.reload()
    dialog.select_key("media_report")
    assert not dialog.delete_button.isEnabled()
    assert "retire it instead" in dialog.delete_button.toolTip()
    asked: list[str] = []

    def answer(parent, title, text, *a, **k):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    dialog.select_key("document")
    assert dialog.delete_button.isEnabled()
    dialog.list.setFocus()
    with qtbot.waitSignal(dialog.taxonomyChanged, timeout=2000):
        qtbot.keyClick(dialog.list, Qt.Key.Key_Delete)
    assert asked and "Document/record" in asked[0]
    assert proj.label("document") is None
    assert "Document/record" not in [r[1] for r in _rows(dialog)]
    assert dialog.current_key == "media_report"  # the next row is selected


def test_colour_button_uses_colour_dialog(qtbot, dialog: TaxonomyEditor, proj: Project,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: QColor("#123ABC"))
    dialog.select_key("other")
    with qtbot.waitSignal(dialog.taxonomyChanged, timeout=2000):
        qtbot.mouseClick(dialog.color_button, Qt.MouseButton.LeftButton)
    assert proj.label("other").color == "#123abc"
    assert "#123abc" in dialog.color_button.text()
    # Cancelling the colour dialog changes nothing.
    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: QColor())
    qtbot.mouseClick(dialog.color_button, Qt.MouseButton.LeftButton)
    assert proj.label("other").color == "#123abc"


def test_export_then_import_file(qtbot, dialog: TaxonomyEditor, proj: Project, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch, warnings: list[str]) -> None:
    target = tmp_path / "shared" / "team-taxonomy"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    exported = target.with_suffix(".json")
    doc = json.loads(exported.read_text(encoding="utf-8"))
    assert [e["key"] for e in doc["labels"]] == [lab.key for lab in proj.labels()]
    assert "Exported 11 labels" in dialog.status.text()

    # A colleague renames a label and adds one; importing asks first, then applies.
    doc["labels"][0]["name"] = "Named individual"
    doc["labels"].append({"key": "expert", "name": "Expert", "color": "#123456"})
    exported.write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(exported), ""))
    asked: list[str] = []

    def answer(parent, title, text, *a, **k):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    with qtbot.waitSignal(dialog.taxonomyChanged, timeout=2000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "Renamed “Named person” → “Named individual”" in asked[0]
    assert "Added “Expert”" in asked[0]
    assert proj.label("named_person").name == "Named individual"
    assert proj.label("expert") is not None
    assert _rows(dialog)[0][1] == "Named individual"
    assert "1 added, 1 changed" in dialog.status.text()

    # A malformed file is refused with a message and changes nothing.
    exported.write_text('{"labels": [{"key": "x"}]}', encoding="utf-8")
    before = taxonomy.current_labels(proj)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert warnings and "team-taxonomy.json" in warnings[-1] and "no name" in warnings[-1]
    assert taxonomy.current_labels(proj) == before
    assert len(asked) == 1


def test_closing_commits_typed_text(qtbot, dialog: TaxonomyEditor, proj: Project) -> None:
    dialog.select_key("other")
    dialog.example_edit.setFocus()
    qtbot.keyClicks(dialog.example_edit, "a source we could not classify")
    with qtbot.waitSignal(dialog.taxonomyChanged, timeout=2000):
        qtbot.keyClick(dialog.example_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert proj.label("other").example == "a source we could not classify"


def test_keyboard_reachable(qtbot, dialog: TaxonomyEditor) -> None:
    """Tab walks through every control, starting from the list."""
    dialog.list.setFocus()
    seen = []
    for _ in range(20):
        seen.append(dialog.focusWidget().objectName())
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    for name in ("taxonomyList", "moveDown", "retireLabel", "deleteLabel", "newLabelName",
                 "labelName", "labelColor", "labelDescription", "labelExample",
                 "importTaxonomy", "exportTaxonomy"):
        assert name in seen, (name, seen)
