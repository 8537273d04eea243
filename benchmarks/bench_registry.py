#!/usr/bin/env python
"""Registry build benchmark (issue 11): linking every queued source mention at once —
the first registry read after upgrading a large old file, or after a big import.

A corpus (bench_search's generator: N articles, M annotations, half with a source
mention; default 4,000 and 400,000, ``--quick`` 1,000 and 100,000) is copied afresh
for each repeat, with every mention queued, and linked three ways (medians,
interleaved):

- ``registry_build_bulk`` (app): ``sources.resolve_pending`` — committed batches, the
  counters and spread tables updated set-based (``source_crud.write_rule_links_bulk``);
- baseline: raw ``sqlite3`` doing the bare minimum of the same job — read each queued
  mention's text from its article, write one link row per mention (no link triggers),
  empty the queue, in one transaction. Report only: the app also matches by the
  rules, creates entries, keeps five counters and spread tables and commits per batch
  (measured ratio about 6–7 on the 2-core CI box, 50–145 µs per mention by its load);
- ``registry_build_per_row`` (report only): the same service with the bulk path off,
  every link counted by the per-row triggers — the path before the bulk one — so the
  speed-up is visible in the same run.

Usage: ``python benchmarks/bench_registry.py [--quick]`` prints one JSON object;
``benchmarks/run.py`` runs it as ``registry``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for p in (str(HERE), str(REPO)):
    if p not in sys.path:
        sys.path.insert(0, p)


def _log(*parts: object) -> None:
    print("[bench registry]", *parts, file=sys.stderr, flush=True)


def _bare(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                   "AND name LIKE 'source_link_%'").fetchall():
            con.execute(f"DROP TRIGGER {name}")
        con.commit()
        t0 = time.perf_counter()
        rows = con.execute(
            "SELECT a.id, a.article_id, substr(ar.text, a.source_start + 1, "
            "a.source_end - a.source_start) FROM source_pending p "
            "JOIN annotation a ON a.id = p.annotation_id "
            "JOIN article ar ON ar.id = a.article_id").fetchall()
        con.execute("INSERT INTO source (id, kind, name, outlet, note, claims, articles, "
                    "created_at, updated_at) VALUES ('src_bare', 'other', 'bare', '', '', 0, "
                    "0, '', '')")
        con.executemany("INSERT INTO annotation_source (annotation_id, source_id, manual, "
                        "article_id) VALUES (?, 'src_bare', 0, ?)",
                        [(r[0], r[1]) for r in rows])
        con.execute("DELETE FROM source_pending")
        con.commit()
        return int(round((time.perf_counter() - t0) * 1e6)) or 1
    finally:
        con.close()


def _app(db: Path, *, bulk: bool) -> tuple[int, int]:
    from annotator.services import sources
    from annotator.services.project import Project

    project = Project(db)
    saved = sources.BULK_FROM
    sources.BULK_FROM = sources.BULK_FROM if bulk else 10 ** 12
    try:
        t0 = time.perf_counter()
        n = sources.resolve_pending(project)
        return int(round((time.perf_counter() - t0) * 1e6)), n
    finally:
        sources.BULK_FROM = saved
        project.close()


def measure_registry(tmp: Path, *, quick: bool = False, repeats: int | None = None
                     ) -> dict[str, Any]:
    from bench_search import generate

    n_art, n_ann = (1_000, 100_000) if quick else (4_000, 400_000)
    reps = repeats or 3
    base = tmp / "registry-base.sqlite"
    _log(f"generating {n_art} articles, {n_ann} annotations")
    meta = generate(base, n_art, n_ann, seed=23)
    _log(f"generated: {meta}")
    run = tmp / "registry-run.sqlite"
    app, per_row, bare = [], [], []
    linked = 0
    for k in range(reps):
        for which in (("app", "per_row", "bare") if k % 2 == 0 else ("bare", "per_row", "app")):
            shutil.copy(base, run)
            for suffix in ("-wal", "-shm"):
                Path(str(run) + suffix).unlink(missing_ok=True)
            if which == "bare":
                bare.append(_bare(run) / 1e6)
            else:
                us, linked = _app(run, bulk=which == "app")
                (app if which == "app" else per_row).append(us / 1e6)
            runs = {"app": app, "per_row": per_row, "bare": bare}[which]
            _log(f"repeat {k + 1} {which}: {runs[-1]:.2f} s")
    from harness import ratio_result

    out = {"registry_build_bulk": ratio_result(
        "registry_build_bulk", app, bare, target=None, mentions=linked, corpus=meta,
        us_per_mention=round(min(app) / max(1, linked) * 1e6, 1))}
    per = ratio_result("registry_build_per_row", per_row, bare, target=None,
                       mentions=linked, us_per_mention=round(min(per_row) / max(1, linked)
                                                              * 1e6, 1))
    per["bulk_speedup"] = round(sorted(per_row)[len(per_row) // 2]
                                / sorted(app)[len(app) // 2], 2)
    out["registry_build_per_row"] = per
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="1,000 articles, 100,000 annotations")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="annotator-bench-registry-"))
    try:
        result = measure_registry(tmp, quick=args.quick)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def _run(ctx: Any) -> None:  # ctx: harness.Context
    results = measure_registry(ctx.tmp, quick=ctx.quick)
    ctx.add("registry_build_bulk", results["registry_build_bulk"])
    ctx.diagnose("registry_build_per_row", results["registry_build_per_row"])


def _measures() -> list[Any]:
    from harness import Measure

    return [Measure("registry", _run, "linking every queued source mention at once "
                    "(resolve_pending) vs bare sqlite3 link writes (report only); per-row "
                    "trigger path reported for the speed-up")]


MEASURES = _measures()


if __name__ == "__main__":
    sys.exit(main())
