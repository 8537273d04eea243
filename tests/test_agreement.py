"""Agreement statistics against hand-worked examples and the ``krippendorff`` reference package.

Coefficients are checked to 1e-9 against exact fractions worked out by hand in the comments,
because "looks about right" is how wrong reliability numbers end up in reports.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import NamedTuple

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain.agreement import (
    PRF,
    Comparison,
    DiffKind,
    SpanUnit,
    cohen_kappa,
    compare_spans,
    fleiss_kappa,
    krippendorff_alpha_nominal,
    label_agreement,
    match_spans,
    span_agreement,
    span_label_units,
)
from annotator.domain.model import make_annotation

TOL = 1e-9


class Sp(NamedTuple):
    start: int
    end: int
    label: str


def close(value: float | None, expected: float | Fraction) -> bool:
    return value is not None and abs(value - float(expected)) <= TOL


# ---------------------------------------------------------------------------
# Cohen's kappa
# ---------------------------------------------------------------------------


def pairs_from_table(
    categories: Sequence[str], table: Sequence[Sequence[int]]
) -> list[tuple[str, str]]:
    """Expand a contingency table (rows: rater A, columns: rater B) into unit pairs."""
    return [
        (categories[r], categories[c])
        for r, row in enumerate(table)
        for c, count in enumerate(row)
        for _ in range(count)
    ]


def test_cohen_kappa_classic_two_by_two() -> None:
    # 50 units.            B yes  B no
    #             A yes      20     5    (A: 25 yes)
    #             A no       10    15    (A: 25 no)
    #                      (B: 30 yes, 20 no)
    # po = (20 + 15) / 50 = 0.7
    # pe = (25/50)(30/50) + (25/50)(20/50) = 0.3 + 0.2 = 0.5
    # kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4 exactly.
    pairs = pairs_from_table(["yes", "no"], [[20, 5], [10, 15]])
    assert close(cohen_kappa(pairs), Fraction(2, 5))


def test_cohen_kappa_three_categories_by_hand() -> None:
    # Krippendorff (2004, p. 246) uses this 100-unit table to show how kappa rewards
    # raters for *differing* marginals:
    #             B a   B b   B c   | A total
    #   A a        12    18    18   |   48
    #   A b         0    14    18   |   32
    #   A c         0     0    20   |   20
    #   B total    12    32    56   |  100
    # agreements = 12 + 14 + 20 = 46, so po = 46/100
    # pe = (48*12 + 32*32 + 20*56) / 100^2 = (576 + 1024 + 1120) / 10000 = 2720/10000
    # kappa = (4600 - 2720) / (10000 - 2720) = 1880/7280 = 47/182 ~ 0.2582
    pairs = pairs_from_table(["a", "b", "c"], [[12, 18, 18], [0, 14, 18], [0, 0, 20]])
    assert close(cohen_kappa(pairs), Fraction(47, 182))

    # Same diagonal, symmetric marginals (30, 32, 38 for both raters):
    # pe = (900 + 1024 + 1444) / 10000 = 3368/10000
    # kappa = (4600 - 3368) / (10000 - 3368) = 1232/6632 = 154/829 ~ 0.1858
    pairs = pairs_from_table(["a", "b", "c"], [[12, 9, 9], [9, 14, 9], [9, 9, 20]])
    assert close(cohen_kappa(pairs), Fraction(154, 829))


def test_cohen_kappa_edge_cases() -> None:
    assert cohen_kappa([]) is None
    # Both raters always said "x": pe = 1, kappa = 0/0.
    assert cohen_kappa([("x", "x")] * 5) is None
    assert cohen_kappa([("x", "x"), ("y", "y"), ("z", "z")]) == 1.0
    # Systematic disagreement on two balanced categories: po = 0, pe = 0.5 -> -1.
    assert close(cohen_kappa([("x", "y"), ("y", "x")]), -1)
    # Swapping raters cannot change kappa.
    pairs = pairs_from_table(["a", "b", "c"], [[12, 18, 18], [0, 14, 18], [0, 0, 20]])
    assert close(cohen_kappa([(b, a) for a, b in pairs]), Fraction(47, 182))


# ---------------------------------------------------------------------------
# Fleiss' kappa
# ---------------------------------------------------------------------------

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories.
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_fleiss_kappa_wikipedia_example() -> None:
    # N = 10, n = 14, N*n = 140.
    # Column totals: 20, 28, 39, 21, 32.
    # Sum over cells of n_ij^2, row by row:
    #   196, 60, 70, 94, 74, 98, 58, 46, 66, 66  -> 828
    # P_bar = (828 - 140) / (140 * 13) = 688/1820 = 172/455        (~0.3780)
    # P_e = (20^2 + 28^2 + 39^2 + 21^2 + 32^2) / 140^2
    #     = (400 + 784 + 1521 + 441 + 1024) / 19600 = 4170/19600 = 417/1960   (~0.2128)
    # Over the common denominator 25480: P_bar = 9632/25480, P_e = 5421/25480,
    # kappa = (9632 - 5421) / (25480 - 5421) = 4211/20059 ~ 0.20993 (Wikipedia: 0.210).
    units = [
        [category for category, count in enumerate(row) for _ in range(count)]
        for row in WIKIPEDIA_FLEISS
    ]
    assert close(fleiss_kappa(units), Fraction(4211, 20059))
    assert round(fleiss_kappa(units) or 0, 3) == 0.210


def test_fleiss_kappa_edge_cases() -> None:
    assert fleiss_kappa([]) is None
    assert fleiss_kappa([["x", "x", "x"], ["x", "x", "x"]]) is None  # P_e = 1
    assert fleiss_kappa([["x", "x"], ["y", "y"]]) == 1.0
    with pytest.raises(ValueError, match="same number"):
        fleiss_kappa([["x", "x", "y"], ["x", "y"]])
    with pytest.raises(ValueError, match="at least two"):
        fleiss_kappa([["x"], ["y"]])


# ---------------------------------------------------------------------------
# Krippendorff's alpha, nominal
# ---------------------------------------------------------------------------

NAN = float("nan")

# Krippendorff's own example (Content Analysis, 2004, p. 230; also on Wikipedia and in
# the krippendorff package): 4 coders, 12 units, values 1-5, missing values. Rows are coders.
KRIPPENDORFF_EXAMPLE = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def as_units(matrix: Sequence[Sequence[float]]) -> dict[int, dict[int, float]]:
    """Reliability matrix (rows raters, columns units, NaN missing) -> {unit: {rater: value}}."""
    return {
        u: {r: row[u] for r, row in enumerate(matrix) if not math.isnan(row[u])}
        for u in range(len(matrix[0]))
    }


def reference_alpha(matrix: Sequence[Sequence[float]]) -> float | None:
    """The krippendorff package's nominal alpha, with its errors/NaN mapped to None."""
    try:
        with np.errstate(all="ignore"):
            value = krippendorff.alpha(
                reliability_data=np.array(matrix, dtype=float), level_of_measurement="nominal"
            )
    except ValueError:  # fewer than two values in the domain, or no pairable unit
        return None
    return None if math.isnan(value) else float(value)


