"""Headless Qt, and per-test isolation of settings, data folder and database."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SEED = sorted((REPO / "seeds").glob("*.txt"))[0]


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real user's data folder or settings."""
    home = tmp_path / "home"
    for sub in ("config", "data", "cache"):
        (home / sub).mkdir(parents=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("ANNOTATOR_SETTINGS", str(home / "config" / "annotator.ini"))
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "project.sqlite"


@pytest.fixture
def project(db_path: Path):  # type: ignore[no-untyped-def]
    from annotator.services.project import Project

    proj = Project(db_path)
    yield proj
    proj.close()


@pytest.fixture
def seed_text() -> str:
    from annotator.domain.text_import import decode_article_bytes

    return decode_article_bytes(SEED.read_bytes()).text


@pytest.fixture
def window(qtbot, db_path: Path):  # type: ignore[no-untyped-def]
    """The real main window on a fresh database (seeded), analyst name set."""
    from annotator.app import create_window, settings

    s = settings()
    s.setValue("analyst/name", "Ana Analyst")
    s.sync()
    win = create_window(db_path)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    win.project.close()
