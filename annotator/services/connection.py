"""Check a database before opening it, and build/redact server URLs.

:func:`test_connection` answers "can I open this, and what will happen if I do?"
without changing anything: a SQLite file is only read (opened with ``mode=rw``, which
never creates it: a missing file is *not* created unless ``create=True``), a server
connection is made with ``default_transaction_read_only=on`` and a short
``connect_timeout``, and the schema is only *read* (``alembic_version``), never
migrated. Failures come back as a :class:`ConnectionInfo` whose ``message`` is written
for the user (unreachable host, login refused, missing database, ...) — no exception,
no traceback.

:func:`build_url` makes a ``postgresql+psycopg://`` URL from form fields (the password
URL-escaped); :func:`redact` hides a password for display and logs;
:func:`without_password` drops it for storing (recent-databases lists).
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from annotator.domain.errors import UserInputError
from annotator.storage.engine import (
    DatabaseError,
    alembic_config,
    database_url,
    known_head_revision,
)

__all__ = [
    "SCHEMA_CURRENT",
    "SCHEMA_FOREIGN",
    "SCHEMA_NEW",
    "SCHEMA_NEWER",
    "SCHEMA_UPGRADE",
    "ConnectionInfo",
    "Location",
    "build_url",
    "explain_connection_error",
    "locate",
    "normalise",
    "redact",
    "test_connection",
    "without_password",
]

SCHEMA_NEW = "new/empty"
SCHEMA_CURRENT = "up to date"
SCHEMA_UPGRADE = "will be upgraded"
SCHEMA_NEWER = "newer version — cannot open"
SCHEMA_FOREIGN = "not an annotator database"

DEFAULT_PORT = 5432
DEFAULT_TIMEOUT = 5
"""Seconds to wait for a server (libpq's minimum is 2)."""

SQLITE_MAGIC = b"SQLite format 3\x00"
POSTGRES_DRIVER = "postgresql+psycopg"
_POSTGRES_ALIASES = {"postgresql", "postgres", "postgresql+psycopg", "pg", "postgresql+psycopg2"}


@dataclass(frozen=True)
class ConnectionInfo:
    """What :func:`test_connection` found.

    ``ok`` means "annotator can open this"; ``schema_status`` is one of the ``SCHEMA_*``
    strings (empty when the database could not be read at all); ``message`` is one or
    two sentences for the user; ``detail`` the driver's own first line, for an admin.
    """

    ok: bool
    backend: str
    display: str
    message: str
    schema_status: str = ""
    revision: str | None = None
    server_version: str = ""
    articles: int | None = None
    annotations: int | None = None
    detail: str = ""


# ---------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------


def build_url(backend: str, host: str, port: int | str | None, database: str, user: str,
              password: str | None = None) -> str:
    """A SQLAlchemy URL for a database server, e.g. ``postgresql+psycopg://u:p@h:5432/db``.

    User name and password are URL-escaped (a password may contain ``@ : / %``).
    Raises :class:`UserInputError` for a missing host or database, a bad port or an
    unsupported backend.
    """
    kind = (backend or "").strip().lower()
    if kind not in _POSTGRES_ALIASES:
        raise UserInputError(f"unsupported database server type {backend!r} "
                             f"(only PostgreSQL is supported)")
    host = (host or "").strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host:
        raise UserInputError("enter the server's host name or address")
    database = (database or "").strip()
    if not database:
        raise UserInputError("enter the name of the database on the server")
    if port is None or str(port).strip() == "":
        number = DEFAULT_PORT
    else:
        try:
            number = int(str(port).strip())
        except ValueError:
            raise UserInputError(f"port {port!r} is not a number") from None
        if not 1 <= number <= 65535:
            raise UserInputError(f"port {number} is out of range (1–65535)")
    return URL.create(POSTGRES_DRIVER, username=(user or "").strip() or None,
                      password=password or None, host=host, port=number,
                      database=database).render_as_string(hide_password=False)


_USERINFO = re.compile(r"(://[^:/@?#]*):[^@/]*@")
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&#]*", re.IGNORECASE)


def redact(url: str) -> str:
    """``url`` with any password shown as ``***`` (paths are returned unchanged)."""
    text_ = str(url)
    if "://" not in text_:
        return text_
    try:
        parsed = make_url(text_)
    except (ArgumentError, ValueError):
        return _QUERY_PASSWORD.sub(r"\1***", _USERINFO.sub(r"\1:***@", text_))
    if "password" in parsed.query:
        parsed = parsed.update_query_dict({"password": "***"})
    return parsed.render_as_string(hide_password=True)


def without_password(url: str) -> str:
    """``url`` with its password removed entirely (for settings and recent lists)."""
    text_ = str(url)
    if "://" not in text_:
        return text_
    try:
        parsed = make_url(text_)
    except (ArgumentError, ValueError):
        return _QUERY_PASSWORD.sub("", _USERINFO.sub(r"\1@", text_))
    query = {k: v for k, v in parsed.query.items() if k.lower() != "password"}
    return URL.create(parsed.drivername, username=parsed.username, password=None,
                      host=parsed.host, port=parsed.port, database=parsed.database,
                      query=query).render_as_string(hide_password=False)


@dataclass(frozen=True)
class Location:
    """Where a database is, split into the parts a form shows (see :func:`locate`)."""

    backend: str
    """``sqlite``, ``postgresql``, ... (SQLAlchemy's backend name)."""
    url: str = field(repr=False)
    """The normalised URL (``sqlite:////abs/path`` for a file), password kept."""
    path: str = ""
    host: str = ""
    port: int | None = None
    database: str = ""
    user: str = ""
    has_password: bool = False

    @property
    def is_file(self) -> bool:
        return self.backend == "sqlite"

    @property
    def name(self) -> str:
        """Short name: the file name, or the server database's name."""
        return Path(self.path).name if self.is_file else self.database

    @property
    def where(self) -> str:
        """The folder of a file, or ``user@host:port (PostgreSQL)`` for a server."""
        if self.is_file:
            return str(Path(self.path).parent)
        host = f"[{self.host}]" if ":" in self.host else self.host
        kind = "PostgreSQL" if self.backend == "postgresql" else self.backend
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        return f"{user}{host or 'localhost'}{port} ({kind})"


def normalise(url_or_path: str | Path) -> str:
    """The URL annotator opens for ``url_or_path`` (a path becomes ``sqlite:///...``).

    Raises :class:`UserInputError` for a malformed URL.
    """
    raw = str(url_or_path).strip()
    try:
        return database_url(raw)
    except DatabaseError as exc:
        raise UserInputError(_without_url(str(exc), raw)) from None
    except ValueError as exc:  # e.g. a port that is not a number
        raise UserInputError(f"{redact(raw)}: not a valid database URL ({exc})") from None


def locate(url_or_path: str | Path) -> Location:
    """Split a path or URL into form fields (raises :class:`UserInputError` if malformed)."""
    url = normalise(url_or_path)
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return Location(backend, url, path=parsed.database or ":memory:")
    return Location(backend, url, host=parsed.host or "", port=parsed.port,
                    database=parsed.database or "", user=parsed.username or "",
                    has_password=bool(parsed.password) or "password" in parsed.query)


# ---------------------------------------------------------------------------
# Testing a connection
# ---------------------------------------------------------------------------


def test_connection(url_or_path: str | Path, *, create: bool = False,
                    timeout: int = DEFAULT_TIMEOUT) -> ConnectionInfo:
    """Connect to ``url_or_path`` read-only and report what opening it would do.

    Never migrates and never writes. A SQLite file that does not exist is reported as
    missing (``ok=False``) unless ``create=True``, which creates an empty file (its
    folder too) and reports it as new. Never raises for database problems.
    """
    raw = str(url_or_path).strip()
    if not raw:
        return ConnectionInfo(False, "", "", "No database given.")
    try:
        url = database_url(raw)
    except DatabaseError as exc:
        return ConnectionInfo(False, "", redact(raw), _without_url(str(exc), raw))
    except ValueError as exc:  # e.g. a port that is not a number
        return ConnectionInfo(False, "", redact(raw),
                              f"{redact(raw)}: not a valid database URL ({exc})")
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _test_sqlite(parsed, create=create)
    return _test_server(parsed, timeout=timeout)


def _test_sqlite(parsed: URL, *, create: bool) -> ConnectionInfo:
    name = parsed.database or ""
    if not name or name == ":memory:":
        return ConnectionInfo(True, "sqlite", ":memory:", "An in-memory database: nothing "
                              "is kept after closing.", SCHEMA_NEW)
    path = Path(name)
    shown = str(path)

    def fail(message: str, detail: str = "") -> ConnectionInfo:
        return ConnectionInfo(False, "sqlite", shown, message, detail=detail)

    if path.is_dir():
        return fail(f"{shown} is a folder, not a project file.")
    if not path.exists():
        if not create:
            return fail(f"{shown}: no such file.")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            sqlite3.connect(path).close()
        except (OSError, sqlite3.Error) as exc:
            return fail(f"Cannot create {shown}: {getattr(exc, 'strerror', None) or exc}.")
        return ConnectionInfo(True, "sqlite", shown, "New, empty project file: annotator "
                              "will set it up when it is opened.", SCHEMA_NEW)
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        return fail(f"Cannot read {shown}: {exc.strerror}.")
    if head and head != SQLITE_MAGIC:
        return fail(f"{shown} is not a SQLite database (not an annotator project file).")
    if not head:
        return ConnectionInfo(True, "sqlite", shown, "Empty file: annotator will set it up "
                              "as a new project when it is opened.", SCHEMA_NEW)
    # mode=rw never creates the file; it is only read. (mode=ro would leave -wal/-shm
    # side files behind a WAL database, as a read-only connection cannot remove them;
    # it is the fallback for a file we may not write.)
    uri = path.resolve().as_uri()
    mode = "rw" if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK) else "ro"
    engine = create_engine("sqlite://", poolclass=NullPool,
                           creator=lambda: sqlite3.connect(f"{uri}?mode={mode}", uri=True))
    try:
        return _inspect(engine, "sqlite", shown, "")
    except SQLAlchemyError as exc:
        first = _first_line(getattr(exc, "orig", None) or exc)
        if "not a database" in first or "malformed" in first:
            return fail(f"{shown} is damaged or not an annotator project file.", first)
        if "unable to open" in first or "readonly" in first or "permission" in first.lower():
            return fail(f"Cannot open {shown}: check that you may read the file and its "
                        f"folder.", first)
        return fail(f"Cannot open {shown}: {first}.", first)
    finally:
        engine.dispose()


