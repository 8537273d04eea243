"""Annotations in and out of other tools' formats, pasted articles, article metadata.

Formats (see ``docs/formats.md`` for fields and offset units): ``csv`` (this app's
own export), ``doccano`` (JSONL), ``labelstudio`` (JSON), ``w3c`` (Web Annotation
JSON-LD) and ``brat`` (``.txt`` + ``.ann``). The converters live in
:mod:`annotator.domain.formats`; this module decides what an import means for a
project:

* **all or nothing**: the file is parsed and validated in memory, then written in
  one transaction; any problem refuses the whole file and names the file, the
  line/record and the problem;
* **articles**: a record carrying its article text goes to the local article with
  the same text (SHA-256), else to ``article_id`` / the article with the same URL /
  the same id and title — where its annotations are *re-anchored* — else, with
  ``create_articles``, to a new article; a CSV group of rows goes to the article
  with its ``article_id`` if every row's ``text`` matches there, else to any article
  where every row matches (text search); with ``reanchor`` rows that match nowhere
  are re-anchored on their ``article_id``'s article by their text;
* **re-anchoring**: ``exact`` and ``moved`` annotations are imported; ``uncertain``
  and ``orphaned`` ones are never placed silently: by default the import is refused
  listing them; with ``reanchor=True`` the others are imported and these written to
  a review file (CSV) instead;
* **labels**: a file's label may be a label key or name of the project; others are
  refused (listed with counts) unless mapped (``label_map``) or added
  (``add_labels``: all, or a collection of foreign labels);
* **ids**: duplicates within the file are refused; an id already stored with the
  same content is skipped (re-importing a file is harmless), with different
  content it is a conflict that refuses the import and names the id.

Long operations take ``progress(done, total)`` and ``cancelled()`` callbacks so a
GUI can run them in a worker thread; cancelling raises :class:`OperationCancelled`
and rolls back, leaving the database unchanged.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, TextIO
from urllib.parse import urlsplit

from sqlalchemy import literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from annotator.domain.csv_safety import neutralise, unneutralise
from annotator.domain.errors import OperationCancelled as _DomainCancelled
from annotator.domain.errors import UserInputError
from annotator.domain.facets import FACET_NAMES, Facets
from annotator.domain.facets_codec import EMPTY_JSON, encode_facets
from annotator.domain.formats import (
    EXPORT_KEY,
    AttributionParts,
    Document,
    FormatError,
    decode_content,
    normalise_id,
    parse_json,
    parse_source_id,
)
from annotator.domain.formats.brat import export_brat, read_brat, safe_path
from annotator.domain.formats.doccano import write_doccano
from annotator.domain.formats.labelstudio import write_labelstudio
from annotator.domain.formats.registry import format_names, formats_for_extension, get_format
from annotator.domain.formats.w3c import import_w3c
from annotator.domain.model import CONTEXT_CHARS, Annotation, Article, Label, utc_now_iso
from annotator.domain.reanchor import AnchorStatus, reanchor_annotations
from annotator.domain.text_import import (
    ArticleInputError,
    decode_article_bytes,
    sha256_text,
    title_from_text,
)
from annotator.services.articles import ImportedArticle
from annotator.services.changes import Changes
from annotator.services.db_errors import retry_on_duplicate_article
from annotator.services.export_csv import CSV_COLUMNS, export_csv
from annotator.services.project import Project
from annotator.services.safe_read import check_regular_file, read_regular_file
from annotator.services.sources import keep_source_ids, source_ids_for_export
from annotator.services.taxonomy import check_label_name
from annotator.storage import crud, suggestion_crud
from annotator.storage.tables import AnnotationEventRow, ArticleRow

FORMATS = format_names()
"""Format names, from the one registry (:mod:`annotator.domain.formats.registry`)."""
EXPORT_FORMATS = FORMATS

MAX_IMPORT_BYTES = 128 * 1024 * 1024
"""Annotation files above this are refused before being read (a 100k-row CSV is ~25 MB)."""

CSV_REQUIRED = ("article_id", "label", "start", "end", "text")
# The columns the CSV export neutralises (article_title, annotator, label, text,
# source_text, note and the facets) are unneutralised on import; score and band are
# computed by the export and read past.

REVIEW_COLUMNS = (
    "annotation_id", "record", "status", "label", "annotator", "old_start", "old_end",
    "quote", "suggested_start", "suggested_end", "suggested_text", "reason",
)

LABEL_COLORS = ("#9c755f", "#bab0ac", "#d37295", "#8cd17d", "#b6992d", "#499894", "#86bcb6",
                "#f1ce63", "#a0cbe8", "#ffbe7d")
"""Colours given to labels added by an import, in turn."""

BATCH = 5000
"""Rows per insert batch: progress and cancel are checked between batches."""

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_STAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?)?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?"
)
_UUID_LINES = re.compile(f"{_UUID.pattern}(?:\n{_UUID.pattern})*")


OperationCancelled = _DomainCancelled
"""The user cancelled; nothing was written (one class shared by every service)."""


# -- reports ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    """An annotation that was not imported because it could not be placed confidently."""

    annotation_id: str
    record: str
    status: str
    label: str
    annotator: str
    old_start: int | None
    old_end: int | None
    quote: str
    suggested_start: int | None
    suggested_end: int | None
    suggested_text: str
    reason: str

    def describe(self) -> str:
        return f"{self.record}: {self.quote[:40]!r} {self.status} ({self.reason})"


@dataclass
class AnnotationImportReport:
    path: str
    format: str
    imported: int = 0
    unchanged: int = 0
    """Annotations already stored with identical content (skipped)."""
    article_ids: list[int] = field(default_factory=list)
    created_articles: list[int] = field(default_factory=list)
    added_labels: list[str] = field(default_factory=list)
    anchor_counts: dict[str, int] = field(default_factory=dict)
    """Re-anchoring outcome per status, for records whose article text differed."""
    review: list[ReviewItem] = field(default_factory=list)
    review_path: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def changes(self) -> Changes:
        """The articles that received annotations (or were created), new labels."""
        return Changes.bulk([*self.article_ids, *self.created_articles],
                            labels=bool(self.added_labels)) | Changes(article_list=True)

    def summary(self) -> str:
        parts = [f"{self.imported} annotation(s) imported"]
        if self.unchanged:
            parts.append(f"{self.unchanged} already present")
        if self.article_ids:
            parts.append("article(s) " + ", ".join(map(str, self.article_ids)))
        if self.created_articles:
            parts.append("new article(s) " + ", ".join(map(str, self.created_articles)))
        if self.added_labels:
            parts.append("new label(s) " + ", ".join(self.added_labels))
        if self.anchor_counts:
            parts.append("re-anchored: " + ", ".join(
                f"{n} {k}" for k, n in sorted(self.anchor_counts.items())))
        if self.review:
            parts.append(f"{len(self.review)} to review in {self.review_path}")
        return "; ".join(parts)


@dataclass(frozen=True)
class ExportReport:
    paths: list[str]
    articles: int
    annotations: int


@dataclass(frozen=True)
class ForeignLabel:
    """A label used in a file: how many annotations, and the project key it matches."""

    label: str
    count: int
    key: str | None


# -- small helpers ---------------------------------------------------------------------


PROGRESS_TOTAL = 1000
"""Imports report ``progress(done, PROGRESS_TOTAL)``: reading and checking the file
fills the first half, writing the second; ``done`` never goes down."""


class _Ticker:
    """Checks for cancellation and reports progress, monotonically, on a fixed scale."""

    def __init__(self, progress: ProgressFn | None, cancelled: CancelledFn | None,
                 *, lo: int = 0, hi: int = PROGRESS_TOTAL) -> None:
        self.progress = progress
        self.cancelled = cancelled
        self.lo, self.hi = lo, hi
        self.last = -1

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise OperationCancelled("cancelled; nothing was changed")

    def phase(self, lo: int, hi: int) -> None:
        """Map the following ``(done, total)`` calls onto ``lo..hi`` of the scale."""
        self.lo, self.hi = lo, hi

    def __call__(self, done: int, total: int) -> None:
        self.check()
        if self.progress is not None:
            frac = min(max(done, 0), total) / total if total > 0 else 1.0
            value = self.lo + int((self.hi - self.lo) * frac)
            if value > self.last:
                self.last = value
                self.progress(value, PROGRESS_TOTAL)

    def finish(self) -> None:
        if self.progress is not None and self.last < PROGRESS_TOTAL:
            self.last = PROGRESS_TOTAL
            self.progress(PROGRESS_TOTAL, PROGRESS_TOTAL)


def infer_format(path: str | Path) -> str:
    """The format of ``path`` from its extension (``.json`` is sniffed: W3C or Label Studio)."""
    p = Path(path)
    if p.is_dir():
        return "brat"
    suffix = p.suffix.lower()
    candidates = formats_for_extension(suffix)
    if len(candidates) == 1:
        return candidates[0].name
    if {f.name for f in candidates} == {"labelstudio", "w3c"}:
        try:
            with open(p, "rb") as fh:
                head = fh.read(65536)
        except OSError as exc:
            raise UserInputError(f"{p}: cannot read file ({exc.strerror})") from None
        if any(s in head for s in (b'"@context"', b"AnnotationCollection",
                                   b"TextQuoteSelector", b"TextPositionSelector")):
            return "w3c"
        return "labelstudio"
    raise UserInputError(
        f"{p}: cannot tell the format from the extension {suffix or '(none)'!r}; "
        f"pass --format ({', '.join(FORMATS)})"
    )


def _read(path: Path, *, limit: int = MAX_IMPORT_BYTES) -> bytes:
    """File bytes (regular files only), refusing a file over ``limit`` (see safe_read)."""
    return read_regular_file(path, limit)


def _decode_utf8(data: bytes, name: str) -> str:
    nul = data.find(b"\x00", 0, 65536)
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise FormatError(f"{name} line {line}: the file looks binary (a NUL byte at offset "
                          f"{nul}), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FormatError(
            f"{name} line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); save the file as UTF-8"
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise FormatError(f"{name} line {line}: the file looks binary (NUL characters)")
    return text


def _clip(s: str, limit: int = 40) -> str:
    return repr(s if len(s) <= limit else s[: limit - 1] + "…")


def _write_atomic(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UserInputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


MAX_OFFSET_DIGITS = 12
"""A CSV offset or id longer than this is refused (articles are ≤ 50 MB: 8 digits)."""

# -- labels ----------------------------------------------------------------------------


def _slug(label: str) -> str:
    key = re.sub(r"[^0-9a-z]+", "_", label.casefold()).strip("_")[:60]
    return key or "label"


class _Labels:
    """Resolves a file's labels to project keys, creating the ones asked for."""

    def __init__(self, known: Sequence[Label], label_map: Mapping[str, str] | None,
                 add_labels: bool | Collection[str]) -> None:
        self.known = list(known)
        self.keys = {lab.key for lab in known}
        self.by_name = {lab.name: lab.key for lab in known}
        folded: dict[str, set[str]] = {}
        for lab in known:
            folded.setdefault(lab.key.casefold(), set()).add(lab.key)
            folded.setdefault(lab.name.casefold(), set()).add(lab.key)
        self.folded = {k: next(iter(v)) for k, v in folded.items() if len(v) == 1}
        self.add_labels = add_labels
        self.new: list[Label] = []
        self.map: dict[str, str] = {}
        for foreign, target in (label_map or {}).items():
            key = self.existing(target)
            if key is None:
                raise UserInputError(
                    f"--map-label {foreign}={target}: the project has no label {target!r} "
                    f"(labels: {', '.join(sorted(self.keys))})"
                )
            self.map[foreign] = key

    def existing(self, label: str) -> str | None:
        if label in self.keys:
            return label
        if label in self.by_name:
            return self.by_name[label]
        return self.folded.get(label.casefold())

    def resolve(self, label: str) -> str | None:
        if label in self.map:
            return self.map[label]
        return self.existing(label)

    def wants_new(self, label: str) -> bool:
        if isinstance(self.add_labels, bool):
            return self.add_labels
        return label in self.add_labels

    def resolve_all(self, counts: Mapping[str, tuple[int, str]], name: str) -> dict[str, str]:
        """``{foreign: key}`` for every label used; unknown ones refused or added."""
        out: dict[str, str] = {}
        unknown = []
        for label, (count, where) in counts.items():
            key = self.resolve(label)
            if key is None and self.wants_new(label):
                try:
                    key = self._add(label)
                except UserInputError as exc:
                    raise FormatError(
                        f"{name}: cannot add label {_clip(label)} (first at {where}): {exc}; "
                        f"map it to a project label with --map-label FOREIGN=key") from None
            if key is None:
                unknown.append(f"{label!r} ({count} annotation(s), first at {where})")
            else:
                out[label] = key
        if unknown:
            raise FormatError(
                f"{name}: unknown label(s) {'; '.join(unknown[:20])}"
                f"{' …' if len(unknown) > 20 else ''}. Map them with --map-label "
                f"FOREIGN=key or add them with --add-labels (labels: "
                f"{', '.join(sorted(self.keys))})"
            )
        return out

    def _add(self, label: str) -> str:
        name = check_label_name(label)  # length, characters: refused before any write
        base = _slug(label)
        key, n = base, 2
        while key in self.keys:
            key = f"{base}_{n}"
            n += 1
        position = max((lab.position for lab in self.known), default=0) + 1
        lab = Label(key=key, name=name, color=LABEL_COLORS[len(self.new) %
                                                                   len(LABEL_COLORS)],
                    position=position, description="added by an annotation import")
        self.known.append(lab)
        self.keys.add(key)
        self.by_name[lab.name] = key
        self.new.append(lab)
        return key


