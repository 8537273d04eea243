"""Attribution suggestions for articles in the project or for files on disk.

The engine (:mod:`annotator.domain.suggest`) knows only text; this layer adds what
the project knows: the article's outlet, its taxonomy (kinds are mapped onto the
project's label keys, an unmapped kind becomes ``other``), the spans already
annotated (never proposed again) and the suggestions an analyst rejected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from annotator.domain.errors import UserInputError
from annotator.domain.model import Annotation
from annotator.domain.suggest import (
    AttributionSuggestion,
    facets_of,
    map_kind,
    suggest_attributions,
)
from annotator.services import articles
from annotator.services.articles import SUPPORTED_SUFFIXES
from annotator.services.project import Project

RECORD_FIELDS = (
    "start", "end", "text", "source_start", "source_end", "source_text", "cue_start",
    "cue_end", "cue_text", "label", "confidence", "reasons",
)
"""The record contract after the leading ``file`` or ``article_id`` field."""


@dataclass(frozen=True)
class Proposal:
    """A suggestion with the project's label key and the article it belongs to."""

    suggestion: AttributionSuggestion
    label: str
    text: str
    """The article text the offsets refer to."""
    outlet: str = ""
    """The article's outlet (the mention parser tells "told Axios" apart with it)."""

    def record(self) -> dict[str, object]:
        s = self.suggestion
        src, cue = s.source, s.cue
        return {
            "start": s.start, "end": s.end, "text": self.text[s.start:s.end],
            "source_start": src[0] if src else None, "source_end": src[1] if src else None,
            "source_text": self.text[src[0]:src[1]] if src else None,
            "cue_start": cue[0] if cue else None, "cue_end": cue[1] if cue else None,
            "cue_text": self.text[cue[0]:cue[1]] if cue else None,
            "label": self.label, "confidence": s.confidence, "reasons": list(s.reasons),
        }


def run_engine(text: str, *, outlet: str = "",
               cancelled: Callable[[], bool] | None = None) -> list[AttributionSuggestion]:
    """The engine's raw suggestions for ``text``: pure, no project, safe in a worker thread.

    Facets are parsed when a suggestion is accepted, not for every one proposed.
    Raises :class:`~annotator.domain.suggest.SuggestionCancelled` when ``cancelled``
    answers true.
    """
    return suggest_attributions(text, outlet=outlet, with_facets=False, cancelled=cancelled)


def pending(raw: Iterable[AttributionSuggestion], text: str, label_keys: Sequence[str], *,
            outlet: str = "", exclude: Iterable[tuple[int, int]] = (),
            rejected: Iterable[tuple[int, int, int, int]] = ()) -> list[Proposal]:
    """Raw suggestions mapped onto ``label_keys``, minus the ones already settled.

    ``exclude`` are claim spans already annotated; ``rejected`` are suggestion keys
    (:meth:`AttributionSuggestion.key`) the analyst rejected. Cheap: the window runs the
    engine once per article text and calls this again after every accept or reject.
    """
    taken = set(exclude)
    no = set(rejected)
    return [Proposal(s, map_kind(s.kind, label_keys), text, outlet) for s in raw
            if (s.start, s.end) not in taken and s.key() not in no]


def propose(text: str, label_keys: Sequence[str], *, outlet: str = "",
            exclude: Iterable[tuple[int, int]] = (),
            rejected: Iterable[tuple[int, int, int, int]] = ()) -> list[Proposal]:
    """Suggestions for ``text`` mapped onto ``label_keys`` (engine run + :func:`pending`)."""
    return pending(run_engine(text, outlet=outlet), text, label_keys, outlet=outlet,
                   exclude=exclude, rejected=rejected)


def _label_keys(project: Project) -> list[str]:
    return [lab.key for lab in project.labels() if not lab.retired]


def for_article(project: Project, article_id: int) -> list[Proposal]:
    """Suggestions for a stored article, minus annotated spans and rejected ones."""
    article = articles.get_article(project, article_id)
    return pending_for_article(project, article_id, run_engine(article.text,
                                                               outlet=article.outlet),
                               article.text, outlet=article.outlet)


def pending_for_article(project: Project, article_id: int,
                        raw: Iterable[AttributionSuggestion], text: str, *,
                        outlet: str = "") -> list[Proposal]:
    """:func:`pending` with what the project knows now: annotated spans, rejections."""
    existing = {(a.start, a.end) for a in articles.load_annotations(project, article_id)}
    return pending(raw, text, _label_keys(project), outlet=outlet, exclude=existing,
                   rejected=rejected_keys(project, article_id))


