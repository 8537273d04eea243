"""Label Studio JSON task export, both directions.

A list of tasks::

    [{"id": 1, "data": {"text": "..."}, "meta": {"annotator_export": {...}},
      "annotations": [{"result": [{"id": "<our uuid>", "from_name": "label",
                                   "to_name": "text", "type": "labels",
                                   "value": {"start": 0, "end": 5, "text": "...",
                                             "labels": ["named"]}}, ...]}]}]

Offsets are **Unicode code points** of the task text, as Label Studio has written them
since label-studio-frontend PR #308 (October 2021): ``src/utils/selection-tools.js``
converts the browser's UTF-16 offsets with ``charsToCodePoints`` ("for external usage js
length should be converted to code points count"), and Label Studio's own end-to-end test
``web/libs/editor/tests/integration/e2e/ner/emoji.cy.ts`` expects "test" in
"🐱 Warning: This is a test text" at 21–25. label-studio-converter slices the task text
with Python string indices (``create_tokens_and_tags``), i.e. code points too.

A region's ``text`` is advisory: the offsets are authoritative. It is still compared
with the article (tolerant of whitespace and of the way Label Studio writes line breaks
in it: each ``\n``/``\r`` as the two characters ``\\n``, ``selection-tools.js``),
because it is how a file from an older Label Studio shows itself: before PR #308 the
offsets were UTF-16 units, so when the text does not match at the code-point offsets but
does at the same numbers read as UTF-16, those are used and the import says so. When
neither matches, the region is refused. Our own exports before this change stated
UTF-16 in the task ``meta`` and are read as UTF-16.

Mapping:

* one Label Studio *annotation* per annotator, so each analyst's work stays
  separate in Label Studio; our annotator name is kept in the task ``meta``
  (Label Studio's own ``completed_by`` is a numeric user id of *its* database);
* each of our annotations is a ``labels`` region whose result ``id`` is our UUID;
  the note is the region's ``meta.text`` (Label Studio's per-region note);
* the source mention is a region labelled :data:`SOURCE_LABEL` linked from the
  claim by a ``relation`` result, so it is visible and editable in Label Studio.
  :func:`labelstudio_config` writes a matching labelling configuration;
* facets, timestamps and review fields live in the task ``meta`` only.

On import the regions and relations are authoritative (they are what a person can
edit in Label Studio); the ``meta`` block only supplies what Label Studio cannot
hold. Regions without our metadata get stable ids derived from theirs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from itertools import groupby
from typing import Any, TextIO
from xml.sax.saxutils import quoteattr

from annotator.domain.formats import (
    EXPORT_KEY,
    EXPORT_VERSION,
    UNIT_CODE_POINTS,
    UNIT_UTF16,
    Document,
    ExportChecker,
    FormatError,
    IdRegistry,
    NewlineMap,
    annotation_extras,
    article_id_of,
    article_meta,
    as_int,
    build_annotation,
    check_export,
    check_quote,
    check_span,
    decode_content,
    dump_json,
    get_str,
    normalise_id,
    parse_extras,
    parse_json,
    parse_source_id,
    require_list,
    require_object,
    sorted_annotations,
    split_at_markers,
    utf16_span_to_code_points,
)
from annotator.domain.model import Annotation
from annotator.domain.offsets import OffsetMap

FORMAT_NAME = "labelstudio-json"
SOURCE_LABEL = "Source mention"
"""Label of the regions that mark a claim's source mention."""
RELATION_LABEL = "source"
FROM_NAME = "label"
TO_NAME = "text"
SOURCE_SUFFIX = ":source"
"""Appended to the claim's id to name its source-mention region."""


def labelstudio_config(labels: Iterable[str]) -> str:
    """A labelling configuration (XML) that can display and edit an export."""
    values = [*dict.fromkeys(labels), SOURCE_LABEL]
    label_tags = "\n".join(f"    <Label value={quoteattr(v)}/>" for v in values)
    return (
        "<View>\n"
        "  <Relations>\n"
        f"    <Relation value={quoteattr(RELATION_LABEL)}/>\n"
        "  </Relations>\n"
        f'  <Labels name="{FROM_NAME}" toName="{TO_NAME}">\n'
        f"{label_tags}\n"
        "  </Labels>\n"
        f'  <Text name="{TO_NAME}" value="$text"/>\n'
        "</View>\n"
    )


def labelstudio_text(text: str) -> str:
    """A span's text as Label Studio writes it in a region: line breaks as ``\\n``.

    ``selection-tools.js`` does ``selection.toString().replace(/[\n\r]/g, '\\n')``.
    """
    return text.replace("\r", "\\n").replace("\n", "\\n")


