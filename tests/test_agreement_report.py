"""Agreement over real stored annotations, via the service and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import krippendorff
import numpy as np
import pytest

from annotator.domain.agreement import cohen_kappa
from annotator.domain.errors import UserInputError
from annotator.services import annotate, articles
from annotator.services.agreement_report import agreement
from annotator.services.project import Project

from .conftest import SEED

PHRASES = [
    ("Axios reports", "media_report", "media_report"),
    ("a senior Qatari official", "anonymous_official", "anonymous_official"),
    ("one source said", "anonymous_unspecified", "unattributed"),
    ("According to sources", "anonymous_unspecified", "anonymous_unspecified"),
    ("Qatari officials told Witkoff", "anonymous_official", "anonymous_unspecified"),
]


def _tag(p: Project, aid: int, text: str, who: str, phrase: str, key: str,
         trim: int = 0) -> None:
    i = text.index(phrase)
    annotate.apply_edit(p, annotate.new_annotation(
        p, article_id=aid, article_text=text, annotator=who, label=key, start=i,
        end=i + len(phrase) - trim))


@pytest.fixture
def two_analysts(project: Project) -> tuple[Project, int]:
    aid = articles.import_files(project, [SEED]).article_ids[0]
    text = articles.get_article(project, aid).text
    for phrase, a_label, b_label in PHRASES:
        _tag(project, aid, text, "ana", phrase, a_label)
        _tag(project, aid, text, "ben", phrase, b_label)
    _tag(project, aid, text, "ana", "three sources with direct knowledge", "anonymous_unspecified")
    _tag(project, aid, text, "ben", "three sources with direct knowledge", "anonymous_unspecified",
         trim=10)  # boundary disagreement
    return project, aid


def test_kappa_and_alpha_equal_references(two_analysts: tuple[Project, int]) -> None:
    project, aid = two_analysts
    report = agreement(project, article_id=aid)
    pairs = [(a, b) for _, a, b in PHRASES]
    assert report.labels.cohen_kappa == pytest.approx(cohen_kappa(pairs), abs=1e-9)
    codes = {k: n for n, k in enumerate(sorted({x for p in pairs for x in p}))}
    data = np.array([[codes[a] for a, _ in pairs] + [codes["anonymous_unspecified"], np.nan],
                     [codes[b] for _, b in pairs] + [np.nan, codes["anonymous_unspecified"]]],
                    dtype=float)
    ref = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert report.labels.alpha == pytest.approx(ref, abs=1e-9)
    (pair,) = report.pairs
    exact = pair.counts["exact_label"][""]
    assert (exact.tp, exact.fp, exact.fn) == (3, 3, 3)
    overlap_any = pair.counts["overlap_any_label"][""]
    assert (overlap_any.tp, overlap_any.fp, overlap_any.fn) == (6, 0, 0)


def test_needs_two_annotators(project: Project) -> None:
    aid = articles.import_files(project, [SEED]).article_ids[0]
    with pytest.raises(UserInputError, match="at least two"):
        agreement(project, article_id=aid)
    with pytest.raises(UserInputError, match="no annotations by 'zed'"):
        agreement(project, annotators=["zed", "ana"])


def test_cli_formats(two_analysts: tuple[Project, int]) -> None:
    project, aid = two_analysts
    base = [sys.executable, "-m", "annotator", "--db", project.url, "agreement"]
    r = subprocess.run(base + ["--format", "json", "--annotators", "ana,ben"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["rows"]
    kappa = next(x for x in rows if x["measure"] == "cohen_kappa")["value"]
    assert kappa == pytest.approx(agreement(project).labels.cohen_kappa, abs=1e-12)
    r = subprocess.run(base + ["--format", "csv"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.startswith("scope,measure,mode")
    r = subprocess.run(base + ["--article", str(aid)], capture_output=True, text=True,
                       timeout=120)
    assert "Cohen's kappa" in r.stdout
    r = subprocess.run(base + ["--annotators", "nobody,ana"], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 2 and "nobody" in r.stderr and "Traceback" not in r.stderr


def test_facet_agreement_equals_reference(project: Project) -> None:
    from annotator.domain.facets import Facets
    from annotator.domain.facets_codec import encode_facets

    aid = articles.import_files(project, [SEED]).article_ids[0]
    text = articles.get_article(project, aid).text
    counts = {"ana": [3, 2, 1, "several"], "ben": [3, 2, 2, "several"]}
    phrases = ["Axios reports", "a senior Qatari official", "one source said",
               "According to sources"]
    for who, values in counts.items():
        for phrase, value in zip(phrases, values, strict=True):
            i = text.index(phrase)
            change, _ = annotate.apply_edit(project, annotate.new_annotation(
                project, article_id=aid, article_text=text, annotator=who,
                label="anonymous_unspecified", start=i, end=i + len(phrase)))
            annotate.apply_edit(project, annotate.UpdateAnnotation.of(
                change.after.id, expected_version=1,
                facets=encode_facets(Facets(source_count=value))))
    report = agreement(project, article_id=aid)
    alpha, n = report.facets["source_count"]
    codes = {v: k for k, v in enumerate(["3", "2", "1", "several"])}
    data = np.array([[codes[str(v)] for v in counts["ana"]],
                     [codes[str(v)] for v in counts["ben"]]], dtype=float)
    ref = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert n == 4 and alpha == pytest.approx(ref, abs=1e-9)
    assert any(r["measure"] == "facet_alpha_nominal" for r in report.rows())
