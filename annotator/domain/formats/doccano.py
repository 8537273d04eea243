"""doccano sequence-labelling JSONL, both directions.

One JSON object per line::

    {"id": 7, "text": "...", "label": [[start, end, "LABEL"], ...], "annotator_export": {...}}

doccano's offsets are JavaScript string indices — UTF-16 code units — because the
span is measured in the browser (doccano issue #2290): an emoji before a span
shifts it by one per emoji relative to Python. We convert with
:class:`~annotator.domain.offsets.OffsetMap` both ways and say so in the file.

``label`` holds what doccano can show: the claim spans. Everything else (our ids,
annotators, notes, source mentions, facets, timestamps, article metadata) travels
in the ``annotator_export`` field, which doccano keeps as example metadata. On
import each ``label`` entry is matched to the metadata entry with the same span
and label, so spans added in doccano get fresh stable ids and spans deleted there
disappear (reported as a warning).

doccano keeps uploaded text as-is; text with ``\\r\\n`` newlines is normalised
on import and its offsets moved accordingly.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from annotator.domain.formats import (
    EXPORT_KEY,
    EXPORT_VERSION,
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

FORMAT_NAME = "doccano-jsonl"


def export_doccano(documents: Iterable[Document], *, indent: int | None = None) -> str:
    """JSONL text, one line per document, offsets in UTF-16 code units.

    ``indent`` is accepted (the registry calls every record writer alike) and ignored:
    JSONL is one record per line.
    """
    lines = []
    for n, doc in enumerate(documents, start=1):
        check_export(doc, where=f"document {n}")
        omap = OffsetMap.for_text(doc.text)
        spans: list[list[Any]] = []
        extra: list[dict[str, Any]] = []
        for ann in sorted_annotations(doc.annotations):
            s16, e16 = omap.span_to_utf16(ann.start, ann.end)
            spans.append([s16, e16, ann.label])
            extra.append(_extra_entry(ann, omap, doc))
        meta = article_meta(doc.meta)
        record = {
            "id": meta.get("id", n),
            "text": doc.text,
            "label": spans,
            EXPORT_KEY: {
                "format": FORMAT_NAME,
                "version": EXPORT_VERSION,
                "offset_unit": UNIT_UTF16,
                "article": meta,
                "annotations": extra,
            },
        }
        lines.append(dump_json(record))
    return "".join(line + "\n" for line in lines)


def _extra_entry(ann: Annotation, omap: OffsetMap, doc: Document) -> dict[str, Any]:
    """One annotation's entry in the record's metadata block."""
    s16, e16 = omap.span_to_utf16(ann.start, ann.end)
    entry: dict[str, Any] = {
        "id": ann.id,
        "span": [s16, e16, ann.label],
        "text": ann.text,
        "note": ann.note,
        "source": (
            list(omap.span_to_utf16(ann.source_start, ann.source_end))
            if ann.source_start is not None and ann.source_end is not None
            else None
        ),
        **annotation_extras(ann),
    }
    source_id = doc.sources.get(ann.id)
    if source_id:
        entry["source_id"] = source_id
    return entry


def write_doccano(
    records: Iterable[tuple[Document, Callable[[], Iterable[Annotation]]]],
    out: TextIO,
) -> int:
    """Stream doccano JSONL to ``out``: byte for byte what :func:`export_doccano`
    returns, without holding the annotations.

    Each record is a document (text, metadata, source ids; its ``annotations`` are not
    read) and a function returning its annotations in ``sort_key`` order, called twice
    (the ``label`` list, then the metadata block), so it can be a streamed query.
    Returns the number of annotations written.
    """
    written = 0
    for n, (doc, ordered) in enumerate(records, start=1):
        check = ExportChecker(doc.text, where=f"document {n}")
        omap = OffsetMap.for_text(doc.text)
        meta = article_meta(doc.meta)
        label_mark, extra_mark = (f"stream-{uuid.uuid4().hex}" for _ in range(2))
        record = {
            "id": meta.get("id", n),
            "text": doc.text,
            "label": label_mark,
            EXPORT_KEY: {"format": FORMAT_NAME, "version": EXPORT_VERSION,
                         "offset_unit": UNIT_UTF16, "article": meta,
                         "annotations": extra_mark},
        }
        head, middle, tail = split_at_markers(dump_json(record), label_mark, extra_mark)
        out.write(head + "[")
        count = 0
        last: tuple[int, int, str] | None = None
        for ann in ordered():
            check(ann)
            if last is not None and ann.sort_key < last:
                raise ValueError("write_doccano: annotations not in position order")
            last = ann.sort_key
            s16, e16 = omap.span_to_utf16(ann.start, ann.end)
            out.write((", " if count else "") + dump_json([s16, e16, ann.label]))
            count += 1
        out.write("]" + middle + "[")
        again = 0
        for ann in ordered():
            out.write((", " if again else "") + dump_json(_extra_entry(ann, omap, doc)))
            again += 1
        if again != count:
            raise ValueError(f"write_doccano: {again} annotations on the second pass, "
                             f"{count} on the first")
        out.write("]" + tail + "\n")
        written += count
    return written


def import_doccano(content: str | bytes, *, article_id: int | None = None) -> list[Document]:
    """Parse doccano JSONL; every problem raises :class:`FormatError` naming the line.

    ``article_id`` overrides the article id stamped on the annotations (else the
    exported article id, else 0).
    """
    text = decode_content(content, what="doccano file")
    documents: list[Document] = []
    doc_ids = IdRegistry("document id")
    ann_ids = IdRegistry("annotation id")
    # Split on "\n" only: str.splitlines would also split inside JSON strings that
    # contain U+2028, U+0085 and friends, which JSON allows unescaped.
    for lineno, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        where = f"line {lineno}"
        obj = require_object(parse_json(line, where=where), where=where)
        documents.append(_parse_record(obj, where, doc_ids, ann_ids, article_id))
    if not documents:
        raise FormatError("doccano file: no records (the file is empty)")
    return documents


def _parse_record(
    obj: dict[str, Any],
    where: str,
    doc_ids: IdRegistry,
    ann_ids: IdRegistry,
    article_id: int | None,
) -> Document:
    if "entities" in obj and "label" not in obj:
        raise FormatError(
            f"{where}: this is doccano's relation-extraction layout ('entities'); "
            f"export the project as sequence labelling JSONL with a 'label' list"
        )
    raw_text = get_str(obj, "text", where=where)
    if "label" not in obj:
        raise FormatError(f"{where}: missing field 'label' (the list of labelled spans)")
    labels = require_list(obj["label"], where=f"{where} 'label'")
    if "id" in obj:
        if not isinstance(obj["id"], int | str) or isinstance(obj["id"], bool):
            raise FormatError(f"{where}: 'id' must be a number or a string")
        doc_ids.add(str(obj["id"]), where=where)

    block = obj.get(EXPORT_KEY)
    if block is None and isinstance(obj.get("meta"), dict):
        block = obj["meta"].get(EXPORT_KEY)
    block = require_object(block, where=f"{where} '{EXPORT_KEY}'") if block is not None else {}
    meta_raw = block.get("article", {})
    meta = dict(require_object(meta_raw, where=f"{where} article metadata"))
    if "id" in obj and "id" not in meta:
        meta["doccano_id"] = obj["id"]
    art_id = article_id_of(meta, article_id)

    newlines = NewlineMap(raw_text)
    text = newlines.text
    omap = OffsetMap.for_text(raw_text)

    def to_cp(s16: Any, e16: Any, here: str, what: str = "span") -> tuple[int, int]:
        s = as_int(s16, where=here, name=f"{what} start")
        e = as_int(e16, where=here, name=f"{what} end")
        cs, ce = utf16_span_to_code_points(omap, s, e, where=here, what=what)
        return newlines(cs), newlines(ce)

    # Our metadata, queued by (start16, end16, label) so label entries can claim it.
    queued: dict[tuple[int, int, str], list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    extras = require_list(block.get("annotations", []), where=f"{where} annotation metadata")
    for k, entry_raw in enumerate(extras, start=1):
        here = f"{where}, annotation metadata #{k}"
        entry = require_object(entry_raw, where=here)
        span = require_list(entry.get("span"), where=f"{here} 'span'")
        if len(span) != 3 or not isinstance(span[2], str):
            raise FormatError(f"{here}: 'span' must be [start, end, label]")
        key = (as_int(span[0], where=here, name="start"), as_int(span[1], where=here, name="end"),
               span[2])
        queued[key].append((here, entry))

    annotations = []
    sources: dict[str, str] = {}
    for k, item in enumerate(labels, start=1):
        here = f"{where}, label #{k}"
        if not isinstance(item, list) or len(item) != 3:
            raise FormatError(f"{here}: expected [start, end, \"LABEL\"], found {item!r:.60}")
        s16, e16, label = item
        if not isinstance(label, str) or not label.strip():
            raise FormatError(f"{here}: the label must be a non-empty string")
        start, end = to_cp(s16, e16, here)
        s16, e16 = as_int(s16, where=here, name="start"), as_int(e16, where=here, name="end")
        pending = queued.get((s16, e16, label))
        if pending:
            mwhere, entry = pending.pop(0)
            ann_id_raw = get_str(entry, "id", where=mwhere)
            ann_id = normalise_id(ann_id_raw)
            ann_ids.add(ann_id, where=mwhere)
            if "text" in entry:
                check_quote(text, start, end, get_str(entry, "text", where=mwhere), where=mwhere)
            source = None
            if entry.get("source") is not None:
                src = require_list(entry["source"], where=f"{mwhere} 'source'")
                if len(src) != 2:
                    raise FormatError(f"{mwhere}: 'source' must be [start, end]")
                source = to_cp(src[0], src[1], mwhere, what="source span")
            ann = build_annotation(
                text=text, annotation_id=ann_id, article_id=art_id,
                label=label, start=start, end=end, source=source,
                note=get_str(entry, "note", where=mwhere, default=""),
                where=mwhere,
                **parse_extras(entry, where=mwhere, annotator="doccano"),
            )
            source_id = parse_source_id(entry, where=mwhere)
            if source_id is not None and source is not None:
                sources[ann_id] = source_id
        else:
            ann_id = normalise_id(f"doccano:{obj.get('id', where)}:{k}:{s16}:{e16}:{label}")
            ann_ids.add(ann_id, where=here)
            user = obj.get("user", obj.get("username"))
            ann = build_annotation(
                text=text, annotation_id=ann_id, article_id=art_id,
                annotator=str(user) if isinstance(user, str | int) else "doccano",
                label=label, start=start, end=end, where=here,
            )
        annotations.append(ann)

    warnings = []
    dropped = sum(len(v) for v in queued.values())
    if dropped:
        warnings.append(
            f"{where}: {dropped} exported annotation(s) no longer appear in 'label' "
            f"(deleted in doccano?) and were not imported"
        )
    if newlines.changed:
        warnings.append(f"{where}: Windows newlines in the text were normalised")
    return Document(text=text, annotations=annotations, meta=meta, warnings=warnings,
                    sources=sources)
