"""Place annotations made on one version of an article onto a slightly different version.

Articles get re-imported after a correction: a typo fixed, whitespace re-wrapped, a
paragraph added. Stored offsets then point at the wrong characters, so every
annotation is re-located by what it *says* (its quote) and what surrounds it (the
32-character prefix/suffix kept in :class:`~annotator.domain.model.Annotation`),
using the old offset only as a hint.

The overriding rule is *never silently put an annotation in the wrong place*. Each
result carries a status the caller must act on:

``exact``
    The quote is at the same offsets and both context strings still match (ignoring
    differences in whitespace only).
``moved``
    Confidently placed elsewhere (or at the same offsets with changed surroundings):
    the quote occurs verbatim — or differs only in whitespace — and the candidate is
    the single best one by context, or the only one at the expected position.
``uncertain``
    A best guess that a person should confirm: the quote text changed (fuzzy
    match, e.g. a typo fixed inside it), or several places are equally good
    (``alternatives`` says how many others), or the quote is there but its
    surroundings are unrecognisable.
``orphaned``
    Nothing similar enough was found; ``start``/``end`` are ``None``.

A typo fixed *inside* the quote is always ``uncertain``, however high the
similarity: the annotated text itself changed, and an analyst should see that.

Search order, chosen so 10k annotations on a 1 MB text take well under a second
in the common case (see :class:`Reanchorer`):

1. the quote verbatim at the old offset and at the offset predicted from
   neighbouring annotations (batch mode keeps the running shift);
2. verbatim occurrences in a window around that position, then in the whole text
   (``str.find`` loops, cached per quote);
3. whitespace-insensitive occurrences, found with ``str.find`` on a
   whitespace-collapsed copy of the text built once;
4. fuzzy: candidate positions from exact chunks of the quote (pigeonhole: a quote
   with fewer edits than chunks keeps one chunk intact) and from the context
   strings, within a bounded window; each candidate aligned with
   :class:`difflib.SequenceMatcher` and scored.

Scores are ``0.8 * quote similarity + 0.2 * context similarity`` in ``[0, 1]``;
quote similarity is the SequenceMatcher ratio after collapsing whitespace, context
similarity the share of the prefix (suffix) that still matches next to the span,
compared whitespace-insensitively (re-wrapped context still counts as matching).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from difflib import SequenceMatcher
from enum import StrEnum
from typing import NamedTuple

from annotator.domain.model import CONTEXT_CHARS, Annotation

DEFAULT_THRESHOLD = 0.8
"""Minimum quote similarity for a fuzzy match to be offered at all (else orphaned).

