"""Rule engine: every attribution in an article as claim, source and cue spans.

Pure Python, deterministic, nothing fetched or trained. One sentence at a time the
engine finds *cues* (reporting verbs, "according to", a colon before a quotation,
hedges such as "reportedly") outside quotations, then reads the sentence around each
cue with a handful of patterns a journalist would recognise:

* ``SOURCE CUE (that) CONTENT`` — "Qatari officials told Witkoff that the talks ..."
* ``CONTENT, SOURCE CUE`` and ``CONTENT, CUE SOURCE`` — “…,” a senior official said.
  A quotation split by the cue (“…,” she said, “…”) gives one claim in two fragments.
* ``According to SOURCE, CONTENT`` and ``CONTENT, according to SOURCE``
* ``SOURCE: “CONTENT”``
* a hedge with no source: "… reportedly said", "X is said to …"

Every suggestion says which pattern produced it (``reasons``) so the analyst can see
why it was proposed. Pronoun sources are resolved to the nearest compatible earlier
source when exactly one fits; otherwise the suggestion says the pronoun is unresolved.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from annotator.domain.suggest import lexicon as lx
from annotator.domain.suggest.classify import classify_source
from annotator.domain.suggest.sentences import Sentence, split_sentences

Span = tuple[int, int]


@dataclass(frozen=True)
class AttributionSuggestion:
    """One proposed attribution. Offsets are code points over the article text."""

    start: int
    end: int
    fragments: tuple[Span, ...]
    """The claim's parts (one, or two when a quotation is split by its cue)."""
    source: Span | None
    cue: Span | None
    kind: str
    """A default taxonomy key (``named_person``, ``anonymous_official`` ...)."""
    stance: str
    confidence: float
    reasons: tuple[str, ...]
    resolved_source: str = ""
    """For a pronoun source: the earlier mention it stands for ("" if none)."""
    facets: dict[str, object] = field(default_factory=dict, compare=False)
    """Facets prefilled by the mention parser (empty when asked ``with_facets=False``;
    :func:`facets_of` computes them later, e.g. only for the suggestion accepted)."""
    sentence: Span = field(default=(0, 0), compare=False)
    """The sentence the attribution was read from (the parser's context)."""

    def key(self) -> tuple[int, int, int, int]:
        """Identity used to remember a rejected suggestion."""
        s = self.source or (-1, -1)
        return (self.start, self.end, s[0], s[1])


_WORD = re.compile(r"[\w’'][\w’'.\-]*|[^\w\s]")
_CUE_TOKEN = re.compile(r"[A-Za-z]+|:(?=\s*(?:[“\"‘]|''|[A-Z]))")
_SINGLE_CUES = {w for w in (*lx.VERB_FORMS, *lx.HEDGES)}
_PHRASES_BY_FIRST: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _p in sorted(lx.PHRASAL_CUES, key=len, reverse=True):
    _PHRASES_BY_FIRST.setdefault(_p.split()[0], []).append(
        (_p, re.compile(r"\s+".join(map(re.escape, _p.split())) + r"(?![\w\-])", re.I)))


@dataclass(frozen=True, slots=True)
class _Cue:
    start: int
    end: int
    word: str


def _find_cues(text: str, s: int, e: int) -> list[_Cue]:
    """Cue words and phrases in ``text[s:e]``: one word regex and dictionary look-ups
    (an alternation of 400 words is 20 times slower in Python's regex engine)."""
    out: list[_Cue] = []
    for m in _CUE_TOKEN.finditer(text, s, e):
        w = m.group().lower()
        a = m.start()
        if a > 0 and text[a - 1] in "’'-" or m.end() < len(text) and text[m.end()] in "-’'" \
                and not text.startswith(("’s", "'s"), m.end()):
            continue
        phrases = _PHRASES_BY_FIRST.get(w)
        if phrases:
            hit = next((p for p in phrases if p[1].match(text, a, e)), None)
            if hit:
                mm = hit[1].match(text, a, e)
                assert mm is not None
                out.append(_Cue(a, mm.end(), hit[0]))
                continue
        if w in _SINGLE_CUES or w == ":":
            out.append(_Cue(a, m.end(), w))
    return out


_HEDGED_PASSIVE_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in lx.HEDGED_PASSIVES)
    + r")\b", re.IGNORECASE)
_TRAIL = " ,;:.!?\u201d\u201c\"'’)("
_LEAD = " ,;:\u201c\"'("


def _strip(text: str, a: int, b: int, *, lead: str = _LEAD, trail: str = " ,;:") -> Span:
    while a < b and text[a] in lead:
        a += 1
    while b > a and text[b - 1] in trail:
        b -= 1
    return a, b


def _quote_at(quotes: Sequence[Span], pos: int) -> Span | None:
    for q in quotes:
        if q[0] <= pos < q[1]:
            return q
        if q[0] > pos:
            break
    return None


def _inside_quote(quotes: Sequence[Span], a: int, b: int) -> bool:
    q = _quote_at(quotes, a)
    return q is not None and q[0] < a and b < q[1]


