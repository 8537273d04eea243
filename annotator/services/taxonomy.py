"""Editing the taxonomy (the label set): one transaction per use case.

Rules every function here keeps:

* **Keys never change.** Annotations refer to a label by its key (a foreign key), so
  renaming, recolouring, describing, reordering or retiring a label never touches an
  annotation: nothing is lost or silently relabelled.
* **Retire, don't delete.** A retired label stays in the table (and in
  ``Project.labels()`` with ``retired=True``) so existing annotations keep showing its
  name and colour; it is only refused for *new* annotations. A label can be deleted
  only while no annotation uses it.
* **Positions are normalised.** After every change the active labels hold positions
  ``1..n`` in display order and retired labels follow at ``n+1..``. ``Label.shortcut``
  derives the digit keys from the position, so the first nine *active* labels always
  have the contiguous shortcuts 1–9, and retiring or reordering moves the digits of
  the labels after it. (A database written before this editor may have gaps; the
  first edit normalises it.)
* At least one label always stays active, and names are unique (case-insensitively,
  retired labels included, since those still appear on old annotations).

Every function validates its input and raises :class:`UserInputError` with a message
meant for the analyst, and calls ``project.invalidate_labels()`` after the change.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from annotator.domain.errors import UserInputError
from annotator.domain.model import Label
from annotator.domain.taxonomy import TaxonomyError, parse_taxonomy
from annotator.services.project import Project
from annotator.storage import label_crud

__all__ = [
    "FORMAT_VERSION",
    "LabelUpdate",
    "ShortcutChange",
    "TaxonomyError",
    "TaxonomyImportReport",
    "add_label",
    "current_labels",
    "delete_label",
    "export_taxonomy",
    "import_taxonomy",
    "label_usage",
    "check_label_name",
    "make_key",
    "reorder_labels",
    "restore_label",
    "retire_label",
    "suggest_color",
    "update_label",
]

FORMAT_VERSION = 2
"""``"version"`` written by :func:`export_taxonomy` (the format of resources/taxonomy.json)."""

MAX_NAME_CHARS = 80
MAX_KEY_CHARS = 64  # LabelRow.key
_SLUG_CHARS = 40

_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")

SUGGESTED_COLORS = (
    # Tableau 20: distinguishable on white, and the family the default taxonomy uses.
    "#4e79a7", "#59a14f", "#f28e2b", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
    "#9c755f", "#ff9da7", "#bab0ac", "#a0cbe8", "#8cd17d", "#ffbe7d", "#ff9d9a",
    "#86bcb6", "#f1ce63", "#d4a6c8", "#d7b5a6", "#499894", "#79706e",
)

_CONFLICT = ("someone else changed the taxonomy at the same moment; "
             "nothing was changed, please try again")


# --- validation -------------------------------------------------------------

def _clean_name(name: object, *, where: str = "") -> str:
    if not isinstance(name, str):
        raise UserInputError(f"{where}label name must be text")
    cleaned = " ".join(name.split())
    if not cleaned:
        raise UserInputError(f"{where}a label needs a name")
    if len(cleaned) > MAX_NAME_CHARS:
        raise UserInputError(f"{where}label name {cleaned[:30] + '…'!r} is too long "
                             f"({len(cleaned)} characters; at most {MAX_NAME_CHARS})")
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Cn") or ch in _BIDI_CONTROLS
           for ch in cleaned):
        raise UserInputError(f"{where}label name {cleaned[:30]!r} contains control or "
                             f"unassigned characters")
    return cleaned


def check_label_name(name: object, *, where: str = "") -> str:
    """The cleaned name (whitespace collapsed) or :class:`UserInputError`: empty, longer
    than :data:`MAX_NAME_CHARS`, or holding control/format/unassigned characters."""
    return _clean_name(name, where=where)


def _clean_color(color: object) -> str:
    text = color.strip() if isinstance(color, str) else ""
    if not _COLOR.match(text):
        raise UserInputError(f"colour must be written as #rrggbb (like #4e79a7), not {color!r}")
    return text.lower()


def _clean_text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise UserInputError(f"label {what} must be text")
    return value.strip()


def _check_unique_name(labels: Iterable[Label], name: str, *, except_key: str | None = None
                       ) -> None:
    folded = name.casefold()
    for lab in labels:
        if lab.key != except_key and lab.name.casefold() == folded:
            state = " (retired)" if lab.retired else ""
            raise UserInputError(
                f"a label named {lab.name!r} already exists{state}; choose another name")


def _find(labels: Iterable[Label], key: str) -> Label:
    for lab in labels:
        if lab.key == key:
            return lab
    raise UserInputError(f"there is no label with key {key!r} (deleted by someone else?)")


def make_key(name: str, taken: Iterable[str] = ()) -> str:
    """A stable key for a new label: an ASCII slug of its name, unique among ``taken``.

    ``"Expert (named)"`` → ``"expert_named"``; a name with no Latin letters becomes
    ``"label"``; clashes get ``_2``, ``_3``…  Keys match the taxonomy file's key rule
    (``[a-z][a-z0-9_]*``) so an exported taxonomy always imports again.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = f"label_{slug}" if slug else "label"
    slug = slug[:_SLUG_CHARS].rstrip("_")
    used = set(taken)
    key, n = slug, 2
    while key in used:
        key, n = f"{slug}_{n}", n + 1
    return key