# -- parsed input ----------------------------------------------------------------------


@dataclass
class _Record:
    """One article's worth of annotations from a text-bearing format."""

    where: str
    document: Document
    stamped: bool = False


class _CsvRow(NamedTuple):
    line: int
    ann_id: str
    article_id: int
    annotator: str
    label: str
    start: int
    end: int
    text: str
    source_start: int | None
    source_end: int | None
    source_text: str
    note: str
    created_at: str
    updated_at: str
    facets: str = EMPTY_JSON
    source_id: str = ""


@dataclass
class _CsvGroup:
    article_id: int
    title: str
    rows: list[_CsvRow]


@dataclass
class _Parsed:
    records: list[_Record] = field(default_factory=list)
    csv_groups: list[_CsvGroup] = field(default_factory=list)
    w3c: bytes | None = None
    warnings: list[str] = field(default_factory=list)
    n: int = 0
    csv_facets: bool = False

    def label_counts(self) -> dict[str, tuple[int, str]]:
        counts: dict[str, tuple[int, str]] = {}
        for group in self.csv_groups:
            for row in group.rows:
                c = counts.get(row.label)
                counts[row.label] = (c[0] + 1, c[1]) if c else (1, f"line {row.line}")
        for rec in self.records:
            for ann in rec.document.annotations:
                c = counts.get(ann.label)
                counts[ann.label] = (c[0] + 1, c[1]) if c else (1, f"{rec.where}")
        return counts


# -- CSV parsing -----------------------------------------------------------------------


def _parse_csv(data: bytes, name: str, *, annotator: str | None, tick: _Ticker) -> _Parsed:
    text = _decode_utf8(data, name)
    if not text.strip():
        raise FormatError(f"{name}: the file is empty (expected a header row: "
                          f"{','.join(CSV_COLUMNS)})")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise FormatError(f"{name} line 1: the header row is not valid CSV ({exc})") from None
    cols = [h.strip() for h in header]
    seen: set[str] = set()
    dupes = sorted({c for c in cols if c in seen or seen.add(c)})  # type: ignore[func-returns-value]
    if dupes:
        raise FormatError(f"{name} line 1: column(s) {', '.join(map(repr, dupes))} appear twice")
    unknown = [c for c in cols if c not in CSV_COLUMNS]
    if unknown:
        raise FormatError(
            f"{name} line 1: unknown column(s) {', '.join(map(repr, unknown))}; an import "
            f"reads only these columns: {', '.join(CSV_COLUMNS)} (remove the others rather "
            f"than have their content silently dropped)"
        )
    missing = [c for c in CSV_REQUIRED if c not in cols]
    if missing:
        raise FormatError(
            f"{name} line 1: missing column(s) {', '.join(map(repr, missing))} "
            f"(required: {', '.join(CSV_REQUIRED)})"
        )
    if "annotator" not in cols and not annotator:
        raise FormatError(
            f"{name}: no 'annotator' column; say whose annotations these are with "
            f"--annotator NAME"
        )
    idx = {c: i for i, c in enumerate(cols)}
    ncols = len(cols)

    def col(name_: str) -> int:
        return idx.get(name_, -1)

    i_id, i_art, i_title, i_who = col("annotation_id"), col("article_id"), \
        col("article_title"), col("annotator")
    i_label, i_start, i_end, i_text = col("label"), col("start"), col("end"), col("text")
    i_ss, i_se, i_st, i_note = col("source_start"), col("source_end"), col("source_text"), \
        col("note")
    i_created, i_updated = col("created_at"), col("updated_at")
    i_src = col("source_id")
    facet_cols = [(f, idx[f]) for f in FACET_NAMES if f in idx]
    facet_cache: dict[tuple[str, ...], str] = {}
    facet_idx = [i for _f, i in facet_cols]
    facet_cells: Callable[[list[str]], Any] = (
        itemgetter(*facet_idx) if len(facet_idx) > 1
        else (lambda r: r[facet_idx[0]]) if facet_idx else (lambda r: ()))
    labels_seen: dict[str, str] = {}
    names_seen: dict[str, str] = {}
    un = unneutralise
    total_lines = text.count("\n") + 1
    groups: dict[int, _CsvGroup] = {}
    ids: dict[str, int] = {}
    out = _Parsed()
    stamp = ""
    line = last = reader.line_num

    def fail(msg: str) -> FormatError:
        return FormatError(f"{name} line {line}: {msg}")

    def as_int(value: str, what: str) -> int:
        v = value.strip()
        if v.isascii() and v.isdigit():
            if len(v) > MAX_OFFSET_DIGITS:  # int() of 5,000 digits is a ValueError
                raise fail(f"{what} {_clip(v, 20)} ({len(v)} digits) is beyond any article's "
                           f"length")
            return int(v)
        raise fail(f"{what} must be a whole number ≥ 0, found {_clip(value)}")

    n = 0
    stamps: list[str] = []
    uuid_lines: list[int] = []
    uuids: list[str] = []
    try:
        for row in reader:
            line, last = last + 1, reader.line_num
            if len(row) != ncols:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                truncated = next(reader, None) is None and len(row) < ncols
                raise fail(
                    f"expected {ncols} fields, found {len(row)}"
                    + (" — the file looks truncated" if truncated else
                       " (a stray comma or quote?)")
                )
            n += 1
            if n % BATCH == 0:
                tick(n, total_lines)
            v = row[i_start]
            start = (int(v) if len(v) < 10 and v.isdigit() and v.isascii()
                     else as_int(v, "start"))
            v = row[i_end]
            end = (int(v) if len(v) < 10 and v.isdigit() and v.isascii()
                   else as_int(v, "end"))
            if end <= start:
                raise fail(f"span ends ({end}) before it starts ({start})" if end < start
                           else f"span {start}–{end} is empty")
            v = row[i_art]
            art = (int(v) if len(v) < 10 and v.isdigit() and v.isascii()
                   else as_int(v, "article_id"))
            v = row[i_label]
            label = labels_seen.get(v)
            if label is None:
                label = un(v)
                if not label.strip():
                    raise fail("empty label")
                labels_seen[v] = label
            if annotator:
                who = annotator
            else:
                v = row[i_who] if i_who >= 0 else ""
                who = names_seen.get(v) or ""
                if not who:
                    who = un(v)
                    if not who.strip():
                        raise fail("empty annotator (pass --annotator NAME to set one)")
                    names_seen[v] = who
            ann_id = row[i_id] if i_id >= 0 else ""
            if len(ann_id) == 36:
                uuids.append(ann_id)  # checked in bulk below
                uuid_lines.append(line)
            elif ann_id.strip():
                ann_id = normalise_id(ann_id.strip())
            else:
                ann_id = normalise_id(f"csv:{art}:{start}:{end}:{label}:{who}")
            if ann_id in ids:
                raise fail(
                    f"duplicate annotation id {ann_id!r} (already used on line {ids[ann_id]})"
                )
            ids[ann_id] = line
            ss_raw = row[i_ss] if i_ss >= 0 else ""
            se_raw = row[i_se] if i_se >= 0 else ""
            if ss_raw or se_raw:
                if not (ss_raw and se_raw):
                    raise fail("source_start and source_end must both be given or both empty")
                ss: int | None = as_int(ss_raw, "source_start")
                se: int | None = as_int(se_raw, "source_end")
                assert ss is not None and se is not None
                if se <= ss:
                    raise fail(f"source span {ss}–{se} is empty or ends before it starts")
            else:
                ss = se = None
            created = row[i_created] if i_created >= 0 else ""
            updated = row[i_updated] if i_updated >= 0 else ""
            if created and updated:
                stamps.append(created)  # checked in bulk below
                if updated != created:
                    stamps.append(updated)
            else:
                for value in (created, updated):
                    if value and not _STAMP.fullmatch(value):
                        raise fail(f"{value!r:.40} is not an ISO 8601 time")
                stamp = stamp or utc_now_iso()
                created = created or stamp
                updated = updated or created
            facets = EMPTY_JSON
            if facet_cols:
                cells = facet_cells(row)
                facets = facet_cache.get(cells) or ""
                if not facets:
                    try:
                        facets = _facets_from_cells(
                            {f: un(row[i]) for f, i in facet_cols})
                    except ValueError as exc:
                        raise fail(str(exc)) from None
                    if len(facet_cache) < 100_000:
                        facet_cache[cells] = facets
            group = groups.get(art)
            if group is None:
                group = groups[art] = _CsvGroup(art, un(row[i_title]) if i_title >= 0 else "",
                                                [])
            quote = row[i_text]
            note = row[i_note] if i_note >= 0 else ""
            source_text = row[i_st] if i_st >= 0 else ""
            sid = row[i_src] if i_src >= 0 else ""
            if sid:
                sid = parse_source_id({"source_id": sid}, where=f"{name} line {line}") or ""
            group.rows.append(_CsvRow(
                line, ann_id, art, who, label, start, end,
                un(quote) if quote[:1] == "'" else quote, ss, se,
                un(source_text) if source_text[:1] == "'" else source_text,
                un(note) if note[:1] == "'" else note,
                created, updated, facets, sid,
            ))
    except csv.Error as exc:
        msg = str(exc)
        hint = " — the file looks truncated" if "unexpected end of data" in msg or \
            reader.line_num >= total_lines else ""
        raise FormatError(f"{name} line {last + 1}: not valid CSV ({msg}){hint}") from None
    if not groups:
        raise FormatError(f"{name}: no annotation rows after the header")
    _check_bulk(stamps, _STAMP, lambda k: _stamp_line(groups, stamps[k]), name,
                "is not an ISO 8601 time")
    if uuids and not _UUID_LINES.fullmatch("\n".join(uuids)):
        _renormalise_ids(groups, uuids, uuid_lines, name)
    out.csv_groups = list(groups.values())
    out.n = n
    out.csv_facets = bool(facet_cols)
    return out


def _check_bulk(values: list[str], pattern: re.Pattern[str], line_of: Callable[[int], int],
                name: str, problem: str) -> None:
    """Validate many cells with one regex pass; on failure find and name the first bad one."""
    if not values:
        return
    blob = "\n".join(values)
    if re.fullmatch(f"(?:{pattern.pattern})(?:\n(?:{pattern.pattern}))*", blob):
        return
    for k, value in enumerate(values):
        if not pattern.fullmatch(value):
            raise FormatError(f"{name} line {line_of(k)}: {_clip(value)} {problem}")


def _stamp_line(groups: Mapping[int, _CsvGroup], value: str) -> int:
    for group in groups.values():
        for row in group.rows:
            if value in (row.created_at, row.updated_at):
                return row.line
    return 0


def _renormalise_ids(groups: Mapping[int, _CsvGroup], uuids: list[str], lines: list[int],
                     name: str) -> None:
    """36-character ids that are not canonical UUIDs get stable UUIDs, like other ids."""
    bad = {raw for raw in uuids if not _UUID.fullmatch(raw)}
    seen: dict[str, int] = {}
    for group in groups.values():
        for k, row in enumerate(group.rows):
            if row.ann_id in bad:
                row = group.rows[k] = row._replace(ann_id=normalise_id(row.ann_id))
            if row.ann_id in seen:
                raise FormatError(f"{name} line {row.line}: duplicate annotation id "
                                  f"{row.ann_id!r} (already used on line {seen[row.ann_id]})")
            seen[row.ann_id] = row.line


def _facets_from_cells(cells: Mapping[str, str]) -> str:
    """Canonical facets JSON from the CSV's facet cells (inverse of ``to_export_row``)."""
    if not any(cells.values()):
        return EMPTY_JSON
    data: dict[str, object] = {}
    for name, cell in cells.items():
        if cell == "":
            continue
        value: object = cell
        if name == "hedge":
            if cell not in ("true", "false"):
                raise ValueError(f"facet 'hedge': {cell!r} is not true or false")
            value = cell == "true"
        elif name in ("source_count", "admiralty_credibility") and cell.isascii() \
                and cell.isdigit() and len(cell) <= MAX_OFFSET_DIGITS:
            value = int(cell)
        elif name == "corroborated_by":
            value = [part for part in cell.split(";") if part]
        data[name] = value
    return encode_facets(Facets.from_dict(data))


# -- other formats ---------------------------------------------------------------------


def _record_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.split("\n"), start=1) if line.strip()]