class _Sentence:
    """One sentence with its quotations, read by the patterns."""

    def __init__(self, text: str, sent: Sentence, quotes: list[Span]) -> None:
        self.text = text
        self.s = sent.start
        self.e = sent.end
        self.paragraph = sent.paragraph
        # Quotations are sorted and do not overlap: bisect instead of a scan per sentence.
        lo = bisect.bisect_left(quotes, (sent.start, -1))
        if lo > 0 and quotes[lo - 1][1] > sent.start:
            lo -= 1
        hi = bisect.bisect_left(quotes, (sent.end, -1), lo)
        self.quotes = quotes[lo:hi]

    # ----------------------------------------------------------- noun phrases
    def source_left(self, cue_start: int) -> tuple[Span, int] | None:
        """The subject before a cue, and where the cue should start (auxiliaries)."""
        text = self.text
        words = [(m.start(), m.end()) for m in _WORD.finditer(text, self.s, cue_start)]
        i = len(words) - 1
        new_cue = cue_start
        while i >= 0 and (text[words[i][0]:words[i][1]].lower() in lx.AUXILIARIES
                          or _ADVERB.fullmatch(text[words[i][0]:words[i][1]])):
            new_cue = words[i][0]
            i -= 1
        end = i
        if end >= 0 and text[words[end][0]:words[end][1]].lower() in _NOUN_MARKERS:
            return None  # "including a pledge", "to say": the cue word is not a verb here
        n = 0
        while i >= 0:
            w = text[words[i][0]:words[i][1]]
            low = w.lower()
            if w in ("—", "–") and n > 0:
                # "Many speakers — including Muslims and Jews — said": skip the aside.
                k = i - 1
                while k >= 0 and text[words[k][0]:words[k][1]] not in ("—", "–") \
                        and i - k < 20:
                    k -= 1
                if k > 0 and text[words[k][0]:words[k][1]] in ("—", "–"):
                    i = k - 1
                    continue
            if w in ("—", "–") and i == end:
                k = i - 1
                while k >= 0 and text[words[k][0]:words[k][1]] not in ("—", "–") \
                        and i - k < 20:
                    k -= 1
                if k > 0 and text[words[k][0]:words[k][1]] in ("—", "–"):
                    end = k - 1
                    i = k - 1
                    continue
            if w == ")" and n > 0 or (w == ")" and i == end):
                # "Gov. John Kasich (R-OH) said": the parenthesis is part of the subject.
                k = i - 1
                while k >= 0 and text[words[k][0]:words[k][1]] != "(" and i - k < 8:
                    k -= 1
                if k > 0 and text[words[k][0]:words[k][1]] == "(":
                    if i == end:
                        end = k - 1
                    i = k - 1
                    continue
            if w in ("“", "”", '"', ";", ":", "(", ")", "—", "–") or w == "''" \
                    or (len(w) == 1 and not w.isalnum() and w not in ",&$%"):
                break
            if w == ",":
                # "Smith, a spokesman for X, said": keep the name before the appositive.
                if i == end:  # comma right before the cue: an appositive or a content
                    j = i - 1
                    k = j
                    while k >= 0 and text[words[k][0]:words[k][1]] != "," and j - k < 25:
                        k -= 1
                    if k >= 0 and text[words[k][0]:words[k][1]] == "," and k > 0:
                        first_word = text[words[k + 1][0]:words[k + 1][1]]
                        if first_word.lower() in ("a", "an", "the") or first_word[:1].islower():
                            before = self._name_before(words, k)
                            if before is not None:
                                return (before, words[end - 1][1]), new_cue
                        elif first_word[:1].isupper() and all(
                                text[words[x][0]:words[x][1]][:1].isupper()
                                or text[words[x][0]:words[x][1]] in ("(", ")", "-")
                                for x in range(k + 1, j + 1)):
                            # "his top aide, Tad Devine, told", "…, Gov. John Kasich
                            # (R-OH), said": the name between commas
                            return (words[k + 1][0], words[j][1]), new_cue
                        elif first_word[:1].isupper() and first_word.endswith(("’", "'", "’s",
                                                                               "'s")):
                            # "Jeff Weaver, Sanders’ campaign manager, said": a possessive
                            # appositive after the name
                            before = self._name_before(words, k)
                            if before is not None:
                                return (before, words[end - 1][1]), new_cue
                    return None
                break
            if n > 0 and low in _VERBISH:
                break  # "it doesn't fit the …": a verb ends the subject
            if low in ("who", "which") and n == 0:
                return (words[i][0], words[i][1]), new_cue
            if low in lx.CLAUSE_BREAKERS and (low != "and" or not self._and_joins(words, i)):
                break
            if w[:1].isdigit() and n == 0:
                break
            n += 1
            if n > 12:
                i = end - 8
                break
            i -= 1
        first = i + 1
        if first > end:
            return None
        span = (words[first][0], words[end][1])
        phrase = text[span[0]:span[1]].lower()
        if all(t in lx.NON_SOURCE_WORDS for t in phrase.split()):
            return None
        return span, new_cue

    def _and_joins(self, words: list[Span], i: int) -> bool:
        """ "Witkoff and Kushner said": an "and" between two capitalised words."""
        if i == 0 or i + 1 >= len(words):
            return False
        a = self.text[words[i - 1][0]:words[i - 1][1]]
        b = self.text[words[i + 1][0]:words[i + 1][1]]
        return a[:1].isupper() and b[:1].isupper()

    def _name_before(self, words: list[Span], comma: int) -> int | None:
        k = comma - 1
        first = None
        while k >= 0:
            w = self.text[words[k][0]:words[k][1]]
            if w[:1].isupper() and w not in ("“", "”"):
                first = words[k][0]
                k -= 1
                continue
            break
        return first

    def np_right(self, a: int, limit: int | None = None) -> Span | None:
        """A noun phrase starting at ``a``: up to a full stop, quotation or clause."""
        text = self.text
        end = self.e if limit is None else limit
        stop = end
        for m in re.finditer(r"(?<![A-Z])\.(?=\s|$)|[;“\"]|,\s*[“\"]|,\s+(?:who|which|said|adding|according)\b|"
                             r"\s(?:that|who|said|says|on|in|at|during)\s",
                             text[a:end]):
            stop = a + m.start()
            break
        span = _strip(text, a, stop, trail=_TRAIL)
        if span[1] <= span[0]:
            return None
        if len(text[span[0]:span[1]].split()) > 20:
            comma = text.find(",", span[0], span[1])
            if comma > 0:
                span = (span[0], comma)
        return span

    # --------------------------------------------------------------- content
    def content_right(self, a: int, lemma: str) -> Span | None:
        """What follows a cue: "that" clauses, objects of "told", quotations."""
        text = self.text
        b = self.e
        seg = text[a:b]
        if lemma in ("tell", "ask", "urge", "warn", "assure", "remind", "inform", "advise"):
            m = re.match(r"[^“\".;]{0,80}?\bthat\b\s*", seg) or \
                re.match(r"[^,“\"]{0,60}?\b(?:that|to|if|whether|about)\b\s*", seg)
            if m:
                a += m.end()
            else:
                m = re.match(r"[^,“\"]{0,60}?,\s*", seg)
                if m:
                    a += m.end()
        else:
            m = re.match(r"\s*(?:,|:)?\s*(?:that\b)?", seg)
            if m:
                a += m.end()
        # A later ", he said" ends this claim.
        q = _quote_at(self.quotes, a) or _quote_at(self.quotes, a + 1)
        if q is not None and q[1] <= b:
            b = q[1]
        span = _strip(text, a, b, lead=" ,;:", trail=" ,;:.!?")
        if span[1] - span[0] < 2:
            return None
        return span

    def content_left(self, b: int) -> Span | None:
        """What precedes a post-posed cue: from the sentence start (or the open quote)."""
        a = self.s
        span = _strip(self.text, a, b, lead=" ,;:", trail=" ,;:")
        if span[1] - span[0] < 2:
            return None
        return span


