"""Full-text indexes over article text and annotations, kept in step by the database.

SQLite: two FTS5 *external-content* tables (nothing duplicated) with the
``unicode61 remove_diacritics 2`` tokenizer:

- ``article_fts(text)`` over ``article`` (rowid = ``article.id``);
- ``annotation_fts(claim, mention, note)`` over the view ``annotation_search_doc``
  (rowid = ``annotation.rowid``; ``mention`` is the source-mention phrase cut from the
  article text, which annotations store only as offsets).

Triggers keep both in step with every write path (tagging, imports, merge, bulk
inserts). An external-content FTS5 ``delete`` must be given the *old* values, so an
article's annotations are deleted (and de-indexed) before the article row goes, and a
change of an article's text re-indexes its annotations' mentions.

PostgreSQL: ``article_search_chunk`` and ``annotation_search`` tables of ``tsvector``
(``'simple'`` configuration: no stemming, as in SQLite; text folded first by
``annotator_fold`` — NFD, combining diacritics dropped, NFC — as the Python locator
folds words, so "cafe" finds "café" typed or decomposed) with GIN indexes, filled by
PL/pgSQL triggers; rows follow their article/annotation by ``ON DELETE CASCADE``.
An article is indexed in overlapping chunks (``annotator_index_article``; sizes
below) so a text of any length is indexed whole: one tsvector is limited to 1 MB and
caps word positions at 16,383, past which phrases are not found. An annotation field
whose tsvector would exceed 1 MB is indexed on its first 250,000 characters.

A later migration that recreates ``article`` or ``annotation`` (Alembic batch mode on
SQLite copies the table, dropping its triggers and renumbering rowids) is repaired by
:func:`ensure_sqlite`, which ``upgrade_schema`` runs after any migration.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

TOKENIZE = "unicode61 remove_diacritics 2"

_MENTION = ("CASE WHEN {a}.source_start IS NULL OR {a}.source_end IS NULL THEN '' "
            "ELSE substr({t}, {a}.source_start + 1, {a}.source_end - {a}.source_start) END")


def _mention_of(row: str) -> str:
    """The mention of annotation ``row`` (``new``/``old``), read from its article."""
    return (f"coalesce((SELECT {_MENTION.format(a=row, t='article.text')} FROM article "
            f"WHERE article.id = {row}.article_id), '')")


SQLITE_TRIGGERS = {
    "article_fts_ai": """
        CREATE TRIGGER article_fts_ai AFTER INSERT ON article BEGIN
          INSERT INTO article_fts(rowid, text) VALUES (new.id, new.text);
        END""",
    "article_fts_ad": """
        CREATE TRIGGER article_fts_ad AFTER DELETE ON article BEGIN
          INSERT INTO article_fts(article_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END""",
    "article_fts_bd": """
        CREATE TRIGGER article_fts_bd BEFORE DELETE ON article BEGIN
          DELETE FROM annotation WHERE article_id = old.id;
        END""",
    "article_fts_bu": f"""
        CREATE TRIGGER article_fts_bu BEFORE UPDATE OF text ON article BEGIN
          INSERT INTO annotation_fts(annotation_fts, rowid, claim, mention, note)
            SELECT 'delete', a.rowid, a.text, {_MENTION.format(a='a', t='old.text')}, a.note
            FROM annotation a WHERE a.article_id = old.id;
          INSERT INTO article_fts(article_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END""",
    "article_fts_au": f"""
        CREATE TRIGGER article_fts_au AFTER UPDATE OF text ON article BEGIN
          INSERT INTO article_fts(rowid, text) VALUES (new.id, new.text);
          INSERT INTO annotation_fts(rowid, claim, mention, note)
            SELECT a.rowid, a.text, {_MENTION.format(a='a', t='new.text')}, a.note
            FROM annotation a WHERE a.article_id = new.id;
        END""",
    "annotation_fts_ai": f"""
        CREATE TRIGGER annotation_fts_ai AFTER INSERT ON annotation BEGIN
          INSERT INTO annotation_fts(rowid, claim, mention, note)
            VALUES (new.rowid, new.text, {_mention_of('new')}, new.note);
        END""",
    "annotation_fts_ad": f"""
        CREATE TRIGGER annotation_fts_ad AFTER DELETE ON annotation BEGIN
          INSERT INTO annotation_fts(annotation_fts, rowid, claim, mention, note)
            VALUES ('delete', old.rowid, old.text, {_mention_of('old')}, old.note);
        END""",
    "annotation_fts_au": f"""
        CREATE TRIGGER annotation_fts_au
        AFTER UPDATE OF text, note, source_start, source_end, article_id ON annotation BEGIN
          INSERT INTO annotation_fts(annotation_fts, rowid, claim, mention, note)
            VALUES ('delete', old.rowid, old.text, {_mention_of('old')}, old.note);
          INSERT INTO annotation_fts(rowid, claim, mention, note)
            VALUES (new.rowid, new.text, {_mention_of('new')}, new.note);
        END""",
}

SQLITE_OBJECTS = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS article_fts USING fts5(
  text, content='article', content_rowid='id', tokenize='{TOKENIZE}');
CREATE VIEW IF NOT EXISTS annotation_search_doc AS
  SELECT a.rowid AS doc_id, a.text AS claim, {_MENTION.format(a='a', t='ar.text')} AS mention,
         a.note AS note
  FROM annotation a JOIN article ar ON ar.id = a.article_id;
CREATE VIRTUAL TABLE IF NOT EXISTS annotation_fts USING fts5(
  claim, mention, note, content='annotation_search_doc', content_rowid='doc_id',
  tokenize='{TOKENIZE}');
"""


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";\n") if s.strip()]


