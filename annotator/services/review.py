"""Reviewing colleagues' tags: comment threads and adjudication into the reviewed layer.

Comment threads
    Every annotation can carry a thread (``review_comment`` rows): comments, and
    ``resolve`` / ``unresolve`` entries. A thread is resolved when its latest
    resolve/unresolve entry is a ``resolve``. Resolving a resolved thread (or
    unresolving an open one) writes nothing. Entries of one thread get strictly
    increasing timestamps, so their order never depends on clock resolution.

Adjudication
    Comparing annotators ``a`` and ``b`` on an article
    (:func:`annotator.domain.agreement.compare.compare_spans`) yields review items. The
    reviewer settles an item by *accepting* one side, both sides, or an edited copy —
    each copies annotation(s) into the reviewed layer (annotator
    :data:`~annotator.domain.model.REVIEWED_LAYER`, with ``reviewed_by``,
    ``reviewed_at`` and ``origin_id`` = the source annotation) — or by *rejecting*
    (an audit event only; layers are unchanged). An item is settled when the reviewed
    layer holds an annotation whose ``origin_id`` is one of its annotations, or when every
    annotation it holds is rejected (rejecting one side of a label disagreement leaves
    the other side pending). Source annotations are never modified.

    Every write is one transaction with audit events: ``reviewed`` on the new
    annotation (detail names its origin), ``accepted`` / ``rejected`` /
    ``unrejected`` on the source. Writes on an article are serialised
    (``SELECT ... FOR UPDATE`` on servers) so two reviewers cannot both add the same
    span. Functions return what they created so views can refresh without re-querying.
    Undo an acceptance by deleting the reviewed annotation with
    :func:`annotator.services.annotate.apply_edit` (the item becomes pending again), a
    rejection with :func:`unreject`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from annotator.domain.agreement.compare import DiffKind, compare_spans
from annotator.domain.errors import UserInputError
from annotator.domain.model import (
    REVIEWED_LAYER,
    Annotation,
    check_span,
    new_annotation_id,
    recut,
    utc_now_iso,
)
from annotator.services.annotate import ConflictError
from annotator.services.project import Project
from annotator.storage import crud, review_crud

__all__ = [
    "Comment",
    "ReviewItem",
    "Thread",
    "accept",
    "accept_agreed",
    "accept_both",
    "accept_edited",
    "add_comment",
    "reject",
    "resolve_thread",
    "review_status",
    "reviewed_from",
    "thread",
    "threads_for_article",
    "unreject",
    "unresolve_thread",
]

MAX_COMMENT_CHARS = 20_000
_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


# ---------------------------------------------------------------------------
# Comment threads
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    id: str
    annotation_id: str
    article_id: int
    author: str
    kind: str  # "comment" | "resolve" | "unresolve"
    body: str
    created_at: str


@dataclass(frozen=True)
class Thread:
    """One annotation's review thread. ``comments`` holds the comments only;
    ``entries`` also the resolve/unresolve events, all in order."""

    annotation_id: str
    comments: list[Comment] = field(default_factory=list)
    resolved: bool = False
    resolved_by: str | None = None
    resolved_at: str | None = None
    entries: list[Comment] = field(default_factory=list)


def _thread(annotation_id: str, entries: Sequence[Comment]) -> Thread:
    resolved, by, at = False, None, None
    for entry in entries:
        if entry.kind == "resolve":
            resolved, by, at = True, entry.author, entry.created_at
        elif entry.kind == "unresolve":
            resolved, by, at = False, None, None
    return Thread(annotation_id=annotation_id,
                  comments=[e for e in entries if e.kind == "comment"],
                  resolved=resolved, resolved_by=by, resolved_at=at, entries=list(entries))


def _entries(session: Session, annotation_id: str) -> list[Comment]:
    return [Comment(*row) for row in
            review_crud.list_comments(session=session, annotation_id=annotation_id)]


def thread(project: Project, annotation_id: str) -> Thread:
    """The thread of one annotation (empty if nobody commented)."""
    with project.reading() as session:
        return _thread(annotation_id, _entries(session, annotation_id))


def threads_for_article(project: Project, article_id: int) -> dict[str, Thread]:
    """Every non-empty thread of an article's annotations, by annotation id."""
    with project.reading() as session:
        rows = review_crud.list_comments(session=session, article_id=article_id)
    grouped: dict[str, list[Comment]] = {}
    for row in rows:
        comment = Comment(*row)
        grouped.setdefault(comment.annotation_id, []).append(comment)
    return {ann_id: _thread(ann_id, entries) for ann_id, entries in grouped.items()}


def _name(value: str, what: str) -> str:
    name = value.strip()
    if not name:
        raise UserInputError(f"{what} name is empty")
    return name