class SuggestionCancelled(Exception):
    """Raised by :func:`suggest_attributions` when its ``cancelled`` check says stop."""


def suggest_attributions(text: str, *, outlet: str = "", with_facets: bool = True,
                         cancelled: Callable[[], bool] | None = None,
                         ) -> list[AttributionSuggestion]:
    """Propose every attribution in ``text`` (LF-normalised), in text order.

    ``cancelled`` is asked between sentences (a worker thread's "the analyst has moved
    on"); when it answers true the run stops with :class:`SuggestionCancelled` instead
    of finishing work nobody will look at.
    """
    sentences, quotes = split_sentences(text)
    raw: list[_Raw] = []
    for n, sent in enumerate(sentences):
        if cancelled is not None and n % 64 == 0 and cancelled():
            raise SuggestionCancelled
        raw.extend(_read_sentence(_Sentence(text, sent, quotes)))
    return _finish(text, raw, outlet=outlet, with_facets=with_facets)


@dataclass
class _Raw:
    content: tuple[Span, ...]
    source: Span | None
    cue: Span | None
    stance: str
    confidence: float
    reasons: list[str]
    sentence: Span
    paragraph: int
    social: bool = False
    hedged: bool = False


def _read_sentence(st: _Sentence) -> Iterable[_Raw]:
    text = st.text
    taken: list[Span] = []
    out: list[_Raw] = []
    cues = [c for c in _find_cues(text, st.s, st.e)
            if not _inside_quote(st.quotes, c.start, c.end)]
    for cue in cues:
        c0, c1, word = cue.start, cue.end, cue.word
        if any(a <= c0 < b for a, b in taken):
            continue
        if word in lx.NOUN_LIKE_FORMS and not _verb_context(text, c0):
            continue
        raw = _read_cue(st, word, c0, c1, out)
        if raw is None:
            continue
        out.append(raw)
        if raw.cue:
            taken.append(raw.cue)
        if raw.source:
            taken.append(raw.source)
        if raw.cue and raw.content[-1][0] >= raw.cue[1]:
            taken.append((raw.cue[1], raw.content[-1][0] + 1))
    if not out:
        raw_in = _in_source(st)
        if raw_in is not None:
            out.append(raw_in)
    if not out:
        hp = _HEDGED_PASSIVE_RE.search(text, st.s, st.e)
        if hp and not _inside_quote(st.quotes, hp.start(), hp.end()):
            left = st.source_left(hp.start())
            content = st.content_left(st.e)
            if content:
                out.append(_Raw((content,), left[0] if left else None, hp.span(),
                                lx.DISTANCING, 0.5, [f"hedged passive {hp.group()!r}"],
                                (st.s, st.e), st.paragraph, hedged=True))
    return out


