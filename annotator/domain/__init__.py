"""Pure-Python core: articles, spans, taxonomy, offsets. No Qt, no database."""