def _parse_file(path: Path, fmt: str, *, annotator: str | None, article_id: int | None,
                tick: _Ticker) -> _Parsed:
    name = path.name
    if fmt == "csv":
        return _parse_csv(_read(path), name, annotator=annotator, tick=tick)
    if fmt == "brat":
        return _parse_brat(path)
    data = _read(path)
    out = _Parsed()
    try:
        if fmt == "w3c":
            out.w3c = data
            return out
        spec = get_format(fmt)
        if spec.shape != "records":
            raise UserInputError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
        docs = spec.reader(data)
        if fmt == "doccano":
            lines = _record_lines(decode_content(data, what=name))
            wheres = [f"line {lines[k]}" if k < len(lines) else f"record {k + 1}"
                      for k in range(len(docs))]
        else:
            wheres = [f"task #{k + 1}" for k in range(len(docs))]
    except FormatError as exc:
        raise FormatError(f"{name}: {exc}") from None
    for doc, where in zip(docs, wheres, strict=True):
        out.records.append(_Record(f"{name} {where}", doc, stamped=True))
        out.warnings.extend(f"{name}: {w}" for w in doc.warnings)
    out.n = sum(len(r.document.annotations) for r in out.records)
    return out


def _brat_text_name(base: Path, name: str) -> tuple[Path | None, str]:
    """``(…/article.txt, "4b22")`` for ``article_4b22.ann`` without its own ``.txt``.

    Attribution corpora (PolNeAR's annotator-training, agreement sets) keep one text
    and one ``.ann`` per annotator — beside it, or in a sibling ``text/`` folder of an
    ``attributions/`` folder; each annotator's file becomes that annotator's layer.
    """
    if (base / f"{name}.txt").exists() or "_" not in name:
        return None, ""
    stem, _, layer = name.rpartition("_")
    if not stem or not layer:
        return None, ""
    for folder in (base, base.parent / "text"):
        try:
            candidate = safe_path(folder, stem + ".txt")
        except FormatError:
            return None, ""
        if candidate.is_file():
            return candidate, layer
    return None, ""


def _as_layer(doc: Document, layer: str) -> Document:
    """Annotations without an annotator of their own (no AnnotatorMeta) go to ``layer``."""
    doc.annotations = [a._replace(annotator=layer) if a.annotator == "brat" else a
                       for a in doc.annotations]
    return doc


def _parse_brat(path: Path) -> _Parsed:
    """One ``.ann`` (with its ``.txt``) or every ``.ann`` in a folder (not recursive)."""
    out = _Parsed()
    if path.is_dir():
        base = path
        names = sorted(p.name[:-4] for p in path.iterdir()
                       if p.name.endswith(".ann") and not p.name.startswith("."))
        if not names:
            raise FormatError(f"{path}: no .ann files in this folder")
    else:
        base = path.parent
        if path.suffix.lower() not in (".ann", ".txt"):
            raise FormatError(f"{path}: a brat document is a .ann file with its .txt beside it")
        names = [path.stem]
        if not path.with_suffix(".txt").exists() and _brat_text_name(base, path.stem)[0]:
            pass  # one annotator's file of a shared text (article_4b22.ann + article.txt)
        elif not path.with_suffix(".txt").exists():
            raise FormatError(f"{path}: {path.stem}.txt (the text) is missing beside it")
        if not path.with_suffix(".ann").exists():
            raise FormatError(f"{path}: {path.stem}.ann (the annotations) is missing beside it")
    for name in names:
        text_path, layer = _brat_text_name(base, name)
        try:
            safe_path(base, name + ".ann")
            if text_path is None:
                safe_path(base, name + ".txt")
            doc = read_brat(base, name, text_path=text_path)
            if layer:
                doc = _as_layer(doc, layer)
        except FormatError as exc:
            msg = str(exc)
            if msg.startswith((f"{name}.ann", f"{name}.txt")):
                raise FormatError(f"{base}{os.sep}{msg}") from None  # "dir/x.ann line 3: …"
            raise FormatError(f"{base / name}.ann: {msg}") from None
        out.records.append(_Record(f"{name}.ann", doc, stamped=True))
        out.warnings.extend(doc.warnings)
    out.n = sum(len(r.document.annotations) for r in out.records)
    return out


# -- placing ---------------------------------------------------------------------------


@dataclass
class _Placed:
    annotations: list[Annotation] = field(default_factory=list)
    wheres: list[str] = field(default_factory=list)
    fields: list[tuple[int, ...]] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    anchor_counts: dict[str, int] = field(default_factory=dict)
    article_ids: list[int] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    review_path: str | None = None
    parts: dict[str, AttributionParts] = field(default_factory=dict)
    """Cue and fragments of annotations placed on the same text (brat attributions)."""
    sources: dict[str, str] = field(default_factory=dict)
    """Annotation id → the file's ``source_id`` (JSON formats), kept on import."""


_NO_CONTEXT = tuple(i for i, f in enumerate(Annotation._fields) if f not in ("prefix", "suffix"))
_CSV_FIELDS = tuple(Annotation._fields.index(f) for f in (
    "article_id", "annotator", "label", "start", "end", "text", "source_start", "source_end",
    "note", "created_at", "updated_at"))
_CSV_FIELDS_FACETS = (*_CSV_FIELDS, Annotation._fields.index("facets"))
_NO_STAMPS = tuple(i for i in _NO_CONTEXT
                   if Annotation._fields[i] not in ("created_at", "updated_at"))


def _review_item(ann: Annotation, where: str, status: str, reason: str,
                 new: Annotation | None, text: str) -> ReviewItem:
    return ReviewItem(
        annotation_id=ann.id, record=where, status=status, label=ann.label,
        annotator=ann.annotator, old_start=ann.start, old_end=ann.end, quote=ann.text,
        suggested_start=new.start if new else None, suggested_end=new.end if new else None,
        suggested_text=text[new.start:new.end] if new else "", reason=reason,
    )


def _reanchor_into(placed: _Placed, anns: list[Annotation], wheres: list[str],
                   local_text: str, old_text: str | None, fields: tuple[int, ...]) -> None:
    for res, where in zip(reanchor_annotations(anns, local_text, old_text=old_text),
                          wheres, strict=True):
        status = res.anchoring.status
        placed.anchor_counts[status.value] = placed.anchor_counts.get(status.value, 0) + 1
        if res.new is not None and not res.needs_review:
            placed.annotations.append(res.new)
            placed.wheres.append(where)
            placed.fields.append(fields)
            continue
        if res.source is not None and not res.source.confident and res.anchoring.confident:
            reason = f"source mention {res.source.status.value}: {res.source.note}"
            status_text = f"source {res.source.status.value}"
        else:
            reason, status_text = res.anchoring.note, status.value
        placed.review.append(_review_item(res.old, where, status_text, reason, res.new,
                                          local_text))


def _csv_mismatch(row: _CsvRow, text: str, art: int) -> str | None:
    """Why ``row`` does not fit article ``art`` with text ``text`` (None if it does)."""
    n = len(text)
    if row.end > n:
        return f"span {row.start}–{row.end} is outside article {art} (0–{n})"
    actual = text[row.start:row.end]
    if actual != row.text:
        return (f"text {_clip(row.text)} does not match article {art} at {row.start}–{row.end} "
                f"(the article has {_clip(actual)} there)")
    if row.source_start is not None and row.source_end is not None:
        if row.source_end > n:
            return (f"source span {row.source_start}–{row.source_end} is outside article "
                    f"{art} (0–{n})")
        if row.source_text and text[row.source_start:row.source_end] != row.source_text:
            return (f"source_text {_clip(row.source_text)} does not match article {art} at "
                    f"{row.source_start}–{row.source_end}")
    return None


def _first_mismatch(rows: Iterable[_CsvRow], text: str, art: int) -> tuple[_CsvRow, str] | None:
    for row in rows:
        problem = _csv_mismatch(row, text, art)
        if problem is not None:
            return row, problem
    return None


def _build_csv_group(rows: Sequence[_CsvRow], art: int, text: str,
                     keys: Mapping[str, str]) -> list[Annotation] | None:
    """The rows as annotations of article ``art``, or None if any row does not fit it."""
    out = []
    n = len(text)
    ctx = CONTEXT_CHARS
    for (_line, ann_id, _art, who, label, s, e, cell, ss, se, source_text, note, created,
         updated, facets, _sid) in rows:
        if e > n:
            return None
        quote = text[s:e]
        if quote != cell:
            return None
        if ss is not None and se is not None and (
                se > n or (source_text and text[ss:se] != source_text)):
            return None
        out.append(Annotation(ann_id, art, who, keys[label], s, e, quote,
                              text[s - ctx if s > ctx else 0:s], text[e:e + ctx], ss, se, note,
                              created, updated, facets))
    return out


