"""``annotator tag --article ID --start S --end E --label KEY``: tag a span headless.

The same edit the window makes when an analyst selects ``[S, E)`` and presses a
label's digit: validated, committed in one transaction with its audit event, version 1.
Offsets are code points, end-exclusive, as in the CSV (``text == article[S:E]``);
``--text`` makes the command refuse to tag if the article says something else there.
Prints the new annotation's id. Scripts and the bundle's smoke test use it.
"""

from __future__ import annotations

import argparse
import getpass
from typing import TYPE_CHECKING, Any

from annotator.domain.errors import UserInputError

if TYPE_CHECKING:  # the storage stack loads when a command runs, not for the window
    from annotator.services.project import Project

NAME = "tag"


def register(sub: Any) -> None:
    tag = sub.add_parser(NAME, help="tag [START, END) of an article with a source type; "
                                    "prints the annotation id")
    tag.add_argument("--article", type=int, required=True, metavar="ID")
    tag.add_argument("--start", type=int, required=True, metavar="S",
                     help="first code point of the claim (0-based)")
    tag.add_argument("--end", type=int, required=True, metavar="E",
                     help="code point after the claim (end-exclusive)")
    tag.add_argument("--label", required=True, metavar="KEY",
                     help="source type key (resources/taxonomy.json), e.g. named_person")
    tag.add_argument("--text", metavar="TEXT",
                     help="expected text of the span; refuse if the article differs")
    tag.add_argument("--source", metavar="S:E",
                     help="code-point span of the phrase naming the source")
    tag.add_argument("--note", default="")
    tag.add_argument("--annotator", metavar="NAME",
                     help="analyst name stored on the annotation (default: login name)")


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (e.g. in some containers)
        return "unknown"


def _source_span(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    start, sep, end = value.partition(":")
    try:
        if not sep:
            raise ValueError
        return int(start), int(end)
    except ValueError:
        raise UserInputError(f"--source {value!r}: expected START:END") from None


def run(project: Project, args: argparse.Namespace) -> int:
    from annotator.services import annotate, articles

    keys = [label.key for label in project.labels() if not label.retired]
    if args.label not in keys:
        raise UserInputError(f"unknown label {args.label!r}; source type keys: "
                             + ", ".join(keys))
    article = articles.get_article(project, args.article)
    if args.text is not None and article.text[args.start:args.end] != args.text:
        raise UserInputError(
            f"article {args.article} at {args.start}-{args.end} reads "
            f"{article.text[args.start:args.end][:60]!r}, not {args.text[:60]!r}")
    who = args.annotator or _login_name()
    edit = annotate.new_annotation(
        project, article_id=args.article, article_text=article.text, annotator=who,
        label=args.label, start=args.start, end=args.end, note=args.note,
        source=_source_span(args.source))
    change, _ = annotate.apply_edit(project, edit, actor=who)
    assert change.after is not None
    print(change.after.id)
    return 0
