"""Create engines for any SQLAlchemy URL and bring their schema up to date.

SQLite files get WAL journaling (readers never block the writer), foreign keys
on, a busy timeout for a second process, and ``synchronous=FULL`` so a commit
that returned is on disk: "nothing shown on screen is ever lost" holds even for
a power cut, not only for a killed process.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 10_000


class DatabaseError(RuntimeError):
    """A database that cannot be opened; the message is meant for the user."""


def database_url(db: str | Path) -> str:
    """A filesystem path means a SQLite file; anything with ``://`` is a URL as-is."""
    text = str(db)
    if "://" in text:
        try:
            make_url(text)
        except ArgumentError as exc:
            raise DatabaseError(f"{text}: not a valid database URL ({exc})") from None
        return text
    path = Path(text).expanduser().resolve()
    return f"sqlite:///{path}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def create_db_engine(db: str | Path) -> Engine:
    """Engine for ``db`` without touching the schema."""
    url = database_url(db)
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:":
            parent = Path(path).parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"{path}: cannot create folder ({exc.strerror})") from None
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        try:
            engine = create_engine(url, pool_pre_ping=True)
        except (ArgumentError, ImportError) as exc:
            raise DatabaseError(f"{url}: cannot use this database ({exc})") from None
    return engine


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    """Head revision per Alembic (imports Alembic: used when migrating and in tests)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


_REVISION = re.compile(r'^revision\s*=\s*["\']([^"\']+)["\']', re.MULTILINE)
_DOWN = re.compile(r'^down_revision\s*=\s*(?:["\']([^"\']+)["\']|None)', re.MULTILINE)


def known_head_revision() -> str | None:
    """Head revision read from the migration files without importing Alembic.

    Opening an up-to-date database is the common case; importing Alembic costs ~0.1 s
    of start-up, so it is only imported when a migration must actually run.
    ``tests/test_storage.py`` checks this agrees with Alembic's own answer.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(source), _DOWN.search(source)
        if rev:
            revisions.add(rev.group(1))
        if down and down.group(1):
            parents.add(down.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:
            conn.rollback()
            from sqlalchemy import inspect

            if "alembic_version" in inspect(conn).get_table_names():
                raise
            return None


def upgrade_schema(engine: Engine) -> None:
    """Run pending Alembic migrations; refuse a database made by a newer version."""
    try:
        current = _current_revision(engine)
    except OperationalError as exc:
        raise DatabaseError(f"{engine.url!r}: cannot open database ({exc.orig})") from None
    except SQLAlchemyError as exc:
        raise DatabaseError(f"{engine.url!r}: cannot open database ({exc})") from None
    if current is not None and current == known_head_revision():
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config()
    script = ScriptDirectory.from_config(cfg)
    if current == script.get_current_head():
        return
    if current is not None:
        try:
            script.get_revision(current)
        except Exception:
            raise DatabaseError(
                f"{engine.url.render_as_string(hide_password=True)}: this database was made by "
                f"a newer version of annotator (schema revision {current!r}); "
                f"upgrade annotator to open it"
            ) from None
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        if conn.dialect.name == "sqlite":
            from annotator.storage import search_schema, source_schema

            # A later migration that recreated a table dropped its triggers: repair.
            search_schema.ensure_sqlite(conn)
            source_schema.ensure_sqlite(conn)


def open_engine(db: str | Path) -> Engine:
    engine = create_db_engine(db)
    upgrade_schema(engine)
    return engine