def test_alpha_krippendorff_published_example() -> None:
    # Unit 12 has a single value and is not pairable. Per pairable unit, with m_u values,
    # sum_c n_uc (n_uc - 1) / (m_u - 1) (its contribution to the diagonal of o):
    #   u1 {1,1,1}      6/2 = 3     u7  {4,4,4,4}   12/3 = 4
    #   u2 {2,2,3,2}    6/3 = 2     u8  {1,1,2,1}    6/3 = 2
    #   u3 {3,3,3,3}   12/3 = 4     u9  {2,2,2,2}   12/3 = 4
    #   u4 {3,3,3,3}   12/3 = 4     u10 {5,5,5}      6/2 = 3
    #   u5 {2,2,2,2}   12/3 = 4     u11 {1,1}        2/1 = 2
    #   u6 {1,2,3,4}    0/3 = 0
    # sum_c o_cc = 32. Pairable values n = 40, with n_1 = 9, n_2 = 13, n_3 = 10, n_4 = 5,
    # n_5 = 3, so sum n_c^2 = 81 + 169 + 100 + 25 + 9 = 384.
    # alpha = 1 - (n - 1)(n - sum o_cc) / (n^2 - sum n_c^2)
    #       = 1 - 39 * 8 / (1600 - 384) = 1 - 312/1216 = 113/152 ~ 0.7434  (published: 0.743)
    alpha = krippendorff_alpha_nominal(as_units(KRIPPENDORFF_EXAMPLE))
    assert close(alpha, Fraction(113, 152))
    assert round(alpha or 0, 3) == 0.743
    assert close(alpha, reference_alpha(KRIPPENDORFF_EXAMPLE) or NAN)


