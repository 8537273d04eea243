"""Full-text search on both backends: exact code-point offsets, KWIC, filters, paging,
indexes kept in step by the database, bad queries as one-line messages."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from sqlalchemy import text as sql

from annotator.domain.errors import UserInputError
from annotator.domain.facets import Facets
from annotator.domain.facets_codec import encode_facets
from annotator.domain.search_query import QuerySyntaxError, locate, parse_query
from annotator.services import annotate, articles
from annotator.services.project import Project
from annotator.services.search import SearchFilters, iter_hits, search
from annotator.storage import search_crud

from .conftest import import_article, old_database, tag_phrase

TEXT = ("😀 A senior Qatari official said the ceasefire talks were close.\n"
        "𠀋 Officials in Doha said the ceasefire would hold; 北京 sources disagreed.\n"
        "A cafe\u0301 owner told Axios that the officials' claims were wrong.\n")


def _article(project: Project, tmp_path: Path, text: str = TEXT, *, name: str = "a.txt",
             outlet: str = "") -> tuple[int, str]:
    return import_article(project, tmp_path, text, name=name, outlet=outlet)


def _hits(project: Project, q: str, **kw: object) -> list:
    return list(iter_hits(project, q, **kw))  # type: ignore[arg-type]


def test_phrase_hits_have_exact_code_point_offsets(project: Project, tmp_path: Path) -> None:
    aid, text = _article(project, tmp_path)
    hits = _hits(project, '"the ceasefire"', scope="text")
    assert [(h.start, h.end) for h in hits] == [
        (text.index("the ceasefire"), text.index("the ceasefire") + 13),
        (text.rindex("the ceasefire"), text.rindex("the ceasefire") + 13)]
    for h in hits:  # astral characters before the hits count as one code point each
        assert text[h.start:h.end] == h.hit and h.hit.lower() == "the ceasefire"
        assert h.left == text[max(0, h.start - 60):h.start]
        assert h.right == text[h.end:h.end + 60]
        assert h.article_id == aid and h.field == "text" and h.annotation_id is None


def test_prefix_and_boolean_queries(project: Project, tmp_path: Path) -> None:
    _, text = _article(project, tmp_path)
    assert sorted(h.hit.lower() for h in _hits(project, "official*", scope="text")) == \
        ["official", "officials", "officials"]
    assert {h.hit for h in _hits(project, "Doha OR Axios", scope="text")} == {"Doha", "Axios"}
    assert _hits(project, "ceasefire -Doha", scope="text") == []  # the article has Doha
    assert [h.hit for h in _hits(project, "Qatari ceasefire", scope="text")].count("Qatari") == 1


def test_cjk_and_combining_marks(project: Project, tmp_path: Path, db_url: str) -> None:
    _, text = _article(project, tmp_path)
    (cjk,) = _hits(project, "北京", scope="text")
    assert text[cjk.start:cjk.end] == "北京"
    cafe = _hits(project, "café", scope="text")  # typed precomposed, stored decomposed
    assert [text[h.start:h.end] for h in cafe] == ["cafe\u0301"]
    # diacritics are folded on both backends, in the text and in the query
    assert [h.hit for h in _hits(project, "cafe", scope="text")] == ["cafe\u0301"]
    assert [h.hit for h in _hits(project, "CAFÉ", scope="text")] == ["cafe\u0301"]


def test_annotation_fields_labels_and_containing_annotation(project: Project,
                                                            tmp_path: Path) -> None:
    aid, text = _article(project, tmp_path)
    ann = tag_phrase(project, aid, text, "ana", "anonymous_official",
                     "said the ceasefire talks were close")
    mention = text.index("A senior Qatari official")
    annotate.apply_edit(project, annotate.UpdateAnnotation.of(
        ann.id, source_start=mention, source_end=mention + 24, note="Check with the Emir"),
        actor="ana")
    other = tag_phrase(project, aid, text, "bo", "media_report", "told Axios")
    hits = _hits(project, "Qatari OR ceasefire OR emir OR axios", scope="annotations")
    by_field = {(h.field, h.hit.lower()) for h in hits}
    assert ("mention", "qatari") in by_field and ("claim", "ceasefire") in by_field
    assert ("note", "emir") in by_field and ("claim", "axios") in by_field
    for h in hits:
        if h.field in ("claim", "mention"):
            assert text[h.start:h.end] == h.hit
            assert h.left == text[max(0, h.start - 60):h.start]
    note = next(h for h in hits if h.field == "note")
    assert (note.start, note.end) == (ann.start, ann.end) and note.right == ""
    assert {h.annotation_id for h in hits} == {ann.id, other.id}
    # text hits carry the annotation they fall inside, and can be filtered by it
    inside = _hits(project, "ceasefire", scope="text")
    assert [(h.annotation_id, h.label) for h in inside] == [
        (ann.id, "anonymous_official"), (None, None)]
    only = _hits(project, "ceasefire", scope="text",
                 filters=SearchFilters(labels=("anonymous_official",)))
    assert [h.annotation_id for h in only] == [ann.id]
    assert _hits(project, "axios", filters=SearchFilters(annotators=("ana",))) == []
    both = _hits(project, "axios")
    assert sorted(h.field for h in both) == ["claim", "text"]


def test_facet_band_outlet_date_and_reviewed_filters(project: Project, tmp_path: Path) -> None:
    aid, text = _article(project, tmp_path, outlet="Reuters")
    _article(project, tmp_path, "Another ceasefire story.\n", name="b.txt", outlet="AP")
    ann = tag_phrase(project, aid, text, "ana", "anonymous_official", "ceasefire talks")
    annotate.apply_edit(project, annotate.UpdateAnnotation.of(
        ann.id, facets=encode_facets(Facets.from_dict({"source_count": 3}))), actor="ana")
    assert len(_hits(project, "ceasefire", scope="text")) == 3
    assert {h.outlet for h in _hits(project, "ceasefire", scope="text",
                                    filters=SearchFilters(outlet="AP"))} == {"AP"}
    f3 = SearchFilters(facets=(("source_count", "3"),))
    assert [h.annotation_id for h in _hits(project, "ceasefire", filters=f3)] == [ann.id] * 2
    assert _hits(project, "ceasefire", filters=SearchFilters(facets=(("source_count", "2"),))) \
        == []
    bands = {h.annotation_id for b in ("strong", "moderate", "weak", "very_weak")
             for h in _hits(project, "ceasefire", scope="annotations",
                            filters=SearchFilters(bands=(b,)))}
    assert bands == {ann.id}
    assert _hits(project, "ceasefire", filters=SearchFilters(reviewed=True)) == []
    assert len(_hits(project, "ceasefire", scope="annotations",
                     filters=SearchFilters(reviewed=False))) == 1
    assert _hits(project, "ceasefire", filters=SearchFilters(date_from="2999-01-01")) == []


def test_keyset_pages_cover_every_hit_once_in_order(project: Project, tmp_path: Path) -> None:
    body = "".join(f"Line {i}: the ceasefire holds, the 🕊 ceasefire.\n" for i in range(40))
    a1, t1 = _article(project, tmp_path, body, name="p1.txt")
    _article(project, tmp_path, "x " + body, name="p2.txt")
    for i in range(0, 40, 3):
        start = t1.index("the ceasefire holds", t1.index(f"Line {i}:"))
        annotate.apply_edit(project, annotate.new_annotation(
            project, article_id=a1, article_text=t1, annotator="ana", label="named_person",
            start=start, end=start + 19), actor="ana")
    everything = _hits(project, "ceasefire", page=10_000)
    pages, cursor = [], None
    while True:
        page = search(project, "ceasefire", cursor=cursor, limit=7)
        pages.extend(page.hits)
        if page.cursor is None:
            break
        cursor = page.cursor
    assert pages == everything
    assert len(everything) == 40 * 2 * 2 + 14
    assert [h.key for h in everything] == sorted(h.key for h in everything)
    assert len({h.key for h in everything}) == len(everything)


def test_indexes_follow_every_write(project: Project, tmp_path: Path) -> None:
    aid, text = _article(project, tmp_path)
    ann = tag_phrase(project, aid, text, "ana", "named_person", "ceasefire talks")
    change, _ = annotate.apply_edit(project, annotate.UpdateAnnotation.of(
        ann.id, note="zanzibar"), actor="ana")
    assert [h.annotation_id for h in _hits(project, "zanzibar")] == [ann.id]
    annotate.apply_edit(project, annotate.UpdateAnnotation.of(
        ann.id, expected_version=change.after.version, note="other"), actor="ana")
    assert _hits(project, "zanzibar") == []
    annotate.apply_edit(project, annotate.DeleteAnnotation(ann.id), actor="ana")
    assert _hits(project, "ceasefire", scope="annotations") == []
    tag_phrase(project, aid, text, "ana", "named_person", "ceasefire talks")
    with project.transaction() as session:
        session.execute(sql("DELETE FROM article WHERE id = :i"), {"i": aid})
    assert _hits(project, "ceasefire") == []
    with project.reading() as session:
        assert search_crud.index_health(session=session) == "ok"


@pytest.mark.parametrize("query, message", [
    ('"senior Qatari', "unbalanced quote"),
    ("-Hamas", "at least one word that is not excluded"),
    ("ceasefire OR", "OR needs a word"),
    ("NOT", "NOT needs a word"),
    ("😀", "no letters or digits"),
    ("   ", "empty"),
])
def test_bad_queries_are_one_line_messages(project: Project, query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=message):
        search(project, query)


def test_fts_syntax_in_user_words_is_just_text(project: Project, tmp_path: Path) -> None:
    _article(project, tmp_path, 'He said "NEAR(a b)" and col:umn AND x^y.\n')
    for q in ("NEAR(a", "col:umn", "AND", "x^y", "a)(b", "*", '""'):
        try:
            search(project, q)
        except UserInputError as exc:
            assert "\n" not in str(exc)
    assert [h.hit for h in _hits(project, "col:umn")] == ["col:umn"]


def test_cli_search_records(db_url: str, tmp_path: Path) -> None:
    from annotator.cli import main

    project = Project(db_url)
    try:
        aid, text = _article(project, tmp_path)
        ann = tag_phrase(project, aid, text, "ana", "named_person", "ceasefire talks")
    finally:
        project.close()
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--db", db_url, "search", "ceasefire", "--format", "jsonl",
                     "--in", "text"]) == 0
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["start"], r["annotation_id"], r["label"]) for r in records] == [
        (text.index("ceasefire"), ann.id, "named_person"),
        (text.rindex("ceasefire"), None, None)]
    assert all(text[r["start"]:r["end"]] == r["hit"] for r in records)
    assert {"article_id", "start", "end", "hit", "left", "right"} <= records[0].keys()
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--db", db_url, "search", "ceasefire", "--label", "named_person",
                     "--format", "csv"]) == 0
    import csv

    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][:6] == ["article_id", "start", "end", "hit", "left", "right"]
    assert sorted(r[6] for r in rows[1:]) == ["claim", "text"]
    err = io.StringIO()
    with redirect_stderr(err):
        assert main(["--db", db_url, "search", '"unclosed']) == 2
    assert err.getvalue().count("\n") == 1 and "unbalanced quote" in err.getvalue()
    with redirect_stderr(io.StringIO()):
        assert main(["--db", db_url, "search", "x", "--label", "nope"]) == 2


def test_migration_indexes_existing_file(tmp_path: Path) -> None:
    project = Project(old_database(tmp_path))
    try:
        (summary,) = articles.list_articles(project)
        anns = articles.load_annotations(project, summary.id)
        word = next(w for w in anns[0].text.split() if w.isalpha() and len(w) > 3)
        hits = _hits(project, word, scope="annotations")
        assert anns[0].id in {h.annotation_id for h in hits}
        assert _hits(project, word, scope="text")
        with project.reading() as session:
            assert search_crud.index_health(session=session) == "ok"
    finally:
        project.close()


def test_dropped_trigger_is_repaired_on_upgrade(db_path: Path, tmp_path: Path) -> None:
    from annotator.storage import search_schema
    from annotator.storage.engine import create_db_engine

    project = Project(db_path)
    aid, text = _article(project, tmp_path)
    project.close()
    engine = create_db_engine(db_path)
    with engine.begin() as conn:  # what a batch-mode table rebuild would leave behind
        conn.execute(sql("DROP TRIGGER annotation_fts_ai"))
        assert search_schema.ensure_sqlite(conn) is True
        assert search_schema.missing_sqlite_triggers(conn) == set()
    engine.dispose()
    project = Project(db_path)
    try:
        tag_phrase(project, aid, text, "ana", "named_person", "ceasefire talks")
        assert len(_hits(project, "talks", scope="annotations")) == 1
    finally:
        project.close()


def test_locate_matches_fts5_highlight_on_tricky_text() -> None:
    """The PostgreSQL-side locator agrees with FTS5 on what the words are."""
    import sqlite3

    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE f USING fts5(t, tokenize='unicode61')")
    con.execute("INSERT INTO f VALUES (?)", (TEXT,))
    for q in ("official*", "ceasefire", "北京", '"the officials"'):
        marked = con.execute("SELECT highlight(f, 0, '[', ']') FROM f WHERE f MATCH ?",
                             (q,)).fetchone()[0]
        spans = locate(parse_query(q), TEXT)
        assert marked.count("[") == len(spans)
        assert [TEXT[s:e] for s, e in spans] == [
            part.split("]")[0] for part in marked.split("[")[1:]]
