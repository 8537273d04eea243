"""Suggest facet values from a source-mention phrase, each with the words that triggered it.

Analysts select phrases like "three sources with direct knowledge of the talks" or
"a senior Qatari official reportedly said" hundreds of times per article. Most of
the facets (count, knowledge basis, nationality, hedge ...) are spelled out in those
words, so the form can be prefilled. The parser only *suggests*: every suggestion
carries the exact evidence substring and its offsets so the UI can say "prefilled
from 'three sources'" and the analyst can see, and overrule, why.

Design choices, deliberately conservative:

* Rules are small, readable regular expressions and word lists, not a statistical
  model, so an analyst can predict and audit every suggestion and the project stays
  pure standard library.
* Who the source *is* (count, name, role, affiliation, knowledge basis) is read only
  from the mention. The surrounding sentence (``context``) is read only for how the
  outlet *frames* the claim (cue verb, hedges, quotation, channel, anonymity reason),
  because the sentence often names other people ("told Witkoff") who are not the
  source.
* A facet with no evidence is not suggested, with two documented exceptions that
  record an absence the guidance cares about: ``knowledge_basis = unstated`` when a
  source was found but no basis is given, and ``anonymity_reason = none`` when an
  unnamed source is given no reason. Their evidence is the source phrase itself.
* A plural with no number ("sources", "Qatari officials") is suggested as
  ``source_count = "several"`` meaning *at least two*, never as 2: Reuters-style
  guidance warns against citing sources in the plural when there is only one, but a
  plural alone does not tell the reader how many there were.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final, Literal

from annotator.domain.facets import (
    EMPTY_FACETS,
    FACET_NAMES,
    SEVERAL,
    AffiliationType,
    AnonymityReason,
    Channel,
    ClaimType,
    CueStance,
    Facets,
    FacetValue,
    IdentitySpecificity,
    KnowledgeBasis,
    Named,
    Polarity,
    QuoteType,
)

Where = Literal["mention", "context"]


@dataclass(frozen=True)
class Suggestion:
    """One suggested facet value and the evidence for it.

    ``start``/``end`` are code-point offsets (end-exclusive) into the mention or the
    context, as named by ``where``; ``evidence == text[start:end]``.
    """

    facet: str
    value: FacetValue
    evidence: str
    start: int
    end: int
    where: Where = "mention"
    note: str = ""

    @property
    def explanation(self) -> str:
        """Short UI text, e.g. ``prefilled from 'three sources'``."""
        text = f"prefilled from {self.evidence!r}"
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True)
class Suggestions:
    """All suggestions for one mention, at most one per facet, in facet order."""

    mention: str
    context: str = ""
    items: tuple[Suggestion, ...] = ()

    def __iter__(self) -> Iterator[Suggestion]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, facet: object) -> bool:
        return any(s.facet == facet for s in self.items)

    def __getitem__(self, facet: str) -> Suggestion:
        found = self.get(facet)
        if found is None:
            raise KeyError(facet)
        return found

    def get(self, facet: str) -> Suggestion | None:
        return next((s for s in self.items if s.facet == facet), None)

    def values(self) -> dict[str, FacetValue]:
        """``{facet: suggested value}``."""
        return {s.facet: s.value for s in self.items}

    def apply(self, facets: Facets = EMPTY_FACETS) -> Facets:
        """Fill the facets the analyst has not set yet; never overwrite a recorded one."""
        data: dict[str, object] = dict(facets.to_dict())
        for s in self.items:
            if not facets.is_set(s.facet):
                data[s.facet] = s.value
        return Facets.from_dict(data)


# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

NUMBER_WORDS: Final[Mapping[str, int]] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "both": 2, "a dozen": 12, "a couple of": 2,
}
"""Exact counts. "a couple of" is 2 by dictionary sense; "a few" is not exact."""

SINGULAR_DETERMINERS: Final = frozenset({"a", "an", "the", "another", "this", "that"})
VAGUE_QUANTIFIERS: Final = frozenset({
    "several", "multiple", "many", "numerous", "various", "some", "a few", "few",
    "a number of", "a handful of", "dozens of", "scores of", "a group of", "other",
})

_SINGULAR_TO_PLURAL_IRREGULAR: Final[Mapping[str, str]] = {
    "person": "people", "spokesman": "spokesmen", "spokeswoman": "spokeswomen",
    "spokesperson": "spokespeople", "chairman": "chairmen", "chairwoman": "chairwomen",
    "witness": "witnesses", "eyewitness": "eyewitnesses", "secretary": "secretaries",
    "deputy": "deputies", "attorney": "attorneys", "someone": "someone",
}

GENERIC_NOUNS: Final = ("source", "person", "individual", "insider", "someone")
"""Nouns that say nothing about who the source is."""

ROLE_NOUNS: Final = (
    "official", "diplomat", "officer", "aide", "adviser", "advisor", "spokesperson",
    "spokesman", "spokeswoman", "minister", "chief", "director", "head", "negotiator",
    "mediator", "envoy", "representative", "ambassador", "lawmaker", "legislator",
    "senator", "commander", "executive", "staffer", "employee", "analyst", "leader",
    "member", "investigator", "prosecutor", "witness", "eyewitness", "resident",
    "researcher", "professor", "expert", "journalist", "reporter", "editor", "soldier",
    "agent", "secretary", "president", "premier", "chairman", "chairwoman", "ceo",
    "governor", "mayor", "emir", "king", "lawyer", "attorney", "deputy", "strategist",
    "operative", "militant", "fighter", "worker", "doctor", "medic", "activist", "figure",
)
"""Nouns that give the source a role or rank."""

UNIQUE_TITLES: Final = frozenset({
    "chief", "head", "director", "minister", "president", "premier", "spokesperson",
    "spokesman", "spokeswoman", "ambassador", "secretary", "commander", "chairman",
    "chairwoman", "ceo", "governor", "mayor", "emir", "king",
})
"""Titles that, after "the" and in the singular, normally fit exactly one person."""

GOVERNMENT_ROLES: Final = frozenset({
    "official", "spokesperson", "spokesman", "spokeswoman", "envoy", "negotiator",
    "mediator", "representative", "minister", "president", "premier", "secretary",
    "governor", "mayor", "emir", "king", "aide", "adviser", "advisor", "deputy",
})
"""Roles that mean *government* when tied to a country ("Qatari officials")."""
ALWAYS_GOVERNMENT_ROLES: Final = frozenset({
    "diplomat", "ambassador", "lawmaker", "legislator", "senator", "minister",
})
"""Roles that mean *government* on their own."""
ROLE_TYPES: Final[Mapping[str, AffiliationType]] = {
    "witness": AffiliationType.INDIVIDUAL, "eyewitness": AffiliationType.INDIVIDUAL,
    "resident": AffiliationType.INDIVIDUAL, "researcher": AffiliationType.ACADEMIC,
    "professor": AffiliationType.ACADEMIC, "journalist": AffiliationType.MEDIA,
    "reporter": AffiliationType.MEDIA, "editor": AffiliationType.MEDIA,
    "soldier": AffiliationType.MILITARY, "commander": AffiliationType.MILITARY,
    "executive": AffiliationType.COMPANY, "ceo": AffiliationType.COMPANY,
    "militant": AffiliationType.POLITICAL_GROUP, "activist": AffiliationType.POLITICAL_GROUP,
}


def _noun_forms() -> dict[str, tuple[str, bool, bool]]:
    """``{word form: (singular lemma, is_plural, is_role)}``."""
    forms: dict[str, tuple[str, bool, bool]] = {}
    for is_role, nouns in ((False, GENERIC_NOUNS), (True, ROLE_NOUNS)):
        for noun in nouns:
            forms[noun] = (noun, False, is_role)
            plural = _SINGULAR_TO_PLURAL_IRREGULAR.get(noun, noun + "s")
            if plural != noun:
                forms[plural] = (noun, True, is_role)
    forms["persons"] = ("person", True, False)
    forms["spokespersons"] = ("spokesperson", True, True)
    return forms


SOURCE_NOUNS: Final = _noun_forms()

NATIONALITIES: Final[Mapping[str, str]] = {
    "Qatari": "Qatar", "Egyptian": "Egypt", "Turkish": "Turkey", "Israeli": "Israel",
    "U.S.": "United States", "US": "United States", "American": "United States",
    "Palestinian": "Palestine", "Iranian": "Iran", "Saudi": "Saudi Arabia",
    "Emirati": "United Arab Emirates", "Jordanian": "Jordan", "Lebanese": "Lebanon",
    "Syrian": "Syria", "Iraqi": "Iraq", "Yemeni": "Yemen", "Russian": "Russia",
    "Ukrainian": "Ukraine", "Chinese": "China", "British": "United Kingdom",
    "U.K.": "United Kingdom", "UK": "United Kingdom", "French": "France",
    "German": "Germany", "Indian": "India", "Pakistani": "Pakistan", "Japanese": "Japan",
    "Canadian": "Canada", "Mexican": "Mexico", "Omani": "Oman", "Kuwaiti": "Kuwait",
    "Bahraini": "Bahrain", "Libyan": "Libya", "Sudanese": "Sudan",
    "Afghan": "Afghanistan", "Algerian": "Algeria", "Moroccan": "Morocco",
    "Tunisian": "Tunisia", "Nigerian": "Nigeria", "Kenyan": "Kenya", "Ethiopian": "Ethiopia",
    "South African": "South Africa", "Brazilian": "Brazil", "Argentine": "Argentina",
    "Colombian": "Colombia", "Venezuelan": "Venezuela", "Cuban": "Cuba", "Chilean": "Chile",
    "Peruvian": "Peru", "Spanish": "Spain", "Italian": "Italy", "Dutch": "Netherlands",
    "Belgian": "Belgium", "Swiss": "Switzerland", "Austrian": "Austria", "Polish": "Poland",
    "Swedish": "Sweden", "Norwegian": "Norway", "Danish": "Denmark", "Finnish": "Finland",
    "Greek": "Greece", "Irish": "Ireland", "Portuguese": "Portugal", "Hungarian": "Hungary",
    "Czech": "Czech Republic", "Romanian": "Romania", "Serbian": "Serbia",
    "Belarusian": "Belarus", "Georgian": "Georgia", "Armenian": "Armenia",
    "Azerbaijani": "Azerbaijan", "Kazakh": "Kazakhstan", "Korean": "South Korea",
    "South Korean": "South Korea", "North Korean": "North Korea", "Taiwanese": "Taiwan",
    "Vietnamese": "Vietnam", "Thai": "Thailand", "Indonesian": "Indonesia",
    "Malaysian": "Malaysia", "Filipino": "Philippines", "Australian": "Australia",
    "New Zealand": "New Zealand", "Bangladeshi": "Bangladesh", "Sri Lankan": "Sri Lanka",
    "Nepalese": "Nepal", "Somali": "Somalia",
}
"""Nationality adjectives -> country (the English short name used in exports)."""

COUNTRIES: Final[Mapping[str, str]] = {
    **{country: country for country in set(NATIONALITIES.values())},
    "United States": "United States", "America": "United States",
    "Türkiye": "Turkey", "Gaza": "Palestine", "West Bank": "Palestine",
    "Britain": "United Kingdom", "UAE": "United Arab Emirates",
    "New Zealand": "New Zealand", "South Korea": "South Korea", "North Korea": "North Korea",
    "Saudi Arabia": "Saudi Arabia", "South Africa": "South Africa", "Czech Republic":
    "Czech Republic", "Sri Lanka": "Sri Lanka", "Netherlands": "Netherlands",
    "Philippines": "Philippines", "England": "United Kingdom", "Scotland": "United Kingdom",
}

INSTITUTION_COUNTRIES: Final[Mapping[str, str]] = {
    "Kremlin": "Russia", "White House": "United States", "Pentagon": "United States",
    "State Department": "United States", "Downing Street": "United Kingdom",
    "Élysée": "France", "Elysee": "France", "Knesset": "Israel", "IDF": "Israel",
    "Israel Defense Forces": "Israel", "Zhongnanhai": "China", "Bundestag": "Germany",
}
"""Institutions named for their building or body that stand for one country."""

ORGANISATIONS: Final[Mapping[str, AffiliationType]] = {
    # News organisations
    "Axios": AffiliationType.MEDIA, "Reuters": AffiliationType.MEDIA,
    "Associated Press": AffiliationType.MEDIA, "AP": AffiliationType.MEDIA,
    "AFP": AffiliationType.MEDIA, "Agence France-Presse": AffiliationType.MEDIA,
    "Bloomberg": AffiliationType.MEDIA, "CNN": AffiliationType.MEDIA,
    "BBC": AffiliationType.MEDIA, "Al Jazeera": AffiliationType.MEDIA,
    "Al Arabiya": AffiliationType.MEDIA, "Al-Monitor": AffiliationType.MEDIA,
    "New York Times": AffiliationType.MEDIA, "Washington Post": AffiliationType.MEDIA,
    "Wall Street Journal": AffiliationType.MEDIA, "Financial Times": AffiliationType.MEDIA,
    "Guardian": AffiliationType.MEDIA, "Politico": AffiliationType.MEDIA,
    "Haaretz": AffiliationType.MEDIA, "Times of Israel": AffiliationType.MEDIA,
    "Channel 12": AffiliationType.MEDIA, "Ynet": AffiliationType.MEDIA,
    "Fox News": AffiliationType.MEDIA, "NBC News": AffiliationType.MEDIA,
    "CBS News": AffiliationType.MEDIA, "ABC News": AffiliationType.MEDIA,
    "NPR": AffiliationType.MEDIA, "Sky News": AffiliationType.MEDIA,
    # Governments and armed forces referred to by institution
    "White House": AffiliationType.GOVERNMENT, "State Department": AffiliationType.GOVERNMENT,
    "Downing Street": AffiliationType.GOVERNMENT, "Knesset": AffiliationType.GOVERNMENT,
    "Élysée": AffiliationType.GOVERNMENT, "Bundestag": AffiliationType.GOVERNMENT,
    "Kremlin": AffiliationType.GOVERNMENT, "Pentagon": AffiliationType.MILITARY,
    "IDF": AffiliationType.MILITARY, "Israel Defense Forces": AffiliationType.MILITARY,
    # Political and armed groups
    "Hamas": AffiliationType.POLITICAL_GROUP, "Hezbollah": AffiliationType.POLITICAL_GROUP,
    "Fatah": AffiliationType.POLITICAL_GROUP, "Islamic Jihad": AffiliationType.POLITICAL_GROUP,
    "Houthis": AffiliationType.POLITICAL_GROUP, "Likud": AffiliationType.POLITICAL_GROUP,
    # Non-governmental organisations
    "Red Cross": AffiliationType.NGO, "ICRC": AffiliationType.NGO,
    "Amnesty International": AffiliationType.NGO, "Human Rights Watch": AffiliationType.NGO,
    "Doctors Without Borders": AffiliationType.NGO, "MSF": AffiliationType.NGO,
}
"""Well-known organisations named in Middle East / wire copy, with their type."""

INSTITUTION_WORDS: Final[Mapping[str, AffiliationType]] = {
    "intelligence": AffiliationType.GOVERNMENT, "government": AffiliationType.GOVERNMENT,
    "ministry": AffiliationType.GOVERNMENT, "administration": AffiliationType.GOVERNMENT,
    "embassy": AffiliationType.GOVERNMENT, "cabinet": AffiliationType.GOVERNMENT,
    "police": AffiliationType.GOVERNMENT, "military": AffiliationType.MILITARY,
    "army": AffiliationType.MILITARY, "navy": AffiliationType.MILITARY,
    "security": AffiliationType.GOVERNMENT, "university": AffiliationType.ACADEMIC,
    "company": AffiliationType.COMPANY, "firm": AffiliationType.COMPANY,
    "corporation": AffiliationType.COMPANY, "charity": AffiliationType.NGO,
    "newspaper": AffiliationType.MEDIA, "party": AffiliationType.POLITICAL_GROUP,
    "faction": AffiliationType.POLITICAL_GROUP, "movement": AffiliationType.POLITICAL_GROUP,
    "campaign": AffiliationType.POLITICAL_GROUP,
}
"""Lower-case words naming an institution; they give an affiliation and its type."""

ORGANISATION_SUFFIXES: Final[Mapping[str, AffiliationType]] = {
    **dict.fromkeys(("Times", "Post", "Journal", "News", "Tribune", "Herald", "Gazette",
                     "Globe", "Magazine", "Radio", "Television", "TV", "Broadcasting",
                     "Chronicle", "Observer", "Daily", "Telegraph", "Press", "Wire",
                     "Inquirer", "Examiner", "Review", "Monitor"), AffiliationType.MEDIA),
    **dict.fromkeys(("Inc", "Inc.", "Corp", "Corp.", "Co.", "Ltd", "Ltd.", "LLC", "PLC",
                     "Group", "Holdings", "Bank", "Motors", "Airlines", "Airways",
                     "Technologies", "Pharmaceuticals", "Energy", "Industries", "Partners",
                     "Capital", "Sachs", "Mobil", "Systems", "Company", "Corporation",
                     "Enterprises", "Securities", "Investments", "Oil", "Petroleum"),
                    AffiliationType.COMPANY),
    **dict.fromkeys(("Agency", "Department", "Ministry", "Bureau", "Commission",
                     "Administration", "Service", "Authority", "Police", "Directorate",
                     "Office", "Embassy", "Consulate", "Cabinet", "Parliament", "Senate",
                     "Congress"), AffiliationType.GOVERNMENT),
    **dict.fromkeys(("Army", "Navy", "Force", "Forces", "Guard", "Corps", "Command"),
                    AffiliationType.MILITARY),
    **dict.fromkeys(("Foundation", "Watch", "International", "Fund", "Society",
                     "Coalition", "Alliance", "Trust", "Federation", "Crescent", "Cross",
                     "Council", "Committee", "Union", "Association", "Without Borders"),
                    AffiliationType.NGO),
    **dict.fromkeys(("University", "College", "Institute", "Institution", "School",
                     "Academy"), AffiliationType.ACADEMIC),
    **dict.fromkeys(("Party", "Campaign", "PAC", "Caucus", "Movement", "Front"),
                    AffiliationType.POLITICAL_GROUP),
}
"""Last word of a capitalised organisation name -> its type ("Goldman Sachs",
"the Environmental Protection Agency", "the Norwegian Refugee Council")."""
_ORG_NAME = re.compile(
    r"(?<![\w’'])(?:[A-Z][\w’'&.\-]*|of|for|and|the|on|de)(?:\s+(?:[A-Z][\w’'&.\-]*|of|for|and"
    r"|the|on|de|&))*")

CUES: Final[Mapping[str, CueStance]] = {
    **dict.fromkeys(
        ("said", "says", "say", "saying", "told", "tells", "tell", "according to",
         "reported", "reports", "stated", "states", "added", "adds", "explained",
         "responded", "responds", "replied", "wrote", "writes", "posted", "announced",
         "announces", "described", "commented", "remarked", "denied", "denies", "warned",
         "accused"),
        CueStance.NEUTRAL,
    ),
    **dict.fromkeys(
        ("claimed", "claims", "alleged", "alleges", "insisted", "insists",
         "maintained", "maintains", "asserted", "asserts", "contended", "contends",
         "purported"),
        CueStance.DISTANCING,
    ),
    **dict.fromkeys(
        ("confirmed", "confirms", "acknowledged", "acknowledges", "admitted", "admits",
         "conceded", "concedes", "noted", "notes", "pointed out", "revealed", "reveals",
         "disclosed", "discloses"),
        CueStance.ENDORSING,
    ),
}
"""Attribution verbs and the stance they signal.

