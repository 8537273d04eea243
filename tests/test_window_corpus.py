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


def _claims_article(window, tmp_path: Path) -> tuple[int, str, str, str]:  # type: ignore[no-untyped-def]
    """An article with two tagged claims about the ceasefire; the second one is named."""
    from annotator.domain.facets import Facets
    from annotator.domain.facets_codec import encode_facets

    path = tmp_path / "claims.txt"
    path.write_text("Officials said the ceasefire would hold.\n"
                    "Steve Witkoff said the ceasefire was close.\n", encoding="utf-8")
    (aid,) = articles.import_files(window.project, [path], outlet="AP").article_ids
    body = articles.get_article(window.project, aid).text
    ids = []
    for claim, label in (("the ceasefire would hold", "anonymous_official"),
                         ("the ceasefire was close", "named_person")):
        s = body.index(claim)
        change, _ = annotate.apply_edit(window.project, annotate.new_annotation(
            window.project, article_id=aid, article_text=body, annotator="Ana Analyst",
            label=label, start=s, end=s + len(claim)), actor="Ana Analyst")
        ids.append(change.after.id)
    annotate.apply_edit(window.project, annotate.UpdateAnnotation.of(
        ids[1], facets=encode_facets(Facets.from_dict({"named": "named"}))),
        actor="Ana Analyst")
    return aid, body, ids[0], ids[1]


