"""Database faults end in one line naming the file or server, exit 2, nothing half-written.

Real faults, no mocks: another process holding the SQLite write lock; a real full disk
(a small tmpfs mounted for the test — skipped only where mounting is impossible); a
read-only filesystem; files that are not annotator databases; a file made by a newer
version (its bytes must not change); a PostgreSQL server of our own stopped with
``pg_ctl stop -m immediate`` in the middle of an import.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from annotator.services import articles
from annotator.services.db_errors import (
    DatabaseBusy,
    DiskFull,
    NewerSchema,
    NotAnnotatorDatabase,
    ReadOnlyDatabase,
    ServerUnavailable,
)
from annotator.services.project import Project

from .conftest import SEED

HOSTILE_ARTICLE = Path(__file__).with_name("hostile") / "article.txt"


def cli(*args: str, db: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "annotator", "--db", db, *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout,
                          env={**os.environ})


def one_line_error(r: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Exit 2, exactly one line on stderr, no traceback, every needle in it."""
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert "sqlalche.me" not in lines[0] and "psycopg" not in lines[0], lines[0]
    return lines[0]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def article_count(db: str | Path) -> int:
    if "://" in str(db):
        engine = sa.create_engine(str(db))
        try:
            with engine.connect() as conn:
                return int(conn.execute(sa.text("SELECT count(*) FROM article")).scalar_one())
        finally:
            engine.dispose()
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(con.execute("SELECT count(*) FROM article").fetchone()[0])
    finally:
        con.close()


def article_file(folder: Path, name: str, words: int = 200, seed: int = 0) -> Path:
    path = folder / name
    body = " ".join(f"word{(i * 7919 + seed) % 1000}" for i in range(words))
    path.write_text(f"Article {name} {seed}\n\n{body}\n", encoding="utf-8")
    return path


# --- item 6: locked -------------------------------------------------------------------


