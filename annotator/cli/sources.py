"""``annotator sources [--format text|csv|jsonl]`` lists the source registry;
``annotator sources --show ID`` lists one entry's claims (keyword in context).

List records: ``source_id, name, kind, aliases, claims, articles, outlets, first_seen,
last_seen, note`` (CSV joins aliases and outlets with ``;``). Claim records:
``annotation_id, article_id, start, end, text, left, right, mention, label, annotator,
title, outlet, published, manual``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the storage stack loads when a command runs, not for the window
    from annotator.services.project import Project


NAME = "sources"

NOTICE_FROM = 2000
"""Queued mentions from which linking them says so on stderr (with progress lines)."""

CLAIM_COLUMNS = ("annotation_id", "article_id", "start", "end", "text", "left", "right",
                 "mention", "label", "annotator", "title", "outlet", "published", "manual")


def register(sub: Any) -> None:
    p = sub.add_parser(NAME, help="the registry of sources across articles")
    p.add_argument("--show", metavar="ID", help="list this source's claims")
    p.add_argument("--kind", choices=["named", "unnamed", "organisation", "document", "media",
                                      "other"], help="only entries of this kind")
    p.add_argument("--format", choices=["text", "csv", "jsonl"], default="text")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _link_queued(project: Project) -> bool:
    """Link what is queued, telling stderr how far it got when that is a lot (the first
    read after upgrading a large file). Ctrl+C stops it: batches done stay linked.
    False if interrupted."""
    from annotator.services import sources

    total = sources.pending_count(project)
    if total < NOTICE_FROM or project.read_only:
        return True
    sys.stderr.write(f"annotator: linking {total:,} queued source mention(s) to the "
                     f"registry (once; Ctrl+C stops, keeping what is linked)\n")
    shown = [0]

    def progress(done: int, of: int) -> None:
        step = max(1, of // 10)
        if done >= of or done // step > shown[0] // step:
            sys.stderr.write(f"annotator: linked {done:,} of {of:,} "
                             f"({100 * done // max(1, of)}%)\n")
        shown[0] = done

    try:
        sources.resolve_pending(project, progress=progress)
    except KeyboardInterrupt:
        left = sources.pending_count(project)
        sys.stderr.write(f"annotator: stopped: {total - left:,} linked and kept, {left:,} "
                         f"still queued (linked the next time the registry is read)\n")
        return False
    return True


def run(project: Project, args: argparse.Namespace) -> int:
    from annotator.domain.csv_safety import neutralise
    from annotator.services import sources

    if not _link_queued(project):
        return 130
    if args.show:
        detail = sources.show_source(project, args.show)
        records = [{
            "annotation_id": c.annotation_id, "article_id": c.article_id, "start": c.start,
            "end": c.end, "text": c.text, "left": c.left, "right": c.right,
            "mention": c.mention, "label": c.label, "annotator": c.annotator,
            "title": c.title, "outlet": c.outlet, "published": c.published,
            "manual": c.manual} for c in detail.claims]
        if args.format == "text":
            s = detail.summary
            sys.stdout.write(f"{s.source_id}\t{s.name}\t{s.kind_name}\t{s.claims} claims\t"
                             f"{s.articles} articles\t{', '.join(s.outlets)}\n")
            bands = ", ".join(f"{k} {v}" for k, v in sorted(detail.bands.items()))
            sys.stdout.write(f"strength: {bands or '—'}\n")
            if detail.possibly_same:  # rule 7 kept them apart: the analyst decides
                sys.stdout.write("possibly the same source: " + "; ".join(
                    f"{i} {n} ({c} claims)" for i, n, c in detail.possibly_same) + "\n")
            for r in records:
                sys.stdout.write(f"{r['article_id']}:{r['start']}-{r['end']}\t"
                                 f"{_flat(str(r['left']))[-40:]:>40} [{_flat(str(r['text']))}]"
                                 f" {_flat(str(r['right']))[:40]}\n")
            return 0
        _write(records, CLAIM_COLUMNS, args.format, neutralise)
        return 0
    summaries = sources.list_sources(project, kind=args.kind)
    if args.format == "text":
        for s in summaries:
            sys.stdout.write(f"{s.source_id}\t{s.name}\t{s.kind_name}\t{s.claims}\t"
                             f"{s.articles}\t{', '.join(s.outlets)}\n")
        return 0
    _write([s.record() for s in summaries], sources.SOURCE_COLUMNS, args.format, neutralise)
    return 0


def _write(records: list[dict[str, Any]], columns: tuple[str, ...], fmt: str,
           neutralise: Any) -> None:
    if fmt == "jsonl":
        for r in records:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
        return
    writer = csv.writer(sys.stdout)
    writer.writerow(columns)
    for r in records:
        cells = []
        for c in columns:
            v = r[c]
            if isinstance(v, list):
                v = ";".join(map(str, v))
            cells.append(neutralise(v) if isinstance(v, str) else v)
        writer.writerow(cells)
