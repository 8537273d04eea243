"""Index the audit trail by article, so a refresh reads only what changed.

``crud.list_article_events_after`` asks for one article's events after an id (the
change log since the last refresh); with ``(article_id, id)`` that costs the number
of new events, not the size of the trail.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_annotation_event_article", "annotation_event", ["article_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_annotation_event_article", table_name="annotation_event")
