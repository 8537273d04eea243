"""Converters between the app's annotations and other annotation tools' file formats.

Each submodule converts both ways between a :class:`Document` (article text, article
metadata, annotations, per-annotation facets) and a file's content:

* :mod:`~annotator.domain.formats.doccano` — doccano sequence-labelling JSONL
  (offsets in UTF-16 code units, as doccano's browser UI counts them);
* :mod:`~annotator.domain.formats.labelstudio` — Label Studio JSON task export
  (code points, as Label Studio writes them since 2021; older UTF-16 files recognised);
* :mod:`~annotator.domain.formats.w3c` — W3C Web Annotation Data Model JSON-LD
  (code points, as the W3C model specifies), re-anchored by quote when needed;
* :mod:`~annotator.domain.formats.brat` — brat standoff ``.txt`` + ``.ann``
  (code points of the newline-normalised text).

The list of formats every front end offers (names, titles, extensions, offset
units, readers and writers) is :mod:`~annotator.domain.formats.registry`.

Exports are deterministic (annotations sorted by position) and, where the format
has room for it, carry our own metadata block (``annotator_export``) with the
offset unit, the article metadata and what the format itself cannot hold
(annotation ids, annotators, timestamps, notes, source mentions, facets), so an
export re-imports to the very same annotations.

Imports trust nothing: every problem raises :class:`FormatError` whose message
names the record (line, task, item) and the problem, because the user has to find
and fix it in a file they did not write. Offsets are checked against the text, the
text recorded next to a span must match the article there, ids must be unique.

This package is pure standard library; the services layer decides what an import
means for the project (new article, merge, label mapping).
"""

from __future__ import annotations

import json
import math
import re
import uuid
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from annotator.domain.errors import UserInputError
from annotator.domain.facets import Facets
from annotator.domain.facets_codec import EMPTY_JSON, decode_facets, encode_facets
from annotator.domain.model import CONTEXT_CHARS, Annotation
from annotator.domain.offsets import OffsetMap

EXPORT_KEY = "annotator_export"
"""Key of our metadata block inside foreign formats that allow extra fields."""

EXPORT_VERSION = 1

UNIT_UTF16 = "utf-16 code units (JavaScript string indices), end-exclusive"
UNIT_CODE_POINTS = "unicode code points (Python string indices), end-exclusive"

ARTICLE_META_KEYS = (
    "id", "title", "outlet", "url", "published", "sha256", "original_filename", "imported_at",
)
"""Article fields exported when present in :attr:`Document.meta`."""

_ID_NAMESPACE = uuid.UUID("6f1d0c3e-6c55-4bde-9a43-1f3a3f1f6a11")
"""Namespace for ids derived from foreign identifiers (stable across re-imports)."""


class FormatError(UserInputError):
    """A file that cannot be imported (or data that cannot be exported); says where and why."""


@dataclass(frozen=True)
class AttributionParts:
    """What an attribution has beyond its claim span and source: the cue and fragments.

    ``fragments`` are the claim's pieces in the order the file gives them (a quotation
    split by "he said" is two); empty when the claim is one continuous span. Their
    hull is the annotation's ``start``/``end``.
    """

    cue: tuple[int, int] | None = None
    fragments: tuple[tuple[int, int], ...] = ()


@dataclass
class Document:
    """One article and its annotations, the unit every converter works on.

    Facets travel inside each :class:`Annotation` (``facets``, canonical JSON of
    :class:`~annotator.domain.facets.Facets`); imports validate them like storage does.
    """

    text: str
    annotations: list[Annotation] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    """Article metadata (see :data:`ARTICLE_META_KEYS`); must be JSON-serialisable."""
    warnings: list[str] = field(default_factory=list)
    """Import only: things skipped or assumed that the user should hear about."""
    parts: dict[str, AttributionParts] = field(default_factory=dict)
    """Per annotation id: its cue span and the fragments of a discontinuous claim
    (formats that can say so: brat)."""
    sources: Mapping[str, str] = field(default_factory=dict)
    """Per annotation id: the source-registry entry its mention links to (``source_id``
    in the CSV and JSON exports), so an export → import → export keeps the ids."""


# -- decoding ------------------------------------------------------------------------


