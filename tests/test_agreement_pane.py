"""The agreement pane shows exactly the service's coefficients and exports its rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from annotator.domain.model import REVIEWED_LAYER
from annotator.qt.agreement_pane import AgreementPane
from annotator.services import agreement_report, articles, review
from annotator.services.project import Project

from .conftest import SEED
from .conftest import tag_phrase as _tag


@pytest.fixture
def article(project: Project) -> int:
    aid = articles.import_files(project, [SEED]).article_ids[0]
    text = articles.get_article(project, aid).text
    for who, label, needle in [
        ("ana", "media_report", "Axios reports"),
        ("ben", "media_report", "Axios reports"),
        ("zoë", "media_report", "Axios reports"),
        ("ana", "anonymous_unspecified", "three sources with direct knowledge of the talks"),
        ("ben", "anonymous_official", "three sources with direct knowledge of the talks"),
        ("zoë", "anonymous_official", "three sources with direct knowledge of the talks"),
        ("ana", "anonymous_official", "a senior Qatari official"),
        ("ben", "anonymous_official", "a senior Qatari official reportedly said"),
        ("ana", "organisation_statement", "Qatari officials"),
        ("ben", "named_person", "Witkoff told the Hamas leaders"),
    ]:
        ann = _tag(project, aid, text, who, label, needle)
        if who == "ana" and label == "media_report":
            review.accept(project, ann.id, reviewer="Carla")  # a reviewed layer exists
    return aid


@pytest.fixture
def pane(qtbot, project: Project, article: int) -> AgreementPane:  # type: ignore[no-untyped-def]
    widget = AgreementPane(project)
    qtbot.addWidget(widget)
    widget.resize(820, 620)
    widget.show_article(article)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def test_coefficients_equal_the_service(pane: AgreementPane, project: Project,
                                        article: int) -> None:
    assert pane.objectName() == "agreementPane"
    assert pane.scope == "article"
    # every analyst by default, the reviewed layer listed but not ticked
    assert pane.present == ["ana", "ben", "zoë", REVIEWED_LAYER]
    assert pane.chosen_annotators() == ["ana", "ben", "zoë"]
    expected = agreement_report.agreement(project, article_id=article,
                                          annotators=["ana", "ben", "zoë"])
    assert pane.report is not None
    assert pane.report.labels == expected.labels
    assert pane.report.rows() == expected.rows()
    assert pane.coefficients() == {"cohen": "—", "fleiss": _fmt(expected.labels.fleiss_kappa),
                                   "alpha": _fmt(expected.labels.alpha)}
    assert "exactly two" in pane.card_cohen.detail.text()
    assert f"n = {expected.labels.n_units}" in pane.card_alpha.detail.text()
    prf = [r for r in expected.rows() if r["measure"] == "span_prf"]
    assert pane.model.rows == prf and pane.proxy.rowCount() == len(prf)

    pane.set_annotators(["ana", "ben"])
    two = agreement_report.agreement(project, article_id=article, annotators=["ana", "ben"])
    assert pane.report.labels == two.labels and two.labels.cohen_kappa is not None
    assert pane.coefficients() == {"cohen": _fmt(two.labels.cohen_kappa),
                                   "fleiss": _fmt(two.labels.fleiss_kappa),
                                   "alpha": _fmt(two.labels.alpha)}
    assert pane.table.isColumnHidden(0)  # one pair: named in the title instead
    assert "ben against ana" in pane.table_title.text()

    pane.mode_combo.setCurrentIndex(pane.mode_combo.findData("overlap_label"))
    assert {r["mode"] for r in pane.model.rows} == {"overlap_label"}
    overall = next(r for r in pane.model.rows if r["label"] == "(all)")
    row = pane.model.rows.index(overall)
    shown = [pane.model.data(pane.model.index(row, c)) for c in range(3, 9)]
    assert shown == [str(overall["tp"]), str(overall["fp"]), str(overall["fn"]),
                     _fmt(overall["precision"]), _fmt(overall["recall"]), _fmt(overall["f1"])]

    # the corpus scope (one article here, so the same figures, scoped "corpus")
    pane.set_scope("corpus")
    corpus = agreement_report.agreement(project, annotators=["ana", "ben"])
    assert pane.report.scope == "corpus" and pane.report.labels == corpus.labels
    pane.show_article(None)
    assert pane.scope == "corpus" and not pane.scope_article.isEnabled()


def test_export_csv_writes_the_report_rows(pane: AgreementPane, project: Project,
                                           article: int, tmp_path: Path) -> None:
    out = tmp_path / "agreement.csv"
    n = pane.export_csv(out)
    assert pane.report is not None
    rows = pane.report.rows()
    assert n == len(rows)
    data = out.read_bytes()
    assert b"\r\n" in data and "zoë".encode() in data  # RFC 4180 line ends, UTF-8
    with open(out, encoding="utf-8", newline="") as f:
        read = list(csv.DictReader(f))
    assert read == [{k: "" if v is None else str(v) for k, v in row.items()} for row in rows]
    assert rows == agreement_report.agreement(
        project, article_id=article, annotators=["ana", "ben", "zoë"]).rows()
    assert not list(tmp_path.glob("*.partial"))


def test_fewer_than_two_annotators_is_a_message(pane: AgreementPane, project: Project,
                                                tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pane.set_annotators(["ana"])
    assert pane.report is None
    assert pane.message.isVisibleTo(pane) and "at least two" in pane.message.text()
    assert not pane.export_button.isEnabled() and not pane.results.isVisibleTo(pane)

    other = tmp_path / "other.txt"
    other.write_text("A second article nobody has tagged yet.\n", encoding="utf-8")
    pane.show_article(articles.import_files(project, [other]).article_ids[0])
    assert pane.report is None and "Nobody has tagged" in pane.message.text()

    # computing happens on show/refresh only, never when painting
    calls: list[object] = []
    monkeypatch.setattr("annotator.qt.agreement_pane.agreement",
                        lambda *a, **k: calls.append(a))
    for _ in range(3):
        pane.repaint()
        pane.grab()
    assert calls == []
