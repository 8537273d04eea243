"""α_U and overlap-pair label agreement over stored annotations: service, CLI rows, CSV."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.domain.agreement import krippendorff_alpha_unitized
from annotator.services import annotate, articles
from annotator.services.agreement_report import agreement
from annotator.services.project import Project

from .conftest import SEED

PHRASES = [("Axios reports", "media_report"), ("a senior Qatari official", "anonymous_official"),
           ("one source said", "anonymous_unspecified"),
           ("According to sources", "anonymous_unspecified")]


def _tag(p: Project, aid: int, text: str, who: str, phrase: str, key: str,
         widen: int = 0) -> None:
    i = text.index(phrase)
    annotate.apply_edit(p, annotate.new_annotation(
        p, article_id=aid, article_text=text, annotator=who, label=key,
        start=max(0, i - widen), end=i + len(phrase) + widen))


@pytest.fixture
def wider(project: Project) -> tuple[Project, int, str]:
    """ben's spans are all one character wider on each side than ana's (the issue's case)."""
    aid = articles.import_files(project, [SEED]).article_ids[0]
    text = articles.get_article(project, aid).text
    for phrase, key in PHRASES:
        _tag(project, aid, text, "ana", phrase, key)
        _tag(project, aid, text, "ben", phrase, key, widen=1)
    return project, aid, text


def test_wider_spans_no_exact_units_but_unitized_and_overlap_agreement(
        wider: tuple[Project, int, str]) -> None:
    project, aid, text = wider
    report = agreement(project, article_id=aid)
    assert report.labels.cohen_kappa is None  # no exact-span unit labelled by both
    (pair,) = report.pairs
    assert pair.overlap_labels is not None and pair.overlap_labels.n_units == 4
    assert pair.overlap_labels.alpha == 1.0
    u = report.unitized
    assert u is not None and u.length == len(text) and u.alpha is not None
    assert 0.9 < u.alpha < 1
    # the service's α_U is the domain function on the same spans over the article
    stored = articles.load_annotations(project, aid)
    direct = krippendorff_alpha_unitized(
        {name: [a for a in stored if a.annotator == name] for name in ("ana", "ben")},
        length=len(text))
    assert u.alpha == direct.alpha and set(u.per_label) == {k for _, k in PHRASES}
    rows = [r for r in report.rows() if r["measure"] == "krippendorff_alpha_unitized"]
    assert rows[0]["label"] == "(all)" and rows[0]["value"] == u.alpha
    assert {r["label"] for r in rows[1:]} == set(u.per_label)
    assert any(r["mode"] == "overlap_matched_pairs" and r["measure"] == "cohen_kappa"
               for r in report.rows())


def test_corpus_continuum_is_the_annotated_articles_end_to_end(
        wider: tuple[Project, int, str], tmp_path: Path) -> None:
    project, aid, text = wider
    other = tmp_path / "other.txt"
    other.write_text("Officials said the dam is safe. Nobody annotated this one yet.\n",
                     encoding="utf-8")
    untouched = articles.import_files(project, [other]).article_ids[0]
    assert untouched != aid
    corpus = agreement(project).unitized
    single = agreement(project, article_id=aid).unitized
    assert corpus is not None and single is not None
    assert corpus.length == single.length and corpus.alpha == single.alpha
    second_text = articles.get_article(project, untouched).text
    _tag(project, untouched, second_text, "ana", "the dam is safe", "media_report")
    corpus = agreement(project).unitized
    assert corpus is not None and corpus.length == len(text) + len(second_text)
    assert corpus.alpha is not None and corpus.alpha < single.alpha  # ben missed one


def test_cli_json_and_csv_rows(wider: tuple[Project, int, str]) -> None:
    project, aid, _text = wider
    base = [sys.executable, "-m", "annotator", "--db", project.url, "agreement",
            "--article", str(aid)]
    r = subprocess.run(base + ["--format", "json"], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["rows"]
    overall = [x for x in rows if x["measure"] == "krippendorff_alpha_unitized"
               and x["label"] == "(all)"]
    assert len(overall) == 1
    assert overall[0]["value"] == pytest.approx(agreement(project, article_id=aid)
                                                .unitized.alpha, abs=1e-12)
    assert {x["label"] for x in rows if x["measure"] == "krippendorff_alpha_unitized"} >= \
        {"media_report", "anonymous_official"}
    r = subprocess.run(base + ["--format", "csv"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0
    table = list(csv.DictReader(io.StringIO(r.stdout)))
    assert any(x["measure"] == "krippendorff_alpha_unitized" and x["label"] == "(all)"
               for x in table)
    r = subprocess.run(base, capture_output=True, text=True, timeout=120)
    assert "alpha_U" in r.stdout and "overlap-matched pairs" in r.stdout
