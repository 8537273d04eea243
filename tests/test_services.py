"""Use cases on a real SQLite file: import, edits as data with inverses."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.domain.errors import UserInputError
from annotator.services import annotate, articles
from annotator.services.annotate import DeleteAnnotation, UpdateAnnotation, apply_edit
from annotator.services.open_article import OpenArticle
from annotator.services.project import Project

from .conftest import SEED


def _seed(project: Project) -> int:
    return articles.import_files(project, [SEED]).article_ids[0]


def test_import_is_all_or_nothing(project: Project, tmp_path: Path) -> None:
    ok = tmp_path / "ok.txt"
    ok.write_text("An article.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(UserInputError, match="empty.txt: file is empty"):
        articles.import_files(project, [ok, empty])
    assert articles.list_articles(project) == []


def test_duplicate_text_not_imported_twice(project: Project, tmp_path: Path) -> None:
    first = _seed(project)
    copy = tmp_path / "copy.txt"
    copy.write_bytes(SEED.read_bytes().replace(b"\n", b"\r\n"))
    report = articles.import_files(project, [copy])
    assert report.imported[0].duplicate and report.article_ids == [first]
    assert len(articles.list_articles(project)) == 1


@pytest.mark.parametrize("name", ["a.pdf", "noext"])
def test_unsupported_types_refused(project: Project, tmp_path: Path, name: str) -> None:
    f = tmp_path / name
    f.write_text("x")
    with pytest.raises(UserInputError, match="unsupported file type"):
        articles.import_files(project, [f])


def test_edit_inverse_pairs_restore_state(project: Project, seed_text: str) -> None:
    aid = _seed(project)
    i = seed_text.index("Axios reports")
    create = annotate.new_annotation(project, article_id=aid, article_text=seed_text,
                                     annotator="a", label="media_report", start=i, end=i + 13)
    change, inverse = apply_edit(project, create)
    assert change.before is None and change.after.text == "Axios reports"
    assert inverse == DeleteAnnotation(change.after.id, expected_version=1)
    change2, inverse2 = apply_edit(project, UpdateAnnotation.of(change.after.id, start=i,
                                                                end=i + 5))
    assert change2.after.text == "Axios" and change2.after.suffix.startswith(" reports")
    apply_edit(project, inverse2)
    assert articles.load_annotations(project, aid)[0].text == "Axios reports"
    # The creation's inverse was based on version 1; two edits later it is stale.
    with pytest.raises(annotate.ConflictError):
        apply_edit(project, inverse)
    _, undo_delete = apply_edit(project, DeleteAnnotation(change.after.id))
    assert articles.load_annotations(project, aid) == []
    apply_edit(project, undo_delete)
    assert articles.load_annotations(project, aid)[0].id == change.after.id


def test_concurrent_edit_detected_nothing_lost(project: Project, seed_text: str) -> None:
    """Two analysts edit the same annotation from the same loaded version: the later
    writer is told, with both versions, and the first write stays."""
    aid = _seed(project)
    i = seed_text.index("Axios reports")
    created, _ = apply_edit(project, annotate.new_annotation(
        project, article_id=aid, article_text=seed_text, annotator="ana",
        label="media_report", start=i, end=i + 13))
    loaded = created.after
    apply_edit(project, UpdateAnnotation.of(loaded.id, expected_version=loaded.version,
                                            note="ana's note"), actor="ana")
    with pytest.raises(annotate.ConflictError) as info:
        apply_edit(project, UpdateAnnotation.of(loaded.id, expected_version=loaded.version,
                                                note="ben's note"), actor="ben")
    assert info.value.theirs.note == "ana's note" and info.value.mine.note == "ben's note"
    with pytest.raises(annotate.ConflictError):
        apply_edit(project, DeleteAnnotation(loaded.id, expected_version=loaded.version))
    (stored,) = articles.load_annotations(project, aid)
    assert stored.note == "ana's note" and stored.version == 2
    history = annotate.history(project, loaded.id)
    assert [(e.actor, e.action) for e in history] == [("unknown", "created"),
                                                       ("ana", "note_changed")]


@pytest.mark.parametrize("start,end", [(-1, 3), (5, 5), (10, 4), (0, 10**7)])
def test_out_of_range_offsets_refused(project: Project, seed_text: str, start: int,
                                      end: int) -> None:
    aid = _seed(project)
    with pytest.raises(UserInputError):
        annotate.new_annotation(project, article_id=aid, article_text=seed_text, annotator="a",
                                label="media_report", start=start, end=end)


def test_unknown_label_and_mismatched_text_refused(project: Project, seed_text: str) -> None:
    aid = _seed(project)
    with pytest.raises(UserInputError, match="unknown label"):
        annotate.new_annotation(project, article_id=aid, article_text=seed_text,
                                annotator="a", label="nope", start=0, end=3)
    good = annotate.new_annotation(project, article_id=aid, article_text=seed_text,
                                   annotator="a", label="media_report", start=1, end=5)
    forged = annotate.CreateAnnotation(good.annotation._replace(text="zzzz"))
    with pytest.raises(UserInputError, match="does not match"):
        apply_edit(project, forged)
    assert articles.load_annotations(project, aid) == []


def test_open_article_tracks_changes_in_order(project: Project, seed_text: str) -> None:
    aid = _seed(project)
    state = OpenArticle.load(project, aid)
    spans = [("Hamas", "named_person"), ("Axios", "media_report"), ("A high", "unattributed")]
    for phrase, key in spans:
        i = seed_text.index(phrase)
        change, _ = apply_edit(project, annotate.new_annotation(
            project, article_id=aid, article_text=seed_text, annotator="a", label=key,
            start=i, end=i + len(phrase)))
        state.apply_change(change)
    assert [a.start for a in state.rows] == sorted(a.start for a in state.rows)
    assert state.rows == articles.load_annotations(project, aid)
    hit = state.index.at(seed_text.index("Axios") + 1)
    assert [h.label for h in hit] == ["media_report"]
