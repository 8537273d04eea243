"""The source registry on both backends: matching rules, incremental linking, the
analyst's merge/split/rename/notes, CLI, CSV source_id, offline merge, migration."""

from __future__ import annotations

import csv
import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from annotator.domain.errors import UserInputError
from annotator.domain.facets import Facets
from annotator.domain.facets_codec import encode_facets
from annotator.domain.model import make_annotation
from annotator.domain.source_registry import load_rules, match_key, parse_rules
from annotator.services import annotate, articles, sources
from annotator.services.project import Project
from annotator.services.resources import RESOURCES
from annotator.storage import crud, source_crud

from .conftest import import_article, old_database

TEXT = ("Special Envoy Steve Witkoff said talks would resume. A senior Qatari official "
        "said Hamas had agreed. Witkoff's aides denied it. Axios reported the draft.\n")


def _article(project: Project, tmp_path: Path, text: str = TEXT, *, name: str = "a.txt",
             outlet: str = "Reuters") -> tuple[int, str]:
    return import_article(project, tmp_path, text, name=name, outlet=outlet)


def _claim(project: Project, aid: int, text: str, label: str, claim: str, mention: str,
           *, facets: dict | None = None, who: str = "ana", after: int = 0) -> str:
    s = text.index(claim, after)
    m = text.index(mention, after)
    edit = annotate.new_annotation(project, article_id=aid, article_text=text, annotator=who,
                                   label=label, start=s, end=s + len(claim),
                                   source=(m, m + len(mention)))
    change, _ = annotate.apply_edit(project, edit, actor=who)
    ann = change.after
    if facets:
        annotate.apply_edit(project, annotate.UpdateAnnotation.of(
            ann.id, facets=encode_facets(Facets.from_dict(facets))), actor=who)
    return ann.id


def _link(project: Project, annotation_id: str) -> str | None:
    with project.reading() as session:
        return source_crud.source_ids_of(session=session,
                                         annotation_ids=[annotation_id]).get(annotation_id)


RULES = load_rules(RESOURCES / "source_rules.json")


@pytest.mark.parametrize("a, b", [
    ("Special Envoy Steve Witkoff", "Steve Witkoff"),
    ("Witkoff's", "Witkoff"),
    ("Steve Witkoff’s", "steve  WITKOFF"),
    ("President Donald Trump", "Mr. Trump") ,
])
def test_named_mentions_match_without_titles_and_possessives(a: str, b: str) -> None:
    ka = match_key(mention=a, label="named_person", rules=RULES)
    kb = match_key(mention=b, label="named_person", rules=RULES)
    assert ka is not None and kb is not None
    if "Trump" in a:  # different first names stay different entries: no guessing
        assert ka.key != kb.key
    else:
        assert ka.key == kb.key and ka.source_id == kb.source_id


def test_unnamed_sources_match_only_within_role_affiliation_and_outlet() -> None:
    def key(mention: str, outlet: str, affiliation: str = "Qatar") -> str:
        m = match_key(mention=mention, label="anonymous_official", affiliation=affiliation,
                      outlet=outlet, rules=RULES)
        assert m is not None
        return m.key

    same = key("a senior Qatari official", "Reuters")
    assert key("senior Qatari officials with direct knowledge of the talks", "Reuters") == same
    assert key("a senior Qatari official", "AP") != same  # never across outlets
    assert key("a senior Qatari official", "Reuters", "Egypt") != same
    assert key("a junior Qatari official", "Reuters") != same


def test_rules_file_is_checked() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        parse_rules({"kind_by_label": {"named_person": "celebrity"}})
    with pytest.raises(ValueError, match="list of strings"):
        parse_rules({"titles": "mr"})


