"""File › Open database: the connection test service and the dialog (pytest-qt).

Server tests use the real PostgreSQL cluster of ``tests/pg_server.py`` (skipped when it
is unavailable, like ``conftest.db_url``).
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from annotator.app import settings
from annotator.qt.database_dialog import (
    MAX_RECENT,
    RECENT_KEY,
    DatabaseDialog,
    recent_databases,
    remember_database,
)
from annotator.services import articles, connection
from annotator.services.project import Project

from .conftest import SEED, pg_database
from .pg_server import _free_port


@pytest.fixture
def pg_url(request) -> str:  # type: ignore[no-untyped-def]
    """A fresh, empty database on the real test server."""
    return pg_database(request)


@pytest.fixture
def make_dialog(qtbot):  # type: ignore[no-untyped-def]
    def make(**kwargs) -> DatabaseDialog:  # type: ignore[no-untyped-def]
        kwargs.setdefault("timeout", 2)
        dialog = DatabaseDialog(settings(), **kwargs)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog
    return make


def seeded_project(path: Path) -> Path:
    project = Project(path)
    articles.import_files(project, [SEED])
    project.close()
    return path


def set_revision(path: Path, revision: str) -> None:
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    con.commit()
    con.close()


# -- service: URLs ---------------------------------------------------------------------


def test_build_url_escapes_and_round_trips() -> None:
    url = connection.build_url("postgresql", " db.lan ", "", "annotator", "ana",
                               "p@ss:w/rd%?#")
    assert url == "postgresql+psycopg://ana:p%40ss%3Aw%2Frd%25%3F%23@db.lan:5432/annotator"
    loc = connection.locate(url)
    assert (loc.host, loc.port, loc.database, loc.user, loc.has_password) == \
        ("db.lan", 5432, "annotator", "ana", True)
    assert "p%40ss" not in repr(loc)  # the URL (with password) is kept out of reprs
    assert connection.redact(url) == "postgresql+psycopg://ana:***@db.lan:5432/annotator"
    assert connection.without_password(url) == \
        "postgresql+psycopg://ana@db.lan:5432/annotator"
    assert connection.build_url("postgres", "::1", 6543, "a", "") == \
        "postgresql+psycopg://[::1]:6543/a"


@pytest.mark.parametrize("args, message", [
    (("mysql", "h", 1, "d", "u"), "only PostgreSQL"),
    (("postgresql", "", 5432, "d", "u"), "host"),
    (("postgresql", "h", 5432, " ", "u"), "name of the database"),
    (("postgresql", "h", "abc", "d", "u"), "not a number"),
    (("postgresql", "h", 70000, "d", "u"), "out of range"),
])
def test_build_url_refuses_incomplete_forms(args, message) -> None:  # type: ignore[no-untyped-def]
    from annotator.domain.errors import UserInputError

    with pytest.raises(UserInputError, match=message):
        connection.build_url(*args)


def test_redact_paths_and_odd_urls() -> None:
    assert connection.redact("/home/ana/a.sqlite") == "/home/ana/a.sqlite"
    assert "secret" not in connection.redact("postgresql://a@h/d?password=secret")
    assert "secret" not in connection.without_password("postgresql://a@h/d?password=secret")
    assert "secret" not in connection.redact("postgresql://a:secret@h:notaport/d")


@pytest.mark.parametrize("raw, expected", [
    ('connection failed: connection to server at "10.0.0.5", port 5432 failed: FATAL:  '
     'password authentication failed for user "ana"', "Login refused by db.lan:5432: wrong "
     "user name or password for user 'ana'"),
    ('connection to server at "10.0.0.5", port 5432 failed: fe_sendauth: no password '
     'supplied', "asks for a password"),
    ('FATAL:  no pg_hba.conf entry for host "10.1.1.1", user "ana", database "annotator", '
     'no encryption', "does not accept connections from this computer"),
    ("connection timeout expired", "No answer from db.lan:5432 within 2 s"),
    ("failed to resolve host 'db.lan': [Errno -2] Name or service not known",
     "Unknown host 'db.lan'"),
    ('FATAL:  sorry, too many clients already', "Cannot connect to db.lan:5432: sorry, too "
     "many clients already"),
])
def test_connection_errors_are_explained(raw: str, expected: str) -> None:
    message = connection.explain_connection_error(
        raw, "postgresql+psycopg://ana:x@db.lan/annotator", timeout=1)
    assert expected in message
    assert "Traceback" not in message and "\n" not in message


# -- service: test_connection on SQLite ------------------------------------------------


def test_sqlite_states(tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite"
    info = connection.test_connection(missing)
    assert not info.ok and "no such file" in info.message
    assert not missing.exists()  # never created unless asked

    made = tmp_path / "sub" / "made.sqlite"
    info = connection.test_connection(made, create=True)
    assert info.ok and info.schema_status == connection.SCHEMA_NEW and made.exists()

    path = seeded_project(tmp_path / "a.sqlite")
    before = path.read_bytes()
    info = connection.test_connection(path)
    assert info.ok and info.schema_status == connection.SCHEMA_CURRENT
    assert (info.articles, info.annotations, info.backend) == (1, 0, "sqlite")
    assert "up to date — 1 article, 0 annotations" in info.message
    assert path.read_bytes() == before  # only read, never migrated
    assert not list(tmp_path.glob("a.sqlite-*"))  # no -wal/-shm side files left behind

    set_revision(path, "0002")
    info = connection.test_connection(path)
    assert info.ok and info.schema_status == connection.SCHEMA_UPGRADE
    assert "will be upgraded when opened" in info.message
    assert connection.test_connection(path).revision == "0002"  # still not upgraded

    set_revision(path, "ffff_from_the_future")
    info = connection.test_connection(path)
    assert not info.ok and info.schema_status == connection.SCHEMA_NEWER
    assert "newer version of annotator" in info.message

    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE budget (x)")
    con.commit()
    con.close()
    info = connection.test_connection(other)
    assert not info.ok and info.schema_status == connection.SCHEMA_FOREIGN

    text = tmp_path / "notes.sqlite"
    text.write_text("not a database", encoding="utf-8")
    info = connection.test_connection(text)
    assert not info.ok and "not a SQLite database" in info.message
    assert not connection.test_connection(tmp_path).ok  # a folder
    assert "not a valid database URL" in connection.test_connection("postgresql://a@h:x/d").message


# -- service: test_connection on PostgreSQL ---------------------------------------------


def test_postgresql_states(pg_url: str) -> None:
    info = connection.test_connection(pg_url)
    assert info.ok, info.message
    assert info.backend == "postgresql" and info.schema_status == connection.SCHEMA_NEW
    assert info.server_version.startswith("PostgreSQL ")
    assert "The database is empty" in info.message
    engine = create_engine(pg_url)
    try:
        assert inspect(engine).get_table_names() == []  # the test wrote nothing
    finally:
        engine.dispose()

    project = Project(pg_url)
    articles.import_files(project, [SEED])
    project.close()
    info = connection.test_connection(pg_url)
    assert info.ok and info.schema_status == connection.SCHEMA_CURRENT
    assert info.articles == 1

    base = pg_url.rsplit("/", 1)[0]
    missing = connection.test_connection(base + "/no_such_db")
    assert not missing.ok and "has no database 'no_such_db'" in missing.message
    loc = connection.locate(pg_url)
    nobody = connection.test_connection(pg_url.replace(f"//{loc.user}@", "//nobody@"))
    assert not nobody.ok and "has no user 'nobody'" in nobody.message


def test_unreachable_server_fails_fast_and_clearly() -> None:
    port = _free_port()
    start = time.monotonic()
    info = connection.test_connection(
        connection.build_url("postgresql", "127.0.0.1", port, "annotator", "ana", "pw"),
        timeout=2)
    assert time.monotonic() - start < 5
    assert not info.ok
    assert info.message.startswith(f"Cannot reach 127.0.0.1:{port}: connection refused")
    assert "pw" not in info.display and "***" in info.display


# -- recent databases ------------------------------------------------------------------


def test_recent_list_persists_without_passwords(make_dialog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s = settings()
    remember_database(s, str(tmp_path / "a.sqlite"))
    assert recent_databases(settings()) == [f"sqlite:///{tmp_path / 'a.sqlite'}"]  # 1 item
    remember_database(s, "postgresql+psycopg://ana:s3cret@db.lan:5432/annotator")
    remember_database(s, f"sqlite:///{tmp_path / 'a.sqlite'}")  # moves to the top
    again = settings()  # a new QSettings reads the file back
    assert recent_databases(again) == [f"sqlite:///{tmp_path / 'a.sqlite'}",
                                       "postgresql+psycopg://ana@db.lan:5432/annotator"]
    assert DatabaseDialog.recent_databases(again) == recent_databases(again)
    ini = Path(os.environ["ANNOTATOR_SETTINGS"]).read_text(encoding="utf-8")
    assert "s3cret" not in ini and RECENT_KEY.split("/")[0] in ini

    dialog = make_dialog()
    assert dialog.recent_urls() == recent_databases(again)
    first = dialog.recent_list.topLevelItem(0)
    assert (first.text(0), first.text(1)) == ("a.sqlite", str(tmp_path))
    second = dialog.recent_list.topLevelItem(1)
    assert (second.text(0), second.text(1)) == ("annotator",
                                                "ana@db.lan:5432 (PostgreSQL)")

    dialog.recent_list.setCurrentItem(second)  # a click fills the server form
    assert dialog.tabs.currentIndex() == 1
    assert (dialog.host_edit.text(), dialog.port_spin.value(), dialog.database_edit.text(),
            dialog.user_edit.text(), dialog.password_edit.text()) == \
        ("db.lan", 5432, "annotator", "ana", "")

    for n in range(MAX_RECENT + 2):
        DatabaseDialog.remember_database(s, str(tmp_path / f"p{n}.sqlite"))
    listed = recent_databases(settings())
    assert len(listed) == MAX_RECENT and listed[0].endswith(f"p{MAX_RECENT + 1}.sqlite")


def test_garbage_in_the_settings_is_ignored(make_dialog) -> None:  # type: ignore[no-untyped-def]
    s = settings()
    s.setValue(RECENT_KEY, ["postgresql://a@h:notaport/d", "", "postgresql://b:pw@h/d"])
    s.sync()
    assert recent_databases(settings()) == ["postgresql://b@h/d"]
    assert make_dialog().recent_urls() == ["postgresql://b@h/d"]


# -- the dialog ------------------------------------------------------------------------


def test_local_file_test_and_open(make_dialog, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    path = seeded_project(tmp_path / "a.sqlite")
    dialog = make_dialog(current=str(path))
    assert dialog.objectName() == "databaseDialog"
    assert dialog.path_edit.text() == str(path)
    assert "a.sqlite" in dialog.findChild(type(dialog.status_label), "currentDatabase").text()
    with qtbot.waitSignal(dialog.tested) as signal:
        dialog.test_button.click()
    info = signal.args[0]
    assert info.ok and info.articles == 1
    assert "up to date — 1 article" in dialog.status_text()
    assert dialog.status_frame.state == "ok"

    dialog.open_button.click()
    assert dialog.result() == DatabaseDialog.DialogCode.Accepted
    assert dialog.selected_url() == f"sqlite:///{path}"


def test_missing_file_is_refused_unless_new(make_dialog, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    dialog = make_dialog()
    dialog.open_button.click()
    assert "Choose a project file" in dialog.status_text()
    typo = tmp_path / "tpyo.sqlite"
    dialog.set_local_path(typo)
    dialog.open_button.click()
    assert dialog.result() != DatabaseDialog.DialogCode.Accepted
    assert "no such file" in dialog.status_text() and not typo.exists()

    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "fresh"), ""))
    dialog.findChild(type(dialog.test_button), "newDatabase").click()
    assert dialog.path_edit.text() == str(tmp_path / "fresh.sqlite")
    assert "A new project file will be created" in dialog.status_text()
    dialog.open_button.click()
    assert dialog.result() == DatabaseDialog.DialogCode.Accepted
    assert dialog.selected_url() == f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    assert not (tmp_path / "fresh.sqlite").exists()  # the caller's Project creates it


def test_browse_tests_the_chosen_file(make_dialog, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    path = seeded_project(tmp_path / "chosen.sqlite")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    dialog = make_dialog()
    dialog.findChild(type(dialog.test_button), "browseDatabase").click()
    assert dialog.path_edit.text() == str(path)
    assert dialog.last_info is not None and dialog.last_info.ok


def test_upgrade_needs_a_second_click_and_newer_is_refused(make_dialog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = seeded_project(tmp_path / "old.sqlite")
    set_revision(path, "0002")
    dialog = make_dialog()
    dialog.set_local_path(path)
    dialog.open_button.click()
    assert dialog.result() != DatabaseDialog.DialogCode.Accepted
    assert dialog.open_button.text() == "Upgrade and open"
    assert dialog.status_frame.state == "warn"
    assert "older versions of annotator cannot open it" in dialog.status_text()
    dialog.open_button.click()
    assert dialog.result() == DatabaseDialog.DialogCode.Accepted

    set_revision(path, "ffff_from_the_future")
    dialog = make_dialog()
    dialog.set_local_path(path)
    dialog.open_button.click()
    assert dialog.result() != DatabaseDialog.DialogCode.Accepted
    assert "newer version of annotator" in dialog.status_text()
    assert dialog.status_frame.state == "error"


def test_server_form_against_the_real_server(make_dialog, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    loc = connection.locate(pg_url)
    dialog = make_dialog()
    dialog.set_server(loc.host, loc.port or 5432, loc.database, loc.user, "unused")
    info = dialog.test_connection()
    assert info is not None and info.ok, info
    assert info.schema_status == connection.SCHEMA_NEW
    assert "Connected to PostgreSQL" in dialog.status_text()
    dialog.open_button.click()
    assert dialog.result() == DatabaseDialog.DialogCode.Accepted
    url = dialog.selected_url()
    assert url is not None and url.endswith(f"/{loc.database}") and ":unused@" in url

    remember_database(settings(), url)
    assert "unused" not in "".join(recent_databases(settings()))

    dialog = make_dialog()  # double-clicking the remembered server opens it
    assert dialog.choose_recent(dialog.recent_urls()[0])
    assert dialog.selected_url() == connection.without_password(url)


def test_server_form_missing_database(make_dialog, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    loc = connection.locate(pg_url)
    dialog = make_dialog()
    dialog.set_server(loc.host, loc.port or 5432, "not_there", loc.user)
    dialog.open_button.click()
    assert dialog.result() != DatabaseDialog.DialogCode.Accepted
    assert "has no database 'not_there'" in dialog.status_text()


def test_unreachable_server_in_the_dialog(make_dialog) -> None:  # type: ignore[no-untyped-def]
    port = _free_port()
    dialog = make_dialog()
    dialog.set_server("127.0.0.1", port, "annotator", "ana", "secret")
    start = time.monotonic()
    dialog.test_button.click()
    assert time.monotonic() - start < 5
    text = dialog.status_text()
    assert f"Cannot reach 127.0.0.1:{port}: connection refused" in text
    assert "secret" not in text and "Traceback" not in text
    assert dialog.status_frame.state == "error"

    remember_database(settings(), f"postgresql+psycopg://ana@127.0.0.1:{port}/annotator")
    dialog = make_dialog()
    assert not dialog.choose_recent(dialog.recent_urls()[0])  # a failed open stays here
    assert dialog.result() != DatabaseDialog.DialogCode.Accepted
    assert "connection refused" in dialog.status_text()


def test_incomplete_server_form(make_dialog) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog()
    dialog.set_server("", 5432, "annotator", "ana")
    dialog.test_button.click()
    assert dialog.status_text() == "Enter the server's host name or address."
    dialog.set_server("db.lan", 5432, "", "ana")
    dialog.open_button.click()
    assert dialog.result() != DatabaseDialog.DialogCode.Accepted
    assert "name of the database" in dialog.status_text()
