"""Inter-annotator agreement: span matching, compare-mode diffs, chance-corrected label agreement.

Several analysts tag the same articles, and the project needs to know how far their
tagging can be trusted before anyone draws conclusions from it. Two different questions
are answered here, because they fail in different ways:

* **Did they mark the same stretches of text?** (span matching: precision, recall and F1 of
  one annotator against a reference, with exact and overlapping boundaries, with and
  without requiring the label to agree; and the compare-mode classification the UI shows).
* **Given the same stretch, did they give it the same label?** (Cohen's kappa, Fleiss'
  kappa and Krippendorff's alpha, nominal, on exact-span units). Raw percent agreement
  flatters a skewed taxonomy, so chance-corrected coefficients are reported.

Conventions
-----------
* Offsets are code points, end-exclusive, as in :mod:`annotator.domain.model`. Two spans
  *overlap* when they share at least one code point (``max(starts) < min(ends)``); spans
  that merely touch do not. Empty or inverted spans (``end <= start``) are rejected with
  ``ValueError``: the model never produces them and "overlap" is meaningless for them.
* Any object with ``start``, ``end`` and ``label`` attributes is accepted
  (:class:`SpanLike`), so :class:`~annotator.domain.model.Annotation` and
  :class:`~annotator.domain.span_index.IndexedSpan` both work without conversion.
* **Undefined is ``None``, never 0.0 or NaN.** Precision with no candidate spans, kappa when
  both raters used a single identical category, alpha with no pairable values: all return
  ``None``, and the raw counts are always reported alongside, so a caller can tell
  "no agreement" (0.0) from "nothing to measure" (``None``).
* Coefficients are computed with integer / :class:`~fractions.Fraction` arithmetic and
  converted to ``float`` once at the end, so results do not depend on iteration order and
  the tests can compare against hand-worked fractions.
* Matching is deterministic: inputs are ranked by ``(start, end, label)`` (stable, so
  identical spans keep their input order) and every tie is broken on that rank.

Not implemented: Krippendorff's unitized alpha (α_U)
----------------------------------------------------
α_U (Krippendorff 1995, "On the reliability of unitizing contiguous data"; 2004,
"Measuring the reliability of qualitative text analysis data") would be the principled
coefficient for boundary agreement on a continuum. It is deliberately **not** provided:
the definition exists in several revisions that give different numbers (1995, 2004, and
the 2016 "further developments" family), and no worked example from the papers was
available to verify an implementation against digit for digit. A third-party port (DKPro
Statistics) even notes an apparent error in the original paper's expected disagreement and
tests its own result only to ±0.02. A subtly wrong reliability coefficient would be quoted
in reports as if it were right, which is worse than having none; the span P/R/F1 and
compare classification below cover boundary agreement descriptively until α_U can be
verified.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Generic, NamedTuple, Protocol, TypeVar

__all__ = [
    "PRF",
    "Comparison",
    "DiffItem",
    "DiffKind",
    "LabelAgreement",
    "Matching",
    "SpanAgreement",
    "SpanLike",
    "SpanScores",
    "SpanUnit",
    "cohen_kappa",
    "compare_spans",
    "fleiss_kappa",
    "krippendorff_alpha_nominal",
    "label_agreement",
    "match_spans",
    "score_matching",
    "span_agreement",
    "span_label_units",
]


class SpanLike(Protocol):
    """The three attributes agreement needs; read-only so NamedTuples satisfy it."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def label(self) -> str: ...


S = TypeVar("S", bound=SpanLike)
V = TypeVar("V", bound=Hashable)
U = TypeVar("U", bound=Hashable)
R = TypeVar("R", bound=Hashable)


# ---------------------------------------------------------------------------
# Span matching
# ---------------------------------------------------------------------------


def _ranked(spans: Iterable[S]) -> list[S]:
    """Validate and sort by ``(start, end, label)`` so every tie-break has a stable rank."""
    out = list(spans)
    for span in out:
        if span.end <= span.start:
            raise ValueError(f"empty or inverted span {span.start}-{span.end}")
    out.sort(key=lambda s: (s.start, s.end, s.label))
    return out


def _overlap(a: SpanLike, b: SpanLike) -> int:
    return min(a.end, b.end) - max(a.start, b.start)


