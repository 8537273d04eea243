"""Database failures classified once, into messages written for the user.

Every fault a user can meet while the database itself is the problem — another
program holds the lock, the disk is full, the file or server is read-only, the file
is not an annotator database, the server cannot be reached or went away mid-way, the
schema is newer than this program — becomes one :class:`DatabaseFault` subclass with
a one-line message naming the file (or ``host:port/database`` of the server, never
the password). The CLI prints it and exits 2; the window shows it (and, for the
transient ones, offers to retry: :attr:`DatabaseFault.retryable`).

:func:`classify` turns a driver/SQLAlchemy exception into a fault (or ``None`` when
the exception is not a database fault — a bug, or a constraint the caller handles);
:func:`translated` is the context manager :class:`~annotator.services.project.Project`
wraps around every transaction, so callers never see driver exceptions for these.
A failed transaction is rolled back by the database, so every fault means "nothing
of this action was saved".
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from annotator.storage.engine import DatabaseError, ForeignDatabaseError, NewerSchemaError

__all__ = [
    "DatabaseBusy",
    "DatabaseFault",
    "DiskFull",
    "NewerSchema",
    "NotAnnotatorDatabase",
    "ReadOnlyDatabase",
    "ServerUnavailable",
    "classify",
    "describe_database",
    "is_duplicate_article",
    "retry_on_duplicate_article",
    "translated",
]


class DatabaseFault(DatabaseError):
    """The database could not do what was asked; nothing of this action was saved."""

    retryable = False
    """True when trying the same action again later may succeed (lock, disk, server)."""


class DatabaseBusy(DatabaseFault):
    retryable = True


class DiskFull(DatabaseFault):
    retryable = True


class ReadOnlyDatabase(DatabaseFault):
    pass


class NotAnnotatorDatabase(DatabaseFault):
    pass


class ServerUnavailable(DatabaseFault):
    retryable = True


class NewerSchema(DatabaseFault):
    pass


def describe_database(url: str | URL) -> str:
    """The file path of a SQLite database, else ``host:port/database`` (no user, no password)."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except Exception:  # noqa: BLE001 (a malformed URL is described as "the server")
        return "the database server"
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database or ":memory:")
    host = parsed.host or "localhost"
    if ":" in host:
        host = f"[{host}]"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{host}{port}/{parsed.database or ''}"


# SQLite primary result codes (sqlite3.h): the low byte of an extended code.
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 11, 13, 14
_SQLITE_NOTADB = 26

# PostgreSQL SQLSTATEs (Appendix A of the PostgreSQL manual).
_PG_GONE = ("57P01", "57P02", "57P03")  # admin/crash shutdown, cannot connect now
_PG_DISK_FULL = ("53100",)
_PG_READ_ONLY = ("25006",)
_PG_LOCKED = ("55P03", "40P01")  # lock not available, deadlock detected


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0].strip() if text else type(exc).__name__


def _sqlite_fault(orig: sqlite3.Error, where: str) -> DatabaseFault | None:
    code = getattr(orig, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(orig).lower()
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED) or "database is locked" in text:
        return DatabaseBusy(f"the database {where} is locked by another program; try again")
    if primary == _SQLITE_FULL or "disk is full" in text:
        return DiskFull(f"the disk holding the database {where} is full; nothing was saved — "
                        f"free some space and try again")
    if primary == _SQLITE_READONLY or "readonly database" in text:
        return ReadOnlyDatabase(f"the database {where} is read-only; nothing was saved")
    if primary in (_SQLITE_NOTADB, _SQLITE_CORRUPT) or "not a database" in text:
        return NotAnnotatorDatabase(f"{where} is not an annotator database "
                                    f"(not a SQLite file, or damaged)")
    if primary == _SQLITE_CANTOPEN or "unable to open" in text:
        return DatabaseFault(f"cannot open the database {where} (the file or its folder "
                             f"cannot be opened)")
    if primary == _SQLITE_IOERR or "disk i/o error" in text:
        if _nearly_full(where):  # e.g. SQLITE_IOERR_SHMSIZE: no room for the WAL index
            return DiskFull(f"the disk holding the database {where} is full; nothing was "
                            f"saved — free some space and try again")
        return DiskFull(f"the database {where} could not be written (disk I/O error); "
                        f"nothing was saved — check the disk and try again")
    return None


FULL_BELOW_BYTES = 1 << 20
"""An I/O error on a filesystem with less free space than this is reported as a full disk."""


def _nearly_full(path: str) -> bool:
    folder = os.path.dirname(path) or "."
    try:
        st = os.statvfs(folder)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False
    return st.f_bavail * st.f_frsize < FULL_BELOW_BYTES


