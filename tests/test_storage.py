"""Real SQLite files: pragmas, Alembic revisions, refusing newer databases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from annotator.services.project import DatabaseError, Project, resolve_database
from annotator.storage.engine import head_revision, open_engine


def test_sqlite_pragmas_and_schema(db_path: Path) -> None:
    engine = open_engine(db_path)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == \
            head_revision()
    engine.dispose()


def test_reopening_is_idempotent_and_keeps_data(db_path: Path) -> None:
    p = Project(db_path)
    n = len(p.labels())
    p.close()
    p = Project(db_path)
    assert len(p.labels()) == n == 11
    p.close()


def test_newer_database_is_refused_with_clear_message(db_path: Path) -> None:
    Project(db_path).close()
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="newer version of annotator"):
        Project(db_path)


def test_not_a_database_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("this is not a database " * 100)
    with pytest.raises(DatabaseError,
                       match=r"notes\.sqlite is not an annotator database \(not a SQLite file\)$"):
        Project(bogus)


def test_foreign_keys_enforced(project: Project) -> None:
    import sqlalchemy.exc

    with pytest.raises(sqlalchemy.exc.IntegrityError):
        with project.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO annotation (id, article_id, annotator, label, start, \"end\", text, "
                "prefix, suffix, note, created_at, updated_at) VALUES "
                "('x', 999, 'a', 'named_person', 0, 1, 'a', '', '', '', 't', 't')"))


def test_resolve_database_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ANNOTATOR_DB", str(tmp_path / "env.sqlite"))
    assert resolve_database(None).endswith("env.sqlite")
    assert resolve_database(str(tmp_path / "cli.sqlite")).endswith("cli.sqlite")
    assert resolve_database("postgresql://u@h/db") == "postgresql://u@h/db"
    monkeypatch.delenv("ANNOTATOR_DB")
    assert resolve_database(None).endswith("annotator.sqlite")


def test_fast_head_check_agrees_with_alembic() -> None:
    from annotator.storage.engine import known_head_revision

    assert known_head_revision() == head_revision()