@pytest.mark.parametrize(
    "matrix",
    [
        pytest.param(KRIPPENDORFF_EXAMPLE, id="krippendorff-2004-p230"),
        # Krippendorff (2004, p. 224), binary, two coders: alpha = 2/21 ~ 0.095.
        pytest.param(
            [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]], id="binary"
        ),
        # Krippendorff (2004, p. 227), three categories, two coders: alpha ~ 0.734.
        pytest.param(
            [[0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2], [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]],
            id="three-categories",
        ),
        pytest.param(
            [
                [1, NAN, 2, 2, 3, NAN, 1, 4],
                [1, 2, NAN, 2, 3, 3, 2, 4],
                [NAN, 2, 2, 1, 3, 3, NAN, NAN],
                [1, 2, 2, NAN, NAN, 1, 1, 4],
                [NAN, NAN, NAN, 2, 3, 3, 1, 2],
            ],
            id="five-raters-missing",
        ),
        pytest.param([[1, 2, 1, 2], [2, 1, 2, 1]], id="systematic-disagreement"),
    ],
)
def test_alpha_matches_reference_package(matrix: list[list[float]]) -> None:
    expected = reference_alpha(matrix)
    assert expected is not None
    assert close(krippendorff_alpha_nominal(as_units(matrix)), expected)


def test_alpha_binary_example_by_hand() -> None:
    # n = 20 values: six 1s, fourteen 0s. Six units agree, each adding 2 to sum o_cc = 12.
    # alpha = 1 - 19 * (20 - 12) / (400 - (36 + 196)) = 1 - 152/168 = 2/21
    matrix = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    assert close(krippendorff_alpha_nominal(as_units(matrix)), Fraction(2, 21))


unit_rows = st.integers(min_value=2, max_value=5).flatmap(
    lambda raters: st.lists(
        st.lists(
            st.one_of(st.none(), st.integers(min_value=0, max_value=3)),
            min_size=raters,
            max_size=raters,
        ),
        min_size=1,
        max_size=25,
    )
)


@settings(max_examples=150, deadline=None)
@given(unit_rows)
def test_alpha_matches_reference_package_on_random_data(units: list[list[int | None]]) -> None:
    matrix = [
        [NAN if unit[r] is None else float(unit[r] or 0) for unit in units]
        for r in range(len(units[0]))
    ]
    expected = reference_alpha(matrix)
    ours = krippendorff_alpha_nominal(
        {u: {r: value for r, value in enumerate(unit)} for u, unit in enumerate(units)}
    )
    if expected is None:
        assert ours is None
    else:
        assert close(ours, expected)


def test_alpha_missing_data_conventions_and_facets() -> None:
    # Per-facet use: {unit: {rater: value}}; absent raters, None and NaN are all missing.
    facets: dict[str, dict[str, str | None]] = {
        "article-1": {"ann": "named", "bob": "named", "cy": None},
        "article-2": {"ann": "anonymous", "bob": "anonymous"},
        "article-3": {"ann": "named", "bob": "anonymous", "cy": "anonymous"},
        "article-4": {"cy": "named"},  # not pairable
    }
    same_with_nan: dict[str, dict[str, str | float]] = {
        unit: {r: (NAN if v is None else v) for r, v in row.items()} for unit, row in facets.items()
    }
    # Pairable values: named x3, anonymous x4 (n = 7). Diagonal: 2/1 + 2/1 + 2/2 = 5.
    # alpha = 1 - 6 * (7 - 5) / (49 - (9 + 16)) = 1 - 12/24 = 1/2
    assert close(krippendorff_alpha_nominal(facets), Fraction(1, 2))
    assert close(krippendorff_alpha_nominal(same_with_nan), Fraction(1, 2))


