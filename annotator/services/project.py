"""A project is one database (SQLite file or server URL) opened for use.

It owns the engine and hands out short transactions: every user action is one
transaction committed before the call returns, so a killed process loses nothing
that was shown.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlmodel import Session

from annotator.domain.model import Label
from annotator.domain.taxonomy import load_taxonomy
from annotator.services.db_errors import DatabaseFault, NotAnnotatorDatabase, translated
from annotator.services.locations import database_value, default_database_path
from annotator.services.resources import DEFAULT_TAXONOMY
from annotator.storage import crud
from annotator.storage.engine import DatabaseError, database_url, open_engine

__all__ = ["DatabaseError", "DatabaseFault", "Project", "default_database_path",
           "resolve_database"]


def resolve_database(cli_value: str | None = None) -> str:
    """``--db`` wins, then ``$ANNOTATOR_DB``, then the file in the user's data folder."""
    return database_url(database_value(cli_value))


SQLITE_MAGIC = b"SQLite format 3\x00"


def _sqlite_preflight(path: Path) -> bool:
    """Check a SQLite file before any driver touches it; True if it must open read-only.

    Only reads (16 bytes): a file that is not SQLite, a folder, a pipe or a device is
    refused here, so nothing is ever written to it (not even a WAL switch).
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        return False  # a new project file: created on open
    except OSError as exc:
        raise DatabaseFault(f"cannot open the database {path} ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise NotAnnotatorDatabase(f"{path} is a folder, not an annotator database")
    if not stat.S_ISREG(st.st_mode):
        raise NotAnnotatorDatabase(f"{path} is not an annotator database (not a regular file)")
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise DatabaseFault(f"cannot read the database {path} ({exc.strerror})") from None
    if head and head != SQLITE_MAGIC:
        raise NotAnnotatorDatabase(f"{path} is not an annotator database (not a SQLite file)")
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


class Project:
    """One open database. ``read_only`` is True for a file this user may not write:
    it opens for reading, and every write raises
    :class:`~annotator.services.db_errors.ReadOnlyDatabase`."""

    def __init__(self, db: str | Path) -> None:
        self.url = database_url(db)
        self.read_only = False
        self._labels: list[Label] | None = None
        with translated(self.url):
            parsed = make_url(self.url)
            if parsed.get_backend_name() == "sqlite" and parsed.database \
                    and parsed.database != ":memory:":
                self.read_only = _sqlite_preflight(Path(parsed.database))
            self.engine: Engine = open_engine(self.url, read_only=self.read_only)
        try:
            self._ensure_labels()
        except BaseException:
            self.engine.dispose()
            raise

    @property
    def display_name(self) -> str:
        url = self.engine.url
        if url.get_backend_name() == "sqlite":
            return str(url.database)
        return url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One all-or-nothing unit of work, committed on normal exit.

        Database faults (locked, disk full, read-only, server gone) come out as
        :class:`~annotator.services.db_errors.DatabaseFault`; the transaction was rolled back.
        """
        with translated(self.engine.url), Session(self.engine, expire_on_commit=False) \
                as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with translated(self.engine.url), Session(self.engine) as session:
            yield session

    def _ensure_labels(self) -> None:
        with self.transaction() as session:
            if not crud.list_labels(session=session):
                crud.add_labels(session=session, labels=load_taxonomy(DEFAULT_TAXONOMY))

    def labels(self) -> list[Label]:
        if self._labels is None:
            with self.reading() as session:
                self._labels = crud.list_labels(session=session)
        return list(self._labels)

    def invalidate_labels(self) -> None:
        """Forget cached labels after the taxonomy was edited."""
        self._labels = None

    def label(self, key: str) -> Label | None:
        return next((lab for lab in self.labels() if lab.key == key), None)

    def close(self) -> None:
        self.engine.dispose()
