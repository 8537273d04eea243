"""Full-text search: SQLite FTS5 external-content indexes, PostgreSQL tsvector + GIN.

Builds the indexes for the articles and annotations already in the file (the DDL and
its triggers live in ``annotator/storage/search_schema.py``, which explains them).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from alembic import op

from annotator.storage import search_schema

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    search_schema.install(op.get_bind())


def downgrade() -> None:
    search_schema.drop(op.get_bind())
