"""The one list of annotation file formats: name, title, extensions, offset unit, read, write.

Every place that offers a format — the CLI's ``--format`` choices (``export`` and
``import``), the services' import/export dispatch and extension sniffing, the
window's menus and file-dialog filters — takes it from :data:`FORMATS`, so adding
a format (or correcting a peer's offset unit) is one edit here, not five. The
model is napari's npe2 manifest, where each reader/writer contribution declares
its name, title and file extensions in one place.

A format's *shape* says how its reader and writer are called, because the files
differ in what they hold:

* ``"rows"`` — this app's CSV: one row per annotation of many articles, addressed
  by article id; read and written by the services layer against a project
  (:mod:`annotator.services.export_csv`), so the domain entry has no reader/writer;
* ``"records"`` — each record carries its article text (doccano, Label Studio):
  ``reader(content) -> list[Document]``, ``writer(documents, indent=...) -> str``;
* ``"annotations"`` — the file does not carry the text (W3C): one article per file,
  ``reader(content, text, article_id=...) -> W3CImport``,
  ``writer(document, out, indent=...)`` streams to a text file object;
* ``"pairs"`` — a ``.txt`` + ``.ann`` pair per article (brat), written to a folder:
  ``reader(base_dir, name) -> Document``, ``writer(folder, name, document, overwrite=...)``.

Readers and writers are named ``"module:function"`` and imported on first use, so
building the CLI's argument parser does not import every converter.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from annotator.domain.formats import UNIT_CODE_POINTS, UNIT_UTF16

Shape = Literal["rows", "records", "annotations", "pairs"]

_PKG = "annotator.domain.formats"


@dataclass(frozen=True)
class FileFormat:
    """One annotation file format as every front end offers it."""

    name: str
    """The ``--format`` value and the services' format key."""
    title: str
    """Human name for menus and file-dialog filters."""
    extensions: tuple[str, ...]
    """Lower-case suffixes with the dot; the first is proposed for exports."""
    offset_unit: str
    """How the file counts span offsets (``UNIT_*`` of :mod:`annotator.domain.formats`)."""
    shape: Shape
    reader_ref: str | None
    writer_ref: str | None
    one_article_per_file: bool = False
    """An export needs a single article (W3C)."""
    writes_folder: bool = False
    """An export is a folder of files (brat)."""
    creates_articles: bool = False
    """Its records carry the article text, so an import can create articles."""

    @property
    def reader(self) -> Callable[..., Any]:
        return _load(self.reader_ref, self.name, "reader")

    @property
    def writer(self) -> Callable[..., Any]:
        return _load(self.writer_ref, self.name, "writer")

    @property
    def default_extension(self) -> str:
        return self.extensions[0]

    @property
    def file_filter(self) -> str:
        """A Qt file-dialog filter, e.g. ``"Label Studio JSON (*.json)"``."""
        patterns = " ".join(f"*{ext}" for ext in self.extensions)
        return f"{self.title} ({patterns})"

    @property
    def unit_short(self) -> str:
        """``"code points"`` or ``"UTF-16 units"``, for menu hints."""
        return "UTF-16 units" if self.offset_unit == UNIT_UTF16 else "code points"


def _load(ref: str | None, name: str, what: str) -> Callable[..., Any]:
    if ref is None:
        raise LookupError(f"format {name!r} has no domain-level {what} (it is project-level)")
    module, _, func = ref.partition(":")
    return getattr(importlib.import_module(module), func)  # type: ignore[no-any-return]


FORMATS: tuple[FileFormat, ...] = (
    FileFormat(
        name="csv", title="CSV", extensions=(".csv",), offset_unit=UNIT_CODE_POINTS,
        shape="rows", reader_ref=None, writer_ref=None,
    ),
    FileFormat(
        name="doccano", title="doccano JSONL", extensions=(".jsonl", ".ndjson"),
        offset_unit=UNIT_UTF16, shape="records",
        reader_ref=f"{_PKG}.doccano:import_doccano", writer_ref=f"{_PKG}.doccano:export_doccano",
        creates_articles=True,
    ),
    FileFormat(
        name="labelstudio", title="Label Studio JSON", extensions=(".json",),
        offset_unit=UNIT_CODE_POINTS, shape="records",  # UTF-16 files before 2021: read too
        reader_ref=f"{_PKG}.labelstudio:import_labelstudio",
        writer_ref=f"{_PKG}.labelstudio:export_labelstudio",
        creates_articles=True,
    ),
    FileFormat(
        name="w3c", title="W3C Web Annotation JSON-LD", extensions=(".jsonld", ".json"),
        offset_unit=UNIT_CODE_POINTS, shape="annotations",
        reader_ref=f"{_PKG}.w3c:import_w3c", writer_ref=f"{_PKG}.w3c:write_w3c",
        one_article_per_file=True,
    ),
    FileFormat(
        name="brat", title="brat standoff", extensions=(".ann", ".txt"),
        offset_unit=UNIT_CODE_POINTS, shape="pairs",
        reader_ref=f"{_PKG}.brat:read_brat", writer_ref=f"{_PKG}.brat:write_brat",
        writes_folder=True, creates_articles=True,
    ),
)

_BY_NAME = {f.name: f for f in FORMATS}


def format_names() -> tuple[str, ...]:
    """Every format's ``name``, in menu order (the ``--format`` choices)."""
    return tuple(f.name for f in FORMATS)


def get_format(name: str) -> FileFormat:
    """The format called ``name``; :class:`KeyError` naming the known ones otherwise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r} (use {', '.join(_BY_NAME)})") from None


def formats_for_extension(suffix: str) -> tuple[FileFormat, ...]:
    """Formats whose files may end in ``suffix`` (``".json"``: Label Studio and W3C)."""
    suffix = suffix.lower()
    return tuple(f for f in FORMATS if suffix in f.extensions)


__all__ = ["FORMATS", "FileFormat", "Shape", "format_names", "formats_for_extension",
           "get_format"]
