"""Facets, suggestions, score and taxonomy edits through the real window."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt

from annotator.domain.facets_codec import decode_facets
from annotator.services import taxonomy
from annotator.services.changes import Changes


def _tag(window, phrase: str, key: str, source: str | None = None):  # type: ignore[no-untyped-def]
    text = window.article.text
    i = text.index(phrase)
    window.view.select_cp(i, i + len(phrase))
    window.editing.tag_selection(key)
    ann_id = window.selected_id
    if source:
        j = text.index(source)
        window.view.select_cp(j, j + len(source))
        window.editing.set_source_from_selection()
    return ann_id


def test_three_sources_claim_count_3_direct_in_csv(window, qtbot, tmp_path: Path) -> None:
    """The done-criterion of the attribution model, driven through the window."""
    text = window.article.text
    claim = text[text.index("A high-stakes"):text.index(", according to three")]
    ann_id = _tag(window, claim, "anonymous_unspecified",
                  source="three sources with direct knowledge of the talks")
    editor = window.pane('detailsDock').details.facets
    # suggestions are shown, not applied
    assert decode_facets(window.article.by_id[ann_id].facets).is_empty
    assert "suggested" in editor.hints["source_count"].text()
    qtbot.mouseClick(editor.apply_button, Qt.MouseButton.LeftButton)
    facets = decode_facets(window.article.by_id[ann_id].facets)
    assert facets.source_count == 3 and facets.knowledge_basis == "direct"
    # the analyst overrides one value by hand
    combo = editor.fields["knowledge_basis"]
    combo.setCurrentIndex(combo.findData("proximate"))
    combo.activated.emit(combo.currentIndex())
    assert decode_facets(window.article.by_id[ann_id].facets).knowledge_basis == "proximate"
    window.wb.undo_stack.undo()
    assert decode_facets(window.article.by_id[ann_id].facets).knowledge_basis == "direct"
    assert "Attribution strength" in editor.score_label.text()
    out = tmp_path / "x.csv"
    window.interop.export_to(out, current=True)
    with open(out, encoding="utf-8", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["source_text"] == "three sources with direct knowledge of the talks"
    assert row["source_count"] == "3" and row["knowledge_basis"] == "direct"
    assert row["band"] in ("strong", "moderate", "weak", "very_weak") and int(row["score"]) > 0
    history = [window.pane('detailsDock').details.history.item(i).text()
               for i in range(window.pane('detailsDock').details.history.count())]
    assert any("facets changed" in h for h in history)


def test_taxonomy_rename_and_retire_refresh_window(window, qtbot) -> None:
    ann_id = _tag(window, "Axios reports", "media_report")
    taxonomy.update_label(window.project, "media_report", name="Other outlet's report")
    window.apply_changes(Changes(labels=True))
    assert "Other outlet's report" in window.pane('articleArea').palette.buttons["media_report"].text()
    assert window.article.by_id[ann_id].label == "media_report"
    taxonomy.retire_label(window.project, "media_report")
    window.apply_changes(Changes(labels=True))
    assert "media_report" not in window.pane('articleArea').palette.buttons
    assert window.wb.label_by_key["media_report"].retired  # still shown on old annotations
    i = window.article.text.index("Hamas")
    window.view.select_cp(i, i + 5)
    window.editing.tag_selection("media_report")  # refused quietly: no such action any more
    assert all(a.label != "media_report" or a.id == ann_id for a in window.article.rows)


def test_source_types_help_pane_lists_definitions(window) -> None:
    window.help.show_source_types()
    text = window.help.dialog.findChild(object, "sourceTypesHelp").toPlainText()
    for label in window.wb.labels:
        assert label.name in text
        if label.description:
            assert label.description[:30] in text


def test_csv_export_cancel_writes_nothing(window, tmp_path: Path) -> None:
    import pytest

    from annotator.domain.errors import OperationCancelled
    from annotator.services.export_csv import export_csv_file

    for phrase in ("Axios reports", "one source said", "Qatari officials"):
        _tag(window, phrase, "media_report")
    out = tmp_path / "never.csv"
    with pytest.raises(OperationCancelled):
        export_csv_file(window.project, out, article_id=None, cancelled=lambda: True)
    assert not out.exists() and not (tmp_path / "never.csv.partial").exists()
