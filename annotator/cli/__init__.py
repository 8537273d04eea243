"""Headless front door: ``annotator [--db PATH_OR_URL] COMMAND ...``.

User mistakes and database faults (locked, disk full, read-only, not an annotator
database, server gone, newer schema) print one line on stderr and exit 2; other
failures exit 1. Human-readable output has control characters escaped
(:mod:`annotator.cli.output`). The GUI is imported only for the ``gui`` command so
headless commands stay fast and never need a display.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.cli import output
from annotator.domain.display import printable
from annotator.domain.errors import UserInputError
from annotator.domain.formats.registry import format_names, get_format

if TYPE_CHECKING:  # imported when a command runs: the window starts without it
    from annotator.services.project import Project

BUILTIN_COMMANDS = ("gui", "add", "list", "export")

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"annotator: error: {printable(message)}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="annotator", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="store_true",
                        help="print versions, database location and schema revision "
                             "(for bug reports) and exit")
    parser.add_argument("--db", metavar="PATH_OR_URL",
                        help="SQLite file path or SQLAlchemy URL "
                             "(default: $ANNOTATOR_DB, else a file in your data folder)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser("gui", help="open the window (importing FILEs first)")
    gui.add_argument("files", nargs="*", metavar="FILE")
    # Hidden, for the bundle smoke test and start-up measurements: quit SECONDS after
    # the window's first paint (reported on stderr), without asking the analyst's name.
    gui.add_argument("--smoke-exit-after-paint", type=float, metavar="SECONDS",
                     help=argparse.SUPPRESS)

    add = sub.add_parser("add", help="import article files (.txt .md .html .docx) or folders; "
                                     "prints ID<TAB>TITLE per file")
    add.add_argument("files", nargs="+", metavar="FILE_OR_FOLDER")
    add.add_argument("--title", help="title for the imported article(s)")
    add.add_argument("--outlet", default="", help="outlet (publication) name")

    sub.add_parser("list", help="list articles: ID<TAB>TITLE<TAB>N_ANNOTATIONS")

    export = sub.add_parser("export", help="export annotations")
    export.add_argument("--format", choices=format_names(), default="csv")
    export.add_argument("--article", type=int, metavar="ID", help="only this article")
    export.add_argument("-o", "--output", metavar="FILE",
                        help="write here instead of stdout (required for formats other than "
                             "csv; a folder for brat)")
    for module in _command_modules():
        module.register(sub)
    return parser


# Further subcommands live in their own modules under annotator/cli/, each with
# NAME, register(subparsers) and run(project, args) -> exit status.
COMMAND_MODULES = ("agreement", "stats", "merge", "interop", "search", "suggest", "tag",
                   "sources")


def _command_modules() -> list[Any]:
    return [importlib.import_module(f"annotator.cli.{name}") for name in COMMAND_MODULES]


def _command_names() -> set[str]:
    """Subcommand names of the command modules (a module may name its command otherwise)."""
    return {module.NAME for module in _command_modules()}


def _normalise_argv(argv: list[str]) -> list[str]:
    """``annotator FILE...`` means ``annotator gui FILE...``."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--db":
            i += 2
            continue
        if arg.startswith("-"):
            i += 1
            continue
        if arg not in BUILTIN_COMMANDS and arg not in COMMAND_MODULES \
                and arg not in _command_names():
            return argv[:i] + ["gui"] + argv[i:]
        return argv
    return argv + ["gui"] if not any(a in ("-h", "--help", "--version") for a in argv) else argv


def main(argv: Sequence[str] | None = None) -> int:
    args_list = _normalise_argv(list(sys.argv[1:] if argv is None else argv))
    args = build_parser().parse_args(args_list)
    machine = args.command not in ("import", "gui") \
        and getattr(args, "format", None) in output.MACHINE_FORMATS
    saved = output.install(machine_stdout=machine)
    # psycopg logs "error ignored terminating <Pipeline>" when the server went away; the
    # fault itself is reported as our one line, so the driver's echo is not printed.
    logging.getLogger("psycopg").addHandler(logging.NullHandler())
    try:
        return _main(args)
    finally:
        output.restore(saved)


