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

Boundaries: Krippendorff's unitized alpha (α_U)
-----------------------------------------------
κ and α above see only spans whose boundaries match exactly (or pairs an overlap matching
found). :func:`krippendorff_alpha_unitized` measures the unitizing itself — where each
rater put units of each label on the continuum (the article), against the gaps — and is
chance-corrected like α, so an analyst whose spans are all a little wider still agrees
nearly perfectly. Definition (Krippendorff 1995, "On the reliability of unitizing
contiguous data", *Sociological Methodology* 25:47–76; 2004, *Content Analysis*, 2nd ed.,
§12.4), as implemented by DKPro Statistics' ``KrippendorffAlphaUnitizingAgreement`` (read
to confirm it), in the function's docstring and docs/agreement.md; the tests reproduce the
worked example of Krippendorff (2004, p. 254) and cases worked by hand.

Overlap pairing is a **maximum** one-to-one matching (``networkx.max_weight_matching`` with
maximum cardinality): a greedy largest-overlap-first pairing can pair fewer spans than the
matching that exists.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
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
    "UnitizedAlpha",
    "UnitizedCategory",
    "krippendorff_alpha_nominal",
    "krippendorff_alpha_unitized",
    "label_agreement",
    "label_agreement_on_pairs",
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
    """A maximum one-to-one matching of free overlapping spans.

    Among all matchings the one with the most pairs is taken; among those, the one
    sharing the most text in total; then the one whose labels agree most and whose
    boundaries differ least (``networkx.max_weight_matching`` — Edmonds' blossom
    algorithm — with ``maxcardinality``, on exact integer weights that encode these
    priorities lexicographically). A greedy
    largest-overlap-first pairing can strand spans: A = {0–10, 9–15}, B = {1–10, 0–3}
    pairs 1 greedily and 2 here. Every exact pair is an overlap edge, so overlap
    matching never pairs fewer spans than exact matching.

    The graph is solved per connected component (spans chained by overlaps), which
    keeps each problem small; remaining ties are broken deterministically.
    Marks the pairs as no longer free.
    """
    a_idx = [i for i in range(len(a)) if a_free[i]]
    b_idx = [j for j in range(len(b)) if b_free[j]]
    edges: list[tuple[int, int]] = []
    for x, y in _overlapping([a[i] for i in a_idx], [b[j] for j in b_idx]):
        i, j = a_idx[x], b_idx[y]
        if not same_label or a[i].label == b[j].label:
            edges.append((i, j))
    pairs: list[tuple[int, int]] = []
    for component in _components(edges):
        pairs += _max_matching(a, b, component)
    for i, j in pairs:
        a_free[i] = b_free[j] = False
    return pairs


