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

Discontinuous spans (``0 5;8 12``), events, normalisations and relations other
than ``Source`` are refused with a message, not half-imported.
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
NOTE_TYPE = "AnnotatorNotes"
META_TYPE = "AnnotatorMeta"
"""Comment type carrying what brat has no field for (our id, annotator, timestamps)."""

_DIGITS = re.compile(r"^[0-9]+$")
_ID = re.compile(r"^[TRAM#][A-Za-z0-9_-]*$")
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
        if ann.label == SOURCE_TYPE:
            raise FormatError(
                f"annotation {ann.id}: the label {SOURCE_TYPE!r} is reserved for source mentions"
            )
        n_t += 1
        tid = f"T{n_t}"
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


@dataclass
class _Parsed:
    entities: dict[str, _Entity] = field(default_factory=dict)
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # (claim, source, where)
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
        if kind in ("E", "N", "*"):
            what = {"E": "event", "N": "normalisation", "*": "equivalence"}[kind]
            raise FormatError(f"{where}: brat {what} annotations ({head}) are not supported")
        if not _ID.match(head):
            raise FormatError(f"{where}: unknown annotation id {head!r:.20}")
        ids.add(head, where=where)
        if kind == "T":
            middle, sep, span_text = rest.partition("\t")
            if not sep:
                raise FormatError(f"{where}: missing the span text field")
            if ";" in middle:
                raise FormatError(
                    f"{where}: discontinuous span ({middle.split(' ', 1)[-1]}) is not "
                    f"supported; split it into separate annotations in brat"
                )
            fields = middle.split(" ")
            if len(fields) != 3:
                raise FormatError(f"{where}: expected 'Type start end', found {middle!r:.60}")
            type_, s, e = fields
            if not _DIGITS.match(s) or not _DIGITS.match(e):
                raise FormatError(f"{where}: offsets must be whole numbers, found {s!r} {e!r}")
            out.entities[head] = _Entity(head, _decode(type_, where), int(s), int(e), span_text,
                                         where)
        elif kind == "R":
            fields = rest.rstrip("\t").split(" ")
            if len(fields) != 3:
                raise FormatError(f"{where}: expected 'Type Arg1:T1 Arg2:T2', found {rest!r:.60}")
            if fields[0] != RELATION_TYPE:
                raise FormatError(
                    f"{where}: relation type {fields[0]!r} is not supported "
                    f"(only {RELATION_TYPE!r}, from a claim to its source mention)"
                )
            args = dict(arg.partition(":")[::2] for arg in fields[1:])
            if set(args) != {"Arg1", "Arg2"}:
                raise FormatError(f"{where}: relation needs Arg1 and Arg2, found {fields[1:]}")
            out.relations.append((args["Arg1"], args["Arg2"], where))
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
    for ent in parsed.entities.values():
        raw_len_ok = ent.end >= ent.start
        if not raw_len_ok:
            raise FormatError(f"{ent.where}: span ends ({ent.end}) before it starts ({ent.start})")
        start, end = mapper(ent.start), mapper(ent.end)
        if ent.start == ent.end:
            raise FormatError(f"{ent.where}: span {ent.start}–{ent.end} is empty")
        if end > len(text):
            raise FormatError(
                f"{ent.where}: span {ent.start}–{ent.end} is outside the text (0–{len(text)})"
            )
        actual = text[start:end]
        if ent.text not in (actual, _span_text_field(actual)):
            raise FormatError(
                f"{ent.where}: span {ent.start}–{ent.end} should contain {ent.text[:40]!r} but "
                f"the .txt has {actual[:40]!r} there (wrong offsets or a different text)"
            )
        spans[ent.tid] = (start, end)

    sources: dict[str, tuple[int, int]] = {}
    linked: set[str] = set()
    for claim, src, where in parsed.relations:
        for ref in (claim, src):
            if ref not in parsed.entities:
                raise FormatError(f"{where}: refers to {ref!r}, which is not a text span")
        if parsed.entities[src].type != SOURCE_TYPE or parsed.entities[claim].type == SOURCE_TYPE:
            raise FormatError(
                f"{where}: a {RELATION_TYPE} relation goes from a claim (Arg1) to a "
                f"{SOURCE_TYPE} span (Arg2)"
            )
        if claim in sources:
            raise FormatError(f"{where}: {claim} already has a source mention")
        sources[claim] = spans[src]
        linked.add(src)

    facets: dict[str, dict[str, Any]] = {}
    facet_where: dict[str, str] = {}
    claim_ids = {t for t, e in parsed.entities.items() if e.type != SOURCE_TYPE}
    warnings = list(parsed.warnings)
    for fname, target, value, where in parsed.attributes:
        if target not in claim_ids:
            raise FormatError(f"{where}: attribute target {target!r} is not a claim span")
        if fname not in FACET_NAMES:
            warnings.append(f"{where}: attribute {fname!r} is not a facet; ignored")
            continue
        facets.setdefault(target, {})
        if fname in facets[target]:
            raise FormatError(f"{where}: {target} already has attribute {fname!r}")
        facets[target][fname] = _facet_value(fname, value)
        facet_where[target] = where
    for table in (parsed.notes, parsed.metas):
        for target, (_, where) in table.items():
            if target not in claim_ids:
                raise FormatError(f"{where}: comment target {target!r} is not a claim span")

    text_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    ids = IdRegistry("annotation id")
    annotations: list[Annotation] = []
    for tid, ent in parsed.entities.items():
        if ent.type == SOURCE_TYPE:
            if tid not in linked:
                raise FormatError(
                    f"{ent.where}: {SOURCE_TYPE} {tid} is not linked to a claim by a "
                    f"{RELATION_TYPE} relation"
                )
            continue
        info: dict[str, Any] = {}
        if tid in parsed.metas:
            note_json, mwhere = parsed.metas[tid]
            info = require_object(parse_json(note_json, where=mwhere), where=mwhere)
        ann_id = normalise_id(str(info["id"])) if isinstance(info.get("id"), str) \
            else derived_id("brat", name, text_hash, tid)
        ids.add(ann_id, where=ent.where)
        note = parsed.notes.get(tid, ("", ""))[0]
        start, end = spans[tid]
        extras = parse_extras(info, where=parsed.metas.get(tid, ("", ent.where))[1],
                              annotator="brat")
        if tid in facets:
            extras["facets"] = facets_from_dict(facets[tid], where=facet_where[tid])
        annotations.append(build_annotation(
            text=text, annotation_id=ann_id, article_id=art_id, label=ent.type,
            start=start, end=end, source=sources.get(tid),
            note=_unescape_note(note) if ours else note,
            where=ent.where,
            **extras,
        ))
    return Document(text=text, annotations=annotations, meta=meta, warnings=warnings)


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
    base_dir: Path | str, name: str, *, article_id: int | None = None
) -> Document:
    """Read ``name.txt`` and ``name.ann`` from ``base_dir`` (a missing ``.ann`` = no spans)."""
    txt_path, ann_path = brat_paths(base_dir, name)
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
