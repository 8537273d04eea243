"""Krippendorff's unitized alpha (α_U) and the maximum overlap matching.

α_U is checked against Krippendorff's (2004, *Content Analysis* 2nd ed., p. 254) worked
example — the numbers DKPro Statistics' ``Krippendorff2004Test`` asserts — and against
small cases worked by hand from the definition in docs/agreement.md.
"""

from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain.agreement import (
    krippendorff_alpha_unitized,
    label_agreement_on_pairs,
    match_spans,
    span_agreement,
)


class Sp(NamedTuple):
    start: int
    end: int
    label: str


# Krippendorff (2004, p. 254): a continuum of 300 positions (150–450), observers i and j.
OBSERVER_I = [Sp(225, 295, "c"), Sp(370, 400, "c"), Sp(180, 240, "k"), Sp(300, 350, "k")]
OBSERVER_J = [Sp(220, 300, "c"), Sp(355, 375, "c"), Sp(400, 420, "c"), Sp(180, 240, "k"),
              Sp(300, 350, "k")]


def test_krippendorff_2004_worked_example() -> None:
    result = krippendorff_alpha_unitized({"i": OBSERVER_I, "j": OBSERVER_J},
                                         begin=150, length=300)
    c, k = result.per_label["c"], result.per_label["k"]
    # Per label, as published (and as DKPro asserts, to 1e-4).
    assert c.observed == Fraction(13, 900)  # 0.0144
    assert float(c.expected) == pytest.approx(0.0532, abs=1e-4)
    assert float(k.expected) == pytest.approx(0.0490, abs=1e-4)
    assert k.observed == 0
    assert c.alpha == pytest.approx(0.7286, abs=1e-4)
    assert k.alpha == pytest.approx(1.0000, abs=1e-4)
    assert (c.n_units, k.n_units) == (5, 4)
    # Overall: the book's 0.8591 is 1 − 0.0144 / (0.0532 + 0.0490), i.e. computed from
    # the disagreements rounded to four places; exactly, α_U = 0.85867 (DKPro's own test
    # allows ±0.0005 for this reason).
    rounded = [round(float(x), 4) for x in (c.observed, c.expected, k.expected)]
    assert 1 - rounded[0] / (rounded[1] + rounded[2]) == pytest.approx(0.8591, abs=1e-4)
    exact = 1 - (c.observed + k.observed) / (c.expected + k.expected)
    assert result.alpha == pytest.approx(float(exact), abs=1e-15)
    assert result.alpha == pytest.approx(0.858665, abs=1e-6)
    assert result.alpha == pytest.approx(0.8591, abs=5e-4)


def test_hand_computed_unit_against_nothing() -> None:
    # L = 10; A marks c at 0–5, B nothing.
    # D_o = 2·25 / (2·1·10²) = 1/4 (A's unit lies inside B's gap: δ² = 5²).
    # D_e = (2/10)·5²·((10−5+1) + (5−5+1)) / (2·10·19 − 5·4) = 35/360 = 7/72.
    result = krippendorff_alpha_unitized({"a": [Sp(0, 5, "c")], "b": []}, length=10)
    c = result.per_label["c"]
    assert (c.observed, c.expected) == (Fraction(1, 4), Fraction(7, 72))
    assert c.alpha == pytest.approx(float(Fraction(-11, 7)))
    assert result.alpha == c.alpha


def test_hand_computed_shifted_units() -> None:
    # L = 10; A: c 0–4, B: c 2–6. Overlapping units: δ² = (0−2)² + (4−6)² = 8.
    # D_o = 2·8 / (2·100) = 2/25.
    # Gaps: A 6; B 2, 4. Each unit (l = 4): (2−1)(2·64 − 3·16 + 4)/3 = 28, plus
    # 16·((4−4+1) + (6−4+1)) = 64 → 92; both: 184; D_e = 184·(2/10) / (20·19 − 2·12) = 46/445.
    # α = 1 − (2/25)/(46/445) = 26/115.
    result = krippendorff_alpha_unitized({"a": [Sp(0, 4, "c")], "b": [Sp(2, 6, "c")]},
                                         length=10)
    c = result.per_label["c"]
    assert (c.observed, c.expected) == (Fraction(2, 25), Fraction(46, 445))
    assert c.alpha == pytest.approx(26 / 115)


