"""brat standoff (``.txt`` + ``.ann``), both directions, plus safe file naming.

The ``.txt`` is the article text, UTF-8 with ``\\n`` newlines. The ``.ann`` has
one annotation per line::

    T1<TAB>named 10 24<TAB>the spokesperson      claim span (label, start, end, text)
    T2<TAB>SourceMention 0 9<TAB>Officials        its source mention
    R1<TAB>Source Arg1:T1 Arg2:T2                links claim -> source mention
    A1<TAB>quote_type T1 direct                  a facet (name, value)
    #1<TAB>AnnotatorNotes T1<TAB>check this      the note
    #2<TAB>AnnotatorMeta T1<TAB>{"id": ...}      our id, annotator, timestamps

Offsets are code points of the ``.txt`` as Python reads it, i.e. of the stored,
newline-normalised text; brat has no place to say so in the file, so it is said
here. A ``.txt`` with Windows newlines is accepted whichever way its offsets were
counted (the interpretation under which every span's text matches wins).

brat cannot hold some of what we store, so a few things are encoded:

* labels and facet values in the space-separated fields have ``%``, whitespace
  and control characters percent-encoded (``%20``…); facet values are their
  vocabulary words, numbers, ``true``/``false``, or ``;``-joined annotation ids;
* a note's line breaks and backslashes are escaped (``\\n``, ``\\\\``,
  ``\\u2028``) because a note must stay on one line — only undone in files we
  wrote (recognised by the ``AnnotatorMeta`` lines), so foreign notes are literal;
* a span's text field shows its line breaks as spaces, as brat itself does;
* attributes that are not facets of ours (e.g. brat's ``Negation``) are skipped
  with a warning; a value-less ``hedge`` attribute means true.

Attributions beyond claim and source:

* a claim may be discontinuous (``T1<TAB>named 0 5;8 12<TAB>text text``, the text
  field being the fragments joined by a space, as brat writes it): it becomes one
  annotation spanning the fragments' hull, and the fragments are kept exactly, in
  the file's order, so exporting writes the same ``0 5;8 12`` back;
* a cue: ``T3<TAB>Cue 25 29<TAB>said`` linked by ``R2<TAB>Cue Arg1:T1 Arg2:T3``.

Attribution corpora (PolNeAR, PARC style) are read too: an ``E`` line
``E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1`` (or ``Attribution-no-source``)
becomes one claim — the Content span(s), ``Content2`` as further fragments — with
its source mention and cue; its label is the event type. Spans that belong to no
attribution (``Discard``, ``Discuss``, an event's trigger) are skipped with one
warning. Normalisations, equivalences, other event types and relations other than
``Source`` and ``Cue`` are refused with a message, not half-imported.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from annotator.domain.facets import FACET_NAMES
from annotator.domain.formats import (
    AttributionParts,
    Document,
    FormatError,
    IdRegistry,
    NewlineMap,
    annotation_extras,
    article_id_of,
    build_annotation,
    check_export,
    decode_content,
    derived_id,
    facets_dict,
    facets_from_dict,
    normalise_id,
    parse_extras,
    parse_json,
    require_object,
    sorted_annotations,
)
from annotator.domain.model import Annotation
from annotator.domain.text_import import MAX_ARTICLE_BYTES

SOURCE_TYPE = "SourceMention"
"""Entity type of source-mention spans."""
RELATION_TYPE = "Source"
"""Relation type from a claim (Arg1) to its source mention (Arg2)."""
CUE_TYPE = "Cue"
"""Entity type of cue spans, and relation type from a claim (Arg1) to its cue (Arg2)."""
EVENT_TYPES = ("Attribution", "Attribution-no-source")
"""Event types of attribution corpora (PolNeAR): one attribution per event."""
CORPUS_TYPES = frozenset({"Source", "Cue", "Content", "Discard", "Discuss", *EVENT_TYPES})
"""Entity types of attribution corpora; such spans are read only through events."""
NOTE_TYPE = "AnnotatorNotes"
META_TYPE = "AnnotatorMeta"
"""Comment type carrying what brat has no field for (our id, annotator, timestamps)."""

_DIGITS = re.compile(r"^[0-9]+$")
_ID = re.compile(r"^[TRAME#][A-Za-z0-9_-]*$")
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)


# -- encoding of space-separated tokens and notes ------------------------------------


def _encode_token(value: str) -> str:
    """Percent-encode what would break a space-separated brat field."""
    return "".join(
        quote(ch, safe="") if ch == "%" or ch.isspace() or not ch.isprintable() else ch
        for ch in value
    )


def _decode_token(value: str) -> str:
    return unquote(value, errors="strict") if "%" in value else value


_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""Every character ``str.splitlines`` breaks at; none may appear inside an .ann line."""
_BREAK_TO_SPACE = str.maketrans({ch: " " for ch in _LINE_BREAKS})


