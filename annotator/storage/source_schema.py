"""Triggers that keep the source registry's bookkeeping in step with every write path.

- Any insert of an annotation with a source mention, and any change of its mention,
  label, facets or article, queues it in ``source_pending`` (imports, merges and bulk
  inserts included); the services link queued annotations by the matching rules.
- ``source.claims``/``source.articles`` and the spread tables ``source_article``
  (claims per source and article, with the article's outlet and date) and
  ``source_outlet`` (claims per source and outlet) are kept by triggers on
  ``annotation_source`` (a deleted annotation's link goes by ``ON DELETE CASCADE``,
  which fires them too) and on article outlet/date edits, so the Sources pane lists
  the most-cited entries with their spread without aggregating a million rows.
  ``annotation_source.article_id`` is a copy of the annotation's, so a link removed by
  a cascade still knows its article.
- A bulk link (the first registry read after an upgrade or a large import) writes a
  row into ``source_bulk`` inside its own transaction — no other connection ever sees
  it — so the per-row link triggers stand aside, and updates the same counters with a
  few set-based statements (``source_crud.apply_link_deltas``) before it commits.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from annotator.storage.search_schema import _pg_statements

_ADD_LINK = """
          UPDATE source SET claims = claims + 1 WHERE id = new.source_id;
          INSERT INTO source_article (source_id, article_id, outlet, published, claims)
            SELECT new.source_id, new.article_id, ar.outlet, ar.published, 1 FROM article ar
            WHERE ar.id = new.article_id
            ON CONFLICT (source_id, article_id) DO UPDATE SET claims = claims + 1;
          INSERT INTO source_outlet (source_id, outlet, claims)
            SELECT new.source_id, ar.outlet, 1 FROM article ar WHERE ar.id = new.article_id
            ON CONFLICT (source_id, outlet) DO UPDATE SET claims = claims + 1;"""

_DROP_LINK = """
          UPDATE source SET claims = claims - 1 WHERE id = old.source_id;
          UPDATE source_outlet SET claims = claims - 1 WHERE source_id = old.source_id
            AND outlet = (SELECT outlet FROM source_article WHERE source_id = old.source_id
                          AND article_id = old.article_id);
          DELETE FROM source_outlet WHERE source_id = old.source_id AND claims <= 0;
          UPDATE source_article SET claims = claims - 1
            WHERE source_id = old.source_id AND article_id = old.article_id;
          DELETE FROM source_article WHERE source_id = old.source_id
            AND article_id = old.article_id AND claims <= 0;"""

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
    "source_link_ai": f"""
        CREATE TRIGGER source_link_ai AFTER INSERT ON annotation_source
        WHEN NOT EXISTS (SELECT 1 FROM source_bulk) BEGIN{_ADD_LINK}
        END""",
    "source_link_ad": f"""
        CREATE TRIGGER source_link_ad AFTER DELETE ON annotation_source
        WHEN NOT EXISTS (SELECT 1 FROM source_bulk) BEGIN{_DROP_LINK}
        END""",
    "source_link_au": f"""
        CREATE TRIGGER source_link_au AFTER UPDATE OF source_id, article_id ON annotation_source
        WHEN (old.source_id IS NOT new.source_id OR old.article_id IS NOT new.article_id)
          AND NOT EXISTS (SELECT 1 FROM source_bulk)
        BEGIN{_DROP_LINK}{_ADD_LINK}
        END""",
    "source_article_ai": """
        CREATE TRIGGER source_article_ai AFTER INSERT ON source_article BEGIN
          UPDATE source SET articles = articles + 1 WHERE id = new.source_id;
        END""",
    "source_article_ad": """
        CREATE TRIGGER source_article_ad AFTER DELETE ON source_article BEGIN
          UPDATE source SET articles = articles - 1 WHERE id = old.source_id;
        END""",
    "source_article_meta": """
        CREATE TRIGGER source_article_meta AFTER UPDATE OF outlet, published ON article
        WHEN old.outlet IS NOT new.outlet OR old.published IS NOT new.published BEGIN
          INSERT INTO source_outlet (source_id, outlet, claims)
            SELECT source_id, new.outlet, claims FROM source_article
            WHERE article_id = new.id AND outlet IS NOT new.outlet
            ON CONFLICT (source_id, outlet) DO UPDATE SET claims = claims + excluded.claims;
          UPDATE source_outlet SET claims = claims - (
              SELECT sa.claims FROM source_article sa
              WHERE sa.article_id = new.id AND sa.source_id = source_outlet.source_id)
            WHERE outlet = old.outlet AND old.outlet IS NOT new.outlet AND source_id IN (
              SELECT source_id FROM source_article WHERE article_id = new.id);
          DELETE FROM source_outlet WHERE outlet = old.outlet AND claims <= 0;
          UPDATE source_article SET outlet = new.outlet, published = new.published
            WHERE article_id = new.id;
          INSERT OR IGNORE INTO source_pending (annotation_id)
            SELECT id FROM annotation WHERE article_id = new.id AND source_start IS NOT NULL
            AND old.outlet IS NOT new.outlet;
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
CREATE OR REPLACE FUNCTION source_link_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE o text;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.source_id = NEW.source_id
     AND OLD.article_id = NEW.article_id THEN
    RETURN NULL;
  END IF;
  IF EXISTS (SELECT 1 FROM source_bulk) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE source SET claims = claims - 1 WHERE id = OLD.source_id;
    SELECT outlet INTO o FROM source_article
      WHERE source_id = OLD.source_id AND article_id = OLD.article_id;
    UPDATE source_outlet SET claims = claims - 1 WHERE source_id = OLD.source_id AND outlet = o;
    DELETE FROM source_outlet WHERE source_id = OLD.source_id AND claims <= 0;
    UPDATE source_article SET claims = claims - 1
      WHERE source_id = OLD.source_id AND article_id = OLD.article_id;
    DELETE FROM source_article WHERE source_id = OLD.source_id
      AND article_id = OLD.article_id AND claims <= 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE source SET claims = claims + 1 WHERE id = NEW.source_id;
    INSERT INTO source_article (source_id, article_id, outlet, published, claims)
      SELECT NEW.source_id, NEW.article_id, ar.outlet, ar.published, 1 FROM article ar
      WHERE ar.id = NEW.article_id
      ON CONFLICT (source_id, article_id) DO UPDATE SET claims = source_article.claims + 1;
    INSERT INTO source_outlet (source_id, outlet, claims)
      SELECT NEW.source_id, ar.outlet, 1 FROM article ar WHERE ar.id = NEW.article_id
      ON CONFLICT (source_id, outlet) DO UPDATE SET claims = source_outlet.claims + 1;
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION source_article_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE source SET articles = articles + 1 WHERE id = NEW.source_id;
  ELSE
    UPDATE source SET articles = articles - 1 WHERE id = OLD.source_id;
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION source_article_meta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.outlet IS DISTINCT FROM NEW.outlet THEN
    INSERT INTO source_outlet (source_id, outlet, claims)
      SELECT source_id, NEW.outlet, claims FROM source_article WHERE article_id = NEW.id
      ON CONFLICT (source_id, outlet) DO UPDATE
        SET claims = source_outlet.claims + excluded.claims;
    UPDATE source_outlet so SET claims = so.claims - sa.claims FROM source_article sa
      WHERE sa.article_id = NEW.id AND sa.source_id = so.source_id AND so.outlet = OLD.outlet;
    DELETE FROM source_outlet WHERE outlet = OLD.outlet AND claims <= 0;
    INSERT INTO source_pending (annotation_id)
      SELECT id FROM annotation WHERE article_id = NEW.id AND source_start IS NOT NULL
      ON CONFLICT DO NOTHING;
  END IF;
  UPDATE source_article SET outlet = NEW.outlet, published = NEW.published
    WHERE article_id = NEW.id;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS source_pending_sync ON annotation;
