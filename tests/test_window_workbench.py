"""Issue 8 defects, driven through the real window as an analyst would (keys, clicks)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QFileDialog

from annotator.services import annotate, articles, taxonomy


def _focus(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    widget.activateWindow()
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=3000)


def _tag_by_keys(window, qtbot, phrase: str, key: Qt.Key = Qt.Key.Key_1):  # type: ignore[no-untyped-def]
    """Select ``phrase`` in the article (focused) and press a digit."""
    view = window.view
    _focus(qtbot, view)
    i = window.article.text.index(phrase)
    view.select_cp(i, i + len(phrase))
    qtbot.keyClick(view, key)
    return next(a for a in window.article.rows if a.start == i and a.end == i + len(phrase))


def _second_article(window, tmp_path: Path) -> int:
    path = tmp_path / "second.txt"
    path.write_text("A second article. Officials said nothing at all today.", encoding="utf-8")
    (article_id,) = window.articles.import_paths([path])
    return article_id


def _status(window) -> str:  # type: ignore[no-untyped-def]
    return window.statusBar().currentMessage()


# ---------------------------------------------------------------- defect 1: undo scope
def test_undo_redo_never_change_an_article_out_of_sight(window, qtbot, tmp_path) -> None:
    first = window.article.id
    ann = _tag_by_keys(window, qtbot, "Axios reports")
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert ann.id not in window.article.by_id
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ann.id in window.article.by_id  # the delete is undone, redo would delete again

    second = _second_article(window, tmp_path)
    assert window.article.id == second
    _focus(qtbot, window.view)
    qtbot.keyClick(window.view, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    # Nothing happened to article 1, which the analyst cannot see.
    assert [a.id for a in articles.load_annotations(window.project, first)] == [ann.id]
    assert not window.wb.undo_stack.canRedo() and not window.wb.undo_stack.canUndo()

    window.wb.open_article(first)  # back on article 1: its history is there again
    assert window.wb.undo_stack.canRedo()
    assert "Delete" in window.wb.undo_group.redoText()


def test_undo_entries_name_the_action(window, qtbot) -> None:
    _tag_by_keys(window, qtbot, "Axios reports")
    undo = window.wb.actions.action("actionUndo")
    assert "Tag ‘Named person’" in undo.text() and "Axios reports" in undo.text()
    qtbot.keyClick(window.view, Qt.Key.Key_2)  # relabel the selected annotation
    assert "Relabel as" in undo.text()


def test_not_undoable_actions_say_so(window, monkeypatch) -> None:
    from annotator.qt.interop_dialogs import ArticleMetadataDialog

    monkeypatch.setattr(ArticleMetadataDialog, "exec", lambda self: 1)
    window.wb.actions.action("actionArticleDetails").trigger()
    assert "not undoable" in _status(window)
    window.interop._after_merge([window.article.id])
    assert "not undoable" in _status(window)


# ------------------------------------------------------- defect 2: keys only in the article
def test_digits_and_letters_act_only_with_article_or_table_focused(window, qtbot) -> None:
    ann = _tag_by_keys(window, qtbot, "Axios reports")
    assert window.selected_id == ann.id
    details = window.pane("detailsDock").details
    details.tabs.setCurrentIndex(1)  # Source tab
    combo = details.findChild(QComboBox, "facet_admiralty_credibility")
    assert combo is not None
    _focus(qtbot, combo)
    qtbot.keyClick(combo, Qt.Key.Key_2)
    qtbot.keyClick(combo, Qt.Key.Key_S)
    qtbot.keyClick(combo, Qt.Key.Key_Delete)
    stored = window.article.by_id[ann.id]
    assert stored.label == ann.label  # "2" did not relabel it
    assert ann.id in window.article.by_id  # Delete did not delete it
    # In the annotation table the same digit does act.
    table = window.pane("tableDock").table
    _focus(qtbot, table)
    qtbot.keyClick(table, Qt.Key.Key_2)
    assert window.article.by_id[ann.id].label != ann.label


# ------------------------------------------------------------- defect 10: small things
def test_delete_reports_what_it_deleted_with_the_undo_key(window, qtbot) -> None:
    _tag_by_keys(window, qtbot, "Axios reports")
    assert "Tagged “Axios reports” as Named person" in _status(window)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    message = _status(window)
    assert "Deleted Named person on “Axios reports”" in message and "Ctrl+Z" in message


def test_s_confirms_the_source_mention(window, qtbot) -> None:
    ann = _tag_by_keys(window, qtbot, "one source said")
    i = window.article.text.index("one source")
    window.view.select_cp(i, i + len("one source"))
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    assert window.article.by_id[ann.id].source_start == i
    assert "Source mention set to “one source”" in _status(window)


def test_export_proposes_title_and_starts_in_last_folder(window, monkeypatch, tmp_path) -> None:
    proposed: list[str] = []
    folder = tmp_path / "exports"
    folder.mkdir()

    def save(_parent, _caption, start, _filter):  # type: ignore[no-untyped-def]
        proposed.append(start)
        return (str(folder / "out.csv"), "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    window.wb.actions.action("actionExportCurrent").trigger()
    window.wb.actions.action("actionExportCurrent").trigger()
    title = window.article.article.title
    first_word = title.split()[0].casefold()
    assert Path(proposed[0]).name.startswith(first_word) and proposed[0].endswith(".csv")
    assert Path(proposed[1]).parent == folder  # the second dialog starts where we saved


def test_importing_a_text_already_there_says_so(window, qtbot, tmp_path) -> None:
    from .conftest import SEED

    ids = window.articles.import_paths([SEED])
    assert ids == [window.article.id]
    assert "Already in the project" in _status(window)


def test_discussion_pane_names_its_annotation(window, qtbot) -> None:
    ann = _tag_by_keys(window, qtbot, "Axios reports")
    pane = window.pane("commentsDock")
    pane.dock.show()
    pane.dock.raise_()
    QApplication.processEvents()
    assert window.selected_id == ann.id
    heading = pane.thread.heading.text()
    assert "Named person" in heading and "Axios reports" in heading


def test_detail_dock_width_stable_when_selecting(window, qtbot) -> None:
    dock = window.pane("detailsDock").dock
    QApplication.processEvents()
    before = dock.width()
    long = "If you meet them and shake their hand, there will be a deal"
    ann = _tag_by_keys(window, qtbot, long)
    window.wb.select(None)
    window.wb.select(ann.id)
    for _ in range(5):
        QApplication.processEvents()
    assert dock.width() == before


def test_merge_path_enter_previews_instead_of_closing(window, qtbot, tmp_path) -> None:
    from annotator.qt.merge_dialog import MergeDialog

    other = tmp_path / "colleague.csv"
    window.interop.export_to(other, current=False)
    dialog = MergeDialog(window.project, "Ana", window)
    qtbot.addWidget(dialog)
    dialog.show()
    edit = dialog.path_edit
    edit.setText(str(other))
    _focus(qtbot, edit)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.preview is not None and dialog.preview.dry_run and dialog.report is None


# -------------------------------------------------------------- defect 5: palette
def test_new_label_reaches_palette_at_once(window, qtbot) -> None:
    from annotator.services.changes import Changes

    palette = window.pane("articleArea").palette
    n = len(palette.buttons)
    taxonomy.add_label(window.project, name="Leaked memo", color="#123456")
    window.apply_changes(Changes(labels=True))
    QApplication.processEvents()
    assert len(palette.buttons) == n + 1
    assert palette.isVisible() and palette.height() > 10
    assert all(b.isVisible() for b in palette.buttons.values())


def test_annotation_history_still_names_edits(window, qtbot) -> None:
    ann = _tag_by_keys(window, qtbot, "Axios reports")
    assert annotate.history(window.project, ann.id)[0].action == "created"


def test_cli_add_of_a_text_already_there_says_so(tmp_path, capsys) -> None:
    from annotator.cli import main

    from .conftest import SEED

    db = str(tmp_path / "p.sqlite")
    assert main(["--db", db, "add", str(SEED)]) == 0
    first = capsys.readouterr()
    assert "already in the project" not in first.err
    assert main(["--db", db, "add", str(SEED)]) == 0
    again = capsys.readouterr()
    assert again.out == first.out  # same ID<TAB>TITLE line
    assert "already in the project as article" in again.err


# ------------------------------------------------------------------ defect 8: review
def _colleague(window, phrase: str, key: str, who: str = "ben", shift: int = 0):  # type: ignore[no-untyped-def]
    from annotator.services.changes import Changes

    text, aid = window.article.text, window.article.id
    i = text.index(phrase) + shift
    change, _ = annotate.apply_edit(window.project, annotate.new_annotation(
        window.project, article_id=aid, article_text=text, annotator=who, label=key,
        start=i, end=i + len(phrase) - shift), actor=who)
    window.apply_changes(Changes.bulk([aid]))  # as a merge reports it
    return change.after


def test_review_keys_work_with_the_article_focused(window, qtbot) -> None:
    _tag_by_keys(window, qtbot, "one source said", Qt.Key.Key_4)
    _colleague(window, "one source said", "unattributed")
    window.wb.actions.action("actionCompare").trigger()
    panel = window.pane("reviewDock").panel
    qtbot.waitUntil(lambda: window.pane("reviewDock").compare_on, timeout=3000)
    _focus(qtbot, window.view)
    qtbot.keyClick(window.view, Qt.Key.Key_N)
    assert panel.current_item() is not None
    qtbot.keyClick(window.view, Qt.Key.Key_A)  # accept A with the article focused
    reviewed = [a for a in window.article.rows if a.annotator == "reviewed"]
    assert len(reviewed) == 1 and reviewed[0].label == "anonymous_unspecified"


def test_b_becomes_the_colleague_after_a_merge(window, qtbot) -> None:
    from annotator.domain.model import REVIEWED_LAYER

    _tag_by_keys(window, qtbot, "Axios reports")
    window.wb.actions.action("actionCompare").trigger()
    panel = window.pane("reviewDock").panel
    assert panel.annotator_b == REVIEWED_LAYER  # only one analyst so far
    _colleague(window, "Axios reports", "media_report")
    assert panel.annotator_a == "Ana Analyst" and panel.annotator_b == "ben"


def test_label_and_boundary_difference_counts_in_both_kinds(window, qtbot) -> None:
    from annotator.domain.agreement import DiffKind

    _tag_by_keys(window, qtbot, "a senior Qatari official reportedly said", Qt.Key.Key_3)
    _colleague(window, "a senior Qatari official reportedly said", "named_person", shift=2)
    window.wb.actions.action("actionCompare").trigger()
    counts = window.pane("reviewDock").panel.counts()
    assert counts[DiffKind.BOUNDARY_DISAGREEMENT] == 1
    assert counts[DiffKind.LABEL_DISAGREEMENT] == 1


def test_taxonomy_and_review_say_they_are_not_on_ctrl_z(window, qtbot, monkeypatch) -> None:
    from PySide6.QtWidgets import QDialog, QLabel

    seen: list[str] = []

    def fake_exec(self):  # type: ignore[no-untyped-def]
        seen.extend(lab.text() for lab in self.findChildren(QLabel))
        return QDialog.DialogCode.Rejected

    from annotator.qt.taxonomy_editor import TaxonomyEditor

    monkeypatch.setattr(TaxonomyEditor, "exec", fake_exec)
    qtbot.keyClick(window.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert any("not undoable" in text for text in seen)
    window.wb.actions.action("actionCompare").trigger()
    hint = window.pane("reviewDock").panel.findChild(QLabel, "reviewKeysHint")
    assert "Reopen" in hint.text() and "Ctrl+Z" in hint.text()


# ----------------------------------------------------------- defect 9: layers counted
def test_profile_follows_visible_layers_and_leaves_out_reviewed(window, qtbot) -> None:
    from annotator.services import review

    mine = _tag_by_keys(window, qtbot, "Axios reports", Qt.Key.Key_6)
    _colleague(window, "one source said", "unattributed")
    review.accept(window.project, mine.id, reviewer="Ana Analyst")
    from annotator.services.changes import Changes

    window.apply_changes(Changes.bulk([window.article.id], review=True))
    pane = window.pane("profileDock")
    pane.dock.show()
    pane.dock.raise_()
    qtbot.waitUntil(lambda: pane.profile.profile is not None, timeout=3000)
    pane.refresh()
    assert pane.profile.profile.total == 2  # ana + ben, not the reviewed copy
    assert "counting Ana Analyst, ben" in pane.profile.subheading.text()
    window.pane("layersDock").panel.set_visible("ben", False)
    pane.refresh()
    assert pane.profile.profile.total == 1
    assert "counting Ana Analyst" in pane.profile.subheading.text()
    window.wb.actions.action("actionIncludeReviewed").trigger()
    pane.refresh()
    assert pane.profile.profile.total == 2 and "reviewed layer" in pane.profile.subheading.text()


def test_cli_stats_and_agreement_leave_out_reviewed_unless_asked(tmp_path, capsys) -> None:
    from annotator.cli import main
    from annotator.services import review
    from annotator.services.project import Project

    from .conftest import SEED, tag_phrase

    db = str(tmp_path / "p.sqlite")
    assert main(["--db", db, "add", str(SEED)]) == 0
    project = Project(db)
    (summary,) = articles.list_articles(project)
    text = articles.get_article(project, summary.id).text
    a = tag_phrase(project, summary.id, text, "ana", "media_report", "Axios reports")
    tag_phrase(project, summary.id, text, "ben", "media_report", "Axios reports")
    review.accept(project, a.id, reviewer="ana")
    project.close()
    capsys.readouterr()
    assert main(["--db", db, "stats", "--article", str(summary.id)]) == 0
    out = capsys.readouterr().out
    assert "Layers counted: ana, ben" in out and "2" in out
    assert main(["--db", db, "stats", "--article", str(summary.id), "--include-reviewed"]) == 0
    assert "Layers counted: ana, ben, the reviewed layer" in capsys.readouterr().out
    assert main(["--db", db, "agreement", "--format", "json"]) == 0
    assert '"reviewed"' not in capsys.readouterr().out
    assert main(["--db", db, "agreement", "--format", "json", "--include-reviewed"]) == 0
    assert '"reviewed"' in capsys.readouterr().out
