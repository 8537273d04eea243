"""Qt pieces for interop: background runs with cancel, metadata, paste, import dialog."""

from __future__ import annotations

import csv
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QProgressDialog, QPushButton

from annotator.domain.errors import UserInputError
from annotator.qt.interop_dialogs import (
    ADD_AS_NEW,
    ArticleMetadataDialog,
    ImportAnnotationsDialog,
    PasteArticleDialog,
    run_with_progress,
)
from annotator.services import articles, interop
from annotator.services.project import Project

from .test_hostile_input import snapshot


@pytest.fixture
def sqlite_project(db_path: Path) -> Iterator[Project]:
    project = Project(db_path)
    yield project
    project.close()


def _article(project: Project, tmp_path: Path, n_words: int) -> tuple[int, Path]:
    words = [f"w{i % 89:02d}x" for i in range(n_words)]
    text = " ".join(words)
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    aid = articles.import_files(project, [tmp_path / "a.txt"]).article_ids[0]
    path = tmp_path / "rows.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(interop.CSV_COLUMNS[:14])
        pos = 0
        for i, word in enumerate(words):
            writer.writerow((str(uuid.UUID(int=i + 1, version=4)), aid, "t", "ana",
                             "Named person", pos, pos + len(word), word, "", "", "", "",
                             "2024-05-02T10:00:00Z", "2024-05-02T10:00:00Z"))
            pos += len(word) + 1
    return aid, path


def _progress_dialog() -> QProgressDialog | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QProgressDialog) and widget.objectName() == "interopProgress" \
                and widget.isVisible():
            return widget
    return None


def test_run_with_progress_cancel_leaves_db_unchanged(qtbot: Any, sqlite_project: Project,
                                                      tmp_path: Path) -> None:
    aid, path = _article(sqlite_project, tmp_path, 20_000)
    before = snapshot(sqlite_project)
    writing = threading.Event()

    def import_and_wait(*args: Any, progress: Any, cancelled: Any, **kwargs: Any) -> Any:
        def report(done: int, total: int) -> None:
            progress(done, total)
            if done > total // 2 and not writing.is_set():
                # Rows are being written: hold on until the user has pressed Cancel.
                writing.set()
                deadline = time.monotonic() + 20
                while not cancelled() and time.monotonic() < deadline:
                    time.sleep(0.01)

        return interop.import_annotations(*args, progress=report, cancelled=cancelled,
                                          **kwargs)

    clicked: list[int] = []

    def press_cancel() -> None:
        dialog = _progress_dialog()
        # Press only once the GUI has shown the write-phase progress: the worker's
        # progress signal is queued, so `writing` can be set a moment before it arrives.
        if writing.is_set() and dialog is not None and dialog.value() > 500 and not clicked:
            clicked.append(dialog.value())
            button = dialog.findChild(QPushButton)
            assert button is not None and button.text() == "Cancel"
            button.click()
        elif not clicked:
            QTimer.singleShot(10, press_cancel)

    QTimer.singleShot(10, press_cancel)
    result = run_with_progress(None, "Importing annotations", import_and_wait,
                               sqlite_project, path)
    assert result.cancelled and result.error is None and not result.ok
    assert clicked and clicked[0] > 500  # the progress dialog showed the write phase
    assert snapshot(sqlite_project) == before
    assert articles.load_annotations(sqlite_project, aid) == []
    assert _progress_dialog() is None


def test_run_with_progress_result_and_error(qtbot: Any, sqlite_project: Project,
                                            tmp_path: Path) -> None:
    aid, path = _article(sqlite_project, tmp_path, 300)
    result = run_with_progress(None, "Importing", interop.import_annotations, sqlite_project,
                               path)
    assert result.ok and result.value.imported == 300
    assert len(articles.load_annotations(sqlite_project, aid)) == 300

    def fails(*, progress: Any, cancelled: Any) -> None:
        progress(1, 2)
        raise UserInputError("bad.csv line 3: span ends (1) before it starts (2)")

    result = run_with_progress(None, "Importing", fails)
    assert result.error == "bad.csv line 3: span ends (1) before it starts (2)"
    assert not result.cancelled and result.value is None


def test_article_metadata_dialog(qtbot: Any, sqlite_project: Project, tmp_path: Path) -> None:
    aid, _ = _article(sqlite_project, tmp_path, 10)
    dialog = ArticleMetadataDialog(sqlite_project, aid)
    qtbot.addWidget(dialog)
    assert dialog.title_edit.text() == articles.get_article(sqlite_project, aid).title
    dialog.title_edit.setText("Dam report")
    dialog.outlet_edit.setText("Gazette")
    dialog.url_edit.setText("ftp://example.org/x")
    dialog.published_edit.setText("2024-05-01")
    before = snapshot(sqlite_project)
    assert not dialog.save()
    assert "not a web address" in dialog.message.text()
    assert snapshot(sqlite_project) == before and dialog.result() != QDialog.DialogCode.Accepted
    dialog.url_edit.setText("https://example.org/dam")
    assert dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    art = articles.get_article(sqlite_project, aid)
    assert (art.title, art.outlet, art.url, art.published) == (
        "Dam report", "Gazette", "https://example.org/dam", "2024-05-01")
    assert dialog.article == art


def test_paste_article_dialog(qtbot: Any, sqlite_project: Project) -> None:
    dialog = PasteArticleDialog(sqlite_project)
    qtbot.addWidget(dialog)
    assert not dialog.create()
    assert "the pasted text is empty" in dialog.message.text()
    assert articles.list_articles(sqlite_project) == []
    dialog.text_edit.setPlainText("Officials said 😀 the dam is safe.\r\nSecond paragraph.")
    dialog.title_edit.setText("Pasted dam story")
    dialog.outlet_edit.setText("Gazette")
    assert dialog.create() and dialog.imported is not None
    art = articles.get_article(sqlite_project, dialog.imported.article_id)
    assert (art.title, art.outlet, art.text) == (
        "Pasted dam story", "Gazette", "Officials said 😀 the dam is safe.\nSecond paragraph.")


def test_import_dialog_maps_unknown_labels(qtbot: Any, sqlite_project: Project,
                                           tmp_path: Path) -> None:
    aid, _ = _article(sqlite_project, tmp_path, 10)
    text = articles.get_article(sqlite_project, aid).text
    (tmp_path / "doc.txt").write_text(text, encoding="utf-8")
    ann = tmp_path / "doc.ann"
    ann.write_text("T1\tSpokesperson 0 4\tw00x\nT2\tWitness 5 9\tw01x\n"
                   "T3\tNamed%20person 10 14\tw02x\n", encoding="utf-8")
    dialog = ImportAnnotationsDialog(sqlite_project, path=ann)
    qtbot.addWidget(dialog)
    assert dialog.check_labels()
    assert dialog.table.rowCount() == 3
    assert "2 label(s) unknown" in dialog.message.text()
    assert not dialog.import_now()  # nothing chosen yet
    assert "'Spokesperson'" in dialog.message.text()
    assert articles.load_annotations(sqlite_project, aid) == []
    dialog.set_choice("Spokesperson", "organisation_statement")
    dialog.set_choice("Witness", ADD_AS_NEW)
    dialog.annotator_edit.setText("ana")
    assert dialog.import_now()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.report is not None and dialog.report.imported == 3
    labels = {a.text: (a.label, a.annotator) for a in articles.load_annotations(sqlite_project,
                                                                                 aid)}
    assert labels == {"w00x": ("organisation_statement", "ana"), "w01x": ("witness", "ana"),
                      "w02x": ("named_person", "ana")}
