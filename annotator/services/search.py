"""Search across the corpus: keyword-in-context hits over article text and annotations.

The database's own full-text engine selects the rows (SQLite FTS5, PostgreSQL
tsvector; see ``annotator/storage/search_schema.py``); this module turns them into
hits with code-point offsets into the article, KWIC context, and the annotation a
hit lies in, then applies the filters that need the rubric (facets, strength band).

Results come in pages in a stable order — article id, then offset — with a keyset
cursor, so the first page costs the same however many hits there are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal, NamedTuple, TextIO

from sqlmodel import Session

from annotator.domain.facets_codec import decode_facets
from annotator.domain.rubric import Rubric, score
from annotator.domain.search_query import (
    HIT_CLOSE,
    HIT_OPEN,
    KwicHit,
    Query,
    kwic_from_highlight,
    kwic_from_spans,
    locate,
    offsets_from_highlight,
    parse_query,
)
from annotator.services.project import Project
from annotator.services.scoring import project_rubric
from annotator.storage import search_crud
from annotator.storage.search_crud import AnnotationFilter, ArticleFilter

Scope = Literal["text", "annotations", "both"]
SCOPES: tuple[Scope, ...] = ("text", "annotations", "both")
CONTEXT_CHARS = 60
PAGE_SIZE = 100

FIELD_ORDER = {"text": 0, "claim": 1, "mention": 2, "note": 3}

HIT_COLUMNS = ("article_id", "start", "end", "hit", "left", "right", "field",
               "annotation_id", "label", "annotator", "title", "outlet", "published")
"""CSV/JSONL columns of a hit, in this order (README, "Search")."""


@dataclass(frozen=True)
class SearchFilters:
    labels: tuple[str, ...] = ()
    annotators: tuple[str, ...] = ()
    facets: tuple[tuple[str, str], ...] = ()
    """``(facet name, value)`` pairs, all required (vocabulary words as in the CSV)."""
    bands: tuple[str, ...] = ()
    outlet: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    reviewed: bool | None = None

    @property
    def on_annotations(self) -> bool:
        return bool(self.labels or self.annotators or self.facets or self.bands
                    or self.reviewed is not None)

    def articles(self) -> ArticleFilter:
        return ArticleFilter(self.outlet or None, self.date_from or None, self.date_to or None)

    def annotations(self) -> AnnotationFilter:
        return AnnotationFilter(self.labels, self.annotators, self.reviewed)


class Hit(NamedTuple):
    """One occurrence. ``start``/``end`` are code points into the article text, except
    for ``field == "note"``, where they are the annotation's span and ``hit``/``left``/
    ``right`` come from the note. A named tuple: a page makes a hundred, and a frozen
    dataclass costs three times as much to make."""

    article_id: int
    start: int
    end: int
    hit: str
    left: str
    right: str
    field: str
    annotation_id: str | None
    label: str | None
    annotator: str | None
    title: str
    outlet: str
    published: str
    hit_start: int = 0
    """Offset of the hit inside the note (note hits only)."""
    annotation_start: int = -1
    """Start of the annotation an annotation-field hit came from (paging order)."""

    @property
    def key(self) -> tuple[int, int, int, str, int, int]:
        """Result order: article, then position; an annotation's hits stay together."""
        if self.field == "text":
            return (self.article_id, self.start, 0, "", 0, 0)
        return (self.article_id, self.annotation_start, 1, self.annotation_id or "",
                FIELD_ORDER[self.field], self.hit_start if self.field == "note" else self.start)

    def record(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in HIT_COLUMNS}


Key = tuple[int, int, int, str, int, int]


@dataclass(frozen=True)
class Cursor:
    """Where each stream (text hits, annotation hits) stopped; ``None`` = not started."""

    text_after: Key | None = None
    text_done: bool = False
    ann_after: Key | None = None
    ann_done: bool = False


@dataclass
class SearchPage:
    hits: list[Hit]
    cursor: Cursor | None
    """Pass back for the next page; None when there are no more hits."""


def _context(text: str, start: int, end: int, n: int = CONTEXT_CHARS) -> tuple[str, str]:
    return text[max(0, start - n):start], text[end:end + n]


