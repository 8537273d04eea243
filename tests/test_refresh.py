"""Incremental refresh: a colleague's changes arrive by reading only what changed.

Two Project objects on one database are two analysts (on PostgreSQL: two connections
to a real server). A refresh reads the article's new audit events and re-reads just
those annotations, so its cost is the number of changes.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from annotator.domain.model import make_annotation
from annotator.services import annotate, articles, open_article
from annotator.services.change_feed import ChangeCursor
from annotator.services.open_article import OpenArticle
from annotator.services.project import Project
from annotator.storage import crud

from .conftest import tag_phrase


def _article(project: Project, tmp_path: Path, body: str, name: str = "a.txt") -> tuple[int, str]:
    f = tmp_path / name
    f.write_text(body, encoding="utf-8")
    aid = articles.import_files(project, [f]).article_ids[0]
    return aid, articles.get_article(project, aid).text


TEXT = ("Officials said on Tuesday that talks would resume, according to two people "
        "familiar with the matter. “We are close,” the envoy told Reuters 😀. The ministry "
        "declined to comment.\n")


def _fold(article: OpenArticle, refresh: open_article.Refresh) -> None:
    for change in refresh.changes:
        article.apply_change(change)


def _same_as_db(article: OpenArticle, project: Project) -> bool:
    stored = articles.load_annotations(project, article.id)
    return article.rows == stored


def test_colleagues_tag_edit_and_delete_arrive_one_row_each(project: Project, db_url: str,
                                                             tmp_path: Path) -> None:
    aid, text = _article(project, tmp_path, TEXT)
    mine = tag_phrase(project, aid, text, "ana", "named_person", "the envoy")
    doomed = tag_phrase(project, aid, text, "ana", "unattributed", "talks would resume")
    view = OpenArticle.load(project, aid)
    assert view.refresh(project).rows_fetched == 0  # nothing happened yet

    colleague = Project(db_url)
    try:
        theirs = tag_phrase(colleague, aid, text, "bo", "media_report", "Reuters")
        r = view.refresh(project)
        assert (r.events_read, r.rows_fetched) == (1, 1)
        (change,) = r.changes
        assert change.before is None and change.after == theirs
        _fold(view, r)
        assert view.by_id[theirs.id] == theirs

        # A colleague's edit of one of my annotations: before/after as stored.
        edited, _ = annotate.apply_edit(colleague, annotate.UpdateAnnotation.of(
            mine.id, expected_version=mine.version, label="anonymous_official"), actor="bo")
        r = view.refresh(project)
        assert r.rows_fetched == 1
        (change,) = r.changes
        assert change.before == mine and change.after == edited.after
        _fold(view, r)
        assert view.by_id[mine.id].label == "anonymous_official"
        assert [s.label for s in view.index.at(mine.start)] == ["anonymous_official"]

        # A deletion: the row is gone, the audit trail says which.
        annotate.apply_edit(colleague, annotate.DeleteAnnotation(
            doomed.id, expected_version=doomed.version), actor="bo")
        r = view.refresh(project)
        (change,) = r.changes
        assert change.before == doomed and change.after is None and r.rows_fetched == 0
        _fold(view, r)
        assert doomed.id not in view.by_id
        assert all(s.id != doomed.id for s in view.index.overlapping(doomed.start, doomed.end))
        assert _same_as_db(view, project)

        # Nothing new: nothing read.
        again = view.refresh(project)
        assert (again.events_read, again.rows_fetched, again.changes) == (0, 0, [])
    finally:
        colleague.close()


def test_own_edit_already_folded_in_is_no_change(project: Project, tmp_path: Path) -> None:
    aid, text = _article(project, tmp_path, TEXT)
    view = OpenArticle.load(project, aid)
    i = text.index("the ministry".capitalize())
    change, _ = annotate.apply_edit(project, annotate.new_annotation(
        project, article_id=aid, article_text=text, annotator="ana", label="named_person",
        start=i, end=i + len("The ministry")), actor="ana")
    view.apply_change(change)
    r = view.refresh(project)
    assert r.events_read == 1 and r.changes == []


def test_refresh_reads_only_the_changes_in_a_large_article(project: Project, db_url: str,
                                                           tmp_path: Path) -> None:
    rng = random.Random(3)
    body = "\n".join(" ".join(rng.choice(["said", "the", "envoy", "deal", "talks"])
                              for _ in range(60)) for _ in range(200)) + "\n"
    aid, text = _article(project, tmp_path, body)
    other, other_text = _article(project, tmp_path, TEXT, "b.txt")
    bulk = []
    for _ in range(3000):
        s = rng.randrange(0, len(text) - 40)
        bulk.append(make_annotation(article_id=aid, article_text=text, annotator="bulk",
                                    label="named_person", start=s, end=s + rng.randint(3, 40)))
    with project.transaction() as session:
        crud.insert_annotations(session=session, annotations=bulk)
    view = OpenArticle.load(project, aid)
    assert view.count == 3000
    colleague = Project(db_url)
    try:
        for needle in ("envoy", "deal", "talks"):
            tag_phrase(colleague, aid, text, "bo", "unattributed", needle)
        tag_phrase(colleague, other, other_text, "bo", "unattributed", "Reuters")  # elsewhere
        r = view.refresh(project)
        assert (r.events_read, r.rows_fetched, len(r.changes)) == (3, 3, 3)
        _fold(view, r)
        assert view.count == 3003 and _same_as_db(view, project)
    finally:
        colleague.close()


def test_changes_while_paging_in_are_all_seen(project: Project, db_url: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(open_article, "PAGE_SIZE", 50)
    rng = random.Random(5)
    body = "\n".join(" ".join(rng.choice(["said", "the", "envoy", "deal"]) for _ in range(80))
                     for _ in range(150)) + "\n"
    aid, text = _article(project, tmp_path, body)
    bulk = []
    for k in range(600):
        s = (k * (len(text) - 50)) // 600
        bulk.append(make_annotation(article_id=aid, article_text=text, annotator="bulk",
                                    label="named_person", start=s, end=s + 12))
    with project.transaction() as session:
        crud.insert_annotations(session=session, annotations=bulk)
    view = OpenArticle.load_first_screen(project, aid, chars=2000)
    assert not view.complete
    loaded = next(a for a in view.rows)
    later = max(bulk, key=lambda a: a.start)  # not paged in yet
    colleague = Project(db_url)
    try:
        annotate.apply_edit(colleague, annotate.UpdateAnnotation.of(
            loaded.id, expected_version=1, note="checked"), actor="bo")
        annotate.apply_edit(colleague, annotate.DeleteAnnotation(later.id, expected_version=1),
                            actor="bo")
        assert view.refresh(project).changes == []  # not before the article is complete
        while not view.complete:
            assert view.append_sorted(view.load_more(project)) is not None
        _fold(view, view.refresh(project))
        assert _same_as_db(view, project)
        assert view.by_id[loaded.id].note == "checked" and later.id not in view.by_id
    finally:
        colleague.close()


def test_out_of_order_commit_on_a_server_is_not_missed(project: Project, db_url: str,
                                                       tmp_path: Path) -> None:
    """A transaction that took an older event id but commits after a newer one."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers: commit order is id order there")
    aid, text = _article(project, tmp_path, TEXT)
    view = OpenArticle.load(project, aid)
    slow, fast = Project(db_url), Project(db_url)
    try:
        i = text.index("Officials")
        early = make_annotation(article_id=aid, article_text=text, annotator="slow",
                                label="named_person", start=i, end=i + 9)
        with slow.transaction() as session:
            crud.insert_annotation(session=session, annotation=early)
            crud.add_event(session=session, annotation=early, actor="slow", action="created",
                           detail={})
            session.flush()  # the event id is taken now, committed only at the end
            late = tag_phrase(fast, aid, text, "fast", "unattributed", "the envoy")
            r = view.refresh(project)
            assert [c.after for c in r.changes] == [late]
            _fold(view, r)
        r = view.refresh(project)  # the older id, committed after the newer one
        assert [c.after for c in r.changes] == [early]
        _fold(view, r)
        assert _same_as_db(view, project)
    finally:
        slow.close()
        fast.close()


def test_change_cursor_settles_before_moving_past_ids() -> None:
    now = [0.0]
    cur = ChangeCursor(10, settle=30.0, clock=lambda: now[0])
    assert cur.new_events([(12, "b")]) == [(12, "b")]
    assert cur.position == 10  # 11 may still commit
    now[0] = 5.0
    assert cur.new_events([(11, "a"), (12, "b")]) == [(11, "a")]  # 12 not handed out twice
    now[0] = 31.0
    assert cur.new_events([(11, "a"), (12, "b")]) == []
    assert cur.position == 12
    sqlite_cur = ChangeCursor(10)
    assert sqlite_cur.new_events([(11, "a"), (14, "c")]) == [(11, "a"), (14, "c")]
    assert sqlite_cur.position == 14
