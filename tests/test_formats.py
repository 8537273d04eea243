"""Format converters: lossless round trips on hostile text, strict imports."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.domain.errors import UserInputError
from annotator.domain.facets import AdmiraltyCredibility, Facets, Named, QuoteType
from annotator.domain.facets_codec import encode_facets
from annotator.domain.formats import Document, FormatError
from annotator.domain.formats.brat import (
    brat_paths,
    export_brat,
    import_brat,
    read_brat,
    safe_path,
    write_brat,
)
from annotator.domain.formats.doccano import export_doccano, import_doccano
from annotator.domain.formats.labelstudio import (
    SOURCE_LABEL,
    export_labelstudio,
    import_labelstudio,
    labelstudio_config,
)
from annotator.domain.formats.w3c import export_w3c, import_w3c
from annotator.domain.model import Annotation, make_annotation
from annotator.domain.reanchor import AnchorStatus
from annotator.domain.text_import import normalise_newlines

HOSTILE = normalise_newlines(
    "Headline 😀 with emoji\r\n"
    "CJK extension B: 𠀋𠀌 and combining marks: cafe\u0301 re\u0301sume\u0301.\r\n"
    "Arabic: قال المتحدث إن الخطة ستمضي قدما. Hebrew: אמר הדובר שהתוכנית תתקדם.\r\n"
    "NBSP:\u00a0here\u00a0and a line separator\u2028then next-line \u0085 and a\ttab.\r"
    "Officials said 😀😀 the dam is safe, according to the engineer.\r\n"
    "Quote with \"double\", 'single', \\ backslash, % percent and {braces}.\n"
)
META = {"id": 42, "title": "Dam 😀 report", "outlet": "Gazette", "url": "https://example.org/a?b=1",
        "published": "2024-05-01", "sha256": "abc"}


def span_of(text: str, piece: str) -> tuple[int, int]:
    start = text.index(piece)
    return start, start + len(piece)


def make(text: str, piece: str, *, label: str = "named", annotator: str = "ana",
         source: str | None = None, note: str = "", stamp: str = "2024-05-02T10:00:00.000000Z",
         ) -> Annotation:
    start, end = span_of(text, piece)
    return make_annotation(
        article_id=42, article_text=text, annotator=annotator, label=label, start=start, end=end,
        note=note, source=span_of(text, source) if source else None, now=stamp,
    )


def hostile_document() -> Document:
    t = HOSTILE
    anns = [
        make(t, "Headline 😀 with", note="emoji inside\nsecond line\twith tab \\ and %"),
        make(t, "𠀋𠀌", label="anonymous", annotator="ben lee"),
        make(t, "cafe\u0301", label="unnamed"),
        make(t, "cafe"[:3]),  # ends before a base letter that later carries a combining mark
        make(t, "قال المتحدث إن الخطة", label="official", source="المتحدث"),
        make(t, "אמר הדובר", annotator="ben lee"),
        make(t, "here\u00a0and a line separator\u2028then", note="NBSP and U+2028"),
        make(t, "the dam is safe", source="Officials", note="source before 😀😀"),
        make(t, "according to the engineer", source="Officials", label="official"),
        make(t, "a\ttab.\nOfficials", label="unnamed", annotator="zoë"),
        make(t, "\"double\", 'single', \\ backslash, % percent"),
    ]
    facets = {
        0: Facets(quote_type=QuoteType.DIRECT, affiliation="Ministry of Water 😀 100%",
                  hedge=True, source_count=3),
        4: Facets(named=Named.UNNAMED, country="مصر", source_count="several",
                  admiralty_credibility=AdmiraltyCredibility.PROBABLY_TRUE, hedge=False),
        7: Facets(nested_in=anns[8].id, corroborated_by=(anns[4].id, anns[0].id),
                  affiliation="a\ttab, a % and a\nnewline"),
    }
    for i, f in facets.items():
        anns[i] = anns[i]._replace(facets=encode_facets(f))
    anns[8] = anns[8]._replace(annotator="reviewed", reviewed_by="carla",
                               reviewed_at="2024-06-01T00:00:00.000000Z", origin_id=anns[7].id,
                               version=4)
    return Document(text=t, annotations=anns, meta=dict(META))


def same(a: list[Annotation], b: list[Annotation]) -> None:
    assert sorted(a, key=lambda x: x.sort_key) == sorted(b, key=lambda x: x.sort_key)


def utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


# -- round trips ------------------------------------------------------------------------


def test_hostile_text_really_is_hostile() -> None:
    assert "\r" not in HOSTILE and "😀" in HOSTILE and "\u2028" in HOSTILE
    assert len(HOSTILE.encode("utf-16-le")) // 2 > len(HOSTILE)


def test_doccano_round_trip() -> None:
    doc = hostile_document()
    content = export_doccano([doc, Document(text="Second 😀 doc.", meta={"id": 43})])
    assert content.count("\n") == 2  # one line per document, despite U+2028 in the text
    back = import_doccano(content.encode("utf-8"))
    assert len(back) == 2
    same(back[0].annotations, doc.annotations)
    assert back[0].text == doc.text
    assert back[0].meta["title"] == META["title"]
    assert back[1].annotations == [] and back[1].text == "Second 😀 doc."


def test_doccano_offsets_are_utf16_and_stated() -> None:
    doc = hostile_document()
    record = json.loads(export_doccano([doc]).splitlines()[0])
    assert "utf-16" in record["annotator_export"]["offset_unit"]
    by_start = sorted(doc.annotations, key=lambda a: a.sort_key)
    for (s16, e16, label), ann in zip(record["label"], by_start, strict=True):
        assert (s16, e16) == (utf16(doc.text, ann.start), utf16(doc.text, ann.end))
        assert label == ann.label
        # What a JavaScript client would slice:
        units = doc.text.encode("utf-16-le")[2 * s16:2 * e16].decode("utf-16-le")
        assert units == ann.text


def test_doccano_plain_file_without_our_metadata() -> None:
    text = "😀 Mayor said yes.\r\nThe mayor said no."
    # doccano counted the CRLF as two characters and the emoji as two units.
    line = json.dumps({"id": 9, "text": text, "label": [[3, 8, "PER"], [24, 29, "PER"]]})
    (doc,) = import_doccano(line + "\n")
    assert [a.text for a in doc.annotations] == ["Mayor", "mayor"]
    assert doc.text == "😀 Mayor said yes.\nThe mayor said no."
    assert all(uuid.UUID(a.id) for a in doc.annotations)
    assert doc.meta == {"doccano_id": 9}
    # Stable ids: the same file imports to the same ids.
    assert [a.id for a in import_doccano(line)[0].annotations] == [a.id for a in doc.annotations]
    assert any("newlines" in w for w in doc.warnings)


def test_doccano_span_deleted_in_doccano_is_dropped_with_a_warning() -> None:
    doc = hostile_document()
    record = json.loads(export_doccano([doc]))
    record["label"].pop(0)
    (back,) = import_doccano(json.dumps(record))
    assert len(back.annotations) == len(doc.annotations) - 1
    assert any("no longer appear" in w for w in back.warnings)


def test_labelstudio_round_trip() -> None:
    doc = hostile_document()
    content = export_labelstudio([doc])
    (back,) = import_labelstudio(content)
    same(back.annotations, doc.annotations)
    assert back.text == doc.text


def test_labelstudio_layout_offsets_and_ids() -> None:
    doc = hostile_document()
    (task,) = json.loads(export_labelstudio([doc]))
    assert task["data"]["text"] == doc.text
    assert "code points" in task["meta"]["annotator_export"]["offset_unit"]
    assert len(task["annotations"]) == 4  # ana, ben lee, reviewed, zoë
    regions = {r["id"]: r for a in task["annotations"] for r in a["result"]
               if r["type"] == "labels"}
    for ann in doc.annotations:
        value = regions[ann.id]["value"]
        assert (value["start"], value["end"]) == (ann.start, ann.end)
        # line breaks written as Label Studio writes them (selection-tools.js)
        assert value["text"] == ann.text.replace("\n", "\\n") and value["labels"] == [ann.label]
        if ann.note:
            assert regions[ann.id]["meta"] == {"text": [ann.note]}
    relations = [r for a in task["annotations"] for r in a["result"] if r["type"] == "relation"]
    assert len(relations) == sum(1 for a in doc.annotations if a.has_source)
    for rel in relations:
        assert regions[rel["to_id"]]["value"]["labels"] == [SOURCE_LABEL]
    config = labelstudio_config(["named", "official"])
    assert 'value="Source mention"' in config and "<Relations>" in config


def test_labelstudio_native_export_without_our_metadata() -> None:
    text = "💩This is an annotation."
    native = [{
        "id": 1, "data": {"text": text},
        "annotations": [{"id": 2, "completed_by": 7, "created_at": "2021-08-23T12:19:18Z",
                         "result": [{"id": "gew3t9fgkg", "from_name": "label", "to_name": "text",
                                     "type": "labels",
                                     "value": {"start": 13, "end": 23, "text": "annotation",
                                               "labels": ["Annotation"]}}]}],
    }]
    # A Label Studio file from before code points (UTF-16 offsets, Label Studio issue #1347):
    # "annotation" is at 13–23 in UTF-16 units, at 12–22 in code points.
    (doc,) = import_labelstudio(json.dumps(native))
    (ann,) = doc.annotations
    assert (ann.start, ann.end, ann.text) == (12, 22, "annotation")
    assert ann.annotator == "labelstudio-user-7" and ann.created_at == "2021-08-23T12:19:18Z"
    (warning,) = doc.warnings
    assert "task #1 (id 1): offsets read as UTF-16 units for 1 region(s)" in warning
    assert "older Label Studio" in warning


def test_w3c_round_trip_and_layout() -> None:
    doc = hostile_document()
    content = export_w3c(doc)
    data = json.loads(content)
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection" and data["total"] == len(doc.annotations)
    assert "code points" in data["annotator_export"]["offset_unit"]
    item = data["first"]["items"][0]
    kinds = {s["type"] for s in item["target"]["selector"]}
    assert kinds == {"TextPositionSelector", "TextQuoteSelector"}
    assert item["target"]["source"] == META["url"]
    purposes = {b.get("purpose") for b in item["body"]}
    assert {"tagging", "commenting", "describing"} <= purposes
    reviewed = next(i for i in data["first"]["items"] if "annotator_export" in i)
    assert reviewed["annotator_export"]["reviewed_by"] == "carla"
    result = import_w3c(content, doc.text)
    same(result.document.annotations, doc.annotations)
    assert {a.status for a in result.anchorings.values()} == {AnchorStatus.EXACT}
    assert result.needs_review == [] and result.orphaned == []


def test_w3c_positions_are_code_points() -> None:
    doc = hostile_document()
    data = json.loads(export_w3c(doc))
    for item, ann in zip(data["first"]["items"], sorted(doc.annotations, key=lambda a: a.sort_key),
                         strict=True):
        pos = next(s for s in item["target"]["selector"] if s["type"] == "TextPositionSelector")
        assert doc.text[pos["start"]:pos["end"]] == ann.text


def test_w3c_import_reanchors_on_a_new_version() -> None:
    doc = hostile_document()
    content = export_w3c(doc)
    new_text = "Correction appended at the top.\n" + doc.text.replace(
        "Quote with \"double\", 'single', \\ backslash, % percent and {braces}.\n", ""
    ).replace("the dam is safe", "the dam is  safe")
    result = import_w3c(content, new_text)
    statuses = {aid: a.status for aid, a in result.anchorings.items()}
    orphan = next(a for a in doc.annotations if a.text.startswith('"double"'))
    assert statuses[orphan.id] is AnchorStatus.ORPHANED
    assert result.orphaned == [orphan.id]
    dam = next(a for a in doc.annotations if a.text == "the dam is safe")
    assert statuses[dam.id] is AnchorStatus.MOVED  # whitespace only
    placed = {a.id: a for a in result.document.annotations}
    assert orphan.id not in placed
    assert placed[dam.id].text == "the dam is  safe"
    officials = span_of(new_text, "Officials")
    assert (placed[dam.id].source_start, placed[dam.id].source_end) == officials
    for ann in doc.annotations:
        if ann.id not in (orphan.id, dam.id):
            assert statuses[ann.id] is AnchorStatus.MOVED
            new = placed[ann.id]
            assert new_text[new.start:new.end] == ann.text == new.text
            assert new.facets == ann.facets and new.note == ann.note
            if ann.start < dam.start:
                assert new.start == ann.start + len("Correction appended at the top.\n")
    assert any("re-anchored" in w for w in result.document.warnings)


def test_brat_round_trip_and_layout() -> None:
    doc = hostile_document()
    txt, ann = export_brat(doc)
    assert txt == doc.text
    lines = ann.splitlines()
    assert all("\t" in line for line in lines)
    assert len(ann.split("\n")) == len(lines) + 1  # no stray line breaks inside fields
    t_lines = [line for line in lines if line.startswith("T")]
    for line in t_lines:
        _tid, middle, span_text = line.split("\t", 2)
        _type, s, e = middle.split(" ")
        expected = doc.text[int(s):int(e)]
        for ch in "\n\u2028\x85":
            expected = expected.replace(ch, " ")
        assert span_text == expected
    assert any(line.startswith("R1\tSource Arg1:T") for line in lines)
    assert any(line.startswith("A") and "\taffiliation " in line and "Water%20😀%20100%25" in line
               for line in lines)
    assert any(line.startswith("A") and "\tsource_count " in line and line.endswith(" 3")
               for line in lines)
    assert any("\tAnnotatorNotes " in line for line in lines)
    back = import_brat(txt.encode("utf-8"), ann.encode("utf-8"), meta=dict(META))
    same(back.annotations, doc.annotations)
    # Both claims sourced by "Officials" share one SourceMention entity.
    assert sum(1 for line in t_lines if "\tSourceMention " in line) == 2


def test_brat_files_round_trip(tmp_path: Path) -> None:
    doc = hostile_document()
    txt_path, ann_path = write_brat(tmp_path, "2024/dam-report", doc)
    assert txt_path == tmp_path / "2024" / "dam-report.txt"
    assert txt_path.read_bytes() == doc.text.encode("utf-8")  # LF, no BOM
    back = read_brat(tmp_path, "2024/dam-report.ann", article_id=42)
    same(back.annotations, doc.annotations)
    with pytest.raises(FormatError, match="already exists"):
        write_brat(tmp_path, "2024/dam-report", doc)
    write_brat(tmp_path, "2024/dam-report", doc, overwrite=True)
    assert not [p for p in (tmp_path / "2024").iterdir() if p.name.startswith(".tmp")]


def test_brat_foreign_file_with_crlf_counted_offsets() -> None:
    txt = b"Line one.\r\nThe minister said C:\\temp is fine.\r\n"
    # Offsets counted on the raw text (CRLF = 2 characters).
    ann = "T1\tClaim 11 23\tThe minister\nT2\tClaim 24 28\tsaid\n#1\tAnnotatorNotes T1\tC:\\temp\n"
    doc = import_brat(txt, ann, name="foreign")
    assert [a.text for a in doc.annotations] == ["The minister", "said"]
    assert doc.annotations[0].note == "C:\\temp"  # foreign notes are taken literally
    assert any("two characters" in w for w in doc.warnings)


# -- property-based round trips --------------------------------------------------------

ALPHABET = st.sampled_from(list("ab \n\t.😀𠀋é\u0301ع\u00a0\u2028%\\\"'{"))


@st.composite
def documents(draw: st.DrawFn) -> Document:
    text = draw(st.text(alphabet=ALPHABET, min_size=1, max_size=60))
    n = draw(st.integers(0, 4))
    anns = []
    for i in range(n):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        source = None
        if draw(st.booleans()):
            ss = draw(st.integers(0, len(text) - 1))
            source = (ss, draw(st.integers(ss + 1, len(text))))
        anns.append(make_annotation(
            article_id=7, article_text=text, annotator=draw(st.sampled_from(["a", "b c", "ü"])),
            label=draw(st.sampled_from(["named", "anonymous"])), start=start, end=end,
            note=draw(st.text(alphabet=ALPHABET, max_size=10)), source=source,
            annotation_id=str(uuid.UUID(int=i + 1)), now="2024-01-01T00:00:00.000000Z",
        ))
    anns = [
        a._replace(facets=encode_facets(Facets(
            affiliation=draw(st.text(alphabet=ALPHABET, min_size=1, max_size=5)),
            source_count=draw(st.sampled_from([1, 2, "several", "unknown"])),
            hedge=draw(st.sampled_from([None, True, False])),
        ))) if draw(st.booleans()) else a
        for a in anns
    ]
    return Document(text=text, annotations=anns, meta={"id": 7})


def _via_doccano(doc: Document) -> Document:
    return import_doccano(export_doccano([doc]))[0]


def _via_labelstudio(doc: Document) -> Document:
    return import_labelstudio(export_labelstudio([doc]))[0]


def _via_w3c(doc: Document) -> Document:
    result = import_w3c(export_w3c(doc), doc.text)
    assert {a.status for a in result.anchorings.values()} <= {AnchorStatus.EXACT}
    return result.document


def _via_brat(doc: Document) -> Document:
    return import_brat(*export_brat(doc), article_id=7)


@pytest.mark.parametrize("convert", [_via_doccano, _via_labelstudio, _via_w3c, _via_brat],
                         ids=["doccano", "labelstudio", "w3c", "brat"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents())
def test_property_round_trip(convert: Callable[[Document], Document], doc: Document) -> None:
    back = convert(doc)
    same(back.annotations, doc.annotations)


# -- hostile inputs -------------------------------------------------------------------


def doccano_line(**over: object) -> str:
    record: dict[str, object] = {"id": 1, "text": "Hello 😀 world", "label": [[0, 5, "X"]]}
    record.update(over)
    return json.dumps(record)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (doccano_line() + "\n" + doccano_line(id=2)[:-9], r"line 2: not valid JSON.*truncated"),
        (doccano_line() + "\n" + doccano_line(id=1), r"line 2: duplicate document id '1'"),
        (json.dumps({"label": []}), r"line 1: missing field 'text'"),
        (json.dumps({"text": "abc"}), r"line 1: missing field 'label'"),
        (doccano_line(label=[[5, 2, "X"]]), r"line 1, label #1: .*ends \(2\) before it starts"),
        (doccano_line(label=[[0, 99, "X"]]), r"line 1, label #1: .*outside the text"),
        (doccano_line(label=[[0, 7, "X"]]), r"line 1, label #1: .*inside a character"),
        (doccano_line(label=[[0, 2, ""]]), r"line 1, label #1: the label must be"),
        (doccano_line(label=[[0, "2", "X"]]), r"line 1, label #1: span end must be an integer"),
        (doccano_line(label=[[0, 2]]), r"line 1, label #1: expected \[start, end"),
        (doccano_line(entities=[], label=None) .replace(', "label": null', ""), r"relation"),
        ("[1, 2]", r"line 1: expected a JSON object"),
        ("", r"no records"),
    ],
)
def test_doccano_hostile(content: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        import_doccano(content)


def test_doccano_hostile_metadata() -> None:
    record = json.loads(export_doccano([hostile_document()]))
    first = record["annotator_export"]["annotations"][0]
    first["text"] = "something else"
    with pytest.raises(FormatError, match=r"line 1, annotation metadata #1: .*should contain"):
        import_doccano(json.dumps(record))
    record = json.loads(export_doccano([hostile_document()]))
    record["annotator_export"]["annotations"][1]["id"] = \
        record["annotator_export"]["annotations"][0]["id"]
    with pytest.raises(FormatError, match=r"duplicate annotation id"):
        import_doccano(json.dumps(record))
    record = json.loads(export_doccano([hostile_document()]))
    record["annotator_export"]["annotations"][0]["source"] = [3, 999]
    with pytest.raises(FormatError, match=r"annotation metadata #1: source span .*outside"):
        import_doccano(json.dumps(record))


def test_doccano_not_utf8() -> None:
    with pytest.raises(FormatError, match=r"not valid UTF-8 \(bad byte 0xff at offset 3\)"):
        import_doccano(b'{"t\xff')


def test_format_error_is_a_user_input_error() -> None:
    assert issubclass(FormatError, UserInputError)


def ls_task(**value: object) -> dict[str, object]:
    region_value: dict[str, object] = {"start": 0, "end": 5, "text": "Hello", "labels": ["X"]}
    region_value.update(value)
    return {"id": 1, "data": {"text": "Hello 😀 world"}, "annotations": [{"result": [
        {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
         "value": region_value}]}]}


@pytest.mark.parametrize(
    ("tasks", "message"),
    [
        (json.dumps([ls_task()])[:-5], r"Label Studio file: not valid JSON.*truncated"),
        ([ls_task(), {"id": 2, "data": {"html": "x"}}], r"task #2 \(id 2\): 'data' has no 'text'"),
        ([ls_task(), ls_task()], r"task #2 \(id 1\): duplicate task id"),
        ([ls_task(start=9, end=2)], r"task #1 .*result #1: .*ends \(2\) before it starts"),
        ([ls_task(end=50)], r"result #1: .*outside the text"),
        ([ls_task(text="Jello")], r"result #1: span 0–5 should contain 'Jello'"),
        ([ls_task(labels=["X", "Y"])], r"result #1: a region needs exactly one label"),
        ([ls_task(start=None)], r"result #1: 'start' must be an integer"),
        ({"not": "tasks"}, r"expected a list of tasks"),
        ([], r"no tasks"),
    ],
)
def test_labelstudio_hostile(tasks: object, message: str) -> None:
    content = tasks if isinstance(tasks, str) else json.dumps(tasks)
    with pytest.raises(FormatError, match=message):
        import_labelstudio(content)


def test_labelstudio_hostile_relations_and_duplicates() -> None:
    doc = hostile_document()
    tasks = json.loads(export_labelstudio([doc]))
    rel = next(r for a in tasks[0]["annotations"] for r in a["result"] if r["type"] == "relation")
    rel["to_id"] = "nowhere"
    with pytest.raises(FormatError, match=r"relation refers to unknown region 'nowhere'"):
        import_labelstudio(json.dumps(tasks))
    tasks = json.loads(export_labelstudio([doc]))
    tasks.append(json.loads(export_labelstudio([doc]))[0] | {"id": 99})
    with pytest.raises(FormatError, match=r"task #2 \(id 99\).*duplicate annotation id"):
        import_labelstudio(json.dumps(tasks))
    tasks = json.loads(export_labelstudio([doc]))
    for a in tasks[0]["annotations"]:
        a["result"] = [r for r in a["result"] if r["type"] != "relation"]
    with pytest.raises(FormatError, match=r"'Source mention' region is not linked"):
        import_labelstudio(json.dumps(tasks))


def w3c_doc(*items: dict[str, object]) -> str:
    return json.dumps({"@context": "http://www.w3.org/ns/anno.jsonld",
                       "type": "AnnotationCollection",
                       "first": {"type": "AnnotationPage", "items": list(items)}})


def w3c_item(n: int = 1, **over: object) -> dict[str, object]:
    item: dict[str, object] = {
        "id": f"urn:uuid:{uuid.UUID(int=n)}", "type": "Annotation",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "named"}],
        "target": {"source": "urn:x", "selector": [
            {"type": "TextPositionSelector", "start": 0, "end": 5}]},
    }
    item.update(over)
    return item


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (w3c_doc(w3c_item())[:-10], r"W3C file: not valid JSON.*truncated"),
        (w3c_doc(w3c_item(), w3c_item()), r"item #2 .*duplicate annotation id"),
        (w3c_doc(w3c_item(body=[])), r"item #1 .*no body with purpose 'tagging'"),
        (w3c_doc(w3c_item(), {"type": "Annotation"}), r"item #2: missing field 'id'"),
        (w3c_doc(w3c_item(target={"source": "urn:x", "selector": [
            {"type": "TextPositionSelector", "start": 0, "end": 500}]})),
         r"item #1 .*outside the article .* no TextQuoteSelector"),
        (w3c_doc(w3c_item(target={"source": "urn:x", "selector": [
            {"type": "TextPositionSelector", "start": 5, "end": 2}]})),
         r"item #1 .*invalid position 5–2"),
        (w3c_doc(w3c_item(target="urn:x")), r"item #1 .*bare IRI"),
        (w3c_doc(w3c_item(), w3c_item(2, target={"source": "urn:y", "selector": {
            "type": "TextQuoteSelector", "exact": "Hello"}})), r"item #2 .*import one article"),
        (w3c_doc(w3c_item(body=[
            {"type": "TextualBody", "purpose": "tagging", "value": "a"},
            {"type": "TextualBody", "purpose": "tagging", "value": "b"}])),
         r"item #1 .*body #2: a second label"),
        (json.dumps({"type": "Nothing"}), r"expected an AnnotationCollection"),
    ],
)
def test_w3c_hostile(content: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        import_w3c(content, "Hello world")


def test_w3c_minimal_foreign_annotations() -> None:
    quote_only = w3c_item(2, target={"source": "urn:x", "selector": {
        "type": "TextQuoteSelector", "exact": "world", "prefix": "Hello "}},
        creator="https://example.org/people/zoe")
    result = import_w3c(w3c_doc(w3c_item(), quote_only), "Hello world", article_id=3)
    a, b = sorted(result.document.annotations, key=lambda x: x.start)
    assert (a.text, a.article_id) == ("Hello", 3)
    assert (b.text, b.annotator) == ("world", "https://example.org/people/zoe")
    assert result.anchorings[b.id].status is AnchorStatus.MOVED  # no position given


BRAT_TXT = "The minister said the dam is safe.\n"


@pytest.mark.parametrize(
    ("ann", "message"),
    [
        ("T1\tClaim 0 3;4 12\tThe mini", r"line 1: span 0–12 should contain 'The mini'"),
        ("T1\tClaim 0 3;4\tThe", r"line 1: expected 'Type start end\[;start end...\]'"),
        ("T1\tClaim 0 3\tThe\nE1\tAttribution:T1 Content:T9", r"line 2: refers to 'T9'"),
        ("E1\tAttribution:T1 Target:T1", r"line 1: event role\(s\) Target not understood"),
        ("T1\tClaim 0 3\tThe\nT1\tClaim 4 12\tminister", r"line 2: duplicate brat id 'T1'"),
        ("T1\tClaim 0 3\tTha", r"line 1: span 0–3 should contain 'Tha'"),
        ("T1\tClaim 0 300\tThe", r"line 1: span 0–300 is outside the text"),
        ("T1\tClaim 5 3\tx", r"line 1: span ends \(3\) before it starts \(5\)"),
        ("T1\tClaim -1 3\tx", r"line 1: offsets must be whole numbers"),
        ("T1\tClaim 0 3", r"line 1: missing the span text field"),
        ("T1\tClaim 0 3\tThe\nR1\tSource Arg1:T1 Arg2:T9", r"line 2: refers to 'T9'"),
        ("T1\tClaim 0 3\tThe\nR1\tCauses Arg1:T1 Arg2:T1", r"line 2: relation type 'Causes'"),
        ("T1\tSourceMention 0 3\tThe", r"line 1: SourceMention T1 is not linked"),
        ("E1\tEvent:T1", r"line 1: event type 'Event' is not supported"),
        ("T1\tClaim 0 3\tThe\nA1\tNeg T7", r"line 2: attribute target 'T7'"),
        ("T1 Claim 0 3 The", r"line 1: expected tab-separated fields"),
        ("X1\tfoo", r"line 1: unknown annotation id"),
    ],
)
def test_brat_hostile(ann: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        import_brat(BRAT_TXT, ann, name="doc")


@pytest.mark.parametrize(
    "name",
    ["../escape", "a/../../b", "/etc/passwd", "C:\\x", "C:x", "..", ".", "", "a//b",
     "dir\\..\\x", "~/x", "con", "NUL.txt", "a/b.", "bad\x00name", "tab\tname", "x/ "],
)
def test_path_traversal_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(FormatError):
        safe_path(tmp_path, name)
    with pytest.raises(FormatError):
        brat_paths(tmp_path, name)


def test_symlink_escape_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    base = tmp_path / "base"
    base.mkdir()
    try:
        os.symlink(outside, base / "link")
    except OSError:
        pytest.skip("symbolic links not available")
    with pytest.raises(FormatError, match="leads outside"):
        write_brat(base, "link/doc", hostile_document())
    assert not list(outside.iterdir())
    assert safe_path(base, "sub/ok-name.txt") == base / "sub" / "ok-name.txt"


def test_exporting_a_broken_annotation_is_refused() -> None:
    doc = hostile_document()
    bad = doc.annotations[0]._replace(text="not the text")
    with pytest.raises(FormatError, match="should contain"):
        export_doccano([Document(text=doc.text, annotations=[bad])])
    dup = [doc.annotations[0], doc.annotations[0]]
    with pytest.raises(FormatError, match="duplicate annotation id"):
        export_w3c(Document(text=doc.text, annotations=dup))


def test_invalid_facets_are_refused_with_the_record() -> None:
    record = json.loads(export_doccano([hostile_document()]))
    record["annotator_export"]["annotations"][0]["facets"] = {"named": "bogus"}
    with pytest.raises(FormatError, match=r"line 1, annotation metadata #1: facet 'named'"):
        import_doccano(json.dumps(record))
    tasks = json.loads(export_labelstudio([hostile_document()]))
    first = next(iter(tasks[0]["meta"]["annotator_export"]["annotations"]))
    tasks[0]["meta"]["annotator_export"]["annotations"][first]["facets"] = {"colour": "red"}
    with pytest.raises(FormatError, match=r"task #1 .*unknown facet 'colour'"):
        import_labelstudio(json.dumps(tasks))
    bad_body = {"type": "TextualBody", "purpose": "describing", "format": "application/json",
                "value": "{\"source_count\": "}
    item = w3c_item(body=[{"type": "TextualBody", "purpose": "tagging", "value": "x"}, bad_body])
    with pytest.raises(FormatError, match=r"item #1 .*body #2 value: not valid JSON"):
        import_w3c(w3c_doc(item), "Hello world")
    with pytest.raises(FormatError, match=r"line 2: facet 'source_count'"):
        import_brat(BRAT_TXT, "T1\tClaim 0 3\tThe\nA1\tsource_count T1 0\n")


def test_brat_foreign_attributes_are_skipped_with_a_warning() -> None:
    doc = import_brat(BRAT_TXT, "T1\tClaim 4 12\tminister\nA1\tNegation T1\nA2\thedge T1\n")
    (ann,) = doc.annotations
    assert json.loads(ann.facets) == {"hedge": True}
    assert any("'Negation' is not a facet" in w for w in doc.warnings)


def test_exporting_invalid_stored_facets_is_refused() -> None:
    doc = hostile_document()
    broken = doc.annotations[0]._replace(facets='{"named": "nope"}')
    with pytest.raises(FormatError, match=r"annotation .*facet 'named'"):
        export_brat(Document(text=doc.text, annotations=[broken]))