def install_sqlite(conn: Connection) -> None:
    """Create (or re-create) the FTS5 tables and triggers and rebuild both indexes."""
    for stmt in _statements(SQLITE_OBJECTS):
        conn.execute(text(stmt))
    for name, ddl in SQLITE_TRIGGERS.items():
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        conn.execute(text(ddl))
    conn.execute(text("INSERT INTO article_fts(article_fts) VALUES ('rebuild')"))
    conn.execute(text("INSERT INTO annotation_fts(annotation_fts) VALUES ('rebuild')"))


def drop_sqlite(conn: Connection) -> None:
    for name in SQLITE_TRIGGERS:
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    conn.execute(text("DROP TABLE IF EXISTS annotation_fts"))
    conn.execute(text("DROP VIEW IF EXISTS annotation_search_doc"))
    conn.execute(text("DROP TABLE IF EXISTS article_fts"))


def missing_sqlite_triggers(conn: Connection) -> set[str]:
    present = {row[0] for row in conn.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
    return set(SQLITE_TRIGGERS) - present


def ensure_sqlite(conn: Connection) -> bool:
    """Repair the indexes if a migration dropped a trigger; True if it had to."""
    tables = {row[0] for row in conn.execute(
        text("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"))}
    if "article_fts" not in tables or not missing_sqlite_triggers(conn):
        return False
    install_sqlite(conn)
    return True


# --- PostgreSQL ---------------------------------------------------------------

PG_CHUNK_STEP = 30_000
"""Code points between the starts of an article's index chunks."""
PG_CHUNK_OVERLAP = 2_000
"""Each chunk reaches this far into the next, so a phrase across a boundary lies inside
one chunk (any match shorter than ``OVERLAP - 2 * SNAP`` code points). A chunk of at
most 32,000 code points has at most 16,000 words: under PostgreSQL's cap of 16,383
positions per tsvector (past it phrase matching breaks) and far under its 1 MB size."""
PG_CHUNK_SNAP = 256
"""A chunk starts after the first whitespace within this many code points of its
nominal start and ends before the last one within as many of its nominal end, so no
word is cut (a run without whitespace that long is cut where it falls)."""
PG_MAX_FALLBACK_CHARS = 250_000
"""An annotation field (claim, mention, note) is one tsvector; one over the 1 MB limit
is indexed on its first 250,000 characters instead of refusing the write."""


def pg_diacritics_class() -> str:
    """The bracket expression of the combining diacritical marks folded away, the same
    set :func:`annotator.domain.search_query.fold` drops (generated from it)."""
    from annotator.domain.search_query import FOLDED_MARKS

    return "[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in FOLDED_MARKS) + "]"


