"""One text, one article: a unique index on ``article.sha256``.

Four processes importing the same file at once used to store four copies: each looked
for the text, found none, and inserted. The database now refuses the second copy (the
losing insert becomes "already in the project" in the services).

Existing duplicates are resolved first, without losing anything: for each text stored
more than once the oldest article (lowest id) is kept; every row of every table that
points at a duplicate (``article_id`` — annotations, their audit trail, review comments,
and any table a later feature adds) is re-pointed to the kept article, whose offsets
are identical because the text is; empty metadata of the kept article (outlet, URL,
date, file name) is filled from the duplicates; then the duplicates are deleted.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_FILLED = ("outlet", "url", "published", "original_filename")


def _merge_duplicates(conn: sa.Connection) -> None:
    groups = conn.execute(sa.text(
        "SELECT sha256 FROM article GROUP BY sha256 HAVING COUNT(*) > 1")).scalars().all()
    if not groups:
        return
    referencing = []
    for table in sa.inspect(conn).get_table_names():
        if table == "article":
            continue
        columns = {c["name"] for c in sa.inspect(conn).get_columns(table)}
        if "article_id" in columns:
            referencing.append(table)
    for digest in groups:
        rows = conn.execute(sa.text(
            "SELECT id, outlet, url, published, original_filename FROM article "
            "WHERE sha256 = :h ORDER BY id"), {"h": digest}).mappings().all()
        keep, losers = rows[0], rows[1:]
        fill = {}
        for name in _FILLED:
            if not keep[name]:
                value = next((r[name] for r in losers if r[name]), "")
                if value:
                    fill[name] = value
        if fill:
            sets = ", ".join(f"{k} = :{k}" for k in fill)
            conn.execute(sa.text(f"UPDATE article SET {sets} WHERE id = :id"),
                         {**fill, "id": keep["id"]})
        for loser in losers:
            for table in referencing:
                conn.execute(sa.text(f'UPDATE "{table}" SET article_id = :keep '
                                     f"WHERE article_id = :gone"),
                             {"keep": keep["id"], "gone": loser["id"]})
            conn.execute(sa.text("DELETE FROM article WHERE id = :gone"), {"gone": loser["id"]})


def upgrade() -> None:
    _merge_duplicates(op.get_bind())
    op.drop_index("ix_article_sha256", table_name="article")
    op.create_index("ux_article_sha256", "article", ["sha256"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_article_sha256", table_name="article")
    op.create_index("ix_article_sha256", "article", ["sha256"])
