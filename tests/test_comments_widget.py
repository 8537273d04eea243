"""The comment thread widget: post, resolve, unresolve (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.domain.model import Annotation
from annotator.qt.comments import CommentsThread
from annotator.services import annotate, articles, review
from annotator.services.project import Project

from .conftest import SEED


@pytest.fixture
def ann(project: Project) -> Annotation:
    aid = articles.import_files(project, [SEED]).article_ids[0]
    text = articles.get_article(project, aid).text
    i = text.index("three sources")
    change, _ = annotate.apply_edit(project, annotate.new_annotation(
        project, article_id=aid, article_text=text, annotator="ben",
        label="anonymous_official", start=i, end=i + len("three sources")), actor="ben")
    assert change.after is not None
    return change.after


@pytest.fixture
def widget(qtbot, project: Project) -> CommentsThread:  # type: ignore[no-untyped-def]
    w = CommentsThread(project)
    qtbot.addWidget(w)
    w.resize(380, 460)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_post_resolve_unresolve(widget: CommentsThread, project: Project, ann: Annotation,
                                qtbot) -> None:  # type: ignore[no-untyped-def]
    assert widget.objectName() == "commentsThread"
    assert not widget.text.isEnabled() and not widget.resolve_button.isEnabled()
    changed: list[str] = []
    widget.threadChanged.connect(changed.append)

    widget.show_annotation(ann.id, "ana")
    assert "No comments yet" in widget.entries.toPlainText()
    assert not widget.post_button.isEnabled()  # nothing typed
    widget.text.setPlainText("Is this an official?\nThe article only says 'sources'.")
    assert widget.post_button.isEnabled()
    widget.post_button.click()
    assert widget.text.toPlainText() == ""
    th = review.thread(project, ann.id)
    assert [(c.author, c.body) for c in th.comments] == [
        ("ana", "Is this an official?\nThe article only says 'sources'.")]
    assert changed == [ann.id]
    shown = widget.entries.toPlainText()
    assert "ana" in shown and "The article only says 'sources'." in shown
    assert "1 comment" in widget.status.text() and "Open" in widget.status.text()

    # Ctrl+Enter posts from the text box; Enter alone is a new line
    widget.show_annotation(ann.id, "ben")
    widget.text.setFocus()
    qtbot.keyClicks(widget.text, "Yes")
    qtbot.keyClick(widget.text, Qt.Key.Key_Return)
    qtbot.keyClicks(widget.text, "direct knowledge")
    assert len(review.thread(project, ann.id).comments) == 1
    qtbot.keyClick(widget.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    th = review.thread(project, ann.id)
    assert [(c.author, c.body) for c in th.comments][-1] == ("ben", "Yes\ndirect knowledge")
    assert "2 comments" in widget.status.text()

    widget.show_annotation(ann.id, "Carla")
    assert widget.resolve_button.text() == "Resolve"
    widget.resolve_button.click()
    assert review.thread(project, ann.id).resolved
    assert widget.current is not None and widget.current.resolved_by == "Carla"
    assert widget.resolve_button.text() == "Unresolve"
    assert "Resolved" in widget.status.text() and "Carla" in widget.status.text()
    assert "Carla resolved the thread" in widget.entries.toPlainText()

    widget.show_annotation(ann.id, "ana")
    assert widget.unresolve()
    assert not review.thread(project, ann.id).resolved
    assert "ana reopened the thread" in widget.entries.toPlainText()
    assert widget.resolve_button.text() == "Resolve"
    assert [e.kind for e in review.thread(project, ann.id).entries] == [
        "comment", "comment", "resolve", "unresolve"]
    assert changed == [ann.id] * 4


def test_errors_are_messages(widget: CommentsThread, project: Project, ann: Annotation,
                             no_blocking_dialogs) -> None:  # type: ignore[no-untyped-def]
    widget.show_annotation(ann.id, "")
    widget.text.setPlainText("who am I?")
    assert not widget.post()
    assert no_blocking_dialogs[-1] == ("warning", "author name is empty")
    assert widget.text.toPlainText() == "who am I?"  # the draft is kept

    widget.show_annotation(ann.id, "ana")
    annotate.apply_edit(project, annotate.DeleteAnnotation(ann.id), actor="ben")
    assert not widget.post()
    assert "no longer exists" in no_blocking_dialogs[-1][1]

    widget.show_annotation(None, "ana")
    assert widget.annotation_id is None and not widget.post_button.isEnabled()
    assert "Select an annotation" in widget.entries.toPlainText()
