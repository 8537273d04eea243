"""A project is one database (SQLite file or server URL) opened for use.

It owns the engine and hands out short transactions: every user action is one
transaction committed before the call returns, so a killed process loses nothing
that was shown.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine
from sqlmodel import Session

from annotator.domain.model import Label
from annotator.domain.taxonomy import load_taxonomy
from annotator.services.resources import DEFAULT_TAXONOMY
from annotator.storage import crud
from annotator.storage.engine import DatabaseError, database_url, open_engine

__all__ = ["DatabaseError", "Project", "default_database_path", "resolve_database"]

APP_NAME = "annotator"


def default_database_path() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "annotator.sqlite"


def resolve_database(cli_value: str | None = None) -> str:
    """``--db`` wins, then ``$ANNOTATOR_DB``, then the file in the user's data folder."""
    value = cli_value or os.environ.get("ANNOTATOR_DB") or str(default_database_path())
    return database_url(value)


class Project:
    def __init__(self, db: str | Path) -> None:
        self.url = database_url(db)
        self.engine: Engine = open_engine(self.url)
        self._labels: list[Label] | None = None
        self._ensure_labels()

    @property
    def display_name(self) -> str:
        url = self.engine.url
        if url.get_backend_name() == "sqlite":
            return str(url.database)
        return url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One all-or-nothing unit of work, committed on normal exit."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with Session(self.engine) as session:
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
