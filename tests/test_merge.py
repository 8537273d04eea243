"""Offline merge of a colleague's project file or CSV export (SQLite and PostgreSQL targets)."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlmodel import SQLModel

from annotator.domain.errors import UserInputError
from annotator.domain.facets import Facets
from annotator.domain.facets_codec import encode_facets
from annotator.domain.model import Annotation, Label
from annotator.services import annotate, articles, review
from annotator.services.export_csv import export_csv
from annotator.services.merge import merge_file
from annotator.services.project import Project
from annotator.storage import crud
from annotator.storage.tables import (
    AnnotationEventRow,
    AnnotationRow,
    ArticleRow,
    LabelRow,
    ReviewCommentRow,
)

from .conftest import SEED

OTHER_TEXT = ("Officials said the ceasefire would hold, according to a ministry statement "
              "released on Friday.")
FOUNDATION = Path(__file__).parent / "fixtures" / "foundation-0001.sqlite"


def _seed(project: Project) -> tuple[int, str]:
    aid = articles.import_files(project, [SEED]).article_ids[0]
    return aid, articles.get_article(project, aid).text


def _tag(project: Project, aid: str | int, text_: str, annotator: str, label: str,
         needle: str, note: str = "") -> Annotation:
    i = text_.index(needle)
    change, _ = annotate.apply_edit(project, annotate.new_annotation(
        project, article_id=int(aid), article_text=text_, annotator=annotator, label=label,
        start=i, end=i + len(needle), note=note), actor=annotator)
    assert change.after is not None
    return change.after


def _snapshot(project: Project) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table the merge may write, in a stable order."""
    out = {}
    with project.engine.connect() as conn:
        for table in (AnnotationRow, ArticleRow, LabelRow, AnnotationEventRow,
                      ReviewCommentRow):
            name = str(table.__tablename__)
            rows = conn.execute(select(SQLModel.metadata.tables[name])).all()
            out[name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def _file_state(path: Path) -> tuple[str, list[str]]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), sorted(os.listdir(path.parent))


@pytest.fixture
def ana(project: Project) -> Project:
    aid, text_ = _seed(project)
    _tag(project, aid, text_, "Ana", "media_report", "Axios reports")
    _tag(project, aid, text_, "Ana", "anonymous_official", "a senior Qatari official")
    _tag(project, aid, text_, "Ana", "anonymous_unspecified",
         "three sources with direct knowledge of the talks")
    return project


def _make_ben(folder: Path, *, extra_label: bool = False) -> Path:
    """Ben's own project file: the seed article (3 tags) and one article Ana lacks (1 tag)."""
    folder.mkdir(exist_ok=True)
    path = folder / "ben.sqlite"
    ben = Project(path)
    try:
        aid, text_ = _seed(ben)
        _tag(ben, aid, text_, "Ben", "media_report", "Axios reports")
        _tag(ben, aid, text_, "Ben", "anonymous_official",
             "a senior Qatari official reportedly said", note="=cmd|' /C calc'!A0")
        qatari = _tag(ben, aid, text_, "Ben", "organisation_statement", "Qatari officials")
        annotate.apply_edit(ben, annotate.UpdateAnnotation.of(qatari.id, facets=encode_facets(
            Facets.from_dict({"source_count": 2, "hedge": True, "named": "unnamed",
                              "admiralty_reliability": "B",
                              "admiralty_credibility": 3, "country": "Qatar"}))))
        other = folder / "other.txt"
        other.write_text(OTHER_TEXT, encoding="utf-8")
        oid = articles.import_files(ben, [other]).article_ids[0]
        _tag(ben, oid, OTHER_TEXT, "Ben", "organisation_statement", "a ministry statement")
        if extra_label:
            with ben.transaction() as session:
                crud.add_labels(session=session, labels=[Label(
                    "leaked_memo", "Leaked memo", "#123456", 99, "A leaked internal memo.")])
            ben.invalidate_labels()
            _tag(ben, aid, text_, "Ben", "leaked_memo", "Witkoff told the Hamas leaders")
    finally:
        ben.close()
    return path


def _annotations(project: Project) -> dict[str, Annotation]:
    out = {}
    for summary in articles.list_articles(project):
        out.update({a.id: a for a in articles.load_annotations(project, summary.id)})
    return out