def test_alpha_undefined_cases() -> None:
    assert krippendorff_alpha_nominal({}) is None
    assert krippendorff_alpha_nominal({1: {"a": "x"}, 2: {"b": "y"}}) is None  # nothing pairable
    assert krippendorff_alpha_nominal({1: {"a": "x", "b": "x"}, 2: {"a": "x", "b": "x"}}) is None
    assert krippendorff_alpha_nominal({1: {"a": "x", "b": "x"}, 2: {"a": "y", "b": "y"}}) == 1.0


# ---------------------------------------------------------------------------
# Span matching and P/R/F1
# ---------------------------------------------------------------------------

A = [Sp(0, 10, "x"), Sp(20, 30, "y"), Sp(40, 50, "x")]
B = [Sp(0, 10, "x"), Sp(22, 30, "y"), Sp(40, 50, "y"), Sp(60, 70, "x")]


def prf(score: PRF) -> tuple[float | None, float | None, float | None]:
    return score.precision, score.recall, score.f1


def assert_prf(score: PRF, p: float | Fraction, r: float | Fraction, f: float | Fraction) -> None:
    assert close(score.precision, p) and close(score.recall, r) and close(score.f1, f), score


def test_span_scores_four_regimes() -> None:
    result = span_agreement(A, B)
    # exact span + label: only 0-10/x. P = 1/4, R = 1/3, F1 = 2PR/(P+R) = 2/7.
    assert result.exact_label.overall == PRF(tp=1, fp=3, fn=2, tp_candidate=1)
    assert_prf(result.exact_label.overall, Fraction(1, 4), Fraction(1, 3), Fraction(2, 7))
    # exact span, any label: 0-10 and 40-50. P = 1/2, R = 2/3, F1 = 4/7.
    assert result.exact_any_label.overall == PRF(tp=2, fp=2, fn=1, tp_candidate=2)
    assert_prf(result.exact_any_label.overall, Fraction(1, 2), Fraction(2, 3), Fraction(4, 7))
    # overlap + label: 0-10/x and 20-30/y ~ 22-30/y; 40-50 differs in label.
    assert result.overlap_label.overall == PRF(tp=2, fp=2, fn=1, tp_candidate=2)
    # overlap, any label: all three A spans. P = 3/4, R = 1, F1 = 6/7.
    assert result.overlap_any_label.overall == PRF(tp=3, fp=1, fn=0, tp_candidate=3)
    assert_prf(result.overlap_any_label.overall, Fraction(3, 4), 1, Fraction(6, 7))


def test_span_scores_per_label() -> None:
    result = span_agreement(A, B)
    # Label-aware: a pair is always same-label, so tp == tp_candidate.
    assert dict(result.exact_label.per_label) == {
        "x": PRF(tp=1, fp=1, fn=1, tp_candidate=1),  # B's 60-70/x unmatched, A's 40-50/x missed
        "y": PRF(tp=0, fp=2, fn=1, tp_candidate=0),
    }
    assert_prf(result.exact_label.per_label["x"], Fraction(1, 2), Fraction(1, 2), Fraction(1, 2))
    assert prf(result.exact_label.per_label["y"]) == (0.0, 0.0, 0.0)
    # Any label: recall of x counts A's x spans found (both), precision of x counts B's
    # x spans that matched something (0-10 yes, 60-70 no); B's 40-50/y matched A's x span.
    per_label = result.overlap_any_label.per_label
    assert per_label["x"] == PRF(tp=2, fp=1, fn=0, tp_candidate=1)
    assert_prf(per_label["x"], Fraction(1, 2), 1, Fraction(2, 3))
    assert per_label["y"] == PRF(tp=1, fp=0, fn=0, tp_candidate=2)
    assert prf(per_label["y"]) == (1.0, 1.0, 1.0)
    assert list(per_label) == ["x", "y"]


