"""CSV export (UTF-8, RFC 4180, one row per annotation, ordered by article then start).

Offsets are code points, end-exclusive; ``text == article_text[start:end]``
before formula neutralisation (see :mod:`annotator.domain.csv_safety`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from annotator.domain.csv_safety import neutralise
from annotator.domain.errors import OperationCancelled, UserInputError
from annotator.domain.facets import FACET_NAMES
from annotator.domain.facets_codec import decode_facets
from annotator.domain.rubric import Rubric, score
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


BATCH_ROWS = 5_000
"""Rows read from the database and written per step: the export's memory is bounded by
one batch (and one article text), not by the number of annotations."""

_RISKY_FIRST = frozenset("=+-@\t\r'")
"""First characters after which :func:`neutralise` may change a cell; any other cell
(most of them) is written as it is without the call."""

_NO_SOURCE = ("", "", "")


class _NeutralisedCells(dict[str, str]):
    """``cells[value]``: ``neutralise(value)``, computed once per distinct value (for
    the few annotator names and label names that repeat on every row)."""

    def __missing__(self, value: str) -> str:
        cell = self[value] = neutralise(value)
        return cell


class _ScoreCells(dict[tuple[str, str], tuple[str, ...]]):
    """``cells[label_key, facets_json]``: the facet cells, score and band, computed once
    per distinct pair (most annotations share a few facet sets)."""

    def __init__(self, rubric: Rubric) -> None:
        super().__init__()
        self.rubric = rubric

    def __missing__(self, key: tuple[str, str]) -> tuple[str, ...]:
        label_key, facets_json = key
        facets = decode_facets(facets_json)
        result = score(label_key, facets, self.rubric)
        row = facets.to_export_row()
        cells = tuple(neutralise(row[name]) for name in FACET_NAMES) + (
            str(result.value), result.band)
        if len(self) < 100_000:  # a bound on memory for a project of unique facet sets
            self[key] = cells
        return cells


def _csv_rows(batch: Sequence[Any], art_id: int, safe_title: str, text: str,
              same: _NeutralisedCells, extras: _ScoreCells,
              source_of: dict[str, str]) -> list[tuple[Any, ...]]:
    """One batch of :data:`crud.EXPORT_COLUMNS` rows as CSV rows (:data:`CSV_COLUMNS`).

    One comprehension, no call per row unless a cell needs neutralising or a
    (label, facets) pair is new: this is the export's whole per-row cost above the
    database read and ``csv.writer``.
    """
    risky = _RISKY_FIRST
    n_ = neutralise
    get_source = source_of.get
    return [
        (ann_id, art_id, safe_title, same[annotator], same[label], start, end,
         n_(ann_text) if ann_text[:1] in risky else ann_text,
         *((s_start, s_end, n_(text[s_start:s_end]))
           if s_start is not None and s_end is not None else _NO_SOURCE),
         n_(note) if note[:1] in risky else note, created, updated,
         *extras[label_key, facets_json], get_source(ann_id, ""))
        for (ann_id, annotator, label, start, end, ann_text, s_start, s_end, note,
             created, updated, label_key, facets_json) in batch
    ]


def export_csv(
    project: Project,
    out: TextIO,
    *,
    article_id: int | None = None,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write the CSV to ``out`` (opened with ``newline=""``); return the row count.

    Streamed: one article text and one batch of rows in memory at a time, whatever
    the number of annotations.
    """
    from annotator.services.sources import source_ids_for_export

    writer = csv.writer(out, lineterminator="\r\n")
    n = 0
    same = _NeutralisedCells()
    extras = _ScoreCells(project_rubric(project))
    source_of = source_ids_for_export(project, article_id=article_id)
    with project.reading() as session:
        titles = crud.list_article_titles(session=session, article_id=article_id)
        if article_id is not None and not titles:
            raise UserInputError(f"article {article_id} does not exist")
        writer.writerow(CSV_COLUMNS)
        for art_id, title in titles:
            if cancelled is not None and cancelled():
                raise OperationCancelled("export cancelled")
            text = crud.article_text(session=session, article_id=art_id)
            safe_title = neutralise(title)
            for batch in crud.iter_export_batches(session=session, article_id=art_id,
                                              batch=BATCH_ROWS):
                writer.writerows(_csv_rows(batch, art_id, safe_title, text, same, extras,
                                           source_of))
                n += len(batch)
                if progress:
                    progress(n)
                if cancelled is not None and cancelled():
                    raise OperationCancelled("export cancelled")
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
