"""Import articles and read them back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.display import single_line
from annotator.domain.errors import UserInputError
from annotator.domain.model import Annotation, Article, ArticleSummary, utc_now_iso
from annotator.domain.text_import import (
    MAX_ARTICLE_BYTES,
    SUPPORTED_SUFFIXES,
    ArticleInputError,
    decode_article_bytes,
    sha256_text,
    title_from_text,
)
from annotator.services.changes import Changes
from annotator.services.db_errors import retry_on_duplicate_article
from annotator.services.project import Project
from annotator.services.safe_read import read_regular_file
from annotator.storage import crud

MAX_DOCX_BYTES = 50 * 1024 * 1024
"""Same limit as annotator.domain.docx_text (not imported here: start-up cost)."""

MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")


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

    @property
    def changes(self) -> Changes:
        return Changes.articles_added(a.article_id for a in self.imported if not a.duplicate)


@dataclass(frozen=True)
class _Prepared:
    path: Path
    title: str
    text: str
    sha256: str
    warning: str | None
    outlet: str = ""
    url: str = ""
    published: str = ""


@dataclass(frozen=True)
class _Converted:
    text: str
    warning: str | None = None
    title: str = ""
    outlet: str = ""
    url: str = ""
    published: str = ""


def _convert(suffix: str, data: bytes) -> _Converted:
    """Article text (and what the file says about itself) from a file's bytes."""
    if suffix == ".docx":
        from annotator.domain.docx_text import docx_to_text

        doc = docx_to_text(data)
        return _Converted(doc.text, "; ".join(doc.warnings) or None, doc.title[:300],
                          published=doc.created[:64])
    if suffix in HTML_SUFFIXES:
        from annotator.domain.html_text import html_article_from_bytes

        page = html_article_from_bytes(data)
        url = page.url if page.url.lower().startswith(("http://", "https://")) else ""
        return _Converted(page.text, "; ".join(page.warnings) or None, page.title[:300],
                          page.site[:200], url[:2000], page.published[:64])
    decoded = decode_article_bytes(data)
    if suffix in MARKDOWN_SUFFIXES:
        from annotator.domain.markdown_text import markdown_to_text

        md = markdown_to_text(decoded.text)
        if not md.text.strip():
            raise ArticleInputError("file has no text once the Markdown markup is removed")
        return _Converted(md.text, decoded.warning, md.title[:300])
    return _Converted(decoded.text, decoded.warning)


def _prepare(path: Path, title: str | None) -> _Prepared:
    if path.is_dir():
        raise UserInputError(f"{path}: is a folder, not an article file")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UserInputError(
            f"{path}: unsupported file type {path.suffix or '(none)'!r}; "
            f"use {', '.join(SUPPORTED_SUFFIXES)}"
        )
    suffix = path.suffix.lower()
    limit = MAX_DOCX_BYTES if suffix == ".docx" else MAX_ARTICLE_BYTES
    try:
        data = read_regular_file(path, limit, limit_hint=" per article")
    except UserInputError as exc:
        raise ArticleInputError(str(exc)) from None
    try:
        converted = _convert(suffix, data)
    except ArticleInputError as exc:
        raise ArticleInputError(f"{path}: {exc}") from None
    text = converted.text
    return _Prepared(
        path=path,
        title=single_line(title or "") or single_line(converted.title)
        or single_line(title_from_text(text, path.stem)) or single_line(path.stem) or "Untitled",
        text=text,
        sha256=sha256_text(text),
        warning=converted.warning,
        outlet=converted.outlet,
        url=converted.url,
        published=converted.published,
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
    stamp = utc_now_iso()

    def write() -> ImportReport:
        report = ImportReport()
        with project.transaction() as session:
            for item in prepared:
                existing = crud.find_article_by_hash(session=session, sha256=item.sha256)
                if existing is not None:
                    article = crud.get_article(session=session, article_id=existing)
                    assert article is not None
                    report.imported.append(ImportedArticle(
                        existing, article.title, str(item.path), duplicate=True,
                        warning=item.warning))
                    continue
                article_id = crud.add_article(
                    session=session, title=item.title, text=item.text, sha256=item.sha256,
                    imported_at=stamp, outlet=outlet or item.outlet, url=item.url,
                    published=item.published, original_filename=item.path.name,
                )
                report.imported.append(
                    ImportedArticle(article_id, item.title, str(item.path),
                                    warning=item.warning)
                )
        return report

    # One text, one article (a unique index): a concurrent import of the same text
    # makes our insert fail; the retry finds that copy ("already in the project").
    return retry_on_duplicate_article(write)


def list_articles(project: Project) -> list[ArticleSummary]:
    """Articles with annotation counts and how many rest on anonymous sources (the
    profile's definition, ``services.profile.ANONYMOUS_LABELS``)."""
    from annotator.services.profile import ANONYMOUS_LABELS

    with project.reading() as session:
        return crud.list_articles(session=session, anonymous_labels=ANONYMOUS_LABELS)


def get_article(project: Project, article_id: int) -> Article:
    with project.reading() as session:
        article = crud.get_article(session=session, article_id=article_id)
    if article is None:
        raise UserInputError(f"article {article_id} does not exist")
    return article


def load_annotations(project: Project, article_id: int) -> list[Annotation]:
    with project.reading() as session:
        return crud.list_annotations(session=session, article_id=article_id)
