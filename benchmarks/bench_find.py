#!/usr/bin/env python
"""Benchmark: Find in article on a 1 MB article vs a bare regex search.

The app path is what typing a query into the find bar does: search the stored text
(:func:`annotator.domain.text_search.find_all`), select the first hit, and paint marks
for the hits on screen only (extra selections over the viewport). The baseline is the
least any find must do: one bare case-insensitive ``re.finditer`` of the literal over
the same text, consumed. Both run here, in the same run, alternating, median of N.
A diagnostic shows what painting every hit (not only the visible ones) would cost.

Usage: ``python benchmarks/bench_find.py [--quick]`` (prints one JSON object), or
through ``benchmarks/run.py`` which calls :func:`measure`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO = 3.0
QUERY = "said"


_WORDS = ("the officials said on Tuesday that talks would resume after weeks of "
          "negotiations according to people familiar with the matter while analysts "
          "warned markets could react sharply Witkoff told reporters 😀 𠀋 the ministry "
          "declined to comment").split()


def generate_article(rng: random.Random, chars: int) -> str:
    """Deterministic news-like paragraphs (astral characters included)."""
    paragraphs, size = [], 0
    while size < chars:
        p = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(25, 70))) + "."
        paragraphs.append(p[0].upper() + p[1:])
        size += len(p) + 1
    return "\n".join(paragraphs)[:chars]


def measure(quick: bool = False, text: str | None = None) -> dict[str, Any]:
    """``{"find_1mb": result}`` in benchmarks/run.py's result format."""
    sys.path.insert(0, str(REPO))
    if not os.environ.get("DISPLAY") and "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtGui import QColor, QTextCharFormat
    from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

    from annotator.domain.model import Article
    from annotator.qt.article_view import ArticleView
    from annotator.qt.find_bar import FindBar
    from annotator.services.open_article import OpenArticle

    app = QApplication.instance() or QApplication(sys.argv[:1])
    chars = 250_000 if quick else 1_000_000
    repeats = 3 if quick else 7
    if text is None:
        text = generate_article(random.Random(20240611), chars)
    chars = len(text)
    host = QWidget()
    layout = QVBoxLayout(host)
    view = ArticleView()
    bar = FindBar(view)
    layout.addWidget(view)
    layout.addWidget(bar)
    host.resize(1000, 700)
    view.show_article(OpenArticle(Article(1, "bench", "", "", "", text, "", "", ""), []))
    host.show()
    app.processEvents()
    bar.show()
    bare = re.compile(re.escape(QUERY), re.IGNORECASE)
    app_runs: list[float] = []
    base_runs: list[float] = []
    for i in range(repeats * 2):
        view.select_cp(0, 0)
        t0 = time.perf_counter()
        if i % 2 == 0:
            bar.field.setText(QUERY)  # search, select the first hit, paint visible marks
            app_runs.append(time.perf_counter() - t0)
            bar.field.setText("")
        else:
            sum(1 for _ in bare.finditer(text))
            base_runs.append(time.perf_counter() - t0)
    bar.field.setText(QUERY)
    hits, painted = len(bar.hits), len(view.extraSelections())
    # Diagnostic: every hit as an extra selection (what the find bar does not do).
    t0 = time.perf_counter()
    fmt = QTextCharFormat()
    fmt.setBackground(QColor("#ffd54f"))
    everything = [view.mark_span(s, e, fmt) for s, e in bar.hits]
    view.set_overlay("find", everything)
    app.processEvents()
    all_s = time.perf_counter() - t0
    app_s, base_s = statistics.median(app_runs), statistics.median(base_runs)
    ratio = round(app_s / base_s, 2) if base_s else None
    res = {
        "app_s": round(app_s, 4), "baseline_s": round(base_s, 4), "ratio": ratio,
        "target": TARGET_RATIO, "ok": ratio is not None and ratio <= TARGET_RATIO,
        "repeats": repeats, "chars": chars, "query": QUERY, "hits": hits,
        "marks_painted": painted, "paint_every_hit_s": round(all_s, 4),
        "method": "find bar query (find_all + select + visible marks) vs bare re.finditer",
    }
    print(f"[bench] find_1mb: app {app_s * 1000:.1f} ms, regex {base_s * 1000:.1f} ms, "
          f"ratio {ratio}, {hits} hits, {painted} painted (all: {all_s:.2f} s)",
          file=sys.stderr)
    host.close()
    return {"find_1mb": res}


def _run(ctx: Any) -> None:  # ctx: harness.Context
    ctx.qt  # the run's one QApplication, created before any widget  # noqa: B018
    for name, result in measure(ctx.quick, ctx.text).items():
        ctx.add(name, result)


def _measures() -> list[Any]:
    from harness import Measure

    return [Measure("find", _run, "find_1mb: find bar query on 1 MB (search + visible "
                    "marks) vs a bare regex search", needs_qt=True)]


MEASURES = _measures()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    print(json.dumps(measure(ap.parse_args().quick), indent=2))