def _test_server(parsed: URL, *, timeout: int) -> ConnectionInfo:
    backend = parsed.get_backend_name()
    shown = redact(parsed.render_as_string(hide_password=False))
    connect_args: dict[str, object] = {}
    if backend == "postgresql":
        if "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = max(2, int(timeout))
        if "options" not in parsed.query:
            connect_args["options"] = "-c default_transaction_read_only=on"
    try:
        engine = create_engine(parsed, poolclass=NullPool, connect_args=connect_args)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        return ConnectionInfo(False, backend, shown, f"annotator cannot use this kind of "
                              f"database ({parsed.drivername}): no driver installed.",
                              detail=_first_line(exc))
    try:
        return _inspect(engine, backend, shown, _server_label(parsed))
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None) or exc
        return ConnectionInfo(False, backend, shown,
                              explain_connection_error(str(orig), parsed, timeout=timeout),
                              detail=_first_line(orig))
    finally:
        engine.dispose()


def _server_label(parsed: URL) -> str:
    host = parsed.host or "localhost"
    if ":" in host:
        host = f"[{host}]"
    port = parsed.port or (DEFAULT_PORT if parsed.get_backend_name() == "postgresql" else None)
    return f"{host}:{port}/{parsed.database}" if port else f"{host}/{parsed.database}"


