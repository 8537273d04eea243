"""Storage of attribution details (cue, fragments, provenance) and rejected suggestions."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from annotator.storage.tables import AnnotationAttributionRow, SuggestionRejectionRow

Span = tuple[int, int]


@dataclass(frozen=True)
class AttributionDetail:
    annotation_id: str
    cue: Span | None
    fragments: tuple[Span, ...]
    provenance: str


def put_detail(*, session: Session, annotation_id: str, article_id: int,
               cue: Span | None = None, fragments: Sequence[Span] = (),
               provenance: str = "") -> None:
    """Insert or replace the details of one annotation (fragments only when > 1)."""
    row = session.get(AnnotationAttributionRow, annotation_id)
    frag = json.dumps([list(f) for f in fragments]) if len(fragments) > 1 else ""
    if row is None:
        row = AnnotationAttributionRow(annotation_id=annotation_id, article_id=article_id)
    row.cue_start, row.cue_end = (cue if cue else (None, None))
    row.fragments = frag
    row.provenance = provenance
    session.add(row)


def details(*, session: Session, article_id: int) -> dict[str, AttributionDetail]:
    rows = session.execute(
        select(AnnotationAttributionRow).where(
            col(AnnotationAttributionRow.article_id) == article_id)).scalars().all()
    out: dict[str, AttributionDetail] = {}
    for r in rows:
        frags = tuple((int(a), int(b)) for a, b in json.loads(r.fragments)) \
            if r.fragments else ()
        cue = (r.cue_start, r.cue_end) if r.cue_start is not None and r.cue_end is not None \
            else None
        out[r.annotation_id] = AttributionDetail(r.annotation_id, cue, frags, r.provenance)
    return out


def reject(*, session: Session, article_id: int, keys: Iterable[tuple[int, int, int, int]],
           by: str, at: str) -> None:
    known = rejected_keys(session=session, article_id=article_id)
    for start, end, s0, s1 in keys:
        if (start, end, s0, s1) in known:
            continue
        known.add((start, end, s0, s1))
        session.add(SuggestionRejectionRow(article_id=article_id, start=start, end=end,
                                           source_start=s0, source_end=s1, rejected_by=by,
                                           rejected_at=at))


def unreject(*, session: Session, article_id: int,
             keys: Iterable[tuple[int, int, int, int]]) -> None:
    wanted = set(keys)
    rows = session.execute(
        select(SuggestionRejectionRow).where(
            col(SuggestionRejectionRow.article_id) == article_id)).scalars().all()
    for r in rows:
        if (r.start, r.end, r.source_start, r.source_end) in wanted:
            session.delete(r)


def rejected_keys(*, session: Session, article_id: int) -> set[tuple[int, int, int, int]]:
    rows = session.execute(
        select(col(SuggestionRejectionRow.start), col(SuggestionRejectionRow.end),
               col(SuggestionRejectionRow.source_start), col(SuggestionRejectionRow.source_end))
        .where(col(SuggestionRejectionRow.article_id) == article_id)).all()
    return {(int(a), int(b), int(c), int(d)) for a, b, c, d in rows}
