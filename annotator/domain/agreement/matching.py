"""One-to-one pairing of two annotators' spans: exact boundaries, or a maximum overlap matching.

Overlap pairing is a **maximum** one-to-one matching (``networkx.max_weight_matching`` with
maximum cardinality): a greedy largest-overlap-first pairing can pair fewer spans than the
matching that exists. Small components (the usual two or three spans a side) are solved by
trying every choice, because that is faster than building a graph; huge ones by
Hopcroft–Karp, because the weighted blossom algorithm is cubic in pure Python. Span scores
(:mod:`.span_scores`) and compare mode (:mod:`.compare`) both rest on these pairings.
"""

from __future__ import annotations

import heapq
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic

from annotator.domain.agreement.spans import S, SpanLike, ranked, shared_length


def exact_pairs(
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


def overlap_pairs(
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
    return (shared_length(sa, sb), int(sa.label == sb.label),
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
    """Maximum matching of one component, with the priorities of :func:`overlap_pairs`."""
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
    boundaries and equal labels; see :func:`overlap_pairs`). ``same_label=True`` only pairs
    spans whose labels are equal; with ``same_label=False`` equal labels are still preferred
    on ties so the pairing shown to users is the intuitive one.
    """
    a, b = ranked(reference), ranked(candidate)
    a_free, b_free = [True] * len(a), [True] * len(b)
    if overlap:
        pairs = overlap_pairs(a, b, a_free, b_free, same_label=same_label)
    else:
        pairs = exact_pairs(a, b, a_free, b_free, same_label=True)
        if not same_label:
            pairs += exact_pairs(a, b, a_free, b_free, same_label=False)
    pairs.sort()
    return Matching(
        pairs=tuple((a[i], b[j]) for i, j in pairs),
        unmatched_reference=tuple(s for s, free in zip(a, a_free, strict=True) if free),
        unmatched_candidate=tuple(s for s, free in zip(b, b_free, strict=True) if free),
    )