def suggest_color(labels: Iterable[Label]) -> str:
    """The first colour of :data:`SUGGESTED_COLORS` no label uses yet."""
    used = {lab.color.lower() for lab in labels}
    for color in SUGGESTED_COLORS:
        if color not in used:
            return color
    return SUGGESTED_COLORS[len(used) % len(SUGGESTED_COLORS)]


# --- positions --------------------------------------------------------------

def _normalised(order: Sequence[Label]) -> list[Label]:
    """Active labels first (1..n, in ``order``), then retired ones."""
    active = [lab for lab in order if not lab.retired]
    retired = [lab for lab in order if lab.retired]
    return [replace(lab, position=i) for i, lab in enumerate(active + retired, start=1)]


def _write_positions(session: Session, before: Sequence[Label], order: Sequence[Label]
                     ) -> list[Label]:
    final = _normalised(order)
    stored = {lab.key: lab.position for lab in before}
    label_crud.set_positions(session=session, positions={
        lab.key: lab.position for lab in final
        if lab.key in stored and stored[lab.key] != lab.position
    })
    return final


# --- transactions -----------------------------------------------------------

@contextmanager
def _editing(project: Project, *, conflict: str = _CONFLICT
             ) -> Iterator[tuple[Session, list[Label]]]:
    """One transaction with the label rows locked; labels in stored order."""
    try:
        with project.transaction() as session:
            yield session, label_crud.list_labels(session=session, for_update=True)
    except IntegrityError:
        raise UserInputError(conflict) from None
    finally:
        project.invalidate_labels()


def current_labels(project: Project) -> list[Label]:
    """All labels (retired included) as stored now, bypassing the project's cache."""
    project.invalidate_labels()
    return project.labels()


def label_usage(project: Project) -> dict[str, int]:
    """``{key: number of annotations using it}`` for every label (0 if unused)."""
    with project.reading() as session:
        counts = label_crud.count_annotations_by_label(session=session)
        keys = [lab.key for lab in label_crud.list_labels(session=session)]
    return {key: counts.get(key, 0) for key in keys}


# --- use cases --------------------------------------------------------------

