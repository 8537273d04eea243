"""Create engines for any SQLAlchemy URL and bring their schema up to date.

SQLite files get WAL journaling (readers never block the writer), foreign keys
on, a busy timeout for a second process, and ``synchronous=FULL`` so a commit
that returned is on disk: "nothing shown on screen is ever lost" holds even for
a power cut, not only for a killed process.

WAL is switched on only *after* the schema revision was checked (switching rewrites
the file header, and a file made by a newer version must be refused byte-for-byte
unchanged). A file the user may not write is opened read-only (``mode=ro``).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 10_000


class DatabaseError(RuntimeError):
    """A database that cannot be opened; the message is meant for the user."""


class NewerSchemaError(DatabaseError):
    """The database was made by a newer annotator (an unknown schema revision)."""


class ForeignDatabaseError(DatabaseError):
    """The database holds other tables and no annotator schema: never written to."""


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
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection; ``immutable=1`` when SQLite cannot set up its shared
    memory beside a WAL file in a read-only folder (there is no log to miss then)."""
    uri = path.as_uri()
    con = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                          check_same_thread=False)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the WAL, if any
        return con
    except sqlite3.OperationalError:
        con.close()
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, check_same_thread=False)


def create_db_engine(db: str | Path, *, read_only: bool = False) -> Engine:
    """Engine for ``db`` without touching the schema (``read_only``: SQLite ``mode=ro``)."""
    url = database_url(db)
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:":
            parent = Path(path).parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"{path}: cannot create folder ({exc.strerror})") from None
        if read_only and path and path != ":memory:":
            file = Path(path).resolve()
            engine = create_engine(url, creator=lambda: _connect_read_only(file))
        else:
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


def known_revisions() -> set[str]:
    """Every revision this version's migrations know (read from the files, no Alembic)."""
    found: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        rev = _REVISION.search(path.read_text(encoding="utf-8"))
        if rev:
            found.add(rev.group(1))
    return found


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
    """The stored revision; ``None`` for an empty database. Refuses a foreign one."""
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:
            conn.rollback()
            from sqlalchemy import inspect

            tables = set(inspect(conn).get_table_names())
            if "alembic_version" in tables:
                raise
            if tables:
                listed = ", ".join(sorted(tables)[:4]) + (", …" if len(tables) > 4 else "")
                raise ForeignDatabaseError(
                    f"{_shown_database(engine)} is not an annotator database (it holds other "
                    f"tables: {listed})") from None
            return None


def upgrade_schema(engine: Engine, *, read_only: bool = False) -> None:
    """Run pending Alembic migrations; refuse a database made by a newer version.

    Driver errors (locked, not a database, server gone) propagate unchanged for the
    services layer to classify; ``read_only``: refuse instead of migrating.
    """
    current = _current_revision(engine)
    if current is not None and current == known_head_revision():
        return
    if current is not None and current not in known_revisions():
        raise NewerSchemaError(
            f"{_shown_database(engine)}: this database was made by a newer version of "
            f"annotator (schema revision {current!r}); upgrade annotator to open it")
    if read_only:
        raise DatabaseError(
            f"{_shown_database(engine)}: the database is read-only and needs upgrading to this "
            f"version's format; open it once from a writable location")

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
            raise NewerSchemaError(
                f"{_shown_database(engine)}: this database was made by a newer version of "
                f"annotator (schema revision {current!r}); upgrade annotator to open it"
            ) from None
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        if conn.dialect.name == "sqlite":
            from annotator.storage import search_schema, source_schema

            # A later migration that recreated a table dropped its triggers: repair.
            search_schema.ensure_sqlite(conn)
            source_schema.ensure_sqlite(conn)


def _shown_database(engine: Engine) -> str:
    """The file path, or ``host:port/database`` of a server (never the password)."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    port = f":{url.port}" if url.port else ""
    return f"{url.host or 'localhost'}{port}/{url.database or ''}"


def enable_wal(engine: Engine) -> None:
    """Switch a SQLite file to WAL (persistent in the file; a no-op for servers)."""
    if engine.url.get_backend_name() != "sqlite":
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")


def open_engine(db: str | Path, *, read_only: bool = False) -> Engine:
    """Engine with an up-to-date schema; SQLite files switched to WAL after the check."""
    engine = create_db_engine(db, read_only=read_only)
    try:
        upgrade_schema(engine, read_only=read_only)
        if not read_only:
            enable_wal(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine
