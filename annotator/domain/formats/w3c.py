"""W3C Web Annotation Data Model (JSON-LD), both directions.

An ``AnnotationCollection`` with one embedded ``AnnotationPage`` whose ``items``
are ``Annotation`` objects::

    {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection",
     "first": {"type": "AnnotationPage", "items": [
       {"id": "urn:uuid:…", "type": "Annotation", "motivation": "tagging",
        "creator": {"type": "Person", "name": "ana"}, "created": "…", "modified": "…",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "named"},
                 {"type": "TextualBody", "purpose": "commenting", "value": "note"},
                 {"type": "TextualBody", "purpose": "describing",
                  "format": "application/json", "value": "{\\"facet\\": \\"value\\"}"},
                 {"type": "SpecificResource", "purpose": "linking", "source": "<article>",
                  "selector": [<source mention position + quote selectors>]}],
        "target": {"source": "<article>", "selector": [
            {"type": "TextPositionSelector", "start": 10, "end": 20},
            {"type": "TextQuoteSelector", "exact": "…", "prefix": "…", "suffix": "…"}]}}]}}

``TextPositionSelector`` offsets are Unicode code points of the newline-normalised
text — what the W3C model itself prescribes ("characters" are code points) and what
our stored offsets are; the collection's ``annotator_export`` block states it too.

Unlike the other formats, the file does not contain the article, so import takes
the article text. A target whose position still holds the quoted text with its
context is taken as is; otherwise the ``TextQuoteSelector`` re-anchors it with
:mod:`annotator.domain.reanchor`, which also makes this the format for moving
annotations between versions of an article. Each annotation's outcome is reported
in :attr:`W3CImport.anchorings`; orphaned ones are left out of the document.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO
from urllib.parse import quote as url_quote

from annotator.domain.formats import (
    EXPORT_KEY,
    EXPORT_VERSION,
    UNIT_CODE_POINTS,
    Document,
    ExportChecker,
    FormatError,
    IdRegistry,
    annotation_extras,
    article_id_of,
    article_meta,
    as_int,
    build_annotation,
    decode_content,
    dump_json,
    facets_dict,
    facets_from_dict,
    get_str,
    normalise_id,
    parse_extras,
    parse_json,
    parse_source_id,
    require_list,
    require_object,
    sorted_annotations,
)
from annotator.domain.model import CONTEXT_CHARS, Annotation
from annotator.domain.reanchor import (
    DEFAULT_THRESHOLD,
    Anchoring,
    AnchorStatus,
    Reanchorer,
)

FORMAT_NAME = "w3c-web-annotation"
CONTEXT = "http://www.w3.org/ns/anno.jsonld"
_FACETS_FORMAT = "application/json"
_ITEM_EXTRAS: dict[str, Any] = {
    "version": 1, "reviewed_by": None, "reviewed_at": None, "origin_id": None,
}
"""Fields with no W3C property, kept in the item's ``annotator_export`` when not default."""


@dataclass
class W3CImport:
    """An imported collection: the placed annotations and how each was placed."""

    document: Document
    anchorings: dict[str, Anchoring] = field(default_factory=dict)
    """Claim span outcome per annotation id (including orphaned ones)."""
    source_anchorings: dict[str, Anchoring] = field(default_factory=dict)
    """Source mention outcome per annotation id, for annotations that had one."""

    @property
    def orphaned(self) -> list[str]:
        return [k for k, a in self.anchorings.items() if a.status is AnchorStatus.ORPHANED]

    @property
    def needs_review(self) -> list[str]:
        """Ids placed with less than full confidence (claim or source)."""
        out = [k for k, a in self.anchorings.items() if a.status is AnchorStatus.UNCERTAIN]
        out += [k for k, a in self.source_anchorings.items()
                if not a.confident and k not in out]
        return out


