"""Compare mode: classify two annotators' spans into agreed / label / boundary / only-A / only-B.

The review UI and the review service show these items side by side; they use the same
pairings as the scores (:mod:`.matching`), run in three passes so that an exact pair is
never broken up to make an overlap pair.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic

from annotator.domain.agreement.matching import exact_pairs, overlap_pairs
from annotator.domain.agreement.spans import S, ranked


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
    a, b = ranked(a_spans), ranked(b_spans)
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

    for i, j in exact_pairs(a, b, a_free, b_free, same_label=True):
        add(DiffKind.AGREED, i, j)
    for i, j in exact_pairs(a, b, a_free, b_free, same_label=False):
        add(DiffKind.LABEL_DISAGREEMENT, i, j)
    for i, j in overlap_pairs(a, b, a_free, b_free, same_label=False):
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
