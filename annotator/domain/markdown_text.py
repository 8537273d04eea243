"""Markdown rendered to the plain text an analyst annotates (standard library only).

What a reader sees stays, the markup goes:

* headings (``#`` and underlined) become paragraphs of their own, marks removed;
* soft-wrapped lines of a paragraph are joined with a space (two trailing spaces or
  a backslash keep a hard line break); one paragraph per line in the result;
* list items become lines: bullets (``-``, ``*``, ``+``) and task boxes dropped,
  ordered-list numbers kept (``1. First``); block quotes lose their ``>``;
* emphasis (``*x*``, ``**x**``, ``_x_``, ``__x__``, ``~~x~~``) keeps the text;
  links ``[text](url)`` and ``[text][ref]`` keep the text; autolinks keep the URL;
  images are dropped; reference definitions, thematic breaks, HTML comments and tags
  are dropped; backslash escapes and character references are decoded;
* code spans and fenced code blocks are kept verbatim (fence lines removed);
* tables keep one row per line, cells separated by ``" | "``; the ``---`` row goes;
* YAML front matter (``---`` … ``---`` at the top) is dropped; its ``title:`` is
  offered as the article title.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}> ?")
_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+(?:\[[ xX]\][ \t]+)?(.*)$")
_ORDERED = re.compile(r"^[ \t]*(\d{1,9})([.)])[ \t]+(.*)$")
_REFDEF = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S+.*$")
_TABLE_SEP = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_SPACE_RUN = re.compile(r"[ \t]{2,}")
_FRONT_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.I)

_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.S)
_ESCAPE = re.compile(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_IMAGE = re.compile(r"!\[[^\]]*\](?:\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\])")
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)")
_REFLINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]+)>", re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)")
_EM = re.compile(r"\*(?=[^\s*])(.+?)(?<=[^\s*])\*|(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")


@dataclass(frozen=True)
class MarkdownArticle:
    text: str
    title: str = ""
    """From YAML front matter (``title:``), else the first heading, else empty."""


def _group(m: re.Match[str]) -> str:
    return next(g for g in m.groups() if g is not None)


def render_inline(text: str) -> str:
    """Inline markup removed; code spans verbatim."""
    kept: list[str] = []

    def keep(value: str) -> str:
        kept.append(value)
        return f"\x00{len(kept) - 1}\x00"

    text = text.replace("\x00", "")
    text = _CODE_SPAN.sub(lambda m: keep(m.group(2).strip(" ") or m.group(2)), text)
    text = _ESCAPE.sub(lambda m: keep(m.group(1)), text)
    text = _AUTOLINK.sub(lambda m: keep(m.group(1)), text)
    text = _COMMENT.sub("", text)
    text = _IMAGE.sub("", text)
    for _ in range(3):  # links inside emphasis and the other way round
        before = text
        text = _LINK.sub(r"\1", text)
        text = _REFLINK.sub(r"\1", text)
        text = _STRONG.sub(_group, text)
        text = _EM.sub(_group, text)
        text = _STRIKE.sub(r"\1", text)
        if text == before:
            break
    text = _TAG.sub("", text)
    text = html.unescape(text)
    if kept:
        text = re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)
    return text


def _table_row(line: str) -> str:
    cells = line.strip()
    if cells.startswith("|"):
        cells = cells[1:]
    if cells.endswith("|") and not cells.endswith("\\|"):
        cells = cells[:-1]
    parts = re.split(r"(?<!\\)\|", cells)
    return " | ".join(render_inline(p.strip()) for p in parts)


def markdown_to_text(source: str) -> MarkdownArticle:
    """Plain text of a Markdown document (newlines already normalised to ``\\n``)."""
    lines = source.split("\n")
    out: list[str] = []
    para: list[str] = []
    title = ""
    first_heading = ""

    def flush() -> None:
        if not para:
            return
        joined = ""
        for k, raw in enumerate(para):
            hard = raw.endswith("  ") or raw.endswith("\\")
            piece = raw.rstrip()
            if piece.endswith("\\"):
                piece = piece[:-1]
            joined += piece.strip()
            if k < len(para) - 1:
                joined += "\n" if hard else " "
        para.clear()
        for line in render_inline(joined).split("\n"):
            line = _SPACE_RUN.sub(" ", line).strip()
            if line:
                out.append(line)

    i = 0
    if lines and lines[0].strip() == "---":  # YAML front matter
        for j in range(1, min(len(lines), 200)):
            if lines[j].strip() in ("---", "..."):
                for meta in lines[1:j]:
                    m = _FRONT_TITLE.match(meta)
                    if m and not title:
                        title = m.group(1).strip().strip("\"'")
                i = j + 1
                break

    fence: str | None = None
    in_table = False
    while i < len(lines):
        line = lines[i]
        i += 1
        if fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence[0] * len(fence)) and set(stripped) <= {fence[0]}:
                fence = None
            elif line.strip():
                out.append(line.rstrip())
            continue
        while _QUOTE.match(line):
            line = _QUOTE.sub("", line, count=1)
        m = _FENCE.match(line)
        if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            flush()
            fence = m.group(1)
            continue
        if not line.strip():
            flush()
            in_table = False
            continue
        if in_table and "|" in line:
            out.append(_table_row(line))
            continue
        if "|" in line and _TABLE_SEP.match(line) and len(para) == 1 and "|" in para[0]:
            header = para.pop()
            out.append(_table_row(header))
            in_table = True
            continue
        m = _ATX.match(line)
        if m:
            flush()
            heading = render_inline((m.group(2) or "").strip())
            if heading:
                out.append(heading)
                first_heading = first_heading or heading
            continue
        if para and _SETEXT.match(line):
            flush()  # the paragraph above was a heading; it is already its own line
            first_heading = first_heading or (out[-1] if out else "")
            continue
        if _BREAK.match(line):
            flush()
            continue
        if _REFDEF.match(line) and not para:
            continue
        m = _BULLET.match(line)
        if m:
            flush()
            para.append(m.group(1))
            continue
        m = _ORDERED.match(line)
        if m:
            flush()
            para.append(f"{m.group(1)}. {m.group(3)}")
            continue
        para.append(line)
    flush()
    return MarkdownArticle(text="\n".join(out), title=title or first_heading)
