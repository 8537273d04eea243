"""``annotator --version``: what a user pastes into a bug report, without side effects."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from annotator import __version__
from annotator.cli import main
from annotator.services.project import Project
from annotator.services.version_info import gather
from annotator.storage.engine import head_revision

REPO = Path(__file__).resolve().parents[1]


def _fields(output: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in output.splitlines())


def test_fresh_database_is_reported_not_created(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "sub" / "project.sqlite"
    assert main(["--db", str(db), "--version"]) == 0
    fields = _fields(capsys.readouterr().out)
    assert list(fields) == ["annotator", "installed as", "Python", "Qt", "system", "database",
                            "schema revision"]
    assert fields["annotator"] == __version__
    assert fields["installed as"] == f"from source in {REPO}"
    assert fields["Python"] == f"{platform.python_version()} ({platform.python_implementation()})"
    assert fields["database"] == str(db)
    assert fields["schema revision"] == f"none yet (created at {head_revision()} on first start)"
    assert not db.parent.exists()


def test_schema_revision_on_both_backends(db_url: str) -> None:
    project = Project(db_url)
    location, url = project.display_name, project.url
    project.close()
    info = gather(db_url)
    assert info.schema == f"{head_revision()} (up to date)"
    assert info.database == location
    engine = create_engine(url)
    for stored, expected in (("0001", "0001 (will be upgraded)"),
                             ("9999", "9999 (newer version — cannot open)")):
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": stored})
        assert gather(db_url).schema == expected
    engine.dispose()


def test_unreachable_server_is_reported_quickly() -> None:
    import time

    started = time.perf_counter()
    info = gather("postgresql+psycopg://nobody:secret@127.0.0.1:9/none")
    assert time.perf_counter() - started < 10
    assert info.schema.startswith("unknown (") and "secret" not in info.database + info.schema


def test_qt_version_matches_the_running_qt() -> None:
    from PySide6.QtCore import qVersion

    assert gather(":memory:").qt == f"{qVersion()} (PySide6 {qVersion()})"
    assert gather(":memory:", qt_runtime="6.0.0").qt.startswith("6.0.0 (PySide6 ")


def test_version_needs_no_display_and_never_imports_qt(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    code = ("import sys; from annotator.cli import main; status = main(['--version']); "
            "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'; "
            "raise SystemExit(status)")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"annotator: {__version__}\n")
