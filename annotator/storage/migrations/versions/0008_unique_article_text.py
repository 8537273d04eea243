"""One text, one article: a unique index on ``article.sha256``.

Four processes importing the same file at once used to store four copies: each looked
for the text, found none, and inserted. The database now refuses the second copy (the
losing insert becomes "already in the project" in the services).

Existing duplicates are resolved first, without losing anything: for each text stored
more than once the oldest article (lowest id) is kept; every row of every table that
points at a duplicate (``article_id`` — annotations, their audit trail, review comments,
and any table a later feature adds) is re-pointed to the kept article, whose offsets
are identical because the text is (a row that would repeat one the kept article already
has under a unique key — its search document, a remembered rejection — is redundant and
dropped); empty metadata of the kept article (outlet, URL,
date, file name) is filled from the duplicates; then the duplicates are deleted.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_FILLED = ("outlet", "url", "published", "original_filename")


def _unique_keys(insp: sa.Inspector, table: str) -> list[list[str]]:
    """The table's unique column sets (primary key, constraints, unique indexes)."""
    keys = [insp.get_pk_constraint(table).get("constrained_columns") or []]
    keys += [u["column_names"] for u in insp.get_unique_constraints(table)]
    keys += [i["column_names"] for i in insp.get_indexes(table) if i.get("unique")]
    return [[c for c in k if c] for k in keys if k and "article_id" in k]


def _repoint(conn: sa.Connection, table: str, keys: list[list[str]], keep: int,
             gone: int) -> None:
    """Move ``gone``'s rows to ``keep``; a row that would repeat one ``keep`` already has
    under a unique key (same text, so the same derived data: a search document, a
    remembered rejection) is redundant and deleted instead."""
    clash = [
        "EXISTS (SELECT 1 FROM \"{t}\" AS other WHERE other.article_id = :keep{cond})".format(
            t=table, cond="".join(f' AND other."{c}" = "{table}"."{c}"'
                                  for c in key if c != "article_id"))
        for key in keys
    ]
    guard = f" AND NOT ({' OR '.join(clash)})" if clash else ""
    conn.execute(sa.text(f'UPDATE "{table}" SET article_id = :keep '
                         f"WHERE article_id = :gone{guard}"), {"keep": keep, "gone": gone})
    conn.execute(sa.text(f'DELETE FROM "{table}" WHERE article_id = :gone'),
                 {"keep": keep, "gone": gone})


def _merge_duplicates(conn: sa.Connection) -> None:
    groups = conn.execute(sa.text(
        "SELECT sha256 FROM article GROUP BY sha256 HAVING COUNT(*) > 1")).scalars().all()
    if not groups:
        return
    insp = sa.inspect(conn)
    referencing: dict[str, list[list[str]]] = {}
    for table in insp.get_table_names():
        if table == "article":
            continue
        if "article_id" in {c["name"] for c in insp.get_columns(table)}:
            referencing[table] = _unique_keys(insp, table)
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
            for table, keys in referencing.items():
                _repoint(conn, table, keys, keep["id"], loser["id"])
            conn.execute(sa.text("DELETE FROM article WHERE id = :gone"), {"gone": loser["id"]})


def upgrade() -> None:
    _merge_duplicates(op.get_bind())
    op.drop_index("ix_article_sha256", table_name="article")
    op.create_index("ux_article_sha256", "article", ["sha256"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_article_sha256", table_name="article")
    op.create_index("ix_article_sha256", "article", ["sha256"])
