"""``annotator suggest``: print every proposed attribution, one record per suggestion.

Offsets are code points over the text as the project stores it (LF-normalised);
for a file that is not in the project, over that file's text after the same
normalisation. ``source_*`` and ``cue_*`` are null (empty in CSV) when absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

from annotator.domain.csv_safety import neutralise
from annotator.domain.errors import UserInputError

if TYPE_CHECKING:  # the storage stack loads when a command runs, not for the window
    from annotator.services.project import Project

NAME = "suggest"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(NAME, help="propose attributions (claim, source, cue, label) for "
                                  "files, an article or all articles")
    p.add_argument("files", nargs="*", metavar="FILE_OR_DIR")
    p.add_argument("--article", type=int, metavar="ID", help="a stored article")
    p.add_argument("--all", action="store_true", help="every stored article")
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")


def _records(project: Project, args: argparse.Namespace) -> Iterator[dict[str, object]]:
    from annotator.services import articles, suggestions

    if args.files:
        for path, proposal in suggestions.for_files(project, args.files):
            yield {"file": str(path), **proposal.record()}
        return
    ids = [args.article] if args.article is not None else \
        [a.id for a in articles.list_articles(project)]
    for article_id in ids:
        for proposal in suggestions.for_article(project, article_id):
            yield {"article_id": article_id, **proposal.record()}


def _write(out: TextIO, records: list[dict[str, object]], fmt: str, first: str) -> None:
    if fmt == "jsonl":
        for rec in records:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return
    from annotator.services.suggestions import RECORD_FIELDS

    writer = csv.writer(out)
    writer.writerow((first, *RECORD_FIELDS))
    for rec in records:
        row = []
        for key in (first, *RECORD_FIELDS):
            value = rec.get(key)
            if key == "reasons":
                value = "; ".join(value)  # type: ignore[arg-type]
            row.append("" if value is None else neutralise(str(value))
                       if isinstance(value, str) else value)
        writer.writerow(row)


def run(project: Project, args: argparse.Namespace) -> int:
    chosen = sum((bool(args.files), args.article is not None, bool(args.all)))
    if chosen != 1:
        raise UserInputError("suggest: give FILE_OR_DIR..., --article ID or --all (one of them)")
    records = list(_records(project, args))  # everything read before anything is written
    first = "file" if args.files else "article_id"
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8", newline="") as out:
                _write(out, records, args.format, first)
        except OSError as exc:
            raise UserInputError(f"{args.output}: cannot write ({exc.strerror})") from None
        return 0
    out = open(sys.stdout.fileno(), "w", encoding="utf-8", newline="", closefd=False)
    with out:
        _write(out, records, args.format, first)
    return 0