def _next_stamp(session: Session, annotation_id: str) -> str:
    """Now, or just after the thread's latest entry if the clock has not moved on."""
    now = utc_now_iso()
    latest = review_crud.latest_comment_time(session=session, annotation_id=annotation_id)
    if latest is None or latest < now:
        return now
    try:
        after = datetime.strptime(latest, _STAMP).replace(tzinfo=UTC) + timedelta(
            microseconds=1)
    except ValueError:
        return now
    return after.strftime(_STAMP)


def _thread_article(session: Session, annotation_id: str) -> int:
    ann = crud.get_annotation(session=session, annotation_id=annotation_id)
    if ann is not None:
        return ann.article_id
    entries = _entries(session, annotation_id)
    if entries:  # the annotation was deleted; its thread can still be closed
        return entries[-1].article_id
    raise UserInputError("that annotation does not exist (deleted, perhaps by a colleague)")


def _add_entry(session: Session, annotation_id: str, article_id: int, author: str,
               kind: str, body: str) -> Comment:
    comment = Comment(id=str(uuid.uuid4()), annotation_id=annotation_id,
                      article_id=article_id, author=author, kind=kind, body=body,
                      created_at=_next_stamp(session, annotation_id))
    review_crud.add_comment(session=session, comment_id=comment.id,
                            annotation_id=annotation_id, article_id=article_id,
                            author=author, kind=kind, body=body,
                            created_at=comment.created_at)
    return comment


def add_comment(project: Project, annotation_id: str, *, author: str, body: str) -> Comment:
    """Append a comment to the annotation's thread (the annotation must exist)."""
    who = _name(author, "author")
    if not body.strip():
        raise UserInputError("the comment is empty")
    if len(body) > MAX_COMMENT_CHARS:
        raise UserInputError(f"the comment is too long ({len(body)} characters; "
                             f"at most {MAX_COMMENT_CHARS})")
    with project.transaction() as session:
        ann = crud.get_annotation(session=session, annotation_id=annotation_id)
        if ann is None:
            raise UserInputError("cannot comment: that annotation no longer exists")
        return _add_entry(session, annotation_id, ann.article_id, who, "comment", body)


def _set_resolved(project: Project, annotation_id: str, author: str, resolved: bool) -> Thread:
    who = _name(author, "author")
    with project.transaction() as session:
        article_id = _thread_article(session, annotation_id)
        review_crud.lock_article(session=session, article_id=article_id)
        entries = _entries(session, annotation_id)
        if _thread(annotation_id, entries).resolved != resolved:
            entries.append(_add_entry(session, annotation_id, article_id, who,
                                      "resolve" if resolved else "unresolve", ""))
        return _thread(annotation_id, entries)


def resolve_thread(project: Project, annotation_id: str, *, author: str) -> Thread:
    """Mark the thread resolved (no-op if it already is); returns the thread."""
    return _set_resolved(project, annotation_id, author, True)


def unresolve_thread(project: Project, annotation_id: str, *, author: str) -> Thread:
    """Re-open a resolved thread (no-op if it is open); returns the thread."""
    return _set_resolved(project, annotation_id, author, False)


# ---------------------------------------------------------------------------
# Adjudication
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    """One compare-mode item and how far it has been reviewed.

    ``reviewed`` are the reviewed-layer annotations whose origin is ``a`` or ``b``;
    ``rejected`` the ids among ``a``/``b`` currently rejected. ``needs_review`` is false
    for agreed items (they are settled, like any other, once accepted).
    """

    kind: DiffKind
    a: Annotation | None
    b: Annotation | None
    same_label: bool | None
    settled: bool
    reviewed: tuple[Annotation, ...] = ()
    rejected: tuple[str, ...] = ()

    @property
    def needs_review(self) -> bool:
        return self.kind != DiffKind.AGREED

    @property
    def annotations(self) -> tuple[Annotation, ...]:
        return tuple(s for s in (self.a, self.b) if s is not None)

    @property
    def start(self) -> int:
        return min(s.start for s in self.annotations)

    @property
    def end(self) -> int:
        return max(s.end for s in self.annotations)


def _rejected_ids(session: Session, article_id: int) -> set[str]:
    state: dict[str, bool] = {}
    for ann_id, *_, action, _detail in review_crud.article_events(
            session=session, article_id=article_id, actions=("rejected", "unrejected")):
        state[ann_id] = action == "rejected"
    return {ann_id for ann_id, rejected in state.items() if rejected}


