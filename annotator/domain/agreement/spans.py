"""What agreement needs of a span, and the one validated order every matcher starts from.

Kept apart so every measure (matching, compare mode, label units, α_U) rejects the same
bad spans with the same message and breaks ties on the same ``(start, end, label)`` rank;
that is what makes the results independent of input order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar


class SpanLike(Protocol):
    """The three attributes agreement needs; read-only so NamedTuples satisfy it."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def label(self) -> str: ...


S = TypeVar("S", bound=SpanLike)


def ranked(spans: Iterable[S]) -> list[S]:
    """Validate and sort by ``(start, end, label)`` so every tie-break has a stable rank."""
    out = list(spans)
    for span in out:
        if span.end <= span.start:
            raise ValueError(f"empty or inverted span {span.start}-{span.end}")
    out.sort(key=lambda s: (s.start, s.end, s.label))
    return out


def shared_length(a: SpanLike, b: SpanLike) -> int:
    """How many code points two spans share (zero or negative when they do not overlap)."""
    return min(a.end, b.end) - max(a.start, b.start)
