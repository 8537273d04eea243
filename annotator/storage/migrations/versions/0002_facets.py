"""Source facets on annotations; the two source types added by the attribution model.

Facets are stored as one validated JSON object per annotation (vocabulary words, see
annotator/domain/facets.py): queryable with json_extract / ->> on both SQLite and
PostgreSQL, and a new facet needs no schema change. Existing annotations get ``{}``
(nothing recorded). Labels "Declined comment" and "Other" are appended to an existing
taxonomy without changing any existing label, position or annotation.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NEW_LABELS = [
    ("declined_comment", "Declined comment", "#8c8c8c",
     "The source was asked and declined or did not respond.",
     "The White House declined to comment."),
    ("other", "Other", "#d4a6c8",
     "A source that fits no other type; say why in the note.", ""),
]


def upgrade() -> None:
    with op.batch_alter_table("annotation") as batch:
        batch.add_column(sa.Column("facets", sa.Text(), nullable=False, server_default="{}"))
    label = sa.table("label", sa.column("key", sa.String), sa.column("name", sa.String),
                     sa.column("color", sa.String), sa.column("position", sa.Integer),
                     sa.column("description", sa.String), sa.column("example", sa.String),
                     sa.column("retired", sa.Boolean))
    conn = op.get_bind()
    existing = {row[0] for row in conn.execute(sa.select(label.c.key))}
    if not existing:
        return  # a brand-new database: the application seeds the full default taxonomy
    top = conn.execute(sa.select(sa.func.max(label.c.position))).scalar() or 0
    rows = []
    for key, name, color, description, example in NEW_LABELS:
        if key not in existing:
            top += 1
            rows.append({"key": key, "name": name, "color": color, "position": top,
                         "description": description, "example": example, "retired": False})
    if rows:
        op.bulk_insert(label, rows)


def downgrade() -> None:
    with op.batch_alter_table("annotation") as batch:
        batch.drop_column("facets")
