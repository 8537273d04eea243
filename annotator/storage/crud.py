"""Keyword-only data-access functions; each takes the session it works in.

Functions return domain records (``annotator.domain.model``), never ORM rows, so
nothing above this layer can lazily hit the database by accident. Bulk reads use
SQLAlchemy Core tuples: loading 50k annotations must stay in the tens of ms.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import case, delete, func, select, tuple_, update
from sqlmodel import Session

from annotator.domain.display import single_line
from annotator.domain.model import Annotation, Article, ArticleSummary, Label, utc_now_iso
from annotator.storage.tables import AnnotationEventRow, AnnotationRow, ArticleRow, LabelRow

_A = AnnotationRow.__table__.c  # type: ignore[attr-defined]
_ART = ArticleRow.__table__.c  # type: ignore[attr-defined]
_L = LabelRow.__table__.c  # type: ignore[attr-defined]

ANNOTATION_COLUMNS = (
    _A.id, _A.article_id, _A.annotator, _A.label, _A.start, _A.end, _A.text, _A.prefix,
    _A.suffix, _A.source_start, _A.source_end, _A.note, _A.created_at, _A.updated_at,
    _A.facets, _A.version, _A.reviewed_by, _A.reviewed_at, _A.origin_id,
)


def _annotation(row: Sequence[object]) -> Annotation:
    return Annotation(*row)  # type: ignore[arg-type]


# --- labels ---------------------------------------------------------------

def list_labels(*, session: Session) -> list[Label]:
    rows = session.execute(
        select(_L.key, _L.name, _L.color, _L.position, _L.description, _L.example, _L.retired)
        .order_by(_L.position)
    ).all()
    return [Label(*row) for row in rows]


def add_labels(*, session: Session, labels: Iterable[Label]) -> None:
    for label in labels:
        session.add(
            LabelRow(key=label.key, name=label.name, color=label.color, position=label.position,
                     description=label.description, example=label.example,
                     retired=label.retired)
        )


# --- articles -------------------------------------------------------------

def add_article(
    *, session: Session, title: str, text: str, sha256: str, imported_at: str,
    outlet: str = "", url: str = "", published: str = "", original_filename: str = "",
) -> int:
    title = single_line(title)[:300] or "Untitled"  # one line, whoever imports
    row = ArticleRow(title=title, text=text, sha256=sha256, imported_at=imported_at,
                     outlet=outlet, url=url, published=published,
                     original_filename=original_filename)
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def find_article_by_hash(*, session: Session, sha256: str) -> int | None:
    return session.execute(
        select(_ART.id).where(_ART.sha256 == sha256).order_by(_ART.id).limit(1)
    ).scalar()


def get_article(*, session: Session, article_id: int) -> Article | None:
    row = session.execute(
        select(_ART.id, _ART.title, _ART.outlet, _ART.url, _ART.published, _ART.text,
               _ART.sha256, _ART.original_filename, _ART.imported_at)
        .where(_ART.id == article_id)
    ).first()
    return Article(*row) if row else None


def get_article_head(*, session: Session, article_id: int) -> tuple[Any, ...] | None:
    """Everything of an article but its text: ``(id, title, outlet, url, published,
    sha256, original_filename, imported_at)``. The sha256 names the text (it is never
    rewritten), so a caller holding that text need not read the megabyte again."""
    row = session.execute(
        select(_ART.id, _ART.title, _ART.outlet, _ART.url, _ART.published, _ART.sha256,
               _ART.original_filename, _ART.imported_at)
        .where(_ART.id == article_id)
    ).first()
    return tuple(row) if row else None


def list_articles(*, session: Session,
                  anonymous_labels: Sequence[str] = ()) -> list[ArticleSummary]:
    """Every article with its annotation count (and how many rest on an
    ``anonymous_labels`` source), in id order; one grouped scan of the annotations."""
    anon = (func.sum(case((_A.label.in_(list(anonymous_labels)), 1), else_=0))
            if anonymous_labels else func.sum(0))
    counts = (
        select(_A.article_id, func.count().label("n"), anon.label("anon"))
        .group_by(_A.article_id).subquery()
    )
    rows = session.execute(
        select(_ART.id, _ART.title, _ART.outlet, func.coalesce(counts.c.n, 0),
               _ART.published, func.coalesce(counts.c.anon, 0))
        .outerjoin(counts, counts.c.article_id == _ART.id)
        .order_by(_ART.id)
    ).all()
    return [ArticleSummary(r[0], r[1], r[2], int(r[3]), r[4], int(r[5])) for r in rows]


# --- annotations ----------------------------------------------------------

def list_annotations(*, session: Session, article_id: int) -> list[Annotation]:
    rows = session.execute(
        select(*ANNOTATION_COLUMNS).where(_A.article_id == article_id)
        .order_by(_A.start, _A.end, _A.id)
    ).all()
    return [Annotation._make(row) for row in rows]


def list_annotations_page(
    *,
    session: Session,
    article_id: int,
    after: tuple[int, int, str] | None = None,
    start_below: int | None = None,
    limit: int | None = None,
) -> list[Annotation]:
    """A slice of an article's annotations in (start, end, id) order.

    ``after`` is a keyset cursor (the last key already read), so paging stays on the
    ``(article_id, start)`` index however deep it goes; ``start_below`` restricts to
    annotations starting before a code point (the first screenful).
    """
    stmt = select(*ANNOTATION_COLUMNS).where(_A.article_id == article_id)
    if after is not None:
        stmt = stmt.where(tuple_(_A.start, _A.end, _A.id) > tuple_(*after))
    if start_below is not None:
        stmt = stmt.where(_A.start < start_below)
    stmt = stmt.order_by(_A.start, _A.end, _A.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    make = Annotation._make
    return [make(row) for row in session.execute(stmt).all()]  # one fetchall



def iter_annotations_sorted(
    *, session: Session, article_id: int, by_annotator: bool = False, batch: int = 5_000
) -> Iterator[Annotation]:
    """An article's annotations in ``sort_key`` order — with ``by_annotator``, grouped by
    annotator first — streamed (``yield_per``): at most ``batch`` rows held.

    Text columns compare in code point order, as Python's ``sorted`` does: SQLite's
    default BINARY collation already does on UTF-8; PostgreSQL gets ``COLLATE "C"``
    (byte order, which UTF-8 keeps) instead of the database's locale.
    """
    ordering: list[Any] = []
    pg = session.get_bind().dialect.name == "postgresql"

    def text_key(column: Any) -> Any:
        return column.collate("C") if pg else column

    if by_annotator:
        ordering.append(text_key(_A.annotator))
    ordering += [_A.start, _A.end, text_key(_A.id)]
    stmt = (select(*ANNOTATION_COLUMNS).where(_A.article_id == article_id)
            .order_by(*ordering).execution_options(yield_per=batch))
    make = Annotation._make
    for part in session.connection().execute(stmt).partitions():
        yield from map(make, part)

def article_span_text(*, session: Session, article_id: int, start: int,
                      end: int) -> tuple[int, str] | None:
    """``(length of the article text, text[start:end])`` computed by the database.

    SQLite's and PostgreSQL's ``substr``/``length`` count characters (code points),
    like our offsets, so a new tag is checked without loading a 1 MB article.
    """
    row = session.execute(
        select(func.length(_ART.text), func.substr(_ART.text, start + 1, max(0, end - start)))
        .where(_ART.id == article_id)
    ).first()
    return (int(row[0]), str(row[1] or "")) if row else None


def annotation_signature(*, session: Session, article_id: int) -> tuple[int, str]:
    """``(count, latest updated_at)`` of an article's annotations: a cheap change check."""
    row = session.execute(
        select(func.count(), func.max(_A.updated_at)).where(_A.article_id == article_id)
    ).first()
    return (int(row[0]), str(row[1] or "")) if row else (0, "")


