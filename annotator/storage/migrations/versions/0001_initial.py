"""Initial schema: articles, labels, annotations.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("outlet", sa.String(), nullable=False, server_default=""),
        sa.Column("url", sa.String(), nullable=False, server_default=""),
        sa.Column("published", sa.String(), nullable=False, server_default=""),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("original_filename", sa.String(), nullable=False, server_default=""),
        sa.Column("imported_at", sa.String(), nullable=False),
    )
    op.create_index("ix_article_sha256", "article", ["sha256"])
    op.create_table(
        "label",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(), nullable=False, server_default=""),
        sa.Column("example", sa.String(), nullable=False, server_default=""),
        sa.Column("retired", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("key", name="uq_label_key"),
    )
    op.create_table(
        "annotation",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("article_id", sa.Integer(),
                  sa.ForeignKey("article.id", ondelete="CASCADE"), nullable=False),
        sa.Column("annotator", sa.String(), nullable=False),
        sa.Column("label", sa.String(length=64), sa.ForeignKey("label.key"), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("prefix", sa.String(), nullable=False, server_default=""),
        sa.Column("suffix", sa.String(), nullable=False, server_default=""),
        sa.Column("source_start", sa.Integer(), nullable=True),
        sa.Column("source_end", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=False),
    )
    op.create_index("ix_annotation_article_start", "annotation", ["article_id", "start"])


def downgrade() -> None:
    op.drop_index("ix_annotation_article_start", table_name="annotation")
    op.drop_table("annotation")
    op.drop_table("label")
    op.drop_index("ix_article_sha256", table_name="article")
    op.drop_table("article")