def test_overlap_matching_prefers_largest_overlap() -> None:
    # B's span shares 5 with the first A span and 8 with the second.
    matching = match_spans(
        [Sp(0, 10, "x"), Sp(10, 20, "x")], [Sp(5, 18, "x")], overlap=True, same_label=True
    )
    assert matching.pairs == ((Sp(10, 20, "x"), Sp(5, 18, "x")),)
    assert matching.unmatched_reference == (Sp(0, 10, "x"),)
    # Most shared text beats the naive "first overlapping" choice the other way round too.
    matching = match_spans(
        [Sp(0, 10, "x")], [Sp(0, 4, "x"), Sp(3, 10, "x")], overlap=True, same_label=False
    )
    assert matching.pairs == ((Sp(0, 10, "x"), Sp(3, 10, "x")),)


def test_overlap_matching_tie_breaks_are_deterministic() -> None:
    reference = [Sp(0, 10, "x")]
    halves = [Sp(5, 10, "x"), Sp(0, 5, "x")]  # equal overlap, equal boundary distance
    for candidate in (halves, halves[::-1]):
        matching = match_spans(reference, candidate, overlap=True, same_label=True)
        assert matching.pairs == ((Sp(0, 10, "x"), Sp(0, 5, "x")),)
    # Equal overlap: identical boundaries win over a containing span, then equal labels.
    matching = match_spans(
        [Sp(0, 10, "x")], [Sp(0, 12, "x"), Sp(0, 10, "y"), Sp(0, 10, "x")],
        overlap=True, same_label=False,
    )
    assert matching.pairs == ((Sp(0, 10, "x"), Sp(0, 10, "x")),)
    matching = match_spans(
        [Sp(0, 10, "x")], [Sp(0, 10, "y"), Sp(0, 10, "x")], overlap=False, same_label=False
    )
    assert matching.pairs == ((Sp(0, 10, "x"), Sp(0, 10, "x")),)


def test_overlap_any_label_never_pairs_fewer_than_overlap_label() -> None:
    # Found by hypothesis against the former greedy matching: all three overlapping pairs
    # share 1 code point; greedy took 2-4/x ~ 2-3/y (closest boundaries) and stranded
    # 0-3/y and 3-5/x. The maximum matching pairs both, with or without labels.
    a = [Sp(0, 3, "y"), Sp(2, 4, "x")]
    b = [Sp(2, 3, "y"), Sp(3, 5, "x")]
    result = span_agreement(a, b)
    assert result.overlap_label.overall.tp == 2
    assert result.overlap_any_label.overall.tp == 2


def test_touching_spans_do_not_overlap() -> None:
    result = span_agreement([Sp(0, 5, "x")], [Sp(5, 10, "x")])
    assert result.overlap_any_label.overall == PRF(tp=0, fp=1, fn=1, tp_candidate=0)
    assert prf(result.overlap_any_label.overall) == (0.0, 0.0, 0.0)


def test_duplicate_spans_match_one_to_one() -> None:
    result = span_agreement([Sp(0, 5, "x"), Sp(0, 5, "x")], [Sp(0, 5, "x")])
    assert result.exact_label.overall == PRF(tp=1, fp=0, fn=1, tp_candidate=1)
    assert result.overlap_any_label.overall == PRF(tp=1, fp=0, fn=1, tp_candidate=1)


