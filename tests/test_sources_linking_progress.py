"""Linking many queued mentions: set-based bulk writes agree with the triggers, the
Sources pane shows progress and can stop (real window via qtbot), the CLI says how far
it got on stderr; nothing already linked is lost. Both backends."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from annotator.domain.model import make_annotation
from annotator.qt import sources_pane as pane_module
from annotator.qt.sources_pane import SourcesPane
from annotator.services import articles, sources
from annotator.services.project import Project
from annotator.storage import crud, source_crud

NAMES = ["Steve Witkoff", "Jared Kushner", "a senior Qatari official", "Axios", "Witkoff"]
LABELS = {"Axios": "media_report", "a senior Qatari official": "anonymous_official"}


def _queue(project: Project, tmp_path: Path, n: int) -> None:
    """``n`` annotations with mentions written in bulk (queued by the triggers)."""
    anns = []
    for k in range(max(1, n // 25)):
        sentence = "".join(f"{name} said thing {i}. " for i, name in enumerate(NAMES * 5))
        path = tmp_path / f"a{k}.txt"
        path.write_text(f"Report {k}. {sentence}\n", encoding="utf-8")
        (item,) = articles.import_files(project, [path], outlet=f"Outlet {k % 3}").imported
        text = articles.get_article(project, item.article_id).text
        pos = 0
        for i, name in enumerate(NAMES * 5):
            m = text.index(f"{name} said thing {i}.", pos)
            s = m + len(name) + 1
            anns.append(make_annotation(article_id=item.article_id, article_text=text,
                                        annotator="bulk", label=LABELS.get(name, "named_person"),
                                        start=s, end=s + 10, source=(m, m + len(name))))
            pos = m + 1
    with project.transaction() as session:
        crud.insert_annotations(session=session, annotations=anns)


def _state(project: Project) -> tuple[int, int, list[Any]]:
    with project.reading() as session:
        links = len(source_crud.all_links(session=session))
        return links, source_crud.count_pending(session=session), \
            source_crud.spread_check(session=session)


def test_bulk_linking_matches_the_trigger_counts(project: Project, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "BATCH", 40)
    _queue(project, tmp_path, 100)
    seen: list[tuple[int, int]] = []
    assert sources.resolve_pending(project, progress=lambda d, t: seen.append((d, t))) == 100
    assert seen[-1] == (100, 100) and len(seen) >= 3
    assert _state(project) == (100, 0, [])
    entries = {s.name: s for s in sources.list_sources(project)}
    assert entries["Steve Witkoff"].claims == 40  # the "Witkoff"s joined it (rule 7)
    with project.transaction() as session:  # re-link everything: changed links, counters
        from sqlalchemy import text

        session.execute(text("UPDATE article SET outlet = 'Elsewhere'"))
    assert sources.resolve_pending(project) == 100
    assert _state(project) == (100, 0, [])
    assert {o for s in sources.list_sources(project) for o in s.outlets} == {"Elsewhere"}
    from annotator.storage import source_schema

    with project.transaction() as session:  # what the triggers would keep: the same
        before = session.execute(text("SELECT id, claims, articles FROM source ORDER BY id")
                                 ).all()
        source_schema.recount(session.connection())
        after = session.execute(text("SELECT id, claims, articles FROM source ORDER BY id")
                                ).all()
    assert before == after


def test_cancel_keeps_what_is_linked(project: Project, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "BATCH", 20)
    _queue(project, tmp_path, 100)
    calls = iter([False, False, True])
    with pytest.raises(sources.LinkingCancelled) as stop:
        sources.resolve_pending(project, cancelled=lambda: next(calls))
    links, pending, bad = _state(project)
    assert (links, pending, bad) == (stop.value.done, stop.value.left, [])
    assert 0 < links < 40 and links + pending == 100  # two committed batches stayed
    assert f"{links} mention(s) linked and kept, {pending} still queued" in str(stop.value)
    assert sources.resolve_pending(project) == pending
    assert _state(project) == (100, 0, [])


def _progress_dialog() -> QProgressDialog | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QProgressDialog) and widget.isVisible():
            return widget
    return None


def test_pane_shows_progress_and_cancel_keeps_links(qtbot: Any, project: Project,
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "BATCH", 10)
    monkeypatch.setattr(pane_module, "PROGRESS_FROM", 50)
    _queue(project, tmp_path, 100)
    real = sources.resolve_pending
    held: list[int] = []

    def hold_after_first_batch(*args: Any, progress: Any = None, cancelled: Any = None,
                               **kw: Any) -> int:
        def report(done: int, total: int) -> None:
            progress(done, total)
            if not held:  # wait (like a slow disk) until the analyst has pressed Cancel
                held.append(done)
                deadline = time.monotonic() + 20
                while not cancelled() and time.monotonic() < deadline:
                    time.sleep(0.01)
        return real(*args, progress=report, cancelled=cancelled, **kw)

    monkeypatch.setattr(sources, "resolve_pending", hold_after_first_batch)
    clicked: list[int] = []

    def press_cancel() -> None:
        dialog = _progress_dialog()
        if held and dialog is not None and dialog.value() > 0 and not clicked:
            clicked.append(dialog.value())
            button = dialog.findChild(QPushButton)
            assert button is not None and button.text() == "Cancel"
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        elif not clicked:
            QTimer.singleShot(10, press_cancel)

    pane = SourcesPane(project)
    qtbot.addWidget(pane)
    pane.show()
    QTimer.singleShot(10, press_cancel)
    pane.refresh()
    assert clicked and clicked[0] == held[0] > 0  # the dialog showed the first batch
    links, pending, bad = _state(project)
    assert links == held[0] and pending == 100 - links and not bad
    assert "linking stopped" in pane.message.text() and pane.link_rest.isVisible()
    assert pane.entries.items  # what is linked is listed
    pane.refresh()  # typing in the filter does not ask again
    assert _state(project)[1] == pending
    qtbot.mouseClick(pane.link_rest, Qt.MouseButton.LeftButton)
    assert _state(project) == (100, 0, [])
    assert not pane.link_rest.isVisible() and "stopped" not in pane.message.text()
    assert _progress_dialog() is None


def test_cli_reports_linking_on_stderr(db_url: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from annotator.cli import main
    from annotator.cli import sources as cli_sources

    project = Project(db_url)
    try:
        _queue(project, tmp_path, 100)
    finally:
        project.close()
    monkeypatch.setattr(cli_sources, "NOTICE_FROM", 50)
    monkeypatch.setattr(sources, "BATCH", 30)
    assert main(["--db", db_url, "sources", "--format", "csv"]) == 0
    err = capsys.readouterr().err
    assert "linking 100 queued source mention(s)" in err
    assert "linked 100 of 100 (100%)" in err
    assert main(["--db", db_url, "sources"]) == 0
    assert capsys.readouterr().err == ""  # nothing queued: nothing said
