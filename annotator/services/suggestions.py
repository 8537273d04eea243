"""Attribution suggestions for articles in the project or for files on disk.

The engine (:mod:`annotator.domain.suggest`) knows only text; this layer adds what
the project knows: the article's outlet, its taxonomy (kinds are mapped onto the
project's label keys, an unmapped kind becomes ``other``), the spans already
annotated (never proposed again) and the suggestions an analyst rejected.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from annotator.domain.errors import UserInputError
from annotator.domain.suggest import AttributionSuggestion, map_kind, suggest_attributions
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


def propose(text: str, label_keys: Sequence[str], *, outlet: str = "",
            exclude: Iterable[tuple[int, int]] = (),
            rejected: Iterable[tuple[int, int, int, int]] = ()) -> list[Proposal]:
    """Suggestions for ``text`` mapped onto ``label_keys``.

    ``exclude`` are claim spans already annotated; ``rejected`` are suggestion keys
    (:meth:`AttributionSuggestion.key`) the analyst rejected.
    """
    taken = set(exclude)
    no = set(rejected)
    out: list[Proposal] = []
    for s in suggest_attributions(text, outlet=outlet):
        if (s.start, s.end) in taken or s.key() in no:
            continue
        out.append(Proposal(s, map_kind(s.kind, label_keys), text))
    return out


def _label_keys(project: Project) -> list[str]:
    return [lab.key for lab in project.labels() if not lab.retired]


def for_article(project: Project, article_id: int) -> list[Proposal]:
    """Suggestions for a stored article, minus annotated spans and rejected ones."""
    article = articles.get_article(project, article_id)
    existing = {(a.start, a.end) for a in articles.load_annotations(project, article_id)}
    return propose(article.text, _label_keys(project), outlet=article.outlet,
                   exclude=existing, rejected=rejected_keys(project, article_id))


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
