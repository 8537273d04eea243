"""The reliability profile pane shows exactly the service's figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from annotator.qt.profile_pane import CorpusTableModel, ProfilePane, band_title
from annotator.services import articles
from annotator.services import profile as prof
from annotator.services.project import Project

from .test_profile import BANDS, LABEL_COUNTS, add_second_article, annotate_demo


@pytest.fixture
def demo(db_path: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    project = Project(db_path)
    first = annotate_demo(project, outlet="Axios")
    second = add_second_article(project, tmp_path, outlet="Reuters")
    yield project, first, second
    project.close()


@pytest.fixture
def pane(qtbot, demo):  # type: ignore[no-untyped-def]
    project, first, _ = demo
    widget = ProfilePane(project)
    qtbot.addWidget(widget)
    widget.resize(1100, 720)
    widget.show_article(first)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_charts_and_kpis_equal_service_figures(pane: ProfilePane, demo) -> None:  # type: ignore[no-untyped-def]
    project, first, _ = demo
    p = prof.article_profile(project, first)
    assert pane.objectName() == "profilePane"
    assert pane.profile == p
    names = {lab.key: lab.name for lab in project.labels()}
    shown = pane.source_counts()
    assert shown == {lc.name: lc.count for lc in p.by_label}
    assert shown[names["anonymous_official"]] == LABEL_COUNTS["anonymous_official"]
    assert shown[names["declined_comment"]] == 1  # ben's annotation: everyone counts
    colors = {b.label(): b.color().name() for b in pane.source_sets}
    assert colors == {lab.name: lab.color.lower() for lab in project.labels()}
    assert pane.band_counts() == {band_title(n): c for n, c in p.bands}
    assert sum(pane.band_counts().values()) == p.total == 11
    assert pane.kpi_anonymous.value.text() == "55%"  # 6 of 11
    assert pane.kpi_anonymous.detail.text() == "6 of 11 claims"
    assert pane.kpi_single.value.text() == str(p.single_source) == "6"
    assert pane.kpi_unattributed.value.text() == "1"
    assert pane.kpi_mean.value.text() == f"{p.mean_score:.1f}"
    # The band chart runs strong (top) to very weak; colours from green to red.
    band_colors = {b.label(): b.color().name() for b in pane.band_sets}
    assert band_colors["Strong"] == "#1a9850" and band_colors["Very weak"] == "#d73027"


def test_no_query_on_paint_and_show_none(pane: ProfilePane, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[object] = []
    monkeypatch.setattr(prof, "article_profile", lambda *a, **k: calls.append(a))
    monkeypatch.setattr(prof, "corpus_profile", lambda *a, **k: calls.append(a))
    for _ in range(3):
        pane.repaint()
        pane.tabs.setCurrentIndex(1)
        pane.tabs.setCurrentIndex(0)
        pane.grab()
    assert calls == []
    monkeypatch.undo()
    pane.show_article(None)
    assert pane.profile is None and pane.source_counts() == {}
    assert pane.placeholder.isVisibleTo(pane)
    assert not pane.export_button.isEnabled()


def test_export_png(pane: ProfilePane, tmp_path: Path) -> None:
    out = tmp_path / "article.png"
    assert pane.export_png(out)
    image = QImage(str(out))
    assert out.stat().st_size > 1000 and not image.isNull() and image.width() > 300
    pane.tabs.setCurrentWidget(pane.corpus_tab)
    out2 = tmp_path / "corpus.png"
    assert pane.export_png(out2) and QImage(str(out2)).height() >= 200
    assert not pane.export_png(tmp_path / "missing-dir" / "x.png")


def test_corpus_tab_rows(pane: ProfilePane, demo) -> None:  # type: ignore[no-untyped-def]
    project, first, second = demo
    model = pane.corpus_model
    rows = prof.corpus_profile(project)
    assert model.rowCount() == 2 and model.columnCount() == 6
    assert [r.key for r in model.rows] == [str(first), str(second)]
    title = articles.get_article(project, first).title
    assert model.values(0) == (title, 11, rows[0].profile.anonymous_share, 6, 1,
                               rows[0].profile.mean_score)
    index = model.index(0, 2)
    assert model.data(index) == "55%"
    assert model.data(model.index(1, 1)) == "1"
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Article"
    assert pane.corpus_band_counts() == [
        {band_title(n): c for n, c in r.profile.bands} for r in rows]
    # Sorting goes through raw values, not display text.
    pane.corpus_table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    top = pane.corpus_proxy.index(0, 0).data(CorpusTableModel.SORT_ROLE)
    best = max(rows, key=lambda r: r.profile.mean_score or 0)
    assert top == best.title.casefold()

    pane.group_combo.setCurrentIndex(pane.group_combo.findData("outlet"))
    assert pane.group_by == "outlet"
    assert [r.title for r in model.rows] == ["Axios", "Reuters"]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Outlet"
    assert [c["Strong"] + c["Moderate"] + c["Weak"] + c["Very weak"]
            for c in pane.corpus_band_counts()] == [11, 1]


def test_refresh_picks_up_new_annotations(pane: ProfilePane, demo) -> None:  # type: ignore[no-untyped-def]
    from .test_profile import tag

    project, first, _ = demo
    tag(project, first, "Hamas conferred privately", "unattributed", {"hedge": True})
    assert pane.kpi_unattributed.value.text() == "1"  # not re-queried by itself
    pane.refresh()
    assert pane.kpi_unattributed.value.text() == "2"
    assert pane.corpus_model.values(0)[1] == 12
    assert sum(pane.band_counts().values()) == 12
    assert dict(BANDS)["very_weak"] + 1 == pane.profile.band_count("very_weak")