def _region(rid: str, start: int, end: int, text: str, label: str) -> dict[str, Any]:
    return {
        "id": rid,
        "from_name": FROM_NAME,
        "to_name": TO_NAME,
        "type": "labels",
        "origin": "manual",
        "value": {"start": start, "end": end, "text": labelstudio_text(text),
                  "labels": [label]},
    }


def export_labelstudio(documents: Iterable[Document], *, indent: int | None = 2) -> str:
    """JSON list of Label Studio tasks, one per document; offsets in code points."""
    tasks = []
    for n, doc in enumerate(documents, start=1):
        check_export(doc, where=f"document {n}")
        by_annotator: dict[str, list[Annotation]] = {}
        for ann in sorted_annotations(doc.annotations):
            by_annotator.setdefault(ann.annotator, []).append(ann)
        ls_annotations = []
        extra: dict[str, dict[str, Any]] = {}
        for k, (_name, anns) in enumerate(sorted(by_annotator.items()), start=1):
            result: list[dict[str, Any]] = []
            for ann in anns:
                region = _region(ann.id, ann.start, ann.end, ann.text, ann.label)
                if ann.note:
                    region["meta"] = {"text": [ann.note]}
                result.append(region)
                if ann.source_start is not None and ann.source_end is not None:
                    src_id = ann.id + SOURCE_SUFFIX
                    ss, se = ann.source_start, ann.source_end
                    result.append(_region(src_id, ss, se, doc.text[ss:se], SOURCE_LABEL))
                    result.append({
                        "from_id": ann.id, "to_id": src_id, "type": "relation",
                        "direction": "right", "labels": [RELATION_LABEL],
                    })
                extra[ann.id] = annotation_extras(ann)
                source_id = doc.sources.get(ann.id)
                if source_id and ann.source_start is not None:
                    extra[ann.id]["source_id"] = source_id
            stamps = [a.created_at for a in anns if a.created_at]
            updates = [a.updated_at for a in anns if a.updated_at]
            ls_ann: dict[str, Any] = {
                "id": k,
                "result": result,
                "was_cancelled": False,
                "ground_truth": False,
            }
            if stamps:
                ls_ann["created_at"] = min(stamps)
            if updates:
                ls_ann["updated_at"] = max(updates)
            ls_annotations.append(ls_ann)
        meta = article_meta(doc.meta)
        tasks.append({
            "id": meta.get("id", n),
            "data": {"text": doc.text, **{k: v for k, v in meta.items() if k != "id"}},
            "meta": {
                EXPORT_KEY: {
                    "format": FORMAT_NAME,
                    "version": EXPORT_VERSION,
                    "offset_unit": UNIT_CODE_POINTS,
                    "article": meta,
                    "annotations": extra,
                }
            },
            "annotations": ls_annotations,
            "predictions": [],
        })
    return dump_json(tasks, indent=indent) + "\n"


def write_labelstudio(
    tasks: Iterable[tuple[Document, Callable[[], Iterable[Annotation]]]],
    out: TextIO,
) -> int:
    """Stream Label Studio tasks to ``out``: byte for byte what
    ``export_labelstudio(documents, indent=None)`` returns, without holding the
    annotations (100k of them as objects and one JSON string took ~1 GB).

    Each task is a document (text, metadata, source ids; its ``annotations`` are not
    read) and a function returning its annotations ordered by annotator (code point
    order), then ``sort_key``. It is called twice — the metadata block comes before the
    regions — so it can be a streamed query. Returns the number of annotations written.
    """
    out.write("[")
    written = 0
    for n, (doc, ordered) in enumerate(tasks, start=1):
        if n > 1:
            out.write(", ")
        written += _write_task(doc, n, ordered, out)
    out.write("]\n")
    return written


