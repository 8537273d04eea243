"""From parsed ``.ann`` lines and the text to a :class:`Document`: offsets, links, events.

Here the lines meet the text: every span (each fragment of a discontinuous one) is
checked against the ``.txt``, relations and attribution events become claims with their
source mention and cue, notes and facets find their claim. All-or-nothing: any
inconsistency is a :class:`FormatError` naming the line, and nothing is half-imported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from annotator.domain.facets import FACET_NAMES
from annotator.domain.formats import (
    AttributionParts,
    Document,
    FormatError,
    IdRegistry,
    NewlineMap,
    article_id_of,
    build_annotation,
    decode_content,
    derived_id,
    facets_from_dict,
    normalise_id,
    parse_extras,
    parse_json,
    require_object,
)
from annotator.domain.formats.brat.fields import facet_value, span_text_field, unescape_note
from annotator.domain.formats.brat.parse import ParsedAnn, parse_ann
from annotator.domain.formats.brat.schema import CORPUS_TYPES, CUE_TYPE, RELATION_TYPE, SOURCE_TYPE
from annotator.domain.model import Annotation


def import_brat(
    txt: str | bytes,
    ann: str | bytes,
    *,
    name: str = "document",
    meta: dict[str, Any] | None = None,
    article_id: int | None = None,
) -> Document:
    """Parse a ``.txt``/``.ann`` pair; ``name`` is used in messages and derived ids."""
    raw_text = decode_content(txt, what=f"{name}.txt")
    ann_text = decode_content(ann, what=f"{name}.ann")
    parsed = parse_ann(ann_text, name)
    newlines = NewlineMap(raw_text)
    meta = dict(meta or {})
    art_id = article_id_of(meta, article_id)
    try:
        doc = build_document(parsed, newlines.text, lambda o: o, name, meta, art_id)
    except FormatError:
        if not newlines.changed:
            raise
        try:
            doc = build_document(parsed, newlines.text, newlines, name, meta, art_id)
        except FormatError:
            pass
        else:
            doc.warnings.append(f"{name}.ann: offsets count Windows newlines as two characters")
            return doc
        raise
    if newlines.changed:
        doc.warnings.append(f"{name}.txt: Windows newlines were normalised")
    return doc


def build_document(
    parsed: ParsedAnn,
    text: str,
    mapper: Callable[[int], int],
    name: str,
    meta: dict[str, Any],
    art_id: int,
) -> Document:
    """Resolve ``parsed`` against ``text``, its offsets read through ``mapper``.

    ``mapper`` turns a file offset into one of ``text`` (the identity, or the Windows
    newline interpretation of :class:`NewlineMap`), so one build per interpretation.
    """
    ours = bool(parsed.metas)
    spans: dict[str, tuple[int, int]] = {}
    frags: dict[str, tuple[tuple[int, int], ...]] = {}
    for ent in parsed.entities.values():
        mapped = []
        for f0, f1 in ent.frags:
            if f1 < f0:
                raise FormatError(f"{ent.where}: span ends ({f1}) before it starts ({f0})")
            if f0 == f1:
                raise FormatError(f"{ent.where}: span {f0}–{f1} is empty")
            start, end = mapper(f0), mapper(f1)
            if end > len(text):
                raise FormatError(
                    f"{ent.where}: span {f0}–{f1} is outside the text (0–{len(text)})")
            mapped.append((start, end))
        actual = " ".join(text[a:b] for a, b in mapped)
        if ent.text not in (actual, span_text_field(actual)):
            raise FormatError(
                f"{ent.where}: span {ent.start}–{ent.end} should contain {ent.text[:40]!r} but "
                f"the .txt has {actual[:40]!r} there (wrong offsets or a different text)"
            )
        frags[ent.tid] = tuple(mapped)
        spans[ent.tid] = (min(a for a, _ in mapped), max(b for _, b in mapped))

    corpus = bool(parsed.events)
    warnings = list(parsed.warnings)

    cue_spans = {cue for _, cue, _ in parsed.cue_relations}

    def is_claim(tid: str) -> bool:
        type_ = parsed.entities[tid].type
        if type_ == SOURCE_TYPE or (type_ == CUE_TYPE and (tid in cue_spans or corpus)):
            return False
        return not (corpus and type_ in CORPUS_TYPES)

    sources: dict[str, tuple[int, int]] = {}
    linked: set[str] = set()
    for claim, src, where in parsed.relations:
        for ref in (claim, src):
            if ref not in parsed.entities:
                raise FormatError(f"{where}: refers to {ref!r}, which is not a text span")
        if parsed.entities[src].type != SOURCE_TYPE or not is_claim(claim):
            raise FormatError(
                f"{where}: a {RELATION_TYPE} relation goes from a claim (Arg1) to a "
                f"{SOURCE_TYPE} span (Arg2)"
            )
        if claim in sources:
            raise FormatError(f"{where}: {claim} already has a source mention")
        sources[claim] = spans[src]
        linked.add(src)
    cues: dict[str, tuple[int, int]] = {}
    for claim, cue, where in parsed.cue_relations:
        for ref in (claim, cue):
            if ref not in parsed.entities:
                raise FormatError(f"{where}: refers to {ref!r}, which is not a text span")
        if parsed.entities[cue].type != CUE_TYPE or not is_claim(claim):
            raise FormatError(f"{where}: a {CUE_TYPE} relation goes from a claim (Arg1) to a "
                              f"{CUE_TYPE} span (Arg2)")
        if claim in cues:
            raise FormatError(f"{where}: {claim} already has a cue")
        cues[claim] = spans[cue]
        linked.add(cue)

    # Attribution events: one claim per event, keyed by the event id.
    events: dict[str, tuple[str, tuple[tuple[int, int], ...], tuple[int, int] | None,
                            tuple[int, int] | None, str]] = {}
    content_of: dict[str, str] = {}
    used: set[str] = set()
    for eid, type_, roles, where in parsed.events:
        for refs in roles.values():
            for ref in refs:
                if ref not in parsed.entities:
                    raise FormatError(f"{where}: refers to {ref!r}, which is not a text span")
        if not roles.get("Content"):
            warnings.append(f"{where}: attribution {eid} has no Content span; skipped")
            continue
        claim_frags = tuple(f for ref in roles["Content"] for f in frags[ref])
        src_refs = roles.get("Source", [])
        cue_refs = roles.get("Cue", [])
        src_span = (min(spans[r][0] for r in src_refs), max(spans[r][1] for r in src_refs)) \
            if src_refs else None
        cue_span = (min(spans[r][0] for r in cue_refs), max(spans[r][1] for r in cue_refs)) \
            if cue_refs else None
        events[eid] = (type_, claim_frags, src_span, cue_span, where)
        for ref in roles["Content"]:
            content_of.setdefault(ref, eid)
        used.update(ref for refs in roles.values() for ref in refs)
    if corpus:
        skipped = [t for t, e in parsed.entities.items() if e.type in CORPUS_TYPES
                   and t not in used and t not in parsed.triggers]
        if skipped:
            kinds = sorted({parsed.entities[t].type for t in skipped})
            warnings.append(f"{name}.ann: {len(skipped)} span(s) that are part of no "
                            f"attribution ({', '.join(kinds)}) were skipped")

    def target_of(target: str, where: str, what: str) -> str | None:
        """The claim a note or attribute belongs to (a Content span's: its event)."""
        if target in parsed.entities and is_claim(target):
            return target
        if corpus and target in content_of:
            return content_of[target]
        if corpus and target in parsed.entities:
            warnings.append(f"{where}: {what} on {target} "
                            f"({parsed.entities[target].type}) ignored")
            return None
        raise FormatError(f"{where}: {what} target {target!r} is not a claim span")

    facets: dict[str, dict[str, Any]] = {}
    facet_where: dict[str, str] = {}
    for fname, target, value, where in parsed.attributes:
        key = target_of(target, where, "attribute")
        if key is None:
            continue
        if fname not in FACET_NAMES:
            warnings.append(f"{where}: attribute {fname!r} is not a facet; ignored")
            continue
        facets.setdefault(key, {})
        if fname in facets[key]:
            raise FormatError(f"{where}: {target} already has attribute {fname!r}")
        facets[key][fname] = facet_value(fname, value)
        facet_where[key] = where
    notes: dict[str, str] = {}
    for target, (note, where) in parsed.notes.items():
        key = target_of(target, where, "comment")
        if key is not None:
            notes[key] = note
    for target, (_, where) in parsed.metas.items():
        if target not in parsed.entities or not is_claim(target):
            raise FormatError(f"{where}: comment target {target!r} is not a claim span")

    text_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    ids = IdRegistry("annotation id")
    annotations: list[Annotation] = []
    parts: dict[str, AttributionParts] = {}

    def add(key: str, label: str, where: str, claim_frags: tuple[tuple[int, int], ...],
            source: tuple[int, int] | None, cue: tuple[int, int] | None) -> None:
        info: dict[str, Any] = {}
        if key in parsed.metas:
            note_json, mwhere = parsed.metas[key]
            info = require_object(parse_json(note_json, where=mwhere), where=mwhere)
        ann_id = normalise_id(str(info["id"])) if isinstance(info.get("id"), str) \
            else derived_id("brat", name, text_hash, key)
        ids.add(ann_id, where=where)
        start = min(a for a, _ in claim_frags)
        end = max(b for _, b in claim_frags)
        extras = parse_extras(info, where=parsed.metas.get(key, ("", where))[1],
                              annotator="brat")
        if key in facets:
            extras["facets"] = facets_from_dict(facets[key], where=facet_where[key])
        note = notes.get(key, "")
        annotations.append(build_annotation(
            text=text, annotation_id=ann_id, article_id=art_id, label=label,
            start=start, end=end, source=source,
            note=unescape_note(note) if ours else note,
            where=where,
            **extras,
        ))
        if cue is not None or len(claim_frags) > 1:
            parts[ann_id] = AttributionParts(
                cue=cue, fragments=claim_frags if len(claim_frags) > 1 else ())

    for tid, ent in parsed.entities.items():
        if ent.type == SOURCE_TYPE and tid not in linked:
            raise FormatError(
                f"{ent.where}: {SOURCE_TYPE} {tid} is not linked to a claim by a "
                f"{RELATION_TYPE} relation"
            )
        if not is_claim(tid):
            continue
        add(tid, ent.type, ent.where, frags[tid], sources.get(tid), cues.get(tid))
    for eid, (type_, claim_frags, src_span, cue_span, where) in events.items():
        add(eid, type_, where, claim_frags, src_span, cue_span)
    return Document(text=text, annotations=annotations, meta=meta, warnings=warnings,
                    parts=parts)
