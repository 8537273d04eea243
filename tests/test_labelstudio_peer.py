"""Label Studio offsets checked against Label Studio itself: its end-to-end test's example,
its older (UTF-16) files, and label-studio-converter reading our export and writing CoNLL.

Facts from the peers' own source (see docs/formats.md for file and line):
Label Studio writes code points since label-studio-frontend PR #308 (``charsToCodePoints``
in ``src/utils/selection-tools.js``); its e2e test ``emoji.cy.ts`` expects "test" in
"🐱 Warning: This is a test text" at 21–25, and in the multi-line variant the region text
"Warning:\\n🐱 This is a test" (line break written as backslash + n) at 2–27.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.domain.formats import UNIT_UTF16, Document, FormatError
from annotator.domain.formats.labelstudio import (
    export_labelstudio,
    import_labelstudio,
    labelstudio_config,
    text_matches,
)
from annotator.domain.model import make_annotation

# web/libs/editor/tests/integration/data/ner/emoji.ts (simpleTextData, multilineTextData)
E2E_TEXT = "🐱 Warning: This is a test text"
E2E_MULTILINE = "🐱 Warning:\n🐱 This is a test text"


def task(text: str, start: int, end: int, region_text: str | None,
         label: str = "region") -> dict[str, object]:
    value: dict[str, object] = {"start": start, "end": end, "labels": [label]}
    if region_text is not None:
        value["text"] = region_text
    return {"id": 1, "data": {"text": text}, "annotations": [{"id": 1, "completed_by": 1,
            "result": [{"id": "a1", "from_name": "tag", "to_name": "text", "type": "labels",
                        "value": value}]}]}


def only(doc: Document) -> tuple[int, int, str]:
    (ann,) = doc.annotations
    return ann.start, ann.end, ann.text


def test_labelstudio_e2e_example_is_code_points() -> None:
    (doc,) = import_labelstudio(json.dumps([task(E2E_TEXT, 21, 25, "test")]))
    assert only(doc) == (21, 25, "test") and doc.warnings == []


def test_labelstudio_e2e_multiline_with_escaped_line_break() -> None:
    (doc,) = import_labelstudio(json.dumps([
        task(E2E_MULTILINE, 2, 27, "Warning:\\n🐱 This is a test")]))
    assert only(doc) == (2, 27, "Warning:\n🐱 This is a test") and doc.warnings == []


def test_export_is_what_label_studio_writes() -> None:
    start = E2E_MULTILINE.index("Warning")
    ann = make_annotation(article_id=1, article_text=E2E_MULTILINE, annotator="ana",
                          label="region", start=start, end=start + 25,
                          now="2024-01-01T00:00:00.000000Z")
    (exported,) = json.loads(export_labelstudio([Document(E2E_MULTILINE, [ann], {"id": 1})]))
    value = exported["annotations"][0]["result"][0]["value"]
    assert value == {"start": 2, "end": 27, "text": "Warning:\\n🐱 This is a test",
                     "labels": ["region"]}


def test_legacy_utf16_file_imports_and_is_reported() -> None:
    (doc,) = import_labelstudio(json.dumps([task(E2E_TEXT, 22, 26, "test")]))
    assert only(doc) == (21, 25, "test")
    (warning,) = doc.warnings
    assert "offsets read as UTF-16 units for 1 region(s)" in warning
    assert "task #1 (id 1), annotation #1, result #1" in warning


def test_our_earlier_utf16_exports_are_read_as_stated() -> None:
    t = task(E2E_TEXT, 22, 26, None)
    t["meta"] = {"annotator_export": {"offset_unit": UNIT_UTF16}}
    (doc,) = import_labelstudio(json.dumps([t]))
    assert only(doc) == (21, 25, "test")
    assert "the file says so" in doc.warnings[0]


def test_offsets_without_text_are_code_points() -> None:
    (doc,) = import_labelstudio(json.dumps([task(E2E_TEXT, 21, 25, None)]))
    assert only(doc) == (21, 25, "test") and doc.warnings == []


def test_text_matching_neither_unit_is_refused() -> None:
    with pytest.raises(FormatError, match=r"result #1: span 21–25 should contain 'best'"):
        import_labelstudio(json.dumps([task(E2E_TEXT, 21, 25, "best")]))
    with pytest.raises(FormatError, match=r"outside the text"):
        import_labelstudio(json.dumps([task(E2E_TEXT, 21, 99, "test")]))


def test_text_is_compared_tolerant_of_line_breaks_and_trimming() -> None:
    assert text_matches("a\nb", "a\\nb")
    assert text_matches("a\r\nb", "a\\n\\nb")
    assert text_matches(" padded\n", "padded")
    assert not text_matches("a b", "a c")
    # code points on CRLF text: the raw offsets count the \r
    raw = "🐱 one\r\ntwo 😀 three"
    start = raw.index("three")
    (doc,) = import_labelstudio(json.dumps([task(raw, start, start + 5, "three")]))
    assert only(doc)[2] == "three"


# -- label-studio-converter, Label Studio's own converter ---------------------------------

CONVERTER_TEXT = "😀 𠀋 👨‍👩‍👧 and 🇺🇳: Officials said the dam is safe, engineers agree."


def _export_for_converter(tmp_path: Path) -> tuple[Path, Path, Document]:
    text = CONVERTER_TEXT
    anns = []
    for phrase, label in (("Officials", "official"), ("the dam is safe", "claim"),
                          ("engineers", "official")):
        start = text.index(phrase)
        anns.append(make_annotation(article_id=1, article_text=text, annotator="ana",
                                    label=label, start=start, end=start + len(phrase),
                                    now="2024-01-01T00:00:00.000000Z"))
    doc = Document(text, anns, {"id": 1, "title": "t"})
    out = tmp_path / "tasks.json"
    out.write_text(export_labelstudio([doc]), encoding="utf-8")
    config = tmp_path / "config.xml"
    config.write_text(labelstudio_config(["official", "claim"]), encoding="utf-8")
    return out, config, doc


def test_label_studio_converter_reads_our_spans(tmp_path: Path) -> None:
    from label_studio_converter import Converter

    out, config, doc = _export_for_converter(tmp_path)
    converter = Converter(str(config), project_dir=None, download_resources=False)
    (item,) = list(converter.iter_from_json_file(str(out)))
    spans = item["output"]["label"]
    text = item["input"]["text"]
    assert sorted((s["start"], s["end"], s["labels"][0]) for s in spans) == \
        sorted((a.start, a.end, a.label) for a in doc.annotations)
    for span in spans:  # the converter slices Python strings: code points
        assert text[span["start"]:span["end"]] == span["text"]


def test_round_trip_through_label_studio_converter_to_conll(tmp_path: Path) -> None:
    from label_studio_converter import Converter

    out, config, _doc = _export_for_converter(tmp_path)
    converter = Converter(str(config), project_dir=None, download_resources=False)
    converter.convert_to_conll2003(str(out), str(tmp_path / "conll"), is_dir=False)
    lines = (tmp_path / "conll" / "result.conll").read_text(encoding="utf-8").splitlines()
    tags = {}
    for line in lines[1:]:
        if line.strip():
            token, _x, _underscore, tag = line.split(" ")
            tags.setdefault(token, tag)
    assert tags["Officials"] == "B-official"
    assert [tags[w] for w in ("the", "dam", "is", "safe")] == \
        ["B-claim", "I-claim", "I-claim", "I-claim"]
    assert tags["said"] == "O" and tags["engineers"] == "B-official" and tags["agree"] == "O"
    # and the file still imports to the same spans
    (back,) = import_labelstudio(out.read_bytes())
    assert back.warnings == []
    assert sorted(a.text for a in back.annotations) == ["Officials", "engineers",
                                                        "the dam is safe"]
