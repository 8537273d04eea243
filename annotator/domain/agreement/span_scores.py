"""Precision, recall and F1 of one annotator against a reference, four matching regimes.

Answers "did they mark the same stretches of text?". Reading the regimes together says what
kind of disagreement dominates (boundaries or labels), which a single F1 hides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from annotator.domain.agreement.matching import Matching, match_spans
from annotator.domain.agreement.spans import S


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class PRF:
    """Counts and precision / recall / F1 of a candidate annotator against a reference.

    ``tp`` counts matched *reference* spans (the recall numerator) and ``tp_candidate``
    matched *candidate* spans (the precision numerator). They are equal for every overall
    score and for per-label scores of label-aware modes; they differ only in per-label rows
    of the "any label" modes, where a reference span labelled X may be matched by a
    candidate span labelled Y: recall for X counts it, precision for Y counts it.

    ``precision`` is ``None`` when there are no candidate spans, ``recall`` when there are
    no reference spans, and ``f1`` (harmonic mean) when either is ``None``; it is 0.0 when
    both are 0.0.
    """

    tp: int
    fp: int
    fn: int
    tp_candidate: int

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp_candidate, self.tp_candidate + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


@dataclass(frozen=True)
class SpanScores:
    """Overall scores and a breakdown for every label used by either side (sorted by label).

    Per-label rows attribute a pair to the reference span's label for recall and to the
    candidate span's label for precision (see :class:`PRF`).
    """

    overall: PRF
    per_label: Mapping[str, PRF]


def score_matching(matching: Matching[S]) -> SpanScores:
    """Turn a :class:`Matching` into overall and per-label :class:`PRF` scores."""
    tp_ref: Counter[str] = Counter(a.label for a, _ in matching.pairs)
    tp_cand: Counter[str] = Counter(b.label for _, b in matching.pairs)
    fn: Counter[str] = Counter(s.label for s in matching.unmatched_reference)
    fp: Counter[str] = Counter(s.label for s in matching.unmatched_candidate)
    labels = sorted(set(tp_ref) | set(tp_cand) | set(fn) | set(fp))
    n = len(matching.pairs)
    return SpanScores(
        overall=PRF(
            tp=n,
            fp=len(matching.unmatched_candidate),
            fn=len(matching.unmatched_reference),
            tp_candidate=n,
        ),
        per_label={
            label: PRF(tp=tp_ref[label], fp=fp[label], fn=fn[label], tp_candidate=tp_cand[label])
            for label in labels
        },
    )


@dataclass(frozen=True)
class SpanAgreement:
    """Candidate-vs-reference scores under the four matching regimes.

    Reading them together says *what kind* of disagreement dominates: a big gap between
    ``overlap_any_label`` and ``exact_any_label`` means boundary placement; between
    ``exact_any_label`` and ``exact_label`` means labelling.
    """

    exact_label: SpanScores
    exact_any_label: SpanScores
    overlap_label: SpanScores
    overlap_any_label: SpanScores


def span_agreement(reference: Iterable[S], candidate: Iterable[S]) -> SpanAgreement:
    """Score ``candidate`` (annotator B) against ``reference`` (annotator A) four ways."""
    a, b = list(reference), list(candidate)

    def score(overlap: bool, same_label: bool) -> SpanScores:
        return score_matching(match_spans(a, b, overlap=overlap, same_label=same_label))

    return SpanAgreement(
        exact_label=score(False, True),
        exact_any_label=score(False, False),
        overlap_label=score(True, True),
        overlap_any_label=score(True, False),
    )
