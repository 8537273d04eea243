"""Review: comment threads and adjudication into the reviewed layer (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from annotator.domain.agreement import DiffKind
from annotator.domain.errors import UserInputError
from annotator.domain.facets import Facets
from annotator.domain.facets_codec import encode_facets
from annotator.domain.model import REVIEWED_LAYER, Annotation
from annotator.services import annotate, articles, review
from annotator.services.annotate import ConflictError
from annotator.services.project import Project
from annotator.storage.tables import AnnotationRow

from .conftest import SEED
from .conftest import tag_phrase as _tag


@dataclass
class Case:
    project: Project
    article_id: int
    text: str
    agreed_a: Annotation
    agreed_b: Annotation
    label_a: Annotation
    label_b: Annotation
    boundary_a: Annotation
    boundary_b: Annotation
    only_a: Annotation
    only_b: Annotation


@pytest.fixture
def case(project: Project) -> Case:
    aid = articles.import_files(project, [SEED]).article_ids[0]
    text = articles.get_article(project, aid).text
    t = lambda who, label, needle: _tag(project, aid, text, who, label, needle)  # noqa: E731
    return Case(
        project, aid, text,
        agreed_a=t("Ana", "media_report", "Axios reports"),
        agreed_b=t("Ben", "media_report", "Axios reports"),
        label_a=t("Ana", "anonymous_unspecified",
                  "three sources with direct knowledge of the talks"),
        label_b=t("Ben", "anonymous_official", "three sources with direct knowledge of the talks"),
        boundary_a=t("Ana", "anonymous_official", "a senior Qatari official"),
        boundary_b=t("Ben", "anonymous_official", "a senior Qatari official reportedly said"),
        only_a=t("Ana", "organisation_statement", "Qatari officials"),
        only_b=t("Ben", "named_person", "Witkoff told the Hamas leaders"),
    )


def _rows(project: Project) -> list[tuple[object, ...]]:
    with project.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(AnnotationRow.__table__)).all())  # type: ignore[attr-defined]


def _status(case: Case) -> dict[tuple[DiffKind, str], review.ReviewItem]:
    items = review.review_status(case.project, case.article_id, "Ana", "Ben")
    return {(item.kind, (item.a or item.b).id): item for item in items}  # type: ignore[union-attr]


def test_comment_thread_resolve_unresolve(case: Case) -> None:
    p, ann = case.project, case.label_b
    assert review.thread(p, ann.id) == review.Thread(ann.id)
    first = review.add_comment(p, ann.id, author="Ana", body="Is this an official?")
    review.add_comment(p, ann.id, author=" Ben ", body="Yes: 'sources with direct knowledge'.")
    th = review.thread(p, ann.id)
    assert [(c.author, c.body) for c in th.comments] == [
        ("Ana", "Is this an official?"), ("Ben", "Yes: 'sources with direct knowledge'.")]
    assert th.comments[0] == first and first.article_id == case.article_id
    assert not th.resolved and th.resolved_by is None

    th = review.resolve_thread(p, ann.id, author="Carla")
    assert th.resolved and th.resolved_by == "Carla" and th.resolved_at
    assert review.resolve_thread(p, ann.id, author="Dan").resolved_by == "Carla"  # no-op
    th = review.unresolve_thread(p, ann.id, author="Ana")
    assert not th.resolved and th.resolved_by is None and th.resolved_at is None
    stored = review.thread(p, ann.id)
    assert stored == th
    assert [e.kind for e in stored.entries] == ["comment", "comment", "resolve", "unresolve"]
    stamps = [e.created_at for e in stored.entries]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    review.resolve_thread(p, ann.id, author="Carla")

    review.add_comment(p, case.only_a.id, author="Ben", body="Not a source?")
    threads = review.threads_for_article(p, case.article_id)
    assert set(threads) == {ann.id, case.only_a.id}
    assert threads[ann.id].resolved and not threads[case.only_a.id].resolved
    assert len(threads[ann.id].comments) == 2

    for kwargs, needle in (({"author": "Ana", "body": "  "}, "empty"),
                           ({"author": " ", "body": "x"}, "author name is empty")):
        with pytest.raises(UserInputError, match=needle):
            review.add_comment(p, ann.id, **kwargs)
    annotate.apply_edit(p, annotate.DeleteAnnotation(case.only_a.id), actor="Ana")
    with pytest.raises(UserInputError, match="no longer exists"):
        review.add_comment(p, case.only_a.id, author="Ana", body="gone?")
    # a deleted annotation's thread can still be read and closed
    assert review.resolve_thread(p, case.only_a.id, author="Ana").resolved


def _check_reviewed(new: Annotation, src: Annotation, reviewer: str) -> None:
    assert new.annotator == REVIEWED_LAYER and new.id != src.id
    assert new.reviewed_by == reviewer and new.reviewed_at and new.origin_id == src.id
    assert new.version == 1 and new.created_at == new.reviewed_at


def test_accept_copies_into_reviewed_layer(case: Case) -> None:
    p, src = case.project, case.boundary_b
    facets = encode_facets(Facets.from_dict({"source_count": 1, "named": "unnamed"}))
    change, _ = annotate.apply_edit(p, annotate.UpdateAnnotation.of(
        src.id, expected_version=1, facets=facets, note="Qatar mediated"), actor="Ben")
    assert change.after is not None
    src = change.after
    with pytest.raises(ConflictError):
        review.accept(p, src.id, reviewer="Carla", expected_version=1)

    new = review.accept(p, src.id, reviewer="Carla", expected_version=2)
    _check_reviewed(new, src, "Carla")
    same = ("article_id", "label", "start", "end", "text", "prefix", "suffix", "note",
            "facets", "source_start", "source_end")
    assert [getattr(new, f) for f in same] == [getattr(src, f) for f in same]
    loaded = {a.id: a for a in articles.load_annotations(p, case.article_id)}
    assert loaded[new.id] == new and loaded[src.id] == src  # the source is untouched

    with pytest.raises(UserInputError, match="reviewed layer already has"):
        review.accept(p, src.id, reviewer="Dan")
    with pytest.raises(UserInputError, match="already in the reviewed layer"):
        review.accept(p, new.id, reviewer="Dan")
    with pytest.raises(UserInputError, match="reviewer name is empty"):
        review.accept(p, case.only_a.id, reviewer="")

    hist = annotate.history(p, new.id)
    assert [(h.action, h.actor) for h in hist] == [("reviewed", "Carla")]
    assert hist[0].detail["origin_id"] == src.id and hist[0].detail["origin_annotator"] == "Ben"
    src_hist = annotate.history(p, src.id)
    assert [h.action for h in src_hist] == ["created", "facets_changed", "accepted"]
    assert src_hist[-1].detail == {"reviewed_id": new.id} and src_hist[-1].actor == "Carla"


def test_accept_both_and_edited(case: Case) -> None:
    p = case.project
    both = review.accept_both(p, case.boundary_a.id, case.boundary_b.id, reviewer="Carla")
    assert [n.origin_id for n in both] == [case.boundary_a.id, case.boundary_b.id]
    assert [n.text for n in both] == ["a senior Qatari official",
                                      "a senior Qatari official reportedly said"]
    for new, src in zip(both, (case.boundary_a, case.boundary_b), strict=True):
        _check_reviewed(new, src, "Carla")
    with pytest.raises(UserInputError, match="identical"):
        review.accept_both(p, case.agreed_a.id, case.agreed_b.id, reviewer="Carla")
    before = _rows(p)
    with pytest.raises(UserInputError, match="reviewed layer already has"):  # all or nothing
        review.accept_both(p, case.only_a.id, case.boundary_a.id, reviewer="Carla")
    assert _rows(p) == before

    src = case.label_a
    start = case.text.index("three sources")
    new = review.accept_edited(p, src.id, reviewer="Dan", label="anonymous_official",
                               start=start, end=start + len("three sources"))
    _check_reviewed(new, src, "Dan")
    assert (new.label, new.text) == ("anonymous_official", "three sources")
    assert new.suffix.startswith(" with direct knowledge")
    detail = annotate.history(p, new.id)[0].detail
    assert detail["edited"] == {"label": ["anonymous_unspecified", "anonymous_official"],
                                "start": [src.start, start],
                                "end": [src.end, start + len("three sources")]}
    assert annotate.history(p, src.id)[-1].detail["edited"] == ["end", "label", "start"]
    assert articles.load_annotations(p, case.article_id).count(src) == 1  # unchanged

    for kwargs, needle in (({"label": "no_such_label"}, "unknown label"),
                           ({"end": len(case.text) + 5}, "outside the article"),
                           ({"start": 10, "end": 10}, r"\) or empty")):
        with pytest.raises(UserInputError, match=needle):
            review.accept_edited(p, case.only_b.id, reviewer="Dan", **kwargs)  # type: ignore[arg-type]


def test_reject_and_review_status(case: Case) -> None:
    p = case.project
    status = _status(case)
    assert {k for k, _ in status} == set(DiffKind)
    assert not any(item.settled for item in status.values())
    assert [item.needs_review for item in status.values()].count(False) == 1

    rows = _rows(p)
    rejected = review.reject(p, case.only_b.id, reviewer="Carla", reason="not a source")
    assert rejected == case.only_b and _rows(p) == rows  # layers unchanged
    assert review.reject(p, case.only_b.id, reviewer="Carla") == case.only_b  # no-op
    hist = annotate.history(p, case.only_b.id)
    assert [(h.action, h.actor) for h in hist] == [("created", "Ben"), ("rejected", "Carla")]
    assert hist[-1].detail["reason"] == "not a source"

    review.reject(p, case.label_a.id, reviewer="Carla")  # one side only: still pending
    accepted = review.accept(p, case.boundary_a.id, reviewer="Carla")
    status = _status(case)
    only_b = status[(DiffKind.ONLY_B, case.only_b.id)]
    assert only_b.settled and only_b.rejected == (case.only_b.id,) and only_b.reviewed == ()
    label_item = status[(DiffKind.LABEL_DISAGREEMENT, case.label_a.id)]
    assert not label_item.settled and label_item.rejected == (case.label_a.id,)
    boundary = status[(DiffKind.BOUNDARY_DISAGREEMENT, case.boundary_a.id)]
    assert boundary.settled and boundary.reviewed == (accepted,)
    assert not status[(DiffKind.ONLY_A, case.only_a.id)].settled

    review.reject(p, case.label_b.id, reviewer="Dan")  # both sides rejected: settled
    assert _status(case)[(DiffKind.LABEL_DISAGREEMENT, case.label_a.id)].settled
    review.unreject(p, case.only_b.id, reviewer="Carla")
    assert not _status(case)[(DiffKind.ONLY_B, case.only_b.id)].settled
    assert [h.action for h in annotate.history(p, case.only_b.id)][-1] == "unrejected"

    # undoing an acceptance (deleting the reviewed copy) makes the item pending again
    annotate.apply_edit(p, annotate.DeleteAnnotation(accepted.id, expected_version=1),
                        actor="Carla")
    assert not _status(case)[(DiffKind.BOUNDARY_DISAGREEMENT, case.boundary_a.id)].settled

    created = review.accept_agreed(p, case.article_id, "Ana", "Ben", reviewer="Carla")
    assert [(c.origin_id, c.text) for c in created] == [(case.agreed_a.id, "Axios reports")]
    assert _status(case)[(DiffKind.AGREED, case.agreed_a.id)].settled
    assert review.accept_agreed(p, case.article_id, "Ana", "Ben", reviewer="Carla") == []
    reviewed = [a for a in articles.load_annotations(p, case.article_id)
                if a.annotator == REVIEWED_LAYER]
    assert reviewed == created

    with pytest.raises(UserInputError, match="two different annotators"):
        review.review_status(p, case.article_id, "Ana", "Ana")
    with pytest.raises(UserInputError, match="does not exist"):
        review.review_status(p, 9999, "Ana", "Ben")