_IN_SOURCE = re.compile(
    r"\b[Ii]n\s+((?:a|an|the|this|that|his|her|their|its|our|[A-Z][\w’'.\-/&]*)\b"
    r"[^,.;:“”\"]{0,120}?)(?=\s*(?:,|[.!?]?\s*$))")
_MIND_NOUNS = frozenset({"view", "opinion", "estimation", "assessment", "judgment"})
_IN_TAIL_WORDS = 4
"""Words allowed after the noun: "poll released Monday", "survey conducted last week"."""


def _in_source(st: _Sentence) -> _Raw | None:
    """ "In an NBC News poll released Monday, 50 percent …" / "… lead in the polls." /
    "in Bolton’s view": *in* + a poll, report, view or words names the source; the rest
    of the sentence is the claim. Only at the start or at the end of a sentence, where
    the phrase frames the whole claim (not "the figures in the report were wrong")."""
    text = st.text
    lead = re.match(r"[\s“\"‘(]*", text[st.s:st.e])
    start = st.s + (lead.end() if lead else 0)
    end = st.e
    while end > start and text[end - 1] in " .!?\n":
        end -= 1
    for m in _IN_SOURCE.finditer(text, start, st.e):
        src = _strip(text, m.start(1), m.end(1), trail=_TRAIL)
        words = [w.lower() for w in re.findall(r"[\w’'\-]+", text[src[0]:src[1]])]
        heads = [i for i, w in enumerate(words) if w in lx.IN_SOURCE_NOUNS]
        if not heads or len(words) - 1 - heads[-1] > _IN_TAIL_WORDS or len(words) > 12 \
                or any(w in ("to", "at", "of") for w in words[:heads[-1]]) \
                or _inside_quote(st.quotes, m.start(), m.end()):
            continue
        head = words[heads[-1]]
        parts: tuple[Span, ...]
        if m.start() == start and text.startswith(",", m.end()):
            parts = (_strip(text, m.end() + 1, st.e, lead=" ,", trail=" .!?"),)
        elif m.end() >= end and m.start() > start:
            parts = (_strip(text, start, m.start(), trail=" ,;:"),)
        elif head in _MIND_NOUNS and text[:m.start()].rstrip().endswith(",") \
                and text.startswith(",", m.end()):
            # "The only other action, in Professor Knittel's view, would be …"
            parts = (_strip(text, start, m.start(), trail=" ,;:"),
                     _strip(text, m.end() + 1, st.e, lead=" ,", trail=" .!?"))
        else:
            continue
        if sum(b - a for a, b in parts) < 12 or any(b <= a for a, b in parts):
            continue
        cue = (m.start(), m.start() + 2)
        if head in _MIND_NOUNS:
            # "in Bolton’s view": the view is the cue, its holder the source
            h = re.search(rf"\b{re.escape(head)}\b", text[src[0]:src[1]], re.I)
            if h is None:
                continue
            holder = _strip(text, src[0], src[0] + h.start(), trail=" ")
            owner = text[holder[0]:holder[1]].split()[-1] if holder[1] > holder[0] else ""
            if not (owner.endswith(("’s", "'s", "’", "'"))
                    or owner.lower() in ("his", "her", "their", "my", "our")):
                continue  # "In this view, …": nobody holds it
            cue, src = (src[0] + h.start(), src[0] + h.end()), holder
        return _Raw(parts, src, cue, lx.NEUTRAL, 0.6,
                    [f"'in' + {head!r} names the source"], (st.s, st.e), st.paragraph)
    return None


def _headline(st: _Sentence) -> bool:
    """The sentence is a short line of its own — a headline or a standfirst."""
    text = st.text
    line_start = text.rfind("\n", 0, st.s) + 1
    line_end = text.find("\n", st.e)
    line_end = len(text) if line_end < 0 else line_end
    return (not text[line_start:st.s].strip() and not text[st.e:line_end].strip()
            and len(text[st.s:st.e].split()) <= 20)


_AS_LEAD = re.compile(r"[\s“\"‘(]*(?:(?:But|And|Yet|So)\s+)?[Aa]s\s+")
_AS_TAIL = re.compile(r"(?:\s+(?:it|out|earlier|before|last\s+\w+|on\s+\w+day))?\s*,")
_QUESTION_LEAD = re.compile(r"[\s“\"‘(]*(?:[Ww]hen\s+)?")
_QUESTION_WORDS = re.compile(
    r"\s+(?:\w+ly\s+)?(?=(?:whether|if|what|how|why|who|which|about)\b)")
_QUESTION_END = re.compile(r",[”\"]?\s|[”\"],\s")
_REDUCED_RELATIVE = frozenset({"saying", "claiming", "arguing", "suggesting", "warning",
                               "insisting", "stating", "noting", "calling", "urging"})