def article_uri(meta: dict[str, Any]) -> str:
    """The IRI annotations target: the article URL, else a URN from its id."""
    url = meta.get("url")
    if isinstance(url, str) and url.strip():
        return url.strip()
    if meta.get("id") is not None:
        return f"urn:annotator:article:{url_quote(str(meta['id']), safe='')}"
    return "urn:annotator:article"


def _selectors(text: str, start: int, end: int) -> list[dict[str, Any]]:
    return [
        {"type": "TextPositionSelector", "start": start, "end": end},
        {
            "type": "TextQuoteSelector",
            "exact": text[start:end],
            "prefix": text[max(0, start - CONTEXT_CHARS):start],
            "suffix": text[end:end + CONTEXT_CHARS],
        },
    ]


def _annotation_iri(ann_id: str) -> str:
    try:
        return uuid.UUID(ann_id).urn
    except ValueError:
        return f"urn:annotator:annotation:{url_quote(ann_id, safe='')}"


def export_w3c(document: Document, *, target: str | None = None, indent: int | None = 2) -> str:
    """One article's annotations as a W3C AnnotationCollection (JSON-LD text).

    ``target`` is the IRI of the article (default :func:`article_uri`). The text is
    what :func:`write_w3c` streams, collected in memory: for small documents and tests.
    """
    buf = io.StringIO()
    write_w3c(document, buf, target=target, indent=indent)
    return buf.getvalue()


def write_w3c(
    document: Document,
    out: TextIO,
    *,
    annotations: Iterable[Annotation] | None = None,
    total: int | None = None,
    target: str | None = None,
    indent: int | None = 2,
) -> int:
    """Stream one article's annotations to ``out`` as a W3C AnnotationCollection.

    Only one annotation's JSON is in memory at a time (an in-memory collection of
    100k annotations peaked at ~1.5 GB), so ``annotations`` may be an iterator over
    the database, in position order, with ``total`` its length (the collection's
    ``total`` comes before the items); by default ``document.annotations`` is sorted
    and written. The output is byte for byte what ``json.dumps`` of the whole
    collection would give. Returns the number of annotations written.

    Conformance (Web Annotation Data Model §5): the embedded ``AnnotationPage`` has an
    ``id`` (a page MUST have exactly one IRI) and is written only when there are
    annotations (a page MUST have one or more items; a collection MUST have a
    ``first`` page if, and only if, it has annotations).
    """
    if annotations is None:
        annotations = sorted_annotations(document.annotations)
        total = len(document.annotations)
    elif total is None:
        raise ValueError("write_w3c: pass total with annotations")
    check = ExportChecker(document.text)
    text = document.text
    meta = article_meta(document.meta)
    source_iri = target or article_uri(meta)
    collection_id = uuid.uuid5(uuid.NAMESPACE_URL, source_iri + "#annotations").urn
    collection: dict[str, Any] = {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": str(meta.get("title") or "Annotations"),
        "total": total,
        EXPORT_KEY: {
            "format": FORMAT_NAME,
            "version": EXPORT_VERSION,
            "offset_unit": UNIT_CODE_POINTS + " (TextPositionSelector, as the W3C model specifies)",
            "article": meta,
        },
    }
    if total == 0:
        for ann in annotations:  # the caller's count was wrong: refuse, as below
            raise FormatError(f"export: annotation {ann.id} beyond the expected total 0")
        out.write(dump_json(collection, indent=indent) + "\n")
        return 0
    marker = f"items-{uuid.uuid4().hex}"
    collection["first"] = {
        "id": uuid.uuid5(uuid.NAMESPACE_URL, source_iri + "#annotations/page/1").urn,
        "type": "AnnotationPage",
        "partOf": collection_id,
        "startIndex": 0,
        "items": [marker],
    }
    skeleton = dump_json(collection, indent=indent)
    head, tail = skeleton.split(f'"{marker}"')
    if indent is None:
        item_sep, line_indent = ", ", ""
    else:
        line_indent = "\n" + " " * (3 * indent)
        item_sep = "," + line_indent
    out.write(head)
    written = 0
    for ann in annotations:
        check(ann)
        if written == total:
            raise FormatError(f"export: annotation {ann.id} beyond the expected total {total}")
        item = dump_json(_item(ann, text, source_iri, document.sources.get(ann.id)),
                         indent=indent)
        if indent is not None:
            item = item.replace("\n", line_indent)
        if written:
            out.write(item_sep)
        out.write(item)
        written += 1
    if written != total:
        raise FormatError(f"export: {written} annotation(s) written, expected {total}")
    out.write(tail + "\n")
    return written