@pytest.fixture
def locked_db(tmp_path: Path) -> Iterator[Path]:
    """A project file whose write lock another program holds (BEGIN IMMEDIATE)."""
    db = tmp_path / "locked.sqlite"
    Project(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO label (key, name, color, position, description, example, "
                   "retired) VALUES ('held', 'Held', '#000000', 999, '', '', 0)")
    yield db
    holder.execute("ROLLBACK")
    holder.close()


def test_locked_database_cli_says_so(locked_db: Path, tmp_path: Path) -> None:
    started = time.monotonic()
    r = cli("add", str(SEED), db=str(locked_db))
    line = one_line_error(r, f"the database {locked_db} is locked by another program; "
                             f"try again")
    assert line == f"annotator: error: the database {locked_db} is locked by another " \
                   f"program; try again"
    assert time.monotonic() - started >= 9  # it did wait the busy timeout first
    assert r.stdout == ""


def test_locked_database_service_raises_busy_and_keeps_nothing(
        locked_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.storage import engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    project = Project(locked_db)
    try:
        with pytest.raises(DatabaseBusy) as err:
            articles.import_files(project, [SEED])
        assert err.value.retryable
        assert str(locked_db) in str(err.value)
    finally:
        project.close()
    assert article_count(locked_db) == 0


# --- item 7: full disk ----------------------------------------------------------------


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A 4 MB tmpfs mounted for this test (root only; skipped where mounting is impossible)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root (the full-disk fault needs a real "
                    "full filesystem)")
    mnt = Path(tempfile.mkdtemp(prefix="annotator-full-"))
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=1777", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        mnt.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
        mnt.rmdir()


def fill(folder: Path) -> Path:
    """Fill the filesystem holding ``folder`` to the last byte."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                continue
    finally:
        os.close(fd)
    return filler


def test_full_disk_cli_names_file_and_writes_nothing(small_disk: Path, tmp_path: Path) -> None:
    db = small_disk / "project.sqlite"
    r = cli("add", str(SEED), db=str(db))
    assert r.returncode == 0, r.stderr
    big = article_file(tmp_path, "big.txt", words=100_000)  # ~0.8 MB
    keeper = sqlite3.connect(db)  # keeps the WAL index (-shm) in place, as a second reader
    keeper.execute("SELECT count(*) FROM article").fetchone()
    filler = fill(small_disk)
    try:
        r = cli("add", str(big), db=str(db))
        one_line_error(r, f"the disk holding the database {db} is full; nothing was saved")
    finally:
        keeper.close()
        filler.unlink()
    assert article_count(db) == 1  # the seed only: nothing half-written, file intact
    r = cli("list", db=str(db))
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 1


def test_full_disk_service_raises_disk_full(small_disk: Path, tmp_path: Path) -> None:
    db = small_disk / "project.sqlite"
    project = Project(db)
    try:
        articles.import_files(project, [SEED])
        big = article_file(tmp_path, "big.txt", words=100_000)
        filler = fill(small_disk)
        try:
            with pytest.raises(DiskFull) as err:
                articles.import_files(project, [big])
            assert err.value.retryable and str(db) in str(err.value)
        finally:
            filler.unlink()
        # space freed: the same action now succeeds (what the window's retry does)
        assert not articles.import_files(project, [big]).imported[0].duplicate
    finally:
        project.close()
    assert article_count(db) == 2


# --- item 10: read-only, not an annotator database, newer schema -------------------------


def test_read_only_filesystem_opens_read_only(small_disk: Path) -> None:
    db = small_disk / "project.sqlite"
    assert cli("add", str(SEED), db=str(db)).returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    r = cli("list", db=str(db))
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == 1
    project = Project(db)
    try:
        assert project.read_only
        assert len(articles.list_articles(project)) == 1
        with pytest.raises(ReadOnlyDatabase, match="is read-only; nothing was saved"):
            articles.import_files(project, [HOSTILE_ARTICLE])
    finally:
        project.close()
    r = cli("add", str(HOSTILE_ARTICLE), db=str(db))
    one_line_error(r, f"the database {db} is read-only; nothing was saved")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a file without write permission")
def test_read_only_file_opens_read_only(tmp_path: Path) -> None:
    db = tmp_path / "project.sqlite"
    assert cli("add", str(SEED), db=str(db)).returncode == 0
    db.chmod(0o444)
    r = cli("list", db=str(db))
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 1, r.stderr
    r = cli("add", str(HOSTILE_ARTICLE), db=str(db))
    one_line_error(r, "is read-only")


def test_text_file_as_database(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n" * 100)
    before = sha(notes)
    for args in (("list",), ("add", str(SEED))):
        r = cli(*args, db=str(notes))
        line = one_line_error(r)
        assert line == f"annotator: error: {notes} is not an annotator database " \
                       f"(not a SQLite file)"
    assert sha(notes) == before
    with pytest.raises(NotAnnotatorDatabase):
        Project(notes)


def test_other_programs_sqlite_file_is_not_written(tmp_path: Path) -> None:
    other = tmp_path / "contacts.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE person (name TEXT)")
    con.commit()
    con.close()
    before = sha(other)
    line = one_line_error(cli("list", db=str(other)))
    assert f"{other} is not an annotator database (it holds other tables: person)" in line
    assert sha(other) == before


def test_newer_schema_file_bytes_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "future.sqlite"
    Project(db).close()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=DELETE")  # as a future version might leave it
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    before = sha(db)
    assert db.read_bytes()[18:20] == b"\x01\x01"  # rollback journal, not WAL
    line = one_line_error(cli("list", db=str(db)), "made by a newer version of annotator",
                          "9999_future")
    assert line.startswith(f"annotator: error: {db}: ")
    with pytest.raises(NewerSchema):
        Project(db)
    assert sha(db) == before
    assert not db.with_name(db.name + "-wal").exists()


# --- item 8: the PostgreSQL server goes away ----------------------------------------------


@pytest.fixture
def own_server() -> Iterator[object]:
    """A short-lived PostgreSQL cluster of this test's own (the shared one stays up)."""
    from .pg_server import Cluster

    cluster = Cluster()
    if cluster.url:  # $ANNOTATOR_TEST_PG_URL: a server we may not stop
        pytest.skip("stopping the server needs the locally started cluster")
    cluster.start()
    if not cluster.url:
        if os.environ.get("CI"):
            pytest.fail(cluster.reason)
        pytest.skip(cluster.reason)
    try:
        yield cluster
    finally:
        cluster.stop()


def _with_password(url: str) -> str:
    return url.replace("annotator@", "annotator:s3cret-pw@", 1)  # trust auth ignores it


def _where(url: str) -> str:
    parsed = sa.engine.make_url(url)
    return f"{parsed.host}:{parsed.port}/{parsed.database}"


def _wait_for_insert(url: str, proc: subprocess.Popen[str], table: str) -> None:
    """Until the import's transaction is writing rows into ``table`` (or it ended)."""
    parsed = sa.engine.make_url(url)
    watcher = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            with watcher.connect() as conn:
                busy = conn.execute(sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND "
                    "xact_start IS NOT NULL AND query ILIKE :q"),
                    {"db": parsed.database, "q": f"%INSERT INTO {table}%"}).scalar_one()
            if busy:
                return
            time.sleep(0.02)
    finally:
        watcher.dispose()
    raise AssertionError(f"the import never started writing (exit {proc.poll()})")


def _stop_mid_import(cluster, url: str, args: list[str], table: str  # type: ignore[no-untyped-def]
                     ) -> subprocess.CompletedProcess[str]:
    proc = subprocess.Popen([sys.executable, "-m", "annotator", "--db", _with_password(url),
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, encoding="utf-8")
    try:
        _wait_for_insert(url, proc, table)
        cluster.halt()
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_server_gone_mid_folder_import(own_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = own_server.new_database()
    Project(url).close()
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(3000):
        article_file(folder, f"a{i:04}.txt", words=40, seed=i)
    r = _stop_mid_import(own_server, url, ["add", str(folder)], "article")
    line = one_line_error(r, f"the database server {_where(url)}",
                          "nothing of this action was saved")
    assert "s3cret-pw" not in r.stderr and r.stdout == ""
    own_server.resume()
    assert article_count(url) == 0  # all or nothing: nothing partial
    assert line.startswith("annotator: error: the database server 127.0.0.1:")


def test_server_gone_mid_annotation_import(own_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from annotator.domain.model import make_annotation
    from annotator.services.export_csv import export_csv_file
    from annotator.storage import crud

    url = own_server.new_database()
    project = Project(url)
    seed = articles.import_files(project, [SEED]).article_ids[0]
    text = articles.get_article(project, seed).text
    project.close()
    csv_path = tmp_path / "many.csv"
    # a big CSV in the app's own format (made in a scratch file with the same article)
    scratch = Project(tmp_path / "scratch.sqlite")
    try:
        sid = articles.import_files(scratch, [SEED]).article_ids[0]
        anns = [make_annotation(article_id=sid, article_text=text, annotator="ana",
                                label="named_person", start=i, end=i + 3)
                for i in range(0, min(len(text) - 3, 40_000), 1)]
        with scratch.transaction() as session:
            crud.insert_annotations(session=session, annotations=anns)
        export_csv_file(scratch, csv_path)
    finally:
        scratch.close()
    r = _stop_mid_import(own_server, url, ["import", str(csv_path)], "annotation")
    one_line_error(r, f"the database server {_where(url)}", "nothing of this action was saved")
    assert "s3cret-pw" not in r.stderr
    own_server.resume()
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM annotation")).scalar_one() == 0
    engine.dispose()


def test_server_down_then_back(own_server) -> None:  # type: ignore[no-untyped-def]
    url = own_server.new_database()
    project = Project(url)
    try:
        articles.import_files(project, [SEED])
        own_server.halt()
        with pytest.raises(ServerUnavailable) as err:
            articles.list_articles(project)
        assert err.value.retryable and _where(url) in str(err.value)
        with pytest.raises(ServerUnavailable):
            articles.import_files(project, [HOSTILE_ARTICLE])
        r = cli("list", db=_with_password(url), timeout=60)
        line = one_line_error(r, f"the database server {_where(url)}")
        assert "refused the connection" in line and "s3cret-pw" not in line
        own_server.resume()
        # the same Project reconnects: nothing acknowledged was lost
        assert len(articles.list_articles(project)) == 1
    finally:
        project.close()