def _write_task(doc: Document, n: int, ordered: Callable[[], Iterable[Annotation]],
                out: TextIO) -> int:
    """One task of :func:`write_labelstudio`: the task's JSON cut at two markers (the
    metadata block's ``annotations`` object and the task's ``annotations`` list) and
    those two filled in, one annotation at a time."""
    check = ExportChecker(doc.text, where=f"document {n}")
    meta = article_meta(doc.meta)
    extras_mark, anns_mark, result_mark = (f"stream-{uuid.uuid4().hex}" for _ in range(3))
    task = {
        "id": meta.get("id", n),
        "data": {"text": doc.text, **{k: v for k, v in meta.items() if k != "id"}},
        "meta": {EXPORT_KEY: {"format": FORMAT_NAME, "version": EXPORT_VERSION,
                              "offset_unit": UNIT_CODE_POINTS, "article": meta,
                              "annotations": extras_mark}},
        "annotations": anns_mark,
        "predictions": [],
    }
    head, middle, tail = split_at_markers(dump_json(task), extras_mark, anns_mark)
    out.write(head + "{")
    count = 0
    last: tuple[str, tuple[int, int, str]] | None = None
    for ann in ordered():
        check(ann)
        key = (ann.annotator, ann.sort_key)
        if last is not None and key < last:
            raise ValueError("write_labelstudio: annotations not in (annotator, position) order")
        last = key
        entry = annotation_extras(ann)
        source_id = doc.sources.get(ann.id)
        if source_id and ann.source_start is not None:
            entry["source_id"] = source_id
        out.write((", " if count else "") + dump_json(ann.id) + ": " + dump_json(entry))
        count += 1
    out.write("}" + middle + "[")
    text = doc.text
    written = 0
    for k, (_name, group) in enumerate(groupby(ordered(), key=lambda a: a.annotator),
                                       start=1):
        ls_ann: dict[str, Any] = {"id": k, "result": result_mark, "was_cancelled": False,
                                  "ground_truth": False}
        before = split_at_markers(dump_json(ls_ann), result_mark)[0]
        out.write((", " if k > 1 else "") + before + "[")
        first_created = last_updated = ""
        items = 0
        for ann in group:
            result = [_region(ann.id, ann.start, ann.end, ann.text, ann.label)]
            if ann.note:
                result[0]["meta"] = {"text": [ann.note]}
            if ann.source_start is not None and ann.source_end is not None:
                src_id = ann.id + SOURCE_SUFFIX
                ss, se = ann.source_start, ann.source_end
                result.append(_region(src_id, ss, se, text[ss:se], SOURCE_LABEL))
                result.append({"from_id": ann.id, "to_id": src_id, "type": "relation",
                               "direction": "right", "labels": [RELATION_LABEL]})
            for item in result:
                out.write((", " if items else "") + dump_json(item))
                items += 1
            if ann.created_at and (not first_created or ann.created_at < first_created):
                first_created = ann.created_at
            if ann.updated_at and ann.updated_at > last_updated:
                last_updated = ann.updated_at
            written += 1
        if first_created:
            ls_ann["created_at"] = first_created
        if last_updated:
            ls_ann["updated_at"] = last_updated
        out.write("]" + split_at_markers(dump_json(ls_ann), result_mark)[1])
    if written != count:
        raise ValueError(f"write_labelstudio: {written} annotations on the second pass, "
                         f"{count} on the first")
    out.write("]" + tail)
    return written


def import_labelstudio(content: str | bytes, *, article_id: int | None = None) -> list[Document]:
    """Parse a Label Studio JSON export; problems raise :class:`FormatError` naming the task."""
    text = decode_content(content, what="Label Studio file")
    data = parse_json(text, where="Label Studio file")
    if isinstance(data, dict) and "data" in data:
        data = [data]  # a single task
    tasks = require_list(data, where="Label Studio file (expected a list of tasks)")
    if not tasks:
        raise FormatError("Label Studio file: no tasks")
    task_ids = IdRegistry("task id")
    ann_ids = IdRegistry("annotation id")
    return [
        _parse_task(task, n, task_ids, ann_ids, article_id)
        for n, task in enumerate(tasks, start=1)
    ]