def _pg_fault(orig: BaseException, where: str, *, invalidated: bool) -> DatabaseFault | None:
    import psycopg

    state = getattr(orig, "sqlstate", None) or ""
    line = _first_line(orig)
    if state in _PG_DISK_FULL:
        return DiskFull(f"the database server {where} is out of disk space; nothing was "
                        f"saved — try again later")
    if state in _PG_READ_ONLY:
        return ReadOnlyDatabase(f"the database server {where} is read-only; nothing was saved")
    if state in _PG_LOCKED:
        return DatabaseBusy(f"the database server {where} reports a lock held by another "
                            f"session; try again")
    if state in _PG_GONE or state.startswith("08") or invalidated or isinstance(
            orig, (psycopg.OperationalError, psycopg.InterfaceError)) and not state:
        reason = _server_reason(line)
        return ServerUnavailable(f"the database server {where} {reason}; nothing of this "
                                 f"action was saved — try again when it is back")
    return None


def _server_reason(line: str) -> str:
    low = line.lower()
    if "refused" in low:
        return "refused the connection (is it running?)"
    if "timeout" in low or "timed out" in low:
        return "did not answer in time"
    if "terminat" in low or "closed" in low or "shutdown" in low or "lost" in low \
            or "consuming input failed" in low or "shutting down" in low:
        return "went away (the connection was closed)"
    if "password authentication failed" in low or "authentication" in low:
        return "refused the login"
    if "does not exist" in low:
        return "has no such database"
    if "translate host name" in low or "name or service not known" in low:
        return "cannot be found (unknown host name)"
    return "cannot be reached"


def classify(exc: BaseException, url: str | URL) -> DatabaseFault | None:
    """The user-facing fault ``exc`` means for the database at ``url``, or ``None``.

    Integrity errors are never faults (a constraint is the caller's business, e.g.
    :func:`is_duplicate_article`).
    """
    if isinstance(exc, DatabaseFault):
        return exc
    if isinstance(exc, NewerSchemaError):
        return NewerSchema(str(exc))
    if isinstance(exc, ForeignDatabaseError):
        return NotAnnotatorDatabase(str(exc))
    if isinstance(exc, IntegrityError):
        return None
    where = describe_database(url)
    orig: BaseException | None = exc.orig if isinstance(exc, DBAPIError) else exc
    invalidated = isinstance(exc, DBAPIError) and exc.connection_invalidated
    if isinstance(orig, sqlite3.IntegrityError):
        return None
    if isinstance(orig, sqlite3.Error):
        return _sqlite_fault(orig, where)
    module = type(orig).__module__ if orig is not None else ""
    if module.startswith("psycopg"):
        return _pg_fault(orig, where, invalidated=invalidated)  # type: ignore[arg-type]
    if isinstance(exc, DBAPIError) and invalidated:
        return ServerUnavailable(f"the database server {where} went away; nothing of this "
                                 f"action was saved — try again when it is back")
    return None


@contextmanager
def translated(url: str | URL) -> Iterator[None]:
    """Re-raise database faults from the block as :class:`DatabaseFault` (one line)."""
    try:
        yield
    except (NewerSchemaError, ForeignDatabaseError) as exc:
        raise classify(exc, url) from None  # type: ignore[misc]
    except (SQLAlchemyError, sqlite3.Error) as exc:
        fault = classify(exc, url)
        if fault is None:
            raise
        raise fault from None
    except Exception as exc:
        if type(exc).__module__.startswith("psycopg"):
            fault = classify(exc, url)
            if fault is not None:
                raise fault from None
        raise


def is_duplicate_article(exc: BaseException) -> bool:
    """True when ``exc`` is the unique-text constraint refusing a second copy of an article."""
    if not isinstance(exc, IntegrityError):
        return False
    orig = exc.orig
    diag = getattr(orig, "diag", None)
    if diag is not None and getattr(diag, "constraint_name", None) == "ux_article_sha256":
        return True
    text = str(orig)
    return "article.sha256" in text or "ux_article_sha256" in text


_T = TypeVar("_T")
DUPLICATE_RETRIES = 3


def retry_on_duplicate_article(write: Callable[[], _T]) -> _T:
    """Run the transaction ``write``; if a concurrent import stored the same text first
    (the unique index refused ours), run it again: it then finds the stored copy and
    reports it as already in the project. The refused attempt was rolled back whole."""
    for attempt in range(DUPLICATE_RETRIES):
        try:
            return write()
        except IntegrityError as exc:
            if not is_duplicate_article(exc) or attempt == DUPLICATE_RETRIES - 1:
                raise
    raise AssertionError("unreachable")
