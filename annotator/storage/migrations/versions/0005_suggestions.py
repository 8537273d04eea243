"""Attribution details and rejected suggestions.

- ``annotation_attribution``: cue span, discontinuous-claim fragments and provenance
  ("suggested", "imported") of an annotation, one optional row per annotation.
- ``suggestion_rejection``: suggestions an analyst rejected, never proposed again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "annotation_attribution",
        sa.Column("annotation_id", sa.String(length=36),
                  sa.ForeignKey("annotation.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("article.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("cue_start", sa.Integer(), nullable=True),
        sa.Column("cue_end", sa.Integer(), nullable=True),
        sa.Column("fragments", sa.Text(), nullable=False, server_default=""),
        sa.Column("provenance", sa.String(length=32), nullable=False, server_default=""),
    )
    op.create_index("ix_annotation_attribution_article_id", "annotation_attribution",
                    ["article_id"])
    op.create_table(
        "suggestion_rejection",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("article.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("source_start", sa.Integer(), nullable=False, server_default="-1"),
        sa.Column("source_end", sa.Integer(), nullable=False, server_default="-1"),
        sa.Column("rejected_by", sa.String(), nullable=False, server_default=""),
        sa.Column("rejected_at", sa.String(), nullable=False, server_default=""),
        sa.UniqueConstraint("article_id", "start", "end", "source_start", "source_end",
                            name="uq_suggestion_rejection"),
    )


def downgrade() -> None:
    op.drop_table("suggestion_rejection")
    op.drop_index("ix_annotation_attribution_article_id", "annotation_attribution")
    op.drop_table("annotation_attribution")
