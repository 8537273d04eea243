"""Turn the bytes of an article file into canonical stored text.

Canonical text is what every offset refers to, so it is fixed once, here:
decoded (UTF-8 with or without BOM, UTF-16 with BOM, else a reported legacy
single-byte fallback), newlines normalised to ``\\n``. Files that cannot be an
article (empty, binary, undecodable, too large) are refused with a message that
names the problem; the caller adds the file name.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass

from annotator.domain.errors import UserInputError

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".html", ".htm", ".docx")
"""Article file types the importer reads (here so the window's file filters need no
storage stack at start-up)."""

MAX_ARTICLE_BYTES = 50 * 1024 * 1024
"""Larger files are refused: an article is never this big, and the text view would stall."""

LEGACY_FALLBACK = "cp1252"


class ArticleInputError(UserInputError):
    """A file that cannot be imported as an article; the message says why."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    warning: str | None = None
    """Set when the decoding was a guess the user should know about."""


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF, so offsets are the same on every platform."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192] or b"\x00" in data[-8192:]


def decode_article_bytes(data: bytes) -> DecodedText:
    """Decode and normalise article bytes, or raise :class:`ArticleInputError`."""
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleInputError(
            f"file is too large ({len(data) / 1e6:.0f} MB; the limit is "
            f"{MAX_ARTICLE_BYTES / 1e6:.0f} MB per article)"
        )
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data[len(codecs.BOM_UTF8):], "utf-8"), "utf-8-sig"
        warning = None
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding, warning = _strict(data, "utf-16"), "utf-16", None
    else:
        if _looks_binary(data):
            raise ArticleInputError("file looks binary (it contains NUL bytes), not text")
        try:
            text, encoding, warning = data.decode("utf-8"), "utf-8", None
        except UnicodeDecodeError as exc:
            text = _legacy(data, exc)
            encoding = LEGACY_FALLBACK
            warning = (
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                f"read as Windows-1252 — check accented characters and quotes"
            )
    if "\x00" in text:
        raise ArticleInputError("file looks binary (it contains NUL characters), not text")
    _refuse_control_heavy(text)
    text = normalise_newlines(text)
    if not text.strip():
        raise ArticleInputError("file is empty (no text to annotate)")
    return DecodedText(text=text, encoding=encoding, warning=warning)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ArticleInputError(
            f"cannot be decoded as {encoding.upper()} despite its byte-order mark "
            f"(bad bytes at offset {exc.start})"
        ) from None


def _legacy(data: bytes, exc: UnicodeDecodeError) -> str:
    """Single-byte fallback, refused if the result is mostly control characters."""
    try:
        text = data.decode(LEGACY_FALLBACK)
    except UnicodeDecodeError:
        raise ArticleInputError(
            f"not valid UTF-8 (bad byte at offset {exc.start}) and not Windows-1252 either"
        ) from None
    return text


def _refuse_control_heavy(text: str) -> None:
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(8, len(sample) // 100):
        raise ArticleInputError("file looks binary (too many control characters), not text")


def title_from_text(text: str, fallback: str) -> str:
    """First non-empty line (without Markdown heading marks), shortened."""
    for line in text.split("\n"):
        line = line.strip().lstrip("#").strip()
        if line:
            if len(line) <= 100:
                return line
            cut = line[:100].rsplit(" ", 1)[0].rstrip(",;:—-– ")
            return cut + "…"
    return fallback
