"""Readable text and metadata from a saved HTML page (standard library only).

The page is parsed with :class:`html.parser.HTMLParser`; nothing in it is run or
fetched: scripts and styles are dropped unread, images (local or remote) are
dropped, links keep their text only. What is kept is what a reader of the article
sees as running text:

* the content of block elements (``p``, ``h1``–``h6``, ``li``, ``blockquote``,
  ``div`` with text of its own, ``pre``, table cells…), one paragraph per line;
  ``<br>`` starts a new line;
* never the content of ``script``, ``style``, ``template``, ``noscript``,
  ``iframe``, ``object``, ``svg``, ``canvas``, ``form`` and its controls, ``nav``,
  ``header``, ``footer``, ``aside``, ``dialog``, nor of elements marked ``hidden``,
  ``aria-hidden="true"`` or ``style="display:none"`` — navigation, sharing widgets
  and cookie banners are not the article;
* whitespace collapsed inside a paragraph (``pre`` keeps its own), entities decoded.

Metadata comes from the ``<head>`` when present: title (``og:title``, else
``twitter:title``, else ``<title>``), byline (``author`` / ``article:author`` /
``byl``), date (``article:published_time``, ``date``, ``pubdate``…, else the first
``<time datetime>``), URL (``<link rel="canonical">``, else ``og:url``) and site
name (``og:site_name``, else ``application-name``).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from annotator.domain.text_import import (
    ArticleInputError,
    decode_article_bytes,
    normalise_newlines,
)

SKIPPED_TAGS = frozenset({
    "script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math",
    "canvas", "form", "button", "select", "textarea", "input", "option", "nav", "header",
    "footer", "aside", "dialog", "head", "audio", "video", "picture", "map",
})
"""Elements whose whole content is left out."""

BLOCK_TAGS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "div", "section",
    "article", "main", "pre", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th",
    "thead", "tbody", "tfoot", "caption", "figure", "figcaption", "address", "hr", "body",
    "html", "details", "summary", "center", "fieldset", "legend",
})
"""Elements that start and end a paragraph."""

HEAD_TAGS = frozenset({
    "head", "title", "meta", "link", "style", "script", "base", "noscript", "template",
})
"""Elements that may appear in ``<head>``; any other closes an unclosed ``<head>``."""

VOID_TAGS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr", "keygen",
})
"""Elements without content or end tag (never pushed on the skip stack)."""

MAX_DEPTH = 10_000
"""Nesting refused beyond this (a page is never this deep; a hostile one can be)."""

_META_TITLE = ("og:title", "twitter:title", "dc.title", "citation_title")
_META_AUTHOR = ("author", "article:author", "byl", "dc.creator", "citation_author",
                "parsely-author", "sailthru.author")
_META_DATE = ("article:published_time", "datepublished", "date", "pubdate", "publishdate",
              "dc.date", "dc.date.issued", "citation_publication_date", "parsely-pub-date",
              "og:published_time", "sailthru.date")
_META_SITE = ("og:site_name", "application-name", "twitter:site")
_META_URL = ("og:url", "twitter:url")

_SPACES = re.compile(r"[ \t\n\r\f\v\u00a0\u200b]+")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


@dataclass
class HtmlArticle:
    """Text of a page and what its head says about it (empty strings when absent)."""

    text: str
    title: str = ""
    byline: str = ""
    published: str = ""
    url: str = ""
    site: str = ""
    warnings: list[str] = field(default_factory=list)


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._buf: list[str] = []
        self._skip: list[str] = []  # open elements whose content is dropped
        self._pre = 0
        self._in_title = False
        self._title_done = False
        self._title: list[str] = []
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self.time_datetime = ""
        self.depth = 0

    # -- paragraphs ------------------------------------------------------------------

    def _flush(self) -> None:
        raw = "".join(self._buf)
        self._buf.clear()
        if self._pre:
            for line in normalise_newlines(raw).split("\n"):
                if line.strip():
                    self.lines.append(line.rstrip())
            return
        for piece in raw.split("\n"):  # "\n" only comes from <br>
            line = _SPACES.sub(" ", piece).strip()
            if line:
                self.lines.append(line)

    # -- parser callbacks ------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            self._meta(values)
            return
        if tag == "link":
            rels = values.get("rel", "").lower().split()
            if "canonical" in rels and not self.canonical:
                self.canonical = values.get("href", "").strip()
            return
        if tag == "title":
            self._in_title = not self._title_done
            return
        if self._skip == ["head"] and tag not in HEAD_TAGS:
            self._skip.clear()  # <body> (or body content) closes an unclosed <head>
        if tag == "time" and not self.time_datetime:
            self.time_datetime = values.get("datetime", "").strip()
        if self._skip:
            if tag not in VOID_TAGS:
                self._skip.append(tag)
            return
        if tag in VOID_TAGS:
            if tag == "br":
                self._buf.append("\n")
            elif tag == "hr":
                self._flush()
            return  # img, source, embed…: dropped, never fetched
        hidden = (
            "hidden" in values
            or values.get("aria-hidden", "").strip().lower() == "true"
            or bool(_HIDDEN_STYLE.search(values.get("style", "")))
        )
        if tag in SKIPPED_TAGS or hidden:
            if tag != "head":
                self._flush()
            self._skip.append(tag)
            return
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ArticleInputError(f"the page is nested more than {MAX_DEPTH} elements deep")
        if tag in BLOCK_TAGS:
            self._flush()
        if tag == "pre":
            self._pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <img/>, and self-closed elements such as <div/>: no content.
        if tag in VOID_TAGS or tag in ("meta", "link"):
            self.handle_starttag(tag, attrs)
        elif tag in BLOCK_TAGS and not self._skip:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            if self._in_title:
                self._title_done = True
            self._in_title = False
            return
        if self._skip:
            if tag in self._skip:
                # Close up to the matching element (tolerates unclosed children).
                while self._skip:
                    if self._skip.pop() == tag:
                        break
            return
        if tag in VOID_TAGS:
            return
        self.depth = max(0, self.depth - 1)
        if tag in BLOCK_TAGS:
            self._flush()
        if tag == "pre" and self._pre:
            self._pre -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
            return
        if self._skip:
            return
        self._buf.append(data if self._pre else data.replace("\n", " "))

    def _meta(self, values: dict[str, str]) -> None:
        key = (values.get("property") or values.get("name") or values.get("itemprop") or "")
        key = key.strip().lower()
        content = _SPACES.sub(" ", values.get("content", "")).strip()
        if key and content and key not in self.meta:
            self.meta[key] = content

    def close(self) -> None:
        super().close()
        self._flush()

    @property
    def title(self) -> str:
        return _SPACES.sub(" ", "".join(self._title)).strip()


def _first(meta: dict[str, str], keys: tuple[str, ...]) -> str:
    for key in keys:
        if meta.get(key):
            return meta[key]
    return ""


def html_to_text(source: str) -> HtmlArticle:
    """Readable text and head metadata of an HTML document (already decoded)."""
    parser = _Extractor()
    try:
        parser.feed(source)
        parser.close()
    except RecursionError:
        raise ArticleInputError("the page is too deeply nested to read") from None
    text = "\n".join(parser.lines)
    meta = parser.meta
    byline = _first(meta, _META_AUTHOR)
    if byline.startswith(("http://", "https://")):
        byline = ""  # article:author is often a profile URL, not a name
    return HtmlArticle(
        text=text,
        title=_first(meta, _META_TITLE) or parser.title,
        byline=byline,
        published=_first(meta, _META_DATE) or parser.time_datetime,
        url=parser.canonical or _first(meta, _META_URL),
        site=_first(meta, _META_SITE).removeprefix("@"),
    )


def _declared_charset(data: bytes) -> str | None:
    match = _CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def html_article_from_bytes(data: bytes) -> HtmlArticle:
    """Decode (BOM, else ``<meta charset>``, else as a text file) and extract.

    Raises :class:`ArticleInputError` for binary files and pages without readable text.
    """
    warnings: list[str] = []
    charset = _declared_charset(data)
    bom = data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    source: str | None = None
    if charset and not bom and charset not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
        if b"\x00" in data[:8192]:
            raise ArticleInputError("file looks binary (it contains NUL bytes), not HTML")
        try:
            source = data.decode(charset)
        except UnicodeDecodeError as exc:
            warnings.append(
                f"the page says it is {charset} but byte 0x{data[exc.start]:02x} at offset "
                f"{exc.start} is not; read as a text file instead"
            )
    if source is None:
        decoded = decode_article_bytes(data)
        source = decoded.text
        if decoded.warning:
            warnings.append(decoded.warning)
    article = html_to_text(source)
    article.warnings.extend(warnings)
    if not article.text.strip():
        raise ArticleInputError("the page has no readable article text")
    return article