def _ben_annotations(path: Path) -> list[Annotation]:
    ben = Project(path)
    try:
        return list(_annotations(ben).values())
    finally:
        ben.close()


def test_merge_project_file_then_again_adds_nothing(ana: Project, tmp_path: Path) -> None:
    ben_path = _make_ben(tmp_path / "ben")
    ben_anns = _ben_annotations(ben_path)
    before_file = _file_state(ben_path)

    report = merge_file(ana, ben_path, actor="Ana")
    assert (report.articles_matched, report.articles_added) == (1, 1)
    assert (report.annotations_added, report.skipped_identical) == (4, 0)
    assert report.conflicts == [] and report.unmatched_articles == []
    assert sorted(report.added_ids) == sorted(a.id for a in ben_anns)
    assert "4 added" in report.summary() and "ben.sqlite" in report.summary()
    assert _file_state(ben_path) == before_file  # the colleague's file is untouched

    merged = _annotations(ana)
    assert len(merged) == 7
    for ann in ben_anns:  # UUIDs, content and the note (a formula-like string) kept
        mine = merged[ann.id]
        assert (mine.annotator, mine.label, mine.start, mine.end, mine.text, mine.note) == \
            (ann.annotator, ann.label, ann.start, ann.end, ann.text, ann.note)
    other = next(s for s in articles.list_articles(ana) if s.n_annotations == 1)
    assert articles.get_article(ana, other.id).text == OTHER_TEXT
    # the colleague's history came along, then the merge itself
    history = annotate.history(ana, ben_anns[0].id)
    assert [h.action for h in history] == ["created", "merged"]
    assert history[0].actor == "Ben" and history[1].actor == "Ana"
    assert history[1].detail["source"] == "ben.sqlite"

    again = merge_file(ana, ben_path, actor="Ana")
    assert (again.annotations_added, again.skipped_identical, again.articles_added) == (0, 4, 0)
    assert again.articles_matched == 2 and again.conflicts == []
    assert len(_annotations(ana)) == 7
    assert [h.action for h in annotate.history(ana, ben_anns[0].id)] == ["created", "merged"]


def test_conflict_is_reported_not_overwritten(ana: Project, tmp_path: Path) -> None:
    ben_path = _make_ben(tmp_path / "ben")
    merge_file(ana, ben_path, actor="Ana")
    target = next(a for a in _ben_annotations(ben_path) if a.text == "Qatari officials")
    ben = Project(ben_path)
    annotate.apply_edit(ben, annotate.UpdateAnnotation.of(
        target.id, expected_version=target.version, label="anonymous_official"), actor="Ben")
    ben.close()
    annotate.apply_edit(ana, annotate.UpdateAnnotation.of(
        target.id, expected_version=target.version, note="checked with the original"),
        actor="Ana")
    snapshot = _snapshot(ana)

    report = merge_file(ana, ben_path, actor="Ana")
    assert report.annotations_added == 0 and report.skipped_identical == 3
    (conflict,) = report.conflicts
    assert conflict.annotation_id == target.id
    assert conflict.fields == ("label", "note")
    assert conflict.ours.label == "organisation_statement"
    assert conflict.ours.note == "checked with the original"
    assert conflict.theirs.label == "anonymous_official" and conflict.theirs.version == target.version + 1
    assert target.id in report.summary() and "differs: label, note" in report.summary()
    assert _snapshot(ana) == snapshot  # nothing overwritten, nothing logged


def test_unknown_label_added_comments_merged_deleted_not_resurrected(
        ana: Project, tmp_path: Path) -> None:
    ben_path = _make_ben(tmp_path / "ben", extra_label=True)
    ben = Project(ben_path)
    memo = next(a for a in _annotations(ben).values() if a.label == "leaked_memo")
    review.add_comment(ben, memo.id, author="Ben", body="Is this really a memo?")
    ben.close()
    assert ana.label("leaked_memo") is None

    report = merge_file(ana, ben_path, actor="Ana")
    assert report.labels_added == ["leaked_memo"] and report.comments_added == 1
    label = ana.label("leaked_memo")
    assert label is not None and label.name == "Leaked memo" and label.color == "#123456"
    assert label.position == max(lab.position for lab in ana.labels())
    assert [c.body for c in review.thread(ana, memo.id).comments] == ["Is this really a memo?"]

    annotate.apply_edit(ana, annotate.DeleteAnnotation(memo.id), actor="Ana")
    again = merge_file(ana, ben_path, actor="Ana")
    assert again.skipped_deleted == [memo.id] and again.annotations_added == 0
    assert again.comments_added == 0 and again.labels_added == []
    assert memo.id not in _annotations(ana)


