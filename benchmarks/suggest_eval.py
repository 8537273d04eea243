#!/usr/bin/env python
"""Score the attribution suggestions against a PolNeAR-style split (brat standoff).

Usage::

    python benchmarks/suggest_eval.py PATH_TO_SPLIT [--by-file] [--limit N]

``PATH_TO_SPLIT`` is a folder with ``text/NAME.txt`` and ``attributions/NAME_ANNOTATOR.ann``
(PolNeAR's layout: github.com/networkdynamics/PolNeAR, data/train or data/dev). For an
article annotated by several annotators the first ``.ann`` in name order is the gold.

For each of Source, Cue and Content it prints precision, recall and F1 where a
suggested span matches a gold span of the same role if they overlap by at least one
character; each gold span and each suggested span is matched at most once (greedy,
in text order). PolNeAR's offsets count code points over the ``.txt`` (checked on
the data: ``text[start:end]`` equals the span text for every single-fragment span,
byte offsets do not). Discontinuous gold spans count as one span covering their
fragments; a suggested claim in two fragments likewise.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.domain.suggest import suggest_attributions  # noqa: E402

ROLES = ("Source", "Cue", "Content")
Frags = tuple[tuple[int, int], ...]


def read_gold(ann: Path) -> dict[str, list[Frags]]:
    gold: dict[str, list[Frags]] = {r: [] for r in ROLES}
    seen: set[tuple[str, Frags]] = set()
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].startswith("T"):
            continue
        role, _, offsets = parts[1].partition(" ")
        if role not in gold:
            continue
        frags = tuple((int(a), int(b)) for a, b in
                      (f.split() for f in offsets.split(";")))
        if (role, frags) not in seen:
            seen.add((role, frags))
            gold[role].append(frags)
    return gold


def predict(text: str) -> dict[str, list[Frags]]:
    pred: dict[str, list[Frags]] = {r: [] for r in ROLES}
    seen: set[tuple[str, Frags]] = set()
    for s in suggest_attributions(text, with_facets=False):
        items = [("Content", s.fragments)]
        if s.source:
            items.append(("Source", (s.source,)))
        if s.cue:
            items.append(("Cue", (s.cue,)))
        for role, frags in items:
            if (role, frags) not in seen:
                seen.add((role, frags))
                pred[role].append(frags)
    return pred


def _overlap(a: Frags, b: Frags) -> bool:
    return any(x0 < y1 and y0 < x1 for x0, x1 in a for y0, y1 in b)


def match(gold: Sequence[Frags], pred: Sequence[Frags]) -> int:
    """Number of matched pairs; each gold and each suggestion used at most once."""
    used: set[int] = set()
    n = 0
    for p in sorted(pred):
        for i, g in enumerate(gold):
            if i not in used and _overlap(p, g):
                used.add(i)
                n += 1
                break
    return n


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate(split: Path, *, limit: int = 0, by_file: bool = False) -> dict[str, tuple]:
    anns: dict[str, Path] = {}
    for ann in sorted((split / "attributions").glob("*.ann")):
        anns.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    names = sorted(anns)[:limit] if limit else sorted(anns)
    totals = {r: [0, 0, 0] for r in ROLES}
    elapsed = 0.0
    for name in names:
        text_path = split / "text" / f"{name}.txt"
        text = text_path.read_text(encoding="utf-8")
        gold = read_gold(anns[name])
        t0 = time.perf_counter()
        pred = predict(text)
        elapsed += time.perf_counter() - t0
        for r in ROLES:
            tp = match(gold[r], pred[r])
            totals[r][0] += tp
            totals[r][1] += len(pred[r])
            totals[r][2] += len(gold[r])
        if by_file:
            print(name, " ".join(f"{r}={match(gold[r], pred[r])}/{len(pred[r])}/{len(gold[r])}"
                                 for r in ROLES))
    out = {r: (*prf(*totals[r]), *totals[r]) for r in ROLES}
    out["_meta"] = (len(names), elapsed)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("split", type=Path)
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles")
    ap.add_argument("--by-file", action="store_true")
    args = ap.parse_args(argv)
    if not (args.split / "text").is_dir() or not (args.split / "attributions").is_dir():
        print(f"suggest_eval: {args.split}: expected text/ and attributions/ folders",
              file=sys.stderr)
        return 2
    res = evaluate(args.split, limit=args.limit, by_file=args.by_file)
    n, elapsed = res.pop("_meta")
    print(f"{n} articles, {elapsed:.2f} s in the engine")
    print(f"{'role':8} {'P':>6} {'R':>6} {'F1':>6}   matched/suggested/gold")
    for role in ROLES:
        p, r, f, tp, npred, ngold = res[role]
        print(f"{role:8} {p:6.3f} {r:6.3f} {f:6.3f}   {tp}/{npred}/{ngold}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
