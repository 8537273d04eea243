"""Which schema revision a database holds, read without creating or upgrading it.

``annotator --version`` and the About dialog report it for bug reports; opening a
:class:`~annotator.services.project.Project` would create a missing SQLite file and
run migrations, which a version query must never do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from annotator.storage.engine import database_url, known_head_revision

CONNECT_TIMEOUT_S = 3
"""A server that does not answer must not make ``--version`` hang."""


@dataclass(frozen=True)
class SchemaState:
    location: str
    """SQLite file path, or the server URL without its password."""
    exists: bool
    stored: str | None
    """``alembic_version`` of the database; None if it has none (new or empty)."""
    head: str | None
    """The newest revision this version of annotator knows."""
    error: str = ""

    def describe(self) -> str:
        """One line: ``0003 (current)``, ``none yet ...``, ``0002 (upgraded to 0003 ...)``."""
        if self.error:
            return f"unknown ({self.error})"
        if not self.exists or self.stored is None:
            return f"none yet (created at {self.head} on first start)"
        if self.stored == self.head:
            return f"{self.stored} (current)"
        return f"{self.stored} (this version of annotator has {self.head})"


def read_schema_state(db: str | Path) -> SchemaState:
    url_text = database_url(db)
    url = make_url(url_text)
    head = known_head_revision()
    if url.get_backend_name() == "sqlite":
        path = url.database or ""
        location = path or ":memory:"
        if not path or path == ":memory:" or not Path(path).exists():
            return SchemaState(location, exists=False, stored=None, head=head)
        engine = create_engine(url_text)
    else:
        location = url.render_as_string(hide_password=True)
        try:
            engine = create_engine(url_text,
                                   connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
        except (SQLAlchemyError, ImportError) as exc:
            return SchemaState(location, exists=False, stored=None, head=head,
                               error=str(exc).splitlines()[0])
    try:
        with engine.connect() as conn:
            if "alembic_version" not in inspect(conn).get_table_names():
                return SchemaState(location, exists=True, stored=None, head=head)
            stored = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            return SchemaState(location, exists=True, stored=stored, head=head)
    except SQLAlchemyError as exc:
        message = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return SchemaState(location, exists=True, stored=None, head=head, error=message)
    finally:
        engine.dispose()
