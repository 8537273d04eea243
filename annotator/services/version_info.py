"""What a user pastes into a bug report: versions, install kind, database, schema.

Shared by ``annotator --version`` (headless: must stay fast and need no display) and
the About dialog. This layer never imports PySide6, so the Qt version comes from the
PySide6 package metadata (Qt for Python wheels ship the Qt release of the same
number; ``tests/test_about_dialog.py`` checks it against ``qVersion()``), or is passed
in by the Qt layer, which knows the Qt actually running.
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from sqlalchemy.engine import make_url

from annotator import __version__
from annotator.services.connection import SCHEMA_NEW, test_connection
from annotator.services.resources import FROZEN, REPO_ROOT
from annotator.storage.engine import database_url, known_head_revision

SERVER_TIMEOUT_S = 3
"""A server that does not answer must not make ``--version`` hang."""


@dataclass(frozen=True)
class VersionInfo:
    annotator: str
    install: str
    python: str
    qt: str
    system: str
    database: str
    schema: str

    def rows(self) -> list[tuple[str, str]]:
        return [("annotator", self.annotator), ("installed as", self.install),
                ("Python", self.python), ("Qt", self.qt), ("system", self.system),
                ("database", self.database), ("schema revision", self.schema)]

    def as_text(self) -> str:
        """``name: value`` lines, the format of ``annotator --version``."""
        return "".join(f"{name}: {value}\n" for name, value in self.rows())


def pyside_version() -> str | None:
    try:
        return metadata.version("PySide6")
    except metadata.PackageNotFoundError:
        return None


def _qt_line(qt_runtime: str | None) -> str:
    pyside = pyside_version()
    qt = qt_runtime or pyside
    if qt is None:
        return "not found (PySide6 is not installed)"
    return f"{qt} (PySide6 {pyside or 'unknown'})"


def _install_kind() -> str:
    if FROZEN:
        return f"application bundle in {Path(sys.executable).resolve().parent}"
    if (REPO_ROOT / "pyproject.toml").is_file():
        return f"from source in {REPO_ROOT}"
    return f"Python package in {Path(__file__).resolve().parents[1]}"


def _database(db: str | Path) -> tuple[str, str]:
    """Location and schema revision, read-only (:func:`test_connection`): nothing is
    created or upgraded, a missing project file stays missing."""
    url = database_url(db)
    head = known_head_revision()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
            and not Path(str(parsed.database)).exists():
        return str(parsed.database), f"none yet (created at {head} on first start)"
    info = test_connection(url, timeout=SERVER_TIMEOUT_S)
    if info.revision is not None:
        return info.display, f"{info.revision} ({info.schema_status})"
    if info.ok and info.schema_status == SCHEMA_NEW:
        return info.display, f"none yet (set up at {head} when opened)"
    return info.display, f"unknown ({info.message})"


def gather(db: str | Path, *, qt_runtime: str | None = None) -> VersionInfo:
    """Collect everything without opening (so without creating or upgrading) ``db``."""
    location, schema = _database(db)
    python = f"{platform.python_version()} ({platform.python_implementation()})"
    return VersionInfo(
        annotator=__version__,
        install=_install_kind(),
        python=python,
        qt=_qt_line(qt_runtime),
        system=f"{platform.system()} {platform.release()} {platform.machine()}",
        database=location,
        schema=schema,
    )