def _question_put(st: _Sentence, c0: int, c1: int, stance: str,
                  conf: float) -> _Raw | None:
    """ "Asked whether Clinton is honest, 75 percent said no": the question put to the
    people who answer is itself attributed (to whoever asked: no source in the text)."""
    text = st.text
    m = _QUESTION_WORDS.match(text, c1, st.e)
    if not m:
        return None
    end = _QUESTION_END.search(text, m.end(), st.e)
    if not end:
        return None
    content = _strip(text, m.end(), end.start() + len(end.group().rstrip()), trail=" ,")
    if content[1] - content[0] < 8:
        return None
    return _Raw((content,), None, (c0, c1), stance, conf - 0.1,
                [f"cue 'asked' ({stance})", "a question put to those who answer "
                 "('Asked whether …,'); who asked is not named"], (st.s, st.e), st.paragraph)


def _read_cue(st: _Sentence, word: str, c0: int, c1: int,
              prev: list[_Raw]) -> _Raw | None:
    text = st.text
    sent = (st.s, st.e)
    if word == ":":
        left = st.source_left(c0)
        if left is None:
            return None
        src_text = text[left[0][0]:left[0][1]]
        if len(src_text.split()) > 6 or text[st.s:left[0][0]].strip(" “\"'‘"):
            return None
        src_words = re.findall(r"[\w’'.\-]+", src_text)
        headline = _headline(st)
        if not all(w[:1].isupper() or w.lower() in _NAME_JOINERS for w in src_words) and not (
                headline and src_words and src_words[0][:1].isupper()
                and not any(w.lower() in _VERBISH for w in src_words)):
            # a speaker is named: "TAPPER:", "Sen. Bernie Sanders:"; in a headline
            # "Clinton camp: …", "Former AG Mukasey at RNC: …" too
            return None
        gap = re.compile(r"\s*").match(text, c1)
        q = _quote_at(st.quotes, gap.end() if gap else c1)
        content = (q[0], q[1]) if q else st.content_right(c1, "")
        if content is None:
            return None
        why = "a headline's 'SOURCE: claim'" if headline and not q else \
            "source followed by a colon and a quotation"
        return _Raw((content,), left[0], (c0, c1), lx.NEUTRAL, 0.75 if q else 0.6,
                    [why], sent, st.paragraph)
    if word == "according to":
        src = st.np_right(c1)
        if src is None:
            return None
        before = text[st.s:c0].strip(" ,")
        if not before or len(before.split()) <= 1:
            # "According to Trump, he was …": the source ends at the first comma after
            # the cue (the noun phrase reader would run on into the claim).
            comma = text.find(",", c1, st.e)
            src_end = comma if comma > 0 else src[1]
            content = _strip(text, src_end, st.e, lead=" ,", trail=" .!?")
            if comma < 0 or content[1] <= content[0]:
                return None
            src = _strip(text, src[0], src_end, trail=_TRAIL)
        else:
            content = _strip(text, st.s, c0, trail=" ,;:")
        return _Raw((content,), src, (c0, c1), lx.NEUTRAL, 0.9,
                    ["'according to' names the source"], sent, st.paragraph)
    if word in lx.HEDGES:
        # "a senior Qatari official reportedly said" is read at "said"; a hedge on its
        # own leaves the claim without a source.
        if any(c.word in lx.VERB_FORMS for c in _find_cues(text, c1, min(st.e, c1 + 40))):
            return None
        content = st.content_left(st.e)
        if content is None:
            return None
        return _Raw((content,), None, (c0, c1), lx.DISTANCING, 0.5,
                    [f"hedge {word!r} and no source"], sent, st.paragraph, hedged=True)
    if word in lx.PHRASAL_CUES:
        stance, conf = lx.PHRASAL_CUES[word]
        lemma = word
    else:
        stance, _kind, conf = lx.VERB_FORMS[word]
        lemma = lx.FORM_LEMMA[word]
    reasons = [f"cue {word!r} ({stance})"]
    if word in lx.VERB_FORMS and lx.VERB_FORMS[word][1] == lx.THOUGHT and \
            re.match(r"\s*[,.?!;:)]", text[c1:c1 + 3]):
        return None  # "you know," "I think." — no complement, no attribution
    gerund = word.split()[0].endswith("ing") and (word in lx.VERB_FORMS or " " in word)
    before = text[st.s:c0].rstrip()
    if lemma == "ask" and word == "asked" and _QUESTION_LEAD.fullmatch(text, st.s, c0):
        return _question_put(st, c0, c1, stance, conf)
    if gerund and word in _REDUCED_RELATIVE and not before.endswith((",", "–", "—", "-")):
        # "GOP voters saying they want a ban", "911 calls saying shots were fired": the
        # noun phrase right before the participle is its subject.
        left = st.source_left(c0)
        prev_word = text[left[0][0]:left[0][1]].split()[-1].lower() if left else ""
        if left is not None and left[1] == c0 and (
                prev_word in lx.DOCUMENT_NOUNS or prev_word in lx.OFFICIAL_NOUNS
                or prev_word in lx.ANONYMOUS_NOUNS):
            content = st.content_right(c1, lemma)
            if content is not None:
                reasons.append("participle right after its subject ('voters saying …')")
                return _Raw((content,), left[0], (c0, c1), stance, conf - 0.1, reasons,
                            sent, st.paragraph)
        return None
    if gerund:
        # ", saying that ...": the source is the subject of the clause before.
        if not before.endswith((",", "–", "—", "-")):
            return None
        src = prev[-1].source if prev else (_sentence_subject(st) or _clause_subject(st, c0))
        content = st.content_right(c1, lemma)
        if src is None or content is None:
            return None
        reasons.append("participle after a comma shares the clause's source")
        return _Raw((content,), src, (c0, c1), stance, conf - 0.05, reasons, sent,
                    st.paragraph)
    left = st.source_left(c0)
    if left is None and prev and re.search(r"\band\s+(?:\w+\s+)?$", before[-12:] + " "):
        # "... told Witkoff that X and suggested Y": same source, second cue.
        content = st.content_right(c1, lemma)
        if content is not None and prev[-1].source is not None:
            reasons.append("second cue of the same source ('and')")
            return _Raw((content,), prev[-1].source, (c0, c1), stance, conf - 0.1, reasons,
                        sent, st.paragraph)
    if left is None:
        m = re.search(r"\s(\w+(?:ed|s))\s+and\s*$", " " + before)
        if m:
            left = st.source_left(st.s + m.start(1) - 1)
            if left is not None:
                left = (left[0], c0)
    if left is None and not prev and re.search(r"\band$", before):
        subj = _sentence_subject(st)
        content = st.content_right(c1, lemma)
        if subj is not None and content is not None and subj[1] < c0:
            reasons.append("second verb of the sentence's subject ('and')")
            return _Raw((content,), subj, (c0, c1), stance, conf - 0.15, reasons, sent,
                        st.paragraph)
    passive = _passive(text, st.s, c0, word)
    if passive:
        by = re.match(r"\s+by\s+", text[c1:c1 + 6])
        if not by or left is None:
            return None  # "is widely expected", "a widely denounced tweet"
        src = st.np_right(c1 + by.end())
        if src is None:
            return None
        reasons.append("passive: claim before the cue, source after 'by'")
        return _Raw((left[0],), src, (left[1], c1 + by.end() - 1), stance, conf - 0.1,
                    reasons, sent, st.paragraph)
    if left is not None and _AS_LEAD.fullmatch(text, st.s, left[0][0]):
        # "As The Washington Post reported, even if …": the rest of the sentence
        after = _AS_TAIL.match(text, c1, st.e)
        if after:
            content = _strip(text, after.end(), st.e, lead=" ,", trail=" .!?")
            if content[1] - content[0] >= 8:
                reasons.append("'As SOURCE CUE,' frames the rest of the sentence")
                return _Raw((content,), left[0], (left[1], c1), stance, conf, reasons,
                            sent, st.paragraph)
    tail_free = _ends_clause(text, c1, st.e, lemma)
    if left is not None:
        src, new_c0 = left
        pre = text[st.s:src[0]].rstrip()
        quoted_pre = pre.endswith((",”", ",\"", ",''", "?”", "?\"", "?''", "!”", "”", "''",
                                   ",“", "?“", "!“"))
        plain_tail = tail_free and not re.match(r"\s*,\s*(?:[“\"]|'')", text[c1:c1 + 8])
        if quoted_pre and not tail_free and re.match(r"\s+that\b", text[c1:c1 + 6]):
            quoted_pre = False  # “This Week,” Carson admitted that …: a title, the claim follows
        if ((plain_tail and pre.endswith(",")) or quoted_pre) and len(pre) > 3:
            content = st.content_left(src[0])
            if content is None:
                return None
            parts = [content]
            cont = _continuation(st, c1)
            if cont:
                parts.append(cont)
            reasons.append("claim before the cue, source between")
            return _Raw(tuple(parts), src, (new_c0, c1), stance, conf + 0.05, reasons, sent,
                        st.paragraph)
        content = st.content_right(c1, lemma)
        if content is None:
            return None
        evidence = lemma in lx.EVIDENCE_VERBS and \
            text[src[0]:src[1]].split()[-1].lower() in lx.DOCUMENT_NOUNS
        if lemma in lx.CONTENT_VERBS_NEED_COMPLEMENT and not evidence \
                and not _has_complement(text, c1):
            return None
        if evidence:
            reasons.append("a document or poll as the source: its object is the claim")
        reasons.append("source before the cue, claim after")
        return _Raw((content,), src, (new_c0, c1), stance, conf, reasons, sent, st.paragraph,
                    social=lemma in ("tweet", "post"))
    if before.endswith((",", ",”", ",\"", ",''", "”", "''", ",“", "?“", "!“")) and lx.VERB_FORMS.get(word, ("", lx.THOUGHT))[1] == lx.SPEECH:
        src = st.np_right(c1)
        after_quote = before.endswith((",”", ",\"", ",''", "?”", "?\"", "?''", "!”", "”", "''",
                                       ",“", "?“", "!“"))
        objects = _PRONOUN_OBJECTS if after_quote else _OBJECT_WORDS
        if src is None or text[src[0]:src[1]].split()[0].lower() in objects:
            return None
        content = st.content_left(c0)
        if content is None:
            return None
        parts = [content]
        cont = _continuation(st, src[1])
        if cont:
            parts.append(cont)
        reasons.append("claim before the cue, source after it")
        return _Raw(tuple(parts), src, (c0, c1), stance, conf + 0.05, reasons, sent,
                    st.paragraph)
    return None