def _csv_annotation(row: _CsvRow, art: int, key: str, text: str) -> Annotation:
    s, e = row.start, row.end
    return Annotation(row.ann_id, art, row.annotator, key, s, e, text[s:e],
                      text[max(0, s - CONTEXT_CHARS):s], text[e:e + CONTEXT_CHARS],
                      row.source_start, row.source_end, row.note, row.created_at,
                      row.updated_at, row.facets)


def _place_csv(session: Session, parsed: _Parsed, placed: _Placed, keys: Mapping[str, str],
               *, name: str, article_id: int | None, reanchor: bool, tick: _Ticker) -> None:
    if article_id is not None and len(parsed.csv_groups) > 1:
        ids = ", ".join(str(g.article_id) for g in parsed.csv_groups[:10])
        raise FormatError(f"{name}: rows of several articles ({ids}); --article needs a file "
                          f"with rows of one article")
    all_texts: list[tuple[int, str, str]] | None = None
    fields = _CSV_FIELDS_FACETS if parsed.csv_facets else _CSV_FIELDS
    for group in parsed.csv_groups:
        target_id = article_id if article_id is not None else group.article_id
        local = crud.get_article(session=session, article_id=target_id)
        built = _build_csv_group(group.rows, local.id, local.text, keys) \
            if local is not None else None
        if built is None and article_id is None:  # text search among the other articles
            if all_texts is None:
                all_texts = list(crud.iter_article_texts(session=session))
            longest = max(r.end for r in group.rows)
            for art, _title, text in all_texts:
                if art != target_id and len(text) >= longest:
                    built = _build_csv_group(group.rows, art, text, keys)
                    if built is not None:
                        break
        tick.check()
        if built is not None:
            placed.annotations.extend(built)
            placed.wheres.extend(f"{name} line {row.line}" for row in group.rows)
            placed.fields.extend([fields] * len(built))
            placed.article_ids.append(built[0].article_id)
            continue
        if local is None:
            first = group.rows[0]
            raise FormatError(
                f"{name} line {first.line}: article {target_id} does not exist in this "
                f"project and no other article matches the rows' text at their offsets; import "
                f"the article first or pass --article ID"
            )
        first_problem = _first_mismatch(group.rows, local.text, local.id)
        assert first_problem is not None
        row, problem = first_problem
        if not reanchor:
            raise FormatError(
                f"{name} line {row.line}: {problem}; no other article matches all "
                f"{len(group.rows)} row(s) of article_id {group.article_id} either (wrong "
                f"file or wrong --article? If the article was edited since the export, "
                f"--reanchor places the rows by their text)"
            )
        # Re-anchor: rows that still fit stay; the others are placed by their text.
        stale: list[Annotation] = []
        stale_wheres: list[str] = []
        n_exact = 0
        for row in group.rows:
            key = keys[row.label]
            if _csv_mismatch(row, local.text, local.id) is None:
                placed.annotations.append(_csv_annotation(row, local.id, key, local.text))
                placed.wheres.append(f"{name} line {row.line}")
                placed.fields.append(fields)
                n_exact += 1
            else:
                stale.append(Annotation(row.ann_id, local.id, row.annotator, key, row.start,
                                        row.end, row.text, "", "", row.source_start,
                                        row.source_end, row.note, row.created_at,
                                        row.updated_at, row.facets))
                stale_wheres.append(f"{name} line {row.line}")
        placed.anchor_counts["exact"] = placed.anchor_counts.get("exact", 0) + n_exact
        _reanchor_into(placed, stale, stale_wheres, local.text, None, fields)
        placed.article_ids.append(local.id)


def _find_article(session: Session, meta: Mapping[str, Any], *, text_hash: str | None,
                  article_id: int | None, source_iri: str = "") -> Article | None:
    """The local article a record belongs to: forced, same text, same URL, same id+title."""
    if article_id is not None:
        art = crud.get_article(session=session, article_id=article_id)
        if art is None:
            raise UserInputError(f"article {article_id} does not exist")
        return art
    hashes = [h for h in (text_hash, meta.get("sha256")) if isinstance(h, str) and h]
    for h in hashes:
        found = crud.find_article_by_hash(session=session, sha256=h)
        if found is not None:
            return crud.get_article(session=session, article_id=found)
    _A = ArticleRow.__table__.c  # type: ignore[attr-defined]  # noqa: N806
    for url in (meta.get("url"), source_iri):
        if isinstance(url, str) and url.strip().lower().startswith(("http://", "https://")):
            ids = session.execute(select(_A.id).where(_A.url == url.strip()).limit(2)).scalars()
            found_ids = list(ids)
            if len(found_ids) == 1:
                return crud.get_article(session=session, article_id=found_ids[0])
    old_id, title = meta.get("id"), meta.get("title")
    if isinstance(old_id, int) and not isinstance(old_id, bool) and isinstance(title, str) \
            and title.strip():
        art = crud.get_article(session=session, article_id=old_id)
        if art is not None and art.title == title:
            return art
    return None


def _place_records(session: Session, parsed: _Parsed, placed: _Placed,
                   keys: Mapping[str, str], *, name: str, article_id: int | None,
                   annotator: str | None, create_articles: bool, stamp: str) -> None:
    if article_id is not None and len(parsed.records) > 1:
        raise FormatError(f"{name}: {len(parsed.records)} documents in the file; --article "
                          f"needs a file with one document")
    created: dict[str, int] = {}
    for rec in parsed.records:
        doc = rec.document
        text_hash = sha256_text(doc.text)
        local = _find_article(session, doc.meta, text_hash=text_hash, article_id=article_id)
        if local is None and text_hash in created:
            local = crud.get_article(session=session, article_id=created[text_hash])
        if local is None:
            if not create_articles:
                title = doc.meta.get("title")
                shown = f" (title {_clip(title, 60)})" if isinstance(title, str) and title \
                    else ""
                raise FormatError(
                    f"{rec.where}: no article in this project has this text{shown}; import "
                    f"the article first, pass --article ID, or use --create-articles"
                )
            local = _create_article(session, doc, rec.where, stamp)
            created[text_hash] = local.id
            placed.created.append(local.id)
        anns = []
        wheres = []
        for ann in doc.annotations:
            changes: dict[str, Any] = {"article_id": local.id, "label": keys[ann.label]}
            if annotator:
                changes["annotator"] = annotator
            if not ann.created_at:
                changes["created_at"] = stamp
            if not ann.updated_at:
                changes["updated_at"] = ann.created_at or stamp
            anns.append(ann._replace(**changes))
            wheres.append(f"{rec.where}, annotation {ann.id}")
        fields = _NO_CONTEXT if all(a.created_at for a in doc.annotations) else _NO_STAMPS
        placed.sources.update(doc.sources)
        if local.sha256 == text_hash or local.text == doc.text:
            placed.parts.update(doc.parts)
            placed.annotations.extend(anns)
            placed.wheres.extend(wheres)
            placed.fields.extend([fields] * len(anns))
        else:
            _reanchor_into(placed, anns, wheres, local.text, doc.text, fields)
        placed.article_ids.append(local.id)


def _create_article(session: Session, doc: Document, where: str, stamp: str) -> Article:
    try:
        decoded = decode_article_bytes(doc.text.encode("utf-8"))
    except ArticleInputError as exc:
        raise FormatError(f"{where}: the article text cannot be imported ({exc})") from None
    if decoded.text != doc.text:
        raise FormatError(f"{where}: the article text is not normalised")

    def meta_str(key: str, limit: int) -> str:
        value = doc.meta.get(key)
        return value.strip()[:limit] if isinstance(value, str) else ""

    text = doc.text
    art_id = crud.add_article(
        session=session, title=meta_str("title", 300) or title_from_text(text, "Imported"),
        text=text, sha256=sha256_text(text), imported_at=stamp,
        outlet=meta_str("outlet", 200), url=meta_str("url", 2000),
        published=meta_str("published", 64),
        original_filename=meta_str("original_filename", 255),
    )
    art = crud.get_article(session=session, article_id=art_id)
    assert art is not None
    return art


def _w3c_hints(data: bytes, name: str) -> tuple[dict[str, Any], str]:
    """Article metadata and target IRI of a W3C file, to find its article before parsing."""
    try:
        top = parse_json(decode_content(data, what=name), where=name)
    except FormatError as exc:
        raise FormatError(f"{name}: {exc}" if not str(exc).startswith(name) else str(exc)) \
            from None
    meta: dict[str, Any] = {}
    iri = ""
    if isinstance(top, dict):
        block = top.get(EXPORT_KEY)
        if isinstance(block, dict) and isinstance(block.get("article"), dict):
            meta = dict(block["article"])
        page = top.get("first") if isinstance(top.get("first"), dict) else top
        items = page.get("items") if isinstance(page, dict) else None
        if top.get("type") == "Annotation":
            items = [top]
        if isinstance(items, list) and items and isinstance(items[0], dict):
            target = items[0].get("target")
            if isinstance(target, dict) and isinstance(target.get("source"), str):
                iri = target["source"]
    elif isinstance(top, list) and top and isinstance(top[0], dict):
        target = top[0].get("target")
        if isinstance(target, dict) and isinstance(target.get("source"), str):
            iri = target["source"]
    return meta, iri