def rejected_keys(project: Project, article_id: int) -> set[tuple[int, int, int, int]]:
    """Keys of the suggestions rejected in this article (none until stored)."""
    from annotator.storage import suggestion_crud

    with project.reading() as session:
        return suggestion_crud.rejected_keys(session=session, article_id=article_id)


def expand_paths(paths: Sequence[str | Path]) -> list[Path]:
    """Files named, and the article files inside folders named (sorted, recursive)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*")
                           if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            if not found:
                raise UserInputError(f"{path}: folder has no article files "
                                     f"({', '.join(SUPPORTED_SUFFIXES)})")
            out.extend(found)
        elif not path.exists():
            raise UserInputError(f"{path}: no such file")
        else:
            out.append(path)
    return out


def for_files(project: Project, paths: Sequence[str | Path]) -> Iterator[tuple[Path, Proposal]]:
    """Suggestions for article files not (necessarily) in the project.

    Every file is read and normalised first (LF newlines, the same conversion as
    ``annotator add``), so an unreadable file fails the run before anything is printed.
    """
    files = expand_paths(paths)
    prepared = [articles._prepare(p, None) for p in files]  # same reading as `add`
    keys = _label_keys(project)
    for item in prepared:
        for proposal in propose(item.text, keys, outlet=item.outlet):
            yield item.path, proposal


def _facets_json(values: dict[str, object]) -> str:
    """Canonical facets JSON from the parser's values; invalid ones are left out."""
    import json

    from annotator.domain.facets_codec import canonical_facets_json

    kept: dict[str, object] = {}
    for name, value in values.items():
        try:
            canonical_facets_json(json.dumps({**kept, name: value}))
        except (ValueError, TypeError):
            continue
        kept[name] = value
    return canonical_facets_json(json.dumps(kept))


def accept(project: Project, proposal: Proposal, *, article_id: int, annotator: str,
           label: str | None = None, span: tuple[int, int] | None = None,
           source: tuple[int, int] | None | bool = True) -> Annotation:
    """Create the annotation a suggestion proposes, in one transaction.

    ``label`` overrides the proposed type (a digit key), ``span`` the claim boundaries
    the analyst adjusted, ``source`` the source span (``True`` = as proposed, ``None``
    = none). The annotation gets the suggested facets, and its cue, fragments and
    provenance ``"suggested"`` are stored beside it.
    """
    from annotator.domain.model import make_annotation, utc_now_iso
    from annotator.services.annotate import _check_against_db, _check_label_stored
    from annotator.storage import crud, suggestion_crud

    s = proposal.suggestion
    start, end = span or (s.start, s.end)
    src = s.source if source is True else (source or None)
    key = label or proposal.label
    try:
        ann = make_annotation(article_id=article_id, article_text=proposal.text,
                              annotator=annotator, label=key, start=start, end=end,
                              source=src)  # type: ignore[arg-type]
    except ValueError as exc:
        raise UserInputError(str(exc)) from None
    ann = ann.with_changes(facets=_facets_json(facets_of(proposal.text, s,
                                                         outlet=proposal.outlet)))
    fragments = s.fragments if span is None else ((start, end),)
    with project.transaction() as session:
        _check_label_stored(session, key, new=True)
        _check_against_db(session, ann)
        crud.insert_annotation(session=session, annotation=ann)
        crud.add_event(session=session, annotation=ann, actor=annotator, action="created",
                       detail={"label": ann.label, "start": ann.start, "end": ann.end,
                               "provenance": "suggested", "stamp": utc_now_iso()})
        suggestion_crud.put_detail(session=session, annotation_id=ann.id,
                                   article_id=article_id, cue=s.cue, fragments=fragments,
                                   provenance="suggested")
    return ann


def reject(project: Project, article_id: int, proposals: Iterable[Proposal], *,
           by: str) -> None:
    """Remember rejected suggestions so that they are not proposed again."""
    from annotator.domain.model import utc_now_iso
    from annotator.storage import suggestion_crud

    with project.transaction() as session:
        suggestion_crud.reject(session=session, article_id=article_id,
                               keys=[p.suggestion.key() for p in proposals], by=by,
                               at=utc_now_iso())


def unreject(project: Project, article_id: int, proposals: Iterable[Proposal]) -> None:
    """Undo of :func:`reject`."""
    from annotator.storage import suggestion_crud

    with project.transaction() as session:
        suggestion_crud.unreject(session=session, article_id=article_id,
                                 keys=[p.suggestion.key() for p in proposals])


def attribution_details(project: Project, article_id: int) -> dict[str, object]:
    """``{annotation_id: AttributionDetail}`` (cue, fragments, provenance) of an article."""
    from annotator.storage import suggestion_crud

    with project.reading() as session:
        return dict(suggestion_crud.details(session=session, article_id=article_id))