def _exact_pairs(
    a: Sequence[S],
    b: Sequence[S],
    a_free: list[bool],
    b_free: list[bool],
    *,
    same_label: bool,
) -> list[tuple[int, int]]:
    """Pair free spans with identical boundaries (and label, if asked), one to one.

    Walks ``a`` in rank order and takes the lowest-ranked free ``b`` with the same key, so
    duplicates pair up in input order. Marks the pairs as no longer free.
    """
    waiting: dict[tuple[int, int, str], deque[int]] = defaultdict(deque)
    for j, span in enumerate(b):
        if b_free[j]:
            waiting[(span.start, span.end, span.label if same_label else "")].append(j)
    pairs: list[tuple[int, int]] = []
    for i, span in enumerate(a):
        if not a_free[i]:
            continue
        queue = waiting.get((span.start, span.end, span.label if same_label else ""))
        if queue:
            j = queue.popleft()
            a_free[i] = b_free[j] = False
            pairs.append((i, j))
    return pairs


def _overlapping(a: Sequence[SpanLike], b: Sequence[SpanLike]) -> list[tuple[int, int]]:
    """Every ``(i, j)`` with ``a[i]`` overlapping ``b[j]``, in O((n + m) log(n + m) + pairs).

    A sweep over start positions: when a span starts, it overlaps exactly the spans of the
    other side that started no later and have not ended yet. At equal starts ``a`` goes
    first, so each pair is reported once, by whichever of the two starts later.
    """
    events = sorted(
        [(s.start, 0, i) for i, s in enumerate(a)] + [(s.start, 1, j) for j, s in enumerate(b)]
    )
    heaps: tuple[list[tuple[int, int]], list[tuple[int, int]]] = ([], [])
    active: tuple[set[int], set[int]] = (set(), set())
    spans = (a, b)
    pairs: list[tuple[int, int]] = []
    for position, side, k in events:
        for heap, live in zip(heaps, active, strict=True):
            while heap and heap[0][0] <= position:
                live.discard(heapq.heappop(heap)[1])
        for other in active[1 - side]:
            pairs.append((k, other) if side == 0 else (other, k))
        heapq.heappush(heaps[side], (spans[side][k].end, k))
        active[side].add(k)
    return pairs


