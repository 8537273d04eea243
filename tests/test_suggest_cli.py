"""`annotator suggest` (record contract, formats, exit codes) and the suggestions service."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from annotator.services import articles, suggestions
from annotator.storage import suggestion_crud

from .conftest import SEED
from .test_cli import run

FIELDS = ["start", "end", "text", "source_start", "source_end", "source_text", "cue_start",
          "cue_end", "cue_text", "label", "confidence", "reasons"]


def test_suggest_file_jsonl_contract(db_path: Path, tmp_path: Path) -> None:
    f = tmp_path / "crlf.txt"
    f.write_bytes("Intro line.\r\nThe envoy reportedly left.\r\n"
                  "“We agree,” a senior Qatari official said.\r\n".encode())
    r = run("suggest", str(f), db=db_path)
    assert r.returncode == 0, r.stderr
    recs = [json.loads(line) for line in r.stdout.splitlines()]
    text = f.read_text(encoding="utf-8").replace("\r\n", "\n")  # offsets after LF-normalising
    assert [list(rec) for rec in recs] == [["file", *FIELDS]] * len(recs)
    hedge, quote = recs
    assert hedge["source_start"] is None and hedge["source_text"] is None
    assert hedge["cue_text"] == "reportedly" and hedge["label"] == "unattributed"
    assert quote["text"] == "“We agree,”" == text[quote["start"]:quote["end"]]
    assert quote["source_text"] == "a senior Qatari official"
    assert text[quote["source_start"]:quote["source_end"]] == quote["source_text"]
    assert text[quote["cue_start"]:quote["cue_end"]] == "said"
    assert quote["label"] == "anonymous_official" and isinstance(quote["reasons"], list)
    assert quote["file"] == str(f)


def test_suggest_article_csv_and_output_file(db_path: Path, tmp_path: Path) -> None:
    r = run("add", str(SEED), db=db_path)
    art_id = r.stdout.split("\t")[0]
    out = tmp_path / "s.csv"
    r = run("suggest", "--article", art_id, "--format", "csv", "-o", str(out), db=db_path)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert list(rows[0]) == ["article_id", *FIELDS]
    assert {row["article_id"] for row in rows} == {art_id}
    axios = next(row for row in rows if row["source_text"] == "Axios")
    assert axios["label"] == "media_report" and axios["cue_text"] == "reports"
    r_all = run("suggest", "--all", db=db_path)
    assert len(r_all.stdout.splitlines()) == len(rows)


def test_suggest_folder(db_path: Path, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("Smith said the vote was close.", encoding="utf-8")
    (tmp_path / "a" / "two.md").write_text("# Title\n\nJones told reporters that it rained.\n",
                                           encoding="utf-8")
    r = run("suggest", str(tmp_path / "a"), db=db_path)
    assert r.returncode == 0, r.stderr
    files = [Path(json.loads(line)["file"]).name for line in r.stdout.splitlines()]
    assert files == ["one.txt", "two.md"]


def test_unreadable_input_exits_2_with_one_line(db_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bin.txt"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    for args in ([str(bad)], [str(tmp_path / "missing.txt")], ["--article", "999"], []):
        r = run("suggest", *args, db=db_path)
        assert r.returncode == 2, (args, r.stderr)
        assert r.stdout == ""
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_rejected_suggestion_is_not_proposed_again(project, seed_text: str) -> None:  # type: ignore[no-untyped-def]
    (item,) = articles.import_files(project, [SEED]).imported
    aid = item.article_id
    first = suggestions.for_article(project, aid)
    axios = next(p for p in first if p.record()["source_text"] == "Axios")
    suggestions.reject(project, aid, [axios], by="ana")
    again = suggestions.for_article(project, aid)
    assert axios.suggestion.key() not in {p.suggestion.key() for p in again}
    assert len(again) == len(first) - 1
    suggestions.unreject(project, aid, [axios])
    assert len(suggestions.for_article(project, aid)) == len(first)


def test_accept_creates_annotation_with_source_facets_cue_provenance(project) -> None:  # type: ignore[no-untyped-def]
    (item,) = articles.import_files(project, [SEED]).imported
    aid = item.article_id
    props = suggestions.for_article(project, aid)
    qatari = next(p for p in props if p.record()["source_text"] == "a senior Qatari official")
    ann = suggestions.accept(project, qatari, article_id=aid, annotator="ana")
    stored = articles.load_annotations(project, aid)
    assert [a.id for a in stored] == [ann.id]
    assert stored[0].label == "anonymous_official"
    assert (stored[0].source_start, stored[0].source_end) == qatari.suggestion.source
    assert json.loads(stored[0].facets)["country"] == "Qatar"
    with project.reading() as session:
        detail = suggestion_crud.details(session=session, article_id=aid)[ann.id]
    assert detail.provenance == "suggested" and detail.cue == qatari.suggestion.cue
    # an accepted claim is not proposed again
    assert qatari.suggestion.key() not in {p.suggestion.key()
                                           for p in suggestions.for_article(project, aid)}


def test_accept_with_other_label_and_adjusted_span(project) -> None:  # type: ignore[no-untyped-def]
    (item,) = articles.import_files(project, [SEED]).imported
    aid = item.article_id
    one = next(p for p in suggestions.for_article(project, aid)
               if p.record()["source_text"] == "one source")
    s = one.suggestion
    ann = suggestions.accept(project, one, article_id=aid, annotator="ana",
                             label="anonymous_official", span=(s.start + 1, s.end - 1))
    assert ann.label == "anonymous_official" and ann.text == one.text[s.start + 1:s.end - 1]