def _place_w3c(session: Session, parsed: _Parsed, placed: _Placed, label_res: _Labels,
               *, name: str, article_id: int | None, annotator: str | None,
               stamp: str) -> dict[str, str]:
    assert parsed.w3c is not None
    meta, iri = _w3c_hints(parsed.w3c, name)
    local = _find_article(session, meta, text_hash=None, article_id=article_id, source_iri=iri)
    if local is None:
        raise FormatError(
            f"{name}: W3C annotations do not carry the article text, and no article in this "
            f"project matches the file's article (by text hash, URL, or id and title); pass "
            f"--article ID"
        )
    try:
        result = import_w3c(parsed.w3c, local.text, article_id=local.id)
    except FormatError as exc:
        raise FormatError(f"{name}: {exc}") from None
    doc = result.document
    parsed.warnings.extend(f"{name}: {w}" for w in doc.warnings)
    placed.sources.update(doc.sources)
    counts: dict[str, tuple[int, str]] = {}
    for ann in doc.annotations:
        c = counts.get(ann.label)
        counts[ann.label] = (c[0] + 1, c[1]) if c else (1, f"annotation {ann.id}")
    keys = label_res.resolve_all(counts, name)
    review_ids = set(result.needs_review)
    for ann_id, anchoring in result.anchorings.items():
        status = anchoring.status.value
        placed.anchor_counts[status] = placed.anchor_counts.get(status, 0) + 1
        if anchoring.status is AnchorStatus.ORPHANED:
            placed.review.append(ReviewItem(ann_id, f"{name}, annotation {ann_id}", status, "",
                                            "", None, None, "", None, None, "", anchoring.note))
    for ann in doc.annotations:
        where = f"{name}, annotation {ann.id}"
        changes: dict[str, Any] = {"label": keys[ann.label]}
        if annotator:
            changes["annotator"] = annotator
        if not ann.created_at:
            changes["created_at"] = stamp
        if not ann.updated_at:
            changes["updated_at"] = ann.created_at or stamp
        new = ann._replace(**changes)
        if ann.id in review_ids:
            claim = result.anchorings[ann.id]
            source = result.source_anchorings.get(ann.id)
            reason = claim.note if not claim.confident else \
                f"source mention {source.status.value}: {source.note}" if source else ""
            placed.review.append(ReviewItem(
                ann.id, where, claim.status.value if not claim.confident else
                f"source {source.status.value if source else ''}", new.label, new.annotator,
                None, None, ann.text, ann.start, ann.end, ann.text, reason))
            continue
        placed.annotations.append(new)
        placed.wheres.append(where)
        placed.fields.append(_NO_CONTEXT if ann.created_at else _NO_STAMPS)
    if set(placed.anchor_counts) <= {"exact"}:  # nothing moved: not worth reporting
        placed.anchor_counts.clear()
    placed.article_ids.append(local.id)
    return keys


# -- the import ------------------------------------------------------------------------


def _existing(session: Session, ids: Sequence[str]) -> dict[str, Annotation]:
    col = crud.ANNOTATION_COLUMNS[0]
    found: dict[str, Annotation] = {}
    for k in range(0, len(ids), 2000):
        chunk = ids[k:k + 2000]
        for row in session.execute(select(*crud.ANNOTATION_COLUMNS).where(col.in_(chunk))):
            found[row[0]] = Annotation._make(row)
    return found


def _add_import_events(session: Session, ids: Sequence[str], *, at: str, actor: str,
                       detail: str) -> None:
    """One ``imported`` audit event per annotation, written by the database itself
    (``INSERT … SELECT``): the same rows as ``crud.add_event`` at a fraction of the cost."""
    events = AnnotationEventRow.__table__  # type: ignore[attr-defined]
    a = crud.ANNOTATION_COLUMNS
    id_col, art_col = a[0], a[1]
    session.execute(events.insert().from_select(
        ["annotation_id", "article_id", "at", "actor", "action", "detail"],
        select(id_col, art_col, literal(at), literal(actor), literal("imported"),
               literal(detail)).where(id_col.in_(ids)),
    ))


def _differences(a: Annotation, b: Annotation, fields: tuple[int, ...]) -> list[str]:
    names = Annotation._fields
    return [f"{names[i]}: stored {a[i]!r:.40}, file {b[i]!r:.40}" for i in fields if a[i] != b[i]]


def _write_review(path: Path, items: Sequence[ReviewItem]) -> None:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(REVIEW_COLUMNS)
    n_ = neutralise
    for it in items:
        writer.writerow((
            it.annotation_id, n_(it.record), it.status, n_(it.label), n_(it.annotator),
            "" if it.old_start is None else it.old_start,
            "" if it.old_end is None else it.old_end, n_(it.quote),
            "" if it.suggested_start is None else it.suggested_start,
            "" if it.suggested_end is None else it.suggested_end,
            n_(it.suggested_text), n_(it.reason),
        ))
    _write_atomic(path, buf.getvalue().encode("utf-8"))


PRETTY_JSON_LIMIT = 5_000
"""JSON exports with more annotations than this are written without indentation."""


def default_review_path(path: str | Path) -> Path:
    p = Path(path)
    return p.with_name(p.name + ".review.csv")


