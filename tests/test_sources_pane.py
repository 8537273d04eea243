"""The Sources pane driven through qtbot, on both backends."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from annotator.qt.sources_pane import SourcesPane
from annotator.services import annotate, articles, sources
from annotator.services.project import Project

TEXT = ("Special Envoy Steve Witkoff said talks would resume. A senior Qatari official "
        "said Hamas had agreed. Witkoff's aides denied it. Axios reported the draft.\n")


def _claim(project: Project, aid: int, text: str, label: str, claim: str,
           mention: str) -> str:
    s, m = text.index(claim), text.index(mention)
    change, _ = annotate.apply_edit(project, annotate.new_annotation(
        project, article_id=aid, article_text=text, annotator="ana", label=label,
        start=s, end=s + len(claim), source=(m, m + len(mention))), actor="ana")
    return change.after.id


def _setup(qtbot, project: Project, tmp_path: Path):  # type: ignore[no-untyped-def]
    ids = {}
    for name, outlet in (("a.txt", "Reuters"), ("b.txt", "AP")):
        path = tmp_path / name
        path.write_text(TEXT if name == "a.txt" else "Intro.\n" + TEXT, encoding="utf-8")
        (aid,) = articles.import_files(project, [path], outlet=outlet).article_ids
        text = articles.get_article(project, aid).text
        ids[name] = (aid, text, _claim(project, aid, text, "named_person",
                                       "talks would resume", "Special Envoy Steve Witkoff"))
        _claim(project, aid, text, "media_report", "reported the draft", "Axios")
    pane = SourcesPane(project)
    qtbot.addWidget(pane)
    pane.show()
    pane.refresh()
    return pane, ids


def test_list_select_claims_and_open_one(qtbot, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pane, ids = _setup(qtbot, project, tmp_path)
    assert pane.entries.rowCount() == 2
    names = {pane.entry_at(r).name for r in range(2)}
    assert any("Witkoff" in n for n in names) and "Axios" in names
    row = next(r for r in range(2) if "Witkoff" in pane.entry_at(r).name)
    pane.list_view.selectRow(row)
    assert pane.claims.rowCount() == 2 and "2 claims in 2 articles" in pane.summary.text()
    assert "AP, Reuters" in pane.summary.text()
    with qtbot.waitSignal(pane.claimActivated) as signal:
        rect = pane.claim_view.visualRect(pane.claim_proxy.index(0, 1))
        qtbot.mouseClick(pane.claim_view.viewport(), Qt.MouseButton.LeftButton,
                         pos=rect.center())
    aid, start, end = signal.args
    text = dict((v[0], v[1]) for v in ids.values())[aid]
    assert text[start:end] == "talks would resume"


def test_other_articles_rename_note_filter(qtbot, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pane, ids = _setup(qtbot, project, tmp_path)
    aid_a, _, ann_a = ids["a.txt"]
    sid = sources.source_of_annotation(project, ann_a)
    assert sid is not None
    pane.show_source(sid, other_than_article=aid_a)  # "this source in other articles"
    assert pane.claims.rowCount() == 1 and pane.claims.items[0].article_id != aid_a
    assert pane.everywhere.isEnabled()
    qtbot.mouseClick(pane.everywhere, Qt.MouseButton.LeftButton)
    assert pane.claims.rowCount() == 2
    pane.rename_current("Steve Witkoff")
    pane.note_current("US special envoy")
    assert "US special envoy" in pane.summary.text()
    qtbot.keyClicks(pane.filter, "witk")
    assert pane.entries.rowCount() == 1 and pane.entry_at(0).name == "Steve Witkoff"
