"""The brat types and comment kinds that carry our attributions, shared by reader and writer.

brat itself gives these names no meaning; they are the contract between the files we write,
the files we read back, and the attribution corpora (PolNeAR) we accept, so they live in
one place that both directions import.
"""

from __future__ import annotations

SOURCE_TYPE = "SourceMention"
"""Entity type of source-mention spans."""
RELATION_TYPE = "Source"
"""Relation type from a claim (Arg1) to its source mention (Arg2)."""
CUE_TYPE = "Cue"
"""Entity type of cue spans, and relation type from a claim (Arg1) to its cue (Arg2)."""
EVENT_TYPES = ("Attribution", "Attribution-no-source")
"""Event types of attribution corpora (PolNeAR): one attribution per event."""
CORPUS_TYPES = frozenset({"Source", "Cue", "Content", "Discard", "Discuss", *EVENT_TYPES})
"""Entity types of attribution corpora; such spans are read only through events."""
NOTE_TYPE = "AnnotatorNotes"
META_TYPE = "AnnotatorMeta"
"""Comment type carrying what brat has no field for (our id, annotator, timestamps)."""
