"""Refresh on a team server: a colleague's changes reach an open article.

A refresh (``OpenArticle.refresh`` + folding the changes in) reads the article's new
audit events and only the annotations they name, so its cost follows the number of
changes, not the article's size. Measured on SQLite and, when a PostgreSQL server can
be started (``tests/pg_server.py``'s throwaway cluster, or ``$ANNOTATOR_TEST_PG_URL``),
on PostgreSQL too:

- ``refresh_50k_vs_0_<backend>``: one colleague's tag, refresh in the 50k-annotation
  article vs the same in the article with no annotations (target ≤ 1.2: O(1) in size);
- ``refresh_100_vs_1_<backend>`` (report only): 100 changes vs 1, same article;
- ``refresh_full_vs_incremental_<backend>`` (diagnostic): what the refresh used to do,
  re-reading the whole article (``OpenArticle.load``), vs the incremental refresh.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from harness import SEED, Context, Measure, build_db, interleave, log, ratio_result

TARGET = 1.2


class _Side:
    """One open article in one analyst's project, and a colleague writing to it."""

    def __init__(self, url: str, meta: dict[str, Any], text: str) -> None:
        from annotator.services.open_article import OpenArticle
        from annotator.services.project import Project

        self.project = Project(url)
        self.colleague = Project(url)
        self.meta = meta
        self.text = text
        self.view = OpenArticle.load(self.project, meta["article_id"])
        self.rng = random.Random(SEED + 11)

    def colleague_tags(self, k: int) -> None:
        from annotator.services import annotate

        for _ in range(k):
            s = self.rng.randrange(0, len(self.text) - 200)
            e = s + self.rng.randint(20, 150)
            annotate.apply_edit(self.colleague, annotate.new_annotation(
                self.colleague, article_id=self.meta["article_id"], article_text=self.text,
                annotator="colleague", label=self.meta["labels"][0], start=s, end=e),
                actor="colleague")

    def refresh(self) -> float:
        t0 = time.perf_counter()
        r = self.view.refresh(self.project)
        for change in r.changes:
            self.view.apply_change(change)
        return time.perf_counter() - t0

    def full_reload(self) -> float:
        from annotator.services.open_article import OpenArticle

        t0 = time.perf_counter()
        self.view = OpenArticle.load(self.project, self.meta["article_id"])
        return time.perf_counter() - t0

    def close(self) -> None:
        self.project.close()
        self.colleague.close()


def measure_refresh(ctx: Context, backend: str, big: tuple[str, dict[str, Any]],
                    empty: tuple[str, dict[str, Any]]) -> None:
    repeats = ctx.repeats(9, 3)
    sides = {"big": _Side(*big, ctx.text), "empty": _Side(*empty, ctx.text)}
    try:
        def job(side: str, k: int):  # type: ignore[no-untyped-def]
            def run() -> float:
                sides[side].colleague_tags(k)  # untimed
                return sides[side].refresh()
            return run

        for side in sides:  # warm-up
            job(side, 1)()
        name = f"refresh_50k_vs_0_{backend}"
        runs = interleave({"big": job("big", 1), "empty": job("empty", 1)}, repeats, name)
        n = sides["big"].view.count
        ctx.add(name, ratio_result(name, runs["big"], runs["empty"], target=TARGET,
                                   n_annotations=n, changes=1, backend=backend,
                                   baseline="the same refresh in the article with no "
                                            "annotations"))
        name = f"refresh_100_vs_1_{backend}"
        runs = interleave({"100": job("big", 100), "1": job("big", 1)}, repeats, name)
        ctx.add(name, ratio_result(name, runs["100"], runs["1"], target=None,
                                   n_annotations=n, backend=backend,
                                   baseline="a refresh finding 1 change, same article"))
        name = f"refresh_full_vs_incremental_{backend}"
        runs = interleave({"full": sides["big"].full_reload, "incremental": job("big", 1)},
                          repeats, name)
        ctx.diagnose(name, ratio_result(name, runs["full"], runs["incremental"], target=None,
                                        n_annotations=sides["big"].view.count,
                                        backend=backend))
    finally:
        for side in sides.values():
            side.close()


def _pg_databases(ctx: Context) -> tuple[Any, list[str]] | None:
    """A throwaway PostgreSQL cluster (or $ANNOTATOR_TEST_PG_URL) with two databases."""
    import sys

    repo = str(Path(__file__).resolve().parents[1])
    if repo not in sys.path:
        sys.path.append(repo)
    try:
        from tests.pg_server import Cluster
    except ImportError as exc:
        log(f"refresh: PostgreSQL skipped ({exc})")
        return None
    cluster = Cluster()
    cluster.start()
    if not cluster.url:
        log(f"refresh: PostgreSQL skipped ({cluster.reason})")
        return None
    return cluster, [cluster.new_database(), cluster.new_database()]


def run(ctx: Context) -> None:
    n = ctx.n(50_000)
    big = ctx.database("refresh50k", n, SEED + 2)
    empty = ctx.database("refresh0", 0, SEED + 3)
    measure_refresh(ctx, "sqlite", (str(big[0]), big[1]), (str(empty[0]), empty[1]))
    pg = _pg_databases(ctx)
    if pg is None:
        return
    cluster, (url_big, url_empty) = pg
    try:
        meta_big = build_db(url_big, ctx.article_file, ctx.text, n, SEED + 2)
        meta_empty = build_db(url_empty, ctx.article_file, ctx.text, 0, SEED + 3)
        measure_refresh(ctx, "postgresql", (url_big, meta_big), (url_empty, meta_empty))
    finally:
        cluster.stop()


MEASURES = [Measure("refresh", run, "refresh_50k_vs_0_<sqlite|postgresql>, "
                    "refresh_100_vs_1_<backend> (+ diagnostic full reload vs incremental)")]
