#!/usr/bin/env python
"""Search and source-registry benchmark at corpus scale (issue 11).

Builds a project of N articles and M annotations (default 10,000 and 1,000,000; with
``--quick`` 1,000 and 100,000) and measures, each against a bare baseline in the same
run (medians, alternating order):

- ``search_text_first_page``: ``services.search.search(project, q, scope="text")`` —
  the first page of 100 KWIC hits with code-point offsets and the annotation each hit
  lies in — vs a raw ``sqlite3`` FTS5 query doing the same match on the same file:
  ``SELECT rowid, highlight(article_fts, …) FROM article_fts WHERE article_fts MATCH ?
  ORDER BY rowid LIMIT k`` for the k articles that page needed. Target ratio ≤ 1.5 and
  ≤ 200 ms absolute.
- ``search_annotations_first_page``: the same for ``scope="annotations"`` vs raw
  ``SELECT … FROM annotation_fts JOIN annotation … WHERE MATCH ? ORDER BY article_id,
  start, id LIMIT 100`` with the three highlight() columns. Same targets.
- ``sources_pane_open``: ``sources.list_sources(limit=200)`` — what the Sources pane
  shows first: the 200 most-cited entries with aliases, article and outlet spread —
  absolute budget ≤ 300 ms (baseline for reference: raw ``SELECT … FROM source
  ORDER BY claims DESC LIMIT 200``).
- ``registry_build``: linking all M annotations' mentions by the rules
  (``resolve_pending``) after the bulk load, reported in seconds and per annotation
  (report only), and ``tag_with_registry``: one tag with a source mention through
  ``annotate.apply_edit`` on the full file (report only; tagging stays O(1)).

Generation is bulk: articles and annotations go in with ``executemany`` while the
full-text triggers are off, then the FTS5 indexes are rebuilt in one pass each
(``search_schema.install_sqlite``) — the same thing migration 0004 does for an
existing file.

Usage: ``python benchmarks/bench_search.py [--quick]`` prints one JSON object;
``benchmarks/run.py`` calls :func:`measure_search`.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

WORDS = [f"{a}{b}{c}" for a in ("ka", "lo", "mi", "nu", "pe", "ra", "si", "tu", "vo", "ze")
         for b in ("ba", "de", "fi", "go", "hu", "ja", "ke", "li")
         for c in ("n", "r", "s", "t", "x", "", "m", "l")]
"""640 filler words; the measured queries use words that are not in this list."""

SOURCES = ([f"Minister Alder{i} Quist" for i in range(300)]
           + [f"a senior {c} official" for c in ("Qatari", "Egyptian", "Israeli", "US", "Hamas")]
           + [f"Outlet{i} News" for i in range(100)] + ["Axios", "Reuters", "the IDF"])
LABEL_OF = {"Minister": "named_person", "a senior": "anonymous_official",
            "Outlet": "media_report", "Axios": "media_report", "Reuters": "media_report",
            "the IDF": "organisation_statement"}
OUTLETS = [f"Outlet {i}" for i in range(20)]
ANNOTATORS = ("alice", "bob", "chen", "dana", "émile")


def _label(mention: str) -> str:
    return next(v for k, v in LABEL_OF.items() if mention.startswith(k))


def generate(db: Path, n_articles: int, n_annotations: int, seed: int = 11) -> dict[str, Any]:
    """A project file with the corpus; returns sizes and timings."""
    sys.path.insert(0, str(REPO))
    from annotator.domain.model import CONTEXT_CHARS
    from annotator.services.project import Project
    from annotator.storage import search_schema

    t0 = time.perf_counter()
    Project(db).close()  # schema through the migrations
    rng = random.Random(seed)
    per_article = max(1, n_annotations // n_articles)
    sentences = max(4, per_article // 2)
    con = sqlite3.connect(db)
    con.execute("PRAGMA synchronous=OFF")
    for name in search_schema.SQLITE_TRIGGERS:
        con.execute(f"DROP TRIGGER IF EXISTS {name}")
    stamp = "2026-12-01T00:00:00.000000Z"
    art_rows, ann_rows = [], []
    n_ann = 0
    for aid in range(1, n_articles + 1):
        parts: list[str] = []
        spans: list[tuple[int, int, int, int, str]] = []
        pos = 0
        for _ in range(sentences):
            mention = rng.choice(SOURCES)
            words = rng.choices(WORDS, k=rng.randint(8, 14))
            if rng.random() < 0.02:
                words[rng.randrange(len(words))] = "ceasefire talks"
            if rng.random() < 0.01:
                words[rng.randrange(len(words))] = "😀 𠀋"
            claim = " ".join(words)
            sentence = f"{mention} said {claim}. "
            m0 = pos
            c0 = pos + len(mention) + 6
            spans.append((c0, c0 + len(claim), m0, m0 + len(mention), mention))
            parts.append(sentence)
            pos += len(sentence)
        text = "".join(parts).rstrip() + "\n"
        outlet = OUTLETS[aid % len(OUTLETS)]
        art_rows.append((aid, f"Article {aid}", outlet, "", f"2026-{1 + aid % 12:02d}-"
                         f"{1 + aid % 28:02d}", text, uuid.uuid4().hex * 2, "", stamp))
        for k in range(per_article):
            c0, c1, m0, m1, mention = spans[(k // 2) % len(spans)]
            with_mention = k % 2 == 0
            note = "checked with the desk" if rng.random() < 0.05 else ""
            ann_rows.append((
                str(uuid.UUID(int=rng.getrandbits(128), version=4)), aid,
                ANNOTATORS[k % len(ANNOTATORS)],
                _label(mention) if with_mention else "unattributed", c0, c1, text[c0:c1],
                text[max(0, c0 - CONTEXT_CHARS):c0], text[c1:c1 + CONTEXT_CHARS],
                m0 if with_mention else None, m1 if with_mention else None, note, stamp,
                stamp, "{}", 1, None, None, None))
            n_ann += 1
        if len(ann_rows) >= 100_000 or aid == n_articles:
            con.executemany("INSERT INTO article (id, title, outlet, url, published, text, "
                            "sha256, original_filename, imported_at) VALUES (?,?,?,?,?,?,?,?,?)",
                            art_rows)
            con.executemany(
                'INSERT INTO annotation (id, article_id, annotator, label, start, "end", text, '
                "prefix, suffix, source_start, source_end, note, created_at, updated_at, "
                "facets, version, reviewed_by, reviewed_at, origin_id) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", ann_rows)
            art_rows.clear()
            ann_rows.clear()
    con.commit()
    t_load = time.perf_counter()
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:  # what migration 0004 does for an existing file
        search_schema.install_sqlite(conn)
    engine.dispose()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("ANALYZE")
    con.close()
    t_index = time.perf_counter()
    return {"articles": n_articles, "annotations": n_ann, "load_s": round(t_load - t0, 1),
            "fts_rebuild_s": round(t_index - t_load, 1), "db_mb": round(db.stat().st_size / 1e6)}


def _fts_only_sql(scope: str, articles: int) -> str:
    if scope == "text":
        return ("SELECT rowid, highlight(article_fts, 0, ?, ?) FROM article_fts "
                f"WHERE article_fts MATCH ? ORDER BY rowid LIMIT {articles}")
    return ("SELECT a.id, a.article_id, a.start, highlight(annotation_fts, 0, ?, ?), "
            "highlight(annotation_fts, 1, ?, ?), highlight(annotation_fts, 2, ?, ?) "
            "FROM annotation_fts JOIN annotation a ON a.rowid = annotation_fts.rowid "
            "WHERE annotation_fts MATCH ? ORDER BY a.article_id, a.start, a.id LIMIT 100")


def _spans(marked: str) -> list[tuple[int, int]]:
    """Marker positions to code-point spans (a regex over the markers only, as the app)."""
    import re

    from annotator.domain.search_query import HIT_CLOSE, HIT_OPEN

    out, removed, start = [], 0, 0
    for m in re.finditer(f"[{HIT_OPEN}{HIT_CLOSE}]", marked):
        if m.group() == HIT_OPEN:
            start = m.start() - removed
        else:
            out.append((start, m.start() - removed))
        removed += 1
    return out


def _bare_kwic(marked: str, n: int = 60) -> list[tuple[int, int, str, str, str]]:
    """Hits and context read off highlight() output the cheapest way a bare program can:
    ``str.find`` for the markers, context sliced from the marked text and stripped of
    markers (no unmarked copy of the whole text)."""
    from annotator.domain.search_query import HIT_CLOSE, HIT_OPEN

    def strip(piece: str) -> str:
        return piece.replace(HIT_OPEN, "").replace(HIT_CLOSE, "")

    out, removed, pos = [], 0, 0
    while (o := marked.find(HIT_OPEN, pos)) >= 0:
        c = marked.find(HIT_CLOSE, o + 1)
        start = o - removed
        lo, hi = max(0, o - n), c + 1 + n
        left, right = strip(marked[lo:o]), strip(marked[c + 1:hi])
        while len(left) < n and lo > 0:  # markers of earlier hits in the window
            lo = max(0, lo - (n - len(left)))
            left = strip(marked[lo:o])
        while len(right) < n and hi < len(marked):
            hi += n - len(right)
            right = strip(marked[c + 1:hi])
        out.append((start, start + c - o - 1, marked[o + 1:c], left[-n:], right[:n]))
        removed += 2
        pos = c + 1
    return out


def _bare_text_page(raw: sqlite3.Connection, match: str, limit: int) -> list[tuple[Any, ...]]:
    """The same first page with bare sqlite3: FTS5 rows + highlight, KWIC slices, and the
    innermost annotation around each hit (one containment query)."""
    from annotator.domain.search_query import HIT_CLOSE, HIT_OPEN

    cur = raw.execute(
        "SELECT a.id, a.title, a.outlet, a.published, highlight(article_fts, 0, ?, ?) "
        "FROM article_fts CROSS JOIN article a ON a.id = article_fts.rowid "
        "WHERE article_fts MATCH ? ORDER BY article_fts.rowid", (HIT_OPEN, HIT_CLOSE, match))
    hits: list[list[Any]] = []
    for aid, title, outlet, published, marked in cur:
        for s, e, hit, left, right in _bare_kwic(marked):
            hits.append([aid, s, e, hit, left, right, title, outlet, published, None, None, None])
            if len(hits) == limit:
                break
        if len(hits) == limit:
            break
    cur.close()
    around: dict[tuple[int, int, int], tuple[tuple[int, int, str], str, str, str]] = {}
    for aid, s, e, ann_id, label, who, a_s, a_e in raw.execute(
            "WITH h AS MATERIALIZED (SELECT json_extract(value, '$[0]') AS aid, "
            "json_extract(value, '$[1]') AS hs, json_extract(value, '$[2]') AS he "
            "FROM json_each(?)) SELECT h.aid, h.hs, h.he, a.id, a.label, a.annotator, a.start, "
            "a.\"end\" FROM h JOIN annotation a ON a.article_id = h.aid AND a.start <= h.hs "
            "AND a.\"end\" >= h.he", (json.dumps([h[:3] for h in hits]),)):
        best = around.get((aid, s, e))  # innermost: shortest, then first, then by id
        if best is None or (a_e - a_s, a_s, ann_id) < best[0]:
            around[(aid, s, e)] = ((a_e - a_s, a_s, ann_id), ann_id, label, who)
    for h in hits:  # the page shows the annotation's id, label and annotator
        found = around.get((h[0], h[1], h[2]))
        h[9:] = list(found[1:]) if found else [None, None, None]
    return [tuple(h) for h in hits]


def _bare_annotation_page(raw: sqlite3.Connection, match: str, limit: int
                          ) -> list[tuple[Any, ...]]:
    """The same first page of annotation hits with bare sqlite3."""
    from annotator.domain.search_query import HIT_CLOSE, HIT_OPEN

    rows = raw.execute(
        "SELECT a.id, a.article_id, a.start, a.\"end\", a.source_start, a.note, ar.title, "
        "ar.outlet, ar.published, substr(ar.text, max(a.start - 120, 0) + 1, "
        "a.\"end\" - max(a.start - 120, 0) + 120), max(a.start - 120, 0), "
        "highlight(annotation_fts, 0, ?, ?), highlight(annotation_fts, 1, ?, ?), "
        "highlight(annotation_fts, 2, ?, ?) "
        "FROM annotation_fts JOIN annotation a ON a.rowid = annotation_fts.rowid "
        "JOIN article ar ON ar.id = a.article_id WHERE annotation_fts MATCH ? "
        "ORDER BY a.article_id, a.start, a.id LIMIT ?",
        (HIT_OPEN, HIT_CLOSE) * 3 + (match, limit)).fetchall()
    hits = []
    for (ann_id, aid, start, end, s_start, note, title, outlet, published, window, w0,
         claim, mention, note_m) in rows:
        for base, marked in ((start, claim), (s_start, mention), (None, note_m)):
            for s, e in _spans(marked or ""):
                if base is None:
                    hits.append((aid, start, end, note[s:e], ann_id))
                else:
                    a_s, a_e = base + s, base + e
                    hits.append((aid, a_s, a_e, window[a_s - w0:a_e - w0], ann_id, title,
                                 outlet, published))
    return hits[:limit]


SEARCH_REPEATS = 41
"""A page takes milliseconds: many interleaved repeats keep the median steady on a
shared machine (with 9, one descheduling moved the ratio by 0.5)."""


def _median_ms(runs: list[float]) -> float:
    return round(statistics.median(runs) * 1000, 2)


def _result(app: list[float], base: list[float], target: float | None,
            budget_ms: float | None, **extra: Any) -> dict[str, Any]:
    app_s, base_s = statistics.median(app), statistics.median(base)
    ratio = app_s / base_s if base_s else float("inf")
    ok_ratio = None if target is None else ratio <= target
    ok_budget = None if budget_ms is None else app_s * 1000 <= budget_ms
    oks = [x for x in (ok_ratio, ok_budget) if x is not None]
    res = {"kind": "ratio", "app_s": round(app_s, 5), "baseline_s": round(base_s, 5),
           "ratio": round(ratio, 3), "value": round(ratio, 3),
           "target": target, "budget_ms": budget_ms, "ok": all(oks) if oks else None,
           "repeats": len(app), "app_runs_s": [round(x, 5) for x in app],
           "baseline_runs_s": [round(x, 5) for x in base]}
    res.update(extra)
    return res


def _log(*parts: object) -> None:
    print("[bench_search]", *parts, file=sys.stderr, flush=True)


def measure_search(tmp: Path, *, quick: bool = False, repeats: int | None = None
                   ) -> dict[str, Any]:
    """All figures of this benchmark, each a result with ``target`` and ``ok`` (None:
    report only) as in ``benchmarks/run.py``, which merges them into its ``results``."""
    sys.path.insert(0, str(REPO))
    n_art, n_ann = (1_000, 100_000) if quick else (10_000, 1_000_000)
    reps = repeats or (5 if quick else 9)
    db = tmp / "corpus.sqlite"
    _log(f"generating {n_art} articles, {n_ann} annotations")
    meta = generate(db, n_art, n_ann)
    _log(f"generated: {meta}")
    from annotator.domain.search_query import HIT_CLOSE, HIT_OPEN, parse_query, to_fts5
    from annotator.services import annotate, search, sources
    from annotator.services.project import Project

    out: dict[str, Any] = {}
    project = Project(db)
    raw = sqlite3.connect(db)
    try:
        t0 = time.perf_counter()
        linked = sources.resolve_pending(project)
        build_s = time.perf_counter() - t0
        out["registry_build"] = {"annotations_linked": linked, "app_s": round(build_s, 2),
                                 "us_per_annotation": round(build_s / max(1, linked) * 1e6, 1),
                                 "target": None, "ok": None, "corpus": meta}
        _log(f"registry: {linked} links in {build_s:.1f}s")

        for scope, q in (("text", '"ceasefire talks"'), ("annotations", "ceasefire")):
            name = f"search_{scope}_first_page"
            match = to_fts5(parse_query(q))
            first = search.search(project, q, scope=scope)  # type: ignore[arg-type]
            assert len(first.hits) == search.PAGE_SIZE, (name, len(first.hits))
            articles_needed = len({h.article_id for h in first.hits})
            bare = _bare_text_page if scope == "text" else _bare_annotation_page
            bare_hits = bare(raw, match, search.PAGE_SIZE)
            assert [(h[0], h[1], h[2]) for h in bare_hits] == \
                [(h.article_id, h.start, h.end) for h in first.hits], name
            if scope == "text":  # same KWIC and the same annotation around each hit
                assert [tuple(h[3:6]) + tuple(h[9:12]) for h in bare_hits] == \
                    [(h.hit, h.left, h.right, h.annotation_id, h.label, h.annotator)
                     for h in first.hits], name
            fts_only = _fts_only_sql(scope, articles_needed)
            fts_args: tuple[Any, ...] = (HIT_OPEN, HIT_CLOSE, match) if scope == "text" \
                else (HIT_OPEN, HIT_CLOSE) * 3 + (match,)
            app: list[float] = []
            base: list[float] = []
            fts: list[float] = []
            for i in range(max(reps, SEARCH_REPEATS)):
                order = ("app", "base", "fts") if i % 2 == 0 else ("fts", "base", "app")
                for kind in order:
                    t = time.perf_counter()
                    if kind == "app":
                        page = search.search(project, q, scope=scope)  # type: ignore[arg-type]
                        assert len(page.hits) == search.PAGE_SIZE
                        app.append(time.perf_counter() - t)
                    elif kind == "base":
                        assert len(bare(raw, match, search.PAGE_SIZE)) == search.PAGE_SIZE
                        base.append(time.perf_counter() - t)
                    else:
                        assert raw.execute(fts_only, fts_args).fetchall()
                        fts.append(time.perf_counter() - t)
            out[name] = _result(app, base, 1.5, 200.0, query=q,
                                articles_on_first_page=articles_needed,
                                ratio_of_fastest=round(min(app) / min(base), 3),
                                fts_query_only_s=round(statistics.median(fts), 5),
                                ratio_vs_fts_query_only=round(
                                    statistics.median(app) / statistics.median(fts), 3))
            _log(f"{name}: app {_median_ms(app)} ms, bare sqlite3 {_median_ms(base)} ms "
                 f"(ratio {out[name]['ratio']}), FTS5 query alone {_median_ms(fts)} ms "
                 f"(ratio {out[name]['ratio_vs_fts_query_only']})")

        app, base = [], []
        for i in range(reps):
            for kind in (("app", "base") if i % 2 == 0 else ("base", "app")):
                t = time.perf_counter()
                if kind == "app":
                    assert len(sources.list_sources(project, limit=200)) == 200
                    app.append(time.perf_counter() - t)
                else:
                    raw.execute("SELECT id, kind, name, claims FROM source ORDER BY claims "
                                "DESC, name, id LIMIT 200").fetchall()
                    base.append(time.perf_counter() - t)
        pane = _result(app, base, None, 300.0)
        pane.update(target=0.3, target_unit="s (absolute)", value=pane["app_s"])
        out["sources_pane_open"] = pane
        _log(f"sources_pane_open: {_median_ms(app)} ms (raw {_median_ms(base)} ms)")

        # one more tag with a mention on the full file: O(1) registry work
        aid, text = raw.execute("SELECT id, text FROM article WHERE id = 1").fetchone()
        s = text.index(" said ") + 6
        runs = []
        for k in range(reps):
            start = s + k
            edit = annotate.new_annotation(
                project, article_id=aid, article_text=text, annotator="bench",
                label="named_person", start=start, end=start + 10, source=(0, 10))
            t = time.perf_counter()
            annotate.apply_edit(project, edit, actor="bench")
            runs.append(time.perf_counter() - t)
        out["tag_with_registry"] = {"app_s": round(statistics.median(runs), 5),
                                    "target": None, "ok": None}
        _log(f"tag_with_registry: {_median_ms(runs)} ms")
    finally:
        raw.close()
        project.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 articles, 100,000 annotations")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="annotator-bench-search-"))
    try:
        result = measure_search(tmp, quick=args.quick)
    finally:
        if not args.keep:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0



def _run(ctx: Any) -> None:  # ctx: harness.Context
    for name, result in measure_search(ctx.tmp, quick=ctx.quick).items():
        if result.get("target") is None and name in ("registry_build", "tag_with_registry"):
            ctx.diagnose(name, result)
        else:
            ctx.add(name, result)


def _measures() -> list[Any]:
    from harness import Measure

    return [Measure("search", _run, "search_*_first_page vs bare sqlite3 (≤ 1.5, ≤ 200 ms), "
                    "sources_pane_open (≤ 300 ms), registry_build: 10k articles, 1M "
                    "annotations")]


MEASURES = _measures()


if __name__ == "__main__":
    sys.exit(main())
