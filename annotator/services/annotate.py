"""Annotation edits as data.

An edit is a small frozen record. ``apply_edit`` validates it, commits it in its
own transaction and returns what changed plus the edit that undoes it (Orange3's
paint-data pattern): the Qt undo stack only stores those pairs, it never knows
how to talk to the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session

from annotator.domain.errors import UserInputError
from annotator.domain.facets_codec import canonical_facets_json
from annotator.domain.model import (
    EDITABLE_FIELDS,
    Annotation,
    Label,
    check_span,
    make_annotation,
    recut,
    utc_now_iso,
)
from annotator.services import sources
from annotator.services.changes import AnnotationChange, Changes
from annotator.services.project import Project
from annotator.storage import crud


@dataclass(frozen=True)
class CreateAnnotation:
    annotation: Annotation
    restore: bool = False
    """Undoing a delete: the same annotation (same id and version) comes back."""


@dataclass(frozen=True)
class DeleteAnnotation:
    annotation_id: str
    expected_version: int | None = None


@dataclass(frozen=True)
class UpdateAnnotation:
    annotation_id: str
    changes: tuple[tuple[str, object], ...]
    expected_version: int | None = None
    """The version the edit was based on; a different stored version is a conflict."""

    @classmethod
    def of(cls, annotation_id: str, *, expected_version: int | None = None,
           **changes: object) -> UpdateAnnotation:
        unknown = set(changes) - EDITABLE_FIELDS
        if unknown:
            raise ValueError(f"cannot edit {sorted(unknown)}")
        return cls(annotation_id, tuple(sorted(changes.items())), expected_version)


class ConflictError(UserInputError):
    """Someone else changed or deleted the annotation since this edit was prepared.

    Carries both versions so the user can see what they would have overwritten.
    """

    def __init__(self, message: str, *, theirs: Annotation | None,
                 mine: Annotation | None) -> None:
        super().__init__(message)
        self.theirs = theirs
        self.mine = mine


Edit = CreateAnnotation | DeleteAnnotation | UpdateAnnotation


def describe(edit: Edit, project: Project, subject: Annotation | None = None) -> str:
    """Undo-menu text naming the action ("Tag ‘Named person’", "Delete ‘Named person’ on
    “three sources…”"). ``subject`` is the annotation an update or delete acts on."""
    def name(key: str) -> str:
        label = project.label(key)
        return f"‘{label.name if label else key}’"

    def on(ann: Annotation | None) -> str:
        if ann is None:
            return ""
        words = " ".join(ann.text.split())
        return f" on “{words if len(words) <= 30 else words[:29] + '…'}”"

    if isinstance(edit, CreateAnnotation):
        verb = "Restore" if edit.restore else "Tag"
        return f"{verb} {name(edit.annotation.label)}{on(edit.annotation)}"
    if isinstance(edit, DeleteAnnotation):
        return f"Delete {name(subject.label)}{on(subject)}" if subject else "Delete annotation"
    fields = dict(edit.changes)
    if "label" in fields:
        return f"Relabel as {name(str(fields['label']))}{on(subject)}"
    if "note" in fields:
        return f"Edit note{on(subject)}"
    if "source_start" in fields:
        what = "Set source mention" if fields["source_start"] is not None else \
            "Clear source mention"
        return f"{what}{on(subject)}"
    if "facets" in fields:
        return f"Edit facets{on(subject)}"
    return f"Edit annotation{on(subject)}"


def apply(project: Project, edit: Edit, *, actor: str = "") -> tuple[Changes, Edit]:
    """:func:`apply_edit`, answering with the :class:`Changes` record panes refresh from."""
    change, inverse = apply_edit(project, edit, actor=actor)
    return change.changes, inverse


def new_annotation(
    project: Project,
    *,
    article_id: int,
    article_text: str,
    annotator: str,
    label: str,
    start: int,
    end: int,
    note: str = "",
    source: tuple[int, int] | None = None,
) -> CreateAnnotation:
    """Build (but do not apply) the edit that tags ``[start, end)``."""
    _check_label(project, label, new=True)
    try:
        ann = make_annotation(article_id=article_id, article_text=article_text,
                              annotator=annotator, label=label, start=start, end=end,
                              note=note, source=source)
    except ValueError as exc:
        raise UserInputError(str(exc)) from None
    return CreateAnnotation(ann)


def _require_label(labels: Iterable[Label], key: str, *, new: bool) -> None:
    """``key`` must name a label; a new tag or relabel may not use a retired one."""
    label = next((lab for lab in labels if lab.key == key), None)
    if label is None:
        raise UserInputError(f"unknown label {key!r}")
    if new and label.retired:
        raise UserInputError(f"label {label.name!r} is retired")


def _check_label(project: Project, key: str, *, new: bool) -> None:
    """Early check against the project's cached taxonomy (friendly errors in the UI)."""
    _require_label(project.labels(), key, new=new)


def _action_for(changes: dict[str, object]) -> str:
    if {"start", "end"} & changes.keys():
        return "moved"
    if "label" in changes:
        return "relabelled"
    if "facets" in changes:
        return "facets_changed"
    if {"source_start", "source_end"} & changes.keys():
        return "source_changed"
    if "note" in changes:
        return "note_changed"
    return "edited"


def _stale(current: Annotation, expected: int | None) -> bool:
    return expected is not None and current.version != expected


def apply_edit(
    project: Project, edit: Edit, *, actor: str = ""
) -> tuple[AnnotationChange, Edit]:
    """Commit ``edit``; return what changed and the inverse edit.

    Every stored change bumps the annotation's version and appends an audit event in
    the same transaction. An update or delete whose ``expected_version`` no longer
    matches raises :class:`ConflictError` and writes nothing.
    """
    who = actor or "unknown"
    with project.transaction() as session:
        if isinstance(edit, CreateAnnotation):
            ann = edit.annotation
            _check_label_stored(session, ann.label, new=not edit.restore)
            _check_against_db(session, ann)
            if crud.get_annotation(session=session, annotation_id=ann.id) is not None:
                raise ConflictError("that annotation already exists (restored by someone "
                                    "else?)", theirs=None, mine=ann)
            crud.insert_annotation(session=session, annotation=ann)
            if ann.has_source:
                sources.link_now(session, [ann.id])
            crud.add_event(session=session, annotation=ann, actor=who,
                           action="restored" if edit.restore else "created",
                           detail={"label": ann.label, "start": ann.start, "end": ann.end})
            return (AnnotationChange(ann.article_id, None, ann),
                    DeleteAnnotation(ann.id, expected_version=ann.version))

        current = crud.get_annotation(session=session, annotation_id=edit.annotation_id)
        if current is None:
            raise ConflictError("that annotation no longer exists (deleted, perhaps by a "
                                "colleague)", theirs=None, mine=None)

        if isinstance(edit, DeleteAnnotation):
            if _stale(current, edit.expected_version):
                raise ConflictError(
                    f"{current.annotator}'s annotation was changed by someone else "
                    f"(now version {current.version}); not deleted", theirs=current,
                    mine=None)
            if not crud.delete_annotation(session=session, annotation_id=current.id,
                                          version=current.version):
                raise ConflictError("the annotation changed while deleting it",
                                    theirs=None, mine=None)
            crud.add_event(session=session, annotation=current, actor=who, action="deleted",
                           detail={"label": current.label, "start": current.start,
                                   "end": current.end, "text": current.text})
            return (AnnotationChange(current.article_id, current, None),
                    CreateAnnotation(current, restore=True))

        changes = dict(edit.changes)
        if "label" in changes:
            # Relabelling to a retired type is refused like tagging with one; the
            # check reads the taxonomy inside this transaction, not a cache, so a
            # colleague's retirement on a shared server is respected at once.
            _check_label_stored(session, str(changes["label"]), new=True)
        if "facets" in changes:
            try:
                changes["facets"] = canonical_facets_json(str(changes["facets"]))
            except ValueError as exc:
                raise UserInputError(f"invalid facets: {exc}") from None
        after = current.with_changes(**changes, updated_at=utc_now_iso(),
                                     version=current.version + 1)
        if _stale(current, edit.expected_version):
            raise ConflictError(
                "someone else changed this annotation since you loaded it "
                f"(stored version {current.version}, yours {edit.expected_version})",
                theirs=current, mine=after)
        if {"start", "end", "source_start", "source_end"} & changes.keys():
            article = crud.get_article(session=session, article_id=current.article_id)
            assert article is not None
            if {"start", "end"} & changes.keys():
                try:
                    after = recut(after, article.text)
                except ValueError as exc:
                    raise UserInputError(str(exc)) from None
            _check_consistent(after, article.text)
        if not crud.update_annotation(session=session, annotation=after,
                                      expected_version=current.version):
            raise ConflictError("someone else changed this annotation at the same moment",
                                theirs=None, mine=after)
        if {"source_start", "source_end", "label", "facets"} & changes.keys():
            sources.link_now(session, [after.id])  # the registry follows the mention
        crud.add_event(
            session=session, annotation=after, actor=who, action=_action_for(changes),
            detail={key: [getattr(current, key), getattr(after, key)] for key in changes},
        )
        inverse = UpdateAnnotation(
            current.id, tuple((key, getattr(current, key)) for key, _ in edit.changes),
            expected_version=after.version,
        )
        return AnnotationChange(current.article_id, current, after), inverse


def _check_label_stored(session: Session, key: str, *, new: bool) -> None:
    """The authoritative check, inside the writing transaction (not the cache)."""
    _require_label(crud.list_labels(session=session), key, new=new)


def _check_spans(ann: Annotation, length: int, span_text: str) -> None:
    """Spans inside an article of ``length`` code points; ``text`` equals the article's."""
    try:
        check_span(length, ann.start, ann.end)
        if (ann.source_start is None) != (ann.source_end is None):
            raise ValueError("source span needs both start and end")
        if ann.source_start is not None and ann.source_end is not None:
            check_span(length, ann.source_start, ann.source_end, what="source span")
    except ValueError as exc:
        raise UserInputError(str(exc)) from None
    if span_text != ann.text:
        raise UserInputError(
            f"annotation text {ann.text[:40]!r} does not match the article at "
            f"{ann.start}–{ann.end}"
        )


def _check_against_db(session: Session, ann: Annotation) -> None:
    """Validate a new annotation against the stored text without loading all of it."""
    found = crud.article_span_text(session=session, article_id=ann.article_id,
                                   start=ann.start, end=ann.end)
    if found is None:
        raise UserInputError(f"article {ann.article_id} does not exist")
    _check_spans(ann, *found)


def _check_consistent(ann: Annotation, article_text: str) -> None:
    _check_spans(ann, len(article_text), article_text[ann.start:ann.end])


@dataclass(frozen=True)
class HistoryEntry:
    at: str
    actor: str
    action: str
    detail: dict[str, object]


def history(project: Project, annotation_id: str) -> list[HistoryEntry]:
    """The audit trail of one annotation, oldest first (kept after deletion)."""
    import json

    with project.reading() as session:
        rows = crud.list_events(session=session, annotation_id=annotation_id)
    return [HistoryEntry(at, actor, action, json.loads(detail)) for at, actor, action, detail
            in rows]
