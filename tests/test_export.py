"""CSV export: columns, ordering, exact text on hostile Unicode, formula neutralising."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from annotator.domain.csv_safety import neutralise, unneutralise
from annotator.services import annotate, articles
from annotator.services.export_csv import CSV_COLUMNS, export_csv
from annotator.services.project import Project

HOSTILE = ("=HYPERLINK(\"x\") said the 😀 minister.\r\n"
           "-5 percent, per 𠀋 docs; e\u0301te\u0301 שלום\u00a0NBSP.\r\n@handle wrote +1\r\n")


def _import(project: Project, tmp_path: Path, content: str) -> tuple[int, str]:
    f = tmp_path / "hostile.txt"
    f.write_bytes(content.encode("utf-8"))
    aid = articles.import_files(project, [f]).article_ids[0]
    return aid, articles.get_article(project, aid).text


def _rows(project: Project, **kw: object) -> list[dict[str, str]]:
    buf = io.StringIO(newline="")
    export_csv(project, buf, **kw)  # type: ignore[arg-type]
    return list(csv.DictReader(io.StringIO(buf.getvalue(), newline="")))


def test_columns_and_exact_text(project: Project, tmp_path: Path) -> None:
    aid, text = _import(project, tmp_path, HOSTILE)
    assert "\r" not in text
    phrases = ["=HYPERLINK(\"x\") said", "😀 minister.", "-5 percent", "𠀋 docs",
               "e\u0301te\u0301 שלום\u00a0NBSP", "@handle wrote +1", "minister.\n-5"]
    for n, phrase in enumerate(phrases):
        i = text.index(phrase)
        apply = annotate.new_annotation(project, article_id=aid, article_text=text,
                                        annotator="ana", label="named_person", start=i,
                                        end=i + len(phrase), note="+note" if n == 0 else "")
        annotate.apply_edit(project, apply)
    rows = _rows(project)
    assert list(rows[0].keys()) == list(CSV_COLUMNS)
    assert [int(r["start"]) for r in rows] == sorted(int(r["start"]) for r in rows)
    for row in rows:
        assert unneutralise(row["text"]) == text[int(row["start"]):int(row["end"])]
        assert row["created_at"].endswith("Z") and "T" in row["created_at"]
    formula = next(r for r in rows if "HYPERLINK" in r["text"])
    assert formula["text"].startswith("'=") and formula["note"] == "'+note"
    assert next(r for r in rows if "percent" in r["text"])["text"] == "'-5 percent"


def test_neutralise_roundtrip() -> None:
    for cell in ["=1+1", "+x", "-y", "@z", "\tt", "\rr", "plain", "", "'=already", "''-x", "'", "it's"]:
        assert unneutralise(neutralise(cell)) == cell
    assert neutralise("plain") == "plain"


def test_ordering_by_article_then_start_and_single_article(project: Project,
                                                           tmp_path: Path) -> None:
    a1, t1 = _import(project, tmp_path, "Zeta alpha beta.\n")
    f2 = tmp_path / "two.txt"
    f2.write_text("Other text here.", encoding="utf-8")
    a2 = articles.import_files(project, [f2]).article_ids[0]
    t2 = articles.get_article(project, a2).text
    for aid, text, words in ((a2, t2, ["here", "Other"]), (a1, t1, ["beta", "Zeta"])):
        for w in words:
            i = text.index(w)
            annotate.apply_edit(project, annotate.new_annotation(
                project, article_id=aid, article_text=text, annotator="b",
                label="document", start=i, end=i + len(w)))
    rows = _rows(project)
    assert [(r["article_id"], r["text"]) for r in rows] == [
        (str(a1), "Zeta"), (str(a1), "beta"), (str(a2), "Other"), (str(a2), "here")]
    only = _rows(project, article_id=a2)
    assert {r["article_id"] for r in only} == {str(a2)}


def test_source_columns(project: Project, seed_text: str) -> None:
    from .conftest import SEED

    aid = articles.import_files(project, [SEED]).article_ids[0]
    claim = seed_text.index("A high-stakes")
    claim_end = seed_text.index(" according to")
    src = seed_text.index("three sources with direct knowledge of the talks")
    annotate.apply_edit(project, annotate.new_annotation(
        project, article_id=aid, article_text=seed_text, annotator="a",
        label="anonymous_unspecified", start=claim, end=claim_end,
        source=(src, src + len("three sources with direct knowledge of the talks"))))
    (row,) = _rows(project)
    assert row["source_text"] == "three sources with direct knowledge of the talks"
    assert int(row["source_end"]) - int(row["source_start"]) == len(row["source_text"])
