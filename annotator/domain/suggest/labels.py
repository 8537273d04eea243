"""Map the engine's source kinds onto a project's taxonomy (its label keys)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

OTHER = "other"


def map_kind(kind: str, label_keys: Collection[str],
             mapping: Mapping[str, str] | None = None) -> str:
    """The label key to propose for ``kind``.

    An explicit ``mapping`` wins; otherwise the kind itself when the project has a
    label with that key; otherwise ``other`` (when the project has it), else the first
    label key so the suggestion can still be accepted and re-typed.
    """
    if mapping and kind in mapping and mapping[kind] in label_keys:
        return mapping[kind]
    if kind in label_keys:
        return kind
    if OTHER in label_keys:
        return OTHER
    return next(iter(label_keys), OTHER)
