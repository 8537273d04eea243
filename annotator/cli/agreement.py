"""``annotator agreement [--article ID] [--annotators A,B] [--format text|csv|json]``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the storage stack loads when a command runs, not for the window
    from annotator.services.project import Project


NAME = "agreement"


def register(sub: Any) -> None:
    agree = sub.add_parser(NAME, help="inter-annotator agreement (kappa, alpha, unitized "
                                      "alpha_U, F1; see docs/agreement.md)")
    agree.add_argument("--article", type=int, metavar="ID", help="only this article")
    agree.add_argument("--annotators", metavar="A,B",
                       help="comma-separated annotator names (default: all)")
    agree.add_argument("--include-reviewed", action="store_true",
                       help="also compare with the reviewed layer (left out by default)")
    agree.add_argument("--format", choices=["text", "csv", "json"], default="text")


def run(project: Project, args: argparse.Namespace) -> int:
    import csv
    import json

    from annotator.services.agreement_report import agreement, format_text

    names = [n.strip() for n in args.annotators.split(",")] if args.annotators else None
    report = agreement(project, article_id=args.article, annotators=names,
                       include_reviewed=args.include_reviewed)
    if args.format == "text":
        sys.stdout.write(format_text(report))
    elif args.format == "json":
        json.dump({"scope": report.scope, "annotators": report.annotators,
                   "n_articles": report.n_articles, "rows": report.rows()},
                  sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        rows = report.rows()
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return 0