def add_label(project: Project, *, name: str, color: str, description: str = "",
              example: str = "") -> Label:
    """Add an active label after the last active one; its key is derived from the name."""
    name = _clean_name(name)
    color = _clean_color(color)
    description = _clean_text(description, "description")
    example = _clean_text(example, "example")
    with _editing(project) as (session, labels):
        _check_unique_name(labels, name)
        key = make_key(name, (lab.key for lab in labels))
        new = Label(key=key, name=name, color=color, position=0, description=description,
                    example=example)
        active = [lab for lab in labels if not lab.retired]
        retired = [lab for lab in labels if lab.retired]
        final = _write_positions(session, labels, [*active, new, *retired])
        added = _find(final, key)
        label_crud.insert_label(session=session, label=added)
    return added


def update_label(project: Project, key: str, *, name: str | None = None,
                 color: str | None = None, description: str | None = None,
                 example: str | None = None) -> Label:
    """Rename, recolour or describe a label. Its key (and so every annotation) stays."""
    if name is not None:
        name = _clean_name(name)
    if color is not None:
        color = _clean_color(color)
    if description is not None:
        description = _clean_text(description, "description")
    if example is not None:
        example = _clean_text(example, "example")
    with _editing(project) as (session, labels):
        label = _find(labels, key)
        if name is not None:
            _check_unique_name(labels, name, except_key=key)
        label_crud.update_label(session=session, key=key, name=name, color=color,
                                description=description, example=example)
    return replace(label, name=label.name if name is None else name,
                   color=label.color if color is None else color,
                   description=label.description if description is None else description,
                   example=label.example if example is None else example)


def reorder_labels(project: Project, keys_in_order: Sequence[str]) -> list[Label]:
    """Put labels in this order (which changes the shortcuts 1–9); return all labels.

    Keys not listed (say, one a colleague added meanwhile) keep their relative order
    after the listed ones. Retired labels always stay after the active ones.
    """
    if isinstance(keys_in_order, str):
        raise TypeError("keys_in_order must be a sequence of keys, not one string")
    seen: set[str] = set()
    for key in keys_in_order:
        if key in seen:
            raise UserInputError(f"label {key!r} is listed twice in the new order")
        seen.add(key)
    with _editing(project) as (session, labels):
        by_key = {lab.key: lab for lab in labels}
        for key in keys_in_order:
            _find(labels, key)
        order = [by_key[k] for k in keys_in_order] + [
            lab for lab in labels if lab.key not in seen]
        final = _write_positions(session, labels, order)
    return final


def _set_retired(project: Project, key: str, retired: bool) -> Label:
    with _editing(project) as (session, labels):
        label = _find(labels, key)
        if label.retired == retired:
            return label
        if retired and sum(not lab.retired for lab in labels) == 1:
            raise UserInputError(f"cannot retire {label.name!r}: it is the only active "
                                 "label; add another label first")
        changed = replace(label, retired=retired)
        label_crud.update_label(session=session, key=key, retired=retired)
        # Moved to the end of its group: a retired label after the others, a restored
        # one after the last active label (so existing shortcuts stay as they are).
        order = [lab for lab in labels if lab.key != key] + [changed]
        final = _write_positions(session, labels, order)
    return _find(final, key)


def retire_label(project: Project, key: str) -> Label:
    """Refuse the label for new annotations; existing ones keep it and still show it."""
    return _set_retired(project, key, True)


def restore_label(project: Project, key: str) -> Label:
    """Make a retired label usable again (placed after the last active label)."""
    return _set_retired(project, key, False)


def delete_label(project: Project, key: str) -> None:
    """Delete a label no annotation uses (a used one must be retired instead)."""
    raced = ("the label was used by an annotation a moment ago, so it was not deleted; "
             "retire it instead")
    with _editing(project, conflict=raced) as (session, labels):
        label = _find(labels, key)
        used = label_crud.count_annotations_with_label(session=session, key=key)
        if used:
            raise UserInputError(
                f"cannot delete {label.name!r}: {used} annotation{'s' if used != 1 else ''} "
                "use it. Retire it instead — a retired label stays on existing annotations "
                "but cannot be used for new ones")
        if not label.retired and sum(not lab.retired for lab in labels) == 1:
            raise UserInputError(f"cannot delete {label.name!r}: it is the only active "
                                 "label; add another label first")
        label_crud.delete_label(session=session, key=key)
        rest = [lab for lab in labels if lab.key != key]
        _write_positions(session, rest, rest)