def _item(ann: Annotation, text: str, source_iri: str,
          source_id: str | None = None) -> dict[str, Any]:
    """One annotation as a W3C ``Annotation`` object; ``source_id`` (the registry entry
    its mention links to) goes in the item's ``annotator_export`` extension."""
    bodies: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "tagging", "value": ann.label},
    ]
    if ann.note:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": ann.note,
                       "format": "text/plain"})
    facets = facets_dict(ann)
    if facets:
        bodies.append({
            "type": "TextualBody", "purpose": "describing", "format": _FACETS_FORMAT,
            "value": json.dumps(facets, ensure_ascii=False),
        })
    if ann.source_start is not None and ann.source_end is not None:
        bodies.append({
            "type": "SpecificResource", "purpose": "linking", "source": source_iri,
            "selector": _selectors(text, ann.source_start, ann.source_end),
        })
    item: dict[str, Any] = {
        "id": _annotation_iri(ann.id),
        "type": "Annotation",
        "motivation": "tagging",
        "creator": {"type": "Person", "name": ann.annotator},
    }
    if ann.created_at:
        item["created"] = ann.created_at
    if ann.updated_at:
        item["modified"] = ann.updated_at
    extras = {k: v for k, v in annotation_extras(ann, with_facets=False).items()
              if k in _ITEM_EXTRAS and v != _ITEM_EXTRAS[k]}
    if source_id and ann.source_start is not None and ann.source_end is not None:
        extras["source_id"] = source_id
    if extras:
        item[EXPORT_KEY] = extras
    item["body"] = bodies
    item["target"] = {"source": source_iri, "selector": _selectors(text, ann.start, ann.end)}
    return item


def _types(obj: dict[str, Any]) -> list[str]:
    value = obj.get("type", [])
    return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] \
        if isinstance(value, list) else []


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _collect_items(data: Any) -> tuple[list[Any], dict[str, Any]]:
    """Annotation items and our export block from a collection, page or bare list."""
    if isinstance(data, list):
        return data, {}
    top = require_object(data, where="W3C file")
    types = _types(top)
    block = top.get(EXPORT_KEY, {})
    if "Annotation" in types:
        return [top], {}
    if "AnnotationPage" in types:
        return require_list(top.get("items"), where="W3C file 'items'"), {}
    if "AnnotationCollection" not in types:
        raise FormatError(
            "W3C file: expected an AnnotationCollection, AnnotationPage or Annotation "
            f"(found type {top.get('type')!r})"
        )
    if "items" in top:  # not per spec, but seen in the wild
        return require_list(top["items"], where="W3C file 'items'"), block
    items: list[Any] = []
    page = top.get("first")
    if page is None:
        if top.get("total", 0) == 0:
            return [], block
        raise FormatError("W3C file: the collection has no 'first' page")
    pages = 0
    while page is not None:
        pages += 1
        if isinstance(page, str):
            raise FormatError(
                f"W3C file: page {pages} is only a link ({page!r:.60}); "
                f"save the collection with its pages embedded"
            )
        page_obj = require_object(page, where=f"W3C file page {pages}")
        items.extend(require_list(page_obj.get("items"), where=f"W3C file page {pages} 'items'"))
        page = page_obj.get("next")
        if pages > 10_000:
            raise FormatError("W3C file: too many pages")
    return items, block


