"""The words the suggestion engine looks for, as data.

Everything the engine knows about English attribution lives here so that an analyst
(or a reviewer) can read, extend and audit it without reading the rules. The lists
were written by us from style guides and from reading news copy; their coverage was
checked against the PolNeAR *train* split (frequencies only, no text copied).

Verb entries give every inflected form explicitly: a generated "*ed" would turn
"say" into "sayed" and "tell" into "telled", and an audit is easier on literal forms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

NEUTRAL, DISTANCING, ENDORSING = "neutral", "distancing", "endorsing"

SPEECH = "speech"
"""Verbs of saying: the complement is what was said."""
THOUGHT = "thought"
"""Verbs of believing, wanting, expecting: PolNeAR counts them as attributions of a
mental state; they are proposed with a lower confidence."""


def _forms(base: str, third: str = "", past: str = "", gerund: str = "",
           participle: str = "") -> tuple[str, ...]:
    """All forms of a regular verb, with explicit overrides for irregular ones."""
    stem = base[:-1] if base.endswith("e") else base
    third = third or (base + "es" if base.endswith(("s", "sh", "ch", "x")) else base + "s")
    past = past or (base + "d" if base.endswith("e") else base + "ed")
    gerund = gerund or stem + "ing"
    participle = participle or past
    return tuple(dict.fromkeys((base, third, past, gerund, participle)))


# lemma -> (forms, stance, kind, confidence)
_VERBS: Final[tuple[tuple[tuple[str, ...], str, str, float], ...]] = (
    (_forms("say", "says", "said"), NEUTRAL, SPEECH, 0.9),
    (_forms("tell", "tells", "told"), NEUTRAL, SPEECH, 0.85),
    (_forms("add"), NEUTRAL, SPEECH, 0.85),
    (_forms("write", "writes", "wrote", "writing", "written"), NEUTRAL, SPEECH, 0.8),
    (("stated",), NEUTRAL, SPEECH, 0.8),
    (_forms("explain"), NEUTRAL, SPEECH, 0.8),
    (_forms("respond"), NEUTRAL, SPEECH, 0.75),
    (_forms("reply", "replies", "replied"), NEUTRAL, SPEECH, 0.8),
    (_forms("announce"), NEUTRAL, SPEECH, 0.8),
    (_forms("report"), NEUTRAL, SPEECH, 0.75),
    (_forms("tweet"), NEUTRAL, SPEECH, 0.8),
    (_forms("post"), NEUTRAL, SPEECH, 0.55),
    (_forms("ask"), NEUTRAL, SPEECH, 0.7),
    (_forms("describe"), NEUTRAL, SPEECH, 0.6),
    (_forms("comment"), NEUTRAL, SPEECH, 0.7),
    (_forms("remark"), NEUTRAL, SPEECH, 0.7),
    (_forms("declare"), NEUTRAL, SPEECH, 0.8),
    (_forms("continue"), NEUTRAL, SPEECH, 0.5),
    (_forms("recall"), NEUTRAL, SPEECH, 0.75),
    (_forms("suggest"), NEUTRAL, SPEECH, 0.75),
    (_forms("argue"), NEUTRAL, SPEECH, 0.8),
    (_forms("predict"), NEUTRAL, SPEECH, 0.75),
    (_forms("promise"), NEUTRAL, SPEECH, 0.7),
    (_forms("pledge"), NEUTRAL, SPEECH, 0.7),
    (_forms("vow"), NEUTRAL, SPEECH, 0.7),
    (_forms("warn"), NEUTRAL, SPEECH, 0.8),
    (_forms("urge"), NEUTRAL, SPEECH, 0.7),
    (_forms("call", "calls", "called"), NEUTRAL, SPEECH, 0.55),
    (_forms("accuse"), NEUTRAL, SPEECH, 0.75),
    (_forms("criticize"), NEUTRAL, SPEECH, 0.65),
    (_forms("criticise"), NEUTRAL, SPEECH, 0.65),
    (_forms("deny", "denies", "denied"), NEUTRAL, SPEECH, 0.8),
    (_forms("indicate"), NEUTRAL, SPEECH, 0.6),
    (_forms("mention"), NEUTRAL, SPEECH, 0.6),
    (_forms("repeat"), NEUTRAL, SPEECH, 0.6),
    (_forms("reiterate"), NEUTRAL, SPEECH, 0.7),
    (_forms("stress"), NEUTRAL, SPEECH, 0.7),
    (_forms("emphasize"), NEUTRAL, SPEECH, 0.7),
    (_forms("complain"), NEUTRAL, SPEECH, 0.7),
    (_forms("joke"), NEUTRAL, SPEECH, 0.7),
    (_forms("quip", "quips", "quipped", "quipping"), NEUTRAL, SPEECH, 0.75),
    (_forms("boast"), NEUTRAL, SPEECH, 0.7),
    (_forms("testify", "testifies", "testified"), NEUTRAL, SPEECH, 0.75),
    (_forms("predict"), NEUTRAL, SPEECH, 0.7),
    (_forms("estimate"), NEUTRAL, SPEECH, 0.6),
    (_forms("conclude"), NEUTRAL, SPEECH, 0.7),
    (_forms("propose"), NEUTRAL, SPEECH, 0.6),
    (_forms("demand"), NEUTRAL, SPEECH, 0.6),
    (_forms("cite"), NEUTRAL, SPEECH, 0.6),
    (_forms("blame"), NEUTRAL, SPEECH, 0.6),
    (_forms("praise"), NEUTRAL, SPEECH, 0.6),
    (_forms("defend"), NEUTRAL, SPEECH, 0.55),
    (_forms("question"), NEUTRAL, SPEECH, 0.55),
    (_forms("shout"), NEUTRAL, SPEECH, 0.7),
    (_forms("yell"), NEUTRAL, SPEECH, 0.7),
    (_forms("wonder"), NEUTRAL, SPEECH, 0.6),
    (_forms("caution"), NEUTRAL, SPEECH, 0.7),
    (_forms("retort"), NEUTRAL, SPEECH, 0.75),
    (_forms("concede"), ENDORSING, SPEECH, 0.75),
    (_forms("confirm"), ENDORSING, SPEECH, 0.8),
    (_forms("acknowledge"), ENDORSING, SPEECH, 0.8),
    (_forms("admit", "admits", "admitted", "admitting"), ENDORSING, SPEECH, 0.8),
    (_forms("note"), ENDORSING, SPEECH, 0.75),
    (_forms("reveal"), ENDORSING, SPEECH, 0.7),
    (_forms("disclose"), ENDORSING, SPEECH, 0.7),
    (_forms("point", "points", "pointed"), ENDORSING, SPEECH, 0.45),
    (_forms("show"), ENDORSING, SPEECH, 0.5),
    (_forms("find", "finds", "found"), ENDORSING, SPEECH, 0.45),
    (_forms("claim"), DISTANCING, SPEECH, 0.8),
    (_forms("allege"), DISTANCING, SPEECH, 0.8),
    (_forms("insist"), DISTANCING, SPEECH, 0.8),
    (_forms("assert"), DISTANCING, SPEECH, 0.8),
    (_forms("contend"), DISTANCING, SPEECH, 0.8),
    (_forms("purport"), DISTANCING, SPEECH, 0.6),
    (_forms("think", "thinks", "thought"), NEUTRAL, THOUGHT, 0.55),
    (_forms("believe"), NEUTRAL, THOUGHT, 0.6),
    (_forms("want"), NEUTRAL, THOUGHT, 0.45),
    (_forms("hope"), NEUTRAL, THOUGHT, 0.55),
    (_forms("expect"), NEUTRAL, THOUGHT, 0.5),
    (_forms("fear"), NEUTRAL, THOUGHT, 0.55),
    (_forms("worry", "worries", "worried"), NEUTRAL, THOUGHT, 0.5),
    (_forms("feel", "feels", "felt"), NEUTRAL, THOUGHT, 0.5),
    (_forms("know", "knows", "knew", "knowing", "known"), NEUTRAL, THOUGHT, 0.45),
    (_forms("seek", "seeks", "sought"), NEUTRAL, THOUGHT, 0.45),
    (_forms("support"), NEUTRAL, THOUGHT, 0.45),
    (_forms("oppose"), NEUTRAL, THOUGHT, 0.45),
    (_forms("endorse"), NEUTRAL, THOUGHT, 0.5),
    (_forms("agree"), NEUTRAL, THOUGHT, 0.55),
    (_forms("disagree"), NEUTRAL, THOUGHT, 0.55),
    (_forms("decline"), NEUTRAL, SPEECH, 0.5),
    (_forms("refuse"), NEUTRAL, SPEECH, 0.5),
    (_forms("doubt"), DISTANCING, THOUGHT, 0.55),
    (_forms("assume"), NEUTRAL, THOUGHT, 0.5),
    (_forms("imagine"), NEUTRAL, THOUGHT, 0.5),
    (_forms("insinuate"), DISTANCING, SPEECH, 0.7),
    (_forms("see", "sees", "saw", "seeing", "seen"), NEUTRAL, THOUGHT, 0.4),
    (_forms("seem", "", "", "", ""), NEUTRAL, THOUGHT, 0.45),
    (_forms("appear", "", "", "", ""), NEUTRAL, THOUGHT, 0.4),
    (_forms("express", "", "", "", ""), NEUTRAL, SPEECH, 0.55),
    (_forms("discuss", "", "", "", ""), NEUTRAL, SPEECH, 0.45),
    (_forms("prefer", "prefers", "preferred", "preferring", ""), NEUTRAL, THOUGHT, 0.45),
    (_forms("mock", "", "", "", ""), NEUTRAL, SPEECH, 0.5),
    (_forms("learn", "", "", "", ""), NEUTRAL, THOUGHT, 0.4),
    (_forms("thank", "", "", "", ""), NEUTRAL, SPEECH, 0.45),
    (_forms("dismiss", "", "", "", ""), NEUTRAL, SPEECH, 0.5),
    (_forms("highlight", "", "", "", ""), NEUTRAL, SPEECH, 0.45),
    (_forms("denounce", "", "", "", ""), NEUTRAL, SPEECH, 0.55),
    (_forms("attack", "", "", "", ""), NEUTRAL, SPEECH, 0.4),
    (_forms("imply", "implies", "implied", "", ""), NEUTRAL, SPEECH, 0.55),
    (_forms("list", "", "", "", ""), NEUTRAL, SPEECH, 0.35),
    (_forms("recognize", "", "", "", ""), NEUTRAL, THOUGHT, 0.4),
    (_forms("slam", "slams", "slammed", "slamming", ""), NEUTRAL, SPEECH, 0.55),
    (_forms("tout", "", "", "", ""), NEUTRAL, SPEECH, 0.5),
    (_forms("charge", "", "", "", ""), NEUTRAL, SPEECH, 0.45),
    (_forms("lament", "", "", "", ""), NEUTRAL, SPEECH, 0.6),
    (_forms("remind", "", "", "", ""), NEUTRAL, SPEECH, 0.55),
    (_forms("echo", "echoes", "echoed", "", ""), NEUTRAL, SPEECH, 0.5),
    (_forms("applaud", "", "", "", ""), NEUTRAL, SPEECH, 0.5),
    (_forms("observe", "", "", "", ""), NEUTRAL, SPEECH, 0.55),
    (_forms("blast", "", "", "", ""), NEUTRAL, SPEECH, 0.5),
    (_forms("hail", "", "", "", ""), NEUTRAL, SPEECH, 0.45),
    (_forms("condemn", "", "", "", ""), NEUTRAL, SPEECH, 0.55),
    (_forms("reject", "", "", "", ""), NEUTRAL, SPEECH, 0.45),
    (_forms("hint", "", "", "", ""), NEUTRAL, SPEECH, 0.55),
    (_forms("signal", "", "", "", ""), NEUTRAL, SPEECH, 0.45),
    (_forms("challenge", "", "", "", ""), NEUTRAL, SPEECH, 0.4),
    (_forms("assure", "", "", "", ""), NEUTRAL, SPEECH, 0.6),
    (_forms("brag", "brags", "bragged", "bragging", ""), NEUTRAL, SPEECH, 0.6),
    (_forms("swear", "swears", "swore", "swearing", "sworn"), NEUTRAL, SPEECH, 0.5),
    (_forms("inform", "", "", "", ""), NEUTRAL, SPEECH, 0.55),
    (_forms("speculate", "", "", "", ""), NEUTRAL, SPEECH, 0.6),
    (_forms("theorize", "", "", "", ""), NEUTRAL, SPEECH, 0.6),
    (_forms("acknowledge", "", "", "", ""), NEUTRAL, SPEECH, 0.7),
    (_forms("rule", "", "", "", ""), NEUTRAL, SPEECH, 0.4),
    (_forms("decide", "", "", "", ""), NEUTRAL, THOUGHT, 0.35),
    (_forms("prefer", "", "", "", ""), NEUTRAL, THOUGHT, 0.45),
    (_forms("recommend", "", "", "", ""), NEUTRAL, SPEECH, 0.55),
    (_forms("request", "", "", "", ""), NEUTRAL, SPEECH, 0.5),
    (_forms("order", "", "", "", ""), NEUTRAL, SPEECH, 0.35),
    (_forms("forecast", "forecasts", "forecast", "forecasting", ""), NEUTRAL, SPEECH, 0.55),
    (_forms("project", "", "", "", ""), NEUTRAL, SPEECH, 0.35),
    (_forms("acknowledge", "", "", "", ""), NEUTRAL, SPEECH, 0.7),
    (_forms("characterize", "", "", "", ""), NEUTRAL, SPEECH, 0.55),
    (_forms("label", "", "", "", ""), NEUTRAL, SPEECH, 0.45),
    (_forms("dub", "dubs", "dubbed", "dubbing", ""), NEUTRAL, SPEECH, 0.55),
    (_forms("brand", "", "", "", ""), NEUTRAL, SPEECH, 0.45),
    (_forms("worry", "worries", "worried", "worrying", ""), NEUTRAL, THOUGHT, 0.5),
    (_forms("name", "", "", "", ""), NEUTRAL, SPEECH, 0.3),
    (_forms("talk", "", "", "", ""), NEUTRAL, SPEECH, 0.45),
    (_forms("speak", "speaks", "spoke", "speaking", "spoken"), NEUTRAL, SPEECH, 0.45),
    (_forms("refer", "refers", "referred", "referring", ""), NEUTRAL, SPEECH, 0.45),
    (_forms("focus", "focuses", "focused", "focusing", ""), NEUTRAL, THOUGHT, 0.35),
    (_forms("rail", "", "", "", ""), NEUTRAL, SPEECH, 0.55),
    (_forms("apologize", "", "", "", ""), NEUTRAL, SPEECH, 0.5),
)

VERB_FORMS: Final[Mapping[str, tuple[str, str, float]]] = {
    form: (stance, kind, conf) for forms, stance, kind, conf in _VERBS for form in forms
}
"""Every inflected form -> (stance, speech|thought, base confidence)."""

FORM_LEMMA: Final[Mapping[str, str]] = {
    form: forms[0] for forms, _s, _k, _c in _VERBS for form in forms
}

CONTENT_VERBS_NEED_COMPLEMENT: Final = frozenset({
    "call", "post", "point", "show", "continue", "maintain", "question", "defend",
    "consider", "vote", "support", "plan", "want", "decline", "refuse", "report", "cite",
    "blame", "praise", "counter", "see", "appear", "seem", "list", "attack", "charge",
    "signal", "welcome", "rule", "order", "project", "label", "brand", "back", "name",
    "favor", "decide", "learn", "recognize", "highlight", "discuss", "reject", "challenge",
    "talk", "speak", "refer", "focus",
})
"""Lemmas that are attributions only when a complement follows ("called for",
"called it", "pointed out that") — on their own ("he called", "the vote") they are not."""

EVIDENCE_VERBS: Final = frozenset({
    "show", "find", "indicate", "suggest", "reveal", "conclude", "estimate", "project",
    "predict", "confirm",
})
"""Lemmas by which a document or a poll "says" something: with a ``DOCUMENT_NOUNS``
subject ("a poll shows Sanders leading", "the data suggest …") the object is the claim,
whatever word it starts with (no ``CONTENT_VERBS_NEED_COMPLEMENT`` check)."""

IN_SOURCE_NOUNS: Final = frozenset({
    "poll", "polls", "survey", "surveys", "study", "studies", "analysis", "report",
    "view", "words", "opinion", "estimation", "assessment", "judgment",
})
"""Nouns that make "in" a cue: "In an NBC News poll released Monday, 50 percent …",
"… ahead of Sanders in the latest poll", "in Bolton’s view", "in Forbes’ words".
Speech-act nouns ("in an interview", "in a statement", "in a tweet") are not here: with
them the speaker, not the interview, is the source, and a verb is the cue."""

PHRASAL_CUES: Final[Mapping[str, tuple[str, float]]] = {
    "according to": (NEUTRAL, 0.9),
    "pointed out": (ENDORSING, 0.8),
    "called for": (NEUTRAL, 0.7),
    "called on": (NEUTRAL, 0.65),
    "referring to": (NEUTRAL, 0.5),
    "declined to comment": (NEUTRAL, 0.8),
    "did not respond to": (NEUTRAL, 0.6),
}

HEDGES: Final = ("reportedly", "allegedly")
"""Adverbs by which the outlet signals it has not verified the claim itself; as cues of
a claim without a source. ("apparently", "supposedly" are hedges too, but on PolNeAR
train they mark an attribution in fewer than one case in six, so they are no cue.)"""

HEDGED_PASSIVES: Final = (
    "is said to", "are said to", "was said to", "were said to",
    "is believed to", "are believed to", "was believed to", "were believed to",
    "is understood to", "are understood to", "is reported to", "was reported to",
    "is alleged to", "was alleged to", "is expected to", "are expected to",
    "was expected to", "were expected to",
)

AUXILIARIES: Final = frozenset({
    "has", "have", "had", "will", "would", "could", "can", "may", "might", "should",
    "must", "did", "does", "do", "is", "are", "was", "were", "be", "been", "being",
    "also", "later", "previously", "then", "repeatedly", "recently", "once", "often",
    "publicly", "privately", "reportedly", "allegedly", "has also", "not", "never",
    "quickly", "still", "first", "again", "even", "just", "already", "now", "long",
    "increasingly", "widely", "always", "openly", "flatly", "strongly", "further",
})
"""Words that may sit between a subject and its cue ("has also said")."""

ANONYMOUS_PHRASES: Final = (
    "people familiar with", "person familiar with", "sources familiar with",
    "source familiar with", "on condition of anonymity", "on the condition of anonymity",
    "who spoke on condition", "who asked not to be named", "who declined to be named",
    "who requested anonymity", "who was not authorized", "who were not authorized",
    "with direct knowledge", "with knowledge of", "close to the", "briefed on",
)
"""Phrasings that mark an anonymous source."""

ANONYMOUS_NOUNS: Final = frozenset({
    "source", "sources", "person", "people", "insider", "insiders", "someone",
    "individual", "individuals",
})

OFFICIAL_NOUNS: Final = frozenset({
    "official", "officials", "spokesman", "spokeswoman", "spokesperson", "spokespeople",
    "aide", "aides", "adviser", "advisers", "advisor", "advisors", "diplomat", "diplomats",
    "officer", "officers", "staffer", "staffers", "strategist", "strategists",
    "representative", "representatives", "negotiator", "negotiators", "mediator",
    "mediators", "envoy", "envoys", "lawmaker", "lawmakers", "operative", "operatives",
    "executive", "executives", "employee", "employees", "investigator", "investigators",
    "prosecutor", "prosecutors", "member", "members", "leader", "leaders", "analyst",
    "analysts", "expert", "experts", "critic", "critics", "supporter", "supporters",
    "voter", "voters", "delegate", "delegates", "donor", "donors", "observer",
    "observers", "pollster", "pollsters", "republicans", "democrats", "conservatives",
    "liberals", "residents", "witnesses", "protesters", "activists", "economists",
    "economist", "historian", "scholars", "official’s", "chief", "chiefs", "head",
    "director", "minister", "secretary", "commander", "ambassador", "governor",
    "mayor", "chairman", "chairwoman", "president", "premier",
})

DOCUMENT_NOUNS: Final = frozenset({
    "report", "reports", "document", "documents", "memo", "memos", "letter", "letters",
    "filing", "filings", "records", "record", "email", "emails", "e-mail", "e-mails",
    "poll", "polls", "survey", "surveys", "study", "studies", "data", "analysis",
    "transcript", "cable", "draft", "statement", "lawsuit", "complaint", "indictment",
    "ruling", "order", "audit", "review", "estimates", "figures", "numbers", "census",
    "website", "release", "bill", "platform", "ad", "advertisement", "book",
    "video", "results", "research", "findings", "projections",
})

MEDIA_NOUNS: Final = frozenset({
    "newspaper", "magazine", "network", "outlet", "broadcaster", "station", "channel",
    "paper", "tabloid", "website", "blog",
})

SOCIAL_CUES: Final = frozenset({
    "tweet", "tweets", "tweeted", "tweeting", "posted", "posting",
})
SOCIAL_PLATFORMS: Final = ("Twitter", "Facebook", "Instagram", "Telegram", "TikTok",
                           "Truth Social", "X", "YouTube", "Snapchat")

PRONOUNS: Final[Mapping[str, tuple[str, str]]] = {
    "he": ("singular", "male"), "she": ("singular", "female"),
    "they": ("plural", ""), "it": ("singular", "neuter"), "i": ("singular", ""),
    "we": ("plural", ""), "him": ("singular", "male"), "her": ("singular", "female"),
    "who": ("", ""),
}
"""Pronoun subjects: number and gender, for resolving them to an earlier source."""

MALE_TITLES: Final = frozenset({"mr", "mr.", "sen.", "gov.", "king", "prince", "sheikh"})
FEMALE_TITLES: Final = frozenset({"mrs", "mrs.", "ms", "ms.", "miss", "queen", "princess"})
MALE_WORDS: Final = frozenset({"spokesman", "chairman", "congressman", "businessman",
                               "father", "son", "husband", "brother", "man", "king"})
FEMALE_WORDS: Final = frozenset({"spokeswoman", "chairwoman", "congresswoman",
                                 "businesswoman", "mother", "daughter", "wife", "sister",
                                 "woman", "queen"})

ABBREVIATIONS: Final = frozenset({
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt",
    "prof", "st", "jr", "sr", "inc", "corp", "co", "ltd", "vs", "v", "jan", "feb",
    "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "u.s", "u.k", "u.n", "d.c",
    "e.g", "i.e", "a.m", "p.m", "ft", "mt", "pres", "rev", "adm", "cmdr", "maj", "supt",
    "calif", "fla", "penn", "ariz", "colo", "conn", "kan",
    "ky", "md", "mich", "minn", "mont", "neb", "nev", "okla", "ore",
    "tenn", "tex", "va", "vt", "wis", "wyo", "ga", "ala", "ark", "n.h",
    "n.j", "n.m", "n.y", "n.c", "n.d", "s.c", "s.d", "r.i", "w.va",
})
"""Words after which a full stop does not end a sentence."""

CLAUSE_BREAKERS: Final = frozenset({
    "that", "but", "because", "when", "while", "if", "as", "since", "although",
    "though", "whether", "so", "after", "before", "until", "where", "and", "or",
    "then", "than", "what", "how", "why", "which", "once", "unless", "whereas",
    "said", "says", "told", "saying", "claiming", "arguing",
})
"""Words that end a source noun phrase when walking left from its cue."""

NOUN_LIKE_FORMS: Final = frozenset({
    "comment", "comments", "remark", "remarks", "tweet", "tweets", "support", "supports",
    "vote", "votes", "plan", "plans", "note", "notes", "point", "points", "show", "shows",
    "call", "calls", "claim", "claims", "question", "questions", "post", "posts",
    "report", "reports", "promise", "promises", "demand", "demands", "fear", "fears",
    "hope", "hopes", "doubt", "doubts", "estimate", "estimates", "counter", "counters",
    "warn", "reply", "replies", "response", "answer", "answers", "cite", "praise",
    "blame", "quip", "quips", "joke", "jokes", "boast", "boasts", "stress", "defend",
    "want", "wants", "repeat", "mention", "mentions", "continue", "continues",
    "continued", "known", "voted", "proposed", "wanted", "see", "list", "lists",
    "attack", "attacks", "charge", "charges", "signal", "signals", "echo", "echoes",
    "welcome", "rule", "rules", "order", "orders", "project", "projects", "label",
    "labels", "brand", "back", "name", "names", "favor", "wish", "request", "requests",
    "forecast", "forecasts", "challenge", "challenges", "reject", "hint", "hints",
    "blast", "slam", "slams", "thank", "thanks", "express", "hail", "tout", "remind",
    "talk", "talks", "focus", "rail", "rails",
})
"""Forms that are often nouns or non-finite ("his comments", "states", "to say"):
accepted as cues only right after a subject-like word (see ``engine._verb_context``)."""

SUBJECT_WORDS: Final = frozenset({
    "he", "she", "they", "we", "i", "you", "who", "also", "not", "will", "would",
    "could", "did", "does", "do", "may", "might", "should", "can", "often", "never",
    "repeatedly", "has", "have", "had", "still", "now", "later", "then", "just",
    "previously", "already", "always", "publicly", "privately", "long", "strongly",
    "openly", "reportedly", "allegedly", "both", "all", "officials", "sources",
    "people", "democrats", "republicans", "critics", "aides", "experts", "analysts",
    "voters", "supporters", "others", "many", "some", "it", "that", "which",
})

NON_SOURCE_WORDS: Final = frozenset({
    "there", "this", "these", "those", "here", "what", "which", "not", "also", "to",
    "of", "in", "on", "at", "by", "for", "with", "from", "about", "as", "is", "was",
    "be", "been", "it’s", "it's", "you", "y’all",
})
"""A "source" consisting only of these is no source."""
