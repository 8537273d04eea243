"""Offline merge: bring a colleague's tags into this project.

Two kinds of source are accepted:

* **another annotator project file** (SQLite, any schema version this app can
  upgrade). The colleague's file is never modified: the file (and its ``-wal`` /
  ``-journal`` side file, so nothing committed is missed) is copied to a temporary
  folder, the copy is upgraded with :func:`~annotator.storage.engine.open_engine` and
  read from there. Articles are matched by the SHA-256 of their text; an article this
  project does not have is imported with its text. Labels the source uses that this
  project does not know are added to the local taxonomy from the source's label row
  (only labels used by annotations that are actually added). The source's audit
  trail of each added annotation is copied; for an annotation already here with
  identical content, the source's events this project lacks are added (so a review
  done offline — ``accepted`` / ``rejected`` events — comes along; events of a
  conflicting annotation are not, they describe a state that was not merged). Review
  comments whose annotation exists here after the merge are added (comments keep
  their ids, so they are merged once).
* **a CSV exported by this app**: the foundation columns
  (:data:`~annotator.services.export_csv.FOUNDATION_COLUMNS`) are required, the facet
  columns and ``score``/``band`` of newer exports are optional (facets are read back
  from them; score and band are derived and ignored); any other column, a file that
  does not end with a line break (truncated) or a malformed row refuses the file. Text
  cells are un-neutralised with :func:`~annotator.domain.csv_safety.unneutralise`. A CSV
  carries no article text, so each ``article_id`` group is matched to the local
  article where *every* row's text equals ``text[start:end]`` (and its source text
  equals ``text[source_start:source_end]``). If several articles fit, the one with the
  same title wins; if that is still ambiguous, or nothing fits, the group is **reported
  as an unmatched article and its rows are skipped** (the rest of the file is merged):
  refusing the whole file would make one re-edited article block all the others, and
  the report says exactly what was left out. Labels are matched by name (or key);
  unknown labels refuse the merge, naming them, because a CSV has no colour or
  definition to create them from. CSV rows carry no review provenance (nor facets, in
  exports older than the facet columns).

Annotations keep their UUIDs, which makes merging idempotent:

* an id that is not here is added (one ``merged`` audit event each, actor = who merged,
  detail naming the source file);
* same id and identical content (the fields the source carries; versions and
  timestamps are not content) is skipped;
* same id and different content is a **conflict**: reported with both versions, never
  overwritten — resolve it by editing here;
* an id this project has deleted (its last audit event here is ``deleted``) is not
  resurrected; it is reported as ``skipped_deleted``. A merge never deletes anything.

Everything happens in one transaction after the whole source was validated: a
malformed file, an offset out of range or a text mismatch raises
:class:`~annotator.domain.errors.UserInputError` naming the file and the record, and
the project is unchanged. ``dry_run=True`` does all of it and rolls back, to preview.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session

from annotator.domain.csv_safety import unneutralise
from annotator.domain.errors import UserInputError
from annotator.domain.facets import ENUM_FACETS, Facets
from annotator.domain.facets_codec import EMPTY_JSON, canonical_facets_json, encode_facets
from annotator.domain.model import Annotation, Article, Label, check_span, recut, utc_now_iso
from annotator.domain.text_import import sha256_text
from annotator.services import sources
from annotator.services.changes import Changes
from annotator.services.export_csv import CSV_COLUMNS, FACET_COLUMNS, FOUNDATION_COLUMNS
from annotator.services.project import Project
from annotator.storage import crud, review_crud
from annotator.storage.engine import DatabaseError, open_engine

__all__ = ["MergeConflict", "MergeReport", "UnmatchedArticle", "merge_file"]

SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
REQUIRED_TABLES = ("alembic_version", "article", "label", "annotation")

SQLITE_FIELDS = ("article_id", "annotator", "label", "start", "end", "text", "source_start",
                 "source_end", "note", "facets", "reviewed_by", "reviewed_at", "origin_id")
"""Content compared for an id present on both sides (a project file carries all of it)."""
CSV_FIELDS = ("article_id", "annotator", "label", "start", "end", "text", "source_start",
              "source_end", "note")
"""What a CSV row carries (plus ``facets`` when it has the facet columns); review
provenance is not exported."""

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")
_INT = re.compile(r"-?\d+")


@dataclass(frozen=True)
class MergeConflict:
    """Same annotation id, different content: ``ours`` was kept, ``theirs`` not merged.

    ``theirs.article_id`` is the local article its source article maps to; ``fields``
    names the content fields that differ.
    """

    annotation_id: str
    ours: Annotation
    theirs: Annotation
    fields: tuple[str, ...]


@dataclass(frozen=True)
class UnmatchedArticle:
    """A source article (CSV group) with no unambiguous local match; its rows were skipped."""

    source_article_id: int
    title: str
    n_annotations: int
    reason: str


@dataclass
class MergeReport:
    source: str
    kind: str  # "project file" or "CSV"
    articles_matched: int = 0
    articles_added: int = 0
    annotations_added: int = 0
    skipped_identical: int = 0
    conflicts: list[MergeConflict] = field(default_factory=list)
    unmatched_articles: list[UnmatchedArticle] = field(default_factory=list)
    labels_added: list[str] = field(default_factory=list)
    comments_added: int = 0
    events_added: int = 0
    """Audit events (e.g. offline reviews) added to annotations that were already here."""
    skipped_deleted: list[str] = field(default_factory=list)
    """Ids deleted in this project since they were here: not brought back."""
    added_ids: list[str] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)
    """Local articles that received annotations or were added (views to refresh)."""
    dry_run: bool = False

    @property
    def changes(self) -> Changes:
        """Nothing for a dry run; else the articles and labels the merge touched."""
        if self.dry_run:
            return Changes()
        return Changes.bulk(self.article_ids, labels=bool(self.labels_added),
                            review=True) | Changes(article_list=True)

    def summary(self) -> str:
        lines = [
            f"{'Dry run — nothing written. ' if self.dry_run else ''}"
            f"Merged {self.source} ({self.kind}):",
            f"  articles: {self.articles_matched} matched, {self.articles_added} added",
            f"  annotations: {self.annotations_added} added, {self.skipped_identical} "
            f"already here (identical), {len(self.conflicts)} "
            f"conflict{'' if len(self.conflicts) == 1 else 's'}",
        ]
        if self.labels_added:
            lines.append(f"  labels added to the taxonomy: {', '.join(self.labels_added)}")
        if self.comments_added:
            lines.append(f"  review comments added: {self.comments_added}")
        if self.events_added:
            lines.append(f"  history events added to annotations already here: "
                         f"{self.events_added}")
        if self.skipped_deleted:
            lines.append(f"  not brought back (deleted in this project): "
                         f"{len(self.skipped_deleted)}")
        if self.conflicts:
            lines.append("Conflicts (this project's version kept; theirs not merged):")
            for c in self.conflicts:
                lines.append(f"  {c.annotation_id} [differs: {', '.join(c.fields)}]")
                lines.append(f"    here:   {_describe(c.ours)}")
                lines.append(f"    theirs: {_describe(c.theirs)}")
        if self.unmatched_articles:
            lines.append("Unmatched articles (their annotations were skipped):")
            for u in self.unmatched_articles:
                lines.append(f"  article {u.source_article_id} {u.title!r}: "
                             f"{u.n_annotations} annotation(s): {u.reason}")
        return "\n".join(lines) + "\n"


def _describe(ann: Annotation) -> str:
    text = ann.text if len(ann.text) <= 50 else ann.text[:47] + "..."
    extra = f", note {ann.note[:40]!r}" if ann.note else ""
    return (f"{ann.annotator}: {ann.label} {ann.start}–{ann.end} {text!r}{extra} "
            f"(version {ann.version}, updated {ann.updated_at})")


# ---------------------------------------------------------------------------
# Reading and validating the source (no access to this project yet)
# ---------------------------------------------------------------------------


@dataclass
class _SourceArticle:
    source_id: int
    title: str
    article: Article | None  # full article for project files; None for CSV
    annotations: list[Annotation] = field(default_factory=list)
    """``article_id`` is the *source* article id until matched."""
    source_texts: dict[str, str] = field(default_factory=dict)
    """CSV only: annotation id -> the source-mention text of that row."""


@dataclass
class _Source:
    name: str
    kind: str
    fields: tuple[str, ...]
    articles: list[_SourceArticle]
    labels: dict[str, Label] = field(default_factory=dict)  # project files: by key
    events: dict[str, list[review_crud.EventTuple]] = field(default_factory=dict)
    comments: list[review_crud.CommentTuple] = field(default_factory=list)
    registry: sources.Registry | None = None  # project files: their source registry


def _kind_of(path: Path) -> str:
    shown = str(path)
    if path.is_dir():
        raise UserInputError(f"{shown}: is a folder; give an annotator project file "
                             f"(.sqlite) or a CSV exported by annotator")
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise UserInputError(f"{shown}: no such file") from None
    except OSError as exc:
        raise UserInputError(f"{shown}: cannot read file ({exc.strerror})") from None
    if head == SQLITE_MAGIC:
        return "sqlite"
    if path.suffix.lower() in SQLITE_SUFFIXES:
        raise UserInputError(f"{shown}: not a database (not an annotator project file)")
    return "csv"


def _read_project_file(path: Path) -> _Source:
    shown = str(path)
    with tempfile.TemporaryDirectory(prefix="annotator-merge-") as tmp:
        copy = Path(tmp) / "source.sqlite"
        try:
            shutil.copyfile(path, copy)
            for side in ("-wal", "-journal"):
                extra = path.with_name(path.name + side)
                if extra.is_file():
                    shutil.copyfile(extra, copy.with_name(copy.name + side))
        except OSError as exc:
            raise UserInputError(f"{shown}: cannot read file ({exc.strerror})") from None
        _check_annotator_tables(copy, shown)
        try:
            engine = open_engine(copy)
        except (DatabaseError, SQLAlchemyError) as exc:
            message = str(exc).replace(str(copy), shown)
            raise UserInputError(f"{shown}: cannot open as an annotator project "
                                 f"({message})") from None
        try:
            with Session(engine) as session:
                labels = crud.list_labels(session=session)
                articles = review_crud.list_full_articles(session=session)
                annotations = review_crud.list_all_annotations(session=session)
                events = review_crud.events_for(
                    session=session, annotation_ids=[a.id for a in annotations])
                comments = review_crud.list_comments(session=session)
                registry = sources.read_registry(session)
        except SQLAlchemyError as exc:
            raise UserInputError(f"{shown}: cannot read the project file "
                                 f"({type(exc).__name__})") from None
        finally:
            engine.dispose()
    read = _validate_project_file(shown, labels, articles, annotations, events, comments)
    read.registry = registry
    return read


def _check_annotator_tables(copy: Path, shown: str) -> None:
    try:
        con = sqlite3.connect(copy)
        try:
            names = {row[0] for row in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise UserInputError(f"{shown}: not a readable database ({exc})") from None
    missing = [t for t in REQUIRED_TABLES if t not in names]
    if missing:
        raise UserInputError(f"{shown}: not an annotator project file "
                             f"(no {', '.join(missing)} table)")


def _validate_project_file(
    shown: str, labels: list[Label], articles: list[Article], annotations: list[Annotation],
    events: list[review_crud.EventTuple], comments: list[review_crud.CommentTuple],
) -> _Source:
    by_id = {art.id: _SourceArticle(art.id, art.title, art) for art in articles}
    label_keys = {lab.key: lab for lab in labels}
    for ann in annotations:
        item = by_id.get(ann.article_id)
        if item is None or item.article is None:  # impossible with foreign keys on
            raise UserInputError(f"{shown}: annotation {ann.id}: its article "
                                 f"{ann.article_id} is missing")
        where = f"{shown}: annotation {ann.id} (article {item.title[:60]!r})"
        if ann.label not in label_keys:
            raise UserInputError(f"{where}: label {ann.label!r} is not in that file's taxonomy")
        if not ann.annotator.strip():
            raise UserInputError(f"{where}: no annotator name")
        _check_offsets(where, ann, item.article.text)
        try:
            facets = canonical_facets_json(ann.facets)
        except ValueError as exc:
            raise UserInputError(f"{where}: invalid facets ({exc})") from None
        item.annotations.append(ann._replace(facets=facets))
    grouped: dict[str, list[review_crud.EventTuple]] = defaultdict(list)
    for event in events:
        grouped[event[0]].append(event)
    return _Source(name=shown, kind="project file", fields=SQLITE_FIELDS,
                   articles=list(by_id.values()), labels=label_keys, events=dict(grouped),
                   comments=comments)


def _check_offsets(where: str, ann: Annotation, text: str) -> None:
    try:
        check_span(len(text), ann.start, ann.end)
        if (ann.source_start is None) != (ann.source_end is None):
            raise ValueError("source span needs both start and end")
        if ann.source_start is not None and ann.source_end is not None:
            check_span(len(text), ann.source_start, ann.source_end, what="source span")
    except ValueError as exc:
        raise UserInputError(f"{where}: {exc}") from None
    if text[ann.start:ann.end] != ann.text:
        raise UserInputError(f"{where}: text {ann.text[:40]!r} does not match the article "
                             f"at {ann.start}–{ann.end}")


def _read_csv(path: Path) -> _Source:
    shown = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserInputError(f"{shown}: cannot read file ({exc.strerror})") from None
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserInputError(f"{shown}: not UTF-8 text (byte {exc.start}); expected a CSV "
                             f"exported by annotator") from None
    if not content.strip():
        raise UserInputError(f"{shown}: empty file; expected a CSV exported by annotator")
    if not content.endswith(("\n", "\r")):
        raise UserInputError(f"{shown}: line {content.count(chr(10)) + 1}: the file ends in "
                             f"the middle of a row (truncated?)")
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    groups: dict[int, _SourceArticle] = {}
    seen: dict[str, int] = {}
    try:
        header = next(reader)
        missing = [c for c in FOUNDATION_COLUMNS if c not in header]
        extra = [c for c in header if c not in CSV_COLUMNS]
        if missing or extra or len(set(header)) != len(header):
            detail = "; ".join(part for part in (
                f"missing columns: {', '.join(missing)}" if missing else "",
                f"unexpected columns: {', '.join(repr(c) for c in extra[:5])}" if extra else "",
            ) if part) or "repeated columns"
            raise UserInputError(f"{shown}: line 1: not a CSV exported by annotator ({detail})")
        index = {name: header.index(name) for name in CSV_COLUMNS if name in header}
        has_facets = any(name in index for name in FACET_COLUMNS)
        line = reader.line_num
        for row in reader:
            first_line, line = line + 1, reader.line_num
            if not row:
                continue
            where = f"{shown}: line {first_line}"
            if len(row) != len(header):
                raise UserInputError(f"{where}: expected {len(header)} cells, found {len(row)} "
                                     f"(truncated or malformed file?)")
            cells = {name: row[i] for name, i in index.items()}
            ann, source_text = _csv_annotation(where, cells)
            if ann.id in seen:
                raise UserInputError(f"{where}: annotation {ann.id} also appears on line "
                                     f"{seen[ann.id]}")
            seen[ann.id] = first_line
            group = groups.get(ann.article_id)
            if group is None:
                group = groups[ann.article_id] = _SourceArticle(
                    ann.article_id, unneutralise(cells["article_title"]), None)
            group.annotations.append(ann)
            if source_text is not None:
                group.source_texts[ann.id] = source_text
    except csv.Error as exc:
        raise UserInputError(f"{shown}: line {reader.line_num}: malformed CSV ({exc})") from None
    except StopIteration:  # pragma: no cover - content is not blank, so a header exists
        raise UserInputError(f"{shown}: empty file") from None
    fields = CSV_FIELDS + ("facets",) if has_facets else CSV_FIELDS
    return _Source(name=shown, kind="CSV", fields=fields, articles=list(groups.values()))


def _csv_int(where: str, name: str, cell: str) -> int:
    if not _INT.fullmatch(cell.strip()):
        raise UserInputError(f"{where}: {name} {cell[:20]!r} is not a whole number")
    return int(cell)


def _csv_annotation(where: str, cells: dict[str, str]) -> tuple[Annotation, str | None]:
    try:
        ann_id = str(uuid.UUID(cells["annotation_id"]))
    except ValueError:
        raise UserInputError(f"{where}: annotation_id {cells['annotation_id'][:40]!r} "
                             f"is not a UUID") from None
    where = f"{where} (annotation {ann_id})"
    article_id = _csv_int(where, "article_id", cells["article_id"])
    start = _csv_int(where, "start", cells["start"])
    end = _csv_int(where, "end", cells["end"])
    text = unneutralise(cells["text"])
    annotator = unneutralise(cells["annotator"])
    label = unneutralise(cells["label"])
    if not annotator.strip():
        raise UserInputError(f"{where}: no annotator name")
    if not label.strip():
        raise UserInputError(f"{where}: no label")
    if not (0 <= start < end):
        raise UserInputError(f"{where}: span {start}–{end} is out of range or empty")
    if len(text) != end - start:
        raise UserInputError(f"{where}: text has {len(text)} characters but the span "
                             f"{start}–{end} has {end - start} (text does not match offsets)")
    s_cell, e_cell = cells["source_start"].strip(), cells["source_end"].strip()
    source: tuple[int, int] | None = None
    source_text: str | None = None
    if s_cell or e_cell:
        if not (s_cell and e_cell):
            raise UserInputError(f"{where}: source span needs both source_start and source_end")
        source = (_csv_int(where, "source_start", s_cell), _csv_int(where, "source_end", e_cell))
        if not (0 <= source[0] < source[1]):
            raise UserInputError(f"{where}: source span {source[0]}–{source[1]} is out of "
                                 f"range or empty")
        source_text = unneutralise(cells["source_text"])
        if len(source_text) != source[1] - source[0]:
            raise UserInputError(f"{where}: source_text does not match source offsets "
                                 f"{source[0]}–{source[1]}")
    for name in ("created_at", "updated_at"):
        if not _TIMESTAMP.fullmatch(cells[name]):
            raise UserInputError(f"{where}: {name} {cells[name][:40]!r} is not a timestamp "
                                 f"(truncated file?)")
    return Annotation(
        id=ann_id, article_id=article_id, annotator=annotator, label=label, start=start,
        end=end, text=text, prefix="", suffix="",
        source_start=source[0] if source else None, source_end=source[1] if source else None,
        note=unneutralise(cells["note"]), created_at=cells["created_at"],
        updated_at=cells["updated_at"], facets=_csv_facets(where, cells),
    ), source_text


def _csv_facets(where: str, cells: dict[str, str]) -> str:
    """Facets from the facet columns (inverse of ``Facets.to_export_row``)."""
    data: dict[str, object] = {}
    for name in FACET_COLUMNS:
        cell = unneutralise(cells.get(name, "")).strip()
        if not cell:
            continue
        value: object = cell
        if name == "hedge":
            value = {"true": True, "false": False}.get(cell, cell)
        elif name == "corroborated_by":
            value = [part for part in cell.split(";") if part.strip()]
        elif _INT.fullmatch(cell) and (name == "source_count" or (
                name in ENUM_FACETS and issubclass(ENUM_FACETS[name], IntEnum))):
            value = int(cell)
        data[name] = value
    if not data:
        return EMPTY_JSON
    try:
        return encode_facets(Facets.from_dict(data))
    except ValueError as exc:
        raise UserInputError(f"{where}: {exc}") from None


def _read_source(path: Path) -> _Source:
    return _read_project_file(path) if _kind_of(path) == "sqlite" else _read_csv(path)


# ---------------------------------------------------------------------------
# Merging into the project (one transaction)
# ---------------------------------------------------------------------------


class _DryRun(Exception):
    def __init__(self, report: MergeReport) -> None:
        super().__init__("dry run")
        self.report = report


def merge_file(project: Project, path: str | Path, *, actor: str,
               dry_run: bool = False) -> MergeReport:
    """Merge a colleague's project file or CSV export into ``project`` (see module doc).

    Raises :class:`UserInputError` (project unchanged) for unreadable or invalid input,
    and for CSV labels this project does not have.
    """
    who = actor.strip() or "unknown"
    source = _read_source(Path(path))
    try:
        with project.transaction() as session:
            report = _merge(session, source, actor=who)
            report.dry_run = dry_run
            if dry_run:
                raise _DryRun(report)
    except _DryRun as done:
        return done.report
    except IntegrityError:
        raise UserInputError(
            f"{source.name}: this project changed while merging (a colleague added the same "
            f"annotations?); nothing was merged — run the merge again") from None
    if report.labels_added:
        project.invalidate_labels()
    return report


def _merge(session: Session, source: _Source, *, actor: str) -> MergeReport:
    report = MergeReport(source=Path(source.name).name, kind=source.kind)
    local_labels = crud.list_labels(session=session)
    if source.kind == "CSV":
        _map_csv_labels(source, local_labels)
        matched = _match_csv_articles(session, source, report)
    else:
        matched = _match_project_articles(session, source, report)
    touched: set[int] = set()
    candidates: list[tuple[Annotation, Annotation]] = []  # (incoming as source, mapped)
    for item, local_id, local_text in matched:
        for ann in item.annotations:
            mapped = ann._replace(article_id=local_id)
            if source.kind == "CSV":
                mapped = recut(mapped, local_text)
            candidates.append((ann, mapped))
    existing = review_crud.get_annotations(
        session=session, annotation_ids=[m.id for _, m in candidates])
    missing = [m.id for _, m in candidates if m.id not in existing]
    deleted_here = _deleted_here(session, missing)
    to_add: list[Annotation] = []
    identical: list[Annotation] = []
    for _, mapped in candidates:
        ours = existing.get(mapped.id)
        if ours is None:
            if mapped.id in deleted_here:
                report.skipped_deleted.append(mapped.id)
            else:
                to_add.append(mapped)
            continue
        differs = tuple(f for f in source.fields if getattr(ours, f) != getattr(mapped, f))
        if differs:
            report.conflicts.append(MergeConflict(mapped.id, ours, mapped, differs))
        else:
            identical.append(ours)
    report.skipped_identical = len(identical)

    if source.kind != "CSV":
        _add_missing_labels(session, source, local_labels, to_add, report)
    if to_add:
        crud.insert_annotations(session=session, annotations=to_add)
        stamp = utc_now_iso()
        copied: list[review_crud.EventTuple] = []
        for ann in to_add:
            copied.extend((ann.id, ann.article_id, at, by, action, detail)
                          for _, _, at, by, action, detail in source.events.get(ann.id, ()))
            copied.append((ann.id, ann.article_id, stamp, actor, "merged", json.dumps(
                {"source": report.source, "annotator": ann.annotator, "label": ann.label,
                 "start": ann.start, "end": ann.end}, ensure_ascii=False)))
            touched.add(ann.article_id)
        review_crud.insert_events(session=session, events=copied)
        if source.registry is not None:
            sources.import_registry(session, source.registry, [a.id for a in to_add])
    report.annotations_added = len(to_add)
    report.added_ids = [a.id for a in to_add]
    report.events_added = _merge_events(session, source, identical)
    report.comments_added = _merge_comments(session, source, to_add, existing)
    report.article_ids = sorted(touched | set(report.article_ids))
    return report


def _map_csv_labels(source: _Source, local: Sequence[Label]) -> None:
    by_name: dict[str, str] = {}
    for lab in local:
        by_name.setdefault(lab.name, lab.key)
    keys = {lab.key for lab in local}
    unknown: set[str] = set()
    for item in source.articles:
        for n, ann in enumerate(item.annotations):
            key = by_name.get(ann.label) or (ann.label if ann.label in keys else None)
            if key is None:
                unknown.add(ann.label)
            else:
                item.annotations[n] = ann._replace(label=key)
    if unknown:
        raise UserInputError(
            f"{source.name}: labels not in this project's taxonomy: "
            f"{', '.join(repr(u) for u in sorted(unknown))}; add them to the taxonomy "
            f"(or merge the colleague's project file instead of the CSV) and try again")


def _match_project_articles(
    session: Session, source: _Source, report: MergeReport,
) -> list[tuple[_SourceArticle, int, str]]:
    out: list[tuple[_SourceArticle, int, str]] = []
    added: dict[str, int] = {}
    stamp = utc_now_iso()
    for item in source.articles:
        art = item.article
        assert art is not None
        digest = sha256_text(art.text)
        local_id = added.get(digest)
        if local_id is None:
            local_id = crud.find_article_by_hash(session=session, sha256=digest)
            if local_id is None:
                local_id = crud.add_article(
                    session=session, title=art.title, text=art.text, sha256=digest,
                    imported_at=stamp, outlet=art.outlet, url=art.url,
                    published=art.published, original_filename=art.original_filename)
                added[digest] = local_id
                report.articles_added += 1
                report.article_ids.append(local_id)
            else:
                report.articles_matched += 1
        out.append((item, local_id, art.text))
    return out


def _fits(item: _SourceArticle, text: str) -> bool:
    n = len(text)
    for ann in item.annotations:
        if ann.end > n or text[ann.start:ann.end] != ann.text:
            return False
        if ann.source_start is not None and ann.source_end is not None:
            if ann.source_end > n or \
                    text[ann.source_start:ann.source_end] != item.source_texts.get(ann.id):
                return False
    return True


def _match_csv_articles(
    session: Session, source: _Source, report: MergeReport,
) -> list[tuple[_SourceArticle, int, str]]:
    fits: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for art_id, title, text in crud.iter_article_texts(session=session):
        for item in source.articles:
            if _fits(item, text):
                fits[item.source_id].append((art_id, title, text))
    out: list[tuple[_SourceArticle, int, str]] = []
    for item in source.articles:
        candidates = fits.get(item.source_id, [])
        if len(candidates) > 1:
            candidates = [c for c in candidates if c[1] == item.title] or candidates
        if len(candidates) == 1:
            art_id, _, text = candidates[0]
            out.append((item, art_id, text))
            report.articles_matched += 1
            continue
        reason = ("no article in this project has this text at those offsets"
                  if not candidates else
                  "ambiguous: fits articles " + ", ".join(str(c[0]) for c in candidates))
        report.unmatched_articles.append(
            UnmatchedArticle(item.source_id, item.title, len(item.annotations), reason))
    return out


def _deleted_here(session: Session, ids: Iterable[str]) -> set[str]:
    """Ids whose latest local audit event is a deletion (deleted since they were here)."""
    last: dict[str, str] = {}
    for ann_id, *_, action, _detail in review_crud.events_for(session=session,
                                                               annotation_ids=ids):
        last[ann_id] = action
    return {ann_id for ann_id, action in last.items() if action == "deleted"}


def _add_missing_labels(session: Session, source: _Source, local: Sequence[Label],
                        to_add: Sequence[Annotation], report: MergeReport) -> None:
    known = {lab.key for lab in local}
    needed = sorted({a.label for a in to_add} - known,
                    key=lambda key: (source.labels[key].position, key))
    if not needed:
        return
    top = review_crud.max_label_position(session=session)
    new = []
    for n, key in enumerate(needed, start=1):
        lab = source.labels[key]
        new.append(Label(key=lab.key, name=lab.name, color=lab.color, position=top + n,
                         description=lab.description, example=lab.example,
                         retired=lab.retired))
    crud.add_labels(session=session, labels=new)
    session.flush()
    report.labels_added = needed


def _merge_events(session: Session, source: _Source, identical: Sequence[Annotation]) -> int:
    """Copy the source's events of identical annotations that this project lacks."""
    ids = [a.id for a in identical if source.events.get(a.id)]
    if not ids:
        return 0
    have = {(e[0], e[2], e[3], e[4], e[5])
            for e in review_crud.events_for(session=session, annotation_ids=ids)}
    article_of = {a.id: a.article_id for a in identical}
    new = [(ann_id, article_of[ann_id], at, by, action, detail)
           for ann_id in ids for _, _, at, by, action, detail in source.events[ann_id]
           if (ann_id, at, by, action, detail) not in have]
    return review_crud.insert_events(session=session, events=new)


def _merge_comments(session: Session, source: _Source, added: Sequence[Annotation],
                    existing: dict[str, Annotation]) -> int:
    if not source.comments:
        return 0
    article_of = {a.id: a.article_id for a in existing.values()}
    article_of.update((a.id, a.article_id) for a in added)
    wanted = [c for c in source.comments if c[1] in article_of]
    present = review_crud.existing_comment_ids(session=session,
                                               comment_ids=[c[0] for c in wanted])
    rows = [(cid, ann_id, article_of[ann_id], author, kind, body, created_at)
            for cid, ann_id, _, author, kind, body, created_at in wanted if cid not in present]
    return review_crud.insert_comments(session=session, comments=rows)
