"""The agreement pane shows the service's α_U, and its CSV export carries α_U per label."""

from __future__ import annotations

import csv
from pathlib import Path

from annotator.qt.agreement_pane import AgreementPane
from annotator.services import agreement_report
from annotator.services.project import Project

from .test_agreement_pane import _fmt, article, pane  # noqa: F401  (fixtures)


def test_unitized_card_and_csv(pane: AgreementPane, project: Project, article: int,  # noqa: F811
                               tmp_path: Path) -> None:
    pane.set_annotators(["ana", "ben"])
    expected = agreement_report.agreement(project, article_id=article,
                                          annotators=["ana", "ben"])
    assert expected.unitized is not None and expected.unitized.alpha is not None
    assert pane.card_unitized.value.text() == _fmt(expected.unitized.alpha)
    assert f"{len(expected.unitized.per_label)} labels" in pane.card_unitized.detail.text()
    out = tmp_path / "agreement.csv"
    pane.export_csv(out)
    with open(out, encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["measure"] == "krippendorff_alpha_unitized"]
    assert {r["label"] for r in rows} == {"(all)", *expected.unitized.per_label}
    overall = next(r for r in rows if r["label"] == "(all)")
    assert float(overall["value"]) == expected.unitized.alpha