class _Matcher:
    """The rubric-dependent filters (facets, band) on one annotation."""

    def __init__(self, project: Project, filters: SearchFilters) -> None:
        self.filters = filters
        self.rubric: Rubric | None = project_rubric(project) if filters.bands else None

    def accepts(self, label: str, facets_json: str) -> bool:
        f = self.filters
        if not (f.facets or f.bands):
            return True
        facets = decode_facets(facets_json)
        if f.facets:
            cells = facets.to_export_row()
            for name, want in f.facets:
                if want not in str(cells.get(name, "")).split(";"):
                    return False
        if f.bands:
            assert self.rubric is not None
            if score(label, facets, self.rubric).band not in f.bands:
                return False
        return True


def search(project: Project, query_text: str, *, scope: Scope = "both",
           filters: SearchFilters | None = None, cursor: Cursor | None = None,
           limit: int = PAGE_SIZE) -> SearchPage:
    """One page of hits (raises :class:`QuerySyntaxError` for a malformed query)."""
    if scope not in SCOPES:
        raise ValueError(scope)
    query = parse_query(query_text)
    flt = filters or SearchFilters()
    cur = cursor or Cursor(text_done=scope == "annotations", ann_done=scope == "text")
    matcher = _Matcher(project, flt)
    with project.reading() as session:
        text_hits, text_done = ([], True) if cur.text_done else \
            _text_page(session, query, flt, matcher, cur.text_after, limit)
        ann_hits, ann_done = ([], True) if cur.ann_done else \
            _annotation_page(session, query, flt, matcher, cur.ann_after, limit)
    merged = sorted(text_hits + ann_hits, key=lambda h: h.key)[:limit]
    # Each stream advances only past what this page shows, so nothing is skipped.
    last = merged[-1].key if merged else None
    t_used = [h for h in text_hits if last is not None and h.key <= last]
    a_used = [h for h in ann_hits if last is not None and h.key <= last]
    new = Cursor(
        text_after=t_used[-1].key if t_used else cur.text_after,
        text_done=text_done and len(t_used) == len(text_hits),
        ann_after=a_used[-1].key if a_used else cur.ann_after,
        ann_done=ann_done and len(a_used) == len(ann_hits),
    )
    return SearchPage(merged, None if new.text_done and new.ann_done else new)


def iter_hits(project: Project, query_text: str, *, scope: Scope = "both",
              filters: SearchFilters | None = None, page: int = 500) -> Iterator[Hit]:
    """Every hit, page by page (CLI and CSV export)."""
    cursor: Cursor | None = None
    while True:
        result = search(project, query_text, scope=scope, filters=filters, cursor=cursor,
                        limit=page)
        yield from result.hits
        if result.cursor is None:
            return
        cursor = result.cursor


# --- text hits -------------------------------------------------------------------

def _text_page(session: Session, query: Query, flt: SearchFilters, matcher: _Matcher,
               after: Key | None, limit: int) -> tuple[list[Hit], bool]:
    """Text hits after ``after`` in order; True when the stream is exhausted."""
    hits: list[Hit] = []
    cursor = (after[0], after[1]) if after else None
    while True:
        found, exhausted = _text_candidates(session, query, flt, cursor, limit - len(hits))
        containing = search_crud.containing_annotations(
            session=session,
            hits=[(row.article_id, k[0], k[1]) for row, kwic in found for k in kwic],
            annotations=flt.annotations())
        for row, kwic in found:
            hits.extend(_place_text_hits(row, kwic, containing, flt, matcher))
        if exhausted or len(hits) >= limit or not found:
            return hits, exhausted
        # filters dropped some hits: go on after the last one looked at
        cursor = (found[-1][0].article_id, found[-1][1][-1][0])


def _text_candidates(session: Session, query: Query, flt: SearchFilters,
                     after: tuple[int, int] | None, wanted: int
                     ) -> tuple[list[tuple[search_crud.TextRow, list[KwicHit]]], bool]:
    """Up to ``wanted`` located hits (with their context) after ``after``, by article."""
    found: list[tuple[search_crud.TextRow, list[KwicHit]]] = []
    rows = search_crud.iter_text_rows(session=session, query=query,
                                      from_article=after[0] if after else 0,
                                      articles=flt.articles())
    try:
        for row in rows:
            if row.marked is not None:
                kwic = kwic_from_highlight(row.marked, CONTEXT_CHARS)
            else:
                kwic = kwic_from_spans(row.text or "", locate(query, row.text or ""),
                                       CONTEXT_CHARS)
            if after and row.article_id == after[0]:
                kwic = [k for k in kwic if k[0] > after[1]]
            if not kwic:
                continue
            found.append((row, kwic[:wanted]))
            wanted -= len(found[-1][1])
            if wanted <= 0:
                return found, False
        return found, True
    finally:
        rows.close()


