"""The analyst's search syntax, parsed once and compiled for each full-text engine.

Syntax (documented in the README, "Search"):

- ``ceasefire``                 a word (case-insensitive)
- ``"senior Qatari official"``  a phrase: the words in this order, adjacent
- ``negotiat*``                 a prefix (also as the last word of a phrase)
- ``Qatar Egypt``               both (AND is implicit)
- ``Qatar OR Egypt``            either; OR binds looser than AND
- ``-Hamas`` / ``NOT Hamas``    excluded from matching documents

The user's words never reach an engine as syntax: each word or phrase is passed as a
quoted string (FTS5) or a bound parameter (PostgreSQL), so there is no way to write an
FTS syntax error; malformed input (an unbalanced quote, a query that only excludes, a
dangling OR) is refused here with a one-line :class:`QuerySyntaxError`.

Locating hits: the engines say *which* rows match. Where in the text is answered
exactly for SQLite by FTS5's own ``highlight()`` (markers inserted at the tokenizer's
token boundaries; :func:`offsets_from_highlight` turns them into code-point offsets),
and for PostgreSQL by :func:`locate`, a tokenizer of letters, digits and combining marks.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from annotator.domain.errors import UserInputError

HIT_OPEN = "\ufdd0"
HIT_CLOSE = "\ufdd1"
"""Unicode noncharacters used as highlight() markers (never in interchanged text; a
text that nevertheless contains one is located with :func:`locate` instead)."""

MAX_QUERY_CHARS = 1000


class QuerySyntaxError(UserInputError):
    """A query the analyst must rewrite; the message says what is wrong."""


@dataclass(frozen=True)
class Term:
    """A word or phrase: ``words`` in order; ``prefix`` makes the last word a prefix."""

    words: tuple[str, ...]
    prefix: bool = False
    negated: bool = False
    raw: str = ""
    """The words as typed (FTS5 tokenizes them itself, consistently with the index)."""

    @property
    def display(self) -> str:
        body = " ".join(self.words) + ("*" if self.prefix else "")
        body = f'"{body}"' if len(self.words) > 1 else body
        return f"-{body}" if self.negated else body


@dataclass(frozen=True)
class Query:
    """OR of clauses; each clause is an AND of terms (some of them negated)."""

    clauses: tuple[tuple[Term, ...], ...]
    source: str

    @property
    def positive_terms(self) -> list[Term]:
        return [t for clause in self.clauses for t in clause if not t.negated]


_WORD_RE = re.compile(r"[^\W_]+")

FOLDED_MARKS = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF),
                (0xFE20, 0xFE2F))
"""The combining diacritical marks (Unicode's five blocks of them) that searching
ignores, so "cafe" finds "café" and "Müller" finds "Muller". SQLite's FTS5 tokenizer
folds them itself (``remove_diacritics 2``); PostgreSQL's index applies the same set
(``annotator_fold``, generated from this tuple) and so does :func:`fold` for locating
hits, so the engine and the locator always agree on what matches."""

_MARKS_RE = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in FOLDED_MARKS) + "]")


def fold(word: str) -> str:
    """A word as searching compares it: lower-cased, diacritics dropped, NFC.

    ``lower()``, not ``casefold()``: both engines lower-case by simple mappings (FTS5's
    unicode61, PostgreSQL's ``lower``), so "straße" must stay "straße" to be found."""
    folded = word.lower()
    if not folded.isascii():
        folded = unicodedata.normalize(
            "NFC", _MARKS_RE.sub("", unicodedata.normalize("NFD", folded)))
    return folded




def _words(chunk: str) -> list[str]:
    """The words of ``chunk`` folded as :func:`tokens` folds the text's words."""
    text = unicodedata.normalize("NFC", chunk)
    if any(unicodedata.category(ch).startswith("M") for ch in text):
        return [fold(m.group()) for m in _token_re().finditer(text)]
    return [fold(w) for w in _WORD_RE.findall(text)]


_LEX = re.compile(r'\s+|"(?P<phrase>[^"]*)"|(?P<quote>")|(?P<word>[^\s"]+)')


def parse_query(text: str) -> Query:
    """Parse the analyst's query, or raise :class:`QuerySyntaxError` saying why not."""
    source = text.strip()
    if not source:
        raise QuerySyntaxError("the search query is empty")
    if len(source) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"the search query is too long (over {MAX_QUERY_CHARS} "
                               f"characters)")
    clauses: list[list[Term]] = [[]]
    negate_next = False
    pos = 0
    while pos < len(source):
        m = _LEX.match(source, pos)
        assert m is not None
        pos = m.end()
        if m.group("quote") is not None:
            raise QuerySyntaxError(f"unbalanced quote in {source!r}: close the phrase "
                                   f"with a second \"")
        raw: str | None = m.group("phrase")
        phrase = raw is not None
        if raw is None:
            raw = m.group("word")
        if raw is None:
            continue  # whitespace
        if not phrase and raw == "OR":
            if not clauses[-1] or negate_next:
                raise QuerySyntaxError(f"OR needs a word on both sides in {source!r}")
            clauses.append([])
            continue
        if not phrase and raw == "NOT":
            negate_next = True
            continue
        negated = negate_next
        negate_next = False
        if not phrase and raw.startswith("-") and len(raw) > 1:
            negated, raw = True, raw[1:]
        body = raw.strip()
        prefix = body.endswith("*")
        if prefix:
            body = body.rstrip("*")
        words = _words(body)
        if not words:
            shown = f'"{raw}"' if phrase else raw
            raise QuerySyntaxError(f"{shown} has no letters or digits to search for")
        clauses[-1].append(Term(tuple(words), prefix=prefix, negated=negated, raw=body))
    if negate_next:
        raise QuerySyntaxError(f"NOT needs a word after it in {source!r}")
    if not clauses[-1]:
        raise QuerySyntaxError(f"OR needs a word on both sides in {source!r}")
    for clause in clauses:
        if all(t.negated for t in clause):
            raise QuerySyntaxError(
                f"{' '.join(t.display for t in clause)}: a search needs at least one word "
                f"that is not excluded")
    return Query(tuple(tuple(c) for c in clauses), source)


# --- SQLite FTS5 ------------------------------------------------------------

def _fts5_string(term: Term) -> str:
    body = (term.raw or " ".join(term.words)).replace('"', '""')
    return f'"{body}"' + (" *" if term.prefix else "")


def to_fts5(query: Query) -> str:
    """An FTS5 MATCH expression; every user word is inside a quoted string."""
    parts = []
    for clause in query.clauses:
        pos = " AND ".join(_fts5_string(t) for t in clause if not t.negated)
        expr = f"({pos})"
        for t in clause:
            if t.negated:
                expr = f"({expr} NOT {_fts5_string(t)})"
        parts.append(expr)
    return " OR ".join(parts)


def offsets_from_highlight(marked: str) -> list[tuple[int, int]]:
    """Code-point ``(start, end)`` of each :data:`HIT_OPEN` … :data:`HIT_CLOSE` region.

    ``marked`` is the original text with markers inserted (FTS5 ``highlight()``); an
    offset in the original text is the position in ``marked`` minus the markers before it.
    """
    out: list[tuple[int, int]] = []
    removed = 0
    start = -1
    for m in re.finditer(f"[{HIT_OPEN}{HIT_CLOSE}]", marked):
        if m.group() == HIT_OPEN:
            start = m.start() - removed
        elif start >= 0:
            end = m.start() - removed
            if end > start:
                out.append((start, end))
            start = -1
        removed += 1
    return out


KwicHit = tuple[int, int, str, str, str]
"""``(start, end, hit, left, right)``: code-point offsets into the text, the hit, and up
to ``n`` code points of context either side."""


def _strip_marks(piece: str) -> str:
    return piece.replace(HIT_OPEN, "").replace(HIT_CLOSE, "") \
        if HIT_OPEN in piece or HIT_CLOSE in piece else piece


def _left_of(marked: str, at: int, n: int) -> str:
    """The ``n`` unmarked code points before position ``at`` of ``marked``."""
    lo = max(0, at - n)
    while True:
        plain = _strip_marks(marked[lo:at])
        if len(plain) >= n or lo == 0:
            return plain[len(plain) - n:] if len(plain) > n else plain
        lo = max(0, lo - (n - len(plain)))


def _right_of(marked: str, at: int, n: int) -> str:
    """The ``n`` unmarked code points from position ``at`` of ``marked``."""
    hi = at + n
    while True:
        plain = _strip_marks(marked[at:hi])
        if len(plain) >= n or hi >= len(marked):
            return plain[:n]
        hi += n - len(plain)


def kwic_from_highlight(marked: str, n: int) -> list[KwicHit]:
    """The hits of a ``highlight()`` output with their keyword-in-context, read off the
    marked string itself: no unmarked copy of the whole text is built, so a page costs
    the few slices it shows (same offsets as :func:`offsets_from_highlight`).

    Precondition: the text had no marker of its own, so markers alternate open/close
    (:func:`highlight_is_clean`; callers locate hits with :func:`locate` otherwise)."""
    out: list[KwicHit] = []
    removed = 0  # markers before the current position
    pos = 0
    while True:
        o = marked.find(HIT_OPEN, pos)
        if o < 0:
            return out
        c = marked.find(HIT_CLOSE, o + 1)
        if c < 0:
            return out
        start = o - removed
        end = start + (c - o - 1)
        if end > start:
            out.append((start, end, marked[o + 1:c], _left_of(marked, o, n),
                        _right_of(marked, c + 1, n)))
        removed += 2
        pos = c + 1


def highlight_is_clean(marked: str, text_length: int) -> bool:
    """True if every marker in ``marked`` was inserted by ``highlight()``: the markers
    counted equal the code points it added to a text of ``text_length``."""
    return marked.count(HIT_OPEN) + marked.count(HIT_CLOSE) == len(marked) - text_length


def kwic_from_spans(text: str, spans: list[tuple[int, int]], n: int) -> list[KwicHit]:
    """:data:`KwicHit` for spans located in an unmarked ``text``."""
    return [(s, e, text[s:e], text[max(0, s - n):s], text[e:e + n]) for s, e in spans]


# --- PostgreSQL -------------------------------------------------------------

def _pg_lexeme(word: str, prefix: bool) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if prefix else "")


