"""brat standoff (``.txt`` + ``.ann``), both directions, plus safe file naming.

The ``.txt`` is the article text, UTF-8 with ``\\n`` newlines. The ``.ann`` has
one annotation per line::

    T1<TAB>named 10 24<TAB>the spokesperson      claim span (label, start, end, text)
    T2<TAB>SourceMention 0 9<TAB>Officials        its source mention
    R1<TAB>Source Arg1:T1 Arg2:T2                links claim -> source mention
    A1<TAB>quote_type T1 direct                  a facet (name, value)
    #1<TAB>AnnotatorNotes T1<TAB>check this      the note
    #2<TAB>AnnotatorMeta T1<TAB>{"id": ...}      our id, annotator, timestamps

Offsets are code points of the ``.txt`` as Python reads it, i.e. of the stored,
newline-normalised text; brat has no place to say so in the file, so it is said
here. A ``.txt`` with Windows newlines is accepted whichever way its offsets were
counted (the interpretation under which every span's text matches wins).

brat cannot hold some of what we store, so a few things are encoded:

* labels and facet values in the space-separated fields have ``%``, whitespace
  and control characters percent-encoded (``%20``…); facet values are their
  vocabulary words, numbers, ``true``/``false``, or ``;``-joined annotation ids;
* a note's line breaks and backslashes are escaped (``\\n``, ``\\\\``,
  ``\\u2028``) because a note must stay on one line — only undone in files we
  wrote (recognised by the ``AnnotatorMeta`` lines), so foreign notes are literal;
* a span's text field shows its line breaks as spaces, as brat itself does;
* attributes that are not facets of ours (e.g. brat's ``Negation``) are skipped
  with a warning; a value-less ``hedge`` attribute means true.

Attributions beyond claim and source:

* a claim may be discontinuous (``T1<TAB>named 0 5;8 12<TAB>text text``, the text
  field being the fragments joined by a space, as brat writes it): it becomes one
  annotation spanning the fragments' hull, and the fragments are kept exactly, in
  the file's order, so exporting writes the same ``0 5;8 12`` back;
* a cue: ``T3<TAB>Cue 25 29<TAB>said`` linked by ``R2<TAB>Cue Arg1:T1 Arg2:T3``.

Attribution corpora (PolNeAR, PARC style) are read too: an ``E`` line
``E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1`` (or ``Attribution-no-source``)
becomes one claim — the Content span(s), ``Content2`` as further fragments — with
its source mention and cue; its label is the event type. Spans that belong to no
attribution (``Discard``, ``Discuss``, an event's trigger) are skipped with one
warning. Normalisations, equivalences, other event types and relations other than
``Source`` and ``Cue`` are refused with a message, not half-imported.

The modules, in the order data flows: :mod:`.schema` (the types we give meaning to),
:mod:`.fields` (encodings of field values), :mod:`.parse` (line syntax), :mod:`.resolve`
(lines + text into a document), :mod:`.export` (a document into file contents),
:mod:`.files` (names and disk).
"""

from __future__ import annotations

from annotator.domain.formats.brat.export import export_brat
from annotator.domain.formats.brat.files import brat_paths, read_brat, safe_path, write_brat
from annotator.domain.formats.brat.resolve import import_brat
from annotator.domain.formats.brat.schema import (
    CORPUS_TYPES,
    CUE_TYPE,
    EVENT_TYPES,
    META_TYPE,
    NOTE_TYPE,
    RELATION_TYPE,
    SOURCE_TYPE,
)

__all__ = [
    "CORPUS_TYPES",
    "CUE_TYPE",
    "EVENT_TYPES",
    "META_TYPE",
    "NOTE_TYPE",
    "RELATION_TYPE",
    "SOURCE_TYPE",
    "brat_paths",
    "export_brat",
    "import_brat",
    "read_brat",
    "safe_path",
    "write_brat",
]
