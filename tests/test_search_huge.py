"""Huge articles are searched whole and diacritics fold, on both backends; an existing
PostgreSQL server's single-document index is upgraded to the chunked one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text as sql

from annotator.domain.search_query import fold, locate, parse_query
from annotator.services import articles
from annotator.services.project import Project
from annotator.services.search import iter_hits
from annotator.storage import search_schema

from .conftest import tag_phrase

STEP = search_schema.PG_CHUNK_STEP


def _huge_text() -> str:
    """~4 chunks of filler (over 16,383 words), with marked words placed: a phrase
    straddling the first chunk boundary, words only in the first and the last chunk,
    and a phrase far past word 16,383."""
    words: list[str] = []
    size = 0
    while size < 4 * STEP:
        w = f"w{len(words) % 700}"
        words.append(w)
        size += len(w) + 1
    text = "epsilon " + " ".join(words)
    # "alpha beta" with the nominal start of chunk 1 (code point STEP) inside "alpha"
    q = text.rindex(" ", 0, STEP - 3) + 1
    text = text[:q] + " " * (STEP - 3 - q) + "alpha beta " + text[q:]
    assert text.index("alpha") < STEP < text.index("beta")
    return text + " zeta gamma delta\n"


def _import(project: Project, tmp_path: Path, name: str, body: str) -> tuple[int, str]:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    (item,) = articles.import_files(project, [path]).imported
    return item.article_id, articles.get_article(project, item.article_id).text


def test_huge_article_is_searched_whole(project: Project, tmp_path: Path) -> None:
    body = _huge_text()
    assert len(body.split()) > 16_383 and len(body) > 3 * STEP
    aid, text = _import(project, tmp_path, "huge.txt", body)
    other, _ = _import(project, tmp_path, "small.txt", "epsilon and nothing else\n")

    def found(q: str) -> list[tuple[int, int, int]]:
        return [(h.article_id, h.start, h.end) for h in iter_hits(project, q, scope="text")]

    def at(word: str) -> tuple[int, int, int]:
        i = text.index(word)
        return (aid, i, i + len(word))

    assert found('"gamma delta"') == [at("gamma delta")]  # past position 16,383
    assert found('"alpha beta"') == [at("alpha beta")]  # across a chunk boundary
    assert found("zeta") == [at("zeta")]  # far past 250,000 bytes of tsvector input
    assert found("epsilon zeta") == [at("epsilon"), at("zeta")]  # AND across chunks
    assert [h[0] for h in found("epsilon -zeta")] == [other]  # NOT across chunks
    assert {h[0] for h in found("zeta OR nothing")} == {aid, other}


def test_pg_index_covers_every_chunk(db_url: str, tmp_path: Path) -> None:
    if db_url.endswith(".sqlite"):
        pytest.skip("PostgreSQL's chunked index (FTS5 indexes whole texts)")
    project = Project(db_url)
    try:
        aid, text = _import(project, tmp_path, "huge.txt", _huge_text())
        with project.reading() as session:
            rows = session.execute(sql(
                "SELECT chunk, length(doc), (SELECT max(p) FROM unnest(doc) u, "
                "unnest(u.positions) p) FROM article_search_chunk WHERE article_id = :a "
                "ORDER BY chunk"), {"a": aid}).all()
        assert [r[0] for r in rows] == list(range(len(rows)))
        assert len(rows) == -(-(len(text) - search_schema.PG_CHUNK_OVERLAP) // STEP)
        assert all(r[2] < 16_383 for r in rows)  # no position was capped
    finally:
        project.close()


def test_diacritics_fold_in_text_and_annotations(project: Project, tmp_path: Path) -> None:
    aid, text = _import(project, tmp_path, "d.txt",
                        "Herr Mu\u0308ller met the cafe\u0301 owner in Zürich. Muller too. "
                        "STRASSE, Straße.\n")
    tag_phrase(project, aid, text, "ana", "named_person", "Zürich")
    hits = [h.hit for h in iter_hits(project, "muller", scope="text")]
    assert hits == ["Mu\u0308ller", "Muller"]
    assert [h.hit for h in iter_hits(project, "MÜLLER", scope="text")] == hits
    assert [h.hit for h in iter_hits(project, "zurich", scope="annotations")] == ["Zürich"]
    assert [h.hit for h in iter_hits(project, '"the café owner"', scope="text")] == \
        ["the cafe\u0301 owner"]
    assert [h.hit for h in iter_hits(project, "straße", scope="text")] == ["Straße"]


def test_fold_is_what_the_locator_and_postgresql_share() -> None:
    assert fold("Zürich") == fold("Zu\u0308rich") == "zurich"
    assert fold("ŒUVRE") == "œuvre"  # letters without a decomposition stay
    assert locate(parse_query("resume"), "Résumé, resume.") == [(0, 6), (8, 14)]
    cls = re.compile(search_schema.pg_diacritics_class())  # the bracket PostgreSQL gets
    assert cls.fullmatch("\u0301") and cls.fullmatch("\u0308") and not cls.fullmatch("e")


def test_postgresql_server_with_single_document_index_upgrades(db_url: str,
                                                              tmp_path: Path) -> None:
    if db_url.endswith(".sqlite"):
        pytest.skip("a PostgreSQL migration (SQLite files are unchanged by it)")
    from alembic import command

    from annotator.storage.engine import alembic_config, create_db_engine

    project = Project(db_url)
    project.close()
    engine = create_db_engine(db_url)
    cfg = alembic_config()
    with engine.begin() as conn:  # the index as servers before 0009 have it
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008")
        assert conn.execute(sql("SELECT to_regclass('article_search')")).scalar()
        assert conn.execute(sql("SELECT to_regclass('article_search_chunk')")).scalar() \
            is None
    engine.dispose()
    body = _huge_text().replace("zeta", "cafe\u0301")
    engine = create_db_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sql(
            "INSERT INTO article (title, outlet, url, published, text, sha256, "
            "original_filename, imported_at) VALUES ('old', '', '', '', :t, :h, '', "
            "'2026-01-01T00:00:00Z')"), {"t": body, "h": "0" * 64})
    engine.dispose()
    project = Project(db_url)  # upgrades to head
    try:
        (hit,) = iter_hits(project, "cafe", scope="text")
        assert body[hit.start:hit.end] == "cafe\u0301"
        with project.reading() as session:
            assert session.execute(sql("SELECT to_regclass('article_search')")).scalar() \
                is None
    finally:
        project.close()


def test_article_over_the_tsvector_limit_is_searched_to_its_end(project: Project,
                                                                tmp_path: Path) -> None:
    """200,000 distinct words: one tsvector of it would pass PostgreSQL's 1 MB."""
    body = " ".join(f"x{i}" for i in range(200_000)) + " omega last\n"
    aid, text = _import(project, tmp_path, "vast.txt", body)
    (hit,) = iter_hits(project, '"omega last"', scope="text")
    assert (hit.article_id, hit.start, hit.end) == (aid, text.index("omega"), len(text) - 1)
    (mid,) = iter_hits(project, "x123456", scope="text")
    assert text[mid.start:mid.end] == "x123456"
