"""One text, one article — a database constraint, on both backends.

Four processes importing the same file at once used to store four copies. Now the
unique index on ``article.sha256`` refuses the losing inserts, which are retried and
reported as "already in the project". Migration ``*_unique_article_text`` merges the
duplicates an older
version stored, re-pointing their annotations and comments to the kept article.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from annotator.domain.model import make_annotation
from annotator.services import articles, interop
from annotator.services.project import Project

from .conftest import SEED


def test_four_processes_one_article(db_url: str, tmp_path: Path) -> None:
    Project(db_url).close()
    for round_ in range(3):
        article = tmp_path / f"same-{round_}.txt"
        article.write_text(f"Round {round_}: the same text, imported four times at once.\n",
                           encoding="utf-8")
        procs = [subprocess.Popen([sys.executable, "-m", "annotator", "--db", db_url, "add",
                                   str(article)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env={**os.environ})
                 for _ in range(4)]
        results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read())  # type: ignore[union-attr]
                   for p in procs]
        assert all(code == 0 for code, _, _ in results), results
        ids = {out.split("\t")[0] for _, out, _ in results}
        assert len(ids) == 1, results  # everyone reports the one stored article
        notes = [err for _, _, err in results if "already in the project" in err]
        assert len(notes) == 3, results
    project = Project(db_url)
    try:
        assert len(articles.list_articles(project)) == 3
    finally:
        project.close()


def test_losing_insert_becomes_already_in_the_project(db_url: str, tmp_path: Path) -> None:
    """Deterministic race: the other import commits between our lookup and our insert."""
    ours, theirs = Project(db_url), Project(db_url)
    article = tmp_path / "race.txt"
    article.write_text("A text two analysts import at the same moment.\n", encoding="utf-8")
    raced: list[int] = []

    def other_import_first(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO ARTICLE") and not raced:
            raced.append(articles.import_files(theirs, [article]).article_ids[0])

    event.listen(ours.engine, "before_cursor_execute", other_import_first)
    try:
        report = articles.import_files(ours, [article])
        assert raced, "the race did not happen"
        (item,) = report.imported
        assert item.duplicate and item.article_id == raced[0]
        assert len(articles.list_articles(ours)) == 1
        # pasted text takes the same path
        pasted = interop.import_text(ours, "A text two analysts import at the same moment.\n")
        assert pasted.duplicate and pasted.article_id == raced[0]
    finally:
        event.remove(ours.engine, "before_cursor_execute", other_import_first)
        ours.close()
        theirs.close()


def test_the_database_refuses_a_second_copy(project: Project) -> None:
    articles.import_files(project, [SEED])
    with pytest.raises(sa.exc.IntegrityError):
        with project.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO article (title, outlet, url, published, text, sha256, "
                "original_filename, imported_at) SELECT 'copy', '', '', '', text, sha256, '', "
                "imported_at FROM article"))


def test_migration_merges_existing_duplicates(db_url: str) -> None:
    """A database one revision before the constraint, holding three copies of one text,
    upgrades without losing an annotation or a comment."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from annotator.storage.engine import alembic_config, create_db_engine

    engine = create_db_engine(db_url)
    cfg = alembic_config()
    (ours,) = [rev for rev in ScriptDirectory.from_config(cfg).walk_revisions()
               if rev.path.endswith("_unique_article_text.py")]
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, str(ours.down_revision))
    text = SEED.read_text(encoding="utf-8").replace("\r\n", "\n")
    from annotator.domain.text_import import sha256_text

    digest = sha256_text(text)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO label (key, name, color, position, description, example, retired) "
            "VALUES ('named_person', 'Named person', '#4e79a7', 1, '', '', false)"))
        for n, (outlet, url) in enumerate([("", ""), ("Daily", ""), ("Other", "https://x.example/")]):
            conn.execute(sa.text(
                "INSERT INTO article (title, outlet, url, published, text, sha256, "
                "original_filename, imported_at) VALUES (:t, :o, :u, '', :x, :h, '', :at)"),
                {"t": f"copy {n}", "o": outlet, "u": url, "x": text, "h": digest,
                 "at": f"2026-01-0{n + 1}T00:00:00Z"})
        ids = conn.execute(sa.text("SELECT id FROM article ORDER BY id")).scalars().all()
        assert len(ids) == 3
        for n, art in enumerate(ids):
            ann = make_annotation(article_id=art, article_text=text, annotator=f"analyst{n}",
                                  label="named_person", start=n, end=n + 5)
            conn.execute(sa.text(
                'INSERT INTO annotation (id, article_id, annotator, label, start, "end", text, '
                "prefix, suffix, note, created_at, updated_at, facets, version) VALUES "
                "(:id, :a, :who, 'named_person', :s, :e, :x, '', '', '', 't', 't', '{}', 1)"),
                {"id": ann.id, "a": art, "who": ann.annotator, "s": ann.start, "e": ann.end,
                 "x": ann.text})
            conn.execute(sa.text(
                "INSERT INTO review_comment (id, annotation_id, article_id, author, kind, body, "
                "created_at) VALUES (:id, :ann, :a, 'rev', 'comment', 'ok', 't')"),
                {"id": f"c{n}", "ann": ann.id, "a": art})
    engine.dispose()

    project = Project(db_url)  # upgrades to head
    try:
        (only,) = articles.list_articles(project)
        assert only.id == ids[0] and only.title == "copy 0" and only.n_annotations == 3
        art = articles.get_article(project, only.id)
        assert (art.outlet, art.url) == ("Daily", "https://x.example/")  # filled, not lost
        anns = articles.load_annotations(project, only.id)
        assert sorted(a.annotator for a in anns) == ["analyst0", "analyst1", "analyst2"]
        assert all(a.text == text[a.start:a.end] for a in anns)
        with project.engine.connect() as conn:
            comments = conn.execute(sa.text(
                "SELECT DISTINCT article_id FROM review_comment")).scalars().all()
        assert comments == [only.id]
        # and the index holds from now on
        again = articles.import_files(project, [SEED])
        assert again.imported[0].duplicate
    finally:
        project.close()
