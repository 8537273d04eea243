"""Two analysts on one database (SQLite file or PostgreSQL server) through real windows."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt

from annotator.services import annotate, articles
from annotator.services.project import Project

from .conftest import open_window


def _window(qtbot, url: str, name: str):  # type: ignore[no-untyped-def]
    return open_window(qtbot, url, name, activate=True)


def _tag(win, phrase: str, key: str) -> str:  # type: ignore[no-untyped-def]
    text = win.article.text
    i = text.index(phrase)
    win.view.select_cp(i, i + len(phrase))
    win.editing.tag_selection(key)
    return win.selected_id


def test_colleague_changes_arrive_and_conflicts_are_told(qtbot, db_url: str,
                                                        no_blocking_dialogs) -> None:
    ana = _window(qtbot, db_url, "ana")
    ann_id = _tag(ana, "Axios reports", "media_report")
    # Ben works on the same database from another machine (here: the services)
    ben = Project(db_url)
    (summary,) = articles.list_articles(ben)
    text = articles.get_article(ben, summary.id).text
    i = text.index("one source said")
    annotate.apply_edit(ben, annotate.new_annotation(
        ben, article_id=summary.id, article_text=text, annotator="ben",
        label="anonymous_unspecified", start=i, end=i + len("one source said")), actor="ben")
    stored = articles.load_annotations(ben, summary.id)
    theirs = next(a for a in stored if a.id == ann_id)
    annotate.apply_edit(ben, annotate.UpdateAnnotation.of(
        ann_id, expected_version=theirs.version, note="ben was here"), actor="ben")
    # Ana's window has not refreshed yet; her edit is based on the old version
    ana.wb.select(ann_id)
    ana.pane('detailsDock').details.note.setPlainText("ana's view")
    ana.pane('detailsDock').details._commit_note()
    box = ana.editing.conflict_box
    assert "someone else changed" in box.text()
    shown = html.unescape(box.text())
    assert "ben was here" in shown and "ana's view" in shown  # both versions shown
    # nothing lost: ben's note stays, ana's window now shows it
    assert articles.load_annotations(ben, summary.id)[0].note in ("ben was here", "")
    assert ana.article.by_id[ann_id].note == "ben was here"
    assert {a.annotator for a in ana.article.rows} == {"ana", "ben"}
    # the periodic check picks up further changes
    j = text.index("Qatari officials")
    annotate.apply_edit(ben, annotate.new_annotation(
        ben, article_id=summary.id, article_text=text, annotator="ben",
        label="anonymous_official", start=j, end=j + len("Qatari officials")), actor="ben")
    ana.editing.conflict_box.close()  # the analyst dismisses the conflict message
    ana.project_flows.check_for_updates()
    assert ana.article.count == 3
    # layers: hide ben, colour by annotator
    ana.pane('layersDock').panel.set_visible("ben", False)
    assert ana.view.highlighter.visible_filter is not None
    assert not ana.view.highlighter.visible_filter("ben")
    assert ana.view.highlighter.visible_filter("ana")
    ana.pane('layersDock').panel.color_by.setCurrentIndex(1)
    assert ana.view.highlighter.color_by == "annotator"
    ben.close()
    ana.close()
    ana.project.close()


def test_merge_colleague_file_through_window(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from annotator.qt.merge_dialog import MergeDialog

    from .conftest import SEED

    ben_db = tmp_path / "ben.sqlite"
    ben = Project(ben_db)
    aid = articles.import_files(ben, [SEED]).article_ids[0]
    text = articles.get_article(ben, aid).text
    i = text.index("one source said")
    annotate.apply_edit(ben, annotate.new_annotation(
        ben, article_id=aid, article_text=text, annotator="ben",
        label="anonymous_unspecified", start=i, end=i + len("one source said")), actor="ben")
    ben.close()
    ana = _window(qtbot, str(tmp_path / "ana.sqlite"), "ana")
    _tag(ana, "Axios reports", "media_report")
    seen: list[MergeDialog] = []
    original = MergeDialog.exec

    def fake_exec(self):  # type: ignore[no-untyped-def]
        seen.append(self)  # the analyst would look at the preview, then press Merge
        return 0

    MergeDialog.exec = fake_exec  # type: ignore[method-assign]
    try:
        ana.interop.open_merge(ben_db)
    finally:
        MergeDialog.exec = original  # type: ignore[method-assign]
    (dialog,) = seen
    assert dialog.count("annotations_added") == 1  # the dry-run preview
    report = dialog.run_merge()
    assert report is not None and report.annotations_added == 1
    assert {a.annotator for a in ana.article.rows} == {"ana", "ben"}
    ana.close()
    ana.project.close()


def test_compare_mode_review_and_agreement_in_window(qtbot, db_url: str) -> None:
    """Two analysts tag the seed; the reviewer compares, walks disagreements with N,
    settles one into the reviewed layer, and the agreement pane shows the reference κ."""
    from annotator.services.agreement_report import agreement

    ana = _window(qtbot, db_url, "ana")
    _tag(ana, "Axios reports", "media_report")
    _tag(ana, "one source said", "anonymous_unspecified")
    ben = Project(db_url)
    (summary,) = articles.list_articles(ben)
    text = articles.get_article(ben, summary.id).text
    for phrase, key in (("Axios reports", "media_report"),
                        ("one source said", "unattributed")):
        i = text.index(phrase)
        annotate.apply_edit(ben, annotate.new_annotation(
            ben, article_id=summary.id, article_text=text, annotator="ben", label=key,
            start=i, end=i + len(phrase)), actor="ben")
    ana.project_flows.refresh_now()
    ana.review.show_review()
    qtbot.waitUntil(lambda: ana.pane('reviewDock').compare_on, timeout=5000)
    panel = ana.pane('reviewDock').panel
    assert ana.view.highlighter.compare_kinds  # compare colours are painted
    ana.wb.select(None)
    ana.view.setFocus()
    qtbot.waitUntil(ana.isActiveWindow, timeout=5000)
    qtbot.keyClick(ana.view, Qt.Key.Key_N)
    chosen = ana.article.by_id[ana.selected_id]
    assert chosen.text == "one source said"  # the only open disagreement
    assert panel.accept_side("a")
    reviewed = [a for a in articles.load_annotations(ben, summary.id)
                if a.annotator == "reviewed"]
    assert len(reviewed) == 1 and reviewed[0].reviewed_by == "ana"
    assert reviewed[0].label == "anonymous_unspecified"
    # agreement pane equals the service's reference computation
    ana.pane('agreementDock').dock.show()
    ana.pane('agreementDock').dock.raise_()
    ana.pane('agreementDock').pane.set_annotators(["ana", "ben"])
    ana.pane('agreementDock').pane.show_article(summary.id)
    expected = agreement(ben, article_id=summary.id, annotators=["ana", "ben"])
    assert ana.pane('agreementDock').pane.report is not None
    assert ana.pane('agreementDock').pane.report.labels.cohen_kappa == expected.labels.cohen_kappa
    ben.close()
    ana.close()
    ana.project.close()
