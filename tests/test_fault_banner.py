"""The window under database faults, driven through qtbot on real faults.

Locked file → a dialog whose Retry saves the action (Cancel keeps it in the banner);
full disk → the action kept on screen as not saved, Retry saves it once there is room;
PostgreSQL server gone → the reconnect banner retries by itself once the server is back;
read-only filesystem → the window opens read-only and says so. Nothing acknowledged is
ever lost, and nothing refused is silently dropped.
"""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from .test_faults import fill, own_server, small_disk  # noqa: F401 (fixtures)

PHRASE = "Axios reports"
SECOND = "Hamas"


def annotation_count(db: str | Path) -> int:
    if "://" in str(db):
        engine = sa.create_engine(str(db))
        try:
            with engine.connect() as conn:
                return int(conn.execute(sa.text("SELECT count(*) FROM annotation")).scalar_one())
        finally:
            engine.dispose()
    con = sqlite3.connect(db)
    try:
        return int(con.execute("SELECT count(*) FROM annotation").fetchone()[0])
    finally:
        con.close()


@pytest.fixture
def open_window(qtbot) -> Iterator:  # type: ignore[no-untyped-def]
    """Open the real window on a database of the test's choosing."""
    from annotator.app import create_window, settings

    s = settings()
    s.setValue("analyst/name", "Ana Analyst")
    s.sync()
    opened = []

    def make(db: str | Path):  # type: ignore[no-untyped-def]
        win = create_window(db)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        opened.append(win)
        return win

    yield make
    for win in opened:
        win.close()
        win.project.close()


def tag(win, phrase: str, key: str = "named_person") -> None:  # type: ignore[no-untyped-def]
    """Select ``phrase`` in the article and tag it (what the label's digit key does)."""
    i = win.article.text.index(phrase)
    win.view.select_cp(i, i + len(phrase))
    win.editing.tag_selection(key)


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.storage import engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)