def test_offline_review_in_the_source_comes_along(ana: Project, tmp_path: Path) -> None:
    """Carla reviews Ben's copy offline; her decisions reach the team project."""
    ben_path = _make_ben(tmp_path / "ben")
    merge_file(ana, ben_path, actor="Ana")
    ben = Project(ben_path)
    by_text = {a.text: a for a in _annotations(ben).values()}
    review.reject(ben, by_text["Qatari officials"].id, reviewer="Carla")
    accepted = review.accept(ben, by_text["Axios reports"].id, reviewer="Carla")
    ben.close()

    report = merge_file(ana, ben_path, actor="Ana")
    assert report.added_ids == [accepted.id] and report.events_added == 2
    assert "history events added" in report.summary()
    mine = _annotations(ana)[accepted.id]
    assert (mine.reviewed_by, mine.origin_id) == ("Carla", by_text["Axios reports"].id)
    assert [h.action for h in annotate.history(ana, by_text["Qatari officials"].id)] == \
        ["created", "facets_changed", "merged", "rejected"]
    aid = articles.list_articles(ana)[0].id
    status = review.review_status(ana, aid, "Ana", "Ben")
    assert {(i.kind, i.b.text) for i in status if i.settled and i.b} == {
        ("agreed", "Axios reports"), ("only_b", "Qatari officials")}
    again = merge_file(ana, ben_path, actor="Ana")
    assert again.events_added == 0 and again.annotations_added == 0


def test_dry_run_writes_nothing(ana: Project, tmp_path: Path) -> None:
    ben_path = _make_ben(tmp_path / "ben", extra_label=True)
    snapshot = _snapshot(ana)
    report = merge_file(ana, ben_path, actor="Ana", dry_run=True)
    assert report.dry_run and report.annotations_added == 5 and report.articles_added == 1
    assert report.summary().startswith("Dry run")
    assert _snapshot(ana) == snapshot
    assert ana.label("leaked_memo") is None


def test_older_schema_file_is_upgraded_in_a_copy(project: Project, tmp_path: Path) -> None:
    _seed(project)
    old = tmp_path / "colleague" / "fay.sqlite"
    old.parent.mkdir()
    shutil.copy(FOUNDATION, old)
    state = _file_state(old)
    report = merge_file(project, old, actor="Ana")
    assert report.annotations_added == 4
    assert report.articles_matched + report.articles_added == 1
    assert _file_state(old) == state
    con = sqlite3.connect(old)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    con.close()
    assert {a.annotator for a in _annotations(project).values()} == {"Foundation Fay"}


def _export(project_path: Path, out: Path) -> None:
    ben = Project(project_path)
    try:
        with open(out, "w", encoding="utf-8", newline="") as fh:
            export_csv(ben, fh)
    finally:
        ben.close()


def test_merge_csv_export_is_idempotent(ana: Project, tmp_path: Path) -> None:
    ben_path = _make_ben(tmp_path / "ben")
    csv_path = tmp_path / "ben.csv"
    _export(ben_path, csv_path)
    ben_anns = {a.id: a for a in _ben_annotations(ben_path)}

    report = merge_file(ana, csv_path, actor="Ana")
    assert report.kind == "CSV"
    assert report.articles_matched == 1 and report.articles_added == 0
    assert report.annotations_added == 3 and report.conflicts == []
    (unmatched,) = report.unmatched_articles  # the article Ana does not have: no text in CSV
    assert unmatched.n_annotations == 1 and "no article" in unmatched.reason
    assert "Unmatched articles" in report.summary()
    merged = _annotations(ana)
    for ann_id in report.added_ids:
        mine, theirs = merged[ann_id], ben_anns[ann_id]
        fields = ("annotator", "label", "start", "end", "text", "prefix", "suffix",
                  "source_start", "source_end", "note", "created_at", "updated_at", "facets")
        assert [getattr(mine, f) for f in fields] == [getattr(theirs, f) for f in fields]
    assert merged[report.added_ids[0]].article_id == articles.list_articles(ana)[0].id

    again = merge_file(ana, csv_path, actor="Ana")
    assert (again.annotations_added, again.skipped_identical) == (0, 3)
    # the project file afterwards: the three are identical, only the new article comes in
    full = merge_file(ana, ben_path, actor="Ana")
    assert (full.annotations_added, full.skipped_identical, full.articles_added) == (1, 3, 1)
    assert full.conflicts == []


