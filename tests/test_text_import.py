"""Article bytes -> canonical text: encodings, newlines and refusals."""

from __future__ import annotations

import codecs

import pytest

from annotator.domain.text_import import ArticleInputError, decode_article_bytes, title_from_text

TEXT = "Café “quoted” 😀 𠀋\nsecond line"


@pytest.mark.parametrize("data,encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("utf-16"), "utf-16"),
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
])
def test_unicode_encodings(data: bytes, encoding: str) -> None:
    result = decode_article_bytes(data)
    assert result.text == TEXT and result.encoding == encoding and result.warning is None


def test_crlf_and_cr_normalised() -> None:
    assert decode_article_bytes(b"a\r\nb\rc\n").text == "a\nb\nc\n"


def test_legacy_fallback_is_reported() -> None:
    result = decode_article_bytes("Caf\u00e9 \u201cquote\u201d".encode("cp1252"))
    assert result.text == "Café “quote”"
    assert result.encoding == "cp1252" and "Windows-1252" in (result.warning or "")


@pytest.mark.parametrize("data,needle", [
    (b"", "empty"),
    (b"  \n\t\r\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (codecs.BOM_UTF8 + b"\xff\xfe bad", "UTF-8"),
    (bytes(range(1, 32)) * 40, "binary"),
])
def test_refusals_name_the_problem(data: bytes, needle: str) -> None:
    with pytest.raises(ArticleInputError, match=needle):
        decode_article_bytes(data)


def test_title_from_first_line() -> None:
    assert title_from_text("\n\n# Heading here\nbody", "f") == "Heading here"
    assert title_from_text("x" * 300, "f").endswith("…")
