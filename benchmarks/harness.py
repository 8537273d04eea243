"""Shared pieces of the benchmark modules: environment, test data, results, table.

Every figure compares the app with a bare baseline doing the same user-visible job,
measured the same way, in the same run, interleaved (so a noisy neighbour slows both
sides alike). A benchmark module ``benchmarks/bench_<topic>.py`` defines ``MEASURES``
(a list of :class:`Measure`) and is registered in ``run.py`` by one line in
``MODULES``; its ``run(ctx)`` adds results with :meth:`Context.add` built by
:func:`ratio_result` (time vs time) or :func:`rss_result` (peak memory vs memory).
"""

from __future__ import annotations

import gc
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SEED = 20240611

FONT_FAMILY = "Noto Serif"  # same font as annotator.qt.article_view.ArticleView
FONT_POINTS = 12.5
DOC_MARGIN = 18

ANNOTATORS = ("alice", "bob", "chen", "dana", "émile")


def log(*parts: object) -> None:
    print("[bench]", *parts, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- environment

def isolate_environment(tmp: Path) -> None:
    """Must run before anything imports Qt: private settings, offscreen if headless."""
    for name in ("config", "data", "cache", "runtime"):
        (tmp / name).mkdir(parents=True, exist_ok=True)
    os.chmod(tmp / "runtime", 0o700)
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "config")
    os.environ["XDG_DATA_HOME"] = str(tmp / "data")
    os.environ["XDG_CACHE_HOME"] = str(tmp / "cache")
    os.environ["XDG_RUNTIME_DIR"] = str(tmp / "runtime")
    os.environ.pop("ANNOTATOR_DB", None)
    if not os.environ.get("DISPLAY"):
        # The offscreen plugin's default screen is 800x800; give it a desktop-sized one
        # so the window gets its designed 1360x820 geometry.
        screen = tmp / "offscreen-screen.json"
        screen.write_text(json.dumps({"screens": [{
            "name": "bench", "x": 0, "y": 0, "width": 1920, "height": 1080,
            "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"


# ------------------------------------------------------------------ test data

_WORDS = (
    "the a officials said on Tuesday that government talks would resume after weeks of "
    "negotiations between ministers and representatives from both sides according to people "
    "familiar with the matter while analysts warned markets could react sharply if the deal "
    "collapsed before the deadline set by parliament last month in a statement the ministry "
    "confirmed it had received documents showing that funding for the programme was cut by "
    "nearly half since elections were held in several regions where voters expressed concern "
    "over rising prices housing costs and delays in public services including hospitals "
    "schools and transport networks spokesperson declined comment report investigation "
    "court filings reviewed by reporters show company executives knew about risks years "
    "earlier than previously disclosed senior diplomat envoy committee agency board council "
    "mayor governor police witnesses residents described scene chaotic crowded quiet"
).split()
_NAMES = ("Witkoff", "Kushner", "Okafor", "Müller", "Nakamura", "García", "Dubois", "Kowalski")
_ORGS = ("the ministry", "the agency", "the White House", "Reuters", "the council", "the union")


def _sentence(rng: random.Random, counter: list[int]) -> str:
    target = rng.randint(80, 125)
    words: list[str] = []
    length = 0
    while length < target:
        word = rng.choice(_WORDS)
        roll = rng.random()
        if roll < 0.04:
            word = rng.choice(_NAMES)
        elif roll < 0.06:
            word = rng.choice(_NAMES) + "’s"
        elif roll < 0.075:
            word = "€" + str(rng.randint(2, 900))
        words.append(word)
        length += len(word) + 1
    counter[0] += 1
    n = counter[0]
    # Astral characters now and then, so UTF-16 <-> code-point conversion is exercised.
    if n % 37 == 0:
        words.insert(rng.randrange(len(words)), "😀")
    if n % 53 == 0:
        words.insert(rng.randrange(len(words)), "𠀋")
    body = " ".join(words)
    body = body[0].upper() + body[1:]
    kind = rng.random()
    if kind < 0.25:
        who = rng.choice(_NAMES + _ORGS)
        return f"“{body},” {who} said."
    if kind < 0.35:
        return f"{body} — according to {rng.choice(_ORGS)}."
    return body + "."


def generate_article(rng: random.Random, target_chars: int) -> str:
    counter = [0]
    parts = ["Benchmark article: talks resume as officials weigh a fragile deal"]
    total = len(parts[0])
    while total < target_chars:
        para = " ".join(_sentence(rng, counter) for _ in range(rng.randint(3, 8)))
        parts.append(para)
        total += len(para) + 1
    return "\n".join(parts) + "\n"


def generate_annotations(rng: random.Random, *, article_id: int, text: str, n: int,
                         labels: list[str]) -> list[Any]:
    """``n`` spans of 20-300 code points: random, nested in, or overlapping earlier ones."""
    from annotator.domain.model import make_annotation

    length = len(text)
    stamp = "2025-01-01T00:00:00.000000Z"
    spans: list[tuple[int, int]] = []
    out = []
    for _ in range(n):
        roll = rng.random()
        start = end = -1
        if spans and roll < 0.2:  # nested inside an earlier span
            ps, pe = spans[rng.randrange(len(spans))]
            if pe - ps >= 40:
                start = rng.randint(ps, pe - 20)
                end = rng.randint(start + 20, pe)
        elif spans and roll < 0.35:  # overlapping the end of an earlier span
            ps, pe = spans[rng.randrange(len(spans))]
            start = rng.randint(ps + 1, pe - 1)
            end = min(length, start + rng.randint(20, 300))
            if end - start < 20:
                start = -1
        if start < 0:
            start = rng.randrange(0, length - 20)
            end = min(length, start + rng.randint(20, 300))
            start = min(start, end - 20)
        spans.append((start, end))
        source = None
        if rng.random() < 0.1 and start > 600:
            s0 = rng.randint(start - 500, start - 80)
            source = (s0, s0 + rng.randint(10, 60))
        out.append(make_annotation(
            article_id=article_id, article_text=text, annotator=rng.choice(ANNOTATORS),
            label=rng.choice(labels), start=start, end=end, source=source,
            note="checked against the wire copy" if rng.random() < 0.05 else "",
            annotation_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), now=stamp,
        ))
    return out


def build_db(path: Path | str, article_file: Path, text: str, n_annotations: int,
             seed: int) -> dict[str, Any]:
    """A fresh project holding the article (imported through the services) + annotations.

    ``path`` is a SQLite file or a server URL (an empty PostgreSQL database).
    """
    from annotator.services import articles
    from annotator.services.project import Project
    from annotator.storage import crud

    t0 = time.perf_counter()
    project = Project(path)
    report = articles.import_files(project, [article_file], outlet="Benchmark Wire")
    (article_id,) = report.article_ids
    stored = articles.get_article(project, article_id).text
    assert stored == text, "import changed the article text; offsets would be wrong"
    labels = [lab.key for lab in project.labels() if not lab.retired]
    anns = generate_annotations(random.Random(seed), article_id=article_id, text=text,
                                n=n_annotations, labels=labels)
    with project.transaction() as session:
        crud.insert_annotations(session=session, annotations=anns)
    small = article_file.with_name("small-article.txt")
    small.write_text("A short article to switch away from.\n", encoding="utf-8")
    (small_id,) = articles.import_files(project, [small]).article_ids
    project.close()
    name = path.name if isinstance(path, Path) else str(path).rsplit("/", 1)[-1]
    log(f"built {name}: {n_annotations} annotations in {time.perf_counter() - t0:.1f}s")
    return {"article_id": article_id, "small_id": small_id, "labels": labels}


class Qt:
    """Lazily imported Qt pieces (Qt must not load before the environment is set)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QEvent, QObject
        from PySide6.QtGui import QFont
        from PySide6.QtWidgets import QApplication, QPlainTextEdit

        import annotator.app as app_module

        self.QEvent = QEvent
        self.QFont = QFont
        self.QApplication = QApplication
        self.QPlainTextEdit = QPlainTextEdit
        self.app_module = app_module
        self.app = QApplication.instance() or QApplication(sys.argv[:1])
        self.app.setOrganizationName(app_module.ORGANISATION)
        self.app.setApplicationName(app_module.APPLICATION)

        paint = QEvent.Type.Paint

        class PaintWatcher(QObject):
            """Counts paint events reaching one widget (the text viewport)."""

            def __init__(self) -> None:
                super().__init__()
                self.paints = 0

            def eventFilter(self, obj, event):  # noqa: N802
                if event.type() == paint:
                    self.paints += 1
                return False

        self.PaintWatcher = PaintWatcher

    def wait_painted(self, watcher: Any, before: int, timeout: float = 10.0) -> bool:
        """Process events until ``watcher`` saw a paint after ``before``, then settle.

        The filter sees the paint event before the widget handles it; the paint
        (and the backing-store flush) is complete when processEvents returns.
        Two more passes pick up work queued by that paint (identical for app and
        baseline).
        """
        deadline = time.perf_counter() + timeout
        process = self.QApplication.processEvents
        while watcher.paints <= before:
            process()
            if time.perf_counter() > deadline:
                return False
        process()
        process()
        return True

    def dispose(self, widget: Any) -> None:
        widget.close()
        widget.deleteLater()
        self.QApplication.sendPostedEvents(None, self.QEvent.Type.DeferredDelete)
        self.QApplication.processEvents()

    def font(self) -> Any:
        font = self.QFont(FONT_FAMILY)
        font.setStyleHint(self.QFont.StyleHint.Serif)
        font.setPointSizeF(FONT_POINTS)
        return font



# ------------------------------------------------------------------- results

def ratio_result(name: str, app_runs: Sequence[float], base_runs: Sequence[float], *,
                 target: float | None, paired: bool = False, **extra: Any) -> dict[str, Any]:
    """A time figure: median app time / median baseline time, checked against ``target``.

    ``target`` None makes it report-only (``ok`` null, ignored by ``all_ok``).
    ``paired``: the runs are rounds of :func:`interleave` (app and baseline back to
    back); the ratio is then the median of the per-round ratios, which a load burst
    spanning one round moves far less than it moves either median.
    """
    app_s = statistics.median(app_runs)
    base_s = statistics.median(base_runs)
    ratio = app_s / base_s if base_s > 0 else math.inf
    if paired:
        per_round = [a / b if b > 0 else math.inf
                     for a, b in zip(app_runs, base_runs, strict=True)]
        extra = {"ratio_of_medians": round(ratio, 3),
                 "ratio_spread": [round(min(per_round), 3), round(max(per_round), 3)],
                 **extra}
        ratio = statistics.median(per_round)
    res: dict[str, Any] = {
        "kind": "ratio",
        "app_s": round(app_s, 5),
        "baseline_s": round(base_s, 5),
        "ratio": round(ratio, 3),
        "value": round(ratio, 3),
        "target": target,
        "ok": None if target is None else ratio <= target,
        "repeats": len(app_runs),
        "app_runs_s": [round(x, 5) for x in app_runs],
        "baseline_runs_s": [round(x, 5) for x in base_runs],
    }
    res.update(extra)
    log(f"{name}: app {app_s * 1000:.1f} ms, baseline {base_s * 1000:.1f} ms, "
        f"ratio {ratio:.2f} (target <= {target}) {_verdict(res)}")
    return res


def rss_result(name: str, app_mb: Sequence[float], baseline_mb: Sequence[float], *,
               target_delta_mb: float | None, **extra: Any) -> dict[str, Any]:
    """A memory figure (``rss_mb``): peak RSS of the app job minus that of the baseline.

    ``value`` (what ``target`` and ``--compare`` look at) is the median difference in
    MB; ``ratio`` is app / baseline peak, for reference.
    """
    app = statistics.median(app_mb)
    base = statistics.median(baseline_mb)
    delta = app - base
    res: dict[str, Any] = {
        "kind": "rss_mb",
        "app_mb": round(app, 1),
        "baseline_mb": round(base, 1),
        "delta_mb": round(delta, 1),
        "value": round(delta, 1),
        "ratio": round(app / base, 3) if base > 0 else math.inf,
        "target": target_delta_mb,
        "ok": None if target_delta_mb is None else delta <= target_delta_mb,
        "repeats": len(app_mb),
        "app_runs_mb": [round(x, 1) for x in app_mb],
        "baseline_runs_mb": [round(x, 1) for x in baseline_mb],
    }
    res.update(extra)
    log(f"{name}: app peak {app:.0f} MB, baseline peak {base:.0f} MB, "
        f"+{delta:.0f} MB (target <= +{target_delta_mb} MB) {_verdict(res)}")
    return res


def _verdict(res: dict[str, Any]) -> str:
    if res["target"] is None:
        return "no target (report only)"
    return "OK" if res["ok"] else "MISS"


def interleave(jobs: dict[str, Callable[[], float]], repeats: int,
               label: str = "") -> dict[str, list[float]]:
    """Run every job once per round, the order rotated each round; one value per run.

    Rotating (app, bare), (bare, app), ... means a neighbour's burst of load hits
    both sides alike; take the median of the lists.
    """
    names = list(jobs)
    runs: dict[str, list[float]] = {n: [] for n in names}
    for i in range(repeats):
        k = i % len(names)
        for name in names[k:] + names[:k]:
            gc.collect()
            runs[name].append(jobs[name]())
        if label:
            log(f"{label} [{i + 1}/{repeats}] " + ", ".join(
                f"{n} {_fmt_value(runs[n][-1])}" for n in names))
    return runs


def _fmt_value(v: float) -> str:
    return f"{v * 1000:.0f} ms" if v < 10 else f"{v:.0f}"


def peak_rss_mb(cmd: Sequence[str], *, env: dict[str, str] | None = None,
                cwd: Path | None = None, timeout: float = 300) -> tuple[float, str]:
    """Run ``cmd`` (a snippet ending with :data:`RSS_EPILOGUE`); return its peak
    resident set size in MB and its stdout.

    The child reports its own peak (``VmHWM``, kernel-measured), so the benchmark
    process's memory never counts.
    """
    proc = subprocess.Popen(list(cmd), env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} failed: rc={proc.returncode}\n{out[-1000:]}\n"
                           f"{err[-2000:]}")
    for line in out.splitlines():
        if line.startswith("PEAK_RSS_KB "):
            return int(line.split()[1]) / 1024, out
    raise RuntimeError(f"{cmd[:3]} printed no PEAK_RSS_KB line:\n{out[-1000:]}")


RSS_EPILOGUE = """
import sys as _s
def _peak_kb():
    # VmHWM: the high-water mark of this process's own address space. Not ru_maxrss:
    # Linux carries that over exec() from the forking parent, so a child of a big
    # benchmark process would report the parent's size.
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
_s.stdout.write("PEAK_RSS_KB %d\\n" % _peak_kb())
_s.stdout.flush()
"""
"""Append to a ``python -c`` snippet run by :func:`peak_rss_mb`: prints its peak RSS."""


# ------------------------------------------------------------ measure registry

@dataclass(frozen=True)
class Measure:
    """One ``--only`` name and the function that adds its figures to the context."""

    name: str
    run: Callable[[Context], None]
    doc: str = ""
    needs_qt: bool = False


@dataclass
class Context:
    """What every measure gets: sizes, repeats, the article, shared databases, Qt."""

    tmp: Path
    quick: bool
    text: str
    article_file: Path
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    diagnostics: dict[str, dict[str, Any]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    _dbs: dict[tuple[str, int, int], tuple[Path, dict[str, Any]]] = field(default_factory=dict)
    _qt: Qt | None = None

    def n(self, full: int) -> int:
        """An annotation count: ``full`` normally, a quarter of it with ``--quick``."""
        return full // 4 if self.quick else full

    def repeats(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    def add(self, name: str, result: dict[str, Any]) -> None:
        """Record a figure (``result`` from ratio_result / rss_result)."""
        if name in self.results:
            raise KeyError(f"figure {name!r} reported twice")
        self.results[name] = result

    def diagnose(self, name: str, result: dict[str, Any]) -> None:
        """Record a diagnostic (never part of ``all_ok`` or the table's verdicts)."""
        self.diagnostics[name] = result

    def database(self, key: str, n_annotations: int, seed: int) -> tuple[Path, dict[str, Any]]:
        """A SQLite project holding the article and ``n_annotations``; built once per run.

        Measures that only read may share it; one that writes (tags, imports) should
        use its own ``key`` or copy the file.
        """
        cache_key = (key, n_annotations, seed)
        if cache_key not in self._dbs:
            path = self.tmp / f"{key}.sqlite"
            meta = build_db(path, self.article_file, self.text, n_annotations, seed)
            self._dbs[cache_key] = (path, meta)
        return self._dbs[cache_key]

    @property
    def qt(self) -> Qt:
        """The one QApplication of the run (created on first use)."""
        if self._qt is None:
            self._qt = Qt()
            settings = self._qt.app_module.settings()
            settings.setValue("analyst/name", "Benchmark Analyst")
            settings.sync()
        return self._qt


# ------------------------------------------------------------ table, compare

def _fmt_side(res: dict[str, Any], side: str) -> str:
    if res.get("kind") == "rss_mb":
        return f"{res[side + '_mb']:.0f} MB"
    s = res.get(side + "_s")
    if s is None:
        return "?"
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def _fmt_measured(res: dict[str, Any]) -> str:
    if res.get("kind") == "rss_mb":
        return f"{res['delta_mb']:+.0f} MB"
    return f"{res['ratio']:.2f}×"


def _fmt_target(res: dict[str, Any]) -> str:
    t = res.get("target")
    if t is None:
        return "—"
    if res.get("target_unit"):  # an absolute budget, e.g. "s (absolute, for 1 MB)"
        return f"≤ {t:g} {str(res['target_unit']).split()[0]}"
    return f"≤ {t:+.0f} MB" if res.get("kind") == "rss_mb" else f"≤ {t:g}×"


def compared_value(res: dict[str, Any]) -> float:
    """The number a target and ``--compare`` look at (old JSON files have only ratio)."""
    return float(res.get("value", res["ratio"]))


def compare(new: dict[str, dict[str, Any]], old: dict[str, dict[str, Any]],
            threshold: float = 0.20) -> dict[str, dict[str, Any]]:
    """Per figure present in both runs: old and new value, and whether it regressed.

    A ratio regresses when it grew by more than ``threshold`` (20 %); a memory figure
    when its MB above baseline grew by more than 20 % and by at least 10 MB (a few MB
    of allocator noise on a small figure is not a regression).
    """
    out: dict[str, dict[str, Any]] = {}
    for name, res in new.items():
        if name not in old:
            continue
        a, b = compared_value(old[name]), compared_value(res)
        if res.get("kind") == "rss_mb":
            regressed = b > a + max(abs(a) * threshold, 10.0)
        else:
            regressed = b > a * (1 + threshold)
        change = (b - a) / abs(a) if a else math.inf if b > a else 0.0
        out[name] = {"old": a, "new": b, "change": round(change, 3), "regressed": regressed}
    return out


def table(results: dict[str, dict[str, Any]],
          comparison: dict[str, dict[str, Any]] | None = None) -> str:
    """The one-screen summary: figure, app, baseline, ratio, target, ok (and vs old)."""
    head = ["figure", "app", "baseline", "ratio", "target", "ok"]
    if comparison is not None:
        head.append("vs old")
    rows = [head]
    for name, res in results.items():
        ok = "—" if res.get("ok") is None else "ok" if res["ok"] else "MISS"
        row = [name, _fmt_side(res, "app"), _fmt_side(res, "baseline"),
               _fmt_measured(res), _fmt_target(res), ok]
        if comparison is not None:
            c = comparison.get(name)
            row.append("new" if c is None else
                       f"{c['change']:+.0%}" + ("  REGRESSED" if c["regressed"] else ""))
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    right = {1, 2, 3, 4}
    lines = []
    for k, r in enumerate(rows):
        cells = [c.rjust(w) if i in right else c.ljust(w)
                 for i, (c, w) in enumerate(zip(r, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def load_results(path: Path) -> dict[str, dict[str, Any]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return dict(data.get("results", {}))
