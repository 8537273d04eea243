"""``annotator stats [--article ID] [--by article|outlet] [--annotators A,B]
[--format text|csv|json]``: the reliability profile, headless.

Without ``--article`` the corpus is compared one row per article (default) or per
outlet. CSV has one row per article/outlet (or the one article) with the columns of
:func:`annotator.services.profile.profile_columns` — see ``docs/profile.md``. JSON
holds the same figures: ``{"profile": ...}`` for one article, ``{"group_by": ...,
"rows": [...], "total": ...}`` for the corpus.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the storage stack loads when a command runs, not for the window
    from annotator.services.project import Project


NAME = "stats"


def register(sub: Any) -> None:
    stats = sub.add_parser(
        NAME, help="reliability profile: source types, anonymous share, scores")
    stats.add_argument("--article", type=int, metavar="ID", help="only this article")
    stats.add_argument("--by", choices=["article", "outlet"], default="article",
                       help="corpus rows: one per article (default) or per outlet")
    stats.add_argument("--annotators", metavar="A,B",
                       help="comma-separated annotator names (default: all)")
    stats.add_argument("--include-reviewed", action="store_true",
                       help="also count the reviewed layer (it copies analysts' spans, so "
                            "by default it is left out)")
    stats.add_argument("--format", choices=["text", "csv", "json"], default="text")


def run(project: Project, args: argparse.Namespace) -> int:
    import csv
    import json

    from annotator.services import profile as prof

    names = ([n.strip() for n in args.annotators.split(",") if n.strip()]
             if args.annotators else
             prof.annotators_present(project, args.article,
                                     include_reviewed=args.include_reviewed) or None)
    if args.article is not None:
        one = prof.article_profile(project, args.article, annotators=names)
        columns = prof.profile_columns(one)
        flat = prof.profile_rows([one])
        if args.format == "text":
            sys.stdout.write(prof.format_profile_text(one))
        elif args.format == "json":
            json.dump({"profile": one.to_json()}, sys.stdout, indent=2, ensure_ascii=False)
            sys.stdout.write("\n")
    else:
        rows = prof.corpus_profile(project, group_by=args.by, annotators=names)
        total = prof.total_profile(project, annotators=names)
        columns = prof.profile_columns(total)
        flat = prof.profile_rows(rows)
        if args.format == "text":
            sys.stdout.write(prof.format_rows_text(rows, total))
        elif args.format == "json":
            json.dump({"group_by": args.by, "rows": [r.profile.to_json() for r in rows],
                       "total": total.to_json()},
                      sys.stdout, indent=2, ensure_ascii=False)
            sys.stdout.write("\n")
    if args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(flat)
    return 0
