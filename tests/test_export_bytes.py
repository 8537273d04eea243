"""CSV export: the exact bytes of a small varied project, and memory bounded by a batch.

The golden file pins what spreadsheet users and scripts read: column order, CRLF
rows, RFC 4180 quoting, formula neutralising of every text cell, facet cells, score
and band, empty cells for a missing source, order by article then start. The
streamed export (Core rows, a comprehension per batch) must keep it byte for byte.
"""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest

from annotator.domain.facets import Facets, Named, QuoteType
from annotator.domain.facets_codec import encode_facets
from annotator.domain.model import make_annotation
from annotator.services import articles, sources
from annotator.services import export_csv as export_module
from annotator.services.export_csv import export_csv
from annotator.services.project import Project
from annotator.storage import crud

STAMP = "2025-03-04T05:06:07.000008Z"
FIRST = "=Budget row, \"quoted\"\n-3 percent 😀 said @ana; e\u0301te\u0301.\nPlain line.\n"
SECOND = "Second article: 𠀋 alpha beta.\n"


def _project_with_variety(project: Project, tmp_path: Path) -> None:
    f1, f2 = tmp_path / "first.txt", tmp_path / "second.txt"
    f1.write_text(FIRST, encoding="utf-8")
    f2.write_text(SECOND, encoding="utf-8")
    a1 = articles.import_files(project, [f1]).article_ids[0]
    a2 = articles.import_files(project, [f2]).article_ids[0]
    t1, t2 = articles.get_article(project, a1).text, articles.get_article(project, a2).text
    rich = encode_facets(Facets(named=Named.UNNAMED, source_count="several",
                                quote_type=QuoteType.DIRECT, affiliation="=Ministry, \"x\"",
                                hedge=True))

    def ann(aid: int, text: str, n: int, phrase: str, **kw: object):  # type: ignore[no-untyped-def]
        i = text.index(phrase)
        return make_annotation(article_id=aid, article_text=text, start=i, end=i + len(phrase),
                               annotation_id=f"00000000-0000-4000-8000-{n:012d}", now=STAMP,
                               **kw)  # type: ignore[arg-type]

    src = t1.index("@ana")
    anns = [
        ann(a2, t2, 1, "alpha beta", annotator="émile", label="document"),
        ann(a1, t1, 2, "-3 percent 😀", annotator="@bob", label="anonymous_official",
            note="+check", source=(src, src + 4))._replace(facets=rich),
        ann(a1, t1, 3, "=Budget row, \"quoted\"\n-3", annotator="ana", label="named_person",
            note="multi\nline"),
        ann(a1, t1, 4, "Plain line.", annotator="'=quoted", label="unattributed"),
    ]
    with project.transaction() as session:
        crud.insert_annotations(session=session, annotations=anns)


HEADER = (
    "annotation_id,article_id,article_title,annotator,label,start,end,text,source_start,"
    "source_end,source_text,note,created_at,updated_at,named,source_count,"
    "identity_specificity,affiliation,affiliation_type,country,knowledge_basis,"
    "anonymity_reason,quote_type,channel,cue_stance,hedge,claim_type,polarity,nested_in,"
    "corroborated_by,admiralty_reliability,admiralty_credibility,score,band,source_id\r\n"
)
NO_FACETS = "," * 18
TITLE = "\"'=Budget row, \"\"quoted\"\"\""
EXPECTED_ROWS = (
    # article 1 by start; the claim spans a line break (quoted, LF kept inside the cell)
    f"00000000-0000-4000-8000-000000000003,1,{TITLE},ana,Named person,0,24,"
    f"\"'=Budget row, \"\"quoted\"\"\n-3\",,,,\"multi\nline\",{STAMP},{STAMP}"
    f"{NO_FACETS},65,moderate,\r\n"
    # source mention, facets (one neutralised and quoted), every text cell neutralised
    f"00000000-0000-4000-8000-000000000002,1,{TITLE},'@bob,"
    f"Anonymous official (role/affiliation given),22,34,'-3 percent 😀,40,44,'@ana,'+check,"
    f"{STAMP},{STAMP},unnamed,several,,\"'=Ministry, \"\"x\"\"\",,,,,direct,,,true,,,,,,,"
    f"33,weak,{{source_id}}\r\n"
    # a cell that already starts with a quote before a trigger gets one more quote
    f"00000000-0000-4000-8000-000000000004,1,{TITLE},''=quoted,"
    f"Unattributed (hedged or not),53,64,Plain line.,,,,,{STAMP},{STAMP}{NO_FACETS},"
    f"5,very_weak,\r\n"
    # article 2 after article 1, whatever the insertion order; astral title kept as is
    f"00000000-0000-4000-8000-000000000001,2,Second article: 𠀋 alpha beta.,émile,"
    f"Document/record,18,28,alpha beta,,,,,{STAMP},{STAMP}{NO_FACETS},75,strong,\r\n"
)