def _parse_task(
    task_raw: Any,
    n: int,
    task_ids: IdRegistry,
    ann_ids: IdRegistry,
    article_id: int | None,
) -> Document:
    where = f"task #{n}"
    task = require_object(task_raw, where=where)
    if "id" in task:
        where = f"task #{n} (id {task['id']!r:.40})"
        task_ids.add(str(task["id"]), where=where)
    data = require_object(task.get("data"), where=f"{where} 'data'")
    if "text" not in data:
        raise FormatError(
            f"{where}: 'data' has no 'text' field (found: {', '.join(map(str, data)) or 'nothing'})"
        )
    raw_text = get_str(data, "text", where=f"{where} data")
    newlines = NewlineMap(raw_text)
    text = newlines.text

    meta_obj = task.get("meta") or {}
    block = require_object(require_object(meta_obj, where=f"{where} 'meta'").get(EXPORT_KEY, {}),
                           where=f"{where} '{EXPORT_KEY}'")
    meta = dict(require_object(block.get("article", {}), where=f"{where} article metadata"))
    if "id" in task and "id" not in meta:
        meta["labelstudio_id"] = task["id"]
    art_id = article_id_of(meta, article_id)
    extras = require_object(block.get("annotations", {}), where=f"{where} annotation metadata")
    spans = _SpanReader(raw_text, newlines, utf16=block.get("offset_unit") == UNIT_UTF16)

    ls_annotations = task.get("annotations")
    if ls_annotations is None:
        ls_annotations = task.get("completions", [])  # Label Studio < 1.0
    ls_annotations = require_list(ls_annotations, where=f"{where} 'annotations'")

    annotations: list[Annotation] = []
    warnings: list[str] = []
    source_ids: dict[str, str] = {}
    for k, ls_raw in enumerate(ls_annotations, start=1):
        awhere = f"{where}, annotation #{k}"
        ls_ann = require_object(ls_raw, where=awhere)
        if ls_ann.get("was_cancelled"):
            warnings.append(f"{awhere}: skipped (cancelled in Label Studio)")
            continue
        completed_by = ls_ann.get("completed_by")
        if isinstance(completed_by, dict):
            completed_by = completed_by.get("email") or completed_by.get("username")
        fallback_annotator = (
            f"labelstudio-user-{completed_by}" if isinstance(completed_by, int)
            and not isinstance(completed_by, bool)
            else completed_by if isinstance(completed_by, str) and completed_by
            else "labelstudio"
        )
        result = require_list(ls_ann.get("result", []), where=f"{awhere} 'result'")
        # Region ids are unique within one Label Studio annotation only: annotations
        # started from the same prediction share them.
        region_ids = IdRegistry("region id")
        regions: dict[str, tuple[str, int, int, str, str]] = {}
        notes: dict[str, str] = {}
        links: dict[str, tuple[str, str]] = {}
        linked_sources: set[str] = set()
        for r, item_raw in enumerate(result, start=1):
            rwhere = f"{awhere}, result #{r}"
            item = require_object(item_raw, where=rwhere)
            kind = item.get("type")
            if kind == "relation":
                from_id = get_str(item, "from_id", where=rwhere)
                to_id = get_str(item, "to_id", where=rwhere)
                if from_id in links:
                    raise FormatError(f"{rwhere}: region {from_id!r} has two source relations")
                links[from_id] = (to_id, rwhere)
                continue
            if kind != "labels":
                warnings.append(f"{rwhere}: result of type {kind!r} ignored")
                continue
            rid = get_str(item, "id", where=rwhere)
            region_ids.add(rid, where=rwhere)
            value = require_object(item.get("value"), where=f"{rwhere} 'value'")
            labels = require_list(value.get("labels"), where=f"{rwhere} 'labels'")
            if len(labels) != 1 or not isinstance(labels[0], str) or not labels[0].strip():
                raise FormatError(
                    f"{rwhere}: a region needs exactly one label, found {labels!r:.60}"
                )
            raw_start = as_int(value.get("start"), where=rwhere, name="'start'")
            raw_end = as_int(value.get("end"), where=rwhere, name="'end'")
            quote = get_str(value, "text", where=rwhere) if "text" in value else None
            start, end = spans.locate(raw_start, raw_end, quote, where=rwhere)
            regions[rid] = (labels[0], start, end, rwhere, rid)
            meta_text = item.get("meta", {}).get("text") if isinstance(item.get("meta"), dict) \
                else None
            if meta_text:
                parts = meta_text if isinstance(meta_text, list) else [meta_text]
                if not all(isinstance(p, str) for p in parts):
                    raise FormatError(f"{rwhere}: region note ('meta.text') must be text")
                notes[rid] = "\n".join(parts)

        sources: dict[str, tuple[int, int]] = {}
        for from_id, (to_id, rwhere) in links.items():
            if from_id not in regions or to_id not in regions:
                missing = from_id if from_id not in regions else to_id
                raise FormatError(f"{rwhere}: relation refers to unknown region {missing!r}")
            if regions[to_id][0] != SOURCE_LABEL or regions[from_id][0] == SOURCE_LABEL:
                raise FormatError(
                    f"{rwhere}: a relation must go from a claim to a {SOURCE_LABEL!r} region"
                )
            sources[from_id] = (regions[to_id][1], regions[to_id][2])
            linked_sources.add(to_id)

        for rid, (label, start, end, rwhere, _) in regions.items():
            if label == SOURCE_LABEL:
                if rid not in linked_sources:
                    raise FormatError(
                        f"{rwhere}: {SOURCE_LABEL!r} region is not linked to any claim "
                        f"(add a relation from the claim to it)"
                    )
                continue
            entry = extras.get(rid)
            mwhere = f"{where} annotation metadata for {rid!r}"
            entry = require_object(entry, where=mwhere) if entry is not None else {}
            ann_id = normalise_id(rid)
            if ann_id in ann_ids and not entry:
                ann_id = normalise_id(f"labelstudio:{where}:{k}:{rid}")
            ann_ids.add(ann_id, where=rwhere)
            source_id = parse_source_id(entry, where=mwhere)
            if source_id is not None and rid in sources:
                source_ids[ann_id] = source_id
            annotations.append(build_annotation(
                text=text, annotation_id=ann_id, article_id=art_id,
                label=label, start=start, end=end, source=sources.get(rid),
                note=notes.get(rid, ""),
                where=rwhere,
                **parse_extras(entry, where=mwhere, annotator=fallback_annotator,
                               created_at=_stamp(ls_ann, "created_at"),
                               updated_at=_stamp(ls_ann, "updated_at")),
            ))
    if newlines.changed:
        warnings.append(f"{where}: Windows newlines in the text were normalised")
    if spans.utf16_regions:
        first = spans.utf16_regions[0]
        warnings.append(
            f"{where}: offsets read as UTF-16 units for {len(spans.utf16_regions)} region(s) "
            f"(first: {first}): "
            + ("the file says so (an export of an earlier version of this app)"
               if spans.utf16 else
               "their text matches there and not at the code-point offsets that Label "
               "Studio writes since October 2021 (a file from an older Label Studio?)")
        )
    return Document(text=text, annotations=annotations, meta=meta, warnings=warnings,
                    sources=source_ids)


