"""Team review: optimistic-concurrency versions, review provenance, audit trail, comments.

- ``annotation.version`` increments on every write; an update or delete names the
  version it was based on, so a colleague's concurrent edit is detected, not overwritten.
- ``reviewed_by``/``reviewed_at``/``origin_id`` record adjudication into the reviewed layer.
- ``annotation_event`` is the audit trail (no foreign key: history outlives deletion).
- ``review_comment`` holds comment threads, with resolve/unresolve as events in the thread.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("annotation") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("reviewed_by", sa.String(), nullable=True))
        batch.add_column(sa.Column("reviewed_at", sa.String(), nullable=True))
        batch.add_column(sa.Column("origin_id", sa.String(length=36), nullable=True))
    op.create_index("ix_annotation_annotator", "annotation", ["annotator"])
    op.create_table(
        "annotation_event",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("annotation_id", sa.String(length=36), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False, server_default="{}"),
    )
    op.create_index("ix_annotation_event_annotation", "annotation_event", ["annotation_id", "id"])
    op.create_table(
        "review_comment",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("annotation_id", sa.String(length=36), nullable=False),
        sa.Column("article_id", sa.Integer(),
                  sa.ForeignKey("article.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False, server_default="comment"),
        sa.Column("body", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.String(), nullable=False),
    )
    op.create_index("ix_review_comment_annotation", "review_comment",
                    ["annotation_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_review_comment_annotation", table_name="review_comment")
    op.drop_table("review_comment")
    op.drop_index("ix_annotation_event_annotation", table_name="annotation_event")
    op.drop_table("annotation_event")
    op.drop_index("ix_annotation_annotator", table_name="annotation")
    with op.batch_alter_table("annotation") as batch:
        batch.drop_column("origin_id")
        batch.drop_column("reviewed_at")
        batch.drop_column("reviewed_by")
        batch.drop_column("version")