def review_status(project: Project, article_id: int, a: str, b: str) -> list[ReviewItem]:
    """Compare annotators ``a`` and ``b`` on an article, marking what has been settled."""
    if a == b:
        raise UserInputError("choose two different annotators to compare")
    with project.reading() as session:
        if crud.get_article(session=session, article_id=article_id) is None:
            raise UserInputError(f"article {article_id} does not exist")
        annotations = crud.list_annotations(session=session, article_id=article_id)
        rejected = _rejected_ids(session, article_id)
    by_origin: dict[str, list[Annotation]] = {}
    for ann in annotations:
        if ann.annotator == REVIEWED_LAYER and ann.origin_id:
            by_origin.setdefault(ann.origin_id, []).append(ann)
    comparison = compare_spans([x for x in annotations if x.annotator == a],
                               [x for x in annotations if x.annotator == b])
    items: list[ReviewItem] = []
    for item in comparison.items:
        sides = [s for s in (item.a, item.b) if s is not None]
        reviewed = tuple(r for s in sides for r in by_origin.get(s.id, ()))
        side_rejected = tuple(s.id for s in sides if s.id in rejected)
        items.append(ReviewItem(
            kind=item.kind, a=item.a, b=item.b, same_label=item.same_label,
            settled=bool(reviewed) or len(side_rejected) == len(sides),
            reviewed=reviewed, rejected=side_rejected,
        ))
    return items


def _source(session: Session, annotation_id: str, expected_version: int | None) -> Annotation:
    ann = crud.get_annotation(session=session, annotation_id=annotation_id)
    if ann is None:
        raise ConflictError("that annotation no longer exists (deleted, perhaps by a "
                            "colleague)", theirs=None, mine=None)
    if ann.annotator == REVIEWED_LAYER:
        raise UserInputError("that annotation is already in the reviewed layer")
    if expected_version is not None and ann.version != expected_version:
        raise ConflictError(
            f"{ann.annotator}'s annotation was changed since you loaded it (now version "
            f"{ann.version}, yours {expected_version}); look at it again before reviewing",
            theirs=ann, mine=None)
    return ann


def _check_label(project: Project, key: str, *, new: bool) -> None:
    label = project.label(key)
    if label is None:
        raise UserInputError(f"unknown label {key!r}")
    if new and label.retired:
        raise UserInputError(f"label {label.name!r} is retired")


class _Reviewing:
    """One review transaction on one article: locks it, knows its reviewed layer."""

    def __init__(self, project: Project, session: Session, article_id: int,
                 reviewer: str) -> None:
        self.project = project
        self.session = session
        self.reviewer = reviewer
        review_crud.lock_article(session=session, article_id=article_id)
        article = crud.get_article(session=session, article_id=article_id)
        assert article is not None  # annotations cascade with their article
        self.text = article.text
        self.reviewed = [a for a in crud.list_annotations(session=session,
                                                          article_id=article_id)
                         if a.annotator == REVIEWED_LAYER]
        self.stamp = utc_now_iso()

    def copy(self, src: Annotation, *, label: str | None = None, start: int | None = None,
             end: int | None = None) -> Annotation:
        """Insert a reviewed-layer copy of ``src`` (optionally edited) with its events."""
        changes: dict[str, list[object]] = {}
        new = src._replace(
            id=new_annotation_id(), annotator=REVIEWED_LAYER, created_at=self.stamp,
            updated_at=self.stamp, version=1, reviewed_by=self.reviewer,
            reviewed_at=self.stamp, origin_id=src.id)
        if label is not None and label != src.label:
            _check_label(self.project, label, new=True)
            changes["label"] = [src.label, label]
            new = new._replace(label=label)
        if (start is not None and start != src.start) or (end is not None and end != src.end):
            s = src.start if start is None else start
            e = src.end if end is None else end
            try:
                check_span(len(self.text), s, e)
            except ValueError as exc:
                raise UserInputError(str(exc)) from None
            changes.update({"start": [src.start, s], "end": [src.end, e]})
            new = recut(new._replace(start=s, end=e), self.text)
        elif self.text[new.start:new.end] != new.text:  # stored data is inconsistent
            raise UserInputError("the annotation does not match its article text")
        _check_label(self.project, new.label, new=False)
        clash = next((r for r in self.reviewed if (r.start, r.end, r.label) ==
                      (new.start, new.end, new.label)), None)
        if clash is not None:
            label_obj = self.project.label(new.label)
            raise UserInputError(
                f"the reviewed layer already has {label_obj.name if label_obj else new.label}"
                f" at {new.start}–{new.end} (accepted by {clash.reviewed_by or 'someone'})")
        crud.insert_annotation(session=self.session, annotation=new)
        self.reviewed.append(new)
        detail: dict[str, object] = {"origin_id": src.id, "origin_annotator": src.annotator,
                                     "label": new.label, "start": new.start, "end": new.end}
        if changes:
            detail["edited"] = changes
        crud.add_event(session=self.session, annotation=new, actor=self.reviewer,
                       action="reviewed", detail=detail, at=self.stamp)
        accepted: dict[str, object] = {"reviewed_id": new.id}
        if changes:
            accepted["edited"] = sorted(changes)
        crud.add_event(session=self.session, annotation=src, actor=self.reviewer,
                       action="accepted", detail=accepted, at=self.stamp)
        return new