def _inspect(engine: Engine, backend: str, shown: str, where: str) -> ConnectionInfo:
    """Read the schema state; SQLAlchemy errors propagate to the caller."""
    with engine.connect() as conn:
        server = ""
        if backend == "postgresql":
            info = conn.dialect.server_version_info or ()
            server = "PostgreSQL " + ".".join(str(p) for p in info[:2])
        tables = set(inspect(conn).get_table_names())
        current: str | None = None
        if "alembic_version" in tables:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        counts: tuple[int | None, int | None] = (None, None)
        if {"article", "annotation"} <= tables:
            try:
                counts = (
                    int(conn.execute(text("SELECT count(*) FROM article")).scalar() or 0),
                    int(conn.execute(text("SELECT count(*) FROM annotation")).scalar() or 0))
            except SQLAlchemyError:
                conn.rollback()
        conn.rollback()
    prefix = f"Connected to {server} at {where}. " if server else ""
    contents = _contents(*counts)

    def made(ok: bool, status: str, message: str) -> ConnectionInfo:
        return ConnectionInfo(ok, backend, shown, prefix + message, status, revision=current,
                              server_version=server, articles=counts[0],
                              annotations=counts[1])

    if current is None and not (tables - {"alembic_version"}):
        return made(True, SCHEMA_NEW, "The database is empty: annotator will set it up when "
                    "it is opened.")
    if current is None:
        listed = ", ".join(sorted(tables)[:4]) + (", …" if len(tables) > 4 else "")
        return made(False, SCHEMA_FOREIGN, f"This database holds other tables ({listed}) and "
                    f"is not an annotator project; choose an empty database or an annotator "
                    f"project.")
    status = _schema_status(current)
    if status == SCHEMA_CURRENT:
        return made(True, status, f"An annotator project, up to date{contents}.")
    if status == SCHEMA_UPGRADE:
        return made(True, status, f"An annotator project made by an older version{contents}. "
                    f"It will be upgraded when opened; after that, older versions of "
                    f"annotator cannot open it.")
    return made(False, status, f"This project was made by a newer version of annotator "
                f"(schema revision {current!r}); upgrade annotator to open it.")


