"""``annotator import FILE [--format F] [--annotator NAME] [--article ID] [--map-label A=key]
[--add-labels] [--reanchor [--review-file PATH]] [--create-articles]``.

Imports annotations from this app's CSV export, doccano JSONL, Label Studio JSON,
W3C Web Annotation JSON-LD or brat standoff (a ``.ann`` with its ``.txt`` beside it,
or a folder of them). All or nothing: any problem prints one line naming the file,
the line/record and the problem, exits 2 and changes nothing. See docs/formats.md.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from annotator.domain.errors import UserInputError
from annotator.domain.formats.registry import format_names

if TYPE_CHECKING:  # the storage stack loads when a command runs, not for the window
    from annotator.services.project import Project

NAME = "import"
FORMATS = format_names()


def register(sub: Any) -> None:
    imp = sub.add_parser(
        NAME, help=f"import annotations ({', '.join(FORMATS)})",
        description="Import annotations; all or nothing. The format is taken from the "
                    "extension when --format is not given (.csv, .jsonl doccano, .json Label "
                    "Studio or W3C, .jsonld W3C, .ann or a folder brat).")
    imp.add_argument("file", metavar="FILE", help="the file (brat: the .ann, or a folder)")
    imp.add_argument("--format", choices=FORMATS, help="the file's format (default: from "
                                                       "the extension)")
    imp.add_argument("--annotator", metavar="NAME",
                     help="record the annotations as NAME's (replaces the file's annotators)")
    imp.add_argument("--article", type=int, metavar="ID",
                     help="the article the annotations belong to (default: found by text)")
    imp.add_argument("--map-label", action="append", default=[], metavar="FOREIGN=key",
                     help="use project label KEY (or name) for the file's label FOREIGN; "
                          "repeatable")
    imp.add_argument("--add-labels", action="store_true",
                     help="add the file's unknown labels to the project's taxonomy")
    imp.add_argument("--reanchor", action="store_true",
                     help="when the article changed: import what re-anchors confidently and "
                          "write the rest to a review file instead of refusing")
    imp.add_argument("--review-file", metavar="PATH",
                     help="where --reanchor writes the annotations to review "
                          "(default: FILE.review.csv)")
    imp.add_argument("--create-articles", action="store_true",
                     help="create articles for records whose text is not in the project "
                          "(doccano, Label Studio, brat)")


def parse_label_map(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        foreign, sep, key = value.rpartition("=")
        if not sep or not foreign or not key:
            raise UserInputError(f"--map-label {value!r}: expected FOREIGN=key")
        if foreign in out and out[foreign] != key:
            raise UserInputError(f"--map-label: {foreign!r} is mapped twice")
        out[foreign] = key
    return out


def run(project: Project, args: argparse.Namespace) -> int:
    from annotator.services.interop import import_annotations

    if args.review_file and not args.reanchor:
        raise UserInputError("--review-file only makes sense with --reanchor")
    report = import_annotations(
        project, args.file, fmt=args.format, annotator=args.annotator,
        article_id=args.article, label_map=parse_label_map(args.map_label),
        add_labels=args.add_labels, reanchor=args.reanchor, review_path=args.review_file,
        create_articles=args.create_articles,
    )
    for warning in report.warnings:
        print(f"annotator: warning: {warning}", file=sys.stderr)
    if report.review:
        print(f"annotator: warning: {len(report.review)} annotation(s) not imported, to "
              f"review: {report.review_path}", file=sys.stderr)
    print(report.summary())
    return 0
