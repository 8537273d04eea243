"""Source registry: entries, aliases, annotation → source links, pending queue, and the
per-article / per-outlet spread tables the Sources pane reads.

Every annotation with a source mention is queued in ``source_pending`` (by triggers
from now on, and here for existing annotations); the services link queued
annotations to entries by the rules in ``resources/source_rules.json``
(``annotator/storage/source_schema.py`` explains the triggers).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from annotator.storage import source_schema

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source",
        sa.Column("id", sa.String(length=24), primary_key=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("outlet", sa.String(), nullable=False, server_default=""),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("claims", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("articles", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=False),
    )
    op.create_index("ix_source_claims", "source", ["claims"])
    op.create_table(
        "source_alias",
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("source_id", sa.String(length=24),
                  sa.ForeignKey("source.id", ondelete="CASCADE"), nullable=False),
    )
    op.create_index("ix_source_alias_source", "source_alias", ["source_id"])
    op.create_table(
        "annotation_source",
        sa.Column("annotation_id", sa.String(length=36),
                  sa.ForeignKey("annotation.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("source_id", sa.String(length=24), sa.ForeignKey("source.id"),
                  nullable=False),
        sa.Column("manual", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("article_id", sa.Integer(),
                  sa.ForeignKey("article.id", ondelete="CASCADE"), nullable=False),
    )
    op.create_index("ix_annotation_source_source", "annotation_source", ["source_id"])
    op.create_table(
        "source_article",
        sa.Column("source_id", sa.String(length=24), primary_key=True),
        sa.Column("article_id", sa.Integer(), primary_key=True),
        sa.Column("outlet", sa.String(), nullable=False, server_default=""),
        sa.Column("published", sa.String(), nullable=False, server_default=""),
        sa.Column("claims", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_source_article_published", "source_article", ["source_id", "published"])
    op.create_index("ix_source_article_article", "source_article", ["article_id"])
    op.create_table(
        "source_outlet",
        sa.Column("source_id", sa.String(length=24), primary_key=True),
        sa.Column("outlet", sa.String(), primary_key=True),
        sa.Column("claims", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_table(
        "source_pending",
        sa.Column("annotation_id", sa.String(length=36),
                  sa.ForeignKey("annotation.id", ondelete="CASCADE"), primary_key=True),
    )
    source_schema.install(op.get_bind())
    op.execute("INSERT INTO source_pending (annotation_id) SELECT id FROM annotation "
               "WHERE source_start IS NOT NULL AND source_end IS NOT NULL")


def downgrade() -> None:
    source_schema.drop(op.get_bind())
    op.drop_table("source_pending")
    op.drop_table("source_outlet")
    op.drop_index("ix_source_article_article", table_name="source_article")
    op.drop_index("ix_source_article_published", table_name="source_article")
    op.drop_table("source_article")
    op.drop_index("ix_annotation_source_source", table_name="annotation_source")
    op.drop_table("annotation_source")
    op.drop_index("ix_source_alias_source", table_name="source_alias")
    op.drop_table("source_alias")
    op.drop_index("ix_source_claims", table_name="source")
    op.drop_table("source")
