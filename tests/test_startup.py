"""Two-phase start-up: the shell paints before the storage stack is imported, the last
article's text follows from a read-only peek, then the project attaches; nothing can
reach the project before that, and failures to open it are reported as before."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

STORAGE_STACK = ("sqlalchemy", "sqlmodel", "pydantic", "alembic")

PHASES = textwrap.dedent(r"""
    import sys
    from PySide6.QtCore import QTimer
    from annotator.app import _ensure_qapplication, start_gui
    import annotator.qt.startup as startup

    STACK = ("sqlalchemy", "sqlmodel", "pydantic", "alembic")
    def loaded():
        return sorted({m.split(".")[0] for m in sys.modules} & set(STACK))
    app = _ensure_qapplication()
    seen = []
    original = startup.after_first_paint
    def spy(widget, callback):
        # each phase starts after the previous one was painted: record what was loaded
        seen.append((callback.__name__, loaded(), window.view.toPlainText()[:30]
                     if "window" in globals() else ""))
        original(widget, callback)
    startup.after_first_paint = spy
    def attached(w):
        print("ATTACHED", w.attached, w.wb.actions.action("actionOpen").isEnabled(),
              repr(w.wb.article.text[:30]), loaded(), flush=True)
        QTimer.singleShot(0, app.quit)
    window = start_gui(sys.argv[1], [], ask_name=False, on_attached=attached)
    print("SHOWN", loaded(), flush=True)
    app.exec()
    for name, mods, text in seen:
        print("PHASE", name, mods, repr(text), flush=True)