_ADVERB = re.compile(r"[a-z]+ly")
_NOUN_MARKERS = frozenset({"a", "an", "the", "his", "her", "their", "its", "our", "my",
                           "your", "this", "these", "those", "to", "of", "in", "for", "with",
                           "by", "on", "at", "from"})
_VERBISH = frozenset({"is", "was", "are", "were", "be", "been", "being", "has", "have",
                      "had", "do", "does", "did", "doesn't", "don't", "didn't", "doesn’t",
                      "don’t", "didn’t", "can", "could", "will", "would", "should", "may",
                      "might", "must", "to", "it's", "it’s", "isn't", "isn’t", "wasn't",
                      "wasn’t", "uses", "used", "help", "helps"})
_BE = frozenset({"is", "was", "are", "were", "be", "been", "being", "is widely", "was widely"})
_NAME_JOINERS = frozenset({"of", "the", "de", "al", "bin", "van", "von", "da", "and"})
_PRONOUN_OBJECTS = frozenset({"them", "him", "her", "it", "that", "this", "us", "me", "you",
                              "to", "for", "on", "in", "of", "at"})
_OBJECT_WORDS = frozenset({"them", "him", "her", "it", "that", "this", "us", "me", "you",
                           "the", "a", "an", "to", "for", "on", "in", "of", "at"})
