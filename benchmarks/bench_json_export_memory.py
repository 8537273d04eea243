"""Memory: peak RSS of the Label Studio and doccano exports of one 100k-annotation
article vs not exporting (the W3C one is ``bench_w3c_memory``).

Both used to build every annotation object and the whole JSON text in memory (~615 MB
peak for doccano, ~760 MB for Label Studio at 100k); they are now streamed from the
database one page of annotations at a time (``interop.export_annotations(project,
"labelstudio" | "doccano", …)`` → ``write_labelstudio`` / ``write_doccano``), byte for
byte the same files. Each side is a fresh ``python -c`` process reporting its own peak
(``VmHWM``): the app side opens the project and exports the article; the baseline opens
the same project and counts the article's annotations without exporting — the
snippet of ``bench_w3c_memory`` with the format as its fifth argument.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from harness import RSS_EPILOGUE, SEED, Context, Measure, interleave, log, peak_rss_mb, rss_result

TARGET_DELTA_MB = 140
"""As for W3C: the MB above the baseline (~60 MB) for 100k annotations."""

SNIPPET = r"""
import sys, tracemalloc
from annotator.services.interop import export_annotations
from annotator.services.project import Project
from annotator.storage import crud
db, art, out, export, fmt = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1", sys.argv[5]
project = Project(db)
with project.reading() as session:
    n = crud.annotation_signature(session=session, article_id=art)[0]
peak = 0
if export:
    tracemalloc.start()
    n = export_annotations(project, fmt, out, article_id=art).annotations
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
project.close()
sys.stdout.write("ANNOTATIONS %d TRACEMALLOC %d\n" % (n, peak))
""" + RSS_EPILOGUE


def measure_json_memory(ctx: Context, db: Path, meta: dict[str, object], fmt: str,
                        repeats: int) -> dict[str, object]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(Path(__file__).resolve().parents[1]),
                                                    env.get("PYTHONPATH", "")) if p)
    out = ctx.tmp / f"memory-export.{fmt}.json"
    seen: dict[str, tuple[int, int]] = {}
    name = f"rss_mb_{fmt}_export_100k"

    def once(kind: str) -> float:
        mb, text = peak_rss_mb([sys.executable, "-c", SNIPPET, str(db), str(meta["article_id"]),
                                str(out), "1" if kind == "app" else "0", fmt],
                               env=env, cwd=ctx.tmp)
        fields = text.split("ANNOTATIONS ")[1].split()
        seen[kind] = (int(fields[0]), int(fields[2]))
        return mb

    runs = interleave({"app": lambda: once("app"), "bare": lambda: once("bare")}, repeats)
    for i, (a, b) in enumerate(zip(runs["app"], runs["bare"], strict=True)):
        log(f"{name} [{i + 1}/{repeats}] export {a:.0f} MB, bare {b:.0f} MB")
    return rss_result(
        name, runs["app"], runs["bare"], target_delta_mb=TARGET_DELTA_MB,
        n_annotations=seen["app"][0], tracemalloc_peak_mb=round(seen["app"][1] / 2 ** 20, 1),
        file_mb=round(out.stat().st_size / 2 ** 20, 1), peak_mb=round(max(runs["app"]), 1),
        baseline="the same project opened, its annotations counted, nothing exported")


def run(ctx: Context) -> None:
    db, meta = ctx.database("a100k", ctx.n(100_000), SEED + 4)
    for fmt in ("labelstudio", "doccano"):
        ctx.add(f"rss_mb_{fmt}_export_100k",
                measure_json_memory(ctx, db, meta, fmt, ctx.repeats(2, 1)))


MEASURES = [Measure("json_memory", run,
                    "rss_mb_labelstudio_export_100k, rss_mb_doccano_export_100k: peak RSS, "
                    "streamed exports vs not exporting")]