def import_annotations(
    project: Project,
    path: str | Path,
    *,
    fmt: str | None = None,
    annotator: str | None = None,
    article_id: int | None = None,
    label_map: Mapping[str, str] | None = None,
    add_labels: bool | Collection[str] = False,
    reanchor: bool = False,
    review_path: str | Path | None = None,
    create_articles: bool = False,
    actor: str = "",
    audit_events: bool = False,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> AnnotationImportReport:
    """Import the annotations in ``path`` (a file, or a brat folder); all or nothing.

    See the module docstring for the rules. Problems raise :class:`FormatError` /
    :class:`UserInputError` naming the file, record and problem, and nothing is written.
    ``audit_events`` also writes one ``imported`` event per annotation to the audit
    trail (by ``actor``); off by default because it doubles the cost of a large import.
    """
    source = Path(path)
    if not source.exists():
        raise UserInputError(f"{source}: no such file or folder")
    if not source.is_dir():
        check_regular_file(source)  # a pipe or device would block or never end
    fmt = fmt or infer_format(source)
    if fmt not in FORMATS:
        raise UserInputError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    if annotator is not None and not annotator.strip():
        raise UserInputError("--annotator: the name is empty")
    name = source.name
    tick = _Ticker(progress, cancelled, lo=0, hi=400)
    tick(0, 1)
    with _gc_paused():
        return _import(project, source, fmt, name=name, annotator=annotator,
                       article_id=article_id, label_map=label_map, add_labels=add_labels,
                       reanchor=reanchor, review_path=review_path,
                       create_articles=create_articles, actor=actor,
                       audit_events=audit_events, tick=tick)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a large import builds its rows.

    Hundreds of thousands of new tuples make the collector re-scan them over and over
    (10–15 % of an import's time) though they hold no cycles; reference counting still
    frees everything as usual, and the collector is back on when the import returns.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import(project: Project, source: Path, fmt: str, *, name: str, annotator: str | None,
            article_id: int | None, label_map: Mapping[str, str] | None,
            add_labels: bool | Collection[str], reanchor: bool,
            review_path: str | Path | None, create_articles: bool, actor: str,
            audit_events: bool, tick: _Ticker) -> AnnotationImportReport:
    parsed = _parse_file(source, fmt, annotator=annotator, article_id=article_id, tick=tick)
    tick(1, 1)
    report = AnnotationImportReport(path=str(source), format=fmt)
    stamp = utc_now_iso()
    write = partial(_write, project, parsed, name=name, fmt=fmt, source=source,
                    annotator=annotator, article_id=article_id, label_map=label_map,
                    add_labels=add_labels, reanchor=reanchor, review_path=review_path,
                    create_articles=create_articles, actor=actor or annotator or "import",
                    audit_events=audit_events, stamp=stamp, tick=tick)
    try:
        # Optimistic: most imports bring new ids only, so skip looking them up…
        placed, labels, new, unchanged = write(check_existing=False)
    except IntegrityError:
        # …and when one is already stored, start again and compare them properly.
        placed, labels, new, unchanged = write(check_existing=True)
    if labels.new:
        project.invalidate_labels()
    report.imported = new
    report.unchanged = unchanged
    report.article_ids = list(dict.fromkeys(placed.article_ids))
    report.created_articles = placed.created
    report.added_labels = [lab.key for lab in labels.new]
    report.anchor_counts = placed.anchor_counts
    report.review = placed.review
    report.review_path = placed.review_path
    report.warnings = parsed.warnings
    tick.finish()
    return report


def _write(project: Project, parsed: _Parsed, *, check_existing: bool, name: str, fmt: str,
           source: Path, annotator: str | None, article_id: int | None,
           label_map: Mapping[str, str] | None, add_labels: bool | Collection[str],
           reanchor: bool, review_path: str | Path | None, create_articles: bool,
           actor: str, audit_events: bool, stamp: str,
           tick: _Ticker) -> tuple[_Placed, _Labels, int, int]:
    """Place, validate and write in one transaction; ``(placed, labels, new, unchanged)``."""
    placed = _Placed()
    with project.transaction() as session:
        labels = _Labels(crud.list_labels(session=session), label_map, add_labels)
        if fmt == "w3c":
            _place_w3c(session, parsed, placed, labels, name=name, article_id=article_id,
                       annotator=annotator, stamp=stamp)
        else:
            keys = labels.resolve_all(parsed.label_counts(), name)
            if fmt == "csv":
                _place_csv(session, parsed, placed, keys, name=name, article_id=article_id,
                           reanchor=reanchor, tick=tick)
            else:
                _place_records(session, parsed, placed, keys, name=name,
                               article_id=article_id, annotator=annotator,
                               create_articles=create_articles, stamp=stamp)
        tick.check()
        tick.phase(400, 500)
        tick(1, 1)
        if placed.review and not reanchor:
            listed = "; ".join(item.describe() for item in placed.review[:10])
            more = f"; and {len(placed.review) - 10} more" if len(placed.review) > 10 else ""
            raise FormatError(
                f"{name}: {len(placed.review)} annotation(s) cannot be placed with confidence "
                f"on the project's version of the article: {listed}{more}. Nothing was "
                f"imported; --reanchor imports the {len(placed.annotations)} placed one(s) "
                f"and writes these to a review file"
            )

        new: list[Annotation] = placed.annotations
        unchanged = 0
        if check_existing:
            stored = _existing(session, [a.id for a in placed.annotations])
            new = []
            for ann, where, fields in zip(placed.annotations, placed.wheres, placed.fields,
                                          strict=True):
                old = stored.get(ann.id)
                if old is None:
                    new.append(ann)
                    continue
                diffs = _differences(old, ann, fields)
                if diffs:
                    raise FormatError(
                        f"{where}: annotation {ann.id} already exists with different content "
                        f"({'; '.join(diffs[:3])}); nothing was imported — delete one of them "
                        f"or import into another project"
                    )
                unchanged += 1
        tick.phase(500, PROGRESS_TOTAL)
        tick(0, 1)

        if labels.new:
            crud.add_labels(session=session, labels=labels.new)
            session.flush()
        detail = json.dumps({"file": name, "format": fmt}, ensure_ascii=False)
        for k in range(0, len(new), BATCH):
            batch = new[k:k + BATCH]
            crud.insert_annotations(session=session, annotations=batch)
            for ann in batch:
                parts = placed.parts.get(ann.id)
                if parts is not None:
                    suggestion_crud.put_detail(session=session, annotation_id=ann.id,
                                               article_id=ann.article_id, cue=parts.cue,
                                               fragments=parts.fragments, provenance="imported")
            if audit_events:
                _add_import_events(session, [a.id for a in batch], at=stamp, actor=actor,
                                   detail=detail)
            tick(k + len(batch), len(new))
        if fmt == "csv":  # the source_id column, kept like the JSON formats' field
            placed.sources.update({r.ann_id: r.source_id for g in parsed.csv_groups
                                   for r in g.rows if r.source_id})
        if placed.sources:
            keep_source_ids(session, {a.id: placed.sources[a.id] for a in new
                                      if a.id in placed.sources})
        if placed.review:
            target = Path(review_path) if review_path else default_review_path(source)
            _write_review(target, placed.review)
            placed.review_path = str(target)
        tick.check()
    return placed, labels, len(new), unchanged


def scan_labels(project: Project, path: str | Path, *, fmt: str | None = None,
                annotator: str | None = "scan") -> list[ForeignLabel]:
    """The labels a file uses, with counts and the project key each matches (None: unknown).

    Parses the file (so format errors surface here too) but writes nothing.
    """
    source = Path(path)
    fmt = fmt or infer_format(source)
    tick = _Ticker(None, None)
    counts: dict[str, int] = {}
    if fmt == "w3c":
        data = _read(source)
        top = parse_json(decode_content(data, what=source.name), where=source.name)
        for label in _w3c_labels(top):
            counts[label] = counts.get(label, 0) + 1
    else:
        parsed = _parse_file(source, fmt, annotator=annotator, article_id=None, tick=tick)
        counts = {k: v[0] for k, v in parsed.label_counts().items()}
    labels = _Labels(project.labels(), None, False)
    return [ForeignLabel(label, n, labels.existing(label)) for label, n in counts.items()]


def _w3c_labels(node: Any, depth: int = 0) -> Iterator[str]:
    if depth > 50:
        return
    if isinstance(node, list):
        for item in node:
            yield from _w3c_labels(item, depth + 1)
    elif isinstance(node, dict):
        purpose = node.get("purpose")
        purposes = purpose if isinstance(purpose, list) else [purpose]
        if "tagging" in purposes and isinstance(node.get("value"), str):
            yield node["value"]
        for key in ("first", "items", "body", "next"):
            if key in node:
                yield from _w3c_labels(node[key], depth + 1)


# -- export ----------------------------------------------------------------------------


def _article_meta(art: Article) -> dict[str, Any]:
    return {"id": art.id, "title": art.title, "outlet": art.outlet, "url": art.url,
            "published": art.published, "sha256": art.sha256,
            "original_filename": art.original_filename, "imported_at": art.imported_at}


def _article_ids(session: Session, article_id: int | None) -> list[int]:
    ids = [a for a, _t, _x in crud.iter_article_texts(session=session, article_id=article_id)]
    if article_id is not None and not ids:
        raise UserInputError(f"article {article_id} does not exist")
    return ids


def _documents(project: Project, article_id: int | None, tick: _Ticker) -> list[Document]:
    docs = []
    source_of = source_ids_for_export(project, article_id=article_id)
    with project.reading() as session:
        ids = _article_ids(session, article_id)
        for n, art_id in enumerate(ids):
            tick(n, len(ids))
            art = crud.get_article(session=session, article_id=art_id)
            assert art is not None
            details = suggestion_crud.details(session=session, article_id=art_id)
            docs.append(Document(text=art.text,
                                 annotations=crud.list_annotations(session=session,
                                                                   article_id=art_id),
                                 meta=_article_meta(art), parts={
                                     k: AttributionParts(d.cue, d.fragments)
                                     for k, d in details.items()}, sources=source_of))
    return docs


EXPORT_PAGE = 5000
"""Annotations read per query by streaming exports (keyset pages)."""


def _iter_annotations(session: Session, article_id: int, tick: _Ticker,
                      total: int) -> Iterator[Annotation]:
    """An article's annotations in (start, end, id) order, one keyset page at a time."""
    after: tuple[int, int, str] | None = None
    done = 0
    while True:
        page = crud.list_annotations_page(session=session, article_id=article_id,
                                          after=after, limit=EXPORT_PAGE)
        if not page:
            return
        yield from page
        done += len(page)
        tick(done, max(total, 1))
        after = page[-1].sort_key


@contextmanager
def _atomic_text(path: Path) -> Iterator[TextIO]:
    """A text file written under a temporary name and renamed into place at the end;
    removed instead on any error, so nothing is left half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            yield fh
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UserInputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _export_w3c(project: Project, article_id: int | None, out: Path,
                tick: _Ticker) -> ExportReport:
    """Stream one article's annotations from the database into a W3C file."""
    writer = get_format("w3c").writer
    with project.reading() as session:
        ids = _article_ids(session, article_id)
    source_of = source_ids_for_export(project, article_id=ids[0]) if len(ids) == 1 else {}
    with project.reading() as session:
        if len(ids) != 1:
            raise UserInputError(
                f"a W3C file holds the annotations of one article and the project has "
                f"{len(ids)}; pass --article ID"
            )
        art = crud.get_article(session=session, article_id=ids[0])
        assert art is not None
        total, _ = crud.annotation_signature(session=session, article_id=art.id)
        doc = Document(text=art.text, meta=_article_meta(art), sources=source_of)
        indent = 2 if total <= PRETTY_JSON_LIMIT else None  # as the other JSON exports
        tick.phase(0, PROGRESS_TOTAL)
        with _atomic_text(out) as fh:
            n = writer(doc, fh, annotations=_iter_annotations(session, art.id, tick, total),
                       total=total, indent=indent)
    return ExportReport([str(out)], 1, n)



_RECORD_STREAMS = {"doccano": (write_doccano, False), "labelstudio": (write_labelstudio, True)}
"""Streaming writers of the record formats, and whether each wants its annotations
grouped by annotator (Label Studio: one Label Studio annotation per analyst)."""


def _export_records_streamed(project: Project, fmt: str, article_id: int | None, out: Path,
                             tick: _Ticker) -> ExportReport | None:
    """doccano / Label Studio straight from the database to the file, one article text
    and one page of annotations in memory at a time (Label Studio of 100k annotations
    built in memory peaked near 1 GB). Byte for byte the in-memory writers' output.

    ``None`` for a Label Studio export small enough to be pretty-printed (at most
    :data:`PRETTY_JSON_LIMIT` annotations): the in-memory writer does that one.
    """
    writer, by_annotator = _RECORD_STREAMS[fmt]
    source_of = source_ids_for_export(project, article_id=article_id)
    with project.reading() as session:
        ids = _article_ids(session, article_id)
        total = sum(crud.annotation_signature(session=session, article_id=a)[0] for a in ids)
        if fmt == "labelstudio" and total <= PRETTY_JSON_LIMIT:
            return None

        def records() -> Iterator[tuple[Document, Callable[[], Iterator[Annotation]]]]:
            for n, art_id in enumerate(ids):
                tick(n, len(ids))
                art = crud.get_article(session=session, article_id=art_id)
                assert art is not None
                yield (Document(text=art.text, meta=_article_meta(art), sources=source_of),
                       partial(crud.iter_annotations_sorted, session=session,
                               article_id=art_id, by_annotator=by_annotator,
                               batch=EXPORT_PAGE))

        with _atomic_text(out) as fh:
            n_anns = writer(records(), fh)
    return ExportReport([str(out)], len(ids), n_anns)

def export_annotations(
    project: Project,
    fmt: str,
    output: str | Path,
    *,
    article_id: int | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> ExportReport:
    """Write annotations in ``fmt`` to ``output`` (brat: a folder of ``article-ID`` pairs).

    ``w3c`` holds one article per file: with several articles, pass ``article_id``; it
    is streamed from the database (memory does not grow with the number of
    annotations). Files are written atomically; nothing is left half-written on an error.
    """
    if fmt not in EXPORT_FORMATS:
        raise UserInputError(f"unknown format {fmt!r} (use {', '.join(EXPORT_FORMATS)})")
    spec = get_format(fmt)
    out = Path(output)
    tick = _Ticker(progress, cancelled, lo=0, hi=500)
    if spec.shape == "rows":  # streamed to the file, a batch of rows at a time
        with _atomic_text(out) as fh:
            n = export_csv(project, fh, article_id=article_id, cancelled=cancelled)
            tick.check()
        tick.finish()
        return ExportReport([str(out)], 0, n)
    try:
        if spec.shape == "annotations":
            if out.is_dir():
                raise UserInputError(f"{out}: is a folder; a {spec.title} export is a file")
            report = _export_w3c(project, article_id, out, tick)
            tick.finish()
            return report
        if spec.shape == "records":
            streamed = _export_records_streamed(project, fmt, article_id, out, tick)
            if streamed is not None:
                tick.finish()
                return streamed
        docs = _documents(project, article_id, tick)
        n_anns = sum(len(d.annotations) for d in docs)
        # Pretty-printed JSON is friendlier to read but Python's indenting encoder is
        # several times slower; large exports are written compact (same content).
        indent = 2 if n_anns <= PRETTY_JSON_LIMIT else None
        tick.check()
        if spec.shape == "records":
            _write_atomic(out, spec.writer(docs, indent=indent).encode("utf-8"))
            paths = [str(out)]
        else:
            if out.exists() and not out.is_dir():
                raise UserInputError(f"{out}: brat export needs a folder, this is a file")
            if len(docs) > 1:  # validate everything before writing anything
                for doc in docs:  # (one document is validated by write_brat itself)
                    export_brat(doc)
            paths = []
            tick.phase(500, PROGRESS_TOTAL)
            for k, doc in enumerate(docs):
                tick(k, len(docs))
                try:
                    txt, ann = spec.writer(out, f"article-{doc.meta['id']}", doc,
                                           overwrite=True)
                except OSError as exc:
                    raise UserInputError(f"{out}: cannot write ({exc.strerror or exc})") \
                        from None
                paths += [str(txt), str(ann)]
    except FormatError as exc:
        raise FormatError(f"cannot export: {exc}") from None
    tick.finish()
    return ExportReport(paths, len(docs), n_anns)


# -- pasted articles and metadata ------------------------------------------------------


def _check_url(url: str) -> str:
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or \
            any(ch.isspace() for ch in url) or len(url) > 2000:
        raise UserInputError(f"URL {_clip(url, 60)} is not a web address (http:// or https://)")
    return url


def _check_date(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UserInputError(
            f"date {_clip(value)} is not an ISO 8601 date (YYYY-MM-DD, optionally with a time)"
        ) from None
    return value


def _check_line(value: str, what: str, limit: int, *, required: bool = False) -> str:
    value = " ".join(value.split())
    if required and not value:
        raise UserInputError(f"the {what} is empty")
    if len(value) > limit:
        raise UserInputError(f"the {what} is longer than {limit} characters")
    if any(ord(ch) < 32 for ch in value):
        raise UserInputError(f"the {what} contains control characters")
    return value


def import_text(
    project: Project,
    text: str,
    *,
    title: str = "",
    outlet: str = "",
    url: str = "",
    published: str = "",
) -> ImportedArticle:
    """Create an article from pasted text (same checks and normalisation as a file).

    Text already in the project is not imported twice: the existing article is returned
    with ``duplicate=True``.
    """
    if not text.strip():
        raise UserInputError("the pasted text is empty (nothing to annotate)")
    try:
        decoded = decode_article_bytes(text.encode("utf-8", errors="replace"))
    except ArticleInputError as exc:
        raise UserInputError(f"pasted text: {exc}") from None
    body = decoded.text
    title = _check_line(title, "title", 300) or title_from_text(body, "Pasted article")
    outlet = _check_line(outlet, "outlet", 200)
    url = _check_url(url)
    published = _check_date(published)
    digest = sha256_text(body)

    def write() -> ImportedArticle:
        with project.transaction() as session:
            existing = crud.find_article_by_hash(session=session, sha256=digest)
            if existing is not None:
                art = crud.get_article(session=session, article_id=existing)
                assert art is not None
                return ImportedArticle(existing, art.title, "(pasted)", duplicate=True)
            art_id = crud.add_article(session=session, title=title, text=body, sha256=digest,
                                      imported_at=utc_now_iso(), outlet=outlet, url=url,
                                      published=published)
        return ImportedArticle(art_id, title, "(pasted)")

    return retry_on_duplicate_article(write)  # a concurrent paste of the same text won


def update_article_metadata(
    project: Project,
    article_id: int,
    *,
    title: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    published: str | None = None,
) -> Article:
    """Change an article's title, outlet, URL or publication date (``None``: unchanged).

    The title may not be empty; the URL must be http(s); the date ISO 8601. A value
    equal to the stored one is accepted as is (an imported page's date may not be ISO).
    """
    with project.transaction() as session:
        art = crud.get_article(session=session, article_id=article_id)
        if art is None:
            raise UserInputError(f"article {article_id} does not exist")
        values: dict[str, str] = {}
        if title is not None and title != art.title:
            values["title"] = _check_line(title, "title", 300, required=True)
        if outlet is not None and outlet != art.outlet:
            values["outlet"] = _check_line(outlet, "outlet", 200)
        if url is not None and url != art.url:
            values["url"] = _check_url(url)
        if published is not None and published != art.published:
            values["published"] = _check_date(published)
        if values:
            _A = ArticleRow.__table__.c  # type: ignore[attr-defined]  # noqa: N806
            session.execute(update(ArticleRow.__table__)  # type: ignore[attr-defined]
                            .where(_A.id == article_id).values(**values))
        updated = crud.get_article(session=session, article_id=article_id)
    assert updated is not None
    return updated


__all__ = [
    "EXPORT_FORMATS", "FORMATS", "AnnotationImportReport", "ExportReport", "ForeignLabel",
    "OperationCancelled", "ReviewItem", "default_review_path", "export_annotations",
    "import_annotations", "import_text", "infer_format", "scan_labels",
    "update_article_metadata",
]

