#!/usr/bin/env python
"""Performance benchmarks for annotator, each measured against a bare baseline.

Usage::

    python benchmarks/run.py                     # full run (several minutes on 2 cores)
    python benchmarks/run.py --quick             # what CI can afford: 1/4 sizes, fewer repeats
    python benchmarks/run.py --only open,tag     # a subset (names: --list)
    python benchmarks/run.py --out new.json --compare old.json   # flag regressions > 20 %

Prints ONE JSON object on stdout (or writes it to ``--out``) and a one-screen table
(figure, app, baseline, ratio, target, ok) on stderr; progress goes to stderr too.
Every figure is the median of N interleaved repeats of the app path and of a bare
baseline doing the same user-visible job, measured the same way in the same run.
See benchmarks/README.md for what each figure means.

Adding a benchmark: write ``benchmarks/bench_<topic>.py`` defining ``MEASURES`` (see
``harness.Measure``), then add its module name to ``MODULES`` below — one line.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.insert(1, str(REPO))

import harness  # noqa: E402

MODULES = [
    # One line per benchmark module (benchmarks/<name>.py); measures run in this order.
    "bench_open",
    "bench_tag",
    "bench_memory",
    "bench_refresh",
    "bench_export",
    "bench_suggest",
    "bench_suggest_stall",
    "bench_find",
    "bench_w3c_memory",
    "bench_json_export_memory",
    "bench_startup",
    "bench_search",
    "bench_registry",
]


def load_measures(modules: list[str] | None = None) -> dict[str, harness.Measure]:
    """Every registered measure by its ``--only`` name, in run order."""
    measures: dict[str, harness.Measure] = {}
    for module_name in modules or MODULES:
        module = importlib.import_module(module_name)
        for measure in module.MEASURES:
            if measure.name in measures:
                raise ValueError(f"measure {measure.name!r} defined twice ({module_name})")
            measures[measure.name] = measure
    return measures


def main(argv: list[str] | None = None) -> int:
    measures = load_measures()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="1/4 sizes and fewer repeats (what CI can afford)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--only", default="",
                        help="comma-separated subset: " + ",".join(measures))
    parser.add_argument("--list", action="store_true", help="list the measures and exit")
    parser.add_argument("--out", type=Path, help="write the JSON here instead of stdout")
    parser.add_argument("--compare", type=Path, metavar="OLD.json",
                        help="compare with an earlier run; exit 1 if a figure regressed "
                             "by more than 20 %%")
    args = parser.parse_args(argv)
    if args.list:
        for m in measures.values():
            print(f"{m.name:10} {m.doc}")
        return 0
    only = [x.strip() for x in args.only.split(",") if x.strip()] or list(measures)
    unknown = set(only) - set(measures)
    if unknown:
        parser.error(f"--only: unknown measure(s) {', '.join(sorted(unknown))} "
                     f"(choose from {', '.join(measures)})")
    old = harness.load_results(args.compare) if args.compare else None

    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="annotator-bench-"))
    harness.isolate_environment(tmp)
    try:
        chars = 250_000 if args.quick else 1_000_000
        text = harness.generate_article(random.Random(harness.SEED), chars)
        article_file = tmp / "benchmark-article.txt"
        article_file.write_text(text, encoding="utf-8")
        astral = sum(1 for ch in text if ord(ch) > 0xFFFF)
        harness.log(f"article: {len(text)} code points, {len(text.encode('utf-8'))} UTF-8 "
                    f"bytes, {astral} astral, {text.count(chr(10))} paragraphs")
        ctx = harness.Context(tmp=tmp, quick=args.quick, text=text, article_file=article_file)
        for name in measures:  # registry order, whatever order --only lists them in
            if name in only:
                harness.log(f"== {name}")
                measures[name].run(ctx)

        import PySide6

        comparison = harness.compare(ctx.results, old) if old is not None else None
        regressed = sorted(k for k, c in (comparison or {}).items() if c["regressed"])
        report: dict[str, Any] = {
            "benchmark": "annotator",
            "quick": args.quick,
            "article_chars": len(text),
            "article_utf8_bytes": len(text.encode("utf-8")),
            "article_astral_chars": astral,
            "article_paragraphs": text.count("\n"),
            "environment": {
                "python": platform.python_version(),
                "pyside6": PySide6.__version__,
                "qt_platform": os.environ.get("QT_QPA_PLATFORM", "(native)").split(":")[0],
                "cpus": os.cpu_count(),
                "machine": platform.machine(),
                "loadavg": [round(x, 2) for x in os.getloadavg()],
            },
            "results": ctx.results,
            "diagnostics": ctx.diagnostics,
            # Results with target None (report only) do not count.
            "all_ok": all(r["ok"] for r in ctx.results.values() if r["target"] is not None),
            "total_s": round(time.perf_counter() - started, 1),
        }
        if comparison is not None:
            report["compare"] = {"old": str(args.compare), "figures": comparison,
                                 "regressed": regressed}
        text_out = json.dumps(report, indent=2, ensure_ascii=False)
        if args.out:
            args.out.write_text(text_out + "\n", encoding="utf-8")
        else:
            print(text_out, flush=True)
        print("\n" + harness.table(ctx.results, comparison), file=sys.stderr)
        print(f"all_ok: {report['all_ok']}  ({report['total_s']} s, load average "
              f"{report['environment']['loadavg'][0]})", file=sys.stderr)
        if regressed:
            print(f"REGRESSED vs {args.compare}: {', '.join(regressed)}", file=sys.stderr)
            return 1
        return 0
    finally:
        if args.keep:
            harness.log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