def test_search_filters_facet_band_reviewed_date(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from annotator.services import scoring

    aid, _, unnamed, named = _claims_article(window, tmp_path)
    qtbot.keyClick(window, Qt.Key.Key_F,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    view = window.pane("searchDock").view
    view.scope_box.setCurrentIndex(view.scope_box.findData("annotations"))
    qtbot.keyClicks(view.query, "ceasefire")
    qtbot.keyClick(view.query, Qt.Key.Key_Return)
    assert {h.annotation_id for h in view.model.hits} == {unnamed, named}

    # facet name + value (the value box offers the facet's vocabulary)
    view.facet_name.setCurrentIndex(view.facet_name.findData("named"))
    assert view.facet_value.isEnabled() and view.facet_value.findText("named") >= 0
    view.facet_value.setCurrentIndex(view.facet_value.findText("named"))
    qtbot.keyClick(view.query, Qt.Key.Key_Return)
    assert {h.annotation_id for h in view.model.hits} == {named}
    assert view.facet_value.findText("unnamed") >= 0
    view.facet_value.setCurrentIndex(view.facet_value.findText("unnamed"))
    qtbot.keyClick(view.query, Qt.Key.Key_Return)
    assert view.model.hits == [] and view.message.text() == "no hits"
    view.facet_name.setCurrentIndex(0)  # any facet: the filter is off again
    assert not view.facet_value.isEnabled()

    # strength band: exactly the claims the rubric puts in that band
    anns = {a.id: a for a in articles.load_annotations(window.project, aid)}
    band_of = {i: scoring.score_annotation(anns[i], window.wb.rubric).band
               for i in (unnamed, named)}
    bands = [view.band_box.itemData(i) for i in range(1, view.band_box.count())]
    assert set(band_of.values()) <= set(bands)
    for band in bands:
        view.band_box.setCurrentIndex(view.band_box.findData(band))
        qtbot.keyClick(view.query, Qt.Key.Key_Return)
        assert {h.annotation_id for h in view.model.hits} == \
            {i for i, b in band_of.items() if b == band}
    view.band_box.setCurrentIndex(0)

    # reviewed or not: nothing has been reviewed yet
    view.reviewed.setCurrentIndex(view.reviewed.findData(True))
    qtbot.keyClick(view.query, Qt.Key.Key_Return)
    assert view.model.hits == []
    view.reviewed.setCurrentIndex(view.reviewed.findData(False))
    qtbot.keyClick(view.query, Qt.Key.Key_Return)
    assert len(view.model.hits) == 2
    view.reviewed.setCurrentIndex(0)

    # date range: the articles have no date later than a far-future "from"
    qtbot.keyClicks(view.date_from, "2999-01-01")
    qtbot.keyClick(view.date_from, Qt.Key.Key_Return)
    assert view.model.hits == []
    view.date_from.clear()
    qtbot.keyClick(view.date_from, Qt.Key.Key_Return)
    assert len(view.model.hits) == 2


def test_split_claims_into_new_source(qtbot, window, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QInputDialog

    from annotator.services import sources

    first_id, text = window.article.id, window.article.text
    other_id, other_text = _second_article(window, tmp_path)

    def tag(aid: int, body: str, claim: str) -> str:
        s, m = body.index(claim), body.index("Axios")
        change, _ = annotate.apply_edit(window.project, annotate.new_annotation(
            window.project, article_id=aid, article_text=body, annotator="Ana Analyst",
            label="media_report", start=s, end=s + len(claim), source=(m, m + 5)),
            actor="Ana Analyst")
        return change.after.id

    here = tag(first_id, text, "a major obstacle to the deal")
    elsewhere = tag(other_id, other_text, "the envoys had met Hamas leaders")
    sid = sources.source_of_annotation(window.project, here)
    assert sid is not None and sources.source_of_annotation(window.project, elsewhere) == sid
    window.wb.actions.action("actionSources").trigger()
    pane = window.pane("sourcesDock")
    view = pane.view
    qtbot.keyClicks(view.filter, "axios")  # the filter box re-reads the registry
    row = next(r for r in range(view.entries.rowCount()) if view.entry_at(r).source_id == sid)
    view.list_view.selectRow(row)
    assert {c.annotation_id for c in view.claims.items} == {here, elsewhere}
    # nothing selected: a message, no dialog, no change
    asked: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda *a, **k: (asked.append(a[2]), ("Axios (AP desk)", True))[1])
    view.claim_view.clearSelection()
    qtbot.mouseClick(view.split, Qt.MouseButton.LeftButton)
    assert asked == [] and "select the claims" in view.message.text()
    r = next(i for i in range(view.claims.rowCount())
             if view.claims.items[view.claim_proxy.mapToSource(
                 view.claim_proxy.index(i, 0)).row()].annotation_id == elsewhere)
    view.claim_view.selectRow(r)
    qtbot.mouseClick(view.split, Qt.MouseButton.LeftButton)
    assert asked and "1 claim" in asked[0]
    new_sid = sources.source_of_annotation(window.project, elsewhere)
    assert new_sid is not None and new_sid != sid
    assert sources.source_of_annotation(window.project, here) == sid
    assert view.current is not None and view.current.summary.source_id == new_sid
    assert view.current.summary.name == "Axios (AP desk)"
    assert [c.annotation_id for c in view.claims.items] == [elsewhere]
    names = {view.entry_at(i).name for i in range(view.entries.rowCount())}
    assert "Axios (AP desk)" in names


def test_details_button_this_source_in_other_articles(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first_id, text = window.article.id, window.article.text
    other_id, other_text = _second_article(window, tmp_path)
    s = text.index("a major obstacle to the deal")
    change, _ = annotate.apply_edit(window.project, annotate.new_annotation(
        window.project, article_id=first_id, article_text=text, annotator="Ana Analyst",
        label="media_report", start=s, end=s + len("a major obstacle to the deal")),
        actor="Ana Analyst")
    here = change.after.id
    o, m = other_text.index("the envoys had met"), other_text.index("Axios")
    change, _ = annotate.apply_edit(window.project, annotate.new_annotation(
        window.project, article_id=other_id, article_text=other_text,
        annotator="Ana Analyst", label="media_report", start=o, end=o + 18,
        source=(m, m + 5)), actor="Ana Analyst")
    elsewhere = change.after.id
    from annotator.services.changes import Changes

    window.apply_changes(Changes(reload_articles=frozenset({first_id})))
    window.wb.select(here)
    button = window.pane("detailsDock").details.source_elsewhere
    assert not button.isEnabled()  # no source mention yet
    # give it one through the window: select "Axios" and press S
    a = text.index("Axios")
    window.view.select_cp(a, a + 5)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    assert window.article.by_id[here].source_start == a
    qtbot.waitUntil(button.isEnabled)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    pane = window.pane("sourcesDock")
    assert pane.dock.isVisible()
    assert [c.annotation_id for c in pane.view.claims.items] == [elsewhere]
    assert "in other articles" in pane.view.summary.text()
