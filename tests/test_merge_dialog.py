"""File › Merge: the preview/merge dialog on real project files (pytest-qt)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from annotator.domain.model import Annotation
from annotator.qt.merge_dialog import MergeDialog
from annotator.services import annotate, articles
from annotator.services.export_csv import export_csv
from annotator.services.merge import merge_file
from annotator.services.project import Project

from .conftest import SEED

OTHER_TEXT = ("Officials said the ceasefire would hold, according to a ministry statement "
              "released on Friday.")


def tag(project: Project, aid: int, who: str, label: str, needle: str,
        note: str = "") -> Annotation:
    text = articles.get_article(project, aid).text
    i = text.index(needle)
    change, _ = annotate.apply_edit(project, annotate.new_annotation(
        project, article_id=aid, article_text=text, annotator=who, label=label, start=i,
        end=i + len(needle), note=note), actor=who)
    assert change.after is not None
    return change.after


def make_ana(path: Path) -> tuple[Project, int]:
    ana = Project(path)
    aid = articles.import_files(ana, [SEED]).article_ids[0]
    tag(ana, aid, "ana", "media_report", "Axios reports")
    tag(ana, aid, "ana", "anonymous_official", "a senior Qatari official")
    return ana, aid


def make_ben(path: Path, tmp: Path) -> Project:
    """Ben tags the same seed article (two new tags) and one article Ana does not have."""
    ben = Project(path)
    aid = articles.import_files(ben, [SEED]).article_ids[0]
    tag(ben, aid, "ben", "anonymous_unspecified",
        "three sources with direct knowledge of the talks")
    tag(ben, aid, "ben", "named_person", "Steve Witkoff")
    other = tmp / "ceasefire.txt"
    other.write_text(OTHER_TEXT, encoding="utf-8")
    oid = articles.import_files(ben, [other]).article_ids[0]
    tag(ben, oid, "ben", "organisation_statement", "a ministry statement")
    return ben


def n_annotations(project: Project) -> int:
    return sum(a.n_annotations for a in articles.list_articles(project))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def pair(tmp_path: Path):  # type: ignore[no-untyped-def]
    ana, aid = make_ana(tmp_path / "ana.sqlite")
    ben = make_ben(tmp_path / "ben.sqlite", tmp_path)
    ben.close()
    yield ana, aid, tmp_path / "ben.sqlite"
    ana.close()


@pytest.fixture
def dialog_for(qtbot):  # type: ignore[no-untyped-def]
    def make(project: Project, actor: str = "ana") -> MergeDialog:
        dialog = MergeDialog(project, actor)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog
    return make


def test_preview_then_merge(pair, dialog_for, qtbot) -> None:  # type: ignore[no-untyped-def]
    ana, aid, ben_file = pair
    before = n_annotations(ana)
    ben_digest = digest(ben_file)
    dialog = dialog_for(ana)
    assert dialog.objectName() == "mergeDialog"
    assert not dialog.merge_button.isEnabled()

    report = dialog.set_path(ben_file)
    assert report is not None and report.dry_run
    assert dialog.count("articles_matched") == 1
    assert dialog.count("articles_added") == 1
    assert dialog.count("annotations_added") == 3
    assert dialog.count("skipped_identical") == 0
    assert dialog.count("conflicts") == 0
    assert dialog.count("unmatched") == 0
    assert dialog.merge_button.isEnabled()
    assert dialog.conflict_table.isHidden()
    assert "nothing has been written" in dialog.message.text()
    assert n_annotations(ana) == before  # a preview writes nothing
    assert len(articles.list_articles(ana)) == 1

    with qtbot.waitSignal(dialog.merged, timeout=5000) as signal:
        dialog.merge_button.click()
    ids = signal.args[0]
    assert aid in ids and len(ids) == 2
    assert dialog.report is not None and not dialog.report.dry_run
    assert n_annotations(ana) == before + 3
    assert len(articles.list_articles(ana)) == 2
    assert "Merged: 3 annotations added, 1 article added" in dialog.message.text()
    assert dialog.result_box.title().startswith("Merged ben.sqlite")
    assert not dialog.merge_button.isEnabled()  # merged once
    merged = [a for a in articles.load_annotations(ana, aid) if a.annotator == "ben"]
    assert sorted(a.text for a in merged) == ["Steve Witkoff",
                                              "three sources with direct knowledge of the talks"]
    history = annotate.history(ana, merged[0].id)
    assert any(h.action == "merged" and h.actor == "ana" for h in history)
    assert digest(ben_file) == ben_digest  # the colleague's file is never modified

    again = dialog.run_preview()  # a second preview: everything is here now
    assert again is not None
    assert dialog.count("annotations_added") == 0
    assert dialog.count("skipped_identical") == 3
    assert not dialog.merge_button.isEnabled()
    assert "Nothing new to merge" in dialog.message.text()


def test_conflicts_show_both_versions(tmp_path: Path, dialog_for) -> None:  # type: ignore[no-untyped-def]
    ana, aid = make_ana(tmp_path / "ana.sqlite")
    ben = Project(tmp_path / "ben.sqlite")
    merge_file(ben, tmp_path / "ana.sqlite", actor="ben")  # Ben starts from Ana's tags
    shared = next(a for a in articles.load_annotations(ana, aid) if a.text == "Axios reports")
    annotate.apply_edit(ana, annotate.UpdateAnnotation.of(shared.id, label="organisation_statement"),
                        actor="ana")
    annotate.apply_edit(ben, annotate.UpdateAnnotation.of(shared.id, note="Axios, citing sources"),
                        actor="ben")
    tag(ben, aid, "ben", "named_person", "Jared Kushner")
    ben.close()
    before = {a.id: a for a in articles.load_annotations(ana, aid)}

    dialog = dialog_for(ana)
    dialog.set_path(tmp_path / "ben.sqlite")
    assert dialog.count("conflicts") == 1
    assert dialog.count("annotations_added") == 1
    assert dialog.count("skipped_identical") == 1
    table = dialog.conflict_table
    assert table.isVisibleTo(dialog) and table.rowCount() == 1
    row = [table.item(0, c).text() for c in range(table.columnCount())]
    assert row[1] == "Axios reports"
    assert row[2] == "label, note"
    assert "label: Organisation statement" in row[3] and "note: (empty)" in row[3]
    assert "label: Media report" in row[4] and "note: “Axios, citing sources”" in row[4]
    assert "1 conflict" in dialog.conflict_title.text()

    dialog.run_merge()
    after = {a.id: a for a in articles.load_annotations(ana, aid)}
    assert after[shared.id] == before[shared.id]  # ours kept, never overwritten
    assert len(after) == len(before) + 1
    assert "1 conflict left as they were here" in dialog.message.text()
    ana.close()


@pytest.mark.parametrize("make_bad, expected", [
    (lambda d: d / "missing.sqlite", "no such file"),
    (lambda d: _write(d / "notes.sqlite", b"these are my notes, not a database"),
     "not a database"),
    (lambda d: _write(d / "broken.csv", b"a,b,c\r\n1,2,3\r\n"), "broken.csv"),
])
def test_bad_file_is_reported_and_changes_nothing(  # type: ignore[no-untyped-def]
        pair, dialog_for, tmp_path, make_bad, expected) -> None:
    ana, _aid, _ben = pair
    before = n_annotations(ana)
    bad = make_bad(tmp_path)
    dialog = dialog_for(ana)
    assert dialog.set_path(bad) is None
    text = dialog.error_text()
    assert str(bad) in text and expected in text
    assert not dialog.merge_button.isEnabled()
    assert dialog.count("annotations_added") == -1  # no stale numbers
    assert n_annotations(ana) == before


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_error_replaces_a_previous_preview(pair, dialog_for, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ana, _aid, ben_file = pair
    dialog = dialog_for(ana)
    dialog.set_path(ben_file)
    assert dialog.merge_button.isEnabled()
    dialog.set_path(tmp_path / "nope.csv")
    assert "no such file" in dialog.error_text()
    assert not dialog.merge_button.isEnabled()
    assert dialog.run_merge() is None
    assert dialog.conflict_table.isHidden() and dialog.count("conflicts") == -1


def test_own_file_and_empty_path_are_refused(pair, dialog_for, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ana, _aid, _ben = pair
    dialog = dialog_for(ana)
    dialog.set_path(tmp_path / "ana.sqlite")
    assert "this project's own file" in dialog.error_text()
    dialog.set_path("")
    assert "Choose a colleague's" in dialog.error_text()


def test_csv_export_can_be_merged(pair, dialog_for, tmp_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    ana, aid, ben_file = pair
    ben = Project(ben_file)
    csv_path = tmp_path / "ben.csv"
    with open(csv_path, "w", encoding="utf-8", newline="") as out:
        export_csv(ben, out)
    ben.close()
    dialog = dialog_for(ana)
    dialog.set_path(csv_path)
    # A CSV carries no article text: Ben's second article cannot be matched here.
    assert dialog.count("articles_matched") == 1
    assert dialog.count("annotations_added") == 2
    assert dialog.count("unmatched") == 1
    assert dialog.unmatched_table.rowCount() == 1
    assert "1 article not matched" in dialog.unmatched_title.text()
    with qtbot.waitSignal(dialog.merged, timeout=5000) as signal:
        dialog.run_merge()
    assert signal.args[0] == [aid]


def test_browse_previews_the_chosen_file(pair, dialog_for, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    ana, _aid, ben_file = pair
    seen = {}

    def fake(parent, caption, start, filters):  # type: ignore[no-untyped-def]
        seen["filters"] = filters
        return str(ben_file), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", fake)
    dialog = dialog_for(ana)
    dialog.findChild(type(dialog.merge_button), "mergeBrowse").click()
    assert "*.sqlite" in seen["filters"] and "*.csv" in seen["filters"]
    assert dialog.path() == str(ben_file)
    assert dialog.count("annotations_added") == 3


def test_merge_dialog_greys_come_from_the_palette(pair, dialog_for) -> None:  # type: ignore[no-untyped-def]
    """No fixed dark greys (#444/#555 were 1.4–2:1 on the dark palette)."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QLabel

    ana, _aid, _ben = pair
    dialog = dialog_for(ana)
    intro = dialog.findChild(QLabel, "mergeIntro")
    assert intro.foregroundRole() == QPalette.ColorRole.PlaceholderText
    assert intro.styleSheet() == "" and dialog.extra.styleSheet() == ""
