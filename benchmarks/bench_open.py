"""Opening an article: first paint of the text with its highlights vs bare ``setPlainText``."""

from __future__ import annotations

import gc
import statistics
import time
from pathlib import Path
from typing import Any

from harness import DOC_MARGIN, SEED, Context, Measure, Qt, log, ratio_result

TARGETS = {"open_10k": 1.5, "open_50k": 1.5, "open_0": None}



def open_app_once(qt: Qt, db: Path) -> tuple[float, dict[str, Any]]:
    gc.collect()
    t0 = time.perf_counter()
    window = qt.app_module.create_window(db)
    watcher = qt.PaintWatcher()
    window.view.viewport().installEventFilter(watcher)
    window.show()
    ok = qt.wait_painted(watcher, 0)
    elapsed = time.perf_counter() - t0
    info = {
        "painted": ok,
        "view_size": (window.view.width(), window.view.height()),
        "highlight_calls": window.view.highlighter.calls,
        "n_annotations": window.article.count if window.article else 0,
    }
    window.view.viewport().removeEventFilter(watcher)
    project = window.project
    qt.dispose(window)
    project.close()
    del window
    return elapsed, info


def open_bare_once(qt: Qt, text: str, size: tuple[int, int]) -> float:
    gc.collect()
    t0 = time.perf_counter()
    view = qt.QPlainTextEdit()
    view.setReadOnly(True)
    view.setFont(qt.font())
    view.document().setDocumentMargin(DOC_MARGIN)
    view.resize(*size)
    view.setPlainText(text)
    watcher = qt.PaintWatcher()
    view.viewport().installEventFilter(watcher)
    view.show()
    ok = qt.wait_painted(watcher, 0)
    elapsed = time.perf_counter() - t0
    if not ok:
        log("warning: baseline view never painted")
    view.viewport().removeEventFilter(watcher)
    qt.dispose(view)
    del view
    return elapsed


def measure_open(qt: Qt, name: str, db: Path, text: str, repeats: int,
                 meta: dict[str, Any]) -> dict[str, Any]:
    """Open the big article in a running window (as clicking it in the article list
    does) vs ``setPlainText`` of the same text in a running bare QPlainTextEdit.

    Both are timed to the first paint of the text. The app paints the first screen
    with its highlights, then pages in the remaining annotations between events; the
    time until all are loaded (``app_complete_s``) is reported too, not part of the ratio.
    """
    window = qt.app_module.create_window(db)
    watcher = qt.PaintWatcher()
    window.view.viewport().installEventFilter(watcher)
    window.show()
    qt.wait_painted(watcher, 0)
    size = (window.view.width(), window.view.height())
    bare = qt.QPlainTextEdit()
    bare.setReadOnly(True)
    bare.setFont(qt.font())
    bare.document().setDocumentMargin(DOC_MARGIN)
    bare.resize(*size)
    bare_watcher = qt.PaintWatcher()
    bare.viewport().installEventFilter(bare_watcher)
    bare.show()
    qt.wait_painted(bare_watcher, 0)

    def app_once() -> tuple[float, float]:
        window.wb.open_article(meta["small_id"])
        qt.wait_painted(watcher, watcher.paints, timeout=2.0)
        gc.collect()
        before = watcher.paints
        t0 = time.perf_counter()
        window.wb.open_article(meta["article_id"])
        qt.wait_painted(watcher, before)
        painted = time.perf_counter() - t0
        while not window.article.complete:
            qt.QApplication.processEvents()
        return painted, time.perf_counter() - t0

    def bare_once() -> float:
        bare.setPlainText("A short article to switch away from.")
        qt.wait_painted(bare_watcher, bare_watcher.paints, timeout=2.0)
        gc.collect()
        before = bare_watcher.paints
        t0 = time.perf_counter()
        bare.setPlainText(text)
        qt.wait_painted(bare_watcher, before)
        return time.perf_counter() - t0

    app_once()
    bare_once()
    app_runs: list[float] = []
    complete_runs: list[float] = []
    base_runs: list[float] = []
    for i in range(repeats):
        order = ("app", "bare") if i % 2 == 0 else ("bare", "app")
        for kind in order:
            if kind == "app":
                painted, complete = app_once()
                app_runs.append(painted)
                complete_runs.append(complete)
            else:
                base_runs.append(bare_once())
        log(f"{name} [{i + 1}/{repeats}] app {app_runs[-1] * 1000:.0f} ms "
            f"(all loaded {complete_runs[-1] * 1000:.0f} ms), bare {base_runs[-1] * 1000:.0f} ms")
    n = window.article.count
    project = window.project
    qt.dispose(window)
    qt.dispose(bare)
    project.close()
    return ratio_result(name, app_runs, base_runs, target=TARGETS[name], n_annotations=n, view_size=list(size),
                     app_complete_s=round(statistics.median(complete_runs), 5))


def measure_window_open(qt: Qt, name: str, db: Path, text: str,
                        repeats: int) -> dict[str, Any]:
    """Diagnostic: build a whole main window on the article vs a bare view (untargeted)."""
    log(f"{name}: warm-up")
    _, info = open_app_once(qt, db)  # warm caches, write window geometry to settings
    _, info = open_app_once(qt, db)
    size = info["view_size"]
    open_bare_once(qt, text, size)
    app_runs: list[float] = []
    base_runs: list[float] = []
    for i in range(repeats):
        if i % 2 == 0:
            t, info = open_app_once(qt, db)
            app_runs.append(t)
            base_runs.append(open_bare_once(qt, text, size))
        else:
            base_runs.append(open_bare_once(qt, text, size))
            t, info = open_app_once(qt, db)
            app_runs.append(t)
        if not info["painted"]:
            log(f"warning: {name} app window never painted")
        log(f"{name} [{i + 1}/{repeats}] app {app_runs[-1] * 1000:.0f} ms, "
            f"bare {base_runs[-1] * 1000:.0f} ms")
    return ratio_result(name, app_runs, base_runs, target=None,
                        n_annotations=info["n_annotations"],
                     view_size=list(size), highlight_calls_per_open=info["highlight_calls"])


def run(ctx: Context) -> None:
    qt = ctx.qt
    repeats = ctx.repeats(7, 3)
    db_small, meta_small = ctx.database("a10k", ctx.n(10_000), SEED + 1)
    db_large, meta_large = ctx.database("a50k", ctx.n(50_000), SEED + 2)
    db_empty, meta_empty = ctx.database("a0", 0, SEED + 3)
    ctx.add("open_10k", measure_open(qt, "open_10k", db_small, ctx.text, repeats, meta_small))
    ctx.add("open_50k", measure_open(qt, "open_50k", db_large, ctx.text, repeats, meta_large))
    ctx.diagnose("open_0", measure_open(qt, "open_0", db_empty, ctx.text, repeats, meta_empty))
    ctx.diagnose("window_open_50k", measure_window_open(qt, "window_open_50k", db_large,
                                                        ctx.text, repeats))


MEASURES = [Measure("open", run, "open_10k, open_50k (+ diagnostics open_0, window_open_50k)",
                    needs_qt=True)]