def latest_event_id(*, session: Session) -> int:
    """The newest audit-trail id (0 if none): where a refresh cursor starts.

    Read *before* loading an article, so anything committed while it loads is seen
    again by the next refresh (applying a change twice is harmless).
    """
    _E = AnnotationEventRow.__table__.c  # type: ignore[attr-defined]  # noqa: N806
    return int(session.execute(select(func.max(_E.id))).scalar() or 0)


def list_article_events_after(*, session: Session, article_id: int,
                              after_id: int) -> list[tuple[int, str]]:
    """``(event id, annotation id)`` of an article's audit events newer than ``after_id``.

    Every stored change (tag, edit, delete, import, merge, review) appends an event in
    the same transaction, so this is the article's change log since the cursor; the
    ``(article_id, id)`` index makes it cost the number of new events, not the
    article's size.
    """
    _E = AnnotationEventRow.__table__.c  # type: ignore[attr-defined]  # noqa: N806
    rows = session.execute(
        select(_E.id, _E.annotation_id)
        .where(_E.article_id == article_id, _E.id > after_id).order_by(_E.id)
    ).all()
    return [(int(r[0]), str(r[1])) for r in rows]


def get_annotations(*, session: Session, ids: Iterable[str],
                    chunk: int = 500) -> dict[str, Annotation]:
    """The stored rows of ``ids`` (primary-key lookups); missing ids were deleted."""
    wanted = list(dict.fromkeys(ids))
    found: dict[str, Annotation] = {}
    for k in range(0, len(wanted), chunk):
        part = wanted[k:k + chunk]
        for row in session.execute(select(*ANNOTATION_COLUMNS).where(_A.id.in_(part))):
            found[row[0]] = Annotation._make(row)
    return found


