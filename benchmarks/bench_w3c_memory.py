"""Memory: peak RSS of the W3C export of one 100k-annotation article vs not exporting.

The W3C export used to build the whole JSON-LD collection in memory (~1.5 GB for 100k
annotations); it is now streamed from the database one keyset page at a time
(``interop.export_annotations(project, "w3c", …)`` → ``w3c.write_w3c``). Each side is a
fresh ``python -c`` process reporting its own peak (``VmHWM``): the app side opens the
project and exports the article; the baseline opens the same project and counts the
article's annotations without exporting (interpreter, SQLAlchemy, the article text).

The issue's target is an absolute peak of at most 200 MB for 100k annotations: it is
``peak_mb`` / ``peak_ok``; the harness's own figure (``value``, ``target``) is the MB
above the baseline, with a target of +140 MB (the baseline is ~60 MB).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from harness import RSS_EPILOGUE, SEED, Context, Measure, interleave, log, peak_rss_mb, rss_result

PEAK_TARGET_MB = 200.0
TARGET_DELTA_MB = 140

SNIPPET = r"""
import sys, tracemalloc
from annotator.services.interop import export_annotations
from annotator.services.project import Project
from annotator.storage import crud
db, art, out, export = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
project = Project(db)
with project.reading() as session:
    n = crud.annotation_signature(session=session, article_id=art)[0]
peak = 0
if export:
    tracemalloc.start()
    n = export_annotations(project, "w3c", out, article_id=art).annotations
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
project.close()
sys.stdout.write("ANNOTATIONS %d TRACEMALLOC %d\n" % (n, peak))
""" + RSS_EPILOGUE


def measure_w3c_memory(ctx: Context, db: Path, meta: dict[str, object],
                       repeats: int) -> dict[str, object]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(Path(__file__).resolve().parents[1]),
                                                    env.get("PYTHONPATH", "")) if p)
    out = ctx.tmp / "memory-export.jsonld"
    seen: dict[str, tuple[int, int]] = {}

    def once(kind: str) -> float:
        mb, text = peak_rss_mb([sys.executable, "-c", SNIPPET, str(db), str(meta["article_id"]),
                                str(out), "1" if kind == "app" else "0"], env=env, cwd=ctx.tmp)
        fields = text.split("ANNOTATIONS ")[1].split()
        seen[kind] = (int(fields[0]), int(fields[2]))
        return mb

    runs = interleave({"app": lambda: once("app"), "bare": lambda: once("bare")}, repeats,
                      label="")
    for i, (a, b) in enumerate(zip(runs["app"], runs["bare"], strict=True)):
        log(f"rss_mb_w3c_export_100k [{i + 1}/{repeats}] export {a:.0f} MB, bare {b:.0f} MB")
    peak = max(runs["app"])
    return rss_result(
        "rss_mb_w3c_export_100k", runs["app"], runs["bare"], target_delta_mb=TARGET_DELTA_MB,
        n_annotations=seen["app"][0], tracemalloc_peak_mb=round(seen["app"][1] / 2 ** 20, 1),
        file_mb=round(out.stat().st_size / 2 ** 20, 1), peak_mb=round(peak, 1),
        peak_target_mb=PEAK_TARGET_MB, peak_ok=peak <= PEAK_TARGET_MB,
        baseline="the same project opened, its annotations counted, nothing exported")


def run(ctx: Context) -> None:
    db, meta = ctx.database("a100k", ctx.n(100_000), SEED + 4)
    ctx.add("rss_mb_w3c_export_100k", measure_w3c_memory(ctx, db, meta, ctx.repeats(3, 1)))


MEASURES = [Measure("w3c_memory", run,
                    "rss_mb_w3c_export_100k: peak RSS, streamed W3C export vs not exporting")]
