"""``annotator search QUERY [--in text|annotations|both] [--label KEY] [--outlet X]
[--annotator NAME] [--from DATE] [--to DATE] [--format text|csv|jsonl]``.

One record per hit: ``article_id, start, end, hit, left, right`` (code-point offsets into
the article), the field it was found in (``text``, ``claim``, ``mention``, ``note``) and
the annotation's id, label and annotator when the hit is inside one. Query syntax:
README, "Search". A malformed query is a one-line error (exit 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the storage stack loads when a command runs, not for the window
    from annotator.services.project import Project


NAME = "search"


def register(sub: Any) -> None:
    p = sub.add_parser(NAME, help="full-text search with keyword-in-context lines")
    p.add_argument("query", metavar="QUERY",
                   help='words, "a phrase", prefix*, OR, -excluded')
    p.add_argument("--in", dest="scope", choices=["text", "annotations", "both"],
                   default="both", help="article text, annotations (claim, source mention, "
                                        "note), or both (default)")
    p.add_argument("--label", action="append", default=[], metavar="KEY",
                   help="only hits in annotations with this label key (repeatable)")
    p.add_argument("--annotator", action="append", default=[], metavar="NAME",
                   help="only hits in this analyst's annotations (repeatable)")
    p.add_argument("--outlet", help="only articles from this outlet")
    p.add_argument("--from", dest="date_from", metavar="DATE",
                   help="only articles published on or after DATE (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", metavar="DATE",
                   help="only articles published on or before DATE")
    p.add_argument("--format", choices=["text", "csv", "jsonl"], default="text")


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ").replace("\t", " ")


def run(project: Project, args: argparse.Namespace) -> int:
    from annotator.domain.errors import UserInputError
    from annotator.services.search import SearchFilters, hits_csv, iter_hits

    known = {lab.key for lab in project.labels()}
    for key in args.label:
        if key not in known:
            raise UserInputError(f"--label {key!r}: no such label key "
                                 f"(known: {', '.join(sorted(known))})")
    filters = SearchFilters(labels=tuple(args.label), annotators=tuple(args.annotator),
                            outlet=args.outlet, date_from=args.date_from,
                            date_to=args.date_to)
    hits = iter_hits(project, args.query, scope=args.scope, filters=filters)
    first = next(hits, None)  # a malformed query fails here, before any output
    if first is None:
        if args.format == "csv":
            sys.stdout.write(hits_csv([]))
        return 0

    def all_hits():  # type: ignore[no-untyped-def]
        yield first
        yield from hits

    if args.format == "csv":
        hits_csv(all_hits(), sys.stdout)
    elif args.format == "jsonl":
        for hit in all_hits():
            sys.stdout.write(json.dumps(hit.record(), ensure_ascii=False) + "\n")
    else:
        for hit in all_hits():
            where = f"{hit.article_id}:{hit.start}-{hit.end}"
            tag = f" [{hit.label}]" if hit.label else ""
            field = "" if hit.field == "text" else f" ({hit.field})"
            sys.stdout.write(f"{where}{tag}{field}\t{_one_line(hit.left)[-40:]:>40} "
                             f"[{_one_line(hit.hit)}] {_one_line(hit.right)[:40]}\n")
    return 0