""")


def _run_phases(db: Path, tmp_path: Path) -> list[str]:
    r = subprocess.run([sys.executable, "-c", PHASES, str(db)], capture_output=True,
                       text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def test_shell_and_text_paint_before_the_storage_stack_is_imported(tmp_path: Path) -> None:
    from annotator.app import seed_if_empty
    from annotator.services import articles
    from annotator.services.project import Project

    db = tmp_path / "p.sqlite"
    project = Project(db)
    seed_if_empty(project)
    stored = articles.get_article(project, articles.list_articles(project)[0].id).text
    project.close()
    lines = _run_phases(db, tmp_path)
    assert lines[0] == "SHOWN []"  # window built and shown: nothing of the stack
    attached = next(line for line in lines if line.startswith("ATTACHED"))
    assert attached.startswith(f"ATTACHED True True {stored[:30]!r}")
    assert "sqlalchemy" in attached  # the project is open now
    phases = [line for line in lines if line.startswith("PHASE")]
    # peek runs after the shell's first paint, attach after the peeked text's paint;
    # neither had imported the storage stack, and the text was on screen for attach.
    assert phases[0] == "PHASE peek [] ''"
    assert phases[1] == f"PHASE attach [] {stored[:30]!r}"


def test_cli_parser_and_headless_imports_stay_light(tmp_path: Path) -> None:
    code = ("import sys, annotator.cli as c; c.build_parser(); c._normalise_argv([]);"
            "print(sorted({m.split('.')[0] for m in sys.modules} & set("
            + repr(STORAGE_STACK) + ")))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "[]", r.stdout + r.stderr
    version = subprocess.run([sys.executable, "-m", "annotator", "--db",
                              str(tmp_path / "v.sqlite"), "--version"],
                             capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and "schema revision" in version.stdout, version.stderr


# ------------------------------------------------------------------ the shell, in-process

@pytest.fixture
def shell(qtbot):  # type: ignore[no-untyped-def]
    from annotator.app import _ensure_qapplication, settings
    from annotator.qt.main_window import MainWindow

    _ensure_qapplication()
    prefs = settings()
    prefs.setValue("analyst/name", "Ana Analyst")
    prefs.setValue("session/article_title", "Last week’s article")
    win = MainWindow(None, prefs)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    if win.attached:
        win.project.close()


def test_shell_shows_the_last_title_and_holds_every_command(shell, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert not shell.attached
    assert shell.windowTitle() == "Last week’s article — annotator"
    assert "Opening “Last week’s article”" in shell.statusBar().currentMessage()
    menus = [a.text() for a in shell.menuBar().actions()]
    assert menus[:2] == ["&File", "&Edit"] and "&Help" in menus
    assert [d.objectName() for d in shell.panes.docks() if d.isVisible()]  # docks are up
    commands = shell.wb.actions.commands
    live = sorted(n for n, c in commands.items() if c.action.isEnabled())
    assert live == ["actionQuit", "actionResetLayout"]
    assert not any(n.startswith("actionTag_") for n in commands)  # labels unknown yet
    # Keys reach nothing: Ctrl+O, Ctrl+Z and a digit on the (peeked) text.
    shell.show_text_preview("Peeked", "Officials said the talks would resume.\n")
    assert shell.view.toPlainText() == "Officials said the talks would resume.\n"
    assert shell.windowTitle() == "Peeked — annotator"
    shell.view.setFocus()
    shell.view.selectAll()
    qtbot.keyClick(shell.view, Qt.Key.Key_1)
    qtbot.keyClick(shell, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert shell.wb.article is None and shell.view.selection_cp() == (0, 0)


def test_attach_makes_the_shell_usable_with_exact_offsets(shell, qtbot, db_path: Path,  # type: ignore[no-untyped-def]
                                                          seed_text: str) -> None:
    from annotator.app import seed_if_empty
    from annotator.services import articles
    from annotator.services.project import Project
    from annotator.storage.peek import peek_article

    project = Project(db_path)
    seed_if_empty(project)
    peeked = peek_article(db_path, None)
    assert peeked is not None and peeked.text == seed_text
    shell.show_text_preview(peeked.title, peeked.text)
    shell.attach(project)
    assert shell.attached and shell.wb.article is not None
    assert shell.wb.actions.action("actionOpen").isEnabled()
    assert shell.wb.actions.action("actionTag_named_person").isEnabled()
    assert shell.view.toPlainText() == seed_text
    # the palette and the export formats arrived with the project
    assert shell.pane("articleArea").palette.findChild(QToolButton, "label_media_report")
    assert any(n.startswith("actionExport_") for n in shell.wb.actions.commands)
    # Tag by keyboard: the stored span is exactly the selected words.
    i = seed_text.index("Axios reports")
    shell.view.select_cp(i, i + len("Axios reports"))
    shell.view.setFocus()
    digit = shell.wb.actions.action("actionTag_media_report").shortcut().toString()
    qtbot.keyClicks(shell.view, digit)
    stored = articles.load_annotations(project, shell.wb.article.id)
    assert [(a.start, a.end, a.label, a.text) for a in stored] == [
        (i, i + len("Axios reports"), "media_report", "Axios reports")]


# ---------------------------------------------------------------------- failures

def _start(value: str):  # type: ignore[no-untyped-def]
    from annotator.app import start_gui

    return start_gui(value, [], ask_name=False)


def _wait_closed(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)


def test_not_an_annotator_database_gives_the_one_line_message(
        qtbot, tmp_path: Path, capfd: pytest.CaptureFixture[str],
        no_blocking_dialogs: list[tuple[str, str]]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n" * 100)
    before = notes.read_bytes()
    window = _start(str(notes))
    _wait_closed(qtbot, window)
    line = f"{notes} is not an annotator database (not a SQLite file)"
    assert ("critical", line) in no_blocking_dialogs
    assert capfd.readouterr().err.strip().splitlines()[-1] == f"annotator: error: {line}"
    assert notes.read_bytes() == before and not window.attached


def test_newer_schema_is_not_peeked_and_is_refused(
        qtbot, tmp_path: Path, capfd: pytest.CaptureFixture[str],
        no_blocking_dialogs: list[tuple[str, str]]) -> None:
    from annotator.app import seed_if_empty
    from annotator.services.project import Project
    from annotator.storage.peek import peek_article

    db = tmp_path / "future.sqlite"
    project = Project(db)
    seed_if_empty(project)
    project.close()
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    assert peek_article(db, None) is None  # the text of a schema we do not know: no
    before = db.read_bytes()
    window = _start(str(db))
    _wait_closed(qtbot, window)
    assert window.view.toPlainText() == ""
    err = capfd.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"annotator: error: {db}: ") and "newer version" in err
    assert [kind for kind, _ in no_blocking_dialogs] == ["critical"]
    assert db.read_bytes() == before


def test_unreachable_server_gives_the_one_line_message(
        qtbot, capfd: pytest.CaptureFixture[str],
        no_blocking_dialogs: list[tuple[str, str]]) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    window = _start(f"postgresql+psycopg://ana:s3cret@127.0.0.1:{port}/team")
    _wait_closed(qtbot, window)
    err = capfd.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"annotator: error: the database server 127.0.0.1:{port}")
    assert "s3cret" not in err
    assert no_blocking_dialogs and no_blocking_dialogs[0][0] == "critical"


def test_a_new_project_is_created_and_seeded_after_the_shell(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "new" / "first.sqlite"
    db.parent.mkdir()
    from annotator.storage.peek import peek_article

    assert peek_article(db, None) is None and not db.exists()  # the peek creates nothing
    window = _start(str(db))
    qtbot.waitUntil(lambda: window.attached, timeout=20_000)
    assert window.wb.article is not None and db.exists()
    assert window.windowTitle().endswith(" — annotator")
    window.close()
    window.project.close()


# ------------------------------------------------------------------------ the peek

def test_peek_reads_the_remembered_article_and_never_waits_or_writes(
        tmp_path: Path) -> None:
    from annotator.services import articles
    from annotator.services.project import Project
    from annotator.storage.peek import peek_article

    db = tmp_path / "p.sqlite"
    project = Project(db)
    first = tmp_path / "a.txt"
    first.write_text("First article.\r\nSecond line 😀 𠀋.\r\n", encoding="utf-8")
    second = tmp_path / "b.txt"
    second.write_text("Another one.\n", encoding="utf-8")
    ids = articles.import_files(project, [first, second]).article_ids
    texts = {i: articles.get_article(project, i).text for i in ids}
    project.close()
    assert peek_article(db, ids[1]).text == texts[ids[1]]  # type: ignore[union-attr]
    assert peek_article(db, 999) == peek_article(db, None)  # gone: the first, as opened
    assert peek_article(db, None).text == texts[ids[0]]  # type: ignore[union-attr]
    assert "\r" not in texts[ids[0]]
    holder = sqlite3.connect(db, isolation_level=None)  # a writer mid-transaction
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("DELETE FROM annotation")
    try:
        assert peek_article(db, ids[0]) is not None
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    other = tmp_path / "contacts.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE person (name TEXT)")
    con.commit()
    con.close()
    before = other.read_bytes()
    assert peek_article(other, None) is None and other.read_bytes() == before
    assert peek_article(tmp_path, None) is None  # a folder