def _fail(message: str) -> int:
    """The single error exit: one line on stderr, status 2."""
    print(f"annotator: error: {printable(message)}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _main(args: argparse.Namespace) -> int:
    if args.command == "gui" and not args.version:
        # The window paints before the storage stack is imported; it opens (and
        # reports problems with) the database itself, the same one-line way.
        from annotator.app import run_gui

        return run_gui(args.db, [Path(f) for f in args.files],
                       exit_after_paint=args.smoke_exit_after_paint)
    from annotator.services.project import DatabaseError, Project, resolve_database

    db = ""
    try:
        db = resolve_database(args.db)
        if args.version:
            from annotator.services.version_info import gather

            sys.stdout.write(gather(db).as_text())
            return EXIT_OK
        if args.command is None:
            build_parser().print_usage(sys.stderr)
            return EXIT_BAD_INPUT
        project = Project(db)
        try:
            return _run_headless(project, args)
        finally:
            project.close()
    except (UserInputError, DatabaseError) as exc:
        return _fail(str(exc))
    except BrokenPipeError:
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # A database fault raised outside a Project transaction (e.g. while closing).
        from annotator.services.db_errors import classify

        fault = classify(exc, db) if db else None
        if fault is None:
            raise
        return _fail(str(fault))


def _run_headless(project: Project, args: argparse.Namespace) -> int:
    from annotator.services import articles

    if args.command == "add":
        if any(Path(f).is_dir() for f in args.files):
            return _add_with_folders(project, args)
        report = articles.import_files(project, args.files, title=args.title,
                                       outlet=args.outlet)
        for item in report.imported:
            print(f"{item.article_id}\t{printable(item.title)}")
            if item.duplicate:  # stdout stays ID<TAB>TITLE; the note goes to stderr
                print(f"annotator: {printable(item.path)}: already in the project as article "
                      f"{item.article_id} (not imported again)", file=sys.stderr)
        for warning in report.warnings:
            print(f"annotator: warning: {printable(warning)}", file=sys.stderr)
        return EXIT_OK
    if args.command == "list":
        for summary in articles.list_articles(project):
            print(f"{summary.id}\t{printable(summary.title)}\t{summary.n_annotations}")
        return EXIT_OK
    if args.command == "export":
        return _export(project, args)
    for module in _command_modules():
        if module.NAME == args.command:
            return int(module.run(project, args))
    raise AssertionError(args.command)


def _add_with_folders(project: Project, args: argparse.Namespace) -> int:
    """``add`` with folders: their files are imported leniently (bad ones reported, exit 2)."""
    from annotator.services.folder_import import import_paths

    report = import_paths(project, args.files, title=args.title, outlet=args.outlet)
    for item in report.articles:
        print(f"{item.article_id}\t{printable(item.title)}")
        if item.duplicate:  # stdout stays ID<TAB>TITLE; the note goes to stderr
            print(f"annotator: {printable(item.path)}: already in the project as article "
                  f"{item.article_id} (not imported again)", file=sys.stderr)
    for warning in report.warnings:
        print(f"annotator: warning: {printable(warning)}", file=sys.stderr)
    for skipped in report.skipped:
        print(f"annotator: skipped: {printable(f'{skipped.path}: {skipped.message}')}",
              file=sys.stderr)
    for failed in report.failed:
        print(f"annotator: error: {printable(f'{failed.path}: {failed.message}')}",
              file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_BAD_INPUT


def _export(project: Project, args: argparse.Namespace) -> int:
    from annotator.services.export_csv import export_csv, export_csv_file

    if args.format != "csv":
        from annotator.services.interop import export_annotations

        if not args.output:
            raise UserInputError(f"--format {args.format} needs -o PATH"
                                 + (" (a folder)" if get_format(args.format).writes_folder
                                    else ""))
        export_annotations(project, args.format, args.output, article_id=args.article)
        return EXIT_OK

    if args.output:
        export_csv_file(project, Path(args.output), article_id=args.article)
        return EXIT_OK
    if output.is_terminal(sys.stdout):  # a person reads it: escaped like any text output
        export_csv(project, sys.stdout, article_id=args.article)
        return EXIT_OK
    sys.stdout.flush()
    out = open(sys.stdout.fileno(), "w", encoding="utf-8", newline="", closefd=False)
    with out:
        export_csv(project, out, article_id=args.article)
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