def term_tsquery_text(t: Term) -> str:
    """``to_tsquery('simple', …)`` input for one word or phrase (negation left out)."""
    return " <-> ".join(_pg_lexeme(w, t.prefix and i == len(t.words) - 1)
                        for i, w in enumerate(t.words))


def to_tsquery_text(query: Query) -> str:
    """``to_tsquery('simple', …)`` input; every word is a quoted lexeme."""
    def term_expr(t: Term) -> str:
        body = term_tsquery_text(t)
        return f"!({body})" if t.negated else f"({body})"

    return " | ".join("(" + " & ".join(term_expr(t) for t in clause) + ")"
                      for clause in query.clauses)


# --- locating hits in a text (PostgreSQL, and texts containing a marker) ------

@lru_cache(maxsize=1)
def _token_char() -> str:
    """A pattern for one word character: a letter, a digit or a combining mark (so
    "café" written with U+0301 is one word)."""
    marks = []
    run_start = None
    for cp in range(sys.maxunicode + 1):
        is_mark = unicodedata.category(chr(cp)).startswith("M")
        if is_mark and run_start is None:
            run_start = cp
        elif not is_mark and run_start is not None:
            marks.append((run_start, cp - 1))
            run_start = None
    cls = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" if a != b else re.escape(chr(a))
                  for a, b in marks)
    return f"(?:[^\\W_]|[{cls}])"


