"""Paragraph text and core properties of a Word ``.docx`` file (standard library only).

A ``.docx`` is a zip archive; the body is ``word/document.xml``. Each ``w:p``
paragraph becomes one line; inside it, ``w:t`` is text, ``w:tab`` a tab,
``w:br``/``w:cr`` a line break, ``w:noBreakHyphen`` a hyphen. Deleted tracked
changes (``w:delText``), field codes (``w:instrText``), and the fallback copy of
alternate content (``mc:Fallback``) are left out, so nothing appears twice. Text
boxes inside a paragraph become paragraphs of their own after it. Headers,
footers, footnotes and comments are not part of the article and are not read.

Hostile archives are refused before anything large is inflated:

* not a zip, or a zip without ``word/document.xml`` (an ``.xlsx``, ``.odt``,
  ``.epub`` renamed, or any other zip) — said so;
* zip bombs: too many entries, a declared uncompressed size above
  :data:`MAX_XML_BYTES`, or a compression ratio above :data:`MAX_RATIO`; the size is
  enforced while inflating too, since the declared size can lie;
* XML with a DOCTYPE (entity expansion, external entities): a real ``.docx`` has none.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from annotator.domain.text_import import ArticleInputError, normalise_newlines

MAX_DOCX_BYTES = 50 * 1024 * 1024
"""Largest ``.docx`` file accepted (compressed)."""
MAX_XML_BYTES = 64 * 1024 * 1024
"""Largest uncompressed ``word/document.xml`` accepted."""
MAX_RATIO = 200
"""Highest compression ratio accepted for a part larger than :data:`RATIO_FLOOR`."""
RATIO_FLOOR = 1024 * 1024
MAX_ENTRIES = 10_000

DOCUMENT = "word/document.xml"
CORE = "docProps/core.xml"

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_DCTERMS = "{http://purl.org/dc/terms/}"

_SKIP = frozenset({
    W + "delText", W + "instrText", W + "delInstrText", MC + "Fallback", W + "footnoteReference",
    W + "commentReference", W + "del",
})


@dataclass
class DocxArticle:
    text: str
    title: str = ""
    author: str = ""
    created: str = ""
    warnings: list[str] = field(default_factory=list)


def _read_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.file_size > limit:
        raise ArticleInputError(
            f"{info.filename} inflates to {info.file_size / 1e6:.0f} MB (limit "
            f"{limit / 1e6:.0f} MB); refused as a possible zip bomb"
        )
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(1, info.compress_size):
        raise ArticleInputError(
            f"{info.filename} is compressed {info.file_size // max(1, info.compress_size)}:1; "
            f"refused as a possible zip bomb"
        )
    try:
        with zf.open(info) as fh:
            data = fh.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ArticleInputError(f"{info.filename} cannot be read from the archive ({exc})") \
            from None
    except Exception as exc:  # zlib.error and friends from a corrupt stream
        raise ArticleInputError(f"{info.filename} is corrupt ({exc})") from None
    if len(data) > limit:
        raise ArticleInputError(
            f"{info.filename} inflates beyond {limit / 1e6:.0f} MB; refused as a possible zip bomb"
        )
    return data


def _parse_xml(data: bytes, name: str) -> ET.Element:
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise ArticleInputError(f"{name} declares a DOCTYPE or entities; not a Word document")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise ArticleInputError(f"{name} is not well-formed XML ({exc})") from None


def _paragraphs(body: ET.Element) -> list[str]:
    """One line per ``w:p`` in document order; text boxes inside a paragraph follow it."""
    lines: list[str] = []

    def paragraph(p: ET.Element) -> None:
        buf: list[str] = []
        nested: list[ET.Element] = []
        collect(p, buf, nested)
        for line in normalise_newlines("".join(buf)).split("\n"):
            if line.strip():
                lines.append(line.rstrip())
        for inner in nested:
            paragraph(inner)

    def collect(elem: ET.Element, buf: list[str], nested: list[ET.Element]) -> None:
        for child in elem:
            tag = child.tag
            if tag in _SKIP:
                continue
            if tag == W + "p":
                nested.append(child)
                continue
            if tag == W + "t":
                buf.append(child.text or "")
            elif tag in (W + "tab", W + "ptab"):
                buf.append("\t")
            elif tag in (W + "br", W + "cr"):
                buf.append("\n")
            elif tag == W + "noBreakHyphen":
                buf.append("-")
            collect(child, buf, nested)

    def block(elem: ET.Element) -> None:
        for child in elem:
            if child.tag in _SKIP:
                continue
            if child.tag == W + "p":
                paragraph(child)
            else:
                block(child)  # tables, rows, cells, content controls

    try:
        block(body)
    except RecursionError:
        raise ArticleInputError(f"{DOCUMENT} is nested too deeply to read") from None
    return lines


def _core_properties(zf: zipfile.ZipFile) -> tuple[str, str, str]:
    try:
        info = zf.getinfo(CORE)
    except KeyError:
        return "", "", ""
    try:
        root = _parse_xml(_read_part(zf, info, 1024 * 1024), CORE)
    except ArticleInputError:
        return "", "", ""  # metadata is optional; a broken core.xml does not sink the text

    def find(tag: str) -> str:
        elem = root.find(tag)
        return " ".join((elem.text or "").split()) if elem is not None else ""

    return find(_DC + "title"), find(_DC + "creator"), find(_DCTERMS + "created")


def docx_to_text(data: bytes) -> DocxArticle:
    """Text and core properties of ``.docx`` bytes; :class:`ArticleInputError` if refused."""
    if len(data) > MAX_DOCX_BYTES:
        raise ArticleInputError(
            f"file is too large ({len(data) / 1e6:.0f} MB; the limit is "
            f"{MAX_DOCX_BYTES / 1e6:.0f} MB)"
        )
    if not data.startswith(b"PK"):
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise ArticleInputError(
                "this is an old Word .doc file (not .docx); save it as .docx or .txt first"
            )
        raise ArticleInputError("not a .docx file (a .docx is a zip archive; this is not one)")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ArticleInputError(f"not a readable .docx file (damaged zip archive: {exc})") \
            from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ArticleInputError(
                f"the archive has {len(infos)} entries; refused as a possible zip bomb"
            )
        try:
            info = zf.getinfo(DOCUMENT)
        except KeyError:
            names = ", ".join(sorted(i.filename for i in infos)[:5]) or "nothing"
            raise ArticleInputError(
                f"a zip archive but not a Word .docx (no {DOCUMENT}; it holds {names}…)"
            ) from None
        if info.flag_bits & 0x1:
            raise ArticleInputError("the document is encrypted (password-protected)")
        root = _parse_xml(_read_part(zf, info, MAX_XML_BYTES), DOCUMENT)
        if root.tag != W + "document":
            raise ArticleInputError(f"{DOCUMENT} is not a WordprocessingML document")
        title, author, created = _core_properties(zf)
    body = root.find(W + "body")
    text = "\n".join(_paragraphs(body)) if body is not None else ""
    if not text.strip():
        raise ArticleInputError("the document has no text")
    return DocxArticle(text=text, title=title, author=author, created=created)
