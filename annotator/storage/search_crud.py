"""Full-text queries: the engines pick the rows, in keyset order; nothing is scanned here.

SQLite rows come with FTS5 ``highlight()`` output (hit markers at the tokenizer's own
token boundaries) so hits are located exactly as the engine matched them; PostgreSQL
rows come with the plain text for :func:`annotator.domain.search_query.locate`.
Article-side filters (outlet, date range) and annotation-side filters (label,
annotator, reviewed layer) are SQL; facet and strength-band filters are applied by the
service, which knows the rubric.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import bindparam, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from annotator.domain.errors import UserInputError
from annotator.domain.model import REVIEWED_LAYER
from annotator.domain.search_query import (
    HIT_CLOSE,
    HIT_OPEN,
    Query,
    Term,
    highlight_is_clean,
    term_tsquery_text,
    to_fts5,
    to_tsquery_text,
)

CONTEXT_WINDOW = 120
"""Code points of article text fetched either side of an annotation hit (for KWIC)."""


@dataclass(frozen=True)
class ArticleFilter:
    outlet: str | None = None
    date_from: str | None = None
    date_to: str | None = None


@dataclass(frozen=True)
class AnnotationFilter:
    labels: tuple[str, ...] = ()
    annotators: tuple[str, ...] = ()
    reviewed: bool | None = None

    @property
    def active(self) -> bool:
        return bool(self.labels or self.annotators or self.reviewed is not None)


class TextRow(NamedTuple):
    article_id: int
    title: str
    outlet: str
    published: str
    text: str | None
    """The article text where hits must be located in Python (PostgreSQL, and a text
    containing a marker), else None."""
    marked: str | None
    """highlight() output (SQLite), None where hits must be located in ``text``."""


@dataclass(frozen=True)
class AnnotationRow:
    annotation_id: str
    article_id: int
    annotator: str
    label: str
    start: int
    end: int
    claim: str
    note: str
    source_start: int | None
    source_end: int | None
    facets: str
    title: str
    outlet: str
    published: str
    window_start: int
    window: str
    """Article text ``[window_start, …)`` around the claim and its mention."""
    marked: tuple[str | None, str | None, str | None]
    """highlight() of claim, mention and note (SQLite); Nones on PostgreSQL."""
    mention: str


def _article_where(f: ArticleFilter, params: dict[str, object], alias: str) -> str:
    out = []
    if f.outlet:
        out.append(f"{alias}.outlet = :outlet")
        params["outlet"] = f.outlet
    if f.date_from:
        out.append(f"{alias}.published >= :date_from")
        params["date_from"] = f.date_from
    if f.date_to:
        out.append(f"substr({alias}.published, 1, {len(f.date_to)}) <= :date_to")
        params["date_to"] = f.date_to
    return "".join(f" AND {c}" for c in out)


def _annotation_where(f: AnnotationFilter, params: dict[str, object], alias: str) -> str:
    out = []
    if f.labels:
        names = [f"lab{i}" for i in range(len(f.labels))]
        out.append(f"{alias}.label IN ({', '.join(':' + n for n in names)})")
        params.update(zip(names, f.labels, strict=True))
    if f.annotators:
        names = [f"who{i}" for i in range(len(f.annotators))]
        out.append(f"{alias}.annotator IN ({', '.join(':' + n for n in names)})")
        params.update(zip(names, f.annotators, strict=True))
    if f.reviewed is not None:
        out.append(f"{alias}.annotator {'=' if f.reviewed else '<>'} :reviewed_layer")
        params["reviewed_layer"] = REVIEWED_LAYER
    return "".join(f" AND {c}" for c in out)


def _run(session: Session, sql: str, params: dict[str, object]) -> Sequence[Sequence[object]]:
    try:
        return session.execute(text(sql), params).all()
    except DBAPIError as exc:
        raise _refused(session, exc) from None


def _sqlite_rows(session: Session, sql: str, params: dict[str, object]
                 ) -> Iterator[tuple[Any, ...]]:
    """Step a statement on the session's own SQLite connection (same transaction),
    without SQLAlchemy's per-row result processing: the hot path of a search page.
    Errors surface as :class:`DBAPIError` like any other statement."""
    import sqlite3

    raw = session.connection().connection.driver_connection
    try:
        cursor = raw.execute(sql, params)  # type: ignore[union-attr]
    except sqlite3.Error as exc:
        raise DBAPIError(sql, params, exc) from None
    try:
        yield from cursor
    except sqlite3.Error as exc:
        raise DBAPIError(sql, params, exc) from None
    finally:
        cursor.close()


def _refused(session: Session, exc: DBAPIError) -> UserInputError:
    session.rollback()
    first = str(getattr(exc, "orig", exc)).splitlines()[0]
    return UserInputError(f"the search engine refused the query ({first})")


def iter_text_rows(*, session: Session, query: Query, from_article: int,
                   articles: ArticleFilter, batch: int = 16) -> Generator[TextRow, None, None]:
    """Matching articles with id ≥ ``from_article``, in id order, read lazily.

    SQLite steps one statement row by row (FTS5 yields rowids in order, so nothing is
    sorted and ``highlight()`` runs only for the rows the caller takes); PostgreSQL
    pages by keyset ``batch`` articles at a time.
    """
    params: dict[str, object] = {"from_article": from_article}
    where = _article_where(articles, params, "a")
    if session.get_bind().dialect.name == "sqlite":
        params.update(q=to_fts5(query), open=HIT_OPEN, close=HIT_CLOSE)
        sql = ("SELECT a.id, a.title, a.outlet, a.published, "
               "highlight(article_fts, 0, :open, :close), length(a.text) "
               "FROM article_fts CROSS JOIN article a ON a.id = article_fts.rowid "
               f"WHERE article_fts MATCH :q AND article_fts.rowid >= :from_article{where} "
               "ORDER BY article_fts.rowid")
        try:
            for aid, title, outlet, published, marked, length in _sqlite_rows(
                    session, sql, params):
                if highlight_is_clean(marked, length):
                    yield TextRow(aid, title, outlet, published, None, marked)
                else:  # the text itself contains a marker: locate hits in Python
                    plain = str(session.execute(text("SELECT text FROM article WHERE id = :i"),
                                                {"i": aid}).scalar())
                    yield TextRow(aid, title, outlet, published, plain, None)
        except DBAPIError as exc:
            raise _refused(session, exc) from None
        return
    params["limit"] = batch
    sql = ("SELECT a.id, a.title, a.outlet, a.published, a.text FROM article a "
           f"WHERE a.id IN ({_pg_matching_articles(query, params)}) "
           f"AND a.id >= :from_article{where} ORDER BY a.id LIMIT :limit")
    while True:
        got = _run(session, sql, params)
        for r in got:
            yield TextRow(int(str(r[0])), str(r[1]), str(r[2]), str(r[3]), str(r[4]), None)
        if len(got) < batch:
            return
        params["from_article"] = int(str(got[-1][0])) + 1


def _pg_matching_articles(query: Query, params: dict[str, object]) -> str:
    """The ids of the articles matching ``query`` as one document, over their chunks.

    An article is indexed in chunks (``article_search_chunk``): each word or phrase is
    matched against the chunks, and the query's AND / NOT / OR are set operations on
    article ids (INTERSECT / EXCEPT / UNION), so "Qatar Egypt" finds an article with
    Qatar in its first chunk and Egypt in its last, and "-Hamas" excludes an article
    with Hamas in any chunk.
    """
    def term_ids(term: Term) -> str:
        name = f"t{len(params)}"
        params[name] = term_tsquery_text(term)
        return (f"SELECT article_id FROM article_search_chunk "
                f"WHERE doc @@ to_tsquery('simple', :{name})")

    clauses = []
    for clause in query.clauses:
        expr = " INTERSECT ".join(term_ids(t) for t in clause if not t.negated)
        for t in clause:
            if t.negated:
                expr = f"({expr}) EXCEPT ({term_ids(t)})"
        clauses.append(f"({expr})")
    return " UNION ".join(clauses)


def annotation_rows(*, session: Session, query: Query,
                    after: tuple[int, int, str] | None, limit: int, inclusive: bool = False,
                    articles: ArticleFilter, annotations: AnnotationFilter,
                    ) -> list[AnnotationRow]:
    """Annotations whose claim, mention or note match, in (article, start, id) order.

    Two statements: the match, sorted and limited, reads only annotation rows (and the
    article row when an article filter asks for it); the article text around the page's
    annotations (KWIC windows, mention text) is then cut for those rows only.
    """
    params: dict[str, object] = {"limit": limit}
    sqlite = session.get_bind().dialect.name == "sqlite"
    ident = "a.id" if sqlite else 'a.id COLLATE "C"'  # byte order, as Python sorts ids
    art_where = _article_where(articles, params, "ar")
    where = art_where + _annotation_where(annotations, params, "a")
    join_article = " JOIN article ar ON ar.id = a.article_id" if art_where else ""
    if after is not None:
        where += (" AND (a.article_id > :k_art OR (a.article_id = :k_art AND "
                  f"(a.start > :k_start OR (a.start = :k_start AND {ident} "
                  f"{'>=' if inclusive else '>'} :k_id))))")
        params.update(k_art=after[0], k_start=after[1], k_id=after[2])
    cols = ('a.id, a.article_id, a.annotator, a.label, a.start, a."end", a.text, a.note, '
            "a.source_start, a.source_end, a.facets")
    order = f"ORDER BY a.article_id, a.start, {ident} LIMIT :limit"
    if sqlite:
        params.update(q=to_fts5(query), open=HIT_OPEN, close=HIT_CLOSE)
        sql = (f"SELECT {cols}, highlight(annotation_fts, 0, :open, :close), "
               "highlight(annotation_fts, 1, :open, :close), "
               "highlight(annotation_fts, 2, :open, :close) "
               "FROM annotation_fts CROSS JOIN annotation a ON a.rowid = annotation_fts.rowid"
               f"{join_article} WHERE annotation_fts MATCH :q{where} {order}")
    else:
        params["q"] = to_tsquery_text(query)
        sql = (f"SELECT {cols}, NULL, NULL, NULL FROM annotation_search s "
               f"JOIN annotation a ON a.id = s.annotation_id{join_article} "
               f"WHERE s.doc @@ to_tsquery('simple', :q){where} {order}")
    rows = _run(session, sql, params)
    context = _annotation_context(session, [str(r[0]) for r in rows])
    out = []
    for r in rows:
        title, outlet, published, w0, window, mention = context[str(r[0])]
        marks = tuple(None if m is None else str(m) for m in r[11:14])
        out.append(AnnotationRow(
            str(r[0]), int(str(r[1])), str(r[2]), str(r[3]), int(str(r[4])), int(str(r[5])),
            str(r[6]), str(r[7]), None if r[8] is None else int(str(r[8])),
            None if r[9] is None else int(str(r[9])), str(r[10]), title, outlet, published,
            w0, window, (marks[0], marks[1], marks[2]), mention))
    return out


def _annotation_context(session: Session, ids: Sequence[str]
                        ) -> dict[str, tuple[str, str, str, int, str, str]]:
    """``(title, outlet, published, window start, window, mention)`` per annotation."""
    if not ids:
        return {}
    lo = ("CASE WHEN a.source_start IS NOT NULL AND a.source_start < a.start "
          "THEN a.source_start ELSE a.start END")
    hi = ('CASE WHEN a.source_end IS NOT NULL AND a.source_end > a."end" '
          'THEN a.source_end ELSE a."end" END')
    win_start = f"(CASE WHEN {lo} > :w THEN {lo} - :w ELSE 0 END)"
    mention = ("CASE WHEN a.source_start IS NULL OR a.source_end IS NULL THEN '' ELSE "
               "substr(ar.text, a.source_start + 1, a.source_end - a.source_start) END")
    rows = session.execute(text(
        f"SELECT a.id, ar.title, ar.outlet, ar.published, {win_start}, "
        f"substr(ar.text, {win_start} + 1, {hi} + :w - {win_start}), {mention} "
        "FROM annotation a JOIN article ar ON ar.id = a.article_id WHERE a.id IN :ids"
    ).bindparams(bindparam("ids", expanding=True)), {"ids": list(ids), "w": CONTEXT_WINDOW})
    return {str(r[0]): (str(r[1]), str(r[2]), str(r[3]), int(r[4]), str(r[5] or ""),
                        str(r[6] or "")) for r in rows}


class SpanRow(NamedTuple):
    """An annotation around a text hit (a tuple: a page builds a few hundred)."""

    annotation_id: str
    annotator: str
    label: str
    start: int
    end: int
    facets: str


def containing_annotations(*, session: Session, hits: Sequence[tuple[int, int, int]],
                           annotations: AnnotationFilter
                           ) -> dict[tuple[int, int, int], list[SpanRow]]:
    """For each text hit ``(article, start, end)``, the (filtered) annotations containing
    it: one query (the hits passed as one JSON parameter), a range scan on
    ``(article_id, start)`` per hit, few rows back."""
    out: dict[tuple[int, int, int], list[SpanRow]] = {h: [] for h in hits}
    if not hits:
        return out
    params: dict[str, object] = {"hits": json.dumps([list(h) for h in hits])}
    where = _annotation_where(annotations, params, "a")
    if session.get_bind().dialect.name == "sqlite":
        source = ("SELECT json_extract(value, '$[0]') AS aid, json_extract(value, '$[1]') AS hs,"
                  " json_extract(value, '$[2]') AS he FROM json_each(:hits)")
    else:
        source = ("SELECT (v->>0)::int AS aid, (v->>1)::int AS hs, (v->>2)::int AS he "
                  "FROM jsonb_array_elements(CAST(:hits AS jsonb)) AS v")
    sql = (f"WITH h AS MATERIALIZED ({source}) "
           f'SELECT h.aid, h.hs, h.he, a.id, a.annotator, a.label, a.start, a."end", a.facets '
           f"FROM h JOIN annotation a ON a.article_id = h.aid AND a.start <= h.hs "
           f'AND a."end" >= h.he{where}')
    if session.get_bind().dialect.name == "sqlite":
        rows: Any = _sqlite_rows(session, sql, params)
    else:
        rows = session.execute(text(sql), params)
    for aid, hs, he, *span in rows:
        out[(aid, hs, he)].append(SpanRow._make(span))
    return out


def index_health(*, session: Session) -> str:
    """``ok`` or the engine's complaint (tests and diagnostics)."""
    if session.get_bind().dialect.name != "sqlite":
        return "ok"
    try:
        session.execute(text(
            "INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 1)"))
        session.execute(text(
            "INSERT INTO annotation_fts(annotation_fts, rank) VALUES ('integrity-check', 1)"))
    except DBAPIError as exc:
        session.rollback()
        return str(getattr(exc, "orig", exc))
    return "ok"