def test_span_scores_empty_inputs() -> None:
    empty = span_agreement([], [])
    for scores in (empty.exact_label, empty.exact_any_label, empty.overlap_label,
                   empty.overlap_any_label):
        assert scores.overall == PRF(tp=0, fp=0, fn=0, tp_candidate=0)
        assert prf(scores.overall) == (None, None, None)
        assert dict(scores.per_label) == {}
    # Only the candidate tagged anything: precision 0, recall undefined.
    only_b = span_agreement([], [Sp(0, 5, "x")]).overlap_any_label
    assert only_b.overall == PRF(tp=0, fp=1, fn=0, tp_candidate=0)
    assert prf(only_b.overall) == (0.0, None, None)
    # Only the reference tagged anything: recall 0, precision undefined.
    only_a = span_agreement([Sp(0, 5, "x")], []).exact_label
    assert only_a.overall == PRF(tp=0, fp=0, fn=1, tp_candidate=0)
    assert prf(only_a.overall) == (None, 0.0, None)
    assert prf(only_a.per_label["x"]) == (None, 0.0, None)


def test_identical_annotations_score_perfectly() -> None:
    result = span_agreement(A, list(reversed(A)))
    for scores in (result.exact_label, result.exact_any_label, result.overlap_label,
                   result.overlap_any_label):
        assert prf(scores.overall) == (1.0, 1.0, 1.0)


def test_rejects_empty_spans() -> None:
    with pytest.raises(ValueError, match="empty or inverted"):
        span_agreement([Sp(5, 5, "x")], [])
    with pytest.raises(ValueError, match="empty or inverted"):
        compare_spans([], [Sp(6, 5, "x")])


def test_accepts_model_annotations() -> None:
    text = "The minister said, according to two officials, that talks had failed."
    ann = make_annotation(article_id=1, article_text=text, annotator="ann", label="named",
                          start=4, end=17)
    bob = make_annotation(article_id=1, article_text=text, annotator="bob", label="named",
                          start=0, end=17)
    result = span_agreement([ann], [bob])
    assert result.exact_label.overall.tp == 0
    assert result.overlap_label.overall.tp == 1
    comparison = compare_spans([ann], [bob])
    assert [(i.kind, i.a, i.b) for i in comparison.items] == [
        (DiffKind.BOUNDARY_DISAGREEMENT, ann, bob)
    ]


