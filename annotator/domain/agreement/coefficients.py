"""Chance-corrected coefficients on nominal values: Cohen's κ, Fleiss' κ, Krippendorff's α.

Raw percent agreement flatters a skewed taxonomy, so these are what is reported. They know
nothing of spans — callers build the units (:mod:`.label_units`) — which is also what lets
the per-facet agreement reuse :func:`krippendorff_alpha_nominal` unchanged. Exact integer /
:class:`~fractions.Fraction` arithmetic, ``None`` where the coefficient is undefined.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import TypeVar

V = TypeVar("V", bound=Hashable)
U = TypeVar("U", bound=Hashable)
R = TypeVar("R", bound=Hashable)


def cohen_kappa(pairs: Iterable[tuple[V, V]]) -> float | None:
    """Cohen's kappa for two raters on nominal categories.

    ``pairs`` holds one ``(rater_a, rater_b)`` value pair per unit; units either rater
    skipped must be left out (kappa has no notion of missing data; use
    :func:`krippendorff_alpha_nominal` for that). Chance agreement uses each rater's own
    marginal distribution. Returns ``None`` with no units, or when chance agreement is 1
    (both raters used one and the same category throughout), where kappa is 0/0.
    """
    n = agree = 0
    first: Counter[V] = Counter()
    second: Counter[V] = Counter()
    for x, y in pairs:
        n += 1
        agree += x == y
        first[x] += 1
        second[y] += 1
    # kappa = (po - pe) / (1 - pe), multiplied through by n^2 to stay in integers.
    chance = sum(count * second[value] for value, count in first.items())
    denominator = n * n - chance
    if denominator == 0:
        return None
    return (n * agree - chance) / denominator


def fleiss_kappa(units: Iterable[Sequence[V]]) -> float | None:
    """Fleiss' kappa: nominal agreement of many raters, each unit rated the same number of times.

    ``units`` holds, per unit, the list of values it received (which rater gave which does
    not matter to Fleiss' kappa). Every unit must have the same number of values, at least
    two; otherwise ``ValueError`` is raised rather than silently computing a statistic whose
    derivation assumes a constant number of raters (use :func:`krippendorff_alpha_nominal`
    for incomplete data). Returns ``None`` with no units or when expected agreement is 1
    (everyone used a single category).
    """
    n_units = squares = 0
    n_raters: int | None = None
    totals: Counter[V] = Counter()
    for ratings in units:
        if n_raters is None:
            n_raters = len(ratings)
            if n_raters < 2:
                raise ValueError("Fleiss' kappa needs at least two ratings per unit")
        elif len(ratings) != n_raters:
            raise ValueError(
                f"Fleiss' kappa needs the same number of ratings per unit "
                f"({n_raters} expected, got {len(ratings)})"
            )
        counts = Counter(ratings)
        squares += sum(c * c for c in counts.values())
        totals.update(counts)
        n_units += 1
    if n_raters is None:
        return None
    ratings_total = n_units * n_raters
    observed = Fraction(squares - ratings_total, ratings_total * (n_raters - 1))
    expected = Fraction(sum(t * t for t in totals.values()), ratings_total * ratings_total)
    if expected == 1:
        return None
    return float((observed - expected) / (1 - expected))


def krippendorff_alpha_nominal(units: Mapping[U, Mapping[R, V | None]]) -> float | None:
    """Krippendorff's alpha for nominal data, from the coincidence-matrix definition.

    ``units`` maps each unit to ``{rater: value}``. A rater absent from a unit, or a value of
    ``None`` (or NaN), is missing data; any number of raters is allowed. This is also the
    per-facet helper: pass ``{unit: {rater: facet_value}}`` for any categorical facet.

    Within a unit with ``m >= 2`` values, every ordered pair of values from different raters
    adds ``1/(m-1)`` to the coincidence matrix ``o``; units with fewer than two values are
    not pairable and ignored. With ``n_c`` the marginals and ``n`` their total::

        alpha = 1 - (n - 1) * (n - sum_c o_cc) / (n**2 - sum_c n_c**2)

    which is ``1 - D_o / D_e`` for the nominal metric. Returns ``None`` when the expected
    disagreement is zero: no pairable values, or only one category among them.
    """
    n_c: Counter[V] = Counter()
    # sum_c o_cc accumulated per unit size m as an integer numerator over (m - 1).
    diagonal: Counter[int] = Counter()
    for ratings in units.values():
        # ``v == v`` drops NaN, which numpy users write for "missing" and which could never
        # be counted as agreeing with anything anyway.
        values = [v for v in ratings.values() if v is not None and v == v]
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        n_c.update(counts)
        diagonal[m] += sum(c * (c - 1) for c in counts.values())
    n = sum(n_c.values())
    expected = n * n - sum(c * c for c in n_c.values())
    if expected == 0:
        return None
    agreeing = sum((Fraction(total, m - 1) for m, total in diagonal.items()), Fraction(0))
    return float(1 - (n - 1) * (n - agreeing) / expected)
