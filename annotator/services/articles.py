"""Import articles and read them back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.errors import UserInputError
from annotator.domain.model import Annotation, Article, ArticleSummary, utc_now_iso
from annotator.domain.text_import import (
    ArticleInputError,
    decode_article_bytes,
    sha256_text,
    title_from_text,
)
from annotator.services.project import Project
from annotator.storage import crud

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".text")


@dataclass(frozen=True)
class ImportedArticle:
    article_id: int
    title: str
    path: str
    duplicate: bool = False
    warning: str | None = None


@dataclass
class ImportReport:
    imported: list[ImportedArticle] = field(default_factory=list)

    @property
    def article_ids(self) -> list[int]:
        return [a.article_id for a in self.imported]

    @property
    def warnings(self) -> list[str]:
        return [f"{a.path}: {a.warning}" for a in self.imported if a.warning]


@dataclass(frozen=True)
class _Prepared:
    path: Path
    title: str
    text: str
    sha256: str
    warning: str | None


def _prepare(path: Path, title: str | None) -> _Prepared:
    if path.is_dir():
        raise UserInputError(f"{path}: is a folder, not an article file")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UserInputError(
            f"{path}: unsupported file type {path.suffix or '(none)'!r}; "
            f"use {', '.join(SUPPORTED_SUFFIXES)}"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserInputError(f"{path}: cannot read file ({exc.strerror})") from None
    try:
        decoded = decode_article_bytes(data)
    except ArticleInputError as exc:
        raise ArticleInputError(f"{path}: {exc}") from None
    text = decoded.text
    return _Prepared(
        path=path,
        title=title or title_from_text(text, path.stem),
        text=text,
        sha256=sha256_text(text),
        warning=decoded.warning,
    )


def import_files(
    project: Project,
    paths: Sequence[str | Path],
    *,
    title: str | None = None,
    outlet: str = "",
) -> ImportReport:
    """Import every file or none: all files are read and validated before any write.

    A file whose text is already in the project is not imported again; the report
    points at the existing article instead.
    """
    prepared = [_prepare(Path(p), title) for p in paths]
    report = ImportReport()
    stamp = utc_now_iso()
    with project.transaction() as session:
        for item in prepared:
            existing = crud.find_article_by_hash(session=session, sha256=item.sha256)
            if existing is not None:
                article = crud.get_article(session=session, article_id=existing)
                assert article is not None
                report.imported.append(ImportedArticle(existing, article.title, str(item.path),
                                                       duplicate=True, warning=item.warning))
                continue
            article_id = crud.add_article(
                session=session, title=item.title, text=item.text, sha256=item.sha256,
                imported_at=stamp, outlet=outlet, original_filename=item.path.name,
            )
            report.imported.append(
                ImportedArticle(article_id, item.title, str(item.path), warning=item.warning)
            )
    return report


def list_articles(project: Project) -> list[ArticleSummary]:
    with project.reading() as session:
        return crud.list_articles(session=session)


def get_article(project: Project, article_id: int) -> Article:
    with project.reading() as session:
        article = crud.get_article(session=session, article_id=article_id)
    if article is None:
        raise UserInputError(f"article {article_id} does not exist")
    return article


def load_annotations(project: Project, article_id: int) -> list[Annotation]:
    with project.reading() as session:
        return crud.list_annotations(session=session, article_id=article_id)
