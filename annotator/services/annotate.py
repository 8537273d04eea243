"""Annotation edits as data.

An edit is a small frozen record. ``apply_edit`` validates it, commits it in its
own transaction and returns what changed plus the edit that undoes it (Orange3's
paint-data pattern): the Qt undo stack only stores those pairs, it never knows
how to talk to the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.domain.errors import UserInputError
from annotator.domain.model import (
    EDITABLE_FIELDS,
    Annotation,
    check_span,
    make_annotation,
    recut,
    utc_now_iso,
)
from annotator.services.project import Project
from annotator.storage import crud


@dataclass(frozen=True)
class CreateAnnotation:
    annotation: Annotation


@dataclass(frozen=True)
class DeleteAnnotation:
    annotation_id: str


@dataclass(frozen=True)
class UpdateAnnotation:
    annotation_id: str
    changes: tuple[tuple[str, object], ...]

    @classmethod
    def of(cls, annotation_id: str, **changes: object) -> UpdateAnnotation:
        unknown = set(changes) - EDITABLE_FIELDS
        if unknown:
            raise ValueError(f"cannot edit {sorted(unknown)}")
        return cls(annotation_id, tuple(sorted(changes.items())))


Edit = CreateAnnotation | DeleteAnnotation | UpdateAnnotation


@dataclass(frozen=True)
class AnnotationChange:
    """What an applied edit did: views refresh from this, not from a re-query."""

    article_id: int
    before: Annotation | None
    after: Annotation | None

    @property
    def annotation_id(self) -> str:
        ann = self.after or self.before
        assert ann is not None
        return ann.id

    @property
    def touched_ranges(self) -> list[tuple[int, int]]:
        """Code-point ranges whose painting may change."""
        out = []
        for ann in (self.before, self.after):
            if ann is not None:
                out.append((ann.start, ann.end))
                if ann.source_start is not None and ann.source_end is not None:
                    out.append((ann.source_start, ann.source_end))
        return out


def describe(edit: Edit, project: Project) -> str:
    """Menu text for the undo stack ("Undo Tag as Named person")."""
    if isinstance(edit, CreateAnnotation):
        label = project.label(edit.annotation.label)
        return f"Tag as {label.name if label else edit.annotation.label}"
    if isinstance(edit, DeleteAnnotation):
        return "Delete annotation"
    fields = dict(edit.changes)
    if "label" in fields:
        label = project.label(str(fields["label"]))
        return f"Relabel as {label.name if label else fields['label']}"
    if "note" in fields:
        return "Edit note"
    if "source_start" in fields:
        return "Set source mention" if fields["source_start"] is not None else \
            "Clear source mention"
    return "Edit annotation"


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


def _check_label(project: Project, key: str, *, new: bool) -> None:
    label = project.label(key)
    if label is None:
        raise UserInputError(f"unknown label {key!r}")
    if new and label.retired:
        raise UserInputError(f"label {label.name!r} is retired")


def apply_edit(project: Project, edit: Edit) -> tuple[AnnotationChange, Edit]:
    """Commit ``edit``; return what changed and the inverse edit."""
    with project.transaction() as session:
        if isinstance(edit, CreateAnnotation):
            ann = edit.annotation
            _check_label(project, ann.label, new=False)
            article = crud.get_article(session=session, article_id=ann.article_id)
            if article is None:
                raise UserInputError(f"article {ann.article_id} does not exist")
            _check_consistent(ann, article.text)
            crud.insert_annotation(session=session, annotation=ann)
            return AnnotationChange(ann.article_id, None, ann), DeleteAnnotation(ann.id)

        if isinstance(edit, DeleteAnnotation):
            before = crud.get_annotation(session=session, annotation_id=edit.annotation_id)
            if before is None:
                raise UserInputError("that annotation no longer exists")
            crud.delete_annotation(session=session, annotation_id=edit.annotation_id)
            return AnnotationChange(before.article_id, before, None), CreateAnnotation(before)

        before = crud.get_annotation(session=session, annotation_id=edit.annotation_id)
        if before is None:
            raise UserInputError("that annotation no longer exists")
        changes = dict(edit.changes)
        if "label" in changes:
            _check_label(project, str(changes["label"]), new=False)
        after = before.with_changes(**changes, updated_at=utc_now_iso())
        if {"start", "end", "source_start", "source_end"} & changes.keys():
            article = crud.get_article(session=session, article_id=before.article_id)
            assert article is not None
            if {"start", "end"} & changes.keys():
                try:
                    after = recut(after, article.text)
                except ValueError as exc:
                    raise UserInputError(str(exc)) from None
            _check_consistent(after, article.text)
        crud.update_annotation(session=session, annotation=after)
        inverse = UpdateAnnotation(
            before.id, tuple((key, getattr(before, key)) for key, _ in edit.changes)
        )
        return AnnotationChange(before.article_id, before, after), inverse


def _check_consistent(ann: Annotation, article_text: str) -> None:
    try:
        check_span(len(article_text), ann.start, ann.end)
        if (ann.source_start is None) != (ann.source_end is None):
            raise ValueError("source span needs both start and end")
        if ann.source_start is not None and ann.source_end is not None:
            check_span(len(article_text), ann.source_start, ann.source_end, what="source span")
    except ValueError as exc:
        raise UserInputError(str(exc)) from None
    if article_text[ann.start:ann.end] != ann.text:
        raise UserInputError(
            f"annotation text {ann.text[:40]!r} does not match the article at "
            f"{ann.start}–{ann.end}"
        )
