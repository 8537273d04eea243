"""CSV export and import of 100k annotations vs raw sqlite3; other formats vs CSV."""

from __future__ import annotations

import csv
import filecmp
import gc
import shutil
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from harness import SEED, Context, Measure, interleave, log, ratio_result

BASELINE_SQL = """
SELECT a.id, a.article_id, art.title, a.annotator, l.name, a.start, a."end", a.text,
       a.source_start, a.source_end, a.note, a.created_at, a.updated_at, a.label, a.facets
FROM annotation AS a
JOIN label AS l ON l.key = a.label
JOIN article AS art ON art.id = a.article_id
ORDER BY a.article_id, a.start, a."end", a.id
"""
"""The raw program's one query: every annotation with its label name and article title."""

SELECT13_SQL = """
SELECT a.id, a.article_id, art.title, a.annotator, l.name, a.start, a."end", a.text,
       a.source_start, a.source_end, a.note, a.created_at, a.updated_at
FROM annotation AS a
JOIN label AS l ON l.key = a.label
JOIN article AS art ON art.id = a.article_id
ORDER BY a.article_id, a.start, a."end", a.id
"""
"""The figure's baseline before it wrote the same file: 13 stored columns copied as they
are (no source text, facets, score, band or source id, no neutralising). Still timed,
as a reference (``ratio_vs_select13``)."""


def _score_cells(db: Path) -> dict[tuple[str, str], tuple[str, ...]]:
    """(label key, facets JSON) → the 18 facet cells, score and band, for every pair in
    the database — the derived cells the raw program looks up (prepared untimed)."""
    from annotator.domain.csv_safety import neutralise
    from annotator.domain.facets import FACET_NAMES
    from annotator.domain.facets_codec import decode_facets
    from annotator.domain.rubric import score
    from annotator.services.project import Project
    from annotator.services.scoring import project_rubric

    project = Project(db)
    rubric = project_rubric(project)
    project.close()
    con = sqlite3.connect(db)
    pairs = con.execute("SELECT DISTINCT label, facets FROM annotation").fetchall()
    con.close()
    cells: dict[tuple[str, str], tuple[str, ...]] = {}
    for label, facets_json in pairs:
        facets = decode_facets(facets_json)
        result = score(label, facets, rubric)
        row = facets.to_export_row()
        cells[label, facets_json] = tuple(neutralise(row[f]) for f in FACET_NAMES) + (
            str(result.value), result.band)
    return cells


class _Neutralised(dict[str, str]):
    """``names[value]``: the neutralised cell, computed once per distinct title, annotator
    and label name."""

    def __missing__(self, value: str) -> str:
        from annotator.domain.csv_safety import neutralise

        cell = self[value] = neutralise(value)
        return cell


