"""Tagging in a dense article (50k annotations) vs the same article with none."""

from __future__ import annotations

import gc
import random
import time
from pathlib import Path
from typing import Any

from harness import SEED, Context, Measure, Qt, log, ratio_result


def measure_tag(qt: Qt, db_full: Path, db_empty: Path, text: str, labels: list[str],
                n_tags: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """One tag action in the crowded article vs the same article with no annotations.

    ``tag_50k_vs_0``: the span is on screen already (the way an analyst tags:
    select visible words, press a digit); timed = select_cp + tag_selection +
    events until the viewport has repainted.
    ``tag_jump_50k_vs_0``: the same, but the span is far from the current view, so
    select_cp scrolls and the newly visible blocks are highlighted inside the
    timed region.
    """
    rng = random.Random(SEED + 7)
    windows = {}
    watchers = {}
    for key, db in (("full", db_full), ("empty", db_empty)):
        w = qt.app_module.create_window(db)
        watcher = qt.PaintWatcher()
        w.view.viewport().installEventFilter(watcher)
        w.show()
        qt.wait_painted(watcher, 0)
        while not w.article.complete:  # steady state: all annotations loaded
            qt.QApplication.processEvents()
        windows[key], watchers[key] = w, watcher
    n_before = windows["full"].article.count

    def span_at(pos: int) -> tuple[int, int]:
        # Start on a word, 30-200 code points long, not crossing a paragraph.
        while pos < len(text) - 1 and not text[pos - 1].isspace():
            pos += 1
        end = min(len(text), pos + rng.randint(30, 200))
        nl = text.find("\n", pos, end)
        if nl != -1:
            end = nl
        if end - pos < 5:
            return span_at(rng.randrange(100, len(text) - 400))
        return pos, end

    def tag_once(key: str, s: int, e: int, label: str, *, prescroll: bool) -> float:
        w, watcher = windows[key], watchers[key]
        if prescroll:  # bring the span on screen first, untimed
            w.view.select_cp(s, s)
            qt.wait_painted(watcher, watcher.paints, timeout=2.0)
            for _ in range(3):
                qt.QApplication.processEvents()
            # An analyst reads before tagging: let the highlighter finish the blocks
            # just off screen (painted ~30 ms after a scroll) before the clock starts.
            hl = w.view.highlighter
            deadline = time.perf_counter() + 2.0
            while not getattr(hl, "idle", True) and time.perf_counter() < deadline:
                qt.QApplication.processEvents()
        gc.collect()
        before = watcher.paints
        t0 = time.perf_counter()
        w.view.select_cp(s, e)
        w.editing.tag_selection(label)
        ok = qt.wait_painted(watcher, before)
        elapsed = time.perf_counter() - t0
        if not ok:
            log(f"warning: no repaint after tagging in the {key} window")
        return elapsed

    results = {}
    for name, prescroll in (("tag_50k_vs_0", True), ("tag_jump_50k_vs_0", False)):
        runs: dict[str, list[float]] = {"full": [], "empty": []}
        # one untimed warm-up tag in each window
        for key in ("full", "empty"):
            s, e = span_at(rng.randrange(1000, len(text) - 1000))
            tag_once(key, s, e, labels[0], prescroll=prescroll)
        for i in range(n_tags):
            s, e = span_at(rng.randrange(1000, len(text) - 1000))
            label = labels[i % len(labels)]
            order = ("full", "empty") if i % 2 == 0 else ("empty", "full")
            for key in order:
                runs[key].append(tag_once(key, s, e, label, prescroll=prescroll))
        results[name] = ratio_result(name, runs["full"], runs["empty"], target=1.2,
                                  n_annotations=n_before, baseline="same app, same article, "
                                  "0 annotations")
    assert windows["full"].article.count == n_before + 2 * (n_tags + 1), "tags did not persist"
    for w in windows.values():
        project = w.project
        qt.dispose(w)
        project.close()
    windows.clear()
    return results["tag_50k_vs_0"], results["tag_jump_50k_vs_0"]


def run(ctx: Context) -> None:
    # Tags are written: own databases, never shared with read-only measures.
    db_full, meta = ctx.database("tag50k", ctx.n(50_000), SEED + 2)
    db_empty, _ = ctx.database("tag0", 0, SEED + 3)
    log("tag: 50k-annotation window vs 0-annotation window")
    tag, jump = measure_tag(ctx.qt, db_full, db_empty, ctx.text, meta["labels"],
                            ctx.repeats(20, 6))
    ctx.add("tag_50k_vs_0", tag)
    ctx.add("tag_jump_50k_vs_0", jump)


MEASURES = [Measure("tag", run, "tag_50k_vs_0, tag_jump_50k_vs_0", needs_qt=True)]