Fixing one typo in a 20-character quote gives ~0.95; an unrelated passage of the
same length rarely exceeds 0.6.
"""

MIN_CONTEXT = 0.5
"""A verbatim quote whose context matches less than this is only ``uncertain``."""

LOCAL_WINDOW = 4096
"""Characters either side of the expected position searched before the whole text."""

FUZZY_WINDOW = 2000
"""Characters either side of the expected position searched by the fuzzy stage."""

MAX_OCCURRENCES = 5000
"""Verbatim occurrences considered per quote; a quote found more often is ambiguous anyway."""

_TIE = 1e-9
_FUZZY_TIE = 0.02
_MAX_FUZZY_CANDIDATES = 8
_MAX_CHUNK_HITS = 64
_WS = re.compile(r"\s+")


class AnchorStatus(StrEnum):
    EXACT = "exact"
    MOVED = "moved"
    UNCERTAIN = "uncertain"
    ORPHANED = "orphaned"


class Anchoring(NamedTuple):
    """Where a quote landed in the new text, and how sure we are."""

    status: AnchorStatus
    start: int | None
    end: int | None
    score: float
    note: str = ""
    alternatives: int = 0
    """Other places scoring as well as the chosen one (only for ``uncertain``)."""

    @property
    def placed(self) -> bool:
        """True when ``start``/``end`` are usable (everything but ``orphaned``)."""
        return self.start is not None and self.end is not None

    @property
    def confident(self) -> bool:
        return self.status in (AnchorStatus.EXACT, AnchorStatus.MOVED)


class _Candidate(NamedTuple):
    score: float
    start: int
    end: int
    similarity: float
    context: float


def collapse_whitespace(text: str) -> str:
    """Every run of whitespace becomes one space: the comparison form for re-wrapped text."""
    return _WS.sub(" ", text)


def similarity(a: str, b: str) -> float:
    """SequenceMatcher ratio of the whitespace-collapsed, stripped strings (1.0 when equal)."""
    a, b = collapse_whitespace(a).strip(), collapse_whitespace(b).strip()
    if a == b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    # The cheap upper bounds settle hopeless pairs; below 0.5 the exact value never
    # matters (every threshold is higher), so the bound itself is returned.
    for bound in (matcher.real_quick_ratio(), matcher.quick_ratio()):
        if bound < 0.5:
            return bound
    return matcher.ratio()


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


class _CollapsedIndex:
    """The text with whitespace runs collapsed, plus a map back to original offsets.

    Only runs that change length (two or more characters) are recorded, so the map
    is tiny for ordinary prose and lookups are one bisect.
    """

    def __init__(self, text: str) -> None:
        parts: list[str] = []
        self._run_cpos: list[int] = []  # collapsed index of each shortened run's space
        self._shift: list[int] = []  # total characters removed up to and including the run
        removed = 0
        last = 0
        for match in _WS.finditer(text):
            a, b = match.span()
            parts.append(text[last:a])
            parts.append(" ")
            last = b
            if b - a > 1:
                self._run_cpos.append(a - removed)
                removed += b - a - 1
                self._shift.append(removed)
        parts.append(text[last:])
        self.text = "".join(parts)

    def to_original(self, c: int) -> int:
        k = bisect_left(self._run_cpos, c) - 1
        return c + (self._shift[k] if k >= 0 else 0)


class Reanchorer:
    """Re-anchors many quotes against one new text, sharing indexes between calls.

    Build one per new text. :meth:`anchor` is the single-quote operation;
    :func:`reanchor_annotations` drives it in document order with a running shift.
    """

    def __init__(self, new_text: str, *, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.text = new_text
        self.threshold = threshold
        self._occurrences: dict[str, list[int]] = {}
        self._collapsed: _CollapsedIndex | None = None
        self._collapsed_hits: dict[str, list[int]] = {}

    # -- public ------------------------------------------------------------------

    def anchor(
        self,
        quote: str,
        prefix: str,
        suffix: str,
        old_start: int | None,
        *,
        expected: int | None = None,
    ) -> Anchoring:
        """Locate ``quote`` in the new text.

        ``old_start`` is where it was in the old text (``None`` if unknown);
        ``expected`` is where neighbouring annotations suggest it is now (defaults to
        ``old_start``). Both are hints: a candidate at either is preferred on ties.
        """
        if not quote:
            return Anchoring(AnchorStatus.ORPHANED, None, None, 0.0, "the quote is empty")
        text = self.text
        n = len(quote)
        if expected is None:
            expected = old_start
        hints = [p for p in dict.fromkeys((old_start, expected)) if p is not None]

        # 1. Verbatim at a hinted position with the whole context intact.
        for pos in hints:
            if 0 <= pos <= len(text) - n and text.startswith(quote, pos):
                if self._context(pos, pos + n, prefix, suffix) == 1.0:
                    return self._confident(pos, pos + n, old_start, 1.0, 1.0, "")

        # 2. Verbatim occurrences near the hint. One with its whole context intact is
        #    accepted if the full passage (context + quote + context) is not duplicated
        #    elsewhere: one ``str.find`` pass instead of scoring every occurrence.
        if hints:
            centre = hints[-1]
            lo = max(0, centre - LOCAL_WINDOW)
            hi = min(len(text), centre + n + LOCAL_WINDOW)
            full = [
                p for p in self._find_all(quote, lo, hi)
                if self._context(p, p + n, prefix, suffix) == 1.0
            ]
            passage = prefix + quote + suffix
            if (
                len(full) == 1
                and len(passage) >= 2 * CONTEXT_CHARS
                and len(self._find_all(passage, 0, len(text), 2)) == 1
            ):
                return self._confident(full[0], full[0] + n, old_start, 1.0, 1.0, "")

        # 3. Verbatim occurrences anywhere, decided by context then position.
        positions = self._global_occurrences(quote)
        if positions:
            return self._decide(
                [self._candidate(p, p + n, 1.0, prefix, suffix) for p in positions],
                hints, old_start, kind="verbatim",
                truncated=len(positions) >= MAX_OCCURRENCES,
            )

        # 4. Same words, different whitespace.
        spans = self._whitespace_insensitive(quote)
        if spans:
            cands = [
                self._candidate(s, e, similarity(quote, text[s:e]), prefix, suffix)
                for s, e in spans
            ]
            return self._decide(cands, hints, old_start, kind="whitespace")

        # 5. Fuzzy, bounded.
        return self._fuzzy(quote, prefix, suffix, hints)

    # -- decisions ----------------------------------------------------------------

    def _confident(
        self, start: int, end: int, old_start: int | None, sim: float, ctx: float, note: str
    ) -> Anchoring:
        score = round(0.8 * sim + 0.2 * ctx, 4)
        if start == old_start and ctx == 1.0 and sim == 1.0 and not note:
            return Anchoring(AnchorStatus.EXACT, start, end, score)
        if not note:
            note = (
                "same position; surrounding text changed"
                if start == old_start
                else self._moved_note(start, old_start)
            )
        return Anchoring(AnchorStatus.MOVED, start, end, score, note)

    @staticmethod
    def _moved_note(start: int, old_start: int | None) -> str:
        if old_start is None:
            return f"found at {start}"
        delta = start - old_start
        return f"moved by {delta:+d} characters"

    def _decide(
        self,
        cands: list[_Candidate],
        hints: list[int],
        old_start: int | None,
        *,
        kind: str,
        truncated: bool = False,
    ) -> Anchoring:
        """Pick among equally-worded candidates by context, then by hinted position."""
        best_ctx = max(c.context for c in cands)
        top = [c for c in cands if c.context >= best_ctx - _TIE]
        ws_note = "whitespace differs from the annotated text" if kind == "whitespace" else ""
        if len(top) == 1 and not truncated:
            c = top[0]
            if c.context >= MIN_CONTEXT:
                return self._confident(c.start, c.end, old_start, c.similarity, c.context, ws_note)
            others = len(cands) - 1
            return Anchoring(
                AnchorStatus.UNCERTAIN, c.start, c.end, c.score,
                _join(ws_note, f"quote found but its surroundings changed "
                               f"(context match {c.context:.0%})"
                      + (f"; {others} other occurrence(s) with weaker context" if others else "")),
                0,
            )
        at_hint = [c for c in top if c.start in hints]
        if len(at_hint) == 1 and at_hint[0].context >= MIN_CONTEXT and not truncated:
            c = at_hint[0]
            note = _join(ws_note, f"{len(top)} equally good places; chose the expected one")
            return self._confident(c.start, c.end, old_start, c.similarity, c.context, note)
        centre = hints[-1] if hints else None
        chosen = min(top, key=lambda c: (abs(c.start - centre) if centre is not None else 0,
                                         c.start))
        count = f"{len(top)}+" if truncated else str(len(top))
        return Anchoring(
            AnchorStatus.UNCERTAIN, chosen.start, chosen.end, chosen.score,
            _join(ws_note, f"ambiguous: {count} places match equally well; "
                           f"chose the one nearest the old position"),
            len(top) - 1,
        )

    # -- search helpers -----------------------------------------------------------

    def _candidate(self, start: int, end: int, sim: float, prefix: str, suffix: str) -> _Candidate:
        ctx = self._context(start, end, prefix, suffix)
        return _Candidate(round(0.8 * sim + 0.2 * ctx, 4), start, end, sim, ctx)

    def _context(self, start: int, end: int, prefix: str, suffix: str) -> float:
        """Share of the old context that still surrounds ``[start, end)`` (1.0 = all)."""
        text = self.text
        if not prefix and not suffix:
            return 1.0
        sides: list[float] = []
        if prefix:
            before = text[max(0, start - len(prefix)):start]
            if before == prefix:
                sides.append(1.0)
            else:
                p = collapse_whitespace(prefix)
                b = collapse_whitespace(text[max(0, start - 2 * len(prefix)):start])
                sides.append(_common_suffix(p, b) / len(p) if p else 1.0)
        if suffix:
            after = text[end:end + len(suffix)]
            if after == suffix:
                sides.append(1.0)
            else:
                s = collapse_whitespace(suffix)
                a = collapse_whitespace(text[end:end + 2 * len(suffix)])
                sides.append(_common_prefix(s, a) / len(s) if s else 1.0)
        return sum(sides) / len(sides)

    def _find_all(self, needle: str, lo: int, hi: int, limit: int = MAX_OCCURRENCES) -> list[int]:
        out: list[int] = []
        find = self.text.find
        pos = find(needle, lo, hi)
        while pos != -1 and len(out) < limit:
            out.append(pos)
            pos = find(needle, pos + 1, hi)
        return out

    def _global_occurrences(self, quote: str) -> list[int]:
        hits = self._occurrences.get(quote)
        if hits is None:
            hits = self._occurrences[quote] = self._find_all(quote, 0, len(self.text))
        return hits

    def _whitespace_insensitive(self, quote: str) -> list[tuple[int, int]]:
        key = collapse_whitespace(quote).strip()
        if not key:
            return []
        hits = self._collapsed_hits.get(key)
        if hits is None:
            if self._collapsed is None:
                self._collapsed = _CollapsedIndex(self.text)
            hits = []
            ctext = self._collapsed.text
            pos = ctext.find(key)
            while pos != -1 and len(hits) < MAX_OCCURRENCES:
                hits.append(pos)
                pos = ctext.find(key, pos + 1)
            self._collapsed_hits[key] = hits
        index = self._collapsed
        assert index is not None or not hits
        spans = []
        for c in hits:
            assert index is not None
            start = index.to_original(c)
            # The end maps from the last character, so trailing whitespace runs stay out.
            end = index.to_original(c + len(key) - 1) + 1
            spans.append((start, end))
        return spans

    # -- fuzzy --------------------------------------------------------------------

    def _fuzzy(self, quote: str, prefix: str, suffix: str, hints: list[int]) -> Anchoring:
        text = self.text
        n = len(quote)
        centre = hints[-1] if hints else None
        if centre is None:
            lo, hi = 0, len(text)
        else:
            reach = max(FUZZY_WINDOW, 3 * n)
            lo, hi = max(0, centre - reach), min(len(text), centre + n + reach)

        votes: dict[int, int] = {}
        if n >= 8:
            k = min(8, max(2, n // 6))
            size = n // k
            for i in range(k):
                off = i * size
                chunk = quote[off:off + size]
                if len(chunk.strip()) < 3:
                    continue
                for pos in self._find_all(chunk, lo, hi, _MAX_CHUNK_HITS):
                    votes[pos - off] = votes.get(pos - off, 0) + 1

        spans: set[tuple[int, int]] = set()
        tail, head = prefix[-12:], suffix[:12]
        ends = self._find_all(head, lo, hi, _MAX_CHUNK_HITS) if len(head.strip()) >= 4 else []
        if len(tail.strip()) >= 4:
            for pos in self._find_all(tail, lo, hi, _MAX_CHUNK_HITS):
                start = pos + len(tail)
                votes[start] = votes.get(start, 0) + 2
                for end in ends:
                    if n // 2 <= end - start <= 2 * n + 8:
                        spans.add((start, end))
        elif ends:
            for end in ends:
                votes[end - n] = votes.get(end - n, 0) + 2

        # Merge nearby votes (an insertion shifts later chunks by a few characters).
        ranked: list[tuple[int, int]] = []
        for pos in sorted(votes):
            if ranked and pos - ranked[-1][1] <= 3:
                total, first = ranked[-1]
                ranked[-1] = (total + votes[pos], first)
            else:
                ranked.append((votes[pos], pos))
        ranked.sort(key=lambda v: (-v[0], abs(v[1] - centre) if centre is not None else 0))
        for count, pos in ranked[:_MAX_FUZZY_CANDIDATES]:
            if count < 2 and len(ranked) > 1:
                continue
            aligned = self._align(quote, pos)
            if aligned is not None:
                spans.add(aligned)

        cands = [
            self._candidate(s, e, similarity(quote, text[s:e]), prefix, suffix)
            for s, e in sorted(spans)[: 4 * _MAX_FUZZY_CANDIDATES]
            if 0 <= s < e <= len(text)
        ]
        good = [c for c in cands if c.similarity >= self._fuzzy_threshold(n)]
        if not good:
            best = max((c.similarity for c in cands), default=0.0)
            detail = f" (best candidate {best:.0%} similar)" if cands else ""
            return Anchoring(
                AnchorStatus.ORPHANED, None, None, round(best, 4),
                f"the quoted text was not found in the new version{detail}",
            )
        good.sort(key=lambda c: (-c.score, abs(c.start - centre) if centre is not None else 0))
        best_c = good[0]
        rivals = [
            c for c in good[1:]
            if c.score >= best_c.score - _FUZZY_TIE
            and (c.end <= best_c.start or c.start >= best_c.end)
        ]
        rival_starts = {c.start for c in rivals}
        note = (
            f"the quoted text changed ({best_c.similarity:.0%} similar): "
            f"{_short(quote)} → {_short(text[best_c.start:best_c.end])}"
        )
        if rivals:
            note += f"; {len(rival_starts)} other place(s) match about as well"
        return Anchoring(
            AnchorStatus.UNCERTAIN, best_c.start, best_c.end, best_c.score, note, len(rival_starts)
        )

    def _fuzzy_threshold(self, n: int) -> float:
        # Short quotes match by chance far more easily; demand more of them.
        return max(self.threshold, 0.9) if n < 12 else self.threshold

    def _align(self, quote: str, approx_start: int) -> tuple[int, int] | None:
        """Span in the new text that best aligns with ``quote`` near ``approx_start``."""
        n = len(quote)
        slack = max(4, n // 4)
        lo = max(0, approx_start - slack)
        hi = min(len(self.text), approx_start + n + slack)
        region = self.text[lo:hi]
        matcher = SequenceMatcher(None, quote, region, autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size >= 2]
        if not blocks:
            return None
        first, last = blocks[0], blocks[-1]
        start = max(lo, lo + first.b - first.a)
        end = min(hi, lo + last.b + last.size + (n - last.a - last.size))
        return (start, end) if start < end else None


def _short(text: str, limit: int = 40) -> str:
    text = collapse_whitespace(text)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def reanchor(
    quote: str,
    prefix: str,
    suffix: str,
    old_start: int | None,
    new_text: str,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> Anchoring:
    """Locate one quote in ``new_text``; see the module docstring for the statuses.

    For many quotes against the same text use :class:`Reanchorer` (or
    :func:`reanchor_annotations`), which shares its search indexes.
    """
    return Reanchorer(new_text, threshold=threshold).anchor(quote, prefix, suffix, old_start)


class Reanchored(NamedTuple):
    """Outcome for one annotation of :func:`reanchor_annotations`."""

    old: Annotation
    new: Annotation | None
    """The annotation on the new text (text/context re-cut), or ``None`` if orphaned.

    When the source mention could not be placed, ``new`` has no source span and
    ``source`` says why; it is never moved to a guessed place silently.
    """
    anchoring: Anchoring
    source: Anchoring | None
    """``None`` when the annotation had no source mention."""

    @property
    def needs_review(self) -> bool:
        return not self.anchoring.confident or (
            self.source is not None and not self.source.confident
        )


def reanchor_annotations(
    annotations: Iterable[Annotation],
    new_text: str,
    *,
    old_text: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    now: str | None = None,
) -> list[Reanchored]:
    """Map annotations (and their source mentions) onto ``new_text``.

    Annotations are processed in old document order and the shift of the last
    confidently placed one predicts where the next should be, so an inserted
    paragraph costs one search, not one per annotation.

    The source mention has no stored quote of its own, so with ``old_text`` it is
    cut from the old text and re-anchored like a claim. Without ``old_text`` it is
    shifted with its claim, which is only verified when it lies inside the claim
    span or its (fully matched) context; otherwise it is reported ``uncertain``.

    ``updated_at`` is set to ``now`` only on annotations whose offsets or text changed.
    Results come back in the order of the input.
    """
    items = list(annotations)
    anchorer = Reanchorer(new_text, threshold=threshold)
    order = sorted(range(len(items)), key=lambda i: items[i].sort_key)
    results: list[Reanchored | None] = [None] * len(items)
    delta = 0
    for i in order:
        ann = items[i]
        main = anchorer.anchor(ann.text, ann.prefix, ann.suffix, ann.start,
                               expected=ann.start + delta)
        if main.confident and main.start is not None:
            delta = main.start - ann.start
        source = _reanchor_source(anchorer, ann, main, old_text)
        results[i] = Reanchored(ann, _rebuild(ann, main, source, new_text, now), main, source)
    return [r for r in results if r is not None]


def _reanchor_source(
    anchorer: Reanchorer, ann: Annotation, main: Anchoring, old_text: str | None
) -> Anchoring | None:
    if ann.source_start is None or ann.source_end is None:
        return None
    ss, se = ann.source_start, ann.source_end
    shift = (main.start - ann.start) if main.start is not None else 0
    if old_text is not None and 0 <= ss < se <= len(old_text):
        return anchorer.anchor(
            old_text[ss:se],
            old_text[max(0, ss - CONTEXT_CHARS):ss],
            old_text[se:se + CONTEXT_CHARS],
            ss,
            expected=ss + shift,
        )
    if not main.placed:
        return Anchoring(AnchorStatus.ORPHANED, None, None, 0.0,
                         "the claim could not be placed, so neither could its source mention")
    new_s, new_e = ss + shift, se + shift
    if not 0 <= new_s < new_e <= len(anchorer.text):
        return Anchoring(AnchorStatus.ORPHANED, None, None, 0.0,
                         "the source mention would fall outside the new text")
    # Verified region: the claim text when unchanged, plus its context when intact.
    verified = main.confident and anchorer.text[main.start:main.end] == ann.text
    lo, hi = ann.start, ann.end
    if verified and main.score == 1.0:
        lo, hi = ann.start - len(ann.prefix), ann.end + len(ann.suffix)
    if verified and lo <= ss and se <= hi:
        status = AnchorStatus.EXACT if shift == 0 and main.status == AnchorStatus.EXACT \
            else AnchorStatus.MOVED
        return Anchoring(status, new_s, new_e, main.score,
                         "" if status == AnchorStatus.EXACT else "shifted with its claim")
    return Anchoring(
        AnchorStatus.UNCERTAIN, new_s, new_e, 0.5,
        "source mention shifted with its claim but could not be verified without the old text",
    )


def _rebuild(
    ann: Annotation,
    main: Anchoring,
    source: Anchoring | None,
    new_text: str,
    now: str | None,
) -> Annotation | None:
    if main.start is None or main.end is None:
        return None
    s, e = main.start, main.end
    ss: int | None = None
    se: int | None = None
    if source is not None and source.start is not None and source.end is not None:
        ss, se = source.start, source.end
    new = ann._replace(
        start=s,
        end=e,
        text=new_text[s:e],
        prefix=new_text[max(0, s - CONTEXT_CHARS):s],
        suffix=new_text[e:e + CONTEXT_CHARS],
        source_start=ss,
        source_end=se,
    )
    changed = (new.start, new.end, new.text, new.source_start, new.source_end) != (
        ann.start, ann.end, ann.text, ann.source_start, ann.source_end
    )
    if changed and now is not None:
        new = new._replace(updated_at=now)
    return new
