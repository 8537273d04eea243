"""Krippendorff's unitized alpha (α_U): agreement on where units of each label were put.

κ and α see only spans whose boundaries match exactly (or pairs an overlap matching
found). α_U measures the unitizing itself — where each rater put units of each label on
the continuum (the article), against the gaps — and is chance-corrected like α, so an
analyst whose spans are all a little wider still agrees nearly perfectly. Definition
(Krippendorff 1995, "On the reliability of unitizing contiguous data", *Sociological
Methodology* 25:47–76; 2004, *Content Analysis*, 2nd ed., §12.4), as implemented by DKPro
Statistics' ``KrippendorffAlphaUnitizingAgreement`` (read to confirm it), in
:func:`krippendorff_alpha_unitized` and docs/agreement.md; the tests reproduce the
worked example of Krippendorff (2004, p. 254) and cases worked by hand.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple, TypeVar

from annotator.domain.agreement.spans import SpanLike, ranked

R = TypeVar("R", bound=Hashable)


@dataclass(frozen=True)
class UnitizedCategory:
    """α_U of one label: its observed and expected disagreement and how many units.

    ``alpha`` is ``None`` when the expected disagreement is zero (no unit of the label,
    or fewer than two raters) — there is nothing to measure, which is not agreement.
    """

    alpha: float | None
    observed: Fraction
    expected: Fraction
    n_units: int


@dataclass(frozen=True)
class UnitizedAlpha:
    """Krippendorff's α_U over a continuum, overall and per label (sorted by label).

    ``alpha`` (overall) is ``1 - sum(D_o,c) / sum(D_e,c)`` over every label used —
    DKPro Statistics averages both over the labels, which gives the same ratio — and is
    ``None`` when that sum of expected disagreements is zero.
    """

    alpha: float | None
    per_label: Mapping[str, UnitizedCategory]
    n_raters: int
    begin: int
    length: int


class _Segment(NamedTuple):
    begin: int
    length: int
    unit: bool  # True: a unit of the label; False: a gap between units


def _segments(units: Sequence[tuple[int, int]], begin: int, end: int) -> list[_Segment]:
    """A rater's continuum for one label: its units and the gaps between them, in order."""
    out: list[_Segment] = []
    pos = begin
    for s, e in units:
        if s > pos:
            out.append(_Segment(pos, s - pos, False))
        out.append(_Segment(s, e - s, True))
        pos = e
    if end > pos:
        out.append(_Segment(pos, end - pos, False))
    return out


def _unit_distance(a: _Segment, b: _Segment) -> int:
    """Krippendorff's δ² between two segments of different raters that intersect.

    Two units that overlap: the squared differences of their begins and of their ends.
    A unit lying entirely inside the other rater's gap: its length squared. Anything
    else (gap against gap, a unit only partly over a gap) contributes nothing — the
    overlapping unit of the other rater accounts for that stretch.
    """
    if a.unit and b.unit:
        d_begin = a.begin - b.begin
        d_end = (a.begin + a.length) - (b.begin + b.length)
        return d_begin * d_begin + d_end * d_end
    if a.unit and b.begin <= a.begin and a.begin + a.length <= b.begin + b.length:
        return a.length * a.length
    if b.unit and a.begin <= b.begin and b.begin + b.length <= a.begin + a.length:
        return b.length * b.length
    return 0


def _pair_disagreement(x: Sequence[_Segment], y: Sequence[_Segment]) -> int:
    """Sum of δ² over every pair of intersecting segments of two raters (a merge walk)."""
    total = i = j = 0
    while i < len(x) and j < len(y):
        a, b = x[i], y[j]
        if max(a.begin, b.begin) < min(a.begin + a.length, b.begin + b.length):
            total += _unit_distance(a, b)
        if a.begin + a.length <= b.begin + b.length:
            i += 1
        else:
            j += 1
    return total