def _lock(db: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    return holder


def test_locked_database_dialog_retry_saves(open_window, tmp_path: Path, short_busy_timeout,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "p.sqlite"
    win = open_window(db)
    holder = _lock(db)
    asked: list[str] = []

    def answer(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(f"{title}: {text}")
        holder.execute("ROLLBACK")  # the other program is done
        return QMessageBox.StandardButton.Retry

    monkeypatch.setattr(QMessageBox, "warning", answer)
    tag(win, PHRASE)
    holder.close()
    assert len(asked) == 1, asked
    assert f"the database {db} is locked by another program; try again" in asked[0]
    assert "Not saved yet: Tag ‘Named person’" in asked[0]
    assert annotation_count(db) == 1  # Retry saved it
    assert [a.text for a in win.article.rows] == [PHRASE]
    assert not win.faults.bar.isVisible() and not win.faults.pending
    assert win.wb.undo_stack.count() == 1  # and it is undoable like any tag


def test_locked_database_cancel_keeps_action_in_banner(open_window, tmp_path: Path, qtbot,
                                                       short_busy_timeout,
                                                       no_blocking_dialogs) -> None:
    db = tmp_path / "p.sqlite"
    win = open_window(db)
    holder = _lock(db)
    tag(win, PHRASE)  # the (recorded) dialog answers Ok: not Retry
    assert no_blocking_dialogs and "is locked by another program" in no_blocking_dialogs[-1][1]
    faults = win.faults
    assert faults.bar.isVisible() and len(faults.pending) == 1
    text = faults.banner.message.text()
    assert "is locked by another program" in text and "Not saved yet: Tag ‘Named person’" in text
    assert annotation_count(db) == 0 and win.article.rows == []
    # still locked: Retry fails again and the action stays
    qtbot.mouseClick(faults.banner.retry_button, Qt.MouseButton.LeftButton)
    assert len(faults.pending) == 1 and faults.bar.isVisible()
    holder.execute("ROLLBACK")
    holder.close()
    qtbot.mouseClick(faults.banner.retry_button, Qt.MouseButton.LeftButton)
    assert not faults.pending and not faults.bar.isVisible()
    assert annotation_count(db) == 1 and [a.text for a in win.article.rows] == [PHRASE]


def test_full_disk_keeps_action_as_not_saved_then_retry(open_window, small_disk: Path,  # noqa: F811
                                                        qtbot) -> None:
    db = small_disk / "p.sqlite"
    win = open_window(db)
    keeper = sqlite3.connect(db)  # holds the WAL index in place; empties the log
    keeper.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    filler = fill(small_disk)
    try:
        tag(win, PHRASE)
        faults = win.faults
        assert faults.bar.isVisible() and len(faults.pending) == 1
        text = faults.banner.message.text()
        assert f"disk holding the database {db} is full" in text, text
        assert "Not saved yet: Tag ‘Named person’" in text
        assert win.article.rows == []
        qtbot.mouseClick(faults.banner.retry_button, Qt.MouseButton.LeftButton)
        assert len(faults.pending) == 1  # still full: still kept
    finally:
        filler.unlink()
    qtbot.mouseClick(win.faults.banner.retry_button, Qt.MouseButton.LeftButton)
    assert not win.faults.pending and not win.faults.bar.isVisible()
    keeper.close()
    assert annotation_count(db) == 1
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_full_disk_discard_forgets_the_action(open_window, small_disk: Path, qtbot) -> None:  # noqa: F811
    db = small_disk / "p.sqlite"
    win = open_window(db)
    keeper = sqlite3.connect(db)
    keeper.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    filler = fill(small_disk)
    try:
        tag(win, PHRASE)
        assert len(win.faults.pending) == 1
        qtbot.mouseClick(win.faults.banner.discard_button, Qt.MouseButton.LeftButton)
        assert not win.faults.pending and not win.faults.bar.isVisible()
    finally:
        filler.unlink()
        keeper.close()
    assert annotation_count(db) == 0


def test_server_gone_reconnect_banner_retries_by_itself(open_window, own_server, qtbot,  # noqa: F811
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.qt import fault_banner

    monkeypatch.setattr(fault_banner, "RECONNECT_INTERVAL_MS", 300)
    url = own_server.new_database()
    win = open_window(url)
    tag(win, PHRASE)
    assert annotation_count(url) == 1  # acknowledged: committed
    own_server.halt()
    try:
        tag(win, SECOND, "organisation_statement")
        faults = win.faults
        assert faults.bar.isVisible() and len(faults.pending) == 1
        text = faults.banner.message.text()
        assert text.startswith("Connection lost: the database server 127.0.0.1:"), text
        assert "Reconnecting" in text and "Not saved yet: Tag ‘Organisation statement’" in text
        assert faults.reconnect_timer.isActive()
        qtbot.wait(700)  # a few reconnect attempts while it is still down
        assert len(faults.pending) == 1
    finally:
        own_server.resume()
    qtbot.waitUntil(lambda: not win.faults.pending, timeout=30_000)
    assert not win.faults.bar.isVisible() and not win.faults.reconnect_timer.isActive()
    assert annotation_count(url) == 2
    assert sorted(a.text for a in win.article.rows) == sorted([PHRASE, SECOND])


def test_read_only_filesystem_window_says_so(open_window, small_disk: Path, qtbot) -> None:  # noqa: F811
    db = small_disk / "p.sqlite"
    first = open_window(db)
    tag(first, PHRASE)
    first.close()
    first.project.close()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    win = open_window(db)
    assert win.project.read_only
    faults = win.faults
    assert faults.bar.isVisible()
    assert faults.banner.message.text().startswith(f"Read-only: {db} cannot be changed here")
    assert not faults.banner.retry_button.isVisible()
    assert [a.text for a in win.article.rows] == [PHRASE]  # it reads
    tag(win, SECOND)
    assert "Not saved: Tag ‘Named person’" in faults.banner.message.text()
    assert not faults.pending and [a.text for a in win.article.rows] == [PHRASE]
    con = sqlite3.connect(f"{db.as_uri()}?mode=ro&immutable=1", uri=True)
    assert con.execute("SELECT count(*) FROM annotation").fetchone()[0] == 1
    con.close()
