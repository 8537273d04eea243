"""The label set (source types) as data: loaded from ``resources/taxonomy.json``."""

from __future__ import annotations

import json
import re
from pathlib import Path

from annotator.domain.errors import UserInputError
from annotator.domain.model import Label

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class TaxonomyError(UserInputError):
    pass


def parse_taxonomy(data: object, *, origin: str = "taxonomy") -> list[Label]:
    """Validate a taxonomy document ``{"labels": [{key, name, color, ...}]}``."""
    if not isinstance(data, dict) or not isinstance(data.get("labels"), list):
        raise TaxonomyError(f"{origin}: expected an object with a 'labels' list")
    labels: list[Label] = []
    seen: set[str] = set()
    for n, item in enumerate(data["labels"], start=1):
        if not isinstance(item, dict):
            raise TaxonomyError(f"{origin}: label #{n} is not an object")
        key, name, color = item.get("key"), item.get("name"), item.get("color")
        if not isinstance(key, str) or not _KEY.match(key):
            raise TaxonomyError(f"{origin}: label #{n} has an invalid key {key!r}")
        if key in seen:
            raise TaxonomyError(f"{origin}: label key {key!r} appears twice")
        if not isinstance(name, str) or not name.strip():
            raise TaxonomyError(f"{origin}: label {key!r} has no name")
        if not isinstance(color, str) or not _COLOR.match(color):
            raise TaxonomyError(f"{origin}: label {key!r} has an invalid colour {color!r}")
        seen.add(key)
        labels.append(
            Label(
                key=key,
                name=name.strip(),
                color=color.lower(),
                position=n,
                description=str(item.get("description", "")),
                example=str(item.get("example", "")),
                retired=bool(item.get("retired", False)),
            )
        )
    if not labels:
        raise TaxonomyError(f"{origin}: no labels")
    return labels


def load_taxonomy(path: Path) -> list[Label]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise TaxonomyError(f"{path}: cannot read taxonomy ({exc})") from None
    return parse_taxonomy(data, origin=str(path))