def _escape_note(note: str) -> str:
    out = note.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    for ch in _LINE_BREAKS[2:]:
        out = out.replace(ch, f"\\u{ord(ch):04x}")
    return out


_NOTE_ESCAPE = re.compile(r"\\(\\|n|r|u[0-9a-f]{4})")


def _unescape_note(note: str) -> str:
    def repl(m: re.Match[str]) -> str:
        code = m.group(1)
        if code.startswith("u"):
            return chr(int(code[1:], 16))
        return {"\\": "\\", "n": "\n", "r": "\r"}[code]

    return _NOTE_ESCAPE.sub(repl, note)


def _span_text_field(text: str) -> str:
    """The span text as the .ann shows it: line breaks become spaces, as in brat."""
    return text.translate(_BREAK_TO_SPACE)


def _facet_token(value: Any) -> str:
    """A facet value as one brat attribute value (vocabulary word, number, true/false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)  # annotation ids (UUIDs) never contain ';'
    return str(value)


def _facet_value(name: str, token: str | None) -> Any:
    """Inverse of :func:`_facet_token`, typed the way :class:`Facets` expects."""
    if name == "hedge":
        return {"true": True, "false": False, None: True}.get(token, token)
    if token is None:
        return "true"
    if name in ("source_count", "admiralty_credibility") and _DIGITS.match(token):
        return int(token)
    if name == "corroborated_by":
        return [part for part in token.split(";") if part]
    return token


# -- export ---------------------------------------------------------------------------


def export_brat(document: Document) -> tuple[str, str]:
    """``(txt, ann)`` file contents for one document."""
    check_export(document)
    text = document.text
    lines: list[str] = []
    n_t = n_r = n_a = n_c = 0
    source_ids: dict[tuple[int, int], str] = {}
    for ann in sorted_annotations(document.annotations):
        label = _encode_token(ann.label)
        if not label:
            raise FormatError(f"annotation {ann.id}: empty label")
        if ann.label in (SOURCE_TYPE, CUE_TYPE):
            raise FormatError(
                f"annotation {ann.id}: the label {ann.label!r} is reserved for "
                f"{'source mentions' if ann.label == SOURCE_TYPE else 'cues'}"
            )
        n_t += 1
        tid = f"T{n_t}"
        parts = document.parts.get(ann.id)
        frags = parts.fragments if parts and len(parts.fragments) > 1 else ()
        if frags:
            offsets = ";".join(f"{a} {b}" for a, b in frags)
            shown = " ".join(text[a:b] for a, b in frags)
            lines.append(f"{tid}\t{label} {offsets}\t{_span_text_field(shown)}")
        else:
            lines.append(f"{tid}\t{label} {ann.start} {ann.end}\t{_span_text_field(ann.text)}")
        if ann.source_start is not None and ann.source_end is not None:
            span = (ann.source_start, ann.source_end)
            sid = source_ids.get(span)
            if sid is None:
                n_t += 1
                sid = source_ids[span] = f"T{n_t}"
                lines.append(f"{sid}\t{SOURCE_TYPE} {span[0]} {span[1]}\t"
                             f"{_span_text_field(text[span[0]:span[1]])}")
            n_r += 1
            lines.append(f"R{n_r}\t{RELATION_TYPE} Arg1:{tid} Arg2:{sid}")
        if parts and parts.cue:
            n_t += 1
            cid = f"T{n_t}"
            c0, c1 = parts.cue
            lines.append(f"{cid}\t{CUE_TYPE} {c0} {c1}\t{_span_text_field(text[c0:c1])}")
            n_r += 1
            lines.append(f"R{n_r}\t{CUE_TYPE} Arg1:{tid} Arg2:{cid}")
        for name, value in facets_dict(ann).items():
            n_a += 1
            lines.append(f"A{n_a}\t{name} {tid} {_encode_token(_facet_token(value))}")
        if ann.note:
            n_c += 1
            lines.append(f"#{n_c}\t{NOTE_TYPE} {tid}\t{_escape_note(ann.note)}")
        n_c += 1
        meta = {"id": ann.id, **annotation_extras(ann, with_facets=False)}
        lines.append(f"#{n_c}\t{META_TYPE} {tid}\t{json.dumps(meta, ensure_ascii=True)}")
    return text, "".join(line + "\n" for line in lines)


# -- import ---------------------------------------------------------------------------


@dataclass
class _Entity:
    tid: str
    type: str
    start: int
    end: int
    text: str
    where: str
    frags: tuple[tuple[int, int], ...] = ()
    """All fragments, in file order (one for a continuous span)."""


@dataclass
class _Parsed:
    entities: dict[str, _Entity] = field(default_factory=dict)
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # (claim, source, where)
    cue_relations: list[tuple[str, str, str]] = field(default_factory=list)  # (claim, cue, where)
    events: list[tuple[str, str, dict[str, list[str]], str]] = field(default_factory=list)
    """(event id, type, {role: [T ids]}, where)."""
    triggers: set[str] = field(default_factory=set)
    """Events' trigger spans (the cue again, in PolNeAR): not claims, not warned about."""
    attributes: list[tuple[str, str, str | None, str]] = field(default_factory=list)
    notes: dict[str, tuple[str, str]] = field(default_factory=dict)
    metas: dict[str, tuple[str, str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


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
    parsed = _parse_ann(ann_text, name)
    newlines = NewlineMap(raw_text)
    meta = dict(meta or {})
    art_id = article_id_of(meta, article_id)
    try:
        doc = _build(parsed, newlines.text, lambda o: o, name, meta, art_id)
    except FormatError:
        if not newlines.changed:
            raise
        try:
            doc = _build(parsed, newlines.text, newlines, name, meta, art_id)
        except FormatError:
            pass
        else:
            doc.warnings.append(f"{name}.ann: offsets count Windows newlines as two characters")
            return doc
        raise
    if newlines.changed:
        doc.warnings.append(f"{name}.txt: Windows newlines were normalised")
    return doc


def _parse_ann(content: str, name: str) -> _Parsed:
    out = _Parsed()
    ids = IdRegistry("brat id")
    for lineno, line in enumerate(content.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        where = f"{name}.ann line {lineno}"
        head, sep, rest = line.partition("\t")
        if not sep:
            raise FormatError(f"{where}: expected tab-separated fields, found {line!r:.60}")
        kind = head[:1]
        if kind in ("N", "*"):
            what = {"N": "normalisation", "*": "equivalence"}[kind]
            raise FormatError(f"{where}: brat {what} annotations ({head}) are not supported")
        if not _ID.match(head):
            raise FormatError(f"{where}: unknown annotation id {head!r:.20}")
        ids.add(head, where=where)
        if kind == "T":
            middle, sep, span_text = rest.partition("\t")
            if not sep:
                raise FormatError(f"{where}: missing the span text field")
            type_, _, offsets = middle.partition(" ")
            frags: list[tuple[int, int]] = []
            for part in offsets.split(";"):
                fields = part.split(" ")
                if len(fields) != 2 or not type_:
                    raise FormatError(
                        f"{where}: expected 'Type start end[;start end...]', found {middle!r:.60}")
                s, e = fields
                if not _DIGITS.match(s) or not _DIGITS.match(e):
                    raise FormatError(
                        f"{where}: offsets must be whole numbers, found {s!r} {e!r}")
                frags.append((int(s), int(e)))
            out.entities[head] = _Entity(
                head, _decode(type_, where), min(a for a, _ in frags),
                max(b for _, b in frags), span_text, where, tuple(frags))
        elif kind == "E":
            fields = rest.rstrip("\t").split()
            if not fields:
                raise FormatError(f"{where}: an event needs 'Type:Trigger'")
            type_, _, trigger = fields[0].partition(":")
            out.triggers.add(trigger)
            if type_ not in EVENT_TYPES:
                raise FormatError(
                    f"{where}: event type {type_!r} is not supported (only attribution "
                    f"events: {', '.join(EVENT_TYPES)})")
            roles: dict[str, list[str]] = {}
            for arg in fields[1:]:
                role, sep, ref = arg.partition(":")
                if not sep or not ref:
                    raise FormatError(f"{where}: event argument {arg!r:.30} is not Role:T")
                roles.setdefault(role.rstrip("0123456789") or role, []).append(ref)
            unknown = set(roles) - {"Source", "Cue", "Content"}
            if unknown:
                raise FormatError(f"{where}: event role(s) {', '.join(sorted(unknown))} "
                                  f"not understood (Source, Cue, Content)")
            out.events.append((head, type_, roles, where))
        elif kind == "R":
            fields = rest.rstrip("\t").split(" ")
            if len(fields) != 3:
                raise FormatError(f"{where}: expected 'Type Arg1:T1 Arg2:T2', found {rest!r:.60}")
            if fields[0] not in (RELATION_TYPE, CUE_TYPE):
                raise FormatError(
                    f"{where}: relation type {fields[0]!r} is not supported "
                    f"(only {RELATION_TYPE!r}, from a claim to its source mention, and "
                    f"{CUE_TYPE!r}, from a claim to its cue)"
                )
            args = dict(arg.partition(":")[::2] for arg in fields[1:])
            if set(args) != {"Arg1", "Arg2"}:
                raise FormatError(f"{where}: relation needs Arg1 and Arg2, found {fields[1:]}")
            links = out.relations if fields[0] == RELATION_TYPE else out.cue_relations
            links.append((args["Arg1"], args["Arg2"], where))
        elif kind in ("A", "M"):
            fields = rest.rstrip("\t").split(" ")
            if len(fields) not in (2, 3):
                raise FormatError(f"{where}: expected 'Name T1 [Value]', found {rest!r:.60}")
            value = _decode(fields[2], where) if len(fields) == 3 else None
            out.attributes.append((_decode(fields[0], where), fields[1], value, where))
        else:  # '#'
            middle, _, note = rest.partition("\t")
            fields = middle.split(" ")
            if len(fields) != 2:
                raise FormatError(f"{where}: expected 'AnnotatorNotes T1', found {middle!r:.60}")
            type_, target = fields
            if type_ == NOTE_TYPE:
                table = out.notes
            elif type_ == META_TYPE:
                table = out.metas
            else:
                out.warnings.append(f"{where}: comment type {type_!r} ignored")
                continue
            if target in table:
                raise FormatError(f"{where}: a second {type_} for {target}")
            table[target] = (note, where)
    return out


def _decode(token: str, where: str) -> str:
    try:
        value = _decode_token(token)
    except UnicodeDecodeError:
        raise FormatError(f"{where}: bad percent-encoding in {token!r:.40}") from None
    if not value:
        raise FormatError(f"{where}: empty name")
    return value


def _build(
    parsed: _Parsed,
    text: str,
    mapper: Callable[[int], int],
    name: str,
    meta: dict[str, Any],
    art_id: int,
) -> Document:
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
        if ent.text not in (actual, _span_text_field(actual)):
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
        facets[key][fname] = _facet_value(fname, value)
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
            note=_unescape_note(note) if ours else note,
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


# -- files ----------------------------------------------------------------------------


def safe_path(base_dir: Path | str, name: str) -> Path:
    """``base_dir / name`` after refusing names that could leave ``base_dir``.

    Refused: empty names, absolute paths (``/x``, ``C:\\x``, ``\\\\server``), ``..``
    and ``.`` components, backslashes (a separator on Windows), control characters,
    Windows device names (``CON``, ``NUL``…) and components ending in a dot or space
    (Windows silently drops them), and anything that resolves outside ``base_dir``
    through a symbolic link.
    """
    if not name or not name.strip():
        raise FormatError("file name is empty")
    shown = repr(name[:80])
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise FormatError(f"file name {shown} contains control characters")
    if "\\" in name:
        raise FormatError(f"file name {shown} contains a backslash")
    if name.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", name):
        raise FormatError(f"file name {shown} is an absolute path")
    parts = name.split("/")
    for part in parts:
        if part in ("", ".", ".."):
            raise FormatError(f"file name {shown} may not contain empty, '.' or '..' parts")
        if part.split(".")[0].upper() in _WINDOWS_RESERVED:
            raise FormatError(f"file name {shown} uses a reserved device name")
        if part.endswith((".", " ")):
            raise FormatError(f"file name {shown} has a part ending in a dot or space")
    base = Path(base_dir)
    path = base.joinpath(*parts)
    if not path.resolve().is_relative_to(base.resolve()):
        raise FormatError(f"file name {shown} leads outside {str(base)!r}")
    return path


def brat_paths(base_dir: Path | str, name: str) -> tuple[Path, Path]:
    """The ``.txt`` and ``.ann`` paths for document ``name`` (extension optional)."""
    stem = name.removesuffix(".txt").removesuffix(".ann")
    safe_path(base_dir, stem)  # the stem itself must be a clean name, not just stem + ".txt"
    return safe_path(base_dir, stem + ".txt"), safe_path(base_dir, stem + ".ann")


def write_brat(
    base_dir: Path | str, name: str, document: Document, *, overwrite: bool = False
) -> tuple[Path, Path]:
    """Write ``name.txt`` and ``name.ann`` under ``base_dir`` (atomically, UTF-8, LF)."""
    txt_path, ann_path = brat_paths(base_dir, name)
    if not overwrite:
        for path in (txt_path, ann_path):
            if path.exists():
                raise FormatError(f"{path} already exists")
    txt, ann = export_brat(document)
    txt_path.parent.mkdir(parents=True, exist_ok=True)
    # Re-check after creating folders: a folder created meanwhile could be a link.
    brat_paths(base_dir, name)
    for path, content in ((txt_path, txt), (ann_path, ann)):
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content.encode("utf-8"))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return txt_path, ann_path


def read_brat(
    base_dir: Path | str, name: str, *, article_id: int | None = None,
    text_path: Path | None = None,
) -> Document:
    """Read ``name.txt`` and ``name.ann`` from ``base_dir`` (a missing ``.ann`` = no spans).

    ``text_path`` reads the text from that file instead: attribution corpora keep one
    text and one ``.ann`` per annotator (``article_4b22.ann``), PolNeAR in a sibling
    ``text/`` folder. The caller found that path itself (see services/interop.py).
    """
    txt_path, ann_path = brat_paths(base_dir, name)
    if text_path is not None:
        txt_path = text_path
    label = name.removesuffix(".txt").removesuffix(".ann")
    txt = _read_limited(txt_path)
    ann = _read_limited(ann_path) if ann_path.exists() else b""
    return import_brat(txt, ann, name=label, article_id=article_id)


def _read_limited(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise FormatError(f"{path.name}: too large ({size / 1e6:.0f} MB)")
        return path.read_bytes()
    except OSError as exc:
        raise FormatError(f"{path.name}: cannot read ({exc.strerror or exc})") from None