def decode_content(content: str | bytes, *, what: str) -> str:
    """File content as text: UTF-8 (a BOM is dropped), refused with the bad byte's offset."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FormatError(
                f"{what}: not valid UTF-8 (bad byte 0x{content[exc.start]:02x} at offset "
                f"{exc.start})"
            ) from None
    elif content.startswith("\ufeff"):
        content = content[1:]
    return content


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(text: str, *, where: str) -> Any:
    """``json.loads`` with a message that names the record and suggests truncation."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        hint = " — the file looks truncated" if exc.pos >= len(text.rstrip()) else ""
        raise FormatError(
            f"{where}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}){hint}"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise FormatError(f"{where}: not valid JSON ({exc})") from None


_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def dump_json(obj: Any, *, indent: int | None = None) -> str:
    """JSON text for exports: real characters rather than ``\\u`` escapes, except for
    U+2028, U+2029 and U+0085.

    Those three are legal unescaped in JSON strings, but ``str.splitlines`` and many
    JSONL readers treat them as line ends and would cut a record in two.
    """
    text = json.dumps(obj, ensure_ascii=False, indent=indent, allow_nan=False)
    for ch, escape in _LINE_BREAKS.items():
        if ch in text:
            text = text.replace(ch, escape)
    return text


def split_at_markers(skeleton: str, *markers: str) -> list[str]:
    """``skeleton`` (JSON text) cut where each ``"marker"`` string value stands, in
    order, so a streaming writer can put a long list or object there piece by piece."""
    parts: list[str] = []
    rest = skeleton
    for marker in markers:
        head, sep, rest = rest.partition(f'"{marker}"')
        if not sep:
            raise ValueError(f"marker {marker!r} not found in the JSON skeleton")
        parts.append(head)
    return [*parts, rest]


# -- field access ----------------------------------------------------------------------


def require_object(value: Any, *, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FormatError(f"{where}: expected a JSON object, found {_kind(value)}")
    return value


def require_list(value: Any, *, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise FormatError(f"{where}: expected a list, found {_kind(value)}")
    return value


def get_str(obj: Mapping[str, Any], key: str, *, where: str, default: str | None = None) -> str:
    """``obj[key]`` as a string; missing is an error unless ``default`` is given."""
    if key not in obj or obj[key] is None:
        if default is None:
            raise FormatError(f"{where}: missing field '{key}'")
        return default
    value = obj[key]
    if not isinstance(value, str):
        raise FormatError(f"{where}: field '{key}' must be a string, found {_kind(value)}")
    return value


def as_int(value: Any, *, where: str, name: str) -> int:
    """An integer offset; booleans, floats and numeric strings are refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer() and math.isfinite(value):
            return int(value)
        raise FormatError(f"{where}: {name} must be an integer, found {value!r}")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), f"a {type(value).__name__}"
    )


# -- offsets ---------------------------------------------------------------------------


def check_span(length: int, start: int, end: int, *, where: str, what: str = "span") -> None:
    """Refuse ``end < start``, empty spans and spans outside ``0..length``."""
    if end < start:
        raise FormatError(f"{where}: {what} ends ({end}) before it starts ({start})")
    if start == end:
        raise FormatError(f"{where}: {what} {start}–{end} is empty")
    if start < 0 or end > length:
        raise FormatError(f"{where}: {what} {start}–{end} is outside the text (0–{length})")


def utf16_span_to_code_points(
    omap: OffsetMap, start16: int, end16: int, *, where: str, what: str = "span"
) -> tuple[int, int]:
    """Convert a UTF-16 span, refusing one that splits an emoji's surrogate pair."""
    check_span(omap.utf16_length, start16, end16, where=where, what=f"{what} (UTF-16)")
    start, end = omap.span_to_code_points(start16, end16)
    for u16, cp in ((start16, start), (end16, end)):
        if omap.to_utf16(cp) != u16:
            raise FormatError(
                f"{where}: {what} offset {u16} falls inside a character that takes two "
                f"UTF-16 units (emoji or similar); the offsets are probably not UTF-16"
            )
    return start, end


class NewlineMap:
    """Offsets into raw text (CRLF or CR newlines) mapped onto the normalised text.

    Tools that keep the text as uploaded count ``\\r\\n`` as two characters; our
    stored text has ``\\n`` only. Normalisation drops the ``\\r`` of each ``\\r\\n``
    and turns a lone ``\\r`` into ``\\n``, so a raw offset moves left by the number of
    dropped ``\\r`` before it.
    """

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.dropped: list[int] = []
        if "\r" in raw:
            pos = raw.find("\r\n")
            while pos != -1:
                self.dropped.append(pos)
                pos = raw.find("\r\n", pos + 2)
        self.text = raw.replace("\r\n", "\n").replace("\r", "\n") if "\r" in raw else raw

    @property
    def changed(self) -> bool:
        return self.text is not self.raw

    def __call__(self, raw_offset: int) -> int:
        return raw_offset - bisect_left(self.dropped, raw_offset)


# -- ids and annotations ---------------------------------------------------------------


def derived_id(*parts: object) -> str:
    """A stable UUID for an annotation that came without one of ours."""
    return str(uuid.uuid5(_ID_NAMESPACE, "\x1f".join(str(p) for p in parts)))


def normalise_id(raw: str) -> str:
    """Our UUIDs pass through (canonical form); anything else maps to a stable UUID."""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return derived_id("foreign-id", raw)


class IdRegistry:
    """Remembers ids and where they were seen, to name both places of a duplicate."""

    def __init__(self, what: str = "id") -> None:
        self._seen: dict[str, str] = {}
        self._what = what

    def add(self, value: str, *, where: str) -> None:
        if value in self._seen:
            raise FormatError(
                f"{where}: duplicate {self._what} {value!r} (already used by {self._seen[value]})"
            )
        self._seen[value] = where

    def __contains__(self, value: object) -> bool:
        return value in self._seen


def check_quote(text: str, start: int, end: int, quote: str, *, where: str,
                what: str = "span", lenient_whitespace: bool = False) -> None:
    """Refuse a span whose recorded text is not what the article has there."""
    actual = text[start:end]
    if actual == quote:
        return
    if lenient_whitespace and " ".join(actual.split()) == " ".join(quote.split()):
        return
    raise FormatError(
        f"{where}: {what} {start}–{end} should contain {_clip(quote)} but the text there is "
        f"{_clip(actual)} (wrong offsets or a different version of the article)"
    )


def _clip(s: str, limit: int = 40) -> str:
    return repr(s if len(s) <= limit else s[: limit - 1] + "…")


def build_annotation(
    *,
    text: str,
    annotation_id: str,
    article_id: int,
    annotator: str,
    label: str,
    start: int,
    end: int,
    source: tuple[int, int] | None = None,
    note: str = "",
    created_at: str = "",
    updated_at: str = "",
    facets: str = EMPTY_JSON,
    version: int = 1,
    reviewed_by: str | None = None,
    reviewed_at: str | None = None,
    origin_id: str | None = None,
    where: str,
) -> Annotation:
    """An imported annotation with text and context cut from the article text."""
    check_span(len(text), start, end, where=where)
    if source is not None:
        check_span(len(text), source[0], source[1], where=where, what="source span")
    if not label.strip():
        raise FormatError(f"{where}: empty label")
    return Annotation(
        id=annotation_id,
        article_id=article_id,
        annotator=annotator,
        label=label,
        start=start,
        end=end,
        text=text[start:end],
        prefix=text[max(0, start - CONTEXT_CHARS):start],
        suffix=text[end:end + CONTEXT_CHARS],
        source_start=source[0] if source else None,
        source_end=source[1] if source else None,
        note=note,
        created_at=created_at,
        updated_at=updated_at,
        facets=facets,
        version=version,
        reviewed_by=reviewed_by,
        reviewed_at=reviewed_at,
        origin_id=origin_id,
    )


# -- facets and the fields foreign formats have no place for ---------------------------


def facets_dict(ann: Annotation) -> dict[str, Any]:
    """The annotation's facets as a JSON-ready ``{facet: value}`` (empty when none)."""
    if not ann.facets or ann.facets == EMPTY_JSON:
        return {}
    try:
        return decode_facets(ann.facets).to_dict()
    except ValueError as exc:
        raise FormatError(f"annotation {ann.id}: {exc}") from None


def facets_from_dict(value: Any, *, where: str) -> str:
    """Validate imported facets exactly as storage would; canonical JSON for the annotation."""
    if value is None:
        return EMPTY_JSON
    obj = require_object(value, where=f"{where} facets")
    try:
        return encode_facets(Facets.from_dict(obj))
    except ValueError as exc:
        raise FormatError(f"{where}: {exc}") from None


_OPTIONAL_FIELDS = ("reviewed_by", "reviewed_at", "origin_id")


def annotation_extras(ann: Annotation, *, with_facets: bool = True) -> dict[str, Any]:
    """What foreign formats cannot hold natively, for our metadata block."""
    out: dict[str, Any] = {
        "annotator": ann.annotator,
        "created_at": ann.created_at,
        "updated_at": ann.updated_at,
        "version": ann.version,
    }
    for key in _OPTIONAL_FIELDS:
        if getattr(ann, key) is not None:
            out[key] = getattr(ann, key)
    if with_facets:
        found = facets_dict(ann)
        if found:
            out["facets"] = found
    return out


def parse_extras(
    entry: Mapping[str, Any],
    *,
    where: str,
    annotator: str,
    created_at: str = "",
    updated_at: str = "",
) -> dict[str, Any]:
    """Keyword arguments for :func:`build_annotation` from a metadata block.

    The keyword defaults are used for fields the block lacks (foreign files).
    """
    version = entry.get("version", 1)
    version = as_int(version, where=where, name="'version'")
    if version < 1:
        raise FormatError(f"{where}: 'version' must be at least 1")
    out: dict[str, Any] = {
        "annotator": get_str(entry, "annotator", where=where, default=annotator) or annotator,
        "created_at": get_str(entry, "created_at", where=where, default=created_at),
        "updated_at": get_str(entry, "updated_at", where=where, default=updated_at),
        "version": version,
        "facets": facets_from_dict(entry.get("facets"), where=where),
    }
    for key in _OPTIONAL_FIELDS:
        if entry.get(key) is not None:
            out[key] = get_str(entry, key, where=where)
    return out


# The stored id column holds 24 characters ("src_" + up to 20); a longer id would pass
# here and then be refused by PostgreSQL in the middle of the import.
SOURCE_ID_MAX = 24
_SOURCE_ID = re.compile(rf"src_[0-9A-Za-z_-]{{1,{SOURCE_ID_MAX - 4}}}")


def parse_source_id(entry: Mapping[str, Any], *, where: str) -> str | None:
    """The optional ``source_id`` of a metadata block (``src_…``), checked."""
    value = entry.get("source_id")
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _SOURCE_ID.fullmatch(value):
        raise FormatError(f"{where}: 'source_id' must be a source id like 'src_1a2b…', "
                          f"found {value!r:.40}")
    return value


def article_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    """The exportable article fields of ``meta``, in a fixed order."""
    return {k: meta[k] for k in ARTICLE_META_KEYS if meta.get(k) not in (None, "")}


def article_id_of(meta: Mapping[str, Any], override: int | None) -> int:
    """Article id for imported annotations: explicit, else the exported one, else 0."""
    if override is not None:
        return override
    value = meta.get("id")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def sorted_annotations(annotations: Iterable[Annotation]) -> list[Annotation]:
    return sorted(annotations, key=lambda a: a.sort_key)


def check_export(document: Document, *, where: str = "export") -> None:
    """Refuse to write a document whose annotations do not fit its text.

    Exporting a broken span would produce a file that our own importer (rightly)
    refuses, so the error surfaces here, where the cause is.
    """
    check = ExportChecker(document.text, where=where)
    for ann in document.annotations:
        check(ann)


class ExportChecker:
    """:func:`check_export` one annotation at a time, for writers that stream."""

    def __init__(self, text: str, *, where: str = "export") -> None:
        if "\r" in text:
            raise FormatError(f"{where}: the article text must have normalised newlines")
        self.text = text
        self.where = where
        self.seen: set[str] = set()
        """Ids only (an :class:`IdRegistry` would keep a message per annotation: ~100 bytes
        each, what made a streamed export of 100k annotations grow by ~14 MB)."""

    def __call__(self, ann: Annotation) -> None:
        text = self.text
        here = f"{self.where}: annotation {ann.id}"
        if ann.id in self.seen:  # the same words IdRegistry uses
            raise FormatError(f"{here}: duplicate annotation id {ann.id!r} "
                              f"(already used by {here})")
        self.seen.add(ann.id)
        check_span(len(text), ann.start, ann.end, where=here)
        check_quote(text, ann.start, ann.end, ann.text, where=here)
        if ann.has_source:
            assert ann.source_start is not None and ann.source_end is not None
            check_span(len(text), ann.source_start, ann.source_end, where=here,
                       what="source span")
        facets_dict(ann)  # refuses invalid stored facets here rather than in the file
