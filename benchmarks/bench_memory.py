"""Memory: peak RSS of the app with the 1 MB + 50k article open vs the bare app.

Each side is a fresh ``python -c`` process (so nothing else the benchmark has
allocated counts) that builds the window on the same database and reports its own
``ru_maxrss`` once the window has painted and, for the app side, every annotation
has been paged in. The bare app opens the short article of the same database
instead of the big one: same code, same imports, same database connection — the
difference is what the open article costs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from harness import RSS_EPILOGUE, SEED, Context, Measure, interleave, log, peak_rss_mb, rss_result

TARGET_DELTA_MB = 150

OPEN_SNIPPET = r"""
import sys, time
from annotator.app import create_window, settings
from PySide6.QtWidgets import QApplication
s = settings(); s.setValue("analyst/name", "Benchmark Analyst")
s.setValue("session/article", int(sys.argv[2])); s.sync()
window = create_window(sys.argv[1], seed=False)
window.show()
deadline = time.perf_counter() + 120
while time.perf_counter() < deadline and (window.article is None or not window.article.complete):
    QApplication.processEvents()
for _ in range(5):
    QApplication.processEvents()
assert window.article is not None and window.article.id == int(sys.argv[2])
sys.stdout.write("ANNOTATIONS %d\n" % window.article.count)
""" + RSS_EPILOGUE


def measure_rss_open(ctx: Context, db: Path, meta: dict[str, object],
                     repeats: int) -> dict[str, object]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(Path(__file__).resolve().parents[1]),
                                                    env.get("PYTHONPATH", "")) if p)
    counts: dict[str, int] = {}

    def once(kind: str) -> float:
        article = meta["article_id"] if kind == "app" else meta["small_id"]
        env["ANNOTATOR_SETTINGS"] = str(ctx.tmp / f"rss-{kind}.ini")
        mb, out = peak_rss_mb([sys.executable, "-c", OPEN_SNIPPET, str(db), str(article)],
                              env=env, cwd=ctx.tmp)
        counts[kind] = int(out.split("ANNOTATIONS ")[1].split()[0])
        return mb

    once("app")  # warm the file cache for both
    runs = interleave({"app": lambda: once("app"), "bare": lambda: once("bare")}, repeats,
                      label="")
    for i, (a, b) in enumerate(zip(runs["app"], runs["bare"], strict=True)):
        log(f"rss_mb_open_50k [{i + 1}/{repeats}] app {a:.0f} MB, bare {b:.0f} MB")
    return rss_result("rss_mb_open_50k", runs["app"], runs["bare"],
                      target_delta_mb=TARGET_DELTA_MB, n_annotations=counts["app"],
                      article_chars=len(ctx.text),
                      baseline="the same app on the same database with its short article open")


def run(ctx: Context) -> None:
    db, meta = ctx.database("a50k", ctx.n(50_000), SEED + 2)
    ctx.add("rss_mb_open_50k", measure_rss_open(ctx, db, meta, ctx.repeats(3, 1)))


MEASURES = [Measure("memory", run, "rss_mb_open_50k: peak RSS, big article open vs bare app")]