def test_hand_computed_three_raters() -> None:
    # L = 10; A and B mark c at 0–5, C nothing. Pairs: (A,B) 0, (A,C) 25, (B,C) 25.
    # D_o = 2·50 / (3·2·100) = 1/6. Gaps 5, 5, 10; each unit: (2−1)(250 − 75 + 5)/3 = 60
    # + 25·(1 + 1 + 6) = 200 → 260; both 520; D_e = 520·(2/10) / (30·29 − 2·20) = 52/415.
    # α = 1 − (1/6)/(52/415) = −103/312.
    result = krippendorff_alpha_unitized(
        {"a": [Sp(0, 5, "c")], "b": [Sp(0, 5, "c")], "x": []}, length=10)
    c = result.per_label["c"]
    assert (c.observed, c.expected) == (Fraction(1, 6), Fraction(52, 415))
    assert c.alpha == pytest.approx(-103 / 312)


def test_overall_pools_the_labels() -> None:
    # c as in the shifted case, k as in the unit-against-nothing case.
    result = krippendorff_alpha_unitized(
        {"a": [Sp(0, 4, "c"), Sp(0, 5, "k")], "b": [Sp(2, 6, "c")]}, length=10)
    expected = 1 - (Fraction(2, 25) + Fraction(1, 4)) / (Fraction(46, 445) + Fraction(7, 72))
    assert result.alpha == pytest.approx(float(expected))
    assert result.alpha == pytest.approx(float(Fraction(-20731, 32135)))


def test_identical_unitizing_is_one_and_nothing_is_undefined() -> None:
    same = [Sp(2, 5, "c"), Sp(7, 9, "k")]
    result = krippendorff_alpha_unitized({"a": same, "b": list(same)}, length=10)
    assert result.alpha == 1.0 and all(v.alpha == 1.0 for v in result.per_label.values())
    empty = krippendorff_alpha_unitized({"a": [], "b": []}, length=10)
    assert empty.alpha is None and dict(empty.per_label) == {}
    alone = krippendorff_alpha_unitized({"a": same}, length=10)
    assert alone.alpha is None and alone.per_label["c"].alpha is None
    with pytest.raises(ValueError):
        krippendorff_alpha_unitized({"a": same}, length=0)


def test_wider_spans_agree_nearly_although_no_boundary_matches() -> None:
    """The issue's case: one analyst's spans all two characters wider."""
    a = [Sp(10 * k + 2, 10 * k + 6, "x") for k in range(20)]
    b = [Sp(s - 1, e + 1, "x") for s, e, _ in a]
    alpha = krippendorff_alpha_unitized({"a": a, "b": b}, length=200).alpha
    assert alpha is not None and 0.7 < alpha < 1
    assert label_agreement_on_pairs(match_spans(a, b, overlap=True, same_label=False)) \
        .n_units == 20


def test_overlapping_units_of_one_rater_are_united() -> None:
    nested = krippendorff_alpha_unitized(
        {"a": [Sp(0, 6, "c"), Sp(2, 4, "c")], "b": [Sp(0, 6, "c")]}, length=10)
    assert nested.alpha == 1.0 and nested.per_label["c"].n_units == 2


# -- maximum overlap matching -------------------------------------------------------------