class _Selectors:
    def __init__(self, value: Any, where: str) -> None:
        self.position: tuple[int, int] | None = None
        self.quote: tuple[str, str, str] | None = None
        selectors = _as_list(value)
        if not selectors:
            raise FormatError(f"{where}: no selector (needs TextPositionSelector or "
                              f"TextQuoteSelector)")
        for k, sel_raw in enumerate(selectors, start=1):
            here = f"{where} selector #{k}"
            sel = require_object(sel_raw, where=here)
            kinds = _types(sel)
            if "TextPositionSelector" in kinds:
                start = as_int(sel.get("start"), where=here, name="'start'")
                end = as_int(sel.get("end"), where=here, name="'end'")
                if end <= start or start < 0:
                    raise FormatError(f"{here}: invalid position {start}–{end} (end must be "
                                      f"after start, both non-negative)")
                self.position = (start, end)
            elif "TextQuoteSelector" in kinds:
                exact = get_str(sel, "exact", where=here)
                if not exact:
                    raise FormatError(f"{here}: empty 'exact' quote")
                self.quote = (exact, get_str(sel, "prefix", where=here, default=""),
                              get_str(sel, "suffix", where=here, default=""))
        if self.position is None and self.quote is None:
            raise FormatError(f"{where}: needs a TextPositionSelector or a TextQuoteSelector")


def _place(sel: _Selectors, anchorer: Reanchorer, where: str, what: str) -> Anchoring:
    text = anchorer.text
    if sel.quote is not None:
        exact, prefix, suffix = sel.quote
        old_start = sel.position[0] if sel.position is not None else None
        return anchorer.anchor(exact, prefix, suffix, old_start)
    assert sel.position is not None
    start, end = sel.position
    if end < start:
        raise FormatError(f"{where}: {what} ends ({end}) before it starts ({start})")
    if not 0 <= start < end <= len(text):
        raise FormatError(
            f"{where}: {what} {start}–{end} is outside the article (0–{len(text)}) and there "
            f"is no TextQuoteSelector to find it by"
        )
    return Anchoring(AnchorStatus.EXACT, start, end, 1.0,
                     "position only (no TextQuoteSelector to verify it)")


