"""Search and Sources through the real window: Ctrl+Shift+F, a click on a hit opens the
article at it with the hit selected (a digit then tags it), and "this source in other
articles" from the selected annotation."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.services import annotate, articles


def _second_article(window, tmp_path: Path) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    path = tmp_path / "other.txt"
    path.write_text("Intro line.\nAxios reported that the envoys had met Hamas leaders.\n",
                    encoding="utf-8")
    (aid,) = articles.import_files(window.project, [path], outlet="AP").article_ids
    return aid, articles.get_article(window.project, aid).text


def test_ctrl_shift_f_search_click_hit_then_tag(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other_id, other_text = _second_article(window, tmp_path)
    first_id = window.article.id
    qtbot.keyClick(window, Qt.Key.Key_F,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    pane = window.pane("searchDock")
    assert pane.dock.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pane.view.query)
    qtbot.keyClicks(pane.view.query, '"envoys had met"')
    qtbot.keyClick(pane.view.query, Qt.Key.Key_Return)
    assert pane.view.model.rowCount() == 1
    hit = pane.view.model.hits[0]
    assert hit.article_id == other_id != first_id
    rect = pane.view.table.visualRect(pane.view.proxy.index(0, 1))
    qtbot.mouseClick(pane.view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.article.id == other_id
    start = other_text.index("envoys had met")
    assert window.view.selection_cp() == (start, start + len("envoys had met"))
    qtbot.keyClick(window.view, Qt.Key.Key_1)  # tag it at once
    (ann,) = articles.load_annotations(window.project, other_id)
    assert (ann.start, ann.end) == (start, start + len("envoys had met"))


def test_this_source_in_other_articles(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first_id, text = window.article.id, window.article.text
    other_id, other_text = _second_article(window, tmp_path)

    def tag(aid: int, body: str, claim: str, mention: str) -> str:
        s, m = body.index(claim), body.index(mention)
        change, _ = annotate.apply_edit(window.project, annotate.new_annotation(
            window.project, article_id=aid, article_text=body, annotator="Ana Analyst",
            label="media_report", start=s, end=s + len(claim),
            source=(m, m + len(mention))), actor="Ana Analyst")
        return change.after.id

    here = tag(first_id, text, "a major obstacle to the deal", "Axios")
    elsewhere = tag(other_id, other_text, "the envoys had met Hamas leaders", "Axios")
    window.wb.open_article(first_id)
    window.wb.select(here)
    window.wb.actions.action("actionSourceElsewhere").trigger()
    pane = window.pane("sourcesDock")
    assert pane.dock.isVisible()
    assert [c.annotation_id for c in pane.view.claims.items] == [elsewhere]
    assert "in other articles" in pane.view.summary.text()
    rect = pane.view.claim_view.visualRect(pane.view.claim_proxy.index(0, 1))
    qtbot.mouseClick(pane.view.claim_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.center())
    assert window.article.id == other_id
    s = other_text.index("the envoys had met Hamas leaders")
    assert window.view.selection_cp() == (s, s + len("the envoys had met Hamas leaders"))


def test_article_list_filter_sort_and_anonymous_share(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from annotator.qt.models import ArticleListModel
    from annotator.services.changes import Changes

    other_id, _ = _second_article(window, tmp_path)
    window.apply_changes(Changes(article_list=True))
    pane = window.pane("articlesDock")
    assert pane.proxy.rowCount() == 2
    headers = [pane.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers == ["Title", "Outlet", "Date", "Tags", "Anon."]
    # tag an anonymous claim in the open (seed) article through the window
    text = window.article.text
    i = text.index("a senior Qatari official")
    window.view.select_cp(i, i + len("a senior Qatari official"))
    window.view.setFocus()
    key = next(lab.position for lab in window.project.labels() if lab.key == "anonymous_official")
    qtbot.keyClick(window.view, getattr(Qt.Key, f"Key_{key}"))
    seed_row = pane.model.row_of(window.article.id)
    assert pane.model.items[seed_row].n_anonymous == 1
    assert pane.model.index(seed_row, 4).data() == "100%"
    # sort by tags, descending: the tagged seed article first
    pane.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    assert pane.proxy.index(0, 0).data(ArticleListModel.ID_ROLE) == window.article.id
    # the filter box narrows by outlet (or title); clicking the row opens it
    qtbot.keyClicks(pane.filter, "ap")
    assert pane.proxy.rowCount() == 1
    assert pane.proxy.index(0, 1).data() == "AP"
    rect = pane.table.visualRect(pane.proxy.index(0, 0))
    qtbot.mouseClick(pane.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.article.id == other_id
