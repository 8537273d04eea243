"""Writing one document as the contents of a brat ``.txt`` + ``.ann`` pair.

Pure text in, text out: :mod:`annotator.domain.formats.brat.files` puts the result on disk. Discontinuous claims are
written back with the fragments they were read with, cues and source mentions as their own
``T`` lines linked by relations, and what brat has no field for in ``AnnotatorMeta``.
"""

from __future__ import annotations

import json

from annotator.domain.formats import (
    Document,
    FormatError,
    annotation_extras,
    check_export,
    facets_dict,
    sorted_annotations,
)
from annotator.domain.formats.brat.fields import (
    encode_token,
    escape_note,
    facet_token,
    span_text_field,
)
from annotator.domain.formats.brat.schema import (
    CUE_TYPE,
    META_TYPE,
    NOTE_TYPE,
    RELATION_TYPE,
    SOURCE_TYPE,
)


def export_brat(document: Document) -> tuple[str, str]:
    """``(txt, ann)`` file contents for one document."""
    check_export(document)
    text = document.text
    lines: list[str] = []
    n_t = n_r = n_a = n_c = 0
    source_ids: dict[tuple[int, int], str] = {}
    for ann in sorted_annotations(document.annotations):
        label = encode_token(ann.label)
        if not label:
            raise FormatError(f"annotation {ann.id}: empty label")
        if ann.label in (SOURCE_TYPE, CUE_TYPE):
            raise FormatError(
                f"annotation {ann.id}: the label {ann.label!r} is reserved for "
                f"{'source mentions' if ann.label == SOURCE_TYPE else 'cues'}"
            )
        n_t += 1
        tid = f"T{n_t}"
        parts = document.parts.get(ann.id)
        frags = parts.fragments if parts and len(parts.fragments) > 1 else ()
        if frags:
            offsets = ";".join(f"{a} {b}" for a, b in frags)
            shown = " ".join(text[a:b] for a, b in frags)
            lines.append(f"{tid}\t{label} {offsets}\t{span_text_field(shown)}")
        else:
            lines.append(f"{tid}\t{label} {ann.start} {ann.end}\t{span_text_field(ann.text)}")
        if ann.source_start is not None and ann.source_end is not None:
            span = (ann.source_start, ann.source_end)
            sid = source_ids.get(span)
            if sid is None:
                n_t += 1
                sid = source_ids[span] = f"T{n_t}"
                lines.append(f"{sid}\t{SOURCE_TYPE} {span[0]} {span[1]}\t"
                             f"{span_text_field(text[span[0]:span[1]])}")
            n_r += 1
            lines.append(f"R{n_r}\t{RELATION_TYPE} Arg1:{tid} Arg2:{sid}")
        if parts and parts.cue:
            n_t += 1
            cid = f"T{n_t}"
            c0, c1 = parts.cue
            lines.append(f"{cid}\t{CUE_TYPE} {c0} {c1}\t{span_text_field(text[c0:c1])}")
            n_r += 1
            lines.append(f"R{n_r}\t{CUE_TYPE} Arg1:{tid} Arg2:{cid}")
        for name, value in facets_dict(ann).items():
            n_a += 1
            lines.append(f"A{n_a}\t{name} {tid} {encode_token(facet_token(value))}")
        if ann.note:
            n_c += 1
            lines.append(f"#{n_c}\t{NOTE_TYPE} {tid}\t{escape_note(ann.note)}")
        n_c += 1
        meta = {"id": ann.id, **annotation_extras(ann, with_facets=False)}
        lines.append(f"#{n_c}\t{META_TYPE} {tid}\t{json.dumps(meta, ensure_ascii=True)}")
    return text, "".join(line + "\n" for line in lines)