def _pg_script() -> str:
    step, reach, snap = PG_CHUNK_STEP, PG_CHUNK_STEP + PG_CHUNK_OVERLAP, PG_CHUNK_SNAP
    return rf"""
DROP TRIGGER IF EXISTS article_search_sync ON article;
DROP TABLE IF EXISTS article_search;
CREATE TABLE IF NOT EXISTS article_search_chunk (
  article_id integer NOT NULL REFERENCES article(id) ON DELETE CASCADE,
  chunk integer NOT NULL,
  doc tsvector NOT NULL,
  PRIMARY KEY (article_id, chunk));
CREATE INDEX IF NOT EXISTS ix_article_search_chunk_doc ON article_search_chunk USING gin (doc);
CREATE TABLE IF NOT EXISTS annotation_search (
  annotation_id varchar(36) PRIMARY KEY REFERENCES annotation(id) ON DELETE CASCADE,
  doc tsvector NOT NULL);
CREATE INDEX IF NOT EXISTS ix_annotation_search_doc ON annotation_search USING gin (doc);
CREATE OR REPLACE FUNCTION annotator_fold(body text) RETURNS text LANGUAGE plpgsql
IMMUTABLE AS $$
DECLARE t text := coalesce(body, '');
BEGIN
  IF current_setting('server_encoding') = 'UTF8' THEN
    t := normalize(regexp_replace(normalize(t, NFD), '{pg_diacritics_class()}', '', 'g'), NFC);
  END IF;
  RETURN t;
END $$;
CREATE OR REPLACE FUNCTION annotator_tsv(body text) RETURNS tsvector LANGUAGE plpgsql AS $$
DECLARE t text := annotator_fold(body);
BEGIN
  RETURN to_tsvector('simple', t);
EXCEPTION WHEN program_limit_exceeded THEN
  RETURN to_tsvector('simple', left(t, {PG_MAX_FALLBACK_CHARS}));
END $$;
CREATE OR REPLACE FUNCTION annotator_index_article(art integer, body text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  t text := annotator_fold(body);
  n integer := length(t);
  s integer := 1;
  k integer := 0;
  more boolean;
  piece text;
  cut integer;
BEGIN
  DELETE FROM article_search_chunk WHERE article_id = art;
  LOOP
    piece := substr(t, s, {reach});
    more := s + {reach} <= n;
    IF s > 1 THEN  -- start after a whitespace near the start (the chunk before covers it)
      cut := regexp_instr(left(piece, {snap}), '\s');
      IF cut > 0 THEN piece := substr(piece, cut + 1); END IF;
    END IF;
    IF more THEN  -- end at a whitespace near the end
      cut := regexp_instr(reverse(right(piece, {snap})), '\s');
      IF cut > 0 THEN piece := left(piece, length(piece) - cut); END IF;
    END IF;
    INSERT INTO article_search_chunk(article_id, chunk, doc)
      VALUES (art, k, to_tsvector('simple', piece));
    EXIT WHEN NOT more;
    s := s + {step};
    k := k + 1;
  END LOOP;
END $$;
CREATE OR REPLACE FUNCTION article_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM annotator_index_article(NEW.id, NEW.text);
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION annotation_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE m text := '';
BEGIN
  IF NEW.source_start IS NOT NULL AND NEW.source_end IS NOT NULL THEN
    SELECT substr(article.text, NEW.source_start + 1, NEW.source_end - NEW.source_start)
      INTO m FROM article WHERE article.id = NEW.article_id;
  END IF;
  INSERT INTO annotation_search(annotation_id, doc)
    VALUES (NEW.id, annotator_tsv(NEW.text) || annotator_tsv(m) || annotator_tsv(NEW.note))
  ON CONFLICT (annotation_id) DO UPDATE SET doc = EXCLUDED.doc;
  RETURN NULL;
END $$;
CREATE TRIGGER article_search_sync AFTER INSERT OR UPDATE OF text ON article
  FOR EACH ROW EXECUTE FUNCTION article_search_sync();
DROP TRIGGER IF EXISTS annotation_search_sync ON annotation;
CREATE TRIGGER annotation_search_sync
  AFTER INSERT OR UPDATE OF text, note, source_start, source_end, article_id ON annotation
  FOR EACH ROW EXECUTE FUNCTION annotation_search_sync();
SELECT annotator_index_article(id, text) FROM article;
INSERT INTO annotation_search(annotation_id, doc)
  SELECT a.id, annotator_tsv(a.text) || annotator_tsv({_MENTION.format(a='a', t='ar.text')})
         || annotator_tsv(a.note)
  FROM annotation a JOIN article ar ON ar.id = a.article_id
  ON CONFLICT (annotation_id) DO UPDATE SET doc = EXCLUDED.doc;
"""


PG_DROP = """
DROP TRIGGER IF EXISTS annotation_search_sync ON annotation;
DROP TRIGGER IF EXISTS article_search_sync ON article;
DROP FUNCTION IF EXISTS annotation_search_sync();
DROP FUNCTION IF EXISTS article_search_sync();
DROP FUNCTION IF EXISTS annotator_index_article(integer, text);
DROP TABLE IF EXISTS annotation_search;
DROP TABLE IF EXISTS article_search_chunk;
DROP TABLE IF EXISTS article_search;
DROP FUNCTION IF EXISTS annotator_tsv(text);
DROP FUNCTION IF EXISTS annotator_fold(text);
"""


def _pg_statements(script: str) -> list[str]:
    """Split on ``;`` at line ends outside ``$$`` bodies."""
    out, buf, in_body = [], [], False
    for line in script.splitlines():
        buf.append(line)
        if line.count("$$") % 2:
            in_body = not in_body
        if not in_body and line.rstrip().endswith(";"):
            out.append("\n".join(buf).strip().rstrip(";"))
            buf = []
    if "".join(buf).strip():
        out.append("\n".join(buf).strip())
    return out


def install_postgresql(conn: Connection) -> None:
    """Create (or bring up to date) the tables, functions and triggers; re-index all."""
    for stmt in _pg_statements(_pg_script()):
        conn.exec_driver_sql(stmt)


def drop_postgresql(conn: Connection) -> None:
    for stmt in _pg_statements(PG_DROP):
        conn.exec_driver_sql(stmt)


def install(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        install_sqlite(conn)
    elif conn.dialect.name == "postgresql":
        install_postgresql(conn)


def drop(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        drop_sqlite(conn)
    elif conn.dialect.name == "postgresql":
        drop_postgresql(conn)
