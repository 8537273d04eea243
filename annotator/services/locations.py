"""Where the project database is, decided without opening it (no storage stack).

The window's start-up shell needs the database's location — to peek at the last
article's text and to say what it is opening — before SQLAlchemy is imported, so this
module imports only the standard library and platformdirs.
:func:`annotator.services.project.resolve_database` validates the result as a URL.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "annotator"


def default_database_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "annotator.sqlite"


def database_value(cli_value: str | None = None) -> str:
    """``--db`` wins, then ``$ANNOTATOR_DB``, then the file in the user's data folder."""
    return cli_value or os.environ.get("ANNOTATOR_DB") or str(default_database_path())


def sqlite_file(value: str) -> Path | None:
    """The SQLite file ``value`` names (a path or ``sqlite:///path``); None for a server."""
    if "://" not in value:
        return Path(value).expanduser().resolve()
    prefix = "sqlite:///"
    if value.startswith(prefix) and "?" not in value and len(value) > len(prefix):
        return Path(value[len(prefix):])
    return None