"said" is the neutral default of every wire style guide. Verbs such as "claimed" or
"insisted" cast doubt; "confirmed", "acknowledged", "noted" and "pointed out" present
what follows as established, so they are endorsing even when the writer did not mean
it. "accused" is neutral in stance but marks the claim as an allegation.
"""
DENIAL_CUES: Final = frozenset({"denied", "denies"})
ALLEGATION_CUES: Final = frozenset({"alleged", "alleges", "accused"})

TITLES_BEFORE_NAMES: Final = frozenset({
    "mr", "mrs", "ms", "dr", "sen", "rep", "gen", "col", "lt", "sheikh", "prof",
})
NAME_PARTICLES: Final = frozenset({"bin", "ibn", "al", "el", "abu", "de", "van", "von", "da"})
TIME_WORDS: Final = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "late", "early", "earlier", "later",
    "last", "next", "night", "morning", "afternoon", "evening", "yesterday", "today",
})
NOT_NAMES: Final = TIME_WORDS | frozenset({
    "a", "an", "the", "this", "that", "these", "those", "another", "other", "some",
    "several", "many", "multiple", "he", "she", "they", "it", "we", "i", "his", "her",
    "their", "its", "our", "according", "reportedly", "allegedly", "meanwhile",
    "however", "but", "and", "or", "in", "on", "at", "after", "before", "when", "while",
    "following", "shortly", "senior", "top", "high", "former", "both", "all", "most",
    "few", "such", "two-thirds",
}) | frozenset(NUMBER_WORDS)
"""Capitalised at the start of a sentence but never part of a name."""
NP_BREAKERS: Final = TIME_WORDS | frozenset({
    "to", "that", "of", "with", "by", "from", "in", "on", "at", "for", "and", "or",
    "but", "as", "after", "before", "when", "while", "according", "said", "told",
    "says", "who", "which",
})
"""Words that end a noun phrase when walking left from its head noun."""

# --------------------------------------------------------------------------------------
# Patterns for knowledge basis, hedges, anonymity reasons, channels
# --------------------------------------------------------------------------------------

_I = re.IGNORECASE

KNOWLEDGE_PATTERNS: Final[tuple[tuple[KnowledgeBasis, re.Pattern[str]], ...]] = (
    (KnowledgeBasis.DOCUMENT_SEEN, re.compile(
        r"\b(?:who\s+(?:has|had|have)\s+(?:seen|reviewed|read|obtained)"
        r"|(?:seen|reviewed|obtained|viewed)\s+by"
        r"|who\s+(?:saw|reviewed|read)\s+(?:a|an|the)\s+(?:copy|document|draft|memo"
        r"|letter|text|report|cable|email|minutes|transcript))\b", _I)),
    (KnowledgeBasis.DIRECT, re.compile(
        r"\b(?:with\s+(?:direct|first-?hand|personal)\s+knowledge"
        r"|who\s+(?:attended|participated\s+in|took\s+part\s+in|witnessed)"
        r"|who\s+(?:was|were)\s+(?:in\s+the\s+room|present)"
        r"|(?:directly\s+)?involved\s+in\s+the\s+(?:talks|negotiations|meetings?"
        r"|discussions)"
        r"|present\s+(?:at|during)\s+the)\b", _I)),
    (KnowledgeBasis.BRIEFED, re.compile(r"\bbriefed(?:\s+(?:on|about))?\b", _I)),
    (KnowledgeBasis.PROXIMATE, re.compile(
        r"\b(?:familiar\s+with|close\s+to|(?<!direct\s)(?<!first-hand\s)(?<!firsthand\s)"
        r"(?<!personal\s)knowledge\s+of|knowledgeable\s+about|aware\s+of)\b", _I)),
)
"""Checked in this order; the first pattern that matches decides.

