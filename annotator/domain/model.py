"""Plain records the layers above pass around (no ORM objects leave storage)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

CONTEXT_CHARS = 32
"""Characters of prefix/suffix kept with each annotation so it can be re-anchored."""


def utc_now_iso() -> str:
    """Current UTC time as ISO 8601 with microseconds and a ``Z`` suffix.

    Stored as text so it sorts, exports and compares identically on every backend.
    """
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_annotation_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Label:
    key: str
    name: str
    color: str
    position: int
    description: str = ""
    example: str = ""
    retired: bool = False

    @property
    def shortcut(self) -> str | None:
        """Digit key for the first nine active labels (position is 1-based)."""
        return str(self.position) if not self.retired and 1 <= self.position <= 9 else None


@dataclass(frozen=True)
class ArticleSummary:
    id: int
    title: str
    outlet: str
    n_annotations: int
    published: str = ""
    n_anonymous: int = 0
    """Annotations resting on anonymous sources (the article list's "anonymous share")."""

    @property
    def anonymous_share(self) -> float | None:
        return self.n_anonymous / self.n_annotations if self.n_annotations else None


@dataclass(frozen=True)
class Article:
    id: int
    title: str
    outlet: str
    url: str
    published: str
    text: str
    sha256: str
    original_filename: str
    imported_at: str


class Annotation(NamedTuple):
    """One tagged span. Offsets are code points into the article text, end-exclusive.

    A NamedTuple rather than a dataclass: an article with 50k annotations is
    loaded on open, and tuple construction and comparison are several times
    cheaper. It is immutable; ``with_changes`` returns a new one.
    """

    id: str
    article_id: int
    annotator: str
    label: str  # label key
    start: int
    end: int
    text: str
    prefix: str
    suffix: str
    source_start: int | None = None
    source_end: int | None = None
    note: str = ""
    created_at: str = ""
    updated_at: str = ""
    facets: str = "{}"
    """Canonical JSON of :class:`annotator.domain.facets.Facets` (see ``facets_json``)."""
    version: int = 1
    """Incremented on every stored change; edits name the version they were based on."""
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    origin_id: str | None = None
    """For the reviewed layer: the annotation this one was accepted from."""

    def with_changes(self, **changes: Any) -> Annotation:
        return self._replace(**changes)

    @property
    def has_source(self) -> bool:
        return self.source_start is not None and self.source_end is not None

    @property
    def sort_key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.id)


EDITABLE_FIELDS = frozenset(
    {"label", "note", "source_start", "source_end", "start", "end", "facets"}
)

REVIEWED_LAYER = "reviewed"
"""Annotator name of the adjudicated layer (who reviewed is kept per annotation)."""


def check_span(text_length: int, start: int, end: int, *, what: str = "span") -> None:
    """Raise ValueError unless ``0 <= start < end <= text_length``."""
    if not (0 <= start < end <= text_length):
        raise ValueError(
            f"{what} {start}–{end} is outside the article (0–{text_length}) or empty"
        )


def make_annotation(
    *,
    article_id: int,
    article_text: str,
    annotator: str,
    label: str,
    start: int,
    end: int,
    note: str = "",
    source: tuple[int, int] | None = None,
    annotation_id: str | None = None,
    now: str | None = None,
) -> Annotation:
    """Build a new annotation whose text and context are cut from the article text."""
    check_span(len(article_text), start, end)
    if source is not None:
        check_span(len(article_text), *source, what="source span")
    stamp = now or utc_now_iso()
    return Annotation(
        id=annotation_id or new_annotation_id(),
        article_id=article_id,
        annotator=annotator,
        label=label,
        start=start,
        end=end,
        text=article_text[start:end],
        prefix=article_text[max(0, start - CONTEXT_CHARS):start],
        suffix=article_text[end:end + CONTEXT_CHARS],
        source_start=source[0] if source else None,
        source_end=source[1] if source else None,
        note=note,
        created_at=stamp,
        updated_at=stamp,
    )


def recut(annotation: Annotation, article_text: str) -> Annotation:
    """Refresh text and context after the span moved."""
    s, e = annotation.start, annotation.end
    check_span(len(article_text), s, e)
    return annotation._replace(
        text=article_text[s:e],
        prefix=article_text[max(0, s - CONTEXT_CHARS):s],
        suffix=article_text[e:e + CONTEXT_CHARS],
    )
