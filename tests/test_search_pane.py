"""The Search pane driven with the keyboard and mouse (qtbot), on both backends."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt

from annotator.qt.search_pane import SearchPane
from annotator.services import articles
from annotator.services.project import Project

from .conftest import tag_phrase

TEXT = ("😀 A senior Qatari official said the ceasefire talks were close.\n"
        "Officials in Doha said the ceasefire would hold.\n")


def _pane(qtbot, project: Project, tmp_path: Path) -> tuple[SearchPane, int, str]:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.txt"
    path.write_text(TEXT * 80, encoding="utf-8")
    (aid,) = articles.import_files(project, [path], outlet="Reuters").article_ids
    text = articles.get_article(project, aid).text
    tag_phrase(project, aid, text, "ana", "anonymous_official", "ceasefire talks")
    pane = SearchPane(project)
    qtbot.addWidget(pane)
    pane.show()
    return pane, aid, text


def test_type_query_enter_click_hit(qtbot, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pane, aid, text = _pane(qtbot, project, tmp_path)
    pane.focus_query()
    qtbot.keyClicks(pane.query, '"the ceasefire"')
    qtbot.keyClick(pane.query, Qt.Key.Key_Return)
    assert pane.model.rowCount() == 100 and pane.more.isEnabled()
    assert "more available" in pane.message.text()
    qtbot.mouseClick(pane.more, Qt.MouseButton.LeftButton)
    assert pane.model.rowCount() == 160 and not pane.more.isEnabled()
    pane.table.sortByColumn(6, Qt.SortOrder.AscendingOrder)  # by outlet: sortable
    pane.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    shown = [pane.proxy.index(r, 1).data() for r in range(pane.proxy.rowCount())]
    assert shown == sorted(shown, reverse=True)
    with qtbot.waitSignal(pane.hitActivated) as signal:
        rect = pane.table.visualRect(pane.proxy.index(0, 1))
        qtbot.mouseClick(pane.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    got_aid, start, end = signal.args
    assert got_aid == aid and text[start:end].lower() == "the ceasefire"


def test_bad_query_message_and_label_filter(qtbot, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pane, _, _ = _pane(qtbot, project, tmp_path)
    qtbot.keyClicks(pane.query, '"unclosed')
    qtbot.keyClick(pane.query, Qt.Key.Key_Return)
    assert "unbalanced quote" in pane.message.text() and pane.model.rowCount() == 0
    pane.query.clear()
    qtbot.keyClicks(pane.query, "ceasefire")
    pane.label_box.setCurrentIndex(pane.label_box.findData("anonymous_official"))
    qtbot.keyClick(pane.query, Qt.Key.Key_Return)
    assert {h.label for h in pane.model.hits} == {"anonymous_official"}
    assert {h.field for h in pane.model.hits} == {"text", "claim"}


def test_export_all_hits_as_csv(qtbot, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pane, _, text = _pane(qtbot, project, tmp_path)
    pane.scope_box.setCurrentIndex(pane.scope_box.findData("text"))
    qtbot.keyClicks(pane.query, "ceasefire")
    qtbot.keyClick(pane.query, Qt.Key.Key_Return)
    out = pane.export_csv(str(tmp_path / "hits.csv"))
    assert out is not None
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 160  # every hit, not only the loaded page
    assert all(text[int(r["start"]):int(r["end"])] == r["hit"] for r in rows)