def test_tagging_links_at_once_and_registry_lists(project: Project, tmp_path: Path) -> None:
    aid, text = _article(project, tmp_path)
    a1 = _claim(project, aid, text, "named_person", "talks would resume",
                "Special Envoy Steve Witkoff")
    a2 = _claim(project, aid, text, "named_person", "denied it", "Witkoff's aides")
    a3 = _claim(project, aid, text, "anonymous_official", "Hamas had agreed",
                "A senior Qatari official", facets={"affiliation": "Qatar"})
    a4 = _claim(project, aid, text, "media_report", "reported the draft", "Axios")
    with project.reading() as session:
        assert source_crud.count_pending(session=session) == 0  # linked while tagging
    assert _link(project, a1) is not None and _link(project, a3) is not None
    assert _link(project, a1) != _link(project, a2)  # "Witkoff's aides" are not Witkoff
    entries = {s.source_id: s for s in sources.list_sources(project)}
    assert entries[_link(project, a3)].kind == "unnamed"
    assert entries[_link(project, a3)].outlets == ("Reuters",)
    assert entries[_link(project, a4)].kind == "media"
    assert all(s.claims == 1 and s.articles == 1 for s in entries.values())
    # another article, another outlet: Witkoff is the same entry, the Qatari is not
    aid2, text2 = _article(project, tmp_path, TEXT.replace("Special Envoy ", ""),
                           name="b.txt", outlet="AP")
    b1 = _claim(project, aid2, text2, "named_person", "talks would resume", "Steve Witkoff")
    b3 = _claim(project, aid2, text2, "anonymous_official", "Hamas had agreed",
                "A senior Qatari official", facets={"affiliation": "Qatar"})
    assert _link(project, b1) == _link(project, a1)
    assert _link(project, b3) != _link(project, a3)
    detail = sources.show_source(project, _link(project, a1))
    assert detail.summary.claims == 2 and detail.summary.articles == 2
    assert set(detail.summary.outlets) == {"AP", "Reuters"}
    assert [c.annotation_id for c in detail.claims] == [a1, b1]
    assert sum(detail.bands.values()) == 2
    c = detail.claims[0]
    assert text[c.start:c.end] == c.text and c.left == text[max(0, c.start - 60):c.start]
    other = sources.show_source(project, _link(project, a1), exclude_article=aid)
    assert [x.annotation_id for x in other.claims] == [b1]  # "this source elsewhere"
    # the spread kept by triggers agrees with a recount, also after deletes and edits
    with project.reading() as session:
        assert source_crud.spread_check(session=session) == []
    annotate.apply_edit(project, annotate.DeleteAnnotation(b1), actor="ana")
    from sqlalchemy import text as sql

    with project.transaction() as session:
        session.execute(sql("UPDATE article SET outlet = 'AFP', published = '2026-01-02' "
                            "WHERE id = :i"), {"i": aid})
    detail = sources.show_source(project, _link(project, a1))
    assert detail.summary.outlets == ("AFP",) and detail.summary.articles == 1
    assert detail.summary.first_seen == detail.summary.last_seen == "2026-01-02"
    qatari = sources.show_source(project, _link(project, a3)).summary
    assert qatari.outlets == ("AFP",)  # re-linked: the outlet is part of an unnamed key
    with project.transaction() as session:
        session.execute(sql("DELETE FROM article WHERE id = :i"), {"i": aid2})
    with project.reading() as session:
        assert source_crud.spread_check(session=session) == []
    assert {s.source_id for s in sources.list_sources(project)} == {
        _link(project, x) for x in (a1, a2, a3, a4)}


def test_bulk_writes_are_queued_and_linked_on_read(project: Project, tmp_path: Path) -> None:
    aid, text = _article(project, tmp_path)
    m = text.index("Axios")
    anns = [make_annotation(article_id=aid, article_text=text, annotator=f"bulk{i}",
                            label="media_report", start=m, end=m + 20, source=(m, m + 5))
            for i in range(3)]
    with project.transaction() as session:
        crud.insert_annotations(session=session, annotations=anns)
    with project.reading() as session:
        assert source_crud.count_pending(session=session) == 3
    (entry,) = sources.list_sources(project)
    assert entry.claims == 3 and entry.name == "Axios"
    annotate.apply_edit(project, annotate.DeleteAnnotation(anns[0].id), actor="x")
    (entry,) = sources.list_sources(project)
    assert entry.claims == 2  # the link went with the annotation, the count with it
    annotate.apply_edit(project, annotate.UpdateAnnotation.of(
        anns[1].id, source_start=None, source_end=None), actor="x")
    (entry,) = sources.list_sources(project)
    assert entry.claims == 1 and _link(project, anns[1].id) is None


def test_looking_up_a_settled_link_writes_nothing(project: Project, tmp_path: Path) -> None:
    """Selecting an annotation asks for its source: a queued mention is linked then, a
    settled one is only read (no write lock per click, and it works on a read-only file)."""
    from sqlalchemy import event

    aid, text = _article(project, tmp_path)
    m = text.index("Axios")
    queued = make_annotation(article_id=aid, article_text=text, annotator="bulk",
                             label="media_report", start=m, end=m + 20, source=(m, m + 5))
    with project.transaction() as session:
        crud.insert_annotations(session=session, annotations=[queued])
    writes: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            writes.append(statement)

    event.listen(project.engine, "before_cursor_execute", record)
    try:
        sid = sources.source_of_annotation(project, queued.id)
        assert sid is not None and writes  # the queued mention was linked on the spot
        writes.clear()
        assert sources.source_of_annotation(project, queued.id) == sid
        assert writes == []
    finally:
        event.remove(project.engine, "before_cursor_execute", record)
    with project.reading() as session:
        assert source_crud.count_pending(session=session) == 0