def _innermost(around: list[search_crud.SpanRow]) -> search_crud.SpanRow | None:
    best = None
    for a in around:
        if best is None or (a.end - a.start, a.start, a.annotation_id) < \
                (best.end - best.start, best.start, best.annotation_id):
            best = a
    return best


def _place_text_hits(row: search_crud.TextRow, kwic: list[KwicHit],
                     containing: dict[tuple[int, int, int], list[search_crud.SpanRow]],
                     flt: SearchFilters, matcher: _Matcher) -> list[Hit]:
    """Text hits with the innermost (filter-matching) annotation containing each."""
    out = []
    aid, title, outlet, published = row.article_id, row.title, row.outlet, row.published
    rubric_filters = bool(flt.facets or flt.bands)
    for s, e, body, left, right in kwic:
        around = containing.get((aid, s, e), [])
        if rubric_filters:
            around = [a for a in around if matcher.accepts(a.label, a.facets)]
        inner = _innermost(around)
        if inner is None:
            if flt.on_annotations:
                continue
            out.append(Hit(aid, s, e, body, left, right, "text", None, None, None,
                           title, outlet, published))
        else:
            out.append(Hit(aid, s, e, body, left, right, "text", inner.annotation_id,
                           inner.label, inner.annotator, title, outlet, published))
    return out


# --- annotation hits -------------------------------------------------------------

def _annotation_page(session: Session, query: Query, flt: SearchFilters, matcher: _Matcher,
                     after: Key | None, limit: int) -> tuple[list[Hit], bool]:
    hits: list[Hit] = []
    sql_after = (after[0], after[1], after[3]) if after else None
    inclusive = True  # the annotation the cursor is in may have hits left
    while True:
        rows = search_crud.annotation_rows(session=session, query=query, after=sql_after,
                                           inclusive=inclusive, limit=limit,
                                           articles=flt.articles(),
                                           annotations=flt.annotations())
        for row in rows:
            if matcher.accepts(row.label, row.facets):
                hits.extend(h for h in _annotation_hits(query, row)
                            if after is None or h.key > after)
        if len(rows) < limit:
            return hits, True
        if len(hits) >= limit:
            return hits, False
        last = rows[-1]
        sql_after, inclusive = (last.article_id, last.start, last.annotation_id), False


def _annotation_hits(query: Query, row: search_crud.AnnotationRow) -> list[Hit]:
    fields = (("claim", row.claim, row.start), ("mention", row.mention, row.source_start),
              ("note", row.note, None))
    out: list[Hit] = []
    for (name, body, base), marked in zip(fields, row.marked, strict=True):
        if not body:
            continue
        exact = marked is not None and \
            len(marked) - marked.count(HIT_OPEN) - marked.count(HIT_CLOSE) == len(body)
        spans = offsets_from_highlight(marked) if exact and marked is not None \
            else locate(query, body)
        for s, e in spans:
            if base is None:  # a note: context from the note itself
                left, right = _context(body, s, e)
                out.append(Hit(row.article_id, row.start, row.end, body[s:e], left, right,
                               "note", row.annotation_id, row.label, row.annotator, row.title,
                               row.outlet, row.published, hit_start=s,
                               annotation_start=row.start))
                continue
            a_s, a_e = base + s, base + e
            w_s, w_e = a_s - row.window_start, a_e - row.window_start
            left, right = _context(row.window, w_s, w_e)
            out.append(Hit(row.article_id, a_s, a_e, row.window[w_s:w_e], left, right, name,
                           row.annotation_id, row.label, row.annotator, row.title, row.outlet,
                           row.published, annotation_start=row.start))
    return out


# --- output ----------------------------------------------------------------------

def hits_csv(hits: Iterable[Hit], out: TextIO | None = None) -> str:
    """CSV (RFC 4180, header row) of hits with :data:`HIT_COLUMNS`."""
    from annotator.domain.csv_safety import neutralise

    buf = out if out is not None else io.StringIO()
    writer = csv.writer(buf)  # type: ignore[arg-type]
    writer.writerow(HIT_COLUMNS)
    for hit in hits:
        writer.writerow([neutralise(v) if isinstance(v, str) else ("" if v is None else v)
                         for v in (getattr(hit, c) for c in HIT_COLUMNS)])
    return buf.getvalue() if isinstance(buf, io.StringIO) else ""


__all__ = ["SCOPES", "Cursor", "Hit", "SearchFilters", "SearchPage", "hits_csv", "iter_hits",
           "search"]