def test_merge_csv_in_the_foundation_format(ana: Project, tmp_path: Path) -> None:
    """An export made before the facet columns existed still merges (without facets)."""
    ben_path = _make_ben(tmp_path / "ben")
    full = tmp_path / "ben.csv"
    _export(ben_path, full)
    def foundation_only(rows: list[list[str]]) -> None:
        for row in rows:
            del row[14:]

    old = _rewrite_csv(full, tmp_path / "old.csv", foundation_only)
    assert old.read_text(encoding="utf-8").splitlines()[0].count(",") == 13
    report = merge_file(ana, old, actor="Ana")
    assert report.annotations_added == 3
    assert {a.facets for a in _annotations(ana).values()} == {"{}"}
    # facets are not part of that format, so they do not make a conflict afterwards
    assert merge_file(ana, old, actor="Ana").skipped_identical == 3


def test_csv_with_unknown_label_is_refused(ana: Project, tmp_path: Path) -> None:
    ben_path = _make_ben(tmp_path / "ben", extra_label=True)
    csv_path = tmp_path / "ben.csv"
    _export(ben_path, csv_path)
    snapshot = _snapshot(ana)
    with pytest.raises(UserInputError, match=r"ben\.csv: labels not in this project's "
                                             r"taxonomy: 'Leaked memo'"):
        merge_file(ana, csv_path, actor="Ana")
    assert _snapshot(ana) == snapshot


def _rewrite_csv(src: Path, dst: Path, edit: Callable[[list[list[str]]], None]) -> Path:
    rows = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8"), newline="")))
    edit(rows)
    with open(dst, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)
    return dst


def _tampered_db(src: Path, dst: Path, sql: str) -> Path:
    shutil.copy(src, dst)
    con = sqlite3.connect(dst)
    con.execute(sql)
    con.commit()
    con.close()
    return dst


