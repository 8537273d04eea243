"""The mention parser on every attribution in the seed article and common wire phrasings.

Each case lists the *complete* expected suggestion set, as
``{facet: (value, evidence, where, start)}``, so a new or lost suggestion fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.domain.facets import EMPTY_FACETS, Facets, KnowledgeBasis, Named
from annotator.domain.mention_parser import Suggestions, suggest_facets

SEED = (Path(__file__).resolve().parents[1] / "seeds" / "000_4e65fd619e16bd2f.txt").read_text(
    encoding="utf-8"
)

# The sentences of the seed article that carry an attribution, verbatim (curly quotes
# and apostrophes included).
S1 = (
    "A high-stakes, behind-the-scenes meeting last Wednesday between President Trump’s "
    "envoys and Hamas leaders played a pivotal role in finalizing the Gaza peace agreement, "
    "according to three sources with direct knowledge of the talks."
)
S2 = (
    "Axios reports that a major obstacle to the deal was Hamas’ concern that Israel would "
    "resume military operations after hostages were released."
)
S3 = (
    "Late Wednesday night, Qatari officials told Witkoff that the talks were at a standstill "
    "and suggested a direct meeting could break the deadlock."
)
S4 = (
    '"If you meet them and shake their hand, there will be a deal," a senior Qatari official '
    "reportedly said."
)
S5 = (
    'In a 45-minute meeting, Witkoff told the Hamas leaders that holding onto hostages was now '
    'a "liability," urging them to proceed with the deal and begin the process of releasing '
    "detainees on both sides."
)
S6_QUOTE = (
    '"President Trump’s message is that you will be treated fairly and that he stands behind '
    'all 20 points of his peace plan."'
)
S6 = "When asked for a message from Trump, Witkoff responded: " + S6_QUOTE
S7 = (
    "Shortly after, the Egyptian intelligence chief returned and announced, “Based on the "
    "meeting we just had, we have a deal.”"
)
S8 = (
    "According to sources, the Trump team’s willingness to meet face-to-face with Hamas - "
    "despite the political risks - demonstrated U.S. commitment to the deal’s enforcement."
)
S9 = "“When Trump’s envoys gave their word, Hamas believed it,” one source said."

Expected = dict[str, tuple[object, str, str, int]]


def table(suggestions: Suggestions) -> Expected:
    return {s.facet: (s.value, s.evidence, s.where, s.start) for s in suggestions}


@pytest.mark.parametrize("sentence", [S1, S2, S3, S4, S5, S6, S7, S8, S9])
def test_seed_sentences_are_verbatim(sentence: str) -> None:
    assert sentence in SEED


SEED_CASES: list[tuple[str, str, Expected]] = [
    ("three sources with direct knowledge of the talks", S1, {
        "named": ("unnamed", "three sources", "mention", 0),
        "source_count": (3, "three sources", "mention", 0),
        "identity_specificity": ("generic", "three sources", "mention", 0),
        "knowledge_basis": ("direct", "with direct knowledge", "mention", 14),
        "anonymity_reason": ("none", "three sources", "mention", 0),
        "quote_type": ("indirect", "according to", "context", 169),
        "cue_stance": ("neutral", "according to", "context", 169),
    }),
    ("Axios reports", S2, {
        "named": ("named", "Axios", "mention", 0),
        "source_count": (1, "Axios", "mention", 0),
        "identity_specificity": ("name", "Axios", "mention", 0),
        "affiliation": ("Axios", "Axios", "mention", 0),
        "affiliation_type": ("media", "Axios", "mention", 0),
        "knowledge_basis": ("unstated", "Axios", "mention", 0),
        "quote_type": ("indirect", "reports", "mention", 6),
        "cue_stance": ("neutral", "reports", "mention", 6),
    }),
    ("Qatari officials told Witkoff", S3, {
        "named": ("unnamed", "Qatari officials", "mention", 0),
        "source_count": ("several", "officials", "mention", 7),
        "identity_specificity": ("title_and_affiliation", "Qatari officials", "mention", 0),
        "affiliation_type": ("government", "Qatari officials", "mention", 0),
        "country": ("Qatar", "Qatari", "mention", 0),
        "knowledge_basis": ("unstated", "Qatari officials", "mention", 0),
        "anonymity_reason": ("none", "Qatari officials", "mention", 0),
        "quote_type": ("indirect", "told", "mention", 17),
        "cue_stance": ("neutral", "told", "mention", 17),
    }),
    ("a senior Qatari official reportedly said", S4, {
        "named": ("unnamed", "a senior Qatari official", "mention", 0),
        "source_count": (1, "a senior Qatari official", "mention", 0),
        "identity_specificity": (
            "title_and_affiliation", "a senior Qatari official", "mention", 0),
        "affiliation_type": ("government", "Qatari official", "mention", 9),
        "country": ("Qatar", "Qatari", "mention", 9),
        "knowledge_basis": ("unstated", "a senior Qatari official", "mention", 0),
        "anonymity_reason": ("none", "a senior Qatari official", "mention", 0),
        "quote_type": (
            "direct", '"If you meet them and shake their hand, there will be a deal,"',
            "context", 0),
        "cue_stance": ("neutral", "said", "mention", 36),
        "hedge": (True, "reportedly", "mention", 25),
    }),
    ("Witkoff told the Hamas leaders", S5, {
        "named": ("named", "Witkoff", "mention", 0),
        "source_count": (1, "Witkoff", "mention", 0),
        "identity_specificity": ("name", "Witkoff", "mention", 0),
        "knowledge_basis": ("unstated", "Witkoff", "mention", 0),
        "quote_type": ("partial", '"liability,"', "context", 92),
        "cue_stance": ("neutral", "told", "mention", 8),
    }),
    ("Witkoff responded", S6, {
        "named": ("named", "Witkoff", "mention", 0),
        "source_count": (1, "Witkoff", "mention", 0),
        "identity_specificity": ("name", "Witkoff", "mention", 0),
        "knowledge_basis": ("unstated", "Witkoff", "mention", 0),
        "quote_type": ("direct", S6_QUOTE, "context", 56),
        "cue_stance": ("neutral", "responded", "mention", 8),
    }),
    ("the Egyptian intelligence chief returned and announced", S7, {
        "named": ("identifiable_by_title", "the Egyptian intelligence chief", "mention", 0),
        "source_count": (1, "the Egyptian intelligence chief", "mention", 0),
        "identity_specificity": ("unique_title", "the Egyptian intelligence chief", "mention", 0),
        "affiliation": ("Egyptian intelligence", "Egyptian intelligence", "mention", 4),
        "affiliation_type": ("government", "intelligence", "mention", 13),
        "country": ("Egypt", "Egyptian", "mention", 4),
        "knowledge_basis": ("unstated", "the Egyptian intelligence chief", "mention", 0),
        "quote_type": (
            "direct", "“Based on the meeting we just had, we have a deal.”", "context", 71),
        "cue_stance": ("neutral", "announced", "mention", 45),
    }),
    ("According to sources", S8, {
        "named": ("unnamed", "sources", "mention", 13),
        "source_count": ("several", "sources", "mention", 13),
        "identity_specificity": ("generic", "sources", "mention", 13),
        "knowledge_basis": ("unstated", "sources", "mention", 13),
        "anonymity_reason": ("none", "sources", "mention", 13),
        "quote_type": ("indirect", "According to", "mention", 0),
        "cue_stance": ("neutral", "According to", "mention", 0),
    }),
    ("one source said", S9, {
        "named": ("unnamed", "one source", "mention", 0),
        "source_count": (1, "one source", "mention", 0),
        "identity_specificity": ("generic", "one source", "mention", 0),
        "knowledge_basis": ("unstated", "one source", "mention", 0),
        "anonymity_reason": ("none", "one source", "mention", 0),
        "quote_type": (
            "direct", "“When Trump’s envoys gave their word, Hamas believed it,”", "context", 0),
        "cue_stance": ("neutral", "said", "mention", 11),
    }),
]


@pytest.mark.parametrize(("mention", "context", "expected"), SEED_CASES,
                         ids=[case[0] for case in SEED_CASES])
def test_seed_attributions(mention: str, context: str, expected: Expected) -> None:
    assert mention in context
    assert table(suggest_facets(mention, context)) == expected


WIRE_CASES: list[tuple[str, Expected]] = [
    ("two people familiar with the matter", {
        "named": ("unnamed", "two people", "mention", 0),
        "source_count": (2, "two people", "mention", 0),
        "identity_specificity": ("generic", "two people", "mention", 0),
        "knowledge_basis": ("proximate", "familiar with", "mention", 11),
        "anonymity_reason": ("none", "two people", "mention", 0),
    }),
    ("officials who spoke on condition of anonymity because they were not authorized to "
     "discuss", {
        "named": ("unnamed", "officials", "mention", 0),
        "source_count": ("several", "officials", "mention", 0),
        "identity_specificity": ("role_or_affiliation", "officials", "mention", 0),
        "knowledge_basis": ("unstated", "officials", "mention", 0),
        "anonymity_reason": ("generic", "not authorized to discuss", "mention", 64),
    }),
    ("a person briefed on the talks", {
        "named": ("unnamed", "a person", "mention", 0),
        "source_count": (1, "a person", "mention", 0),
        "identity_specificity": ("generic", "a person", "mention", 0),
        "knowledge_basis": ("briefed", "briefed on", "mention", 9),
        "anonymity_reason": ("none", "a person", "mention", 0),
    }),
]


@pytest.mark.parametrize(("mention", "expected"), WIRE_CASES,
                         ids=[case[0][:40] for case in WIRE_CASES])
def test_wire_phrasings(mention: str, expected: Expected) -> None:
    assert table(suggest_facets(mention)) == expected


def test_evidence_spans_point_into_the_right_text() -> None:
    cases = [(m, c) for m, c, _ in SEED_CASES] + [(m, "") for m, _ in WIRE_CASES]
    for mention, context in cases:
        for s in suggest_facets(mention, context):
            text = mention if s.where == "mention" else context
            assert text[s.start:s.end] == s.evidence, (mention, s.facet)
            assert s.evidence


def test_explanation_names_the_evidence() -> None:
    s = suggest_facets("three sources with direct knowledge of the talks")
    assert s["source_count"].explanation == "prefilled from 'three sources'"
    assert s["anonymity_reason"].explanation == (
        "prefilled from 'three sources' "
        "(no reason for anonymity given in the phrase or sentence)"
    )
    assert suggest_facets("sources")["source_count"].note == (
        "plural with no number: at least two"
    )


# --- counts -----------------------------------------------------------------------------


@pytest.mark.parametrize(("mention", "count", "evidence"), [
    ("three sources", 3, "three sources"),
    ("Two people familiar with the matter", 2, "Two people"),
    ("2 officials", 2, "2 officials"),
    ("one source", 1, "one source"),
    ("a senior Qatari official", 1, "a senior Qatari official"),
    ("an Israeli official", 1, "an Israeli official"),
    ("one of the officials", 1, "one of the officials"),
    ("both sources", 2, "both sources"),
    ("a dozen diplomats", 12, "a dozen diplomats"),
    ("sources", "several", "sources"),
    ("officials", "several", "officials"),
    ("people familiar with the negotiations", "several", "people"),
    ("several diplomats", "several", "several diplomats"),
    ("a few officials", "several", "a few officials"),
    ("the officials", "several", "the officials"),
    ("Witkoff and Kushner said", 2, "Witkoff and Kushner"),
])
def test_source_count(mention: str, count: object, evidence: str) -> None:
    s = suggest_facets(mention)["source_count"]
    assert (s.value, s.evidence) == (count, evidence)
    assert type(s.value) is type(count)


# --- knowledge basis --------------------------------------------------------------------


@pytest.mark.parametrize(("mention", "basis", "evidence"), [
    ("three sources with direct knowledge of the talks", "direct", "with direct knowledge"),
    ("a person with firsthand knowledge of the meeting", "direct", "with firsthand knowledge"),
    ("two officials who attended", "direct", "who attended"),
    ("an official who was in the room", "direct", "who was in the room"),
    ("a person briefed on the talks", "briefed", "briefed on"),
    ("two people familiar with the matter", "proximate", "familiar with"),
    ("a person close to the negotiations", "proximate", "close to"),
    ("people with knowledge of the plan", "proximate", "knowledge of"),
    ("a diplomat who has seen the draft", "document_seen", "who has seen"),
    ("an official who has reviewed the document", "document_seen", "who has reviewed"),
    ("one source", "unstated", "one source"),
])
def test_knowledge_basis(mention: str, basis: str, evidence: str) -> None:
    s = suggest_facets(mention)["knowledge_basis"]
    assert (s.value, s.evidence) == (basis, evidence)


def test_no_source_no_knowledge_basis() -> None:
    assert "knowledge_basis" not in suggest_facets("reportedly")
    assert "named" not in suggest_facets("")
    assert len(suggest_facets("")) == 0


# --- named / identity / affiliation -----------------------------------------------------


@pytest.mark.parametrize(("mention", "named", "evidence", "specificity"), [
    ("Witkoff responded", "named", "Witkoff", "name"),
    ("U.S. hostage envoy Adam Boehler said", "named", "Adam Boehler", "name"),
    ("said Israeli Prime Minister Benjamin Netanyahu", "named", "Benjamin Netanyahu", "name"),
    ("Late Wednesday night, Witkoff said", "named", "Witkoff", "name"),
    ("According to Hamas", "named", "Hamas", "name"),
    ("a senior Qatari official", "unnamed", "a senior Qatari official",
     "title_and_affiliation"),
    ("the Egyptian intelligence chief", "identifiable_by_title",
     "the Egyptian intelligence chief", "unique_title"),
    ("the spokesman said", "identifiable_by_title", "the spokesman", "unique_title"),
    ("the official said", "unnamed", "the official", "role_or_affiliation"),
    ("Hamas officials", "unnamed", "Hamas officials", "title_and_affiliation"),
    ("Trump's envoys said", "unnamed", "Trump's envoys", "title_and_affiliation"),
    ("a person close to Hamas", "unnamed", "a person", "role_or_affiliation"),
    ("people familiar with Trump's thinking", "unnamed", "people", "generic"),
])
def test_named_and_specificity(mention: str, named: str, evidence: str,
                               specificity: str) -> None:
    s = suggest_facets(mention)
    assert (s["named"].value, s["named"].evidence) == (named, evidence)
    assert s["identity_specificity"].value == specificity


def test_specificity_evidence_covers_the_affiliation_phrase() -> None:
    s = suggest_facets("a person close to Hamas")["identity_specificity"]
    assert s.evidence == "a person close to Hamas"


@pytest.mark.parametrize(("mention", "country", "evidence"), [
    ("a senior Qatari official", "Qatar", "Qatari"),
    ("Egyptian mediators", "Egypt", "Egyptian"),
    ("Turkish officials", "Turkey", "Turkish"),
    ("an Israeli official", "Israel", "Israeli"),
    ("U.S. officials", "United States", "U.S."),
    ("American officials", "United States", "American"),
    ("officials from Egypt", "Egypt", "Egypt"),
])
def test_country_from_nationality(mention: str, country: str, evidence: str) -> None:
    s = suggest_facets(mention)["country"]
    assert (s.value, s.evidence) == (country, evidence)


def test_two_countries_suggest_none() -> None:
    s = suggest_facets("high-level intelligence officials from Egypt and Turkey")
    assert "country" not in s
    assert s["affiliation_type"].value == "government"


def test_nationality_in_the_topic_is_not_the_source_country() -> None:
    assert "country" not in suggest_facets("two people familiar with the Egyptian position")


@pytest.mark.parametrize(("mention", "kind", "evidence"), [
    ("Qatari officials", "government", "Qatari officials"),
    ("a senior Qatari official", "government", "Qatari official"),
    ("a diplomat", "government", "diplomat"),
    ("Hamas officials", "political_group", "Hamas"),
    ("Axios reports", "media", "Axios"),
    ("an Israeli military official", "military", "military"),
    ("a witness", "individual", "witness"),
])
def test_affiliation_type(mention: str, kind: str, evidence: str) -> None:
    s = suggest_facets(mention)["affiliation_type"]
    assert (s.value, s.evidence) == (kind, evidence)


def test_officials_without_nationality_have_no_affiliation_type() -> None:
    assert "affiliation_type" not in suggest_facets("officials")


def test_object_of_the_verb_is_not_the_source() -> None:
    # "Witkoff" is who was told, not who told.
    s = suggest_facets("Qatari officials told Witkoff")
    assert s["named"].value == "unnamed"


# --- framing: cue stance, hedge, anonymity, quote, channel --------------------------------


@pytest.mark.parametrize(("mention", "stance", "evidence"), [
    ("one source said", "neutral", "said"),
    ("Qatari officials told Witkoff", "neutral", "told"),
    ("According to sources", "neutral", "According to"),
    ("Turkish officials claimed", "distancing", "claimed"),
    ("Israeli officials alleged", "distancing", "alleged"),
    ("the spokesman insisted", "distancing", "insisted"),
    ("the minister confirmed", "endorsing", "confirmed"),
    ("a Hamas official acknowledged", "endorsing", "acknowledged"),
])
def test_cue_stance(mention: str, stance: str, evidence: str) -> None:
    s = suggest_facets(mention)["cue_stance"]
    assert (s.value, s.evidence) == (stance, evidence)


def test_cue_in_context_nearest_the_mention_wins() -> None:
    context = "Hamas claimed victory, but two diplomats said the talks had stalled."
    s = suggest_facets("two diplomats", context)["cue_stance"]
    assert (s.value, s.evidence, s.where, s.start) == (
        "neutral", "said", "context", context.index("said"))


def test_denial_and_allegation() -> None:
    s = suggest_facets("a Hamas official denied")
    assert s["polarity"].value == "denied"
    assert suggest_facets("Israeli officials alleged")["claim_type"].value == "allegation"


@pytest.mark.parametrize(("mention", "context", "evidence", "where"), [
    ("a senior Qatari official reportedly said", "", "reportedly", "mention"),
    ("a senior Hamas official",
     "A senior Hamas official said the group had accepted the terms, a claim that could not "
     "be independently verified.", "could not be independently verified", "context"),
    ("Qatari officials", "It is understood that Qatari officials pressed Hamas.",
     "It is understood", "context"),
    ("the militia allegedly", "", "allegedly", "mention"),
])
def test_hedge(mention: str, context: str, evidence: str, where: str) -> None:
    s = suggest_facets(mention, context)["hedge"]
    assert (s.value, s.evidence, s.where) == (True, evidence, where)


def test_no_hedge_is_not_suggested_as_false() -> None:
    assert "hedge" not in suggest_facets("one source said", S9)


@pytest.mark.parametrize(("mention", "reason", "evidence"), [
    ("officials who spoke on condition of anonymity because they were not authorized to "
     "speak publicly", "generic", "not authorized to speak publicly"),
    ("an Egyptian official who spoke on condition of anonymity because of the sensitivity of "
     "the hostage talks", "specific", "because of the sensitivity of"),
    ("a source who spoke on condition of anonymity because of the sensitivity of the issue",
     "generic", "because of the sensitivity of the issue"),
    ("a resident who asked not to be named for fear of reprisals", "specific", "for fear of"),
    ("two people familiar with the matter", "none", "two people"),
])
def test_anonymity_reason(mention: str, reason: str, evidence: str) -> None:
    s = suggest_facets(mention)["anonymity_reason"]
    assert (s.value, s.evidence) == (reason, evidence)


def test_named_sources_get_no_anonymity_reason() -> None:
    assert "anonymity_reason" not in suggest_facets("Witkoff responded", S6)
    assert "anonymity_reason" not in suggest_facets(
        "the Egyptian intelligence chief returned and announced", S7)


def test_quote_type_needs_a_sentence() -> None:
    assert "quote_type" not in suggest_facets("one source said")
    s = suggest_facets('one source said "we have a deal now, finally"')["quote_type"]
    assert (s.value, s.where) == ("direct", "mention")


@pytest.mark.parametrize(("mention", "outlet", "channel", "evidence"), [
    ("the spokesman said in a statement", "", "statement", "in a statement"),
    ("the spokesman told reporters", "", "speech_or_press_conference", "told reporters"),
    ("Netanyahu wrote on X", "", "social_media", "wrote on X"),
    ("according to a draft", "", "document", "according to a draft"),
    ("an Israeli official told this newspaper", "", "told_this_outlet", "told this newspaper"),
    ("a Hamas official told Axios", "Axios", "told_this_outlet", "told Axios"),
    ("a Hamas official told Axios", "Reuters", "interview_with_other_outlet", "told Axios"),
])
def test_channel(mention: str, outlet: str, channel: str, evidence: str) -> None:
    s = suggest_facets(mention, outlet=outlet)["channel"]
    assert (s.value, s.evidence) == (channel, evidence)


def test_told_an_outlet_without_knowing_ours_suggests_no_channel() -> None:
    assert "channel" not in suggest_facets("a Hamas official told Axios")


# --- applying suggestions ---------------------------------------------------------------


def test_apply_fills_only_unset_facets() -> None:
    suggestions = suggest_facets("three sources with direct knowledge of the talks", S1)
    filled = suggestions.apply(EMPTY_FACETS)
    assert filled.source_count == 3
    assert filled.knowledge_basis is KnowledgeBasis.DIRECT
    assert filled.named is Named.UNNAMED

    mine = Facets(knowledge_basis=KnowledgeBasis.BRIEFED, hedge=False)
    kept = suggestions.apply(mine)
    assert kept.knowledge_basis is KnowledgeBasis.BRIEFED
    assert kept.hedge is False
    assert kept.source_count == 3


def test_every_seed_suggestion_is_a_valid_facet_value() -> None:
    for mention, context, _ in SEED_CASES:
        facets = suggest_facets(mention, context).apply()
        assert Facets.from_dict(facets.to_dict()) == facets


def test_suggestions_container() -> None:
    s = suggest_facets("one source said", S9)
    assert "cue_stance" in s and "hedge" not in s
    assert s.get("hedge") is None
    with pytest.raises(KeyError):
        s["hedge"]
    assert s.values()["source_count"] == 1
    assert [x.facet for x in s] == list(table(s))


# --- real-news phrasings (issue 10) ----------------------------------------------------


@pytest.mark.parametrize(("mention", "name"), [
    ("Afghan Ambassador to the United States Hamdullah Mohib", "Hamdullah Mohib"),
    ("Governor of Washington Chris Gregoire", "Chris Gregoire"),
    ("Secretary of State Antony Blinken", "Antony Blinken"),
])
def test_title_before_a_name_is_a_named_person(mention: str, name: str) -> None:
    s = suggest_facets(mention)
    assert s["named"].value is Named.NAMED
    assert s["named"].evidence == name
    assert s["source_count"].value == 1
    assert s["identity_specificity"].value == "name"


def test_title_before_a_name_keeps_the_officials_own_country() -> None:
    s = suggest_facets("Afghan Ambassador to the United States Hamdullah Mohib")
    assert (s["country"].value, s["country"].evidence) == ("Afghanistan", "Afghan")


def test_lower_case_role_then_name_is_still_unnamed_without_a_name() -> None:
    s = suggest_facets("an ambassador to the United States")
    assert s["named"].value is Named.UNNAMED


@pytest.mark.parametrize("mention", [
    "Geoff Garin, a Democratic pollster working for Priorities USA",
    "Adam Boehler, the U.S. hostage envoy",
])
def test_name_comma_role_is_one_person(mention: str) -> None:
    s = suggest_facets(mention)
    assert s["named"].value is Named.NAMED
    assert s["source_count"].value == 1


@pytest.mark.parametrize(("mention", "count", "evidence"), [
    ("five current and former officials", 5, "five current and former officials"),
    ("two U.S. officials and a Western diplomat", 3,
     "two U.S. officials and a Western diplomat"),
    ("three diplomats and two aides", 5, "three diplomats and two aides"),
    ("two officials and other diplomats", "several", "two officials and other diplomats"),
])
def test_counts_add_up_over_adjectives_and_lists(mention: str, count: object,
                                                 evidence: str) -> None:
    s = suggest_facets(mention)
    assert s["source_count"].value == count
    assert s["source_count"].evidence == evidence


@pytest.mark.parametrize(("mention", "country", "evidence"), [
    ("New Zealand's Prime Minister", "New Zealand", "New Zealand"),
    ("the Kremlin", "Russia", "Kremlin"),
    ("a Saudi official", "Saudi Arabia", "Saudi"),
    ("a Norwegian diplomat", "Norway", "Norwegian"),
    ("Downing Street", "United Kingdom", "Downing Street"),
])
def test_country_from_possessives_demonyms_and_institutions(mention: str, country: str,
                                                            evidence: str) -> None:
    s = suggest_facets(mention)
    assert (s["country"].value, s["country"].evidence) == (country, evidence)


def test_possessive_country_is_not_an_affiliation_fragment() -> None:
    s = suggest_facets("New Zealand's Prime Minister")
    assert "affiliation" not in s or s["affiliation"].value != "Zealand"
    assert s["affiliation_type"].value == "government"


@pytest.mark.parametrize(("mention", "affiliation", "kind"), [
    ("a spokesman for Goldman Sachs", "Goldman Sachs", "company"),
    ("a spokesman for Exxon Mobil Corp.", "Exxon Mobil Corp", "company"),
    ("a spokeswoman for the Environmental Protection Agency",
     "Environmental Protection Agency", "government"),
    ("an official with the Norwegian Refugee Council", "Norwegian Refugee Council", "ngo"),
    ("a researcher at the Brookings Institution", "Brookings Institution", "academic"),
    ("The Boston Globe", "Boston Globe", "media"),
    ("an analyst at Human Rights Watch", "Human Rights Watch", "ngo"),
])
def test_affiliation_and_type_beyond_the_known_list(mention: str, affiliation: str,
                                                    kind: str) -> None:
    s = suggest_facets(mention)
    assert s["affiliation"].value == affiliation
    assert s["affiliation_type"].value == kind