def _overlap_pairs(
    a: Sequence[S],
    b: Sequence[S],
    a_free: list[bool],
    b_free: list[bool],
    *,
    same_label: bool,
) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of free overlapping spans, largest overlap first.

    Greedy rather than optimal (Hungarian) because it is explainable to an analyst ("each
    span is paired with the one it shares most text with") and linear-ish in practice.
    Ties on overlap length go to the pair whose boundaries differ least (so an exact pair
    always wins), then to the pair whose labels agree, then to the lower ranks.

    The result is maximal (no overlapping pair is left with both spans unmatched) but not
    maximum: in rare chains a greedy pick can strand a span, so "overlap, any label" can
    pair fewer spans than "overlap + label" (see the test for an example). Identical
    boundaries are never affected, so every exact pair is also an overlap pair.
    """
    a_idx = [i for i in range(len(a)) if a_free[i]]
    b_idx = [j for j in range(len(b)) if b_free[j]]
    candidates: list[tuple[int, int, bool, int, int]] = []
    for x, y in _overlapping([a[i] for i in a_idx], [b[j] for j in b_idx]):
        i, j = a_idx[x], b_idx[y]
        sa, sb = a[i], b[j]
        mismatch = sa.label != sb.label
        if same_label and mismatch:
            continue
        distance = abs(sa.start - sb.start) + abs(sa.end - sb.end)
        candidates.append((-_overlap(sa, sb), distance, mismatch, i, j))
    candidates.sort()
    pairs: list[tuple[int, int]] = []
    for *_, i, j in candidates:
        if a_free[i] and b_free[j]:
            a_free[i] = b_free[j] = False
            pairs.append((i, j))
    return pairs


@dataclass(frozen=True)
class Matching(Generic[S]):
    """A one-to-one pairing of reference spans with candidate spans, plus the leftovers.

    All three tuples are in ``(start, end, label)`` order (``pairs`` by the reference span).
    """

    pairs: tuple[tuple[S, S], ...]
    unmatched_reference: tuple[S, ...]
    unmatched_candidate: tuple[S, ...]


def match_spans(
    reference: Iterable[S], candidate: Iterable[S], *, overlap: bool, same_label: bool
) -> Matching[S]:
    """Pair ``candidate`` spans with ``reference`` spans, each span used at most once.

    ``overlap=False`` pairs only identical boundaries; ``overlap=True`` pairs any
    overlapping spans, greedily by largest shared length (an identical-boundary pair is
    always preferred among equal overlaps). ``same_label=True`` only pairs spans whose
    labels are equal; with ``same_label=False`` equal labels are still preferred on ties so
    the pairing shown to users is the intuitive one.
    """
    a, b = _ranked(reference), _ranked(candidate)
    a_free, b_free = [True] * len(a), [True] * len(b)
    if overlap:
        pairs = _overlap_pairs(a, b, a_free, b_free, same_label=same_label)
    else:
        pairs = _exact_pairs(a, b, a_free, b_free, same_label=True)
        if not same_label:
            pairs += _exact_pairs(a, b, a_free, b_free, same_label=False)
    pairs.sort()
    return Matching(
        pairs=tuple((a[i], b[j]) for i, j in pairs),
        unmatched_reference=tuple(s for s, free in zip(a, a_free, strict=True) if free),
        unmatched_candidate=tuple(s for s, free in zip(b, b_free, strict=True) if free),
    )


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


# ---------------------------------------------------------------------------
# Compare mode
# ---------------------------------------------------------------------------


class DiffKind(StrEnum):
    """How a region of text was treated by two annotators, in display order."""

    AGREED = "agreed"
    LABEL_DISAGREEMENT = "label_disagreement"
    BOUNDARY_DISAGREEMENT = "boundary_disagreement"
    ONLY_A = "only_a"
    ONLY_B = "only_b"


_KIND_ORDER = {kind: n for n, kind in enumerate(DiffKind)}


@dataclass(frozen=True)
class DiffItem(Generic[S]):
    """One entry of a comparison. ``a``/``b`` is ``None`` for only-B/only-A items.

    ``same_label`` is ``None`` when one side is missing; for boundary disagreements it says
    whether the two overlapping spans also carry the same label.
    """

    kind: DiffKind
    a: S | None
    b: S | None
    same_label: bool | None

    @property
    def start(self) -> int:
        return min(s.start for s in (self.a, self.b) if s is not None)

    @property
    def end(self) -> int:
        return max(s.end for s in (self.a, self.b) if s is not None)


@dataclass(frozen=True)
class Comparison(Generic[S]):
    """Compare-mode result: items in text order and a count for every kind (zeros included)."""

    items: tuple[DiffItem[S], ...]
    counts: Mapping[DiffKind, int]


def compare_spans(a_spans: Iterable[S], b_spans: Iterable[S]) -> Comparison[S]:
    """Classify two annotators' spans for side-by-side review.

    Matching runs in three passes, each only over spans the previous passes left: identical
    boundaries and label (agreed), identical boundaries (label disagreement), then greedy
    largest-overlap pairing (boundary disagreement, labels equal or not). Whatever is left
    is only-A or only-B. Pairing is one to one, so if B merged two spans A kept separate,
    the B span pairs with the A span it shares most text with and the other A span is
    reported as only-A even though it overlaps.

    Items are sorted by the start of the region they cover, then its end, then kind.
    """
    a, b = _ranked(a_spans), _ranked(b_spans)
    a_free, b_free = [True] * len(a), [True] * len(b)
    keyed: list[tuple[tuple[int, int, int, int, int], DiffItem[S]]] = []

    def add(kind: DiffKind, i: int | None, j: int | None) -> None:
        sa = a[i] if i is not None else None
        sb = b[j] if j is not None else None
        same = None if sa is None or sb is None else sa.label == sb.label
        item = DiffItem(kind=kind, a=sa, b=sb, same_label=same)
        rank = (item.start, item.end, _KIND_ORDER[kind], -1 if i is None else i,
                -1 if j is None else j)
        keyed.append((rank, item))

    for i, j in _exact_pairs(a, b, a_free, b_free, same_label=True):
        add(DiffKind.AGREED, i, j)
    for i, j in _exact_pairs(a, b, a_free, b_free, same_label=False):
        add(DiffKind.LABEL_DISAGREEMENT, i, j)
    for i, j in _overlap_pairs(a, b, a_free, b_free, same_label=False):
        add(DiffKind.BOUNDARY_DISAGREEMENT, i, j)
    for i, free in enumerate(a_free):
        if free:
            add(DiffKind.ONLY_A, i, None)
    for j, free in enumerate(b_free):
        if free:
            add(DiffKind.ONLY_B, None, j)

    keyed.sort(key=lambda pair: pair[0])
    items = tuple(item for _, item in keyed)
    counts = Counter(item.kind for item in items)
    return Comparison(items=items, counts={kind: counts[kind] for kind in DiffKind})


# ---------------------------------------------------------------------------
# Chance-corrected label agreement
# ---------------------------------------------------------------------------


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
        for span in _ranked(spans):
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
