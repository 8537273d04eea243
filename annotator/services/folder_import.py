"""Import every article file under a folder (recursively).

Policy — *validate everything, then write the good files in one transaction*:

1. the folder is walked (sorted, so the order is stable; symbolic links are not
   followed; hidden files and folders — names starting with ``.`` — are skipped);
2. every supported file (see :data:`~annotator.services.articles.SUPPORTED_SUFFIXES`)
   is read and converted; a file that cannot be an article is *reported and
   skipped*, with the same message a single-file import would give;
3. the good files are written in one transaction: all of them or, if the database
   fails or the user cancels, none. A text already in the project (or met earlier
   in the same folder) is not imported twice; the report names the existing article.

Files named explicitly (not found by walking a folder) keep the single-file rule:
one bad explicit file refuses the whole import. The CLI exits with status 2 when
any file failed, after importing the rest.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.errors import UserInputError
from annotator.domain.model import utc_now_iso
from annotator.services.articles import (
    SUPPORTED_SUFFIXES,
    ImportedArticle,
    _prepare,
    _Prepared,
)
from annotator.services.changes import Changes
from annotator.services.db_errors import retry_on_duplicate_article
from annotator.services.interop import CancelledFn, OperationCancelled, ProgressFn
from annotator.services.project import Project
from annotator.storage import crud

MAX_FOLDER_FILES = 20_000
"""More supported files than this under one folder: refused (import it in parts)."""
MAX_FOLDER_BYTES = 1024 * 1024 * 1024
"""Total size of the supported files under one folder (1 GiB): refused above."""

@dataclass(frozen=True)
class FileProblem:
    path: str
    message: str


@dataclass
class FolderImportReport:
    articles: list[ImportedArticle] = field(default_factory=list)
    """Imported files in order; ``duplicate`` ones point at the existing article."""
    failed: list[FileProblem] = field(default_factory=list)
    """Supported files that could not be imported (message says why); nothing else."""
    skipped: list[FileProblem] = field(default_factory=list)
    """Files not tried: unsupported type, hidden, symbolic link."""

    @property
    def imported(self) -> list[ImportedArticle]:
        return [a for a in self.articles if not a.duplicate]

    @property
    def duplicates(self) -> list[ImportedArticle]:
        return [a for a in self.articles if a.duplicate]

    @property
    def article_ids(self) -> list[int]:
        return [a.article_id for a in self.articles]

    @property
    def warnings(self) -> list[str]:
        return [f"{a.path}: {a.warning}" for a in self.articles if a.warning]

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def changes(self) -> Changes:
        return Changes.articles_added(a.article_id for a in self.imported)


def _walk(root: Path, report: FolderImportReport) -> list[Path]:
    found: list[Path] = []

    def onerror(exc: OSError) -> None:
        report.failed.append(FileProblem(str(exc.filename or root),
                                         f"cannot read folder ({exc.strerror})"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=False):
        here = Path(dirpath)
        kept = []
        for d in sorted(dirnames):
            if d.startswith("."):
                report.skipped.append(FileProblem(str(here / d), "hidden folder"))
            elif (here / d).is_symlink():
                report.skipped.append(FileProblem(str(here / d),
                                                  "symbolic link to a folder, not followed"))
            else:
                kept.append(d)
        dirnames[:] = kept
        for name in sorted(filenames):
            path = here / name
            if name.startswith("."):
                report.skipped.append(FileProblem(str(path), "hidden file"))
            elif path.is_symlink():
                report.skipped.append(FileProblem(str(path), "symbolic link, not followed"))
            elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
                report.skipped.append(FileProblem(
                    str(path), f"unsupported file type {path.suffix or '(none)'!r}"))
            else:
                found.append(path)
                if len(found) > MAX_FOLDER_FILES:
                    raise UserInputError(
                        f"{root}: more than {MAX_FOLDER_FILES} article files; import the "
                        f"folder in parts"
                    )
    return found


def import_paths(
    project: Project,
    paths: Sequence[str | Path],
    *,
    title: str | None = None,
    outlet: str = "",
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> FolderImportReport:
    """Import files and folders: explicit files all-or-nothing, folder contents leniently.

    ``title`` applies to explicitly named files only (a folder's files keep their own).
    Raises :class:`OperationCancelled` (nothing written) when ``cancelled()`` turns true.
    """
    report = FolderImportReport()
    explicit: list[Path] = []
    walked: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            walked.extend(_walk(path, report))
        else:
            explicit.append(path)
    prepared: list[_Prepared] = [_prepare(p, title) for p in explicit]  # raises: all-or-nothing
    total_bytes = 0
    for path in walked:
        try:
            total_bytes += path.stat().st_size
        except OSError:
            pass
    if total_bytes > MAX_FOLDER_BYTES:
        raise UserInputError(
            f"the folder holds {total_bytes / 1e9:.1f} GB of article files (limit "
            f"{MAX_FOLDER_BYTES / 1e9:.1f} GB per import); import it in parts"
        )
    total = len(walked) + 1
    for n, path in enumerate(walked):
        if cancelled is not None and cancelled():
            raise OperationCancelled("import cancelled; nothing was imported")
        if progress is not None:
            progress(n, total)
        try:
            prepared.append(_prepare(path, None))
        except UserInputError as exc:
            report.failed.append(FileProblem(str(path), str(exc).removeprefix(f"{path}: ")))
    if cancelled is not None and cancelled():
        raise OperationCancelled("import cancelled; nothing was imported")

    stamp = utc_now_iso()
    found = len(report.articles)

    def write() -> None:
        del report.articles[found:]  # a retried attempt starts over
        _write_prepared(project, prepared, report, stamp=stamp, outlet=outlet,
                        cancelled=cancelled)

    # One text, one article (a unique index): a concurrent import of the same text
    # makes our insert fail; the retry finds that copy ("already in the project").
    retry_on_duplicate_article(write)
    if progress is not None:
        progress(total, total)
    return report


def _write_prepared(project: Project, prepared: Sequence[_Prepared], report: FolderImportReport,
                    *, stamp: str, outlet: str, cancelled: CancelledFn | None) -> None:
    """Write the good files in one transaction (all or none)."""
    seen: dict[str, ImportedArticle] = {}
    with project.transaction() as session:
        for item in prepared:
            earlier = seen.get(item.sha256)
            if earlier is not None:
                report.articles.append(ImportedArticle(
                    earlier.article_id, earlier.title, str(item.path), duplicate=True,
                    warning=item.warning))
                continue
            existing = crud.find_article_by_hash(session=session, sha256=item.sha256)
            if existing is not None:
                article = crud.get_article(session=session, article_id=existing)
                assert article is not None
                entry = ImportedArticle(existing, article.title, str(item.path),
                                        duplicate=True, warning=item.warning)
            else:
                article_id = crud.add_article(
                    session=session, title=item.title, text=item.text, sha256=item.sha256,
                    imported_at=stamp, outlet=outlet or item.outlet, url=item.url,
                    published=item.published, original_filename=item.path.name,
                )
                entry = ImportedArticle(article_id, item.title, str(item.path),
                                        warning=item.warning)
            seen[item.sha256] = entry
            report.articles.append(entry)
        if cancelled is not None and cancelled():
            raise OperationCancelled("import cancelled; nothing was imported")


def import_folder(
    project: Project,
    path: str | Path,
    *,
    outlet: str = "",
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> FolderImportReport:
    """Import the supported files under ``path`` (recursively); see the module docstring."""
    folder = Path(path)
    if not folder.is_dir():
        raise UserInputError(f"{folder}: not a folder")
    return import_paths(project, [folder], outlet=outlet, progress=progress,
                        cancelled=cancelled)
