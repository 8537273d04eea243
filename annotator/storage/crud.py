"""Keyword-only data-access functions; each takes the session it works in.

Functions return domain records (``annotator.domain.model``), never ORM rows, so
nothing above this layer can lazily hit the database by accident. Bulk reads use
SQLAlchemy Core tuples: loading 50k annotations must stay in the tens of ms.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from annotator.domain.model import Annotation, Article, ArticleSummary, Label
from annotator.storage.tables import AnnotationRow, ArticleRow, LabelRow

_A = AnnotationRow.__table__.c  # type: ignore[attr-defined]
_ART = ArticleRow.__table__.c  # type: ignore[attr-defined]
_L = LabelRow.__table__.c  # type: ignore[attr-defined]

ANNOTATION_COLUMNS = (
    _A.id, _A.article_id, _A.annotator, _A.label, _A.start, _A.end, _A.text, _A.prefix,
    _A.suffix, _A.source_start, _A.source_end, _A.note, _A.created_at, _A.updated_at,
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


def list_articles(*, session: Session) -> list[ArticleSummary]:
    counts = (
        select(_A.article_id, func.count().label("n")).group_by(_A.article_id).subquery()
    )
    rows = session.execute(
        select(_ART.id, _ART.title, _ART.outlet, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.article_id == _ART.id)
        .order_by(_ART.id)
    ).all()
    return [ArticleSummary(*row) for row in rows]


# --- annotations ----------------------------------------------------------

def list_annotations(*, session: Session, article_id: int) -> list[Annotation]:
    rows = session.execute(
        select(*ANNOTATION_COLUMNS).where(_A.article_id == article_id)
        .order_by(_A.start, _A.end, _A.id)
    ).all()
    return [Annotation._make(row) for row in rows]


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


def update_annotation(*, session: Session, annotation: Annotation) -> None:
    row = session.get(AnnotationRow, annotation.id)
    if row is None:
        raise LookupError(f"annotation {annotation.id} no longer exists")
    for key, value in annotation._asdict().items():
        setattr(row, key, value)
    session.flush()


def delete_annotation(*, session: Session, annotation_id: str) -> None:
    row = session.get(AnnotationRow, annotation_id)
    if row is None:
        raise LookupError(f"annotation {annotation_id} no longer exists")
    session.delete(row)
    session.flush()


def iter_article_texts(
    *, session: Session, article_id: int | None = None
) -> Iterator[tuple[int, str, str]]:
    """``(id, title, text)`` of every article (or one), in id order."""
    stmt = select(_ART.id, _ART.title, _ART.text).order_by(_ART.id)
    if article_id is not None:
        stmt = stmt.where(_ART.id == article_id)
    for row in session.execute(stmt):
        yield row[0], row[1], row[2]


EXPORT_COLUMNS = (
    _A.id, _A.annotator, _L.name, _A.start, _A.end, _A.text, _A.source_start, _A.source_end,
    _A.note, _A.created_at, _A.updated_at,
)


def iter_export_rows(
    *, session: Session, article_id: int, batch: int = 10_000
) -> Iterator[tuple[Any, ...]]:
    """One article's annotations for export, ordered by start, streamed in batches."""
    result = session.execute(
        select(*EXPORT_COLUMNS).join(LabelRow, _L.key == _A.label)
        .where(_A.article_id == article_id)
        .order_by(_A.start, _A.end, _A.id)
        .execution_options(yield_per=batch)
    )
    yield from result