spans = st.lists(
    st.builds(
        lambda start, length, label: Sp(start, start + length, label),
        st.integers(min_value=0, max_value=60),
        st.integers(min_value=1, max_value=12),
        st.sampled_from("xyz"),
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(spans, spans)
def test_matching_invariants(a: list[Sp], b: list[Sp]) -> None:
    result = span_agreement(a, b)
    regimes = (result.exact_label, result.exact_any_label, result.overlap_label,
               result.overlap_any_label)
    for scores in regimes:
        o = scores.overall
        assert o.tp == o.tp_candidate
        assert o.tp + o.fn == len(a) and o.tp + o.fp == len(b)
        assert sum(p.tp for p in scores.per_label.values()) == o.tp
        assert sum(p.tp_candidate for p in scores.per_label.values()) == o.tp
        assert sum(p.fp for p in scores.per_label.values()) == o.fp
    tp = [s.overall.tp for s in regimes]
    # Maximum matchings: more edges never give fewer pairs.
    assert tp[0] <= tp[1] <= tp[3] and tp[0] <= tp[2] <= tp[3]

    for same_label in (True, False):
        m = match_spans(a, b, overlap=True, same_label=same_label)
        for x, y in m.pairs:
            assert max(x.start, y.start) < min(x.end, y.end)
            assert not same_label or x.label == y.label
        # A maximum matching is maximal: no unmatched pair that could still be matched.
        for x in m.unmatched_reference:
            for y in m.unmatched_candidate:
                overlaps = max(x.start, y.start) < min(x.end, y.end)
                assert not overlaps or (same_label and x.label != y.label)

    comparison = compare_spans(a, b)
    c = comparison.counts
    assert c[DiffKind.AGREED] == result.exact_label.overall.tp
    assert c[DiffKind.AGREED] + c[DiffKind.LABEL_DISAGREEMENT] == result.exact_any_label.overall.tp
    paired = c[DiffKind.AGREED] + c[DiffKind.LABEL_DISAGREEMENT] + c[DiffKind.BOUNDARY_DISAGREEMENT]
    assert paired + c[DiffKind.ONLY_A] == len(a)
    assert paired + c[DiffKind.ONLY_B] == len(b)
    assert [i.start for i in comparison.items] == sorted(i.start for i in comparison.items)


# ---------------------------------------------------------------------------
# Compare mode
# ---------------------------------------------------------------------------


def test_compare_covers_all_five_kinds_in_text_order() -> None:
    a = [
        Sp(50, 60, "x"),  # only A
        Sp(0, 5, "x"),  # agreed
        Sp(10, 20, "y"),  # label disagreement
        Sp(30, 40, "x"),  # boundary disagreement, different label
        Sp(62, 70, "z"),  # boundary disagreement, same label
    ]
    b = [
        Sp(90, 95, "z"),  # only B
        Sp(10, 20, "x"),
        Sp(0, 5, "x"),
        Sp(32, 41, "y"),
        Sp(64, 70, "z"),
    ]
    comparison = compare_spans(a, b)
    assert [(i.kind, i.a, i.b, i.same_label) for i in comparison.items] == [
        (DiffKind.AGREED, Sp(0, 5, "x"), Sp(0, 5, "x"), True),
        (DiffKind.LABEL_DISAGREEMENT, Sp(10, 20, "y"), Sp(10, 20, "x"), False),
        (DiffKind.BOUNDARY_DISAGREEMENT, Sp(30, 40, "x"), Sp(32, 41, "y"), False),
        (DiffKind.ONLY_A, Sp(50, 60, "x"), None, None),
        (DiffKind.BOUNDARY_DISAGREEMENT, Sp(62, 70, "z"), Sp(64, 70, "z"), True),
        (DiffKind.ONLY_B, None, Sp(90, 95, "z"), None),
    ]
    assert dict(comparison.counts) == {
        DiffKind.AGREED: 1,
        DiffKind.LABEL_DISAGREEMENT: 1,
        DiffKind.BOUNDARY_DISAGREEMENT: 2,
        DiffKind.ONLY_A: 1,
        DiffKind.ONLY_B: 1,
    }
    third = comparison.items[2]
    assert (third.start, third.end) == (30, 41)


def test_compare_exact_matches_take_priority_over_overlaps() -> None:
    # B's 0-10/y could overlap-pair with A's 0-8, but it is an exact-span label disagreement
    # with A's 0-10/x, which is found first.
    comparison = compare_spans([Sp(0, 8, "y"), Sp(0, 10, "x")], [Sp(0, 10, "y")])
    assert [(i.kind, i.a) for i in comparison.items] == [
        (DiffKind.ONLY_A, Sp(0, 8, "y")),
        (DiffKind.LABEL_DISAGREEMENT, Sp(0, 10, "x")),
    ]


def test_compare_merged_span_pairs_with_larger_part() -> None:
    comparison = compare_spans([Sp(0, 5, "x"), Sp(6, 10, "x")], [Sp(0, 10, "x")])
    assert [(i.kind, i.a, i.b) for i in comparison.items] == [
        (DiffKind.BOUNDARY_DISAGREEMENT, Sp(0, 5, "x"), Sp(0, 10, "x")),
        (DiffKind.ONLY_A, Sp(6, 10, "x"), None),
    ]


def test_compare_edge_cases() -> None:
    empty: Comparison[Sp] = compare_spans([], [])
    assert empty.items == ()
    assert set(empty.counts.values()) == {0} and set(empty.counts) == set(DiffKind)
    only_a = compare_spans([Sp(3, 4, "x"), Sp(0, 2, "y")], [])
    assert [(i.kind, i.a) for i in only_a.items] == [
        (DiffKind.ONLY_A, Sp(0, 2, "y")),
        (DiffKind.ONLY_A, Sp(3, 4, "x")),
    ]
    only_b = compare_spans([], [Sp(0, 2, "y")])
    assert [(i.kind, i.b, i.same_label) for i in only_b.items] == [
        (DiffKind.ONLY_B, Sp(0, 2, "y"), None)
    ]
    assert only_b.counts[DiffKind.ONLY_B] == 1


# ---------------------------------------------------------------------------
# Label agreement on exact-span units
# ---------------------------------------------------------------------------


def test_label_agreement_three_raters() -> None:
    spans_by_rater = {
        "ann": [Sp(0, 5, "x"), Sp(10, 15, "y"), Sp(20, 25, "x")],
        "bob": [Sp(0, 5, "x"), Sp(10, 15, "x"), Sp(20, 25, "x"), Sp(30, 35, "y")],
        "cy": [Sp(0, 5, "x"), Sp(10, 15, "y"), Sp(21, 25, "x")],
    }
    units = span_label_units(spans_by_rater)
    assert units == {
        SpanUnit(0, 5, 0): {"ann": "x", "bob": "x", "cy": "x"},
        SpanUnit(10, 15, 0): {"ann": "y", "bob": "x", "cy": "y"},
        SpanUnit(20, 25, 0): {"ann": "x", "bob": "x"},
        SpanUnit(21, 25, 0): {"cy": "x"},
        SpanUnit(30, 35, 0): {"bob": "y"},
    }
    result = label_agreement(spans_by_rater)
    assert (result.n_raters, result.n_units, result.n_complete_units) == (3, 5, 2)
    # Fleiss on the two complete units {x,x,x}, {y,x,y}: N = 2, n = 3.
    # P_bar = (9 + 5 - 6) / (6 * 2) = 2/3; P_e = (4^2 + 2^2) / 6^2 = 5/9;
    # kappa = (2/3 - 5/9) / (1 - 5/9) = 1/4.
    assert close(result.fleiss_kappa, Fraction(1, 4))
    # Alpha over pairable units {x,x,x}, {y,x,y}, {x,x}: n = 8 (n_x = 6, n_y = 2),
    # sum o_cc = 6/2 + 2/2 + 2/1 = 6; alpha = 1 - 7 * 2 / (64 - 40) = 5/12.
    assert close(result.alpha, Fraction(5, 12))
    matrix = [
        [1, 2, 1, NAN, NAN],
        [1, 1, 1, NAN, 2],
        [1, 2, NAN, 1, NAN],
    ]
    assert close(result.alpha, reference_alpha(matrix) or NAN)
    assert result.cohen_kappa is None  # three raters


def test_label_agreement_two_raters_has_cohen() -> None:
    spans_by_rater = {
        "ann": [Sp(0, 5, "x"), Sp(10, 15, "y"), Sp(20, 25, "y"), Sp(30, 35, "x")],
        "bob": [Sp(0, 5, "x"), Sp(10, 15, "y"), Sp(20, 25, "x"), Sp(40, 45, "x")],
    }
    result = label_agreement(spans_by_rater)
    assert result.n_complete_units == 3
    # Complete units (x,x), (y,y), (y,x): po = 2/3; ann x1 y2, bob x2 y1;
    # pe = (1*2 + 2*1)/9 = 4/9; kappa = (2/3 - 4/9)/(5/9) = 2/5.
    assert close(result.cohen_kappa, Fraction(2, 5))
    assert result.fleiss_kappa is not None and result.alpha is not None


def test_label_units_with_repeated_boundaries() -> None:
    # ann tagged 0-5 twice. "y" is used by both raters there, so it lines up in occurrence 0.
    units = span_label_units({"ann": [Sp(0, 5, "x"), Sp(0, 5, "y")], "bob": [Sp(0, 5, "y")]})
    assert units == {
        SpanUnit(0, 5, 0): {"ann": "y", "bob": "y"},
        SpanUnit(0, 5, 1): {"ann": "x"},
    }


def test_label_agreement_degenerate_inputs() -> None:
    no_raters: dict[str, list[Sp]] = {}
    empty = label_agreement(no_raters)
    assert (empty.n_raters, empty.n_units, empty.alpha, empty.fleiss_kappa) == (0, 0, None, None)
    silent_rater = label_agreement({"ann": [Sp(0, 5, "x"), Sp(6, 9, "y")], "bob": []})
    assert silent_rater.n_units == 2 and silent_rater.n_complete_units == 0
    assert silent_rater.alpha is None
    assert silent_rater.fleiss_kappa is None and silent_rater.cohen_kappa is None
