"""SQLModel table models. Times are ISO 8601 UTC strings (portable, sortable)."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class ArticleRow(SQLModel, table=True):
    __tablename__ = "article"
    __table_args__ = (Index("ux_article_sha256", "sha256", unique=True),)  # one text, one article

    id: int | None = Field(default=None, primary_key=True)
    title: str
    outlet: str = ""
    url: str = ""
    published: str = ""
    text: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(max_length=64)
    original_filename: str = ""
    imported_at: str


class LabelRow(SQLModel, table=True):
    __tablename__ = "label"
    __table_args__ = (UniqueConstraint("key", name="uq_label_key"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64)
    name: str
    color: str = Field(max_length=7)
    position: int
    description: str = ""
    example: str = ""
    retired: bool = False


class AnnotationRow(SQLModel, table=True):
    __tablename__ = "annotation"
    __table_args__ = (
        Index("ix_annotation_article_start", "article_id", "start"),
        Index("ix_annotation_annotator", "annotator"),
    )

    id: str = Field(primary_key=True, max_length=36)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    annotator: str
    label: str = Field(foreign_key="label.key", max_length=64)
    start: int = Field(sa_column=Column("start", Integer, nullable=False))
    end: int = Field(sa_column=Column("end", Integer, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    prefix: str = ""
    suffix: str = ""
    source_start: int | None = None
    source_end: int | None = None
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: str
    updated_at: str
    facets: str = Field(default="{}", sa_column=Column(Text, nullable=False,
                                                       server_default="{}"))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False,
                                                     server_default="1"))
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    origin_id: str | None = Field(default=None, max_length=36)


class AnnotationEventRow(SQLModel, table=True):
    """Audit trail: one row per change of an annotation (kept after deletion)."""

    __tablename__ = "annotation_event"
    __table_args__ = (
        Index("ix_annotation_event_annotation", "annotation_id", "id"),
        # A refresh asks "what changed in this article since event N?" (crud.
        # list_article_events_after): cost proportional to the changes.
        Index("ix_annotation_event_article", "article_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    annotation_id: str = Field(max_length=36)
    article_id: int
    at: str
    actor: str
    action: str = Field(max_length=32)
    detail: str = Field(default="{}", sa_column=Column(Text, nullable=False,
                                                       server_default="{}"))


class ReviewCommentRow(SQLModel, table=True):
    """A comment (or a resolve/unresolve event) in an annotation's review thread."""

    __tablename__ = "review_comment"
    __table_args__ = (Index("ix_review_comment_annotation", "annotation_id", "created_at"),)

    id: str = Field(primary_key=True, max_length=36)
    annotation_id: str = Field(max_length=36)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    author: str
    kind: str = Field(default="comment", max_length=16)
    body: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: str


class AnnotationAttributionRow(SQLModel, table=True):
    """What an attribution carries beyond its claim span and source mention.

    Kept beside ``annotation`` (one row per annotation that has any of it) so the
    annotation row, its CSV columns and every reader of it stay unchanged:
    the cue span, the claim's fragments when it is discontinuous (a quotation split
    by "he said": JSON ``[[start, end], ...]``, their hull is the annotation's span)
    and its provenance (``"suggested"`` when accepted from a suggestion, ``"imported"``
    from an attribution corpus, ``""`` when drawn by hand).
    """

    __tablename__ = "annotation_attribution"

    annotation_id: str = Field(primary_key=True, max_length=36,
                               foreign_key="annotation.id", ondelete="CASCADE")
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", index=True)
    cue_start: int | None = None
    cue_end: int | None = None
    fragments: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                        server_default=""))
    provenance: str = Field(default="", max_length=32)


class SuggestionRejectionRow(SQLModel, table=True):
    """A suggestion the analyst rejected, so re-running does not propose it again.

    Identified by claim span and source span (``-1`` when it had no source), which
    is what :meth:`AttributionSuggestion.key` returns.
    """

    __tablename__ = "suggestion_rejection"
    __table_args__ = (UniqueConstraint("article_id", "start", "end", "source_start",
                                       "source_end", name="uq_suggestion_rejection"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    start: int = Field(sa_column=Column("start", Integer, nullable=False))
    end: int = Field(sa_column=Column("end", Integer, nullable=False))
    source_start: int = -1
    source_end: int = -1
    rejected_by: str = ""
    rejected_at: str = ""


class SourceRow(SQLModel, table=True):
    """A source entry of the registry (who or what claims rest on, across articles)."""

    __tablename__ = "source"
    __table_args__ = (Index("ix_source_claims", "claims"),)

    id: str = Field(primary_key=True, max_length=24)
    kind: str = Field(max_length=16)
    name: str
    outlet: str = ""
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    claims: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    """Kept by triggers on ``annotation_source`` (the Sources pane sorts on it)."""
    articles: int = Field(default=0, sa_column=Column(Integer, nullable=False,
                                                      server_default="0"))
    created_at: str
    updated_at: str


class SourceAliasRow(SQLModel, table=True):
    """A match key that leads to a source (its own key, renames, merged entries' keys)."""

    __tablename__ = "source_alias"
    __table_args__ = (Index("ix_source_alias_source", "source_id"),
                      Index("ix_source_alias_surname", "surname"))

    key: str = Field(primary_key=True)
    source_id: str = Field(foreign_key="source.id", ondelete="CASCADE", max_length=24)
    surname: str | None = None
    """Last word of a full-name named key (surname-only mentions look it up)."""


class SourceStateRow(SQLModel, table=True):
    """Registry bookkeeping: the fingerprint of the rules the aliases were keyed with."""

    __tablename__ = "source_state"

    name: str = Field(primary_key=True)
    value: str = ""


class AnnotationSourceRow(SQLModel, table=True):
    """Which source an annotation's source mention links to (``manual``: the analyst's)."""

    __tablename__ = "annotation_source"
    __table_args__ = (Index("ix_annotation_source_source", "source_id"),)

    annotation_id: str = Field(primary_key=True, foreign_key="annotation.id",
                               ondelete="CASCADE", max_length=36)
    source_id: str = Field(foreign_key="source.id", max_length=24)
    manual: bool = False
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    """The annotation's article (so a cascaded delete still knows it)."""


class SourceArticleRow(SQLModel, table=True):
    """Claims of a source per article (kept by triggers; outlet and date copied)."""

    __tablename__ = "source_article"
    __table_args__ = (Index("ix_source_article_published", "source_id", "published"),
                      Index("ix_source_article_article", "article_id"))

    source_id: str = Field(primary_key=True, max_length=24)
    article_id: int = Field(primary_key=True)
    outlet: str = ""
    published: str = ""
    claims: int = 0


class SourceOutletRow(SQLModel, table=True):
    """Claims of a source per outlet (kept by triggers)."""

    __tablename__ = "source_outlet"

    source_id: str = Field(primary_key=True, max_length=24)
    outlet: str = Field(primary_key=True)
    claims: int = 0


class SourcePendingRow(SQLModel, table=True):
    """Annotations whose mention changed and still need (re)linking (filled by triggers)."""

    __tablename__ = "source_pending"

    annotation_id: str = Field(primary_key=True, foreign_key="annotation.id",
                               ondelete="CASCADE", max_length=36)