def test_merge_split_rename_annotate(project: Project, tmp_path: Path) -> None:
    aid, text = _article(project, tmp_path)
    a1 = _claim(project, aid, text, "named_person", "talks would resume",
                "Special Envoy Steve Witkoff")
    a2 = _claim(project, aid, text, "named_person", "denied it", "Witkoff's aides")
    s1, s2 = _link(project, a1), _link(project, a2)
    sources.annotate(project, s2, "his team, not him")
    sources.merge(project, s1, [s2])
    (entry,) = sources.list_sources(project)
    assert entry.source_id == s1 and entry.claims == 2 and entry.note == "his team, not him"
    assert len(entry.aliases) == 2
    new = sources.split(project, s1, [a2], "Witkoff's team")
    assert _link(project, a2) == new
    annotate.apply_edit(project, annotate.UpdateAnnotation.of(a2, label="organisation_statement"),
                        actor="ana")
    assert _link(project, a2) == new  # linked by hand: the rules do not move it back
    sources.rename(project, s1, "Steve Witkoff (US envoy)")
    with pytest.raises(UserInputError, match="merge"):
        sources.rename(project, new, "Steve Witkoff (US envoy)")
    aid2, text2 = _article(project, tmp_path, "Steve Witkoff (US envoy) spoke.\n",
                           name="b.txt", outlet="AP")
    b = _claim(project, aid2, text2, "named_person", "spoke", "Steve Witkoff (US envoy)")
    assert _link(project, b) == s1  # the new name is an alias
    with pytest.raises(UserInputError, match="does not exist"):
        sources.show_source(project, "src_nope")


def test_cli_sources(db_url: str, tmp_path: Path) -> None:
    from annotator.cli import main

    project = Project(db_url)
    try:
        aid, text = _article(project, tmp_path)
        a1 = _claim(project, aid, text, "media_report", "reported the draft", "Axios")
        sid = _link(project, a1)
    finally:
        project.close()
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--db", db_url, "sources", "--format", "jsonl"]) == 0
    (rec,) = [json.loads(x) for x in out.getvalue().splitlines()]
    assert {k: rec[k] for k in ("source_id", "name", "kind", "claims", "articles", "outlets")} \
        == {"source_id": sid, "name": "Axios", "kind": "media", "claims": 1, "articles": 1,
            "outlets": ["Reuters"]}
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--db", db_url, "sources", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][:7] == ["source_id", "name", "kind", "aliases", "claims", "articles",
                           "outlets"] and rows[1][0] == sid
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--db", db_url, "sources", "--show", sid, "--format", "jsonl"]) == 0
    (claim,) = [json.loads(x) for x in out.getvalue().splitlines()]
    assert claim["annotation_id"] == a1 and text[claim["start"]:claim["end"]] == claim["text"]
    assert main(["--db", db_url, "sources", "--show", "src_missing"]) == 2


def test_csv_source_id_column_survives_a_round_trip(project: Project, tmp_path: Path,
                                                    db_url: str) -> None:
    from annotator.services.export_csv import CSV_COLUMNS, export_csv
    from annotator.services.interop import import_annotations

    assert CSV_COLUMNS[-1] == "source_id"
    aid, text = _article(project, tmp_path)
    a1 = _claim(project, aid, text, "named_person", "talks would resume", "Steve Witkoff")
    _claim(project, aid, text, "anonymous_official", "Hamas had agreed",
           "A senior Qatari official")
    first = io.StringIO()
    export_csv(project, first)
    rows = list(csv.DictReader(io.StringIO(first.getvalue())))
    assert {r["annotation_id"]: r["source_id"] for r in rows}[a1] == _link(project, a1)
    path = tmp_path / "out.csv"
    path.write_text(first.getvalue(), encoding="utf-8", newline="")
    other = Project(tmp_path / "other.sqlite")
    try:
        _article(other, tmp_path)
        import_annotations(other, path, fmt="csv")
        second = io.StringIO()
        export_csv(other, second)
    finally:
        other.close()
    assert second.getvalue() == first.getvalue()


def test_offline_merge_brings_entries_names_notes_and_hand_links(tmp_path: Path,
                                                                 project: Project) -> None:
    from annotator.services.merge import merge_file

    colleague = Project(tmp_path / "colleague.sqlite")
    try:
        aid, text = _article(colleague, tmp_path)
        c1 = _claim(colleague, aid, text, "named_person", "talks would resume",
                    "Special Envoy Steve Witkoff", who="bo")
        c2 = _claim(colleague, aid, text, "named_person", "denied it", "Witkoff's aides",
                    who="bo")
        sid = _link(colleague, c1)
        sources.rename(colleague, sid, "Steve Witkoff")
        sources.annotate(colleague, sid, "US special envoy")
        team = sources.split(colleague, _link(colleague, c2), [c2], "Witkoff's team")
    finally:
        colleague.close()
    _article(project, tmp_path)
    merge_file(project, tmp_path / "colleague.sqlite", actor="ana")
    assert _link(project, c1) == sid and _link(project, c2) == team
    by_id = {s.source_id: s for s in sources.list_sources(project)}
    assert by_id[sid].name == "Steve Witkoff" and by_id[sid].note == "US special envoy"
    assert by_id[team].name == "Witkoff's team"
    with project.reading() as session:
        assert source_crud.all_links(session=session)[c2] == (team, True)


def test_migration_backfills_existing_annotations(tmp_path: Path) -> None:
    project = Project(old_database(tmp_path))
    try:
        (summary,) = articles.list_articles(project)
        with_mention = [a for a in articles.load_annotations(project, summary.id)
                        if a.source_start is not None]
        assert with_mention
        listed = sources.list_sources(project)
        assert sum(s.claims for s in listed) == len(with_mention)
        assert all(_link(project, a.id) for a in with_mention)
    finally:
        project.close()