# --- file exchange ----------------------------------------------------------

def _as_file_entry(label: Label) -> dict[str, object]:
    entry: dict[str, object] = {
        "key": label.key, "name": label.name, "color": label.color,
        "description": label.description, "example": label.example,
    }
    if label.retired:
        entry["retired"] = True
    return entry


def export_taxonomy(project: Project) -> str:
    """The taxonomy as JSON in the format of ``resources/taxonomy.json`` (all labels,
    retired ones marked ``"retired": true``, in display order)."""
    labels = current_labels(project)
    doc = {"version": FORMAT_VERSION, "labels": [_as_file_entry(lab) for lab in labels]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True)
class LabelUpdate:
    key: str
    old_name: str
    new_name: str
    fields: tuple[str, ...]
    """Which of name, color, description, example changed."""


@dataclass(frozen=True)
class ShortcutChange:
    key: str
    name: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class TaxonomyImportReport:
    """What an import changed (or, with ``applied=False``, would change)."""

    origin: str
    applied: bool
    added: tuple[Label, ...] = ()
    updated: tuple[LabelUpdate, ...] = ()
    retired: tuple[Label, ...] = ()
    """Marked ``"retired": true`` in the file."""
    kept_retired: tuple[Label, ...] = ()
    """Missing from the file but used by annotations: retired, never deleted."""
    restored: tuple[Label, ...] = ()
    deleted: tuple[Label, ...] = ()
    """Missing from the file and used by no annotation."""
    shortcuts: tuple[ShortcutChange, ...] = ()
    reordered: bool = False
    usage: Mapping[str, int] = field(default_factory=dict, compare=False)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.retired or self.kept_retired
                    or self.restored or self.deleted or self.reordered)

    def summary(self) -> str:
        """Plain-text lines for the analyst, one per change."""
        if not self.changed:
            return "The taxonomy already matches this file; nothing changes."
        lines: list[str] = []
        for lab in self.added:
            lines.append(f"Added “{lab.name}”" + (" (retired)" if lab.retired else ""))
        for upd in self.updated:
            others = [f.replace("color", "colour") for f in upd.fields if f != "name"]
            if "name" in upd.fields:
                line = f"Renamed “{upd.old_name}” → “{upd.new_name}”"
                line += f"; new {', '.join(others)}" if others else ""
            else:
                line = f"“{upd.new_name}”: new {', '.join(others)}"
            lines.append(line)
        for lab in self.retired:
            lines.append(f"Retired “{lab.name}”")
        for lab in self.kept_retired:
            n = self.usage.get(lab.key, 0)
            lines.append(f"Retired “{lab.name}” (not in the file; kept for its {n} "
                         f"annotation{'s' if n != 1 else ''})")
        for lab in self.restored:
            lines.append(f"Restored “{lab.name}”")
        for lab in self.deleted:
            lines.append(f"Deleted “{lab.name}” (not in the file, never used)")
        for sc in self.shortcuts:
            lines.append(f"Shortcut of “{sc.name}”: {sc.before or 'none'} → {sc.after or 'none'}")
        if self.reordered and not self.shortcuts:
            lines.append("Labels reordered")
        return "\n".join(lines)


def _parse_file(text: str, origin: str) -> list[Label]:
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise TaxonomyError(f"{origin}: not a valid JSON file ({exc.msg} at line "
                            f"{exc.lineno}, column {exc.colno})") from None
    labels = parse_taxonomy(data, origin=origin)
    names: dict[str, str] = {}
    for lab in labels:
        if len(lab.key) > MAX_KEY_CHARS:
            raise TaxonomyError(f"{origin}: label key {lab.key[:20] + '…'!r} is longer than "
                                f"{MAX_KEY_CHARS} characters")
        try:
            name = _clean_name(lab.name)
        except UserInputError as exc:
            raise TaxonomyError(f"{origin}: label {lab.key!r}: {exc}") from None
        if name.casefold() in names:
            raise TaxonomyError(f"{origin}: labels {names[name.casefold()]!r} and "
                                f"{lab.key!r} have the same name {name!r}")
        names[name.casefold()] = lab.key
    return [replace(lab, name=" ".join(lab.name.split()),
                    description=lab.description.strip(), example=lab.example.strip())
            for lab in labels]


