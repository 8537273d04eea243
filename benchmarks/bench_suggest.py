#!/usr/bin/env python
"""Benchmark: attribution suggestions for a 1 MB article vs a bare regex pass.

The app path is :func:`annotator.domain.suggest.suggest_attributions` as the window and
``annotator suggest`` run it (the mention parser's facets are parsed only for a
suggestion being accepted, see ``services/suggestions.accept``). The baseline is the least any
suggester must do: one bare word regex (``\\w+``) run over the same text, ``re.finditer``
consumed. Both are measured here, in the same run,
alternating, median of N. The budget is absolute (≤ 2 s for 1 MB on the project's
2-core machines); the ratio is reported so a slowdown shows even on faster hardware.

Usage: ``python benchmarks/bench_suggest.py [--quick]`` (prints one JSON object), or
through ``benchmarks/run.py`` which calls :func:`measure`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BUDGET_S = 2.0

_NAMES = ("Steve Witkoff", "Jared Kushner", "Adam Boehler", "Maria Lopez", "Chen Wei",
          "Amira Haddad", "John O’Neill", "Dana Kovač")
_ROLES = ("a senior Qatari official", "three sources with direct knowledge of the talks",
          "people familiar with the matter", "an Egyptian diplomat", "the White House",
          "a spokesman for the ministry", "Axios", "two U.S. officials and a Western diplomat")
_CLAIMS = ("the talks were at a standstill", "a deal could be reached within days",
           "the hostages would be released on Monday", "the ceasefire was holding",
           "the mediators had met twice in Doha", "the proposal had been rejected")
_FILLER = ("The meeting lasted 45 minutes.", "Negotiators returned to Cairo on Tuesday.",
           "Markets rose slightly in early trading.", "The city was quiet overnight.")


def generate_article(rng: random.Random, chars: int) -> str:
    """A deterministic news-like article: attributions in every pattern, plus filler."""
    paragraphs: list[str] = []
    size = 0
    while size < chars:
        name, role = rng.choice(_NAMES), rng.choice(_ROLES)
        claim = rng.choice(_CLAIMS)
        pattern = rng.randrange(7)
        if pattern == 0:
            p = f"{name} said that {claim}."
        elif pattern == 1:
            p = f"“{claim[0].upper()}{claim[1:]},” {role} said. {rng.choice(_FILLER)}"
        elif pattern == 2:
            p = f"According to {role}, {claim}."
        elif pattern == 3:
            p = f"“We agree,” she said, “and {claim}.” {rng.choice(_FILLER)}"
        elif pattern == 4:
            p = f"{role[0].upper()}{role[1:]} reportedly told {name} that {claim}."
        elif pattern == 5:
            p = f"{name}: “{claim[0].upper()}{claim[1:]}.”"
        else:
            p = " ".join(rng.choice(_FILLER) for _ in range(3))
        paragraphs.append(p)
        size += len(p) + 1
    return "\n".join(paragraphs)[:chars]


def measure(quick: bool = False) -> dict[str, Any]:
    """``{"suggest_1mb": result}`` in benchmarks/run.py's result format."""
    sys.path.insert(0, str(REPO))
    from annotator.domain.suggest import engine, suggest_attributions

    chars = 250_000 if quick else 1_000_000
    repeats = 3 if quick else 5
    text = generate_article(random.Random(20240611), chars)
    bare = re.compile(r"\w+")
    app_runs: list[float] = []
    base_runs: list[float] = []
    n = 0
    for i in range(repeats * 2):
        engine._FACET_CACHE.clear()  # every app run starts cold
        t0 = time.perf_counter()
        if i % 2 == 0:
            n = len(suggest_attributions(text, with_facets=False))
            app_runs.append(time.perf_counter() - t0)
        else:
            sum(1 for _ in bare.finditer(text))
            base_runs.append(time.perf_counter() - t0)
    app_s, base_s = statistics.median(app_runs), statistics.median(base_runs)
    res = {
        "app_s": round(app_s, 4), "baseline_s": round(base_s, 4),
        "ratio": round(app_s / base_s, 2) if base_s else None,
        "target": BUDGET_S, "target_unit": "s (absolute, for 1 MB)",
        "ok": app_s * (1_000_000 / chars) <= BUDGET_S,
        "repeats": repeats, "chars": chars, "suggestions": n,
        "method": "suggest_attributions (facets on accept) vs one bare \\w+ regex finditer",
    }
    print(f"[bench] suggest_1mb: app {app_s:.3f} s, regex {base_s:.3f} s, "
          f"ratio {res['ratio']}, {n} suggestions", file=sys.stderr)
    return {"suggest_1mb": res}


def _run(ctx: Any) -> None:  # ctx: harness.Context
    for name, result in measure(ctx.quick).items():
        ctx.add(name, result)


def _measures() -> list[Any]:
    from harness import Measure

    return [Measure("suggest", _run, "suggest_1mb: suggestions for 1 MB vs a bare regex "
                    "pass (absolute budget 2 s)")]


MEASURES = _measures()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    print(json.dumps(measure(ap.parse_args().quick), indent=2))