CREATE TRIGGER source_pending_sync
  AFTER INSERT OR UPDATE OF source_start, source_end, label, facets, article_id ON annotation
  FOR EACH ROW EXECUTE FUNCTION source_pending_sync();
DROP TRIGGER IF EXISTS source_link_sync ON annotation_source;
CREATE TRIGGER source_link_sync AFTER INSERT OR DELETE OR UPDATE OF source_id, article_id
  ON annotation_source FOR EACH ROW EXECUTE FUNCTION source_link_sync();
DROP TRIGGER IF EXISTS source_article_count ON source_article;
CREATE TRIGGER source_article_count AFTER INSERT OR DELETE ON source_article
  FOR EACH ROW EXECUTE FUNCTION source_article_count();
DROP TRIGGER IF EXISTS source_article_meta ON article;
CREATE TRIGGER source_article_meta AFTER UPDATE OF outlet, published ON article
  FOR EACH ROW EXECUTE FUNCTION source_article_meta();
"""

PG_DROP = """
DROP TRIGGER IF EXISTS source_article_meta ON article;
DROP TRIGGER IF EXISTS source_article_count ON source_article;
DROP TRIGGER IF EXISTS source_link_sync ON annotation_source;
DROP TRIGGER IF EXISTS source_pending_sync ON annotation;
DROP FUNCTION IF EXISTS source_article_meta();
DROP FUNCTION IF EXISTS source_article_count();
DROP FUNCTION IF EXISTS source_link_sync();
DROP FUNCTION IF EXISTS source_pending_sync();
"""


BULK_TABLE = "CREATE TABLE IF NOT EXISTS source_bulk (flag INTEGER PRIMARY KEY)"


def install(conn: Connection) -> None:
    conn.execute(text(BULK_TABLE))
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
    conn.execute(text("DROP TABLE IF EXISTS source_bulk"))


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
    recount(conn)
    return True


def recount(conn: Connection) -> None:
    """Rebuild the counters and spread tables from the links (repair, tests)."""
    conn.execute(text("DELETE FROM source_outlet"))
    conn.execute(text("DELETE FROM source_article"))
    conn.execute(text(
        "INSERT INTO source_article (source_id, article_id, outlet, published, claims) "
        "SELECT l.source_id, l.article_id, ar.outlet, ar.published, count(*) "
        "FROM annotation_source l JOIN article ar ON ar.id = l.article_id "
        "GROUP BY l.source_id, l.article_id, ar.outlet, ar.published"))
    conn.execute(text(
        "INSERT INTO source_outlet (source_id, outlet, claims) SELECT source_id, outlet, "
        "sum(claims) FROM source_article GROUP BY source_id, outlet"))
    conn.execute(text(
        "UPDATE source SET claims = (SELECT count(*) FROM annotation_source l "
        "WHERE l.source_id = source.id), articles = (SELECT count(*) FROM source_article sa "
        "WHERE sa.source_id = source.id)"))