def _contents(articles: int | None, annotations: int | None) -> str:
    if articles is None or annotations is None:
        return ""
    return (f" — {articles} article{'' if articles == 1 else 's'}, "
            f"{annotations} annotation{'' if annotations == 1 else 's'}")


def _schema_status(current: str) -> str:
    if current == known_head_revision():
        return SCHEMA_CURRENT
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    if current == script.get_current_head():
        return SCHEMA_CURRENT
    try:
        script.get_revision(current)
    except Exception:  # unknown revision: a newer annotator made it
        return SCHEMA_NEWER
    return SCHEMA_UPGRADE


# ---------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------

_QUOTED = r"[\"']([^\"']*)[\"']"


def explain_connection_error(raw: str, url: URL | str, *,
                             timeout: int = DEFAULT_TIMEOUT) -> str:
    """A user-facing sentence for a driver's connection error text ``raw``."""
    parsed = make_url(url) if isinstance(url, str) else url
    host = parsed.host or "localhost"
    port = parsed.port or DEFAULT_PORT
    where = f"{host}:{port}"
    user = parsed.username or "(your login name)"
    low = raw.lower()
    if "password authentication failed" in low or "authentication failed" in low:
        return (f"Login refused by {where}: wrong user name or password for user "
                f"{user!r}.")
    if "no password supplied" in low or "password is required" in low:
        return f"The server {where} asks for a password: enter the password of {user!r}."
    match = re.search(r"role " + _QUOTED + " does not exist", raw)
    if match:
        return f"The server {where} has no user {match.group(1)!r}; check the user name."
    match = re.search(r"database " + _QUOTED + " does not exist", raw)
    if match:
        return (f"The server {where} has no database {match.group(1)!r}; check the name, or "
                f"ask the server's administrator to create it (createdb).")
    if "no pg_hba.conf entry" in low or "pg_hba.conf rejects" in low:
        return (f"The server {where} does not accept connections from this computer for "
                f"user {user!r} (pg_hba.conf); ask its administrator to allow your network.")
    if "permission denied for database" in low or "not permitted to log in" in low:
        return f"User {user!r} may not connect to this database on {where}."
    if "connection refused" in low:
        return (f"Cannot reach {where}: connection refused. Is the PostgreSQL server running "
                f"there, listening on the network (listen_addresses) and on port {port}?")
    if ("failed to resolve host" in low or "could not translate host name" in low
            or "name or service not known" in low or "nodename nor servname" in low):
        return f"Unknown host {host!r}: check the server name (or use its IP address)."
    if "timeout expired" in low or "timed out" in low:
        return (f"No answer from {where} within {max(2, int(timeout))} s: check the "
                f"address, the network (VPN?) and the firewall.")
    if "network is unreachable" in low or "no route to host" in low:
        return f"Cannot reach {where}: no network route to that host."
    if "too many connections" in low or "remaining connection slots" in low:
        return f"The server {where} has too many connections open; try again shortly."
    if "the database system is starting up" in low or "shutting down" in low:
        return f"The server {where} is starting or shutting down; try again shortly."
    return f"Cannot connect to {where}: {_first_line(raw)}"


def _first_line(exc: object) -> str:
    """The driver's message without libpq's ``connection ... failed:`` preamble."""
    line = next((ln.strip() for ln in str(exc).splitlines() if ln.strip()), "")
    line = re.sub(r"^connection failed:\s*", "", line)
    line = re.sub(r"^connection to server (at|on) .*? failed:\s*", "", line)
    return re.sub(r"^FATAL:\s+", "", line).rstrip(".")


def _without_url(message: str, raw: str) -> str:
    """``database_url``'s messages start with the URL: show it redacted."""
    return message.replace(raw, redact(raw))


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
