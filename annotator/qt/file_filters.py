"""File-dialog filters and drop routing, from the one list of formats.

Annotation formats come from :data:`annotator.domain.formats.registry.FORMATS` (name,
title, extensions, offset unit), article files from the article importer's suffixes, so
menus, filters and drag-and-drop never disagree with the CLI's ``--format`` choices.
"""

from __future__ import annotations

from annotator.domain.formats.registry import FORMATS, FileFormat
from annotator.domain.text_import import SUPPORTED_SUFFIXES

ALL_FILES = "All files (*)"


def _patterns(suffixes: tuple[str, ...] | list[str]) -> str:
    return " ".join(f"*{s}" for s in suffixes)


ARTICLE_FILTER = f"Articles ({_patterns(SUPPORTED_SUFFIXES)});;{ALL_FILES}"

ANNOTATION_SUFFIXES: tuple[str, ...] = tuple(dict.fromkeys(
    ext for f in FORMATS for ext in f.extensions
    if ext not in SUPPORTED_SUFFIXES))  # brat's .txt is an article, its .ann annotations
"""A dropped file with one of these suffixes is an annotation file to import."""

ANNOTATION_FILTER = ";;".join(
    [f"Annotation files ({_patterns(list(ANNOTATION_SUFFIXES))})"]
    + [f.file_filter for f in FORMATS] + [ALL_FILES])

EXPORT_FORMATS: tuple[FileFormat, ...] = tuple(f for f in FORMATS if f.name != "csv")
"""Other tools' formats offered under File › Export current article as (CSV has its own
commands)."""


IMPORT_AUTOMATIC = "Automatic (from the extension)"
"""The import dialog's first format choice (the services guess from the suffix)."""


def import_format_choices() -> list[tuple[str, str]]:
    """(text, ``--format`` value) for the import dialog's format box, from the registry.

    The first choice, value ``""``, lets the services pick the format from the file's
    extension; every registered format follows, named with its extensions.
    """
    return [(IMPORT_AUTOMATIC, "")] + [(f.file_filter, f.name) for f in FORMATS]


def import_placeholder() -> str:
    """Hint for the import dialog's file field: every format's extensions."""
    return f"a {', '.join(ANNOTATION_SUFFIXES)} file, or a brat folder"


def export_title(fmt: FileFormat) -> str:
    """Menu text, with the offset unit the format counts in."""
    folder = " folder" if fmt.writes_folder else ""
    return f"{fmt.title}{folder} ({fmt.unit_short})"