def _comparable(s: str) -> str:
    """Text with Label Studio's ``\\n`` line breaks and all whitespace runs made one space."""
    return " ".join(s.replace("\\n", " ").split())


def text_matches(actual: str, quote: str) -> bool:
    """Does a region's ``text`` describe ``actual``, the article text at its offsets?

    Exact, or equal up to whitespace (Label Studio trims selections unless the Text tag
    has a pre-wrap style) and up to line breaks written as ``\\n``.
    """
    return actual == quote or _comparable(actual) == _comparable(quote)


class _SpanReader:
    """Region offsets of one task's raw text to code points of the normalised text."""

    def __init__(self, raw_text: str, newlines: NewlineMap, *, utf16: bool) -> None:
        self.raw = raw_text
        self.newlines = newlines
        self.utf16 = utf16
        """The file states UTF-16 offsets (our own exports before code points)."""
        self._omap: OffsetMap | None = None
        self.utf16_regions: list[str] = []

    @property
    def omap(self) -> OffsetMap:
        if self._omap is None:
            self._omap = OffsetMap.for_text(self.raw)
        return self._omap

    def _normalised(self, start: int, end: int) -> tuple[int, int]:
        return self.newlines(start), self.newlines(end)

    def locate(self, start: int, end: int, quote: str | None, *, where: str) -> tuple[int, int]:
        text = self.newlines.text
        if self.utf16:
            cs, ce = self._normalised(*utf16_span_to_code_points(self.omap, start, end,
                                                                 where=where))
            if quote is not None and not text_matches(text[cs:ce], quote):
                check_quote(text, cs, ce, quote, where=where, lenient_whitespace=True)
            self.utf16_regions.append(where)
            return cs, ce
        fits = 0 <= start < end <= len(self.raw)
        if fits:
            cs, ce = self._normalised(start, end)
            if quote is None or text_matches(text[cs:ce], quote):
                return cs, ce
        legacy = self._utf16_match(start, end, quote)
        if legacy is not None:
            self.utf16_regions.append(where)
            return legacy
        if not fits:
            check_span(len(self.raw), start, end, where=where)
        assert quote is not None
        check_quote(text, cs, ce, quote, where=where, lenient_whitespace=True)
        raise FormatError(f"{where}: the region's text does not match the article")  # unreachable

    def _utf16_match(self, start: int, end: int, quote: str | None) -> tuple[int, int] | None:
        """The span read as UTF-16 units, if that is where its ``text`` is."""
        if quote is None or self.raw.isascii() or not 0 <= start < end <= self.omap.utf16_length:
            return None
        cs, ce = self.omap.span_to_code_points(start, end)
        if self.omap.to_utf16(cs) != start or self.omap.to_utf16(ce) != end:
            return None  # would split a surrogate pair: not UTF-16 offsets
        cs, ce = self._normalised(cs, ce)
        return (cs, ce) if text_matches(self.newlines.text[cs:ce], quote) else None


def _stamp(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    return value if isinstance(value, str) else ""