def accept(project: Project, annotation_id: str, *, reviewer: str,
           expected_version: int | None = None) -> Annotation:
    """Copy one annotation into the reviewed layer; returns the new annotation.

    Refused if the reviewed layer already has the same span and label. With
    ``expected_version``, refused (:class:`ConflictError`) if the source changed since.
    """
    who = _name(reviewer, "reviewer")
    with project.transaction() as session:
        src = _source(session, annotation_id, expected_version)
        return _Reviewing(project, session, src.article_id, who).copy(src)


def accept_both(project: Project, a_id: str, b_id: str, *, reviewer: str,
                expected_versions: tuple[int | None, int | None] = (None, None),
                ) -> list[Annotation]:
    """Copy both annotations of an item into the reviewed layer (both or neither)."""
    who = _name(reviewer, "reviewer")
    if a_id == b_id:
        raise UserInputError("accept both needs two different annotations")
    with project.transaction() as session:
        src_a = _source(session, a_id, expected_versions[0])
        src_b = _source(session, b_id, expected_versions[1])
        if src_a.article_id != src_b.article_id:
            raise UserInputError("the two annotations are on different articles")
        if (src_a.start, src_a.end, src_a.label) == (src_b.start, src_b.end, src_b.label):
            raise UserInputError("the two annotations are identical (same span and label); "
                                 "accept one of them")
        review = _Reviewing(project, session, src_a.article_id, who)
        return [review.copy(src_a), review.copy(src_b)]


def accept_edited(project: Project, annotation_id: str, *, reviewer: str,
                  label: str | None = None, start: int | None = None, end: int | None = None,
                  expected_version: int | None = None) -> Annotation:
    """Accept a corrected copy (label and/or boundaries changed); the source is untouched."""
    who = _name(reviewer, "reviewer")
    with project.transaction() as session:
        src = _source(session, annotation_id, expected_version)
        return _Reviewing(project, session, src.article_id, who).copy(
            src, label=label, start=start, end=end)


def accept_agreed(project: Project, article_id: int, a: str, b: str, *,
                  reviewer: str) -> list[Annotation]:
    """Accept every agreed item not yet settled (``a``'s copy); returns what was created.

    Items whose span and label the reviewed layer already has are left alone.
    """
    who = _name(reviewer, "reviewer")
    pending = [item for item in review_status(project, article_id, a, b)
               if item.kind == DiffKind.AGREED and not item.settled]
    created: list[Annotation] = []
    with project.transaction() as session:
        review = _Reviewing(project, session, article_id, who)
        have = {(r.start, r.end, r.label) for r in review.reviewed}
        for item in pending:
            assert item.a is not None
            src = crud.get_annotation(session=session, annotation_id=item.a.id)
            if src is None or (src.start, src.end, src.label) in have:
                continue
            created.append(review.copy(src))
            have.add((src.start, src.end, src.label))
    return created


def _set_rejected(project: Project, annotation_id: str, reviewer: str, rejected: bool,
                  reason: str, expected_version: int | None) -> Annotation:
    who = _name(reviewer, "reviewer")
    with project.transaction() as session:
        src = _source(session, annotation_id, expected_version)
        review_crud.lock_article(session=session, article_id=src.article_id)
        currently = src.id in _rejected_ids(session, src.article_id)
        if currently != rejected:
            detail: dict[str, object] = {"label": src.label, "start": src.start,
                                         "end": src.end}
            if reason:
                detail["reason"] = reason
            crud.add_event(session=session, annotation=src, actor=who,
                           action="rejected" if rejected else "unrejected", detail=detail)
        return src


def reject(project: Project, annotation_id: str, *, reviewer: str, reason: str = "",
           expected_version: int | None = None) -> Annotation:
    """Record that ``reviewer`` rejected the annotation (audit event only; no-op if it
    already is rejected). Returns the (unchanged) annotation."""
    return _set_rejected(project, annotation_id, reviewer, True, reason, expected_version)


def unreject(project: Project, annotation_id: str, *, reviewer: str) -> Annotation:
    """Withdraw a rejection (no-op if the annotation is not rejected)."""
    return _set_rejected(project, annotation_id, reviewer, False, "", None)


def reviewed_from(annotations: Iterable[Annotation], origin_id: str) -> list[Annotation]:
    """Reviewed-layer annotations among ``annotations`` that were accepted from ``origin_id``."""
    return [a for a in annotations if a.annotator == REVIEWED_LAYER and a.origin_id == origin_id]