A document seen and first-hand participation are checked before the weaker phrases
so that "with direct knowledge of" is never read as plain "knowledge of".
"""

HEDGE_PATTERN: Final = re.compile(
    r"\b(?:reportedly|allegedly|purportedly|apparently"
    r"|could\s+not\s+(?:be\s+)?independently\s+(?:be\s+)?verif(?:y|ied)"
    r"|(?:has|have|had)\s+not\s+been\s+independently\s+verified"
    r"|it\s+is\s+understood|(?:is|are|was|were)\s+understood\s+to"
    r"|(?:is|are|was|were)\s+said\s+to|unconfirmed)\b", _I)
"""Words by which the outlet signals it has not verified the claim itself."""

ANONYMITY_PATTERNS: Final[tuple[tuple[AnonymityReason, re.Pattern[str]], ...]] = (
    (AnonymityReason.GENERIC, re.compile(
        r"\b(?:not\s+(?:authori[sz]ed|permitted|allowed|cleared)\s+to\s+"
        r"(?:speak|discuss|comment|talk|brief)(?:\s+(?:publicly|on\s+the\s+record))?"
        r"|in\s+(?:line|keeping|accordance)\s+with\s+(?:\w+\s+)?(?:policy|protocol|practice"
        r"|rules)"
        r"|under\s+(?:the\s+)?(?:ground\s+rules|briefing\s+rules)"
        r"|as\s+is\s+(?:customary|standard\s+practice)"
        r"|because\s+of\s+the\s+sensitivity\s+of\s+the\s+(?:issue|matter|subject"
        r"|situation|topic))\b", _I)),
    (AnonymityReason.SPECIFIC, re.compile(
        r"\b(?:(?:because\s+of|given|due\s+to)\s+the\s+(?:sensitivity|sensitive\s+nature"
        r"|delicacy|delicate\s+nature)\s+of"
        r"|(?:for|out\s+of)\s+fear\s+of|fearing\s+(?:reprisals?|retaliation|retribution"
        r"|arrest|for)"
        r"|for\s+(?:their|his|her)\s+(?:own\s+)?safety"
        r"|to\s+protect\s+(?:their|his|her)\s+(?:safety|job|position|family|relatives)"
        r"|because\s+(?:the|these)\s+(?:talks|negotiations|discussions|deliberations"
        r"|investigation|matter)\s+(?:is|are|was|were)\s+(?:ongoing|private|confidential"
        r"|classified|continuing|still\s+under\s+way))\b", _I)),
)
"""Generic first: "the sensitivity of the issue/matter" is the boilerplate form that
the New York Times' standards desk has singled out as uninformative, so only a
sensitivity tied to something concrete ("... of the hostage talks") counts as specific.
"""

_THIS_OUTLET = r"(?:this|our)\s+(?:newspaper|publication|reporter|outlet|website|site|paper)"
CHANNEL_PATTERNS: Final[tuple[tuple[Channel, re.Pattern[str]], ...]] = (
    (Channel.STATEMENT, re.compile(
        r"\b(?:(?:in|issued)\s+a\s+(?:written\s+|joint\s+|brief\s+)?statement"
        r"|(?:a|the)\s+statement\s+(?:said|read|added))\b", _I)),
    (Channel.SPEECH_OR_PRESS_CONFERENCE, re.compile(
        r"\b(?:(?:at|during)\s+a\s+(?:press|news)\s+(?:conference|briefing)"
        r"|(?:in|during)\s+a\s+(?:speech|televised\s+address|address)"
        r"|told\s+reporters|(?:at|during)\s+a\s+briefing)\b", _I)),
    (Channel.SOCIAL_MEDIA, re.compile(
        r"\b(?:(?:wrote|posted|said)\s+on\s+(?:X|Twitter|Facebook|Instagram|Telegram"
        r"|TikTok|Truth\s+Social)|in\s+a\s+(?:social[- ]media\s+)?post)\b")),
    (Channel.DOCUMENT, re.compile(
        r"\b(?:according\s+to\s+(?:a|an|the)\s+(?:copy\s+of\s+(?:a|an|the)\s+)?"
        r"(?:document|memo|letter|filing|draft|cable|email|transcript|records?"
        r"|court\s+filings?)|in\s+a\s+(?:letter|memo|filing))\b", _I)),
    (Channel.TOLD_THIS_OUTLET, re.compile(
        rf"\b(?:told|said\s+to|speaking\s+to|spoke\s+to|in\s+an\s+interview\s+with)\s+"
        rf"(?:{_THIS_OUTLET}|us|me)\b", _I)),
)

_OUTLET_NAMES = sorted(
    (name for name, kind in ORGANISATIONS.items() if kind is AffiliationType.MEDIA),
    key=len, reverse=True,
)
OUTLET_INTERVIEW_PATTERN: Final = re.compile(
    r"\b(?:told|said\s+to|speaking\s+to|spoke\s+to|in\s+an\s+interview\s+with)\s+"
    r"(?:the\s+|The\s+)?(?P<outlet>" + "|".join(re.escape(n) for n in _OUTLET_NAMES) + r")\b"
)

QUOTE_PATTERN: Final = re.compile(r"[\"“]([^\"“”]+)[\"”]")
PARTIAL_QUOTE_MAX_WORDS: Final = 3
"""A quotation of at most this many words inside a paraphrase is a partial quote."""

CUE_PATTERN: Final = re.compile(
    r"(?<![\w’'])(?:" + "|".join(
        re.escape(c).replace(r"\ ", r"\s+") for c in sorted(CUES, key=len, reverse=True)
    ) + r")(?![\w’'])", _I)
_ENTITY_NAMES: Final[Mapping[str, tuple[str, str]]] = {
    **{k: ("nationality", v) for k, v in NATIONALITIES.items()},
    **{k: ("country", v) for k, v in COUNTRIES.items()},
    **{k: ("org", k) for k in ORGANISATIONS},
}
ENTITY_PATTERN: Final = re.compile(
    r"(?<![\w.])(?:" + "|".join(
        re.escape(n) for n in sorted(_ENTITY_NAMES, key=len, reverse=True)
    ) + r")(?![\w-])"
)
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W_][\w’'\-]*")
_POSSESSIVE = re.compile(r"(?:[’']s|(?<=s)[’'])$")
_DETERMINER = re.compile(
    r"(?P<d>" + "|".join(
        re.escape(w).replace(r"\ ", r"\s+")
        for w in sorted((*NUMBER_WORDS, *SINGULAR_DETERMINERS, *VAGUE_QUANTIFIERS),
                        key=len, reverse=True)
    ) + r"|\d+)\b", _I)
"""The leading number, determiner or vague quantifier of a noun phrase."""
_QUANTIFIER_OF = re.compile(
    r"(?:^|\s)(?P<q>a\s+number|a\s+handful|dozens|scores|a\s+couple|a\s+few|several|some"
    r"|many|most|all|both|a\s+group|" + "|".join(
        w for w in NUMBER_WORDS if " " not in w) + r"|\d+)\s+of\s+(?:the\s+|those\s+)?$", _I)


# --------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int

    @property
    def possessive(self) -> bool:
        return bool(_POSSESSIVE.search(self.text))

    @property
    def bare(self) -> str:
        """Text without a possessive ending."""
        return _POSSESSIVE.sub("", self.text)

    @property
    def lower(self) -> str:
        return self.bare.lower()

    @property
    def capitalised(self) -> bool:
        first = self.text[3:4] if self.text[:3].lower() in ("al-", "el-") else self.text[:1]
        return first.isupper()


@dataclass(frozen=True)
class _Entity:
    kind: str  # nationality | country | org
    value: str  # canonical country, or the organisation name
    start: int
    end: int


@dataclass(frozen=True)
class _Source:
    """What the parser understood about the source itself (offsets into the mention)."""

    named: Named
    named_span: tuple[int, int]
    count: int | str
    count_span: tuple[int, int]
    count_note: str
    specificity: IdentitySpecificity
    specificity_span: tuple[int, int]
    scope: tuple[int, int]  # the phrase searched for country / affiliation hints


class _Collector:
    """Accumulates suggestions; the first suggestion for a facet wins."""

    def __init__(self, mention: str, context: str) -> None:
        self.mention = mention
        self.context = context
        self.items: dict[str, Suggestion] = {}

    def add(self, facet: str, value: FacetValue, span: tuple[int, int],
            where: Where = "mention", note: str = "") -> None:
        if facet in self.items:
            return
        text = self.mention if where == "mention" else self.context
        self.items[facet] = Suggestion(
            facet=facet, value=value, evidence=text[span[0]:span[1]], start=span[0],
            end=span[1], where=where, note=note,
        )


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    return [
        _Token(m.group(), m.start(), m.end())
        for m in _TOKEN.finditer(text, start, end)
    ]


def _entities(text: str, start: int, end: int) -> list[_Entity]:
    found = []
    for m in ENTITY_PATTERN.finditer(text, start, end):
        kind, value = _ENTITY_NAMES[m.group()]
        found.append(_Entity(kind, value, m.start(), m.end()))
    return found


def _in_entity(token: _Token, entities: list[_Entity]) -> bool:
    # Two characters of slack so a possessive token ("Hamas’s") still counts as inside.
    return any(e.start <= token.start and token.end <= e.end + 2 for e in entities)


def _source_region(mention: str) -> tuple[int, int, re.Match[str] | None]:
    """The part of the mention that names the source, and the cue found in it.

    "X said ..." -> before the verb; "according to X" or "said X" -> after it.
    """
    # A capitalised cue word inside the phrase is a name ("United States"), not a verb.
    cue = next((m for m in CUE_PATTERN.finditer(mention)
                if m.start() == 0 or not m.group()[:1].isupper()), None)
    if cue is None:
        return 0, len(mention), None
    if cue.group().lower().startswith("according") or not mention[:cue.start()].strip():
        return cue.end(), len(mention), cue
    return 0, cue.start(), cue


def _is_namey(token: _Token, entities: list[_Entity]) -> bool:
    return (
        token.capitalised
        and not token.possessive
        and token.lower not in NOT_NAMES
        and token.lower not in SOURCE_NOUNS
        and token.lower.rstrip(".") not in TITLES_BEFORE_NAMES
        and not _in_entity(token, entities)
    )


def _name_groups(text: str, tokens: list[_Token],
                 entities: list[_Entity]) -> list[tuple[int, int]]:
    """Runs of name tokens as ``(first token index, last token index)``.

    A run may contain lower-case particles ("bin", "al") between capitalised words.
    """
    groups: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if not _is_namey(tokens[i], entities):
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and text[tokens[j].end:tokens[j + 1].start] == " ":
            nxt = tokens[j + 1]
            if _is_namey(nxt, entities):
                j += 1
            elif (nxt.lower in NAME_PARTICLES and j + 2 < len(tokens)
                  and _is_namey(tokens[j + 2], entities)):
                j += 2
            else:
                break
        groups.append((i, j))
        i = j + 1
    return groups


def _chain(text: str, tokens: list[_Token], groups: list[tuple[int, int]],
           index: int, forward: bool) -> list[tuple[int, int]]:
    """Extend a name group through "and" / "," joins ("Witkoff and Kushner")."""
    chained = [groups[index]]
    k = index
    while 0 <= k + (1 if forward else -1) < len(groups):
        a, b = (groups[k], groups[k + 1]) if forward else (groups[k - 1], groups[k])
        gap = text[tokens[a[1]].end:tokens[b[0]].start]
        if not re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|and\s+|&\s+)", gap):
            break
        k += 1 if forward else -1
        chained.append(groups[k])
    return sorted(chained)


def _head_index(tokens: list[_Token], entities: list[_Entity]) -> int | None:
    for i, tok in enumerate(tokens):
        if tok.possessive or _in_entity(tok, entities):
            continue
        if tok.lower in SOURCE_NOUNS:
            return i
    return None


def _np_start(text: str, tokens: list[_Token], head: int) -> int:
    """Index of the first token of the noun phrase ending at ``head``."""
    i = head
    while i > 0:
        prev = tokens[i - 1]
        gap = text[prev.end:tokens[i].start]
        if gap.strip() not in ("", "-"):
            break
        if prev.lower in ("and", "or") and i >= 2 and i < head + 1:
            # "five current and former officials": adjectives joined inside the phrase.
            adj = tokens[i - 2]
            if (adj.text.islower() and adj.lower not in NP_BREAKERS
                    and adj.lower not in SOURCE_NOUNS
                    and text[adj.end:prev.start].strip() == ""):
                i -= 2
                continue
        if prev.lower in NP_BREAKERS:
            break
        i -= 1
    return i


def _count(det: str | None, plural: bool) -> tuple[int | str, str]:
    """Source count for a determiner + head noun, and a note explaining vague ones."""
    several_note = "plural with no number: at least two"
    if det is None:
        return (SEVERAL, several_note) if plural else (1, "")
    if det.isdigit():
        return int(det), ""
    key = " ".join(det.split())
    if key in NUMBER_WORDS:
        return NUMBER_WORDS[key], ""
    if key in VAGUE_QUANTIFIERS:
        return SEVERAL, f"{key!r} gives no number: at least two"
    return (SEVERAL, several_note) if plural else (1, "")


def _analyse_source(mention: str) -> _Source | None:
    r_start, r_end, _cue = _source_region(mention)
    tokens = _tokens(mention, r_start, r_end)
    entities = _entities(mention, r_start, r_end)
    if not tokens:
        return None
    groups = _name_groups(mention, tokens, entities)
    head = _head_index(tokens, entities)

    if head is None:
        if groups:
            # The subject normally sits right before the verb: take the last run of
            # names and anything joined to it by "and".
            chained = _chain(mention, tokens, groups, len(groups) - 1, forward=False)
            span = (tokens[chained[0][0]].start, tokens[chained[-1][1]].end)
            return _Source(Named.NAMED, span, len(chained), span, "",
                           IdentitySpecificity.NAME, span, (r_start, r_end))
        orgs = [e for e in entities if e.kind == "org"]
        if orgs:
            span = (orgs[-1].start, orgs[-1].end)
            return _Source(Named.NAMED, span, 1, span, "", IdentitySpecificity.NAME, span,
                           (r_start, r_end))
        return None

    head_tok = tokens[head]
    _lemma, plural, is_role = SOURCE_NOUNS[head_tok.lower]
    first = _np_start(mention, tokens, head)
    np_start = tokens[first].start
    np_end = head_tok.end
    before = mention[r_start:np_start]
    quant = _QUANTIFIER_OF.search(before)
    if quant:
        np_start = r_start + quant.start("q")
    np_text = mention[np_start:np_end]
    det_match = _DETERMINER.match(np_text)
    det = det_match.group("d").lower() if det_match else None
    count, count_note = _count(det, plural)
    count_span = (np_start, np_end) if det else (head_tok.start, head_tok.end)
    second = _coordinated_head(mention, tokens, head, entities)
    if second is not None:
        # "two U.S. officials and a Western diplomat": the phrases' counts add up.
        det2, plural2, end2 = second
        count2, _note2 = _count(det2, plural2)
        if isinstance(count, int) and isinstance(count2, int):
            count, count_note = count + count2, ""
        else:
            count, count_note = SEVERAL, "a plural with no number in the list: at least two"
        count_span = (count_span[0], end2)
        np_end = end2

    # A name right after the head ("envoy Adam Boehler") or an appositive before it
    # ("Adam Boehler, the U.S. envoy") makes the source named.
    after = [g for g in groups if g[0] == head + 1
             and mention[head_tok.end:tokens[g[0]].start] == " "]
    lead = [g for g in groups if g[0] == 0 and tokens[g[1]].end <= np_start
            and mention[tokens[g[1]].end:].lstrip().startswith(",")]
    scope_end = _affiliation_scope_end(mention, np_end, r_end)
    scope = (min(np_start, tokens[lead[0][0]].start) if lead else np_start, scope_end)
    if after or lead:
        index = groups.index(after[0] if after else lead[0])
        chained = _chain(mention, tokens, groups, index, forward=True)
        span = (tokens[chained[0][0]].start, tokens[chained[-1][1]].end)
        return _Source(Named.NAMED, span, len(chained), span, "",
                       IdentitySpecificity.NAME, span, (r_start, r_end))

    titled = _name_after_title(mention, tokens, groups, head, r_end)
    if titled is not None:
        # "Afghan Ambassador to the United States Hamdullah Mohib": a title, then the name.
        return _Source(Named.NAMED, titled, 1, titled, "", IdentitySpecificity.NAME, titled,
                       (r_start, r_end))

    np_span = (np_start, np_end)
    if det == "the" and not plural and head_tok.lower in UNIQUE_TITLES:
        return _Source(Named.IDENTIFIABLE_BY_TITLE, np_span, count, count_span, count_note,
                       IdentitySpecificity.UNIQUE_TITLE, np_span, scope)
    hints = _hints(mention, tokens, scope, entities)
    has_affiliation = bool(hints)
    if is_role and has_affiliation:
        specificity = IdentitySpecificity.TITLE_AND_AFFILIATION
    elif is_role or has_affiliation:
        specificity = IdentitySpecificity.ROLE_OR_AFFILIATION
    else:
        specificity = IdentitySpecificity.GENERIC
    spec_span = (np_start, max([np_end, *(end for _, end in hints)]))
    return _Source(Named.UNNAMED, np_span, count, count_span, count_note, specificity,
                   spec_span, scope)


def _coordinated_head(mention: str, tokens: list[_Token], head: int,
                     entities: list[_Entity]) -> tuple[str | None, bool, int] | None:
    """A second source phrase joined by "and" right after the head noun.

    Returns its determiner, whether its head is plural, and where it ends.
    """
    if head + 2 >= len(tokens) or tokens[head + 1].lower != "and":
        return None
    if mention[tokens[head].end:tokens[head + 1].start].strip():
        return None
    for j in range(head + 2, min(len(tokens), head + 7)):
        tok = tokens[j]
        if mention[tokens[j - 1].end:tok.start].strip() not in ("", "-"):
            return None
        if tok.lower in NP_BREAKERS:
            return None
        if tok.lower in SOURCE_NOUNS and not tok.possessive and not _in_entity(tok, entities):
            m = _DETERMINER.match(mention, tokens[head + 2].start)
            det = " ".join(m.group("d").lower().split()) if m else None
            return det, SOURCE_NOUNS[tok.lower][1], tok.end
    return None


_TITLE_JOINERS: Final = frozenset({"of", "to", "for", "the", "and", "at", "in"})


def _name_after_title(mention: str, tokens: list[_Token], groups: list[tuple[int, int]],
                      head: int, r_end: int) -> tuple[int, int] | None:
    """The name that ends a title phrase: "Governor of Washington Chris Gregoire".

    Only when the title is written as a title (capitalised head) and everything
    between title and name is part of it (capitalised words, "of", "to", "the").
    """
    if not tokens[head].capitalised or not groups:
        return None
    last = groups[-1]
    if last[0] <= head or last[1] != len(tokens) - 1:
        return None
    if mention[tokens[last[1]].end:r_end].strip(" ,.;:"):
        return None
    for j in range(head + 1, last[0]):
        tok = tokens[j]
        if not (tok.capitalised or tok.lower in _TITLE_JOINERS):
            return None
    if "," in mention[tokens[head].end:tokens[last[0]].start]:
        return None
    first = last[0]
    if last[1] - last[0] >= 2 and tokens[first - 1].lower in ("of", "to", "for", "at", "in"):
        first = last[1] - 1  # "of Washington Chris Gregoire": the place, then the name
    return tokens[first].start, tokens[last[1]].end


def _named_organisation(mention: str, tokens: list[_Token],
                        scope: tuple[int, int]) -> tuple[str, AffiliationType, int, int] | None:
    """A capitalised organisation name whose last word says what it is.

    "Goldman Sachs" (company), "the Environmental Protection Agency" (government),
    "the Norwegian Refugee Council" (NGO), "The Boston Globe" (media).
    """
    inside = [t for t in tokens if scope[0] <= t.start and t.end <= scope[1]]
    i = 0
    while i < len(inside):
        if not inside[i].capitalised:
            i += 1
            continue
        j = i
        while j + 1 < len(inside):
            nxt = inside[j + 1]
            gap = mention[inside[j].end:nxt.start]
            if gap.strip() not in ("", "&"):
                break
            if nxt.capitalised or (nxt.lower in ("of", "for", "on", "and", "de")
                                   and j + 2 < len(inside) and inside[j + 2].capitalised):
                j += 1
                continue
            break
        words = [t.bare for t in inside[i:j + 1]]
        while words and words[0].lower() in ("the", "a", "an"):
            words.pop(0)
            i += 1
        kind = None
        if len(words) >= 2 and " ".join(words[-2:]) in ORGANISATION_SUFFIXES:
            kind = ORGANISATION_SUFFIXES[" ".join(words[-2:])]
        elif words and words[-1] in ORGANISATION_SUFFIXES and (
                len(words) >= 2 or words[-1] in ("Congress", "Senate", "Parliament", "Pentagon")):
            kind = ORGANISATION_SUFFIXES[words[-1]]
        if kind is not None and i <= j:
            start, end = inside[i].start, inside[j].start + len(inside[j].bare)
            return mention[start:end], kind, start, end
        i = j + 1
    return None


_AFFILIATION_PP = re.compile(
    r"\s+(?:from|in|at|with|of|for|within|inside|close\s+to)\s+(?:the\s+)?"
    r"(?P<words>(?:[\w.’'\-]+(?:\s+|$)){1,5})", _I)
_PP_STOP = re.compile(r"\b(?:who|whom|which|that|because|familiar|said|told|on\s+condition)\b",
                      _I)


def _affiliation_scope_end(mention: str, np_end: int, r_end: int) -> int:
    """End of the phrase that may name the source's institution.

    A short prepositional phrase right after the head counts ("officials from Egypt",
    "a person close to Hamas"); "familiar with the Egyptian position" does not, because
    there the nationality describes the topic, not the source.
    """
    m = _AFFILIATION_PP.match(mention, np_end, r_end)
    if not m:
        return np_end
    stop = _PP_STOP.search(mention, m.start(), m.end())
    end = stop.start() if stop else m.end()
    return len(mention[:end].rstrip(" ,;:"))


def _hints(mention: str, tokens: list[_Token], scope: tuple[int, int],
           entities: list[_Entity]) -> list[tuple[int, int]]:
    """Spans inside ``scope`` that tie the source to an institution: a nationality,
    country or organisation, a possessive ("Trump's envoys") or an institution word."""
    spans = [(e.start, e.end) for e in entities
             if scope[0] <= e.start and e.end <= scope[1]]
    for tok in tokens:
        if scope[0] <= tok.start and tok.end <= scope[1]:
            if tok.possessive or tok.lower in INSTITUTION_WORDS:
                spans.append((tok.start, tok.end))
    org = _named_organisation(mention, tokens, scope)
    if org is not None:
        spans.append((org[2], org[3]))
    return sorted(spans)




def _suggest_affiliation(out: _Collector, mention: str, source: _Source) -> None:
    """Country, affiliation and affiliation type from the source phrase."""
    s0, s1 = source.scope
    entities = _entities(mention, s0, s1)
    tokens = _tokens(mention, s0, s1)
    countries = [e for e in entities if e.kind in ("nationality", "country")]
    head_tok = next((t for t in tokens if t.lower in SOURCE_NOUNS and not t.possessive
                     and not _in_entity(t, entities)), None)
    before_head = [e for e in countries if head_tok is not None and e.end <= head_tok.start]
    if before_head and len({e.value for e in before_head}) == 1:
        # "Afghan Ambassador to the United States": the ambassador's own country.
        out.add("country", before_head[0].value, (before_head[0].start, before_head[0].end))
    elif countries and len({e.value for e in countries}) == 1:
        out.add("country", countries[0].value, (countries[0].start, countries[0].end))

    orgs = [e for e in entities if e.kind == "org"]
    for org in orgs:
        if org.value in INSTITUTION_COUNTRIES:
            out.add("country", INSTITUTION_COUNTRIES[org.value], (org.start, org.end),
                    note=f"{org.value} stands for its country")
            break
    if orgs:
        org = orgs[0]
        out.add("affiliation", org.value, (org.start, org.end))
        out.add("affiliation_type", ORGANISATIONS[org.value], (org.start, org.end))
    else:
        named_org = _named_organisation(mention, tokens, (s0, s1))
        if named_org is not None:
            name, kind, a, b = named_org
            out.add("affiliation", name, (a, b))
            out.add("affiliation_type", kind, (b - len(name.split()[-1]), b),
                    note="from the last word of the name")
    for tok in tokens:
        if tok.lower in INSTITUTION_WORDS and not tok.possessive:
            nat = next((e for e in countries if mention[e.end:tok.start] == " "), None)
            if nat:
                out.add("affiliation", mention[nat.start:tok.end], (nat.start, tok.end))
            out.add("affiliation_type", INSTITUTION_WORDS[tok.lower], (tok.start, tok.end))
            break
    for tok in tokens:
        if tok.possessive and not _in_entity(tok, entities):
            out.add("affiliation", tok.bare, (tok.start, tok.start + len(tok.bare)))
            break

    head = next((t for t in tokens if t.lower in SOURCE_NOUNS and not t.possessive
                 and not _in_entity(t, entities)), None)
    if head is None:
        return
    lemma = SOURCE_NOUNS[head.lower][0]
    if lemma in ROLE_TYPES:
        out.add("affiliation_type", ROLE_TYPES[lemma], (head.start, head.end))
    elif lemma in GOVERNMENT_ROLES and countries:
        start = min(countries[0].start, head.start)
        end = max(countries[0].end, head.end)
        out.add("affiliation_type", AffiliationType.GOVERNMENT, (start, end))
    elif lemma in ALWAYS_GOVERNMENT_ROLES:
        out.add("affiliation_type", AffiliationType.GOVERNMENT, (head.start, head.end))


def _nearest(pattern: re.Pattern[str], mention: str, context: str,
             anchor: tuple[int, int] | None) -> tuple[re.Match[str], Where] | None:
    """First match in the mention, else the match in the context nearest the mention."""
    m = pattern.search(mention)
    if m:
        return m, "mention"
    matches = list(pattern.finditer(context))
    if not matches:
        return None
    if anchor is None:
        return matches[0], "context"

    def distance(match: re.Match[str]) -> int:
        if match.end() <= anchor[0]:
            return anchor[0] - match.end()
        if match.start() >= anchor[1]:
            return match.start() - anchor[1]
        return 0

    return min(matches, key=distance), "context"


def _suggest_framing(out: _Collector, mention: str, context: str, outlet: str) -> None:
    """Cue stance, polarity, claim type, hedge, channel from mention and sentence."""
    pos = context.find(mention) if mention and context else -1
    anchor = (pos, pos + len(mention)) if pos >= 0 else None

    cue_found = _nearest(CUE_PATTERN, mention, context, anchor)
    if cue_found:
        cue, where = cue_found
        word = " ".join(cue.group().lower().split())
        out.add("cue_stance", CUES[word], cue.span(), where)
        if word in DENIAL_CUES:
            out.add("polarity", Polarity.DENIED, cue.span(), where)
        if word in ALLEGATION_CUES:
            out.add("claim_type", ClaimType.ALLEGATION, cue.span(), where)

    hedge = _nearest(HEDGE_PATTERN, mention, context, anchor)
    if hedge:
        out.add("hedge", True, hedge[0].span(), hedge[1])

    for channel, pattern in CHANNEL_PATTERNS:
        found = _nearest(pattern, mention, context, anchor)
        if found:
            out.add("channel", channel, found[0].span(), found[1])
            break
    interview = _nearest(OUTLET_INTERVIEW_PATTERN, mention, context, anchor)
    if interview and outlet:
        m, where = interview
        same = m.group("outlet").casefold() in outlet.casefold()
        channel = Channel.TOLD_THIS_OUTLET if same else Channel.INTERVIEW_WITH_OTHER_OUTLET
        out.add("channel", channel, m.span(), where)


def _suggest_quote(out: _Collector, mention: str, context: str) -> None:
    """Direct / partial / indirect from quotation marks in the sentence.

    Without a sentence there is nothing to judge from, so nothing is suggested.
    """
    where: Where = "context" if context else "mention"
    text = context or mention
    quotes = list(QUOTE_PATTERN.finditer(text))
    if quotes:
        longest = max(quotes, key=lambda m: len(m.group(1).split()))
        words = len(longest.group(1).split())
        kind = QuoteType.PARTIAL if words <= PARTIAL_QUOTE_MAX_WORDS else QuoteType.DIRECT
        out.add("quote_type", kind, longest.span(), where)
        return
    if not context:
        return
    cue = out.items.get("cue_stance")
    if cue is not None:
        out.add("quote_type", QuoteType.INDIRECT, (cue.start, cue.end), cue.where,
                note="no quotation marks in the sentence")


def suggest_facets(mention: str, context: str = "", *, outlet: str = "") -> Suggestions:
    """Suggest facets for a source-mention phrase.

    ``mention`` is the phrase naming the source ("three sources with direct knowledge
    of the talks", "a senior Qatari official reportedly said"). ``context`` is the
    surrounding sentence; it is used for the cue verb, hedges, quotation marks, the
    channel and the reason for anonymity, never for who the source is. ``outlet`` is
    the publishing outlet's name; only with it can "told Axios" be told apart from an
    interview with another outlet.
    """
    out = _Collector(mention, context)
    source = _analyse_source(mention)
    if source is not None:
        out.add("named", source.named, source.named_span)
        out.add("source_count", source.count, source.count_span, note=source.count_note)
        out.add("identity_specificity", source.specificity, source.specificity_span)
        _suggest_affiliation(out, mention, source)

    basis = next(((kb, m) for kb, p in KNOWLEDGE_PATTERNS if (m := p.search(mention))), None)
    if basis:
        out.add("knowledge_basis", basis[0], basis[1].span())
    elif source is not None:
        out.add("knowledge_basis", KnowledgeBasis.UNSTATED, source.named_span,
                note="the phrase does not say how the source knows")

    pos = context.find(mention) if mention and context else -1
    anchor = (pos, pos + len(mention)) if pos >= 0 else None
    # A reason for anonymity only makes sense for a source that is not named.
    for reason, pattern in ANONYMITY_PATTERNS:
        found = _nearest(pattern, mention, context, anchor)
        if found and (source is None or source.named is not Named.NAMED):
            out.add("anonymity_reason", reason, found[0].span(), found[1])
            break
    if source is not None and source.named is Named.UNNAMED:
        out.add("anonymity_reason", AnonymityReason.NONE, source.named_span,
                note="no reason for anonymity given in the phrase or sentence")

    _suggest_framing(out, mention, context, outlet)
    _suggest_quote(out, mention, context)

    order = {name: i for i, name in enumerate(FACET_NAMES)}
    items = tuple(sorted(out.items.values(), key=lambda s: order[s.facet]))
    return Suggestions(mention=mention, context=context, items=items)

