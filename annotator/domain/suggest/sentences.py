"""Sentences and quotations of an article, as code-point spans.

The engine reasons one sentence at a time, and it must know which words are inside
quotation marks (a "said" inside a quote is the quoted person's cue, not the
outlet's). A full stop inside a quotation does not end the sentence: “We agree. We
sign,” he said. is one attribution. Quotations never cross a line break, and an
unclosed quotation (the usual way a quote runs on into the next paragraph) is not
treated as a quotation at all, so one stray mark cannot swallow a paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotator.domain.suggest.lexicon import ABBREVIATIONS

_OPEN_CLOSE = {"“": "”", "«": "»"}
_STRAIGHT = re.compile(r"\"|''")
_CURLY = re.compile(r"[“”«»]")
_END = re.compile(r"[.!?]+[”\"')\]’»]*(?=\s+[“\"'(\[A-Z0-9‘«]|\s*$)")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int


def quotation_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Closed quotations in ``text[start:end]`` (one line), marks included."""
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    for m in _CURLY.finditer(text, start, end):
        ch = m.group()
        if ch in _OPEN_CLOSE:
            stack = [m.start()]
        elif stack:
            spans.append((stack.pop(), m.end()))
    straight = [m for m in _STRAIGHT.finditer(text, start, end)]
    for a, b in zip(straight[0::2], straight[1::2], strict=False):
        if not any(s <= a.start() < e for s, e in spans):
            spans.append((a.start(), b.end()))
    spans.sort()
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < pos < e - 1 for s, e in spans)


def split_sentences(text: str) -> tuple[list[Sentence], list[tuple[int, int]]]:
    """Sentences and quotation spans of ``text``, both in text order."""
    sentences: list[Sentence] = []
    quotes: list[tuple[int, int]] = []
    pos = 0
    paragraph = 0
    length = len(text)
    while pos <= length:
        nl = text.find("\n", pos)
        line_end = length if nl < 0 else nl
        line_quotes = quotation_spans(text, pos, line_end)
        quotes.extend(line_quotes)
        start = pos
        for m in _END.finditer(text, pos, line_end):
            dot = m.start()
            if text[dot] == "." and m.group().startswith(".") and len(m.group()) == 1:
                w = _WORD_BEFORE.search(text, start, dot)
                word = w.group(1).lower() if w else ""
                if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()) \
                        or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
                    continue
            if _inside(dot, line_quotes):
                continue
            _add(sentences, text, start, m.end(), paragraph)
            start = m.end()
        _add(sentences, text, start, line_end, paragraph)
        if text[pos:line_end].strip():
            paragraph += 1
        if nl < 0:
            break
        pos = nl + 1
    return sentences, quotes


def _add(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, paragraph))
