"""Interop through the window: other formats out, metadata edits, folder import."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

from annotator.services import articles
from annotator.services.changes import Changes


def test_export_doccano_from_window_uses_utf16(window, monkeypatch, tmp_path: Path) -> None:
    text = window.article.text
    # tag something after a non-BMP character would need one; the seed is BMP-only, so
    # import a hostile article and tag it
    f = tmp_path / "emoji.txt"
    f.write_text("Minister 😀 said 𠀋 things.\r\nSecond line.", encoding="utf-8")
    window.articles.import_paths([f])
    text = window.article.text
    i = text.index("said")
    window.view.select_cp(i, i + 4)
    window.editing.tag_selection("named_person")
    out = tmp_path / "out.jsonl"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.interop.export_format_dialog("doccano")
    (line,) = out.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    ((start, end, _label),) = record["label"]
    assert start == len(text[:i].encode("utf-16-le")) // 2 == i + 1  # the emoji counts 2
    assert end - start == 4


def test_metadata_edit_and_folder_import(window, monkeypatch, tmp_path: Path) -> None:
    from annotator.services.interop import update_article_metadata

    update_article_metadata(window.project, window.article.id, title="Envoys met Hamas",
                            outlet="Axios", url="https://www.axios.com/x",
                            published="2025-10-10")
    window.apply_changes(Changes(article_metadata=frozenset({window.article.id}),
                                 article_list=True))
    assert "Envoys met Hamas" in window.pane('articleArea').header.text()
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("First article text.", encoding="utf-8")
    (folder / "sub" / "b.html").write_text(
        "<html><head><title>B title</title><script>alert(1)</script></head>"
        "<body><p>Second article body.</p></body></html>", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    window.articles.import_folder()
    titles = [a.title for a in articles.list_articles(window.project)]
    assert len(titles) == 3
    assert any("B title" in t for t in titles)
    html_article = next(a for a in articles.list_articles(window.project) if "B title" in a.title)
    assert "alert" not in articles.get_article(window.project, html_article.id).text


def test_reanchor_review_list_shown_not_placed(window, tmp_path: Path) -> None:
    from annotator.services.interop import ReviewItem

    class Report:
        review = [ReviewItem("id-1", "x.csv, line 3", "uncertain", "Media report", "ben",
                             10, 20, "Axios reprts", 233, 246, "Axios reports",
                             "typo fixed inside the quote")]
        review_path = str(tmp_path / "x.csv.review.csv")

    before = window.article.count
    window.interop.show_reanchor_review(Report())
    table = window.interop.review_dialog.findChild(object, "reanchorTable")
    assert table.rowCount() == 1 and table.item(0, 0).text() == "uncertain"
    table.cellDoubleClicked.emit(0, 0)
    assert window.view.selection_cp() == (233, 246)
    assert window.article.count == before  # listed, never placed


def test_import_dialog_formats_come_from_the_registry(window, monkeypatch) -> None:
    """File › Import annotations offers exactly the registered formats (plus automatic)."""
    from annotator.domain.formats.registry import FORMATS
    from annotator.qt.interop_dialogs import ImportAnnotationsDialog

    seen: list[tuple[str, str]] = []
    placeholder: list[str] = []

    def fake_exec(dialog: ImportAnnotationsDialog) -> int:
        box = dialog.format_box
        seen.extend((box.itemText(i), box.itemData(i)) for i in range(box.count()))
        placeholder.append(dialog.path_edit.placeholderText())
        return 0

    monkeypatch.setattr(ImportAnnotationsDialog, "exec", fake_exec)
    window.findChild(QAction, "actionImportAnnotations").trigger()
    assert [value for _text, value in seen] == [""] + [f.name for f in FORMATS]
    assert [text for text, _value in seen[1:]] == [f.file_filter for f in FORMATS]
    assert ".jsonld" in placeholder[0] and ".ann" in placeholder[0]
