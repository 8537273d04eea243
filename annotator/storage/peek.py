"""A read-only look at one article's stored text, with the standard library's sqlite3.

Start-up paints the window before the storage stack (SQLAlchemy, SQLModel, pydantic,
Alembic) is imported; this peek lets it paint the last article's text too, while the
project is still being opened. It never writes, never creates the file, never waits
for a lock, and gives up (``None``) on anything unexpected — a file that is not an
annotator database, a schema this program does not know, a lock — so opening the
project then reports the problem as usual. The text returned is the stored text, the
same string the project will load (offsets are computed from that, not from here).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"
_REVISION = re.compile(r'^revision\s*=\s*["\']([^"\']+)["\']', re.MULTILINE)


@dataclass(frozen=True)
class PeekedArticle:
    article_id: int
    title: str
    text: str


def known_revisions(folder: Path = VERSIONS) -> frozenset[str]:
    """The schema revisions this program's migrations define (read, not imported)."""
    found = set()
    try:
        for path in folder.glob("*.py"):
            match = _REVISION.search(path.read_text(encoding="utf-8"))
            if match:
                found.add(match.group(1))
    except OSError:
        return frozenset()
    return frozenset(found)


def peek_article(path: Path, article_id: int | None) -> PeekedArticle | None:
    """The stored title and text of ``article_id`` (else of the first article, as the
    window opens it), or ``None`` when it cannot be read cheaply and safely."""
    try:
        if not path.is_file():
            return None  # a new project: nothing to show, and nothing may be created
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=0)
    except (OSError, ValueError, sqlite3.Error):
        return None
    try:
        (version,) = con.execute("SELECT version_num FROM alembic_version").fetchone()
        if version not in known_revisions():
            return None  # newer (or foreign) schema: the project open explains it
        row = None
        if article_id is not None:
            row = con.execute("SELECT id, title, text FROM article WHERE id = ?",
                              (article_id,)).fetchone()
        if row is None:
            row = con.execute("SELECT id, title, text FROM article ORDER BY id LIMIT 1"
                              ).fetchone()
        if row is None:
            return None
        return PeekedArticle(int(row[0]), str(row[1]), str(row[2]))
    except (sqlite3.Error, TypeError, ValueError):
        return None
    finally:
        con.close()
