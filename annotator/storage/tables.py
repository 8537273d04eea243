"""SQLModel table models. Times are ISO 8601 UTC strings (portable, sortable)."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class ArticleRow(SQLModel, table=True):
    __tablename__ = "article"

    id: int | None = Field(default=None, primary_key=True)
    title: str
    outlet: str = ""
    url: str = ""
    published: str = ""
    text: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(index=True, max_length=64)
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
    __table_args__ = (Index("ix_annotation_article_start", "article_id", "start"),)

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
