"""Reliability profile: every figure on real stored annotations, the service and the CLI."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.domain.errors import UserInputError
from annotator.domain.facets import Facets
from annotator.domain.facets_codec import encode_facets
from annotator.domain.model import Annotation
from annotator.services import annotate, articles
from annotator.services import profile as prof
from annotator.services.project import Project

from .conftest import SEED

# (phrase in the seed article, label, facets, expected score under the shipped rubric)
DEMO: list[tuple[str, str, dict[str, object], int]] = [
    ("according to three sources with direct knowledge of the talks", "anonymous_unspecified",
     {"named": "unnamed", "source_count": 3, "identity_specificity": "generic",
      "knowledge_basis": "direct", "anonymity_reason": "none", "quote_type": "indirect"},
     37),  # 20 + 8 (2+) + 4 (3+) + 10 (direct) - 5 (no anonymity reason)
    ("Axios reports", "media_report", {"named": "named", "source_count": 1}, 50),
    ("Qatari officials told Witkoff", "anonymous_official",
     {"named": "unnamed", "source_count": "several", "knowledge_basis": "direct"},
     45),  # 35 + 10
    ("a senior Qatari official reportedly said", "anonymous_official",
     {"named": "unnamed", "source_count": 1, "identity_specificity": "title_and_affiliation",
      "quote_type": "direct", "hedge": True, "knowledge_basis": "unstated"},
     30),  # 35 + 8 - 10 - 3
    ("Witkoff told the Hamas leaders", "named_person",
     {"named": "named", "quote_type": "partial"}, 68),  # 65 + 3
    ("Witkoff responded", "named_person", {"named": "named", "quote_type": "direct"}, 73),
    ("the Egyptian intelligence chief returned and announced", "anonymous_official",
     {"named": "identifiable_by_title", "source_count": 1, "knowledge_basis": "direct",
      "quote_type": "direct"}, 59),  # 35 + 6 + 10 + 8
    ("That effort stalled, partly due to Israeli government opposition", "unattributed",
     {}, 5),
    ("According to sources", "anonymous_unspecified",
     {"source_count": "several", "knowledge_basis": "unstated", "anonymity_reason": "none",
      "hedge": True}, 2),  # 20 - 3 - 5 - 10
    ("one source said", "anonymous_unspecified",
     {"source_count": 1, "quote_type": "direct", "knowledge_basis": "unstated"},
     25),  # 20 + 8 - 3
]

LABEL_COUNTS = {
    "named_person": 2, "organisation_statement": 0, "anonymous_official": 3,
    "anonymous_unspecified": 3, "document": 0, "media_report": 1, "social_media": 0,
    "direct_observation": 0, "declined_comment": 0, "unattributed": 1, "other": 0,
}
SCORES = [s for *_, s in DEMO]
HISTOGRAM = (2, 0, 1, 2, 1, 2, 1, 1, 0, 0)
BANDS = (("strong", 1), ("moderate", 3), ("weak", 3), ("very_weak", 3))


def tag(project: Project, aid: int, phrase: str, key: str, facets: dict[str, object],
        who: str = "ana") -> Annotation:
    text = articles.get_article(project, aid).text
    i = text.index(phrase)
    change, _ = annotate.apply_edit(project, annotate.new_annotation(
        project, article_id=aid, article_text=text, annotator=who, label=key, start=i,
        end=i + len(phrase)))
    after = change.after
    assert after is not None
    if facets:
        change, _ = annotate.apply_edit(project, annotate.UpdateAnnotation.of(
            after.id, expected_version=after.version,
            facets=encode_facets(Facets.from_dict(facets))))
        after = change.after
        assert after is not None
    return after


def annotate_demo(project: Project, *, outlet: str = "Axios") -> int:
    """The seed article with the ten DEMO annotations by ana and one by ben."""
    aid = articles.import_files(project, [SEED], outlet=outlet).article_ids[0]
    for phrase, key, facets, _ in DEMO:
        tag(project, aid, phrase, key, facets)
    tag(project, aid, "Late Wednesday night", "declined_comment", {}, who="ben")
    return aid


def add_second_article(project: Project, folder: Path, *, outlet: str) -> int:
    path = folder / "second.txt"
    path.write_text("Aid enters Gaza\nThe UN said in a statement that aid entered.\n"
                    "Officials declined to comment.\n", encoding="utf-8")
    aid = articles.import_files(project, [path], outlet=outlet).article_ids[0]
    tag(project, aid, "The UN said in a statement", "organisation_statement",
        {"source_count": 2})
    return aid


@pytest.fixture
def demo(project: Project) -> tuple[Project, int]:
    return project, annotate_demo(project)


def test_article_profile_every_figure(demo: tuple[Project, int]) -> None:
    project, aid = demo
    p = prof.article_profile(project, aid, annotators=["ana"])
    assert (p.scope, p.n_articles, p.outlet, p.article_id) == (f"article {aid}", 1, "Axios", aid)
    assert p.title == articles.get_article(project, aid).title
    assert p.total == 10
    assert [(lc.key, lc.count) for lc in p.by_label] == list(LABEL_COUNTS.items())
    assert [lc.name for lc in p.by_label] == [lab.name for lab in project.labels()]
    assert [lc.color for lc in p.by_label] == [lab.color for lab in project.labels()]
    assert (p.anonymous, p.anonymous_share) == (6, 0.6)
    # source_count 1 (x4) + two named_person with no count recorded
    assert (p.single_source, p.single_source_share) == (6, 0.6)
    assert (p.unattributed, p.unattributed_share) == (1, 0.1)
    assert (p.hedged, p.hedged_share) == (2, 0.2)
    assert p.histogram == HISTOGRAM
    assert p.bands == BANDS
    assert p.mean_score == pytest.approx(sum(SCORES) / 10) == pytest.approx(39.4)
    assert p.median_score == 41.0  # (37 + 45) / 2


def test_annotator_filter_and_default_everyone(demo: tuple[Project, int]) -> None:
    project, aid = demo
    everyone = prof.article_profile(project, aid)
    assert everyone.total == 11 and everyone.label_count("declined_comment") == 1
    assert everyone.anonymous_share == pytest.approx(6 / 11)
    # declined_comment has no base score in the rubric: default 30, a weak band
    assert everyone.band_count("weak") == 4 and everyone.band_count("very_weak") == 3
    ben = prof.article_profile(project, aid, annotators=["ben"])
    assert (ben.total, ben.anonymous, ben.single_source) == (1, 0, 0)
    nobody = prof.article_profile(project, aid, annotators=["zed"])
    assert nobody.total == 0


def test_empty_and_unknown_article(project: Project) -> None:
    aid = articles.import_files(project, [SEED]).article_ids[0]
    p = prof.article_profile(project, aid)
    assert p.total == 0 and p.anonymous_share is None and p.mean_score is None
    assert p.median_score is None and p.histogram == (0,) * 10
    assert all(n == 0 for _, n in p.bands)
    with pytest.raises(UserInputError, match="article 999 does not exist"):
        prof.article_profile(project, 999)


def _ann(label: str, facets: dict[str, object]) -> Annotation:
    return Annotation("x", 1, "ana", label, 0, 1, "x", "", "",
                      facets=encode_facets(Facets.from_dict(facets)))


@pytest.mark.parametrize(("label", "facets", "single"), [
    ("anonymous_official", {"source_count": 1}, True),
    ("named_person", {}, True),
    ("organisation_statement", {"named": "named"}, True),
    ("named_person", {"source_count": 2}, False),
    ("named_person", {"source_count": "several"}, False),
    ("organisation_statement", {"source_count": "unknown"}, False),
    ("anonymous_official", {}, False),  # no count recorded: not guessed
    ("document", {}, False),
    ("unattributed", {"source_count": 1}, True),
])
def test_single_source_rule(label: str, facets: dict[str, object], single: bool) -> None:
    assert prof.is_single_source(_ann(label, facets)) is single


def test_histogram_bins() -> None:
    assert [prof.histogram_bin(v) for v in (0, 9, 10, 89, 90, 99, 100)] == \
        [0, 0, 1, 8, 9, 9, 9]
    assert prof.HISTOGRAM_BINS[0] == (0, 9) and prof.HISTOGRAM_BINS[-1] == (90, 100)


def test_corpus_by_article_and_outlet(demo: tuple[Project, int], tmp_path: Path) -> None:
    project, aid = demo
    second = add_second_article(project, tmp_path, outlet="Reuters")
    third = articles.import_files(project, [_write(tmp_path / "c.txt", "Nothing here\n")],
                                  outlet="Axios").article_ids[0]
    rows = prof.corpus_profile(project, annotators=["ana"])
    assert [(r.group_by, r.key) for r in rows] == [
        ("article", str(aid)), ("article", str(second)), ("article", str(third))]
    assert rows[0].profile == prof.article_profile(project, aid, annotators=["ana"])
    assert rows[1].profile.total == 1 and rows[1].profile.single_source == 0
    assert rows[2].profile.total == 0
    by_outlet = prof.corpus_profile(project, group_by="outlet", annotators=["ana"])
    assert [(r.key, r.profile.n_articles, r.profile.total) for r in by_outlet] == [
        ("Axios", 2, 10), ("Reuters", 1, 1)]
    assert by_outlet[0].profile.histogram == HISTOGRAM
    total = prof.total_profile(project, annotators=["ana"])
    assert (total.n_articles, total.total, total.anonymous) == (3, 11, 6)
    with pytest.raises(UserInputError, match="cannot group by"):
        prof.corpus_profile(project, group_by="annotator")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_no_outlet_sorts_last(project: Project, tmp_path: Path) -> None:
    articles.import_files(project, [_write(tmp_path / "a.txt", "A\n")])
    articles.import_files(project, [_write(tmp_path / "b.txt", "B\n")], outlet="zeit")
    articles.import_files(project, [_write(tmp_path / "c.txt", "C\n")], outlet="Axios")
    rows = prof.corpus_profile(project, group_by="outlet")
    assert [(r.key, r.title) for r in rows] == [
        ("Axios", "Axios"), ("zeit", "zeit"), ("", prof.NO_OUTLET)]


def test_flat_rows_and_json(demo: tuple[Project, int]) -> None:
    project, aid = demo
    p = prof.article_profile(project, aid, annotators=["ana"])
    (row,) = prof.profile_rows([p])
    assert list(row) == prof.profile_columns(p)
    assert list(row)[:len(prof.FIXED_COLUMNS)] == list(prof.FIXED_COLUMNS)
    assert row["group"] == "article" and row["key"] == str(aid)
    assert (row["annotations"], row["anonymous"], row["anonymous_share"]) == (10, 6, 0.6)
    assert (row["mean_score"], row["median_score"]) == (39.4, 41.0)
    assert [row[f"band_{n}"] for n, _ in BANDS] == [c for _, c in BANDS]
    assert [row[f"label_{k}"] for k in LABEL_COUNTS] == list(LABEL_COUNTS.values())
    assert row["score_0_9"] == 2 and row["score_90_100"] == 0
    data = json.loads(json.dumps(p.to_json()))
    assert data["annotations"] == 10 and data["single_source"] == {"count": 6, "share": 0.6}
    assert data["score"]["bands"] == dict(BANDS)
    assert [b["count"] for b in data["score"]["histogram"]] == list(HISTOGRAM)


def test_formula_like_titles_are_neutralised(project: Project, tmp_path: Path) -> None:
    articles.import_files(project, [_write(tmp_path / "f.txt", "x\n")], title="=HYPERLINK()",
                          outlet="+evil")
    (row,) = prof.profile_rows(prof.corpus_profile(project))
    assert row["title"] == "'=HYPERLINK()" and row["outlet"] == "'+evil"


def _stats(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "annotator", "--db", project.url, "stats",
                           *args], capture_output=True, text=True, timeout=120)


def test_cli_all_formats(demo: tuple[Project, int], tmp_path: Path) -> None:
    project, aid = demo
    add_second_article(project, tmp_path, outlet="Reuters")

    r = _stats(project, "--article", str(aid), "--annotators", "ana")
    assert r.returncode == 0, r.stderr
    assert "Claims (annotations)" in r.stdout and "60.0%" in r.stdout
    assert "mean 39.4, median 41.0" in r.stdout and "Anonymous official" in r.stdout

    r = _stats(project, "--article", str(aid), "--annotators", "ana", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)["profile"]
    assert data == json.loads(json.dumps(
        prof.article_profile(project, aid, annotators=["ana"]).to_json()))

    r = _stats(project, "--annotators", "ana", "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["key"] for row in rows] == [str(aid), str(aid + 1)]
    assert rows[0]["anonymous_share"] == "0.6" and rows[0]["label_anonymous_official"] == "3"
    assert rows[1]["label_organisation_statement"] == "1"
    assert r.stdout.splitlines()[0].split(",")[:len(prof.FIXED_COLUMNS)] == \
        list(prof.FIXED_COLUMNS)

    r = _stats(project, "--by", "outlet", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert [row["title"] for row in data["rows"]] == ["Axios", "Reuters"]
    assert data["total"]["annotations"] == 12

    r = _stats(project, "--by", "outlet")
    assert r.returncode == 0 and "All articles" in r.stdout and "Reuters" in r.stdout

    r = _stats(project, "--article", "999")
    assert r.returncode == 2 and "article 999 does not exist" in r.stderr
    assert "Traceback" not in r.stderr