def _merged(spans: Iterable[tuple[int, int]], begin: int, end: int) -> list[tuple[int, int]]:
    """A rater's spans of one label clipped to the continuum, overlapping ones united.

    α_U needs each rater's units of a label to be a segmentation (DKPro: "units coded
    with the same categories by a single rater may not overlap"); an analyst who tagged
    nested or overlapping spans with one label has marked their union as that label.
    """
    out: list[list[int]] = []
    for s, e in sorted((max(s, begin), min(e, end)) for s, e in spans):
        if e <= s:
            continue
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def krippendorff_alpha_unitized(
    spans_by_rater: Mapping[R, Iterable[SpanLike]], *, begin: int = 0, length: int,
) -> UnitizedAlpha:
    """Krippendorff's unitized alpha α_U of raters who marked spans on one continuum.

    The continuum is ``[begin, begin + length)`` (an article: ``begin=0``,
    ``length=len(text)``, code points). Every key of ``spans_by_rater`` is a rater, one
    with no spans included (they marked nothing: that disagrees with whoever marked
    something). Each label is its own binary unitizing (units of the label against the
    gaps between them), following Krippendorff (1995; 2004, §12.4) as implemented by
    DKPro Statistics' ``KrippendorffAlphaUnitizingAgreement``. With ``m`` raters,
    ``L = length``, for label ``c``::

        D_o,c = Σ_{ordered rater pairs i≠j} Σ_{segments g of i, h of j intersecting} δ²(g, h)
                / (m (m − 1) L²)

        D_e,c = 2/L · Σ_{units u of c, length l} [ (N_c − 1)(2l³ − 3l² + l)/3
                                                   + l² Σ_{gaps G, |G| ≥ l} (|G| − l + 1) ]
                / (m L (m L − 1) − Σ_{units u of c} l (l − 1))

        α_c = 1 − D_o,c / D_e,c        α_U = 1 − Σ_c D_o,c / Σ_c D_e,c

    where ``N_c`` counts the units of ``c`` of all raters, the gaps ``G`` are every
    rater's stretches between its units of ``c`` (other labels' units included), and
    ``δ²`` is :func:`_unit_distance`. Exact rational arithmetic throughout; reproduces
    Krippendorff's (2004, p. 254) worked example: α_U = 0.8591, α_c = 0.7286, α_k = 1.
    """
    if length <= 0:
        raise ValueError(f"the continuum must have a positive length, not {length}")
    end = begin + length
    raters = list(spans_by_rater)
    m = len(raters)
    by_label: dict[str, dict[int, list[tuple[int, int]]]] = defaultdict(dict)
    for k, rater in enumerate(raters):
        for span in ranked(spans_by_rater[rater]):
            by_label[span.label].setdefault(k, []).append((span.start, span.end))
    per_label: dict[str, UnitizedCategory] = {}
    total_o = total_e = Fraction(0)
    for label in sorted(by_label):
        units = [_merged(by_label[label].get(k, ()), begin, end) for k in range(m)]
        segs = [_segments(u, begin, end) for u in units]
        lengths = [e - s for u in units for s, e in u]
        observed = expected = Fraction(0)
        if m >= 2:
            pairs = sum(_pair_disagreement(segs[i], segs[j])
                        for i in range(m) for j in range(i + 1, m))
            observed = Fraction(2 * pairs, m * (m - 1) * length * length)
            expected = _expected_disagreement(lengths, segs, m, length)
        alpha = None if expected == 0 else float(1 - observed / expected)
        per_label[label] = UnitizedCategory(alpha, observed, expected, len(lengths))
        total_o += observed
        total_e += expected
    return UnitizedAlpha(
        alpha=None if total_e == 0 else float(1 - total_o / total_e),
        per_label=per_label, n_raters=m, begin=begin, length=length,
    )


def _expected_disagreement(lengths: Sequence[int], segs: Sequence[Sequence[_Segment]],
                           m: int, length: int) -> Fraction:
    """D_e,c of :func:`krippendorff_alpha_unitized`, with the gap sums by suffix sums."""
    n_c = len(lengths)
    if n_c == 0:
        return Fraction(0)
    gaps = sorted(g.length for rater in segs for g in rater if not g.unit)
    suffix = [0] * (len(gaps) + 1)  # suffix[k] = sum(gaps[k:])
    for k in range(len(gaps) - 1, -1, -1):
        suffix[k] = suffix[k + 1] + gaps[k]
    numerator = Fraction(0)
    for ln in lengths:
        k = bisect_left(gaps, ln)
        fitting = len(gaps) - k  # gaps at least as long as the unit
        gap_sum = suffix[k] - (ln - 1) * fitting  # Σ (|G| − l + 1)
        numerator += Fraction((n_c - 1) * (2 * ln ** 3 - 3 * ln ** 2 + ln), 3) \
            + ln * ln * gap_sum
    denominator = m * length * (m * length - 1) - sum(ln * (ln - 1) for ln in lengths)
    return numerator * Fraction(2, length) / denominator