_CLAUSE_TAIL = re.compile(
    r"(?:\s*(?:,\s*)?(?:on|in|at|during|last|this|late|early|earlier|later|after|before"
    r"|recently|afterward|then|yesterday|today|Monday|Tuesday|Wednesday|Thursday|Friday"
    r"|Saturday|Sunday|in\s+an?\s+\w+|\w+day)\b[^.,;“\"]{0,40})?\s*(?:[.!?]|,\s*[“\"]|,\s*''|$)")


_TOLD_OBJECT = re.compile(
    r"\s+(?:(?:the\s+|The\s+)?(?:[A-Z][\w’'.\-]*\s*){1,4}|reporters|him|her|them|us|me"
    r"|the\s+\w+|an?\s+\w+)")


def _ends_clause(text: str, a: int, e: int, lemma: str = "") -> bool:
    """After a post-posed cue only a time/place adverbial, the end, or “… may follow
    ("…, Tad Devine told The Huffington Post." — an object of "told" too)."""
    if _CLAUSE_TAIL.match(text[a:e]):
        return True
    if lemma == "tell":
        m = _TOLD_OBJECT.match(text, a, e)
        return bool(m and _CLAUSE_TAIL.match(text[m.end():e]))
    return False


def _passive(text: str, s: int, c0: int, word: str) -> bool:
    """A past participle after "is/was/been (adverb)" or after a determiner."""
    if not word.endswith(("ed", "en", "wn", "ought", "ound", "old", "aid")):
        return False
    before = text[max(s, c0 - 30):c0].split()
    while before and (_ADVERB.fullmatch(before[-1]) or before[-1] in ("first", "also", "not")):
        before.pop()
    return bool(before) and before[-1].lower() in _BE


_INTRO = re.compile(r"\s*(?:At|In|On|During|After|Before|Later|Earlier|Then|But|And|Still|"
                    r"Meanwhile|Speaking|Asked)\b[^,]{0,80},\s*")
_IRREGULAR_PAST = frozenset({"began", "made", "went", "took", "gave", "said", "told", "was",
                             "is", "has", "had", "have", "are", "were", "came", "got", "spent",
                             "left", "met", "ran", "won", "lost", "kept", "held", "brought"})


def _clause_subject(st: _Sentence, limit: int) -> Span | None:
    """The subject at the start of the sentence (after an introductory phrase): the
    words before its first verb ("The billionaire businessman began …, saying …")."""
    text = st.text
    a = st.s
    m = _INTRO.match(text, a, limit)
    if m:
        a = m.end()
    words = list(re.finditer(r"[\w’'.\-]+", text[a:limit]))
    out: list[re.Match[str]] = []
    for w in words[:9]:
        low = w.group().lower()
        if out and (low in _VERBISH or low in _IRREGULAR_PAST or low in lx.VERB_FORMS
                    or (w.group().islower() and re.fullmatch(r"[a-z]+(?:ed|es)", low))):
            break
        if low in lx.CLAUSE_BREAKERS:
            return None
        out.append(w)
    else:
        return None
    if not out or not (out[0].group()[:1].isupper() or out[0].group().lower() in
                       ("the", "a", "an", "his", "her", "their")):
        return None
    return (a + out[0].start(), a + out[-1].end())


def _sentence_subject(st: _Sentence) -> Span | None:
    m = re.match(r"\s*((?:[A-Z][\w’'.\-]*\s+){0,3}[A-Z][\w’'.\-]*)\s+[a-z]", st.text[st.s:st.e])
    if not m or _ADVERB.fullmatch(m.group(1).lower()) or m.group(1).split()[0] in (
            "The", "A", "An", "In", "On", "At", "But", "And", "When", "After", "Before",
            "If", "As", "While", "This", "That", "It", "There"):
        return None
    return (st.s + m.start(1), st.s + m.end(1))


