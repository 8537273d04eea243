"""PostgreSQL search: whole huge articles (chunked index) and diacritics folded.

Existing servers had one tsvector per article, cut to the first 250,000 characters when
PostgreSQL's 1 MB limit refused the whole text, and positions capped at 16,383 (phrases
past it were not found); and "cafe" did not find "café" there while it did on SQLite.
This re-creates the PostgreSQL index as ``article_search_chunk`` (each article in
chunks of about 30,000 code points that overlap) with diacritics folded on both
articles and annotations, and re-indexes everything (the DDL lives in
``annotator/storage/search_schema.py``, which explains it). SQLite files are unchanged:
FTS5 indexes whole texts and folds diacritics already.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from alembic import op

from annotator.storage import search_schema

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        search_schema.install_postgresql(conn)


def downgrade() -> None:
    """Back to one (possibly truncated) tsvector per article, diacritics kept."""
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        search_schema.drop_postgresql(conn)
        for stmt in search_schema._pg_statements(_SINGLE_DOCUMENT_SQL):
            conn.exec_driver_sql(stmt)


_SINGLE_DOCUMENT_SQL = r"""
CREATE TABLE IF NOT EXISTS article_search (
  article_id integer PRIMARY KEY REFERENCES article(id) ON DELETE CASCADE,
  doc tsvector NOT NULL);
CREATE INDEX IF NOT EXISTS ix_article_search_doc ON article_search USING gin (doc);
CREATE TABLE IF NOT EXISTS annotation_search (
  annotation_id varchar(36) PRIMARY KEY REFERENCES annotation(id) ON DELETE CASCADE,
  doc tsvector NOT NULL);
CREATE INDEX IF NOT EXISTS ix_annotation_search_doc ON annotation_search USING gin (doc);
CREATE OR REPLACE FUNCTION annotator_tsv(body text) RETURNS tsvector LANGUAGE plpgsql AS $$
DECLARE t text := coalesce(body, '');
BEGIN
  IF current_setting('server_encoding') = 'UTF8' THEN
    t := normalize(t, NFC);
  END IF;
  RETURN to_tsvector('simple', t);
EXCEPTION WHEN program_limit_exceeded THEN
  RETURN to_tsvector('simple', left(t, 250000));
END $$;
CREATE OR REPLACE FUNCTION article_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO article_search(article_id, doc) VALUES (NEW.id, annotator_tsv(NEW.text))
  ON CONFLICT (article_id) DO UPDATE SET doc = EXCLUDED.doc;
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
DROP TRIGGER IF EXISTS article_search_sync ON article;
CREATE TRIGGER article_search_sync AFTER INSERT OR UPDATE OF text ON article
  FOR EACH ROW EXECUTE FUNCTION article_search_sync();
DROP TRIGGER IF EXISTS annotation_search_sync ON annotation;
CREATE TRIGGER annotation_search_sync
  AFTER INSERT OR UPDATE OF text, note, source_start, source_end, article_id ON annotation
  FOR EACH ROW EXECUTE FUNCTION annotation_search_sync();
INSERT INTO article_search(article_id, doc) SELECT id, annotator_tsv(text) FROM article
  ON CONFLICT (article_id) DO UPDATE SET doc = EXCLUDED.doc;
INSERT INTO annotation_search(annotation_id, doc)
  SELECT a.id, annotator_tsv(a.text) || annotator_tsv(CASE WHEN a.source_start IS NULL OR a.source_end IS NULL THEN '' ELSE substr(ar.text, a.source_start + 1, a.source_end - a.source_start) END)
         || annotator_tsv(a.note)
  FROM annotation a JOIN article ar ON ar.id = a.article_id
  ON CONFLICT (annotation_id) DO UPDATE SET doc = EXCLUDED.doc;
"""
