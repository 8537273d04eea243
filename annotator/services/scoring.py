"""Attribution-strength scores for stored annotations (rubric from ``resources/``).

The rubric file is read once per project; scores are computed on demand from an
annotation's label and facets, so editing the rubric never requires touching stored
annotations.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from annotator.domain.facets import Facets
from annotator.domain.facets_codec import decode_facets
from annotator.domain.model import Annotation
from annotator.domain.rubric import Rubric, Score, load_rubric, score
from annotator.services.project import Project
from annotator.services.resources import RESOURCES

if TYPE_CHECKING:
    from annotator.domain.mention_parser import Suggestions

DEFAULT_RUBRIC = RESOURCES / "rubric.json"

_cache: dict[tuple[str, str], Rubric] = {}


def project_rubric(project: Project, path: Path | None = None) -> Rubric:
    """The rubric in force for ``project`` (the shipped file unless ``path`` is given)."""
    rubric_path = path or DEFAULT_RUBRIC
    key = (str(rubric_path), ",".join(lab.key for lab in project.labels()))
    if key not in _cache:
        _cache[key] = load_rubric(rubric_path)
    return _cache[key]


def facets_of(annotation: Annotation) -> Facets:
    return decode_facets(annotation.facets)


def score_annotation(annotation: Annotation, rubric: Rubric) -> Score:
    return score(annotation.label, facets_of(annotation), rubric)


def sentence_around(text: str, start: int, end: int, *, limit: int = 400) -> str:
    """The sentence(s) containing ``[start, end)``: context for the cue verb and hedges."""
    lo = max(text.rfind("\n", 0, start), max(text.rfind(". ", 0, start), -1))
    lo = max(lo + 1, start - limit)
    hits = [i for i in (text.find("\n", end), text.find(". ", end)) if i != -1]
    hi = min(min(hits) + 1 if hits else len(text), end + limit)
    return text[lo:hi]


def suggestions_for(annotation: Annotation, article_text: str, outlet: str = "") -> Suggestions:
    """Facet suggestions from the annotation's source mention and its sentence."""
    from annotator.domain.mention_parser import suggest_facets

    if annotation.source_start is not None and annotation.source_end is not None:
        mention = article_text[annotation.source_start:annotation.source_end]
        s, e = min(annotation.start, annotation.source_start), max(annotation.end,
                                                                   annotation.source_end)
    else:
        mention, s, e = "", annotation.start, annotation.end
    return suggest_facets(mention, sentence_around(article_text, s, e), outlet=outlet)
