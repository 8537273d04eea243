"""Headless Qt, and per-test isolation of settings, data folder and database."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import shutil  # noqa: E402
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


def tag_phrase(project, aid: int, text: str, annotator: str, label: str,  # type: ignore[no-untyped-def]
               needle: str):
    """Tag the first occurrence of ``needle`` as ``annotator`` through the services."""
    from annotator.services import annotate

    i = text.index(needle)
    change, _ = annotate.apply_edit(project, annotate.new_annotation(
        project, article_id=aid, article_text=text, annotator=annotator, label=label,
        start=i, end=i + len(needle)), actor=annotator)
    assert change.after is not None
    return change.after


def import_article(project, tmp_path: Path, text: str, *, name: str = "a.txt",  # type: ignore[no-untyped-def]
                   outlet: str = "") -> tuple[int, str]:
    """Import ``text`` as the file ``name`` through the services: its id and stored text."""
    from annotator.services import articles

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (item,) = articles.import_files(project, [path], outlet=outlet).imported
    return item.article_id, articles.get_article(project, item.article_id).text


def open_window(qtbot, url, analyst: str, *, activate: bool = False):  # type: ignore[no-untyped-def]
    """The real main window on ``url`` (a path or database URL) as ``analyst``, shown."""
    from annotator.app import create_window, settings

    s = settings()
    s.setValue("analyst/name", analyst)
    s.sync()
    win = create_window(url)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    if activate:
        win.activateWindow()
    return win


@pytest.fixture(scope="session")
def pg_cluster():  # type: ignore[no-untyped-def]
    from .pg_server import Cluster

    cluster = Cluster()
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "project.sqlite"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    """A fresh database on each backend: a SQLite file, and a real PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "project.sqlite")
    return pg_database(request)


def pg_database(request) -> str:  # type: ignore[no-untyped-def]
    """A fresh, empty database on the suite's real PostgreSQL server (skipped where no
    server can be started; a failure under CI)."""
    cluster = request.getfixturevalue("pg_cluster")
    if not cluster.url:
        if os.environ.get("CI"):
            pytest.fail(cluster.reason)
        pytest.skip(cluster.reason)
    return str(cluster.new_database())


FOUNDATION = Path(__file__).parent / "fixtures" / "foundation-0001.sqlite"
"""A project file of the first schema (0001), with the seed article tagged."""


def old_database(tmp_path: Path) -> Path:
    """A copy of :data:`FOUNDATION` to upgrade (the fixture itself stays untouched)."""
    db = tmp_path / "old.sqlite"
    shutil.copy(FOUNDATION, db)
    return db


@pytest.fixture
def project(db_url: str):  # type: ignore[no-untyped-def]
    from annotator.services.project import Project

    proj = Project(db_url)
    yield proj
    proj.close()


@pytest.fixture
def seed_text() -> str:
    from annotator.domain.text_import import decode_article_bytes

    return decode_article_bytes(SEED.read_bytes()).text


@pytest.fixture
def window(qtbot, db_path: Path):  # type: ignore[no-untyped-def]
    """The real main window on a fresh database (seeded), analyst name set."""
    win = open_window(qtbot, db_path, "Ana Analyst")
    yield win
    win.close()
    win.project.close()


@pytest.fixture(autouse=True)
def no_blocking_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """A modal message box would hang a headless run: record them instead.

    Tests that expect a dialog read this list (or patch the method themselves).
    """
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    shown: list[tuple[str, str]] = []

    def record(kind: str, default):  # type: ignore[no-untyped-def]
        def fake(*args, **kwargs):  # type: ignore[no-untyped-def]
            text = args[2] if len(args) > 2 else kwargs.get("text", "")
            shown.append((kind, str(text)))
            return default
        return fake

    monkeypatch.setattr(QMessageBox, "warning", record("warning", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "critical", record("critical", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "information",
                        record("information", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "question", record("question", QMessageBox.StandardButton.No))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    return shown
