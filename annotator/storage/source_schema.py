"""Triggers that keep the source registry's bookkeeping in step with every write path.

- Any insert of an annotation with a source mention, and any change of its mention,
  label, facets or article, queues it in ``source_pending`` (imports, merges and bulk
  inserts included); the services link queued annotations by the matching rules.
- ``source.claims`` counts the entry's links, kept by triggers on
  ``annotation_source`` (a deleted annotation's link goes by ``ON DELETE CASCADE``,
  which fires them too), so the Sources pane sorts without aggregating a million rows.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from annotator.storage.search_schema import _pg_statements

SQLITE_TRIGGERS = {
    "source_pending_ai": """
        CREATE TRIGGER source_pending_ai AFTER INSERT ON annotation
        WHEN new.source_start IS NOT NULL BEGIN
          INSERT OR IGNORE INTO source_pending(annotation_id) VALUES (new.id);
        END""",
    "source_pending_au": """
        CREATE TRIGGER source_pending_au
        AFTER UPDATE OF source_start, source_end, label, facets, article_id ON annotation
        WHEN old.source_start IS NOT new.source_start OR old.source_end IS NOT new.source_end
          OR old.label IS NOT new.label OR old.facets IS NOT new.facets
          OR old.article_id IS NOT new.article_id BEGIN
          INSERT OR IGNORE INTO source_pending(annotation_id) VALUES (new.id);
        END""",
    "source_claims_ai": """
        CREATE TRIGGER source_claims_ai AFTER INSERT ON annotation_source BEGIN
          UPDATE source SET claims = claims + 1 WHERE id = new.source_id;
        END""",
    "source_claims_ad": """
        CREATE TRIGGER source_claims_ad AFTER DELETE ON annotation_source BEGIN
          UPDATE source SET claims = claims - 1 WHERE id = old.source_id;
        END""",
    "source_claims_au": """
        CREATE TRIGGER source_claims_au AFTER UPDATE OF source_id ON annotation_source BEGIN
          UPDATE source SET claims = claims - 1 WHERE id = old.source_id;
          UPDATE source SET claims = claims + 1 WHERE id = new.source_id;
        END""",
}

PG_SCRIPT = """
CREATE OR REPLACE FUNCTION source_pending_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (TG_OP = 'INSERT' AND NEW.source_start IS NOT NULL) OR (TG_OP = 'UPDATE' AND (
      OLD.source_start IS DISTINCT FROM NEW.source_start
      OR OLD.source_end IS DISTINCT FROM NEW.source_end OR OLD.label IS DISTINCT FROM NEW.label
      OR OLD.facets IS DISTINCT FROM NEW.facets
      OR OLD.article_id IS DISTINCT FROM NEW.article_id)) THEN
    INSERT INTO source_pending(annotation_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION source_claims_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE source SET claims = claims - 1 WHERE id = OLD.source_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE source SET claims = claims + 1 WHERE id = NEW.source_id;
  END IF;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS source_pending_sync ON annotation;
CREATE TRIGGER source_pending_sync
  AFTER INSERT OR UPDATE OF source_start, source_end, label, facets, article_id ON annotation
  FOR EACH ROW EXECUTE FUNCTION source_pending_sync();
DROP TRIGGER IF EXISTS source_claims_sync ON annotation_source;
CREATE TRIGGER source_claims_sync AFTER INSERT OR DELETE OR UPDATE OF source_id
  ON annotation_source FOR EACH ROW EXECUTE FUNCTION source_claims_sync();
"""

PG_DROP = """
DROP TRIGGER IF EXISTS source_claims_sync ON annotation_source;
DROP TRIGGER IF EXISTS source_pending_sync ON annotation;
DROP FUNCTION IF EXISTS source_claims_sync();
DROP FUNCTION IF EXISTS source_pending_sync();
"""


def install(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for name, ddl in SQLITE_TRIGGERS.items():
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
            conn.execute(text(ddl))
    elif conn.dialect.name == "postgresql":
        for stmt in _pg_statements(PG_SCRIPT):
            conn.exec_driver_sql(stmt)


def drop(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    elif conn.dialect.name == "postgresql":
        for stmt in _pg_statements(PG_DROP):
            conn.exec_driver_sql(stmt)


def ensure_sqlite(conn: Connection) -> bool:
    """Re-create dropped triggers (a table rebuilt by a later migration); re-queue and
    recount so nothing is missed. True if it had to."""
    present = {row[0] for row in conn.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
    tables = {row[0] for row in conn.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'table'"))}
    if "source_pending" not in tables or set(SQLITE_TRIGGERS) <= present:
        return False
    install(conn)
    conn.execute(text("INSERT OR IGNORE INTO source_pending (annotation_id) SELECT id FROM "
                      "annotation WHERE source_start IS NOT NULL"))
    conn.execute(text("UPDATE source SET claims = (SELECT count(*) FROM annotation_source l "
                      "WHERE l.source_id = source.id)"))
    return True
