"""Label agreement: which units raters labelled, and κ/α over them.

Answers "given the same stretch, did they give it the same label?" — on exact-span units
(boundary disagreements never count against labels; the span scores measure those) or on
the pairs of an overlap matching (so boundary differences no longer hide label agreement).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from annotator.domain.agreement.coefficients import (
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha_nominal,
)
from annotator.domain.agreement.matching import Matching
from annotator.domain.agreement.spans import S, SpanLike, ranked

R = TypeVar("R", bound=Hashable)


class SpanUnit(NamedTuple):
    """A unit of label agreement: one exact span, and which occurrence of it.

    ``occurrence`` is 0 unless some rater tagged these exact boundaries more than once.
    """

    start: int
    end: int
    occurrence: int


def span_label_units(
    spans_by_rater: Mapping[R, Iterable[SpanLike]],
) -> dict[SpanUnit, dict[R, str]]:
    """Build label-agreement units from every distinct exact span any rater tagged.

    A rater with no span at a unit's boundaries is missing there (so alpha treats it as
    missing data, not as disagreement). Boundary disagreements therefore never count
    against label agreement; they are measured by the span scores instead.

    If a rater tagged the same boundaries several times, the unit is split into
    occurrences. Each rater's labels there are ordered by how many raters used the label at
    those boundaries (then by name) and laid into occurrences 0, 1, ... in that order, so
    popular labels line up with each other. This is a deterministic heuristic for a rare
    case; with one span per rater per boundary (the normal case) it plays no role.
    """
    grouped: dict[tuple[int, int], dict[R, list[str]]] = defaultdict(dict)
    for rater, spans in spans_by_rater.items():
        for span in ranked(spans):
            grouped[(span.start, span.end)].setdefault(rater, []).append(span.label)
    units: dict[SpanUnit, dict[R, str]] = {}
    for (start, end), by_rater in sorted(grouped.items(), key=lambda item: item[0]):
        popularity = Counter(label for labels in by_rater.values() for label in set(labels))
        for rater, labels in by_rater.items():
            labels.sort(key=lambda label: (-popularity[label], label))
            for k, label in enumerate(labels):
                units.setdefault(SpanUnit(start, end, k), {})[rater] = label
    return dict(sorted(units.items()))


@dataclass(frozen=True)
class LabelAgreement:
    """Chance-corrected label agreement on exact-span units.

    ``alpha`` uses every unit (missing raters allowed). ``fleiss_kappa`` and ``cohen_kappa``
    need complete data, so they use only the ``n_complete_units`` units every rater
    labelled; ``cohen_kappa`` is ``None`` unless there are exactly two raters and
    ``fleiss_kappa`` is ``None`` with fewer than two.
    """

    n_raters: int
    n_units: int
    n_complete_units: int
    alpha: float | None
    fleiss_kappa: float | None
    cohen_kappa: float | None


def label_agreement(spans_by_rater: Mapping[R, Iterable[SpanLike]]) -> LabelAgreement:
    """Label agreement among raters over :func:`span_label_units` units.

    Every key of ``spans_by_rater`` counts as a rater, even one with no spans (which leaves
    no complete units for the kappas).
    """
    units = span_label_units(spans_by_rater)
    raters = list(spans_by_rater)
    complete = [unit for unit in units.values() if len(unit) == len(raters)]
    fleiss: float | None = None
    cohen: float | None = None
    if len(raters) >= 2:
        fleiss = fleiss_kappa([[unit[r] for r in raters] for unit in complete])
    if len(raters) == 2:
        first, second = raters
        cohen = cohen_kappa((unit[first], unit[second]) for unit in complete)
    return LabelAgreement(
        n_raters=len(raters),
        n_units=len(units),
        n_complete_units=len(complete),
        alpha=krippendorff_alpha_nominal(units),
        fleiss_kappa=fleiss,
        cohen_kappa=cohen,
    )


def label_agreement_on_pairs(matching: Matching[S]) -> LabelAgreement:
    """Label agreement of two raters on the pairs of an overlap matching.

    Each matched pair (``match_spans(a, b, overlap=True, same_label=False)``) is a unit
    labelled by both raters, so boundary differences no longer hide label agreement;
    unmatched spans are not units (nothing to compare their label with). All three
    coefficients use the same complete units.
    """
    units = {k: {0: x.label, 1: y.label} for k, (x, y) in enumerate(matching.pairs)}
    return LabelAgreement(
        n_raters=2,
        n_units=len(units),
        n_complete_units=len(units),
        alpha=krippendorff_alpha_nominal(units),
        fleiss_kappa=fleiss_kappa([[x.label, y.label] for x, y in matching.pairs]),
        cohen_kappa=cohen_kappa((x.label, y.label) for x, y in matching.pairs),
    )