def import_taxonomy(project: Project, text: str, *, origin: str,
                    dry_run: bool = False) -> TaxonomyImportReport:
    """Merge a taxonomy file into the project, by key, all or nothing.

    Labels in the file update the stored ones (name, colour, description, example,
    retired, order) or are added; stored labels missing from the file are retired if
    any annotation uses them and deleted otherwise. The file is validated first with
    :func:`annotator.domain.taxonomy.parse_taxonomy`; a bad file changes nothing.
    ``dry_run`` only reports what would change (for a confirmation prompt).
    """
    file_labels = _parse_file(text, origin)
    with _editing(project) as (session, labels):
        usage = label_crud.count_annotations_by_label(session=session)
        current = {lab.key: lab for lab in labels}
        file_keys = {lab.key for lab in file_labels}
        order: list[Label] = []
        added, updated, retired, restored = [], [], [], []
        for new in file_labels:
            old = current.get(new.key)
            if old is None:
                added.append(new)
                order.append(new)
                continue
            fields = tuple(f for f in ("name", "color", "description", "example")
                           if getattr(old, f) != getattr(new, f))
            if fields:
                updated.append(LabelUpdate(old.key, old.name, new.name, fields))
            if new.retired and not old.retired:
                retired.append(new)
            elif old.retired and not new.retired:
                restored.append(new)
            order.append(replace(new, position=old.position))
        kept_retired, deleted = [], []
        for old in labels:
            if old.key in file_keys:
                continue
            if usage.get(old.key, 0):
                order.append(replace(old, retired=True))
                if not old.retired:
                    kept_retired.append(old)
            else:
                deleted.append(old)
        if all(lab.retired for lab in order):
            raise TaxonomyError(f"{origin}: every label would be retired; at least one must "
                                "stay active")
        seen_names: dict[str, str] = {}
        for lab in order:
            other = seen_names.setdefault(lab.name.casefold(), lab.key)
            if other != lab.key:
                raise TaxonomyError(
                    f"{origin}: label {other!r} would get the name {lab.name!r}, which label "
                    f"{lab.key!r} (not in the file, kept because it is used) already has; "
                    "rename one of them first")
        final = _normalised(order)
        shortcuts = tuple(
            ShortcutChange(lab.key, lab.name, current[lab.key].shortcut, lab.shortcut)
            for lab in final
            if lab.key in current and current[lab.key].shortcut != lab.shortcut)
        reordered = any(lab.key in current and current[lab.key].position != lab.position
                        for lab in final)
        if not dry_run:
            for lab in deleted:
                label_crud.delete_label(session=session, key=lab.key)
            for lab in final:
                if lab.key not in current:
                    label_crud.insert_label(session=session, label=lab)
                    continue
                old = current[lab.key]
                label_crud.update_label(
                    session=session, key=lab.key,
                    **{f: getattr(lab, f) for f in ("name", "color", "description",
                                                    "example", "retired")
                       if getattr(lab, f) != getattr(old, f)})
            _write_positions(session, [current[lab.key] for lab in final
                                       if lab.key in current], final)
    return TaxonomyImportReport(
        origin=origin, applied=not dry_run, added=tuple(added), updated=tuple(updated),
        retired=tuple(retired), kept_retired=tuple(kept_retired), restored=tuple(restored),
        deleted=tuple(deleted), shortcuts=shortcuts, reordered=reordered,
        usage={k: usage.get(k, 0) for k in current},
    )
