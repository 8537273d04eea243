"""Which kind of source a mention is: the default taxonomy key and the reason why.

Kinds are the keys of the default taxonomy (``resources/taxonomy.json``); projects
with their own taxonomy map them with :func:`annotator.domain.suggest.labels.map_kind`.
"""

from __future__ import annotations

import re

from annotator.domain.facets import AffiliationType
from annotator.domain.mention_parser import NATIONALITIES, ORGANISATIONS
from annotator.domain.suggest import lexicon as lx

NAMED_PERSON = "named_person"
ORGANISATION = "organisation_statement"
ANONYMOUS_OFFICIAL = "anonymous_official"
ANONYMOUS = "anonymous_unspecified"
DOCUMENT = "document"
MEDIA = "media_report"
SOCIAL = "social_media"
DECLINED = "declined_comment"
UNATTRIBUTED = "unattributed"
OTHER = "other"

_MEDIA_NAMES = sorted((n for n, t in ORGANISATIONS.items() if t is AffiliationType.MEDIA),
                      key=len, reverse=True)
_MEDIA_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(n) for n in _MEDIA_NAMES) + r")\b"
    r"|\b(?:The\s+)?(?:[A-Z][\w.]*\s+){0,3}(?:Times|Post|Journal|Tribune|Herald|Gazette"
    r"|Telegraph|Globe|News|Chronicle|Daily|Magazine|Examiner|Observer|Review|Inquirer)\b")
_ORG_NAMES = sorted((n for n, t in ORGANISATIONS.items() if t is not AffiliationType.MEDIA),
                    key=len, reverse=True)
_ORG_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(n) for n in _ORG_NAMES) + r")\b"
    r"|\b(?:Department|Ministry|Agency|Committee|Commission|Council|Party|Campaign|Office"
    r"|Bureau|Administration|Foundation|Institute|Association|Union|Corporation|Inc"
    r"|Company|Court|Congress|Senate|House|Police|Army|Bank|University|FBI|CIA|NSA"
    r"|DNC|RNC|GOP|EPA|IRS|NATO|UN|EU)\b")
_WORD = re.compile(r"[\w’'.\-]+")
_PLATFORMS = re.compile(r"\bon\s+(?:" + "|".join(lx.SOCIAL_PLATFORMS) + r")\b")


def classify_source(source: str, cue: str, sentence: str, *, hedged: bool = False,
                    social: bool = False, outlet: str = "") -> tuple[str, str]:
    """``(kind, reason)`` for a source mention in its sentence."""
    low_cue = cue.lower()
    if "declined to comment" in sentence.lower() or low_cue.startswith(("declin", "refus")):
        if "comment" in sentence.lower():
            return DECLINED, "the source declined to comment"
    if not source:
        return UNATTRIBUTED, ("hedged claim with no source" if hedged
                              else "no source named")
    if social or low_cue.split()[-1:] and low_cue.split()[-1] in lx.SOCIAL_CUES \
            or _PLATFORMS.search(sentence):
        return SOCIAL, "posted on social media"
    words = [w.lower().strip("’'") for w in _WORD.findall(source)]
    if any(p in source.lower() for p in lx.ANONYMOUS_PHRASES):
        if any(w in lx.OFFICIAL_NOUNS for w in words):
            return ANONYMOUS_OFFICIAL, "anonymous source with a role"
        return ANONYMOUS, "anonymous-source phrasing"
    head = _head(words)
    if _MEDIA_RE.search(source) and head not in lx.OFFICIAL_NOUNS:
        return MEDIA, "a news outlet"
    if head in lx.DOCUMENT_NOUNS:
        return DOCUMENT, f"a document ({head!r})"
    if head in lx.MEDIA_NOUNS:
        return MEDIA, f"a news outlet ({head!r})"
    named = _has_name(source)
    if head in lx.ANONYMOUS_NOUNS and not named:
        return ANONYMOUS, f"unnamed {head!r}"
    if head in lx.OFFICIAL_NOUNS and not named:
        return ANONYMOUS_OFFICIAL, f"unnamed {head!r} with a role"
    if _ORG_RE.search(source) and not _person_like(source):
        return ORGANISATION, "an organisation"
    if named:
        return NAMED_PERSON, "a named person"
    if words and words[0] in lx.PRONOUNS:
        return NAMED_PERSON, "a pronoun for a person"
    return OTHER, "no rule for this kind of source"


def _head(words: list[str]) -> str:
    """Last word before an "of"/"for"/"with" (the head of "officials of the party")."""
    for i, w in enumerate(words):
        if w in ("of", "for", "with", "from", "in", "at", "familiar", "close", "who", ","):
            return words[i - 1] if i else w
    return words[-1] if words else ""


_CAP = re.compile(r"(?<![\w’'])[A-Z][a-z’'\-]+(?:\s+[A-Z][a-z’'\-.]+)*")
_NOT_NAME = frozenset({"The", "A", "An", "But", "And", "In", "On", "He", "She", "They",
                       "It", "We", "I", "This", "That", "Democrats", "Republicans",
                       "Democratic", "Republican", "American", "Americans", "Mr", "Mrs",
                       "Ms", "Senior", "Top", "Former", "Several", "Some", "Two", "Three",
                       "One", "Many", "Both", "Other", "His", "Her", "Their", "Its", "Our",
                       *NATIONALITIES})


def _has_name(source: str) -> bool:
    for m in _CAP.finditer(source):
        words = [w for w in m.group().split() if w.strip("’'s") not in _NOT_NAME
                 and w not in _NOT_NAME]
        if not words:
            continue
        if _ORG_RE.fullmatch(m.group()) or _MEDIA_RE.fullmatch(m.group()):
            continue
        return True
    return False


def _person_like(source: str) -> bool:
    return bool(re.search(r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov)\.?\s+[A-Z]", source))