def test_hostile_inputs_refused_and_project_unchanged(ana: Project, tmp_path: Path) -> None:
    ben_path = _make_ben(tmp_path / "ben")
    good = tmp_path / "ben.csv"
    _export(ben_path, good)
    data = good.read_bytes()
    bad = tmp_path / "bad"
    bad.mkdir()
    cols = data.split(b"\r\n")[0].decode().split(",")
    col = cols.index

    def set_cell(name: str, value: str) -> Callable[[list[list[str]]], None]:
        def edit(rows: list[list[str]]) -> None:
            rows[2][col(name)] = value
        return edit

    second_row_end = data.index(b"\r\n", data.index(b"\r\n", data.index(b"\r\n") + 2) + 2)
    (bad / "cut-end.csv").write_bytes(data[:-5])
    (bad / "cut-row.csv").write_bytes(data[:second_row_end - 60])
    def drop_cell(rows: list[list[str]]) -> None:
        rows[2].pop()

    def add_column(rows: list[list[str]]) -> None:
        for row in rows:
            row.append("x")

    _rewrite_csv(good, bad / "short-row.csv", drop_cell)
    _rewrite_csv(good, bad / "timestamp.csv", set_cell("updated_at", "2026-11-26T13:0"))
    _rewrite_csv(good, bad / "facet.csv", set_cell("named", "perhaps"))
    _rewrite_csv(good, bad / "column.csv", add_column)
    (bad / "open-quote.csv").write_bytes(data + b'x,"unterminated\r\n')
    (bad / "header.csv").write_bytes(b"id,foo,bar\r\n1,2,3\r\n")
    (bad / "latin1.csv").write_bytes("annotation_id,é".encode("latin-1"))
    (bad / "empty.csv").write_bytes(b"")
    _rewrite_csv(good, bad / "negative.csv", set_cell("start", "-4"))
    _rewrite_csv(good, bad / "inverted.csv", set_cell("end", "0"))
    _rewrite_csv(good, bad / "length.csv", set_cell("text", "not the text"))
    _rewrite_csv(good, bad / "not-uuid.csv", set_cell("annotation_id", "1234"))
    _rewrite_csv(good, bad / "dup.csv", lambda rows: rows.append(list(rows[1])))
    tamper = "UPDATE annotation SET {} WHERE text = 'Axios reports'"
    _tampered_db(ben_path, bad / "range.sqlite", tamper.format('"end" = 999999'))
    _tampered_db(ben_path, bad / "mismatch.sqlite", tamper.format("text = 'Axios rEports'"))
    _tampered_db(ben_path, bad / "facets.sqlite", tamper.format("facets = '{nope'"))
    _tampered_db(ben_path, bad / "newer.sqlite",
                 "UPDATE alembic_version SET version_num = '9999'")
    (bad / "junk.sqlite").write_bytes(b"hello, this is not a database")
    (bad / "zero.sqlite").write_bytes(b"")
    other = sqlite3.connect(bad / "other.db")
    other.execute("CREATE TABLE t (x)")
    other.commit()
    other.close()
    (bad / "folder.sqlite").mkdir()

    cases = {
        "cut-end.csv": "line 5: the file ends in the middle of a row",
        "cut-row.csv": "line 3: the file ends in the middle of a row",
        "short-row.csv": r"line 3: expected \d+ cells, found", "timestamp.csv":
        "line 3 .*updated_at '2026-11-26T13:0' is not a timestamp",
        "facet.csv": "line 3 .*'perhaps' is not one of",
        "column.csv": "line 1: not a CSV exported by annotator .*unexpected columns: 'x'",
        "open-quote.csv": "malformed CSV", "header.csv": "line 1: not a CSV exported",
        "latin1.csv": "not UTF-8", "empty.csv": "empty file",
        "negative.csv": "line 3 .*start '-4'|line 3 .*out of range",
        "inverted.csv": "line 3 .*out of range", "length.csv": "line 3 .*does not match",
        "not-uuid.csv": "line 3: annotation_id '1234' is not a UUID",
        "dup.csv": "also appears on line 2",
        "range.sqlite": "outside the article", "mismatch.sqlite": "does not match the article",
        "facets.sqlite": "invalid facets", "newer.sqlite": "newer version of annotator",
        "junk.sqlite": "not a database", "zero.sqlite": "not a database",
        "other.db": "not an annotator project file", "folder.sqlite": "is a folder",
        "missing.sqlite": "no such file",
    }
    snapshot = _snapshot(ana)
    for name, needle in cases.items():
        path = bad / name
        before = _file_state(path) if path.is_file() else None
        with pytest.raises(UserInputError) as err:
            merge_file(ana, path, actor="Ana")
        message = str(err.value)
        assert name in message, message
        assert re.search(needle, message), (name, message)
        assert _snapshot(ana) == snapshot, name
        if before is not None:
            assert _file_state(path) == before, name


def test_merged_rows_counted_in_sql(ana: Project, tmp_path: Path) -> None:
    """The merged rows as the database sees them, on both backends."""
    ben_path = _make_ben(tmp_path / "ben")
    merge_file(ana, ben_path, actor="Ana")
    with ana.engine.connect() as conn:
        counts: dict[str, int] = dict(conn.execute(text(
            "SELECT annotator, COUNT(*) FROM annotation GROUP BY annotator")).all())
        merged_events = conn.execute(text(
            "SELECT COUNT(*) FROM annotation_event WHERE action = 'merged'")).scalar()
    assert counts == {"Ana": 3, "Ben": 4} and merged_events == 4


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "annotator", "--db", str(db), "merge", *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_cli_merge_exit_codes(db_path: Path, tmp_path: Path) -> None:
    target = Project(db_path)
    _seed(target)
    target.close()
    ben_path = _make_ben(tmp_path / "ben")
    r = _cli(db_path, str(ben_path), "--as", "Ana")
    assert r.returncode == 0, r.stderr
    assert "annotations: 4 added, 0 already here" in r.stdout
    r = _cli(db_path, str(ben_path), "--as", "Ana", "--dry-run")
    assert r.returncode == 0 and "Dry run" in r.stdout and "4 already here" in r.stdout
    junk = tmp_path / "junk.csv"
    junk.write_text("what,is,this\r\n", encoding="utf-8")
    r = _cli(db_path, str(junk))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "junk.csv" in r.stderr and "Traceback" not in r.stderr
    check = Project(db_path)
    try:
        assert annotate.history(check, _ben_annotations(ben_path)[0].id)[-1].actor == "Ana"
    finally:
        check.close()
