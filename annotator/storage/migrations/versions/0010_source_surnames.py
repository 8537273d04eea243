"""Source registry: surnames of full-name entries, a rules fingerprint, bulk linking.

- ``source_alias.surname`` (indexed): the last word of a named key with a full name
  ("named|steve witkoff" → "witkoff"), so a surname-only mention ("Witkoff", "Mr.
  Witkoff") finds its full-name candidates by an index seek (rule 7 in
  ``annotator/domain/source_registry.py``). Filled here for existing aliases from the
  keys alone; no link changes.
- ``source_state``: the fingerprint of the matching rules the aliases were keyed with;
  when the rules change (this upgrade adds ``titles_anywhere``), the services add each
  entry's key under the new rules as an alias of the same entry on the next registry
  read, so existing links, merges and names stay and new mentions find them.
- ``source_bulk``: the flag that lets a bulk link keep the counters set-based instead
  of per-row triggers (``annotator/storage/source_schema.py``); the triggers are
  re-installed to read it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from annotator.domain.source_registry import surname_of_key
from annotator.storage import source_schema

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("source_alias") as batch:
        batch.add_column(sa.Column("surname", sa.String(), nullable=True))
    op.create_index("ix_source_alias_surname", "source_alias", ["surname"])
    op.create_table(
        "source_state",
        sa.Column("name", sa.String(), primary_key=True),
        sa.Column("value", sa.String(), nullable=False, server_default=""),
    )
    conn = op.get_bind()
    rows = [{"k": str(k), "s": surname_of_key(str(k))} for (k,) in conn.execute(
        sa.text("SELECT key FROM source_alias WHERE key LIKE 'named|% %'"))]
    rows = [r for r in rows if r["s"]]
    if rows:
        conn.execute(sa.text("UPDATE source_alias SET surname = :s WHERE key = :k"), rows)
    source_schema.install(conn)


def downgrade() -> None:
    # the re-installed triggers stay: they only read ``source_bulk``, which 0007 has too
    op.drop_table("source_state")
    op.drop_index("ix_source_alias_surname", table_name="source_alias")
    with op.batch_alter_table("source_alias") as batch:
        batch.drop_column("surname")