def import_w3c(
    content: str | bytes,
    article_text: str,
    *,
    article_id: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> W3CImport:
    """Read annotations of ``article_text`` (the article's stored, normalised text).

    Problems with the file raise :class:`FormatError` naming the item; annotations
    that cannot be placed on this text are reported, not raised.
    """
    raw = decode_content(content, what="W3C file")
    items, block = _collect_items(parse_json(raw, where="W3C file"))
    block = require_object(block, where=f"W3C file '{EXPORT_KEY}'")
    meta = dict(require_object(block.get("article", {}), where="W3C file article metadata"))
    art_id = article_id_of(meta, article_id)
    anchorer = Reanchorer(article_text, threshold=threshold)
    ids = IdRegistry("annotation id")
    result = W3CImport(Document(text=article_text, meta=meta))
    target_source: str | None = None
    sources: dict[str, str] = {}
    result.document.sources = sources
    for n, item_raw in enumerate(items, start=1):
        where = f"item #{n}"
        item = require_object(item_raw, where=where)
        if "Annotation" not in _types(item):
            raise FormatError(f"{where}: not an Annotation (type {item.get('type')!r})")
        iri = get_str(item, "id", where=where)
        where = f"item #{n} ({iri:.60})"
        ann_id = normalise_id(iri)
        ids.add(ann_id, where=where)

        targets = _as_list(item.get("target"))
        if len(targets) != 1:
            raise FormatError(f"{where}: needs exactly one target, found {len(targets)}")
        if isinstance(targets[0], str):
            raise FormatError(f"{where}: the target is a bare IRI without a text selector")
        target = require_object(targets[0], where=f"{where} target")
        source_iri = get_str(target, "source", where=f"{where} target", default="")
        if target_source is None:
            target_source = source_iri
        elif source_iri != target_source:
            raise FormatError(
                f"{where}: targets {source_iri!r:.60} but earlier items target "
                f"{target_source!r:.60}; import one article at a time"
            )
        claim_sel = _Selectors(target.get("selector"), f"{where} target")

        label: str | None = None
        notes: list[str] = []
        facets: str | None = None
        source_sel: _Selectors | None = None
        for b, body_raw in enumerate(_as_list(item.get("body")), start=1):
            bwhere = f"{where} body #{b}"
            if isinstance(body_raw, str):
                result.document.warnings.append(f"{bwhere}: link-only body ignored")
                continue
            body = require_object(body_raw, where=bwhere)
            purposes = _as_list(body.get("purpose"))
            kinds = _types(body)
            if "SpecificResource" in kinds and "linking" in purposes:
                if source_sel is not None:
                    raise FormatError(f"{bwhere}: a second source mention")
                source_sel = _Selectors(body.get("selector"), bwhere)
                continue
            if not ("TextualBody" in kinds or ("value" in body and not kinds)):
                result.document.warnings.append(f"{bwhere}: body of type {kinds} ignored")
                continue
            value = get_str(body, "value", where=bwhere)
            if "tagging" in purposes:
                if label is not None:
                    raise FormatError(f"{bwhere}: a second label ({value!r:.40}); one per span")
                if not value.strip():
                    raise FormatError(f"{bwhere}: empty label")
                label = value
            elif "commenting" in purposes:
                notes.append(value)
            elif "describing" in purposes and body.get("format") == _FACETS_FORMAT:
                if facets is not None:
                    raise FormatError(f"{bwhere}: a second facets body")
                facets = facets_from_dict(parse_json(value, where=f"{bwhere} value"),
                                          where=bwhere)
            else:
                result.document.warnings.append(f"{bwhere}: body with purpose {purposes} ignored")
        if label is None:
            raise FormatError(f"{where}: no body with purpose 'tagging' (the label)")

        claim = _place(claim_sel, anchorer, where, "target")
        result.anchorings[ann_id] = claim
        if claim.start is None or claim.end is None:
            continue
        source: tuple[int, int] | None = None
        if source_sel is not None:
            placed = _place(source_sel, anchorer, where, "source mention")
            result.source_anchorings[ann_id] = placed
            if placed.start is not None and placed.end is not None:
                source = (placed.start, placed.end)
        block_item = require_object(item.get(EXPORT_KEY, {}), where=f"{where} '{EXPORT_KEY}'")
        source_id = parse_source_id(block_item, where=where)
        if source_id is not None and source is not None:
            sources[ann_id] = source_id
        extras = parse_extras(
            block_item,
            where=where,
            annotator=_creator(item.get("creator"), where),
            created_at=get_str(item, "created", where=where, default=""),
            updated_at=get_str(item, "modified", where=where, default=""),
        )
        if facets is not None:
            extras["facets"] = facets
        annotation = build_annotation(
            text=article_text, annotation_id=ann_id, article_id=art_id,
            label=label, start=claim.start, end=claim.end, source=source,
            note="\n".join(notes),
            where=where,
            **extras,
        )
        result.document.annotations.append(annotation)
    _summarise(result)
    return result


def _creator(value: Any, where: str) -> str:
    creators = _as_list(value)
    if not creators:
        return "w3c"
    first = creators[0]
    if isinstance(first, str) and first:
        return first
    if isinstance(first, dict):
        for key in ("name", "nickname", "id"):
            if isinstance(first.get(key), str) and first[key]:
                return str(first[key])
    raise FormatError(f"{where}: creator has no name")


def _summarise(result: W3CImport) -> None:
    counts: dict[str, int] = {}
    for a in result.anchorings.values():
        counts[a.status.value] = counts.get(a.status.value, 0) + 1
    if set(counts) - {AnchorStatus.EXACT.value}:
        summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
        result.document.warnings.append(f"re-anchored against this text: {summary}")