def _components(edges: Sequence[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """The edges grouped by connected component of the bipartite overlap graph."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(node: tuple[int, int]) -> tuple[int, int]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for i, j in edges:
        ra, rb = find((0, i)), find((1, j))
        if ra != rb:
            parent[ra] = rb
    groups: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for i, j in edges:
        groups[find((0, i))].append((i, j))
    return sorted(groups.values())


_SMALL_SEARCH = 512
"""Components with at most this many ways to choose each reference span's partner (or
none) are solved by trying them all — most components are two or three spans a side."""


def _edge_levels(a: Sequence[S], b: Sequence[S], i: int, j: int) -> tuple[int, int, int, int]:
    """What makes a pair better, in priority order: shared text, equal label, closeness
    of boundaries, low ranks (a deterministic last resort)."""
    sa, sb = a[i], b[j]
    return (_overlap(sa, sb), int(sa.label == sb.label),
            -abs(sa.start - sb.start) - abs(sa.end - sb.end), -i - j)


def _small_matching(a: Sequence[S], b: Sequence[S],
                    by_row: Mapping[int, Sequence[int]]) -> list[tuple[int, int]]:
    """Exhaustive search: the most pairs, then the best sums of :func:`_edge_levels`."""
    rows = sorted(by_row)
    best: tuple[tuple[int, ...], list[tuple[int, int]]] = ((-1,), [])

    def walk(k: int, used: frozenset[int], chosen: list[tuple[int, int]]) -> None:
        nonlocal best
        if k == len(rows):
            levels = [_edge_levels(a, b, i, j) for i, j in chosen]
            key = (len(chosen), *(sum(col) for col in zip(*levels, strict=True))) \
                if levels else (0,)
            if key > best[0]:
                best = (key, list(chosen))
            return
        i = rows[k]
        for j in by_row[i]:
            if j not in used:
                chosen.append((i, j))
                walk(k + 1, used | {j}, chosen)
                chosen.pop()
        walk(k + 1, used, chosen)

    walk(0, frozenset(), [])
    return best[1]


_WEIGHTED_LIMIT = 40
"""Components with more spans than this are matched by Hopcroft–Karp (maximum cardinality,
no preferences): the weighted blossom algorithm is cubic in pure Python."""


def _max_matching(a: Sequence[S], b: Sequence[S],
                  edges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Maximum matching of one component, with the priorities of :func:`_overlap_pairs`."""
    if len(edges) == 1:
        return list(edges)
    rows = {i for i, _ in edges}
    cols = {j for _, j in edges}
    if len(rows) == 1 or len(cols) == 1:  # a star: one pair, the best edge
        return [max(edges, key=lambda e: _edge_levels(a, b, *e))]
    by_row: dict[int, list[int]] = defaultdict(list)
    for i, j in edges:
        by_row[i].append(j)
    choices = 1
    for js in by_row.values():
        choices *= len(js) + 1
    if choices <= _SMALL_SEARCH:
        return _small_matching(a, b, by_row)
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(("a", i) for i in rows)
    graph.add_nodes_from(("b", j) for j in cols)
    if len(rows) + len(cols) > _WEIGHTED_LIMIT:
        graph.add_edges_from((("a", i), ("b", j)) for i, j in edges)
        found = nx.bipartite.hopcroft_karp_matching(graph, top_nodes=[("a", i) for i in rows])
        return sorted((u[1], v[1]) for u, v in found.items() if u[0] == "a")
    n = min(len(rows), len(cols))
    lo = min(min(a[i].start for i in rows), min(b[j].start for j in cols))
    hi = max(max(a[i].end for i in rows), max(b[j].end for j in cols))
    extent, ranks = hi - lo, len(a) + len(b)
    # Edge weight: the levels (shared text, equal label, closeness of boundaries, low
    # ranks) in mixed radix with exact Python integers, each level's unit larger than the
    # lower levels can add up to over n pairs; maxcardinality puts the number of pairs first.
    maxima = (extent, 1, 2 * extent, ranks)
    units = [1] * len(maxima)
    for k in range(len(maxima) - 2, -1, -1):
        units[k] = n * sum(m * u for m, u in zip(maxima[k + 1:], units[k + 1:],
                                                 strict=True)) + 1
    for i, j in edges:
        levels = _edge_levels(a, b, i, j)  # the last two made non-negative
        shifted = (levels[0], levels[1], 2 * extent + levels[2], ranks + levels[3])
        weight = sum(v * u for v, u in zip(shifted, units, strict=True))
        graph.add_edge(("a", i), ("b", j), weight=weight)
    found = nx.max_weight_matching(graph, maxcardinality=True)
    return sorted((u[1], v[1]) if u[0] == "a" else (v[1], u[1]) for u, v in found)


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

    ``overlap=False`` pairs only identical boundaries; ``overlap=True`` pairs overlapping
    spans by a maximum matching (most pairs, then most shared text, then closest
    boundaries and equal labels; see :func:`_overlap_pairs`). ``same_label=True`` only pairs
    spans whose labels are equal; with ``same_label=False`` equal labels are still preferred
    on ties so the pairing shown to users is the intuitive one.
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
    boundaries and label (agreed), identical boundaries (label disagreement), then a
    maximum overlap matching (boundary disagreement, labels equal or not). Whatever is left
    is only-A or only-B. Pairing is one to one, so if B merged two spans A kept separate,
    the B span pairs with the A span it shares most text with (unless pairing the other
    one lets more spans pair) and the other A span is reported as only-A though it overlaps.

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


# ---------------------------------------------------------------------------
# Krippendorff's unitized alpha (α_U)
# ---------------------------------------------------------------------------


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
        for span in _ranked(spans_by_rater[rater]):
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