def get_annotation(*, session: Session, annotation_id: str) -> Annotation | None:
    row = session.execute(select(*ANNOTATION_COLUMNS).where(_A.id == annotation_id)).first()
    return Annotation(*row) if row else None


def insert_annotation(*, session: Session, annotation: Annotation) -> None:
    session.add(AnnotationRow(**annotation._asdict()))
    session.flush()


def insert_annotations(*, session: Session, annotations: Iterable[Annotation]) -> int:
    """Bulk insert (Core ``executemany``): used by imports and benchmarks."""
    batch = [a._asdict() for a in annotations]
    if batch:
        session.execute(AnnotationRow.__table__.insert(), batch)  # type: ignore[attr-defined]
    return len(batch)


def update_annotation(*, session: Session, annotation: Annotation,
                      expected_version: int) -> bool:
    """Write ``annotation`` if the stored version is still ``expected_version``.

    A conditional UPDATE, so two writers racing on a server database cannot both win:
    the loser sees ``False`` (no row matched) and nothing is overwritten.
    """
    values = annotation._asdict()
    del values["id"]
    result = session.execute(
        update(AnnotationRow.__table__)  # type: ignore[attr-defined]
        .where(_A.id == annotation.id, _A.version == expected_version)
        .values(**values)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def delete_annotation(*, session: Session, annotation_id: str, version: int | None = None) -> bool:
    stmt = delete(AnnotationRow.__table__).where(_A.id == annotation_id)  # type: ignore[attr-defined]
    if version is not None:
        stmt = stmt.where(_A.version == version)
    return bool(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def add_event(*, session: Session, annotation: Annotation, actor: str, action: str,
              detail: dict[str, Any], at: str | None = None) -> None:
    session.add(AnnotationEventRow(
        annotation_id=annotation.id, article_id=annotation.article_id,
        at=at or utc_now_iso(), actor=actor, action=action,
        detail=json.dumps(detail, ensure_ascii=False, default=str),
    ))


def list_events(*, session: Session, annotation_id: str) -> list[tuple[str, str, str, str]]:
    """``(at, actor, action, detail_json)`` for one annotation, oldest first."""
    _E = AnnotationEventRow.__table__.c  # type: ignore[attr-defined]  # noqa: N806
    rows = session.execute(
        select(_E.at, _E.actor, _E.action, _E.detail)
        .where(_E.annotation_id == annotation_id).order_by(_E.id)
    ).all()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def iter_article_texts(
    *, session: Session, article_id: int | None = None
) -> Iterator[tuple[int, str, str]]:
    """``(id, title, text)`` of every article (or one), in id order."""
    stmt = select(_ART.id, _ART.title, _ART.text).order_by(_ART.id)
    if article_id is not None:
        stmt = stmt.where(_ART.id == article_id)
    for row in session.execute(stmt):
        yield row[0], row[1], row[2]


def list_article_titles(
    *, session: Session, article_id: int | None = None
) -> list[tuple[int, str]]:
    """``(id, title)`` of every article (or one), in id order (no texts loaded)."""
    stmt = select(_ART.id, _ART.title).order_by(_ART.id)
    if article_id is not None:
        stmt = stmt.where(_ART.id == article_id)
    return [(row[0], row[1]) for row in session.execute(stmt)]


def article_text(*, session: Session, article_id: int) -> str:
    """One article's stored text ("" if there is no such article)."""
    text = session.execute(select(_ART.text).where(_ART.id == article_id)).scalar()
    return text or ""


EXPORT_COLUMNS = (
    _A.id, _A.annotator, _L.name, _A.start, _A.end, _A.text, _A.source_start, _A.source_end,
    _A.note, _A.created_at, _A.updated_at, _A.label, _A.facets,
)


def iter_export_batches(
    *, session: Session, article_id: int, batch: int = 5_000
) -> Iterator[Sequence[Any]]:
    """One article's annotations for export (:data:`EXPORT_COLUMNS`), ordered by start,
    as lists of at most ``batch`` rows.

    Executed on the session's Core connection, streamed (``yield_per``): plain rows,
    no ORM result processing per row, at most one batch in memory.
    """
    stmt = (select(*EXPORT_COLUMNS).join(LabelRow, _L.key == _A.label)
            .where(_A.article_id == article_id)
            .order_by(_A.start, _A.end, _A.id)
            .execution_options(yield_per=batch))
    yield from session.connection().execute(stmt).partitions()
