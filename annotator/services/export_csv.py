"""CSV export (UTF-8, RFC 4180, one row per annotation, ordered by article then start).

Offsets are code points, end-exclusive; ``text == article_text[start:end]``
before formula neutralisation (see :mod:`annotator.domain.csv_safety`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from annotator.domain.csv_safety import neutralise
from annotator.domain.errors import OperationCancelled, UserInputError
from annotator.domain.facets import FACET_NAMES
from annotator.domain.facets_codec import decode_facets
from annotator.domain.rubric import score
from annotator.services.project import Project
from annotator.services.scoring import project_rubric
from annotator.storage import crud

FOUNDATION_COLUMNS = (
    "annotation_id", "article_id", "article_title", "annotator", "label", "start", "end",
    "text", "source_start", "source_end", "source_text", "note", "created_at", "updated_at",
)
"""The first columns, in this order, stable since the first version."""

FACET_COLUMNS = FACET_NAMES
"""One column per source facet (vocabulary words; empty = not recorded)."""

CSV_COLUMNS = FOUNDATION_COLUMNS + FACET_COLUMNS + ("score", "band", "source_id")
"""``source_id`` (last): the source-registry entry the mention links to (empty if none);
ids derive from the matching rules' key, so an import re-links to the same id."""


def export_csv(
    project: Project,
    out: TextIO,
    *,
    article_id: int | None = None,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write the CSV to ``out`` (opened with ``newline=""``); return the row count."""
    writer = csv.writer(out, lineterminator="\r\n")
    n = 0
    n_ = neutralise
    rubric = project_rubric(project)
    extra_cache: dict[tuple[str, str], tuple[str, ...]] = {}

    def extras(label_key: str, facets_json: str) -> tuple[str, ...]:
        """Facet cells + score + band, cached: most annotations share a few facet sets."""
        key = (label_key, facets_json)
        cells = extra_cache.get(key)
        if cells is None:
            facets = decode_facets(facets_json)
            result = score(label_key, facets, rubric)
            row = facets.to_export_row()
            cells = tuple(n_(row[name]) for name in FACET_NAMES) + (
                str(result.value), result.band)
            if len(extra_cache) < 100_000:
                extra_cache[key] = cells
        return cells

    from annotator.services.sources import source_ids_for_export

    source_of = source_ids_for_export(project, article_id=article_id)
    with project.reading() as session:
        articles = list(crud.iter_article_texts(session=session, article_id=article_id))
        if article_id is not None and not articles:
            raise UserInputError(f"article {article_id} does not exist")
        writer.writerow(CSV_COLUMNS)
        for art_id, title, text in articles:
            if cancelled is not None and cancelled():
                raise OperationCancelled("export cancelled")
            safe_title = n_(title)
            rows = []
            for (ann_id, annotator, label, start, end, ann_text, s_start, s_end, note,
                 created, updated, label_key, facets_json) in crud.iter_export_rows(
                    session=session, article_id=art_id):
                has_source = s_start is not None and s_end is not None
                rows.append((
                    ann_id, art_id, safe_title, n_(annotator), n_(label), start, end,
                    n_(ann_text),
                    s_start if has_source else "", s_end if has_source else "",
                    n_(text[s_start:s_end]) if has_source else "",
                    n_(note), created, updated,
                ) + extras(label_key, facets_json) + (source_of.get(ann_id, ""),))
                if len(rows) >= 5000:
                    writer.writerows(rows)
                    n += len(rows)
                    rows.clear()
                    if progress:
                        progress(n)
                    if cancelled is not None and cancelled():
                        raise OperationCancelled("export cancelled")
            writer.writerows(rows)
            n += len(rows)
    if progress:
        progress(n)
    return n


def export_csv_file(
    project: Project,
    path: Path,
    *,
    article_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write the CSV to ``path`` whole or not at all (a ``.partial`` file renamed at the end).

    ``progress(done, total)`` matches the worker-thread convention of the other
    services (``total`` is 0: the row count is not known in advance).
    """
    tmp = path.with_name(path.name + ".partial")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            n = export_csv(project, out, article_id=article_id,
                           progress=(lambda done: progress(done, 0)) if progress else None,
                           cancelled=cancelled)
        tmp.replace(path)
        return n
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserInputError(f"{path}: cannot write ({exc.strerror})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
