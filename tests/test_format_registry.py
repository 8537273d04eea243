"""The one format registry: every front end offers exactly its list, and its readers and
writers are the ones that run."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from annotator.cli import build_parser
from annotator.domain.formats import UNIT_CODE_POINTS, UNIT_UTF16, Document
from annotator.domain.formats.registry import (
    FORMATS,
    format_names,
    formats_for_extension,
    get_format,
)
from annotator.domain.formats.w3c import export_w3c
from annotator.services import interop

from .test_formats import hostile_document


def _choices(parser: argparse.ArgumentParser, command: str) -> list[str]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    action = next(a for a in sub.choices[command]._actions if a.dest == "format")
    return list(action.choices or [])


def test_names_are_unique_and_in_menu_order() -> None:
    assert format_names() == ("csv", "doccano", "labelstudio", "w3c", "brat")
    assert len(set(format_names())) == len(FORMATS)


def test_cli_choices_and_services_come_from_the_registry() -> None:
    parser = build_parser()
    assert _choices(parser, "export") == list(format_names())
    assert _choices(parser, "import") == list(format_names())
    assert interop.FORMATS == format_names() == interop.EXPORT_FORMATS


def test_window_export_menu_comes_from_the_registry() -> None:
    from annotator.qt.file_filters import EXPORT_FORMATS, export_title

    assert [f.name for f in EXPORT_FORMATS] == ["doccano", "labelstudio", "w3c", "brat"]
    ls = EXPORT_FORMATS[1]
    assert (export_title(ls), ls.name, ls.file_filter, ls.default_extension) == (
        "Label Studio JSON (code points)", "labelstudio", "Label Studio JSON (*.json)", ".json")
    assert export_title(EXPORT_FORMATS[0]) == "doccano JSONL (UTF-16 units)"
    assert export_title(EXPORT_FORMATS[3]) == "brat standoff folder (code points)"


def test_readers_and_writers_resolve_to_the_converters() -> None:
    from annotator.domain.formats import brat, doccano, labelstudio, w3c

    assert get_format("doccano").reader is doccano.import_doccano
    assert get_format("doccano").writer is doccano.export_doccano
    assert get_format("labelstudio").reader is labelstudio.import_labelstudio
    assert get_format("labelstudio").writer is labelstudio.export_labelstudio
    assert get_format("w3c").reader is w3c.import_w3c
    assert get_format("w3c").writer is w3c.write_w3c
    assert get_format("brat").reader is brat.read_brat
    assert get_format("brat").writer is brat.write_brat
    with pytest.raises(LookupError, match="project-level"):
        get_format("csv").reader  # noqa: B018
    with pytest.raises(KeyError, match="unknown format 'xml'"):
        get_format("xml")


def test_offset_units_filters_and_flags() -> None:
    assert get_format("doccano").offset_unit == UNIT_UTF16
    assert get_format("labelstudio").offset_unit == UNIT_CODE_POINTS
    assert get_format("labelstudio").unit_short == "code points"
    assert get_format("w3c").offset_unit == UNIT_CODE_POINTS
    assert get_format("brat").offset_unit == UNIT_CODE_POINTS
    assert get_format("csv").offset_unit == UNIT_CODE_POINTS
    assert get_format("doccano").file_filter == "doccano JSONL (*.jsonl *.ndjson)"
    assert get_format("w3c").default_extension == ".jsonld"
    assert get_format("brat").writes_folder and get_format("w3c").one_article_per_file
    assert [f.name for f in formats_for_extension(".JSON")] == ["labelstudio", "w3c"]
    for spec in FORMATS:
        assert spec.extensions and all(e.startswith(".") and e == e.lower()
                                       for e in spec.extensions)


def test_record_formats_round_trip_through_the_registry() -> None:
    docs = [hostile_document()]
    for name in ("doccano", "labelstudio"):
        spec = get_format(name)
        text = spec.writer(docs, indent=None)
        back = spec.reader(text.encode("utf-8"))
        assert sorted(back[0].annotations) == sorted(docs[0].annotations)


@pytest.mark.parametrize("name, fmt", [
    ("a.csv", "csv"), ("a.jsonl", "doccano"), ("a.ndjson", "doccano"), ("a.jsonld", "w3c"),
    ("a.ann", "brat"), ("a.txt", "brat"),
])
def test_infer_format_by_registry_extension(tmp_path: Path, name: str, fmt: str) -> None:
    path = tmp_path / name
    path.write_text("")
    assert interop.infer_format(path) == fmt


def test_infer_format_sniffs_json(tmp_path: Path) -> None:
    w3c = tmp_path / "w.json"
    w3c.write_text(export_w3c(hostile_document()), encoding="utf-8")
    ls = tmp_path / "l.json"
    ls.write_text(json.dumps([{"data": {"text": "x"}}]), encoding="utf-8")
    assert interop.infer_format(w3c) == "w3c"
    assert interop.infer_format(ls) == "labelstudio"
    with pytest.raises(Exception, match="cannot tell the format"):
        bad = tmp_path / "a.xml"
        bad.write_text("")
        interop.infer_format(bad)


def test_w3c_stream_is_the_whole_collection_dumped_at_once() -> None:
    doc = hostile_document()
    for indent in (2, None):
        streamed = export_w3c(doc, indent=indent)
        whole = json.loads(streamed)
        assert streamed == json.dumps(whole, ensure_ascii=False, indent=indent) \
            .replace("\u2028", "\\u2028").replace("\u0085", "\\u0085") + "\n"
        assert len(whole["first"]["items"]) == len(doc.annotations) == whole["total"]


def test_w3c_empty_export_writes_no_page() -> None:
    doc = Document(text="Nothing tagged.", meta={"id": 3, "title": "t"})
    data = json.loads(export_w3c(doc))
    assert data["total"] == 0 and "first" not in data
    page = json.loads(export_w3c(hostile_document()))["first"]
    assert page["id"].startswith("urn:uuid:") and page["partOf"] == \
        json.loads(export_w3c(hostile_document()))["id"]