def _bytes(project: Project, **kw: object) -> bytes:
    buf = io.StringIO(newline="")
    export_csv(project, buf, **kw)  # type: ignore[arg-type]
    return buf.getvalue().encode("utf-8")


def test_exact_bytes_of_a_varied_project(project: Project, tmp_path: Path) -> None:
    _project_with_variety(project, tmp_path)
    got = _bytes(project)
    link = sources.source_ids_for_export(project)
    assert set(link) == {"00000000-0000-4000-8000-000000000002"}, link
    # The registry derives the id from its matching rules (tests/test_sources.py pins
    # those); here only that the linked id lands in the last cell of its row.
    source_id = link["00000000-0000-4000-8000-000000000002"]
    assert source_id
    expected = HEADER + EXPECTED_ROWS.format(source_id=source_id)
    assert got == expected.encode("utf-8")
    # One article: the same rows, its own only.
    only = _bytes(project, article_id=2)
    assert only == (HEADER + expected.split("\r\n")[-2] + "\r\n").encode("utf-8")


def test_cli_export_file_is_the_same_bytes_streamed(project: Project, tmp_path: Path) -> None:
    """``interop.export_annotations(fmt="csv")`` (the CLI and the window's export) writes
    the file as it goes, with exactly the bytes of :func:`export_csv`."""
    from annotator.services import interop

    _project_with_variety(project, tmp_path)
    out = tmp_path / "out.csv"
    report = interop.export_annotations(project, "csv", out)
    assert report.annotations == 4
    assert out.read_bytes() == _bytes(project)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp-")] == []


def _peak_export_bytes(project: Project, path: Path) -> int:
    tracemalloc.start()
    try:
        with open(path, "w", encoding="utf-8", newline="") as out:
            export_csv(project, out)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_export_memory_is_one_batch_not_the_whole_project(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Peak Python memory of the export stays flat when the annotations grow eightfold
    (batches of 50 rows here): rows are streamed, never all held."""
    monkeypatch.setattr(export_module, "BATCH_ROWS", 50)
    text = "Words of a long enough article, sentence after sentence. " * 400
    f = tmp_path / "long.txt"
    f.write_text(text, encoding="utf-8")
    aid = articles.import_files(project, [f]).article_ids[0]
    text = articles.get_article(project, aid).text

    def add(n: int, first: int) -> None:
        anns = [make_annotation(article_id=aid, article_text=text, annotator="ana",
                                label="document", start=k * 7 % 20_000,
                                end=k * 7 % 20_000 + 120, note="a note " * 10,
                                annotation_id=f"00000000-0000-4000-8000-{first + k:012d}",
                                now=STAMP) for k in range(n)]
        with project.transaction() as session:
            crud.insert_annotations(session=session, annotations=anns)

    add(400, 0)
    _peak_export_bytes(project, tmp_path / "warm.csv")  # caches, compiled statements
    small = _peak_export_bytes(project, tmp_path / "small.csv")
    add(2800, 400)
    big = _peak_export_bytes(project, tmp_path / "big.csv")
    rows = (tmp_path / "big.csv").read_bytes().count(b"\r\n") - 1
    assert rows == 3200
    # Holding the 3,200 rows would add ~1.5 MB (≈ 500 bytes a row); a batch is 50 rows.
    assert big < small + 300_000, (small, big)