@lru_cache(maxsize=1)
def _token_re() -> re.Pattern[str]:
    return re.compile(f"{_token_char()}+")


def tokens(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, folded word)`` for every word of ``text`` (code points)."""
    return [(m.start(), m.end(), fold(m.group())) for m in _token_re().finditer(text)]


def locate(query: Query, text: str) -> list[tuple[int, int]]:
    """Code-point spans of the positive terms' occurrences in ``text``, in order.

    Most texts fold by ``lower()`` alone (no diacritic to drop, nothing that changes
    length or needs the final-sigma context): then each term is one regular expression
    over the lower-cased text, run by ``re`` rather than word by word in Python. Other
    texts are compared word by word. Both give the same spans (tested)."""
    lowered = _lower_folds(text)
    if lowered is None:
        return locate_by_words(query, text)
    spans: set[tuple[int, int]] = set()
    for term in query.positive_terms:
        for m in _term_re(term.words, term.prefix).finditer(lowered):
            spans.add((m.start(1), m.end(1)))
    return sorted(spans)


def _lower_folds(text: str) -> str | None:
    """``text.lower()`` if :func:`fold` of every word of ``text`` is its slice of it."""
    lowered = text.lower()
    if text.isascii():
        return lowered
    if len(lowered) != len(text) or "\u03a3" in text:  # İ → i̇; Σ's final form needs context
        return None
    if not unicodedata.is_normalized("NFC", lowered):
        return None
    if _MARKS_RE.search(unicodedata.normalize("NFD", lowered)):
        return None  # a diacritic to drop
    return lowered


@lru_cache(maxsize=256)
def _term_re(words: tuple[str, ...], prefix: bool) -> re.Pattern[str]:
    """Overlapping occurrences of the word sequence as whole words (the last a prefix)."""
    tc = _token_char()
    parts = [re.escape(w) for w in words]
    body = f"(?:(?!{tc})[\\s\\S])+".join(parts)
    tail = f"{tc}*" if prefix else f"(?!{tc})"
    return re.compile(f"(?<!{tc})(?=({body}{tail}))")


def locate_by_words(query: Query, text: str) -> list[tuple[int, int]]:
    """:func:`locate` word by word: every word of ``text`` folded and compared."""
    toks = tokens(text)
    spans: set[tuple[int, int]] = set()
    for term in query.positive_terms:
        n = len(term.words)
        for i in range(len(toks) - n + 1):
            ok = True
            for j, word in enumerate(term.words):
                tok = toks[i + j][2]
                last = j == n - 1
                if not (tok.startswith(word) if (last and term.prefix) else tok == word):
                    ok = False
                    break
            if ok:
                spans.add((toks[i][0], toks[i + n - 1][1]))
    return sorted(spans)