def test_maximum_matching_pairs_two_where_greedy_paired_one() -> None:
    # The example: greedy (largest overlap first) takes 0–10 ~ 1–10 and strands
    # the others; the maximum matching pairs 0–10 ~ 0–3 and 9–15 ~ 1–10.
    a = [Sp(0, 10, "doc"), Sp(9, 15, "doc")]
    b = [Sp(1, 10, "doc"), Sp(0, 3, "doc")]
    for same_label in (True, False):
        matching = match_spans(a, b, overlap=True, same_label=same_label)
        assert set(matching.pairs) == {(Sp(0, 10, "doc"), Sp(0, 3, "doc")),
                                       (Sp(9, 15, "doc"), Sp(1, 10, "doc"))}
    assert span_agreement(a, b).overlap_any_label.overall.tp == 2


def test_label_agreement_on_overlap_matched_pairs() -> None:
    a = [Sp(0, 10, "x"), Sp(20, 30, "y"), Sp(40, 50, "x"), Sp(60, 70, "y")]
    b = [Sp(1, 11, "x"), Sp(19, 30, "y"), Sp(41, 49, "y"), Sp(80, 90, "x")]
    result = label_agreement_on_pairs(match_spans(a, b, overlap=True, same_label=False))
    assert result.n_units == 3  # 60–70 and 80–90 have no partner
    # pairs (x,x), (y,y), (x,y): po = 2/3, pe = (2·1 + 1·2)/9 = 4/9, κ = (2/3−4/9)/(5/9) = 2/5
    assert result.cohen_kappa == pytest.approx(0.4)
    assert result.alpha is not None and result.alpha == pytest.approx(
        1 - (6 - 1) * (6 - 4) / (36 - 18))


spans = st.lists(st.builds(lambda s, n, lab: Sp(s, s + n, lab), st.integers(0, 30),
                           st.integers(1, 8), st.sampled_from("xy")), max_size=7)


SOLVERS = {  # (_SMALL_SEARCH, _WEIGHTED_LIMIT): which solver a component gets
    "exhaustive": (10 ** 9, 10 ** 9), "blossom": (0, 10 ** 9), "hopcroft-karp": (0, 0)}


@settings(max_examples=150, deadline=None)
@given(spans, spans)
def test_the_solvers_agree_on_the_objective(a: list[Sp], b: list[Sp]) -> None:
    """Exhaustive search and the weighted blossom give the same pairs count and shared
    text; Hopcroft–Karp (huge components only) the same pairs count."""
    from annotator.domain.agreement import matching as agreement

    results = {}
    saved = agreement._SMALL_SEARCH, agreement._WEIGHTED_LIMIT
    try:
        for name, (small, weighted) in SOLVERS.items():
            agreement._SMALL_SEARCH, agreement._WEIGHTED_LIMIT = small, weighted
            m = match_spans(a, b, overlap=True, same_label=False)
            shared = sum(min(x.end, y.end) - max(x.start, y.start) for x, y in m.pairs)
            same = sum(x.label == y.label for x, y in m.pairs)
            results[name] = (len(m.pairs), shared, same)
    finally:
        agreement._SMALL_SEARCH, agreement._WEIGHTED_LIMIT = saved
    assert results["exhaustive"] == results["blossom"]
    assert results["hopcroft-karp"][0] == results["exhaustive"][0]


@settings(max_examples=200, deadline=None)
@given(spans, spans)
def test_matching_is_maximum(a: list[Sp], b: list[Sp]) -> None:
    """Brute force over every one-to-one pairing of overlapping spans (small inputs)."""
    m = match_spans(a, b, overlap=True, same_label=False)
    edges = [(i, j) for i, x in enumerate(a) for j, y in enumerate(b)
             if max(x.start, y.start) < min(x.end, y.end)]

    def best(k: int, used: frozenset[int]) -> int:
        if k == len(a):
            return 0
        out = best(k + 1, used)
        for i, j in edges:
            if i == k and j not in used:
                out = max(out, 1 + best(k + 1, used | {j}))
        return out

    assert len(m.pairs) == best(0, frozenset())
    for x, y in m.pairs:
        assert max(x.start, y.start) < min(x.end, y.end)
