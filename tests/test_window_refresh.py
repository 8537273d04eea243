"""The window's periodic refresh folds colleagues' changes in without re-reading the
article (both backends): only the changed rows move in the table, only their blocks
repaint, and the analyst's selection stays where it was."""

from __future__ import annotations

from annotator.domain.model import make_annotation
from annotator.qt.controllers.project import SIGNATURE_EVERY
from annotator.services import annotate, articles
from annotator.services.project import Project
from annotator.storage import crud

from .conftest import open_window, tag_phrase

_window = open_window


def _formats_at(win, cp: int) -> list:  # type: ignore[no-untyped-def]
    doc = win.view.document()
    block = doc.findBlock(win.article.offsets.to_utf16(cp))
    pos = win.article.offsets.to_utf16(cp) - block.position()
    return [f for f in block.layout().formats() if f.start <= pos < f.start + f.length]


def test_poll_folds_in_a_colleagues_tag_edit_and_delete(qtbot, db_url: str) -> None:
    ana = _window(qtbot, db_url, "ana")
    aid = ana.article.id
    text = ana.article.text
    mine = tag_phrase(ana.project, aid, text, "ana", "media_report", "Axios reports")
    doomed = tag_phrase(ana.project, aid, text, "ana", "unattributed", "one source said")
    ana.project_flows.check_for_updates()  # my own (service-made) tags arrive too
    assert {mine.id, doomed.id} <= set(ana.article.by_id)
    ana.wb.select(mine.id)
    opened = ana.article
    table = ana.pane("tableDock").model
    rows_before = table.rowCount()

    ben = Project(db_url)
    try:
        theirs = tag_phrase(ben, aid, text, "ben", "anonymous_official", "Qatari officials")
        annotate.apply_edit(ben, annotate.UpdateAnnotation.of(
            mine.id, expected_version=mine.version, note="ben checked"), actor="ben")
        annotate.apply_edit(ben, annotate.DeleteAnnotation(
            doomed.id, expected_version=doomed.version), actor="ben")
        ana.view.select_cp(theirs.start, theirs.start)  # their span on screen
        ana.view.highlighter.computed.clear()
        ana.project_flows.check_for_updates()
    finally:
        ben.close()

    assert ana.article is opened  # folded in, not re-read
    assert ana.article.by_id[mine.id].note == "ben checked"
    assert theirs.id in ana.article.by_id and doomed.id not in ana.article.by_id
    assert table.rowCount() == rows_before  # one row in, one row out
    assert ana.selected_id == mine.id  # the analyst selection stays
    assert _formats_at(ana, theirs.start + 2), "the colleague's tag is painted"
    touched = {ana.view.document().findBlock(ana.article.offsets.to_utf16(a.start))
               .blockNumber() for a in (theirs, mine, doomed)}
    assert set(ana.view.highlighter.computed) <= touched
    stored = articles.load_annotations(ana.project, aid)
    assert ana.article.rows == stored
    ana.close()
    ana.project.close()


def test_a_write_outside_the_audit_trail_is_caught_by_the_signature(qtbot, db_url: str) -> None:
    ana = _window(qtbot, db_url, "ana")
    aid = ana.article.id
    text = ana.article.text
    i = text.index("Axios reports")
    sneaky = make_annotation(article_id=aid, article_text=text, annotator="script",
                             label="media_report", start=i, end=i + 5)
    other = Project(db_url)
    try:
        with other.transaction() as session:  # no audit event: invisible to refresh()
            crud.insert_annotations(session=session, annotations=[sneaky])
    finally:
        other.close()
    for _ in range(SIGNATURE_EVERY - 1):
        ana.project_flows.check_for_updates()
    assert sneaky.id not in ana.article.by_id
    ana.project_flows.check_for_updates()  # the signature check: reload
    assert sneaky.id in ana.article.by_id
    ana.close()
    ana.project.close()