def measure_export(db: Path, out_dir: Path, repeats: int) -> dict[str, Any]:
    """``export_csv(project, file)`` vs a raw ``sqlite3`` + ``csv`` program writing the
    same bytes (checked: the run fails otherwise), interleaved, median of per-round
    ratios (``paired``) so a burst of load on the shared machine hits both sides."""
    from annotator.domain.csv_safety import neutralise
    from annotator.services.export_csv import CSV_COLUMNS, export_csv
    from annotator.services.project import Project

    project = Project(db)
    score_cells = _score_cells(db)
    con = sqlite3.connect(db)
    app_file = out_dir / "export-app.csv"
    base_file = out_dir / "export-bare.csv"
    select13_file = out_dir / "export-select13.csv"
    n_rows = {"app": 0, "bare": 0}

    def app_once() -> float:
        t0 = time.perf_counter()
        with open(app_file, "w", encoding="utf-8", newline="") as out:
            n_rows["app"] = export_csv(project, out)
        return time.perf_counter() - t0

    def bare_once() -> float:
        """The raw program: one query, article texts and source links read once, the
        derived facet/score cells looked up, neutralising only cells that can need it."""
        t0 = time.perf_counter()
        risky = frozenset("=+-@\t\r'")
        n_ = neutralise
        texts = dict(con.execute("SELECT id, text FROM article"))
        source_of = dict(con.execute("SELECT annotation_id, source_id FROM annotation_source"))
        get_source = source_of.get
        names = _Neutralised()
        no_source = ("", "", "")
        with open(base_file, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(CSV_COLUMNS)
            cur = con.execute(BASELINE_SQL)
            n = 0
            while rows := cur.fetchmany(5000):
                writer.writerows([
                    (i, art, names[title], names[who], names[label], s, e,
                     n_(t) if t[:1] in risky else t,
                     *((ss, se, n_(texts[art][ss:se]))
                       if ss is not None and se is not None else no_source),
                     n_(note) if note[:1] in risky else note, created, updated,
                     *score_cells[key, facets], get_source(i, ""))
                    for (i, art, title, who, label, s, e, t, ss, se, note, created, updated,
                         key, facets) in rows])
                n += len(rows)
            n_rows["bare"] = n
        return time.perf_counter() - t0

    def select13_once() -> float:
        t0 = time.perf_counter()
        with open(select13_file, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(CSV_COLUMNS)
            cur = con.execute(SELECT13_SQL)
            while rows := cur.fetchmany(5000):
                writer.writerows(rows)
        return time.perf_counter() - t0

    app_once()
    bare_once()
    select13_once()
    same = filecmp.cmp(app_file, base_file, shallow=False)
    assert same, f"{base_file} differs from the app's {app_file}: not the same job"
    runs = interleave({"app": app_once, "bare": bare_once, "select13": select13_once},
                      repeats, label="export")
    con.close()
    project.close()
    assert n_rows["app"] == n_rows["bare"], n_rows
    select13 = statistics.median(runs["select13"])
    return ratio_result("export_100k", runs["app"], runs["bare"], target=1.5, paired=True,
                        n_annotations=n_rows["app"], same_bytes_checked=same,
                        app_bytes=app_file.stat().st_size,
                        baseline_bytes=base_file.stat().st_size,
                        select13_s=round(select13, 5),
                        ratio_vs_select13=round(statistics.median(
                            a / b for a, b in zip(runs["app"], runs["select13"], strict=True)), 3),
                        select13_runs_s=[round(x, 5) for x in runs["select13"]])


# ---------------------------------------------------------------- import run

ANNOTATION_TABLE_COLUMNS = (
    "id", "article_id", "annotator", "label", "start", "end", "text", "prefix", "suffix",
    "source_start", "source_end", "note", "created_at", "updated_at", "facets", "version",
    "reviewed_by", "reviewed_at", "origin_id",
)
"""Every column of the ``annotation`` table, as ``crud.insert_annotations`` writes them."""

RAW_INSERT_SQL = (
    f"INSERT INTO annotation ({', '.join(f'{c!r}' for c in ANNOTATION_TABLE_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(ANNOTATION_TABLE_COLUMNS))})"
)


def _checkpointed(db: Path) -> Path:
    """Fold the WAL into the main file so a plain file copy is the whole database."""
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0, f"{wal} not checkpointed"
    return db


def _drop_db(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def _raw_rows_from_csv(csv_path: Path, template: Path) -> list[tuple[Any, ...]]:
    """The CSV's rows as ``annotation`` table rows (all 19 columns), parsed with
    ``csv.reader`` — the rows the app's import writes. Untimed preparation.

    Label names are mapped to keys and ``prefix``/``suffix`` cut from the stored
    article text, as the import does; formula neutralisation is undone.
    """
    from annotator.domain.csv_safety import unneutralise
    from annotator.domain.facets import FACET_NAMES
    from annotator.domain.facets_codec import EMPTY_JSON
    from annotator.domain.model import CONTEXT_CHARS

    con = sqlite3.connect(template)
    key_of = dict(con.execute("SELECT name, key FROM label"))
    texts = dict(con.execute("SELECT id, text FROM article"))
    con.close()
    ctx = CONTEXT_CHARS
    un = unneutralise
    rows: list[tuple[Any, ...]] = []
    with open(csv_path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        i = {c: k for k, c in enumerate(header)}
        facet_idx = [(f, i[f]) for f in FACET_NAMES if f in i]
        for r in reader:
            art = int(r[i["article_id"]])
            text = texts[art]
            s, e = int(r[i["start"]]), int(r[i["end"]])
            ss, se = r[i["source_start"]], r[i["source_end"]]
            cells = {f: un(r[k]) for f, k in facet_idx}
            facets = EMPTY_JSON
            if any(cells.values()):
                from annotator.services.interop import _facets_from_cells
                facets = _facets_from_cells(cells)
            rows.append((
                r[i["annotation_id"]], art, un(r[i["annotator"]]), key_of[un(r[i["label"]])],
                s, e, un(r[i["text"]]), text[max(0, s - ctx):s], text[e:e + ctx],
                int(ss) if ss else None, int(se) if se else None, un(r[i["note"]]),
                r[i["created_at"]], r[i["updated_at"]], facets, 1, None, None, None,
            ))
    return rows


def _annotation_dump(db: Path) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db)
    cols = ", ".join(f'"{c}"' for c in ANNOTATION_TABLE_COLUMNS)
    rows = con.execute(f"SELECT {cols} FROM annotation ORDER BY id").fetchall()
    con.close()
    return rows


def measure_import(source_db: Path, article_file: Path, tmp: Path,
                   repeats: int) -> dict[str, Any]:
    """``interop.import_annotations(project, csv, fmt="csv")`` of the app's own CSV export
    of ``source_db`` into a fresh project holding the article, vs a bare ``sqlite3``
    ``executemany`` of the same rows (pre-parsed, untimed) into a fresh copy of the same
    database, with the pragmas the app's engine sets (WAL, synchronous=FULL, foreign keys).

    Timed, app: ``Project(db)`` + ``import_annotations`` + ``project.close()``;
    baseline: ``sqlite3.connect`` + pragmas + ``executemany`` + ``commit`` + ``close``.
    Each repeat copies the prepared template file (untimed) for both sides.
    """
    from annotator.services import articles
    from annotator.services.export_csv import export_csv
    from annotator.services.interop import import_annotations
    from annotator.services.project import Project

    work = tmp / "import"
    work.mkdir(exist_ok=True)
    csv_path = work / "export-100k.csv"
    project = Project(source_db)
    with open(csv_path, "w", encoding="utf-8", newline="") as out:
        n_csv = export_csv(project, out)
    project.close()

    template = work / "template.sqlite"  # a fresh project holding the same article
    project = Project(template)
    articles.import_files(project, [article_file], outlet="Benchmark Wire")
    project.close()
    _checkpointed(template)

    rows = _raw_rows_from_csv(csv_path, template)
    assert len(rows) == n_csv, (len(rows), n_csv)
    log(f"import: {n_csv} rows, {csv_path.stat().st_size / 1e6:.1f} MB CSV")
    import_only: list[float] = []
    last_db: dict[str, Path] = {}

    def fresh(kind: str) -> Path:
        db = work / f"{kind}.sqlite"
        _drop_db(db)
        shutil.copy(template, db)
        last_db[kind] = db
        return db

    def app_once(keep: bool = False) -> float:
        db = fresh("app")
        gc.collect()
        t0 = time.perf_counter()
        proj = Project(db)
        t1 = time.perf_counter()
        report = import_annotations(proj, csv_path, fmt="csv")
        t2 = time.perf_counter()
        proj.close()
        elapsed = time.perf_counter() - t0
        import_only.append(t2 - t1)
        assert report.imported == n_csv, report.summary()
        if not keep:
            _drop_db(db)
        return elapsed

    def bare_once(keep: bool = False) -> float:
        db = fresh("bare")
        gc.collect()
        t0 = time.perf_counter()
        con = sqlite3.connect(db)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("PRAGMA synchronous=FULL")
        con.executemany(RAW_INSERT_SQL, rows)
        con.commit()
        con.close()
        elapsed = time.perf_counter() - t0
        if not keep:
            _drop_db(db)
        return elapsed

    # Warm-up pair, kept to check that both sides wrote exactly the same rows.
    app_once(keep=True)
    bare_once(keep=True)
    same = _annotation_dump(last_db["app"]) == _annotation_dump(last_db["bare"])
    _drop_db(last_db["app"])
    _drop_db(last_db["bare"])
    assert same, "the baseline rows differ from what the app's import wrote"
    import_only.clear()
    app_runs: list[float] = []
    base_runs: list[float] = []
    for i in range(repeats):
        pair = (app_once, bare_once) if i % 2 == 0 else (bare_once, app_once)
        for fn in pair:
            (app_runs if fn is app_once else base_runs).append(fn())
        log(f"import [{i + 1}/{repeats}] app {app_runs[-1] * 1000:.0f} ms "
            f"(import_annotations {import_only[-1] * 1000:.0f} ms), "
            f"bare {base_runs[-1] * 1000:.0f} ms")
    return ratio_result("import_100k_csv", app_runs, base_runs, target=3.0,
                        n_annotations=n_csv,
                     csv_bytes=csv_path.stat().st_size,
                     app_import_only_s=round(statistics.median(import_only), 5),
                     same_rows_checked=True)


# --------------------------------------------------------------- formats run

EXPORT_FORMATS = (("doccano", "export.jsonl"), ("labelstudio", "export.json"),
                  ("w3c", "export.jsonld"), ("brat", "brat"))


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir() if p.is_file())
    return path.stat().st_size


def measure_formats(db: Path, meta: dict[str, Any], tmp: Path,
                    repeats: int) -> dict[str, dict[str, Any]]:
    """``interop.export_annotations(project, fmt, out, article_id=…)`` for each of doccano,
    Label Studio, W3C and brat vs ``export_csv`` to a file, same article, same run.

    Each round runs the five exports once, in an order rotated every round; one
    untimed warm-up of every exporter on the small article (no annotations) first.
    Report only (no targets).
    """
    from annotator.services.export_csv import export_csv
    from annotator.services.interop import export_annotations
    from annotator.services.project import Project

    out_dir = tmp / "formats"
    out_dir.mkdir(exist_ok=True)
    project = Project(db)
    art = meta["article_id"]
    counts: dict[str, int] = {}

    def csv_once(article_id: int = art) -> float:
        gc.collect()
        t0 = time.perf_counter()
        with open(out_dir / "export.csv", "w", encoding="utf-8", newline="") as out:
            counts["csv"] = export_csv(project, out, article_id=article_id)
        return time.perf_counter() - t0

    def fmt_once(fmt: str, name: str, article_id: int = art) -> float:
        gc.collect()
        t0 = time.perf_counter()
        report = export_annotations(project, fmt, out_dir / name, article_id=article_id)
        elapsed = time.perf_counter() - t0
        counts[fmt] = report.annotations
        return elapsed

    csv_once(meta["small_id"])
    for fmt, name in EXPORT_FORMATS:
        fmt_once(fmt, name, meta["small_id"])
    kinds = ["csv"] + [fmt for fmt, _ in EXPORT_FORMATS]
    files = dict(EXPORT_FORMATS)
    runs: dict[str, list[float]] = {k: [] for k in kinds}
    for i in range(repeats):
        order = kinds[i % len(kinds):] + kinds[:i % len(kinds)]
        for kind in order:
            runs[kind].append(csv_once() if kind == "csv" else fmt_once(kind, files[kind]))
        log(f"formats [{i + 1}/{repeats}] " + ", ".join(
            f"{k} {runs[k][-1] * 1000:.0f} ms" for k in kinds))
    project.close()
    assert len(set(counts.values())) == 1, counts
    out: dict[str, dict[str, Any]] = {}
    for fmt, name in EXPORT_FORMATS:
        key = f"export_{fmt}_vs_csv"
        out[key] = ratio_result(key, runs[fmt], runs["csv"], target=None,
                                n_annotations=counts[fmt],
                             app_bytes=_size(out_dir / name),
                             baseline_bytes=_size(out_dir / "export.csv"),
                             baseline="export_csv of the same article to a file")
    return out


def _export_db(ctx: Context) -> tuple[Path, dict[str, Any]]:
    """The 100k-annotation database shared by export, import and formats (read only)."""
    return ctx.database("a100k", ctx.n(100_000), SEED + 4)


def run_export(ctx: Context) -> None:
    db, _ = _export_db(ctx)
    ctx.add("export_100k", measure_export(db, ctx.tmp, ctx.repeats(7, 5)))


def run_import(ctx: Context) -> None:
    db, _ = _export_db(ctx)
    ctx.add("import_100k_csv", measure_import(db, ctx.article_file, ctx.tmp,
                                              ctx.repeats(3, 1)))


def run_formats(ctx: Context) -> None:
    db, meta = _export_db(ctx)
    for key, res in measure_formats(db, meta, ctx.tmp, ctx.repeats(3, 1)).items():
        ctx.add(key, res)


MEASURES = [
    Measure("export", run_export, "export_100k: CSV export vs raw SELECT + csv.writer"),
    Measure("import", run_import, "import_100k_csv: CSV import vs raw executemany"),
    Measure("formats", run_formats, "export_<format>_vs_csv (report only)"),
]
