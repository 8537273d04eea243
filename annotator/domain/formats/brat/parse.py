"""The ``.ann`` line syntax: one line at a time into :class:`ParsedAnn`, nothing resolved yet.

Parsing is kept apart from resolving (:mod:`annotator.domain.formats.brat.resolve`) because the same parsed lines
are resolved twice when a ``.txt`` has Windows newlines (once per way its offsets may have
been counted); syntax errors are reported once, with the line number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from annotator.domain.formats import FormatError, IdRegistry
from annotator.domain.formats.brat.fields import DIGITS, decode_token
from annotator.domain.formats.brat.schema import (
    CUE_TYPE,
    EVENT_TYPES,
    META_TYPE,
    NOTE_TYPE,
    RELATION_TYPE,
)

_ID = re.compile(r"^[TRAME#][A-Za-z0-9_-]*$")


@dataclass
class Entity:
    tid: str
    type: str
    start: int
    end: int
    text: str
    where: str
    frags: tuple[tuple[int, int], ...] = ()
    """All fragments, in file order (one for a continuous span)."""


@dataclass
class ParsedAnn:
    entities: dict[str, Entity] = field(default_factory=dict)
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # (claim, source, where)
    cue_relations: list[tuple[str, str, str]] = field(default_factory=list)  # (claim, cue, where)
    events: list[tuple[str, str, dict[str, list[str]], str]] = field(default_factory=list)
    """(event id, type, {role: [T ids]}, where)."""
    triggers: set[str] = field(default_factory=set)
    """Events' trigger spans (the cue again, in PolNeAR): not claims, not warned about."""
    attributes: list[tuple[str, str, str | None, str]] = field(default_factory=list)
    notes: dict[str, tuple[str, str]] = field(default_factory=dict)
    metas: dict[str, tuple[str, str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def parse_ann(content: str, name: str) -> ParsedAnn:
    """Every line of an ``.ann`` by kind; refuses what we cannot import faithfully."""
    out = ParsedAnn()
    ids = IdRegistry("brat id")
    for lineno, line in enumerate(content.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        where = f"{name}.ann line {lineno}"
        head, sep, rest = line.partition("\t")
        if not sep:
            raise FormatError(f"{where}: expected tab-separated fields, found {line!r:.60}")
        kind = head[:1]
        if kind in ("N", "*"):
            what = {"N": "normalisation", "*": "equivalence"}[kind]
            raise FormatError(f"{where}: brat {what} annotations ({head}) are not supported")
        if not _ID.match(head):
            raise FormatError(f"{where}: unknown annotation id {head!r:.20}")
        ids.add(head, where=where)
        if kind == "T":
            middle, sep, span_text = rest.partition("\t")
            if not sep:
                raise FormatError(f"{where}: missing the span text field")
            type_, _, offsets = middle.partition(" ")
            frags: list[tuple[int, int]] = []
            for part in offsets.split(";"):
                fields = part.split(" ")
                if len(fields) != 2 or not type_:
                    raise FormatError(
                        f"{where}: expected 'Type start end[;start end...]', found {middle!r:.60}")
                s, e = fields
                if not DIGITS.match(s) or not DIGITS.match(e):
                    raise FormatError(
                        f"{where}: offsets must be whole numbers, found {s!r} {e!r}")
                frags.append((int(s), int(e)))
            out.entities[head] = Entity(
                head, _decode(type_, where), min(a for a, _ in frags),
                max(b for _, b in frags), span_text, where, tuple(frags))
        elif kind == "E":
            fields = rest.rstrip("\t").split()
            if not fields:
                raise FormatError(f"{where}: an event needs 'Type:Trigger'")
            type_, _, trigger = fields[0].partition(":")
            out.triggers.add(trigger)
            if type_ not in EVENT_TYPES:
                raise FormatError(
                    f"{where}: event type {type_!r} is not supported (only attribution "
                    f"events: {', '.join(EVENT_TYPES)})")
            roles: dict[str, list[str]] = {}
            for arg in fields[1:]:
                role, sep, ref = arg.partition(":")
                if not sep or not ref:
                    raise FormatError(f"{where}: event argument {arg!r:.30} is not Role:T")
                roles.setdefault(role.rstrip("0123456789") or role, []).append(ref)
            unknown = set(roles) - {"Source", "Cue", "Content"}
            if unknown:
                raise FormatError(f"{where}: event role(s) {', '.join(sorted(unknown))} "
                                  f"not understood (Source, Cue, Content)")
            out.events.append((head, type_, roles, where))
        elif kind == "R":
            fields = rest.rstrip("\t").split(" ")
            if len(fields) != 3:
                raise FormatError(f"{where}: expected 'Type Arg1:T1 Arg2:T2', found {rest!r:.60}")
            if fields[0] not in (RELATION_TYPE, CUE_TYPE):
                raise FormatError(
                    f"{where}: relation type {fields[0]!r} is not supported "
                    f"(only {RELATION_TYPE!r}, from a claim to its source mention, and "
                    f"{CUE_TYPE!r}, from a claim to its cue)"
                )
            args = dict(arg.partition(":")[::2] for arg in fields[1:])
            if set(args) != {"Arg1", "Arg2"}:
                raise FormatError(f"{where}: relation needs Arg1 and Arg2, found {fields[1:]}")
            links = out.relations if fields[0] == RELATION_TYPE else out.cue_relations
            links.append((args["Arg1"], args["Arg2"], where))
        elif kind in ("A", "M"):
            fields = rest.rstrip("\t").split(" ")
            if len(fields) not in (2, 3):
                raise FormatError(f"{where}: expected 'Name T1 [Value]', found {rest!r:.60}")
            value = _decode(fields[2], where) if len(fields) == 3 else None
            out.attributes.append((_decode(fields[0], where), fields[1], value, where))
        else:  # '#'
            middle, _, note = rest.partition("\t")
            fields = middle.split(" ")
            if len(fields) != 2:
                raise FormatError(f"{where}: expected 'AnnotatorNotes T1', found {middle!r:.60}")
            type_, target = fields
            if type_ == NOTE_TYPE:
                table = out.notes
            elif type_ == META_TYPE:
                table = out.metas
            else:
                out.warnings.append(f"{where}: comment type {type_!r} ignored")
                continue
            if target in table:
                raise FormatError(f"{where}: a second {type_} for {target}")
            table[target] = (note, where)
    return out


def _decode(token: str, where: str) -> str:
    try:
        value = decode_token(token)
    except UnicodeDecodeError:
        raise FormatError(f"{where}: bad percent-encoding in {token!r:.40}") from None
    if not value:
        raise FormatError(f"{where}: empty name")
    return value
