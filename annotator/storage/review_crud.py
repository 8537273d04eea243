"""Data access for review (comment threads, review events) and offline merge.

Same conventions as :mod:`annotator.storage.crud`: keyword-only functions taking the
session they work in, returning plain records or tuples, never ORM rows. Lookups of
many ids are chunked so they stay under every backend's bound-parameter limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from annotator.domain.model import Annotation, Article
from annotator.storage.crud import ANNOTATION_COLUMNS
from annotator.storage.tables import (
    AnnotationEventRow,
    AnnotationRow,
    ArticleRow,
    LabelRow,
    ReviewCommentRow,
)

_A = AnnotationRow.__table__.c  # type: ignore[attr-defined]
_ART = ArticleRow.__table__.c  # type: ignore[attr-defined]
_L = LabelRow.__table__.c  # type: ignore[attr-defined]
_E = AnnotationEventRow.__table__.c  # type: ignore[attr-defined]
_C = ReviewCommentRow.__table__.c  # type: ignore[attr-defined]

CHUNK = 500
"""Ids per ``IN (...)`` list: far below SQLite's and PostgreSQL's parameter limits."""

CommentTuple = tuple[str, str, int, str, str, str, str]
"""``(id, annotation_id, article_id, author, kind, body, created_at)``."""

EventTuple = tuple[str, int, str, str, str, str]
"""``(annotation_id, article_id, at, actor, action, detail_json)``."""

_COMMENT_COLUMNS = (_C.id, _C.annotation_id, _C.article_id, _C.author, _C.kind, _C.body,
                    _C.created_at)
_EVENT_COLUMNS = (_E.annotation_id, _E.article_id, _E.at, _E.actor, _E.action, _E.detail)


def _chunks(ids: Iterable[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in dict.fromkeys(ids):
        batch.append(item)
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


# --- locking and bulk reads -------------------------------------------------

def lock_article(*, session: Session, article_id: int) -> bool:
    """Serialise review writes on one article (``SELECT ... FOR UPDATE`` on servers).

    SQLite has a single writer anyway, and SQLAlchemy renders no ``FOR UPDATE`` there.
    Returns whether the article exists.
    """
    row = session.execute(
        select(_ART.id).where(_ART.id == article_id).with_for_update()
    ).first()
    return row is not None


def get_annotations(*, session: Session, annotation_ids: Iterable[str]) -> dict[str, Annotation]:
    """The stored annotations among ``annotation_ids``, by id (missing ids are absent)."""
    out: dict[str, Annotation] = {}
    for batch in _chunks(annotation_ids):
        for row in session.execute(select(*ANNOTATION_COLUMNS).where(_A.id.in_(batch))):
            ann = Annotation._make(row)
            out[ann.id] = ann
    return out


def list_full_articles(*, session: Session) -> list[Article]:
    rows = session.execute(
        select(_ART.id, _ART.title, _ART.outlet, _ART.url, _ART.published, _ART.text,
               _ART.sha256, _ART.original_filename, _ART.imported_at).order_by(_ART.id)
    ).all()
    return [Article(*row) for row in rows]


def list_all_annotations(*, session: Session) -> list[Annotation]:
    rows = session.execute(
        select(*ANNOTATION_COLUMNS).order_by(_A.article_id, _A.start, _A.end, _A.id)
    ).all()
    return [Annotation._make(row) for row in rows]


def max_label_position(*, session: Session) -> int:
    return int(session.execute(select(func.max(_L.position))).scalar() or 0)


# --- audit events -------------------------------------------------------------

def events_for(*, session: Session, annotation_ids: Iterable[str],
               actions: Sequence[str] | None = None) -> list[EventTuple]:
    """Events of the given annotations (optionally only some actions), oldest first."""
    out: list[tuple[int, EventTuple]] = []
    for batch in _chunks(annotation_ids):
        stmt = select(_E.id, *_EVENT_COLUMNS).where(_E.annotation_id.in_(batch))
        if actions is not None:
            stmt = stmt.where(_E.action.in_(list(actions)))
        out.extend((row[0], (row[1], row[2], row[3], row[4], row[5], row[6]))
                   for row in session.execute(stmt))
    out.sort(key=lambda pair: pair[0])
    return [event for _, event in out]


def article_events(*, session: Session, article_id: int,
                   actions: Sequence[str]) -> list[EventTuple]:
    """Events of one article's annotations with one of ``actions``, oldest first."""
    rows = session.execute(
        select(*_EVENT_COLUMNS)
        .where(_E.article_id == article_id, _E.action.in_(list(actions)))
        .order_by(_E.id)
    ).all()
    return [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]


def insert_events(*, session: Session, events: Iterable[EventTuple]) -> int:
    batch = [
        {"annotation_id": ann_id, "article_id": article_id, "at": at, "actor": actor,
         "action": action, "detail": detail}
        for ann_id, article_id, at, actor, action, detail in events
    ]
    if batch:
        session.execute(AnnotationEventRow.__table__.insert(), batch)  # type: ignore[attr-defined]
    return len(batch)


# --- review comments --------------------------------------------------------------

def add_comment(*, session: Session, comment_id: str, annotation_id: str, article_id: int,
                author: str, kind: str, body: str, created_at: str) -> None:
    session.add(ReviewCommentRow(id=comment_id, annotation_id=annotation_id,
                                 article_id=article_id, author=author, kind=kind, body=body,
                                 created_at=created_at))
    session.flush()


def _comment(row: Sequence[Any]) -> CommentTuple:
    return (row[0], row[1], row[2], row[3], row[4], row[5], row[6])


def list_comments(*, session: Session, annotation_id: str | None = None,
                  article_id: int | None = None) -> list[CommentTuple]:
    """Thread entries of one annotation or one article, in thread order (time, then id)."""
    stmt = select(*_COMMENT_COLUMNS)
    if annotation_id is not None:
        stmt = stmt.where(_C.annotation_id == annotation_id)
    if article_id is not None:
        stmt = stmt.where(_C.article_id == article_id)
    rows = session.execute(stmt.order_by(_C.annotation_id, _C.created_at, _C.id)).all()
    return [_comment(row) for row in rows]


def latest_comment_time(*, session: Session, annotation_id: str) -> str | None:
    return session.execute(
        select(func.max(_C.created_at)).where(_C.annotation_id == annotation_id)
    ).scalar()


def existing_comment_ids(*, session: Session, comment_ids: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for batch in _chunks(comment_ids):
        out.update(session.execute(select(_C.id).where(_C.id.in_(batch))).scalars())
    return out


def insert_comments(*, session: Session, comments: Iterable[CommentTuple]) -> int:
    batch = [
        {"id": cid, "annotation_id": ann_id, "article_id": article_id, "author": author,
         "kind": kind, "body": body, "created_at": created_at}
        for cid, ann_id, article_id, author, kind, body, created_at in comments
    ]
    if batch:
        session.execute(ReviewCommentRow.__table__.insert(), batch)  # type: ignore[attr-defined]
    return len(batch)
