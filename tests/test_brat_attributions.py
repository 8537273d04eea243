"""brat files from attribution corpora (PolNeAR layout), written for these tests.

Events become claims with source and cue; discontinuous claims keep every fragment;
export writes the same spans back; one text with several annotators' files imports
as several layers.
"""

from __future__ import annotations

from pathlib import Path

from annotator.domain.formats.brat import export_brat, import_brat
from annotator.services import articles, interop
from annotator.storage import suggestion_crud

TEXT = ("“We will sign,” the minister said, “but not today.”\n"
        "Aides said the vote was delayed.\n"
        "The talks reportedly stalled.\n")
Q1, Q2 = TEXT.index("“We will sign,”"), TEXT.index("“but not today.”")
Q1E, Q2E = Q1 + len("“We will sign,”"), Q2 + len("“but not today.”")
MIN = TEXT.index("the minister")
SAID = TEXT.index("said")
AIDES = TEXT.index("Aides")
SAID2 = TEXT.index("said", AIDES)
VOTE = TEXT.index("the vote was delayed")
REP = TEXT.index("reportedly")


def _ann(annotator_note: bool = False) -> str:
    lines = [
        f"T1\tContent {Q1} {Q1E};{Q2} {Q2E}\t“We will sign,” “but not today.”",
        f"T2\tSource {MIN} {MIN + 12}\tthe minister",
        f"T3\tCue {SAID} {SAID + 4}\tsaid",
        f"T4\tAttribution {SAID} {SAID + 4}\tsaid",
        "E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2",
        f"T5\tSource {AIDES} {AIDES + 5}\tAides",
        f"T6\tCue {SAID2} {SAID2 + 4}\tsaid",
        f"T7\tContent {VOTE} {VOTE + 20}\tthe vote was delayed",
        # the trigger T8 is not in the file (seen in PolNeAR): the event still counts
        "E2\tAttribution:T8 Source:T5 Cue:T6 Content:T7",
        f"T9\tCue {REP} {REP + 10}\treportedly",
        f"T10\tContent {TEXT.index('The talks')} {REP - 1}\tThe talks",
        f"T11\tContent {REP + 11} {REP + 18}\tstalled",
        "E3\tAttribution-no-source:T9 Cue:T9 Content:T10 Content2:T11",
        "T12\tDiscard 0 1\t“",
    ]
    if annotator_note:
        lines.append("#1\tAnnotatorNotes T7\tcheck the date")
    return "\n".join(lines) + "\n"


def test_events_become_claims_with_source_cue_and_fragments() -> None:
    doc = import_brat(TEXT, _ann(annotator_note=True), name="art_4b22")
    by_text = {a.text: a for a in doc.annotations}
    split = next(a for a in doc.annotations if a.start == Q1)
    assert (split.start, split.end) == (Q1, Q2E)
    assert split.label == "Attribution"
    assert (split.source_start, split.source_end) == (MIN, MIN + 12)
    parts = doc.parts[split.id]
    assert parts.fragments == ((Q1, Q1E), (Q2, Q2E))
    assert parts.cue == (SAID, SAID + 4)
    vote = by_text["the vote was delayed"]
    assert vote.note == "check the date"
    assert doc.parts[vote.id].fragments == ()  # continuous: no fragments stored
    hedge = next(a for a in doc.annotations if a.label == "Attribution-no-source")
    assert hedge.source_start is None
    assert [TEXT[a:b] for a, b in doc.parts[hedge.id].fragments] == ["The talks", "stalled"]
    assert len(doc.annotations) == 3
    assert any("1 span(s) that are part of no attribution (Discard)" in w
               for w in doc.warnings)


def test_export_writes_the_same_spans_back() -> None:
    doc = import_brat(TEXT, _ann(), name="art")
    _txt, ann = export_brat(doc)
    assert f"Attribution {Q1} {Q1E};{Q2} {Q2E}\t“We will sign,” “but not today.”" in ann
    assert f"Cue {SAID} {SAID + 4}\tsaid" in ann
    again = import_brat(TEXT, ann, name="art")
    assert [(a.id, a.start, a.end, a.source_start, a.source_end, a.label)
            for a in again.annotations] == \
        [(a.id, a.start, a.end, a.source_start, a.source_end, a.label)
         for a in doc.annotations]
    assert again.parts == doc.parts


def _corpus(folder: Path, annotators: list[str]) -> None:
    folder.mkdir()
    (folder / "art.txt").write_text(TEXT, encoding="utf-8")
    for name in annotators:
        (folder / f"art_{name}.ann").write_text(_ann(), encoding="utf-8")


def test_six_annotators_of_one_text_import_as_six_layers(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    layers = ["4b22", "4e07", "5fec", "6b86", "d473", "ef2d"]
    _corpus(tmp_path / "training", layers)
    report = interop.import_annotations(project, tmp_path / "training", fmt="brat",
                                        create_articles=True,
                                        label_map={"Attribution": "named_person",
                                                   "Attribution-no-source": "unattributed"})
    assert report.imported == 18 and len(report.article_ids and set(report.article_ids)) == 1
    aid = report.article_ids[0]
    stored = articles.load_annotations(project, aid)
    assert sorted({a.annotator for a in stored}) == layers
    with project.reading() as session:
        details = suggestion_crud.details(session=session, article_id=aid)
    split = [a for a in stored if a.start == Q1]
    assert len(split) == 6
    assert all(details[a.id].fragments == ((Q1, Q1E), (Q2, Q2E)) for a in split)
    assert all(details[a.id].cue == (SAID, SAID + 4) for a in split)
    assert {details[a.id].provenance for a in split} == {"imported"}

    # Export from the project writes fragments and cues back as they came in.
    out = tmp_path / "out"
    interop.export_annotations(project, "brat", out, article_id=aid)
    ann = (out / f"article-{aid}.ann").read_text(encoding="utf-8")
    assert ann.count(f" {Q1} {Q1E};{Q2} {Q2E}\t") == 6
    assert ann.count(f"Cue {SAID} {SAID + 4}\t") == 6


def test_one_annotators_file_imports_beside_the_shared_text(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _corpus(tmp_path / "c", ["ab12"])
    report = interop.import_annotations(project, tmp_path / "c" / "art_ab12.ann", fmt="brat",
                                        create_articles=True, add_labels=True)
    stored = articles.load_annotations(project, report.article_ids[0])
    assert {a.annotator for a in stored} == {"ab12"} and len(stored) == 3