def _has_complement(text: str, c1: int) -> bool:
    tail = text[c1:c1 + 60]
    return bool(re.match(r"\s*(?:that|to|for|on|out|it|him|her|them|as|in|about|against|of|:|,\s*[“\"]|[“\"]|''"
                         r"|the|a|an|he|she|they|we|his|their|no|more|most|\d)\b",
                         tail)) or bool(re.search(r"[“\"]|''", tail))


_PREV_WORD = re.compile(r"([\w’'.\-]+)\s*$")


def _verb_context(text: str, c0: int) -> bool:
    """A noun-like form ("comments", "states") is a verb after a subject-like word."""
    m = _PREV_WORD.search(text, max(0, c0 - 40), c0)
    if not m:
        return False
    w = m.group(1)
    if w.lower() in ("his", "her", "their", "its", "our", "my", "your", "the", "a", "an"):
        return False
    if w.lower() in lx.SUBJECT_WORDS or w.lower() in lx.DOCUMENT_NOUNS:
        return True  # "they support", "a poll shows"
    if w.endswith("s") and w[:1].islower() and len(w) > 3 and not w.endswith("ss"):
        return True
    if w[:1].isupper() and not w.endswith(("’s", "'s", "’", "'")):
        before = text[max(0, m.start() - 12):m.start()].split()
        return not before or before[-1].lower() not in ("the", "a", "an", "his", "her",
                                                        "their", "its", "of", "in", "to")
    return False


def _continuation(st: _Sentence, a: int) -> Span | None:
    """The second half of a quotation split by its cue: “…,” she said, “…”."""
    m = re.match(r"\s*[,:]\s*(?=[“\"]|'')", st.text[a:st.e])
    if not m:
        return None
    q = _quote_at(st.quotes, a + m.end())
    if q is None:
        return None
    return q


def _finish(text: str, raw: list[_Raw], *, outlet: str,
            with_facets: bool) -> list[AttributionSuggestion]:
    from annotator.domain.suggest.pronouns import PronounResolver

    resolver = PronounResolver(text)
    out: list[AttributionSuggestion] = []
    for r in raw:
        content = tuple(sorted(r.content))
        start, end = content[0][0], content[-1][1]
        source_text = text[r.source[0]:r.source[1]] if r.source else ""
        cue_text = text[r.cue[0]:r.cue[1]] if r.cue else ""
        reasons = list(r.reasons)
        conf = r.confidence
        resolved = ""
        lookup = source_text
        if r.source:
            res = resolver.resolve(source_text, r.source, r.paragraph)
            if res.is_pronoun:
                if res.antecedent:
                    resolved = res.antecedent
                    lookup = res.antecedent
                    reasons.append(f"pronoun {source_text!r} resolved to {resolved!r}")
                else:
                    conf -= 0.15
                    reasons.append(f"pronoun {source_text!r} not resolved: {res.why}")
            else:
                resolver.remember(source_text, r.source, r.paragraph)
        sentence_text = text[r.sentence[0]:r.sentence[1]]
        kind, why = classify_source(lookup, cue_text, sentence_text, hedged=r.hedged,
                                    social=r.social, outlet=outlet)
        reasons.append(why)
        if any(ch in text[start:end][:2] for ch in "“\"") or text[start:start + 2] == "''":
            conf += 0.03
            reasons.append("the claim is a quotation")
        facets: dict[str, object] = {}
        if with_facets and lookup:
            from annotator.domain.mention_parser import suggest_facets

            facets = _cached_facets(suggest_facets, lookup, sentence_text, outlet)
        out.append(AttributionSuggestion(
            start=start, end=end, fragments=content, source=r.source, cue=r.cue, kind=kind,
            stance=r.stance, confidence=round(max(0.05, min(0.99, conf)), 2),
            reasons=tuple(reasons), resolved_source=resolved, facets=facets,
            sentence=r.sentence))
    return out


def facets_of(text: str, s: AttributionSuggestion, *, outlet: str = "") -> dict[str, object]:
    """The mention parser's facets for a suggestion (its resolved source, its sentence)."""
    if s.facets:
        return dict(s.facets)
    mention = s.resolved_source or (text[s.source[0]:s.source[1]] if s.source else "")
    if not mention:
        return {}
    from annotator.domain.mention_parser import suggest_facets

    return _cached_facets(suggest_facets, mention, text[s.sentence[0]:s.sentence[1]], outlet)


_FACET_CACHE: dict[tuple[str, str, str], dict[str, object]] = {}


def _cached_facets(fn: object, mention: str, sentence: str,
                   outlet: str) -> dict[str, object]:
    key = (mention, sentence, outlet)
    hit = _FACET_CACHE.get(key)
    if hit is None:
        if len(_FACET_CACHE) > 20000:
            _FACET_CACHE.clear()
        hit = dict(fn(mention, sentence, outlet=outlet).values())  # type: ignore[operator]
        _FACET_CACHE[key] = hit
    return dict(hit)
