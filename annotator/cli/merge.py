"""``annotator merge FILE [--as NAME] [--dry-run]``: merge a colleague's tags.

FILE is another annotator project file (``.sqlite``, left untouched) or a CSV exported
by annotator. Prints the merge summary. Exit status 0 when the merge went through —
also when conflicts or unmatched articles were reported (they are listed in the
summary; nothing was overwritten, and the rest was merged); 2 for bad input (the
project is then unchanged).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the storage stack loads when a command runs, not for the window
    from annotator.services.project import Project


NAME = "merge"


def register(sub: Any) -> None:
    merge = sub.add_parser(NAME, help="merge a colleague's project file (.sqlite) or CSV "
                                      "export into this project")
    merge.add_argument("file", metavar="FILE", help="annotator project file or CSV export")
    merge.add_argument("--as", dest="actor", metavar="NAME",
                       help="your name for the audit trail (default: your login name)")
    merge.add_argument("--dry-run", action="store_true",
                       help="check the file and show what would be merged; write nothing")


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (e.g. in some containers)
        return "unknown"


def run(project: Project, args: argparse.Namespace) -> int:
    from annotator.services.merge import merge_file

    report = merge_file(project, args.file, actor=args.actor or _default_actor(),
                        dry_run=args.dry_run)
    sys.stdout.write(report.summary())
    return 0
