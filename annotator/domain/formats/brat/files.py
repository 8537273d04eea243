"""brat pairs on disk: safe file names, atomic writes, size-limited reads.

A brat export is a folder of files named after articles, and an import reads names out of
a folder someone else made, so every name is checked before it touches the file system
(``safe_path`` also serves the other folder-writing formats).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from annotator.domain.formats import Document, FormatError
from annotator.domain.formats.brat.export import export_brat
from annotator.domain.formats.brat.resolve import import_brat
from annotator.domain.text_import import MAX_ARTICLE_BYTES

_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)


def safe_path(base_dir: Path | str, name: str) -> Path:
    """``base_dir / name`` after refusing names that could leave ``base_dir``.

    Refused: empty names, absolute paths (``/x``, ``C:\\x``, ``\\\\server``), ``..``
    and ``.`` components, backslashes (a separator on Windows), control characters,
    Windows device names (``CON``, ``NUL``…) and components ending in a dot or space
    (Windows silently drops them), and anything that resolves outside ``base_dir``
    through a symbolic link.
    """
    if not name or not name.strip():
        raise FormatError("file name is empty")
    shown = repr(name[:80])
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise FormatError(f"file name {shown} contains control characters")
    if "\\" in name:
        raise FormatError(f"file name {shown} contains a backslash")
    if name.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", name):
        raise FormatError(f"file name {shown} is an absolute path")
    parts = name.split("/")
    for part in parts:
        if part in ("", ".", ".."):
            raise FormatError(f"file name {shown} may not contain empty, '.' or '..' parts")
        if part.split(".")[0].upper() in _WINDOWS_RESERVED:
            raise FormatError(f"file name {shown} uses a reserved device name")
        if part.endswith((".", " ")):
            raise FormatError(f"file name {shown} has a part ending in a dot or space")
    base = Path(base_dir)
    path = base.joinpath(*parts)
    if not path.resolve().is_relative_to(base.resolve()):
        raise FormatError(f"file name {shown} leads outside {str(base)!r}")
    return path


def brat_paths(base_dir: Path | str, name: str) -> tuple[Path, Path]:
    """The ``.txt`` and ``.ann`` paths for document ``name`` (extension optional)."""
    stem = name.removesuffix(".txt").removesuffix(".ann")
    safe_path(base_dir, stem)  # the stem itself must be a clean name, not just stem + ".txt"
    return safe_path(base_dir, stem + ".txt"), safe_path(base_dir, stem + ".ann")


def write_brat(
    base_dir: Path | str, name: str, document: Document, *, overwrite: bool = False
) -> tuple[Path, Path]:
    """Write ``name.txt`` and ``name.ann`` under ``base_dir`` (atomically, UTF-8, LF)."""
    txt_path, ann_path = brat_paths(base_dir, name)
    if not overwrite:
        for path in (txt_path, ann_path):
            if path.exists():
                raise FormatError(f"{path} already exists")
    txt, ann = export_brat(document)
    txt_path.parent.mkdir(parents=True, exist_ok=True)
    # Re-check after creating folders: a folder created meanwhile could be a link.
    brat_paths(base_dir, name)
    for path, content in ((txt_path, txt), (ann_path, ann)):
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content.encode("utf-8"))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return txt_path, ann_path


def read_brat(
    base_dir: Path | str, name: str, *, article_id: int | None = None,
    text_path: Path | None = None,
) -> Document:
    """Read ``name.txt`` and ``name.ann`` from ``base_dir`` (a missing ``.ann`` = no spans).

    ``text_path`` reads the text from that file instead: attribution corpora keep one
    text and one ``.ann`` per annotator (``article_4b22.ann``), PolNeAR in a sibling
    ``text/`` folder. The caller found that path itself (see services/interop.py).
    """
    txt_path, ann_path = brat_paths(base_dir, name)
    if text_path is not None:
        txt_path = text_path
    label = name.removesuffix(".txt").removesuffix(".ann")
    txt = _read_limited(txt_path)
    ann = _read_limited(ann_path) if ann_path.exists() else b""
    return import_brat(txt, ann, name=label, article_id=article_id)


def _read_limited(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise FormatError(f"{path.name}: too large ({size / 1e6:.0f} MB)")
        return path.read_bytes()
    except OSError as exc:
        raise FormatError(f"{path.name}: cannot read ({exc.strerror or exc})") from None
