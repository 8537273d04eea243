"""Attribution-strength rubric: the shipped file, scoring, validation; Facets round trips."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from annotator.domain.errors import UserInputError
from annotator.domain.facets import (
    EMPTY_FACETS,
    FACET_NAMES,
    AdmiraltyCredibility,
    AdmiraltyReliability,
    Facets,
    KnowledgeBasis,
    Named,
    QuoteType,
    vocabulary,
)
from annotator.domain.mention_parser import suggest_facets
from annotator.domain.rubric import Rubric, RubricError, load_rubric, parse_rubric, score
from annotator.domain.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
RUBRIC_PATH = ROOT / "resources" / "rubric.json"
LABELS = [label.key for label in load_taxonomy(ROOT / "resources" / "taxonomy.json")]


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_rubric(RUBRIC_PATH, known_labels=LABELS)


def from_seed(mention: str, sentence: str) -> Facets:
    return suggest_facets(mention, sentence).apply()


THREE_SOURCES = from_seed(
    "three sources with direct knowledge of the talks",
    "The meeting played a pivotal role in finalizing the Gaza peace agreement, according to "
    "three sources with direct knowledge of the talks.",
)
ACCORDING_TO_SOURCES = from_seed(
    "According to sources",
    "According to sources, the Trump team’s willingness to meet face-to-face with Hamas - "
    "despite the political risks - demonstrated U.S. commitment to the deal’s enforcement.",
)
QATARI_REPORTEDLY = from_seed(
    "a senior Qatari official reportedly said",
    '"If you meet them and shake their hand, there will be a deal," a senior Qatari official '
    "reportedly said.",
)


# --- the shipped rubric ------------------------------------------------------------------


def test_shipped_rubric_has_a_base_for_every_taxonomy_label(rubric: Rubric) -> None:
    assert set(rubric.base) == set(LABELS)
    assert [b.name for b in rubric.bands] == ["strong", "moderate", "weak", "very_weak"]
    assert [b.min_score for b in rubric.bands] == [70, 50, 30, 0]


def test_base_order_follows_checkability(rubric: Rubric) -> None:
    base = {key: value.score for key, value in rubric.base.items()}
    assert base["direct_observation"] > base["document"] > base["named_person"]
    assert base["named_person"] >= base["organisation_statement"] > base["media_report"]
    assert base["media_report"] > base["anonymous_official"] > base["anonymous_unspecified"]
    assert base["social_media"] > base["anonymous_unspecified"] > base["unattributed"]
    assert min(base.values()) == base["unattributed"]


def test_every_rule_is_documented(rubric: Rubric) -> None:
    docs = (ROOT / "docs" / "rubric.md").read_text(encoding="utf-8")
    for rule in rubric.rules:
        assert f"`{rule.id}`" in docs, rule.id
    for key in rubric.base:
        assert f"`{key}`" in docs, key


def test_three_sources_with_direct_knowledge_beats_according_to_sources(
        rubric: Rubric) -> None:
    strong = score("anonymous_unspecified", THREE_SOURCES, rubric)
    weak = score("anonymous_unspecified", ACCORDING_TO_SOURCES, rubric)
    assert strong.value > weak.value
    assert (strong.value, strong.band) == (37, "weak")
    assert (weak.value, weak.band) == (12, "very_weak")
    assert strong.reasons == [
        ("anonymous source with no role or affiliation", 20),
        ("two or more sources stated", 8),
        ("three or more sources stated", 4),
        ("the source is said to have direct knowledge", 10),
        ("no reason for anonymity is given", -5),
    ]


def test_reportedly_lowers_the_score(rubric: Rubric) -> None:
    assert QATARI_REPORTEDLY.hedge is True
    hedged = score("anonymous_official", QATARI_REPORTEDLY, rubric)
    plain = score("anonymous_official", QATARI_REPORTEDLY.replace(hedge=None), rubric)
    assert plain.value - hedged.value == 10
    assert ("hedged ('reportedly', 'could not be independently verified')", -10) in (
        hedged.reasons)
    assert (hedged.value, hedged.band) == (25, "very_weak")
    assert (plain.value, plain.band) == (35, "weak")


def test_named_person_with_direct_quote_is_strong(rubric: Rubric) -> None:
    facets = Facets(named=Named.NAMED, quote_type=QuoteType.DIRECT)
    s = score("named_person", facets, rubric)
    assert (s.value, s.band) == (73, "strong")
    # "named" is already in the base for named_person: no double counting.
    assert [delta for _, delta in s.reasons] == [65, 8]


def test_named_bonus_applies_to_other_source_types(rubric: Rubric) -> None:
    s = score("social_media", Facets(named=Named.NAMED), rubric)
    assert ("the source is named", 10) in s.reasons


def test_unknown_label_falls_back_to_default_base(rubric: Rubric) -> None:
    s = score("custom_label_added_later", EMPTY_FACETS, rubric)
    assert s.value == rubric.default_base.score == 30
    assert "no base score for label 'custom_label_added_later'" in s.reasons[0][0]


def test_unstated_knowledge_only_penalises_anonymous_labels(rubric: Rubric) -> None:
    facets = Facets(knowledge_basis=KnowledgeBasis.UNSTATED)
    assert score("named_person", facets, rubric).value == 65
    assert score("anonymous_official", facets, rubric).value == 32


@pytest.mark.parametrize("facets", [THREE_SOURCES, ACCORDING_TO_SOURCES, QATARI_REPORTEDLY,
                                    EMPTY_FACETS])
@pytest.mark.parametrize("label", [*LABELS, "custom"])
def test_reasons_add_up_and_value_in_range(rubric: Rubric, label: str, facets: Facets) -> None:
    s = score(label, facets, rubric)
    assert 0 <= s.value <= 100
    assert sum(delta for _, delta in s.reasons) == s.value
    assert s.band == rubric.band_for(s.value).name


def test_corroboration_and_nesting(rubric: Rubric) -> None:
    base = score("anonymous_official", EMPTY_FACETS, rubric).value
    assert score("anonymous_official", Facets(corroborated_by=("a",)), rubric).value == base + 5
    assert score("anonymous_official", Facets(nested_in="x"), rubric).value == base - 5


# --- scoring mechanics with small rubrics ------------------------------------------------


def rubric_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": 1,
        "default_base": {"score": 30, "reason": "default"},
        "base": {"x": {"score": 50, "reason": "base x"}},
        "rules": [],
        "bands": [
            {"name": "strong", "min": 70},
            {"name": "moderate", "min": 50},
            {"name": "weak", "min": 30},
            {"name": "very_weak", "min": 0},
        ],
    }
    data.update(changes)
    return data


def rule(when: dict[str, Any], delta: Any = 10, **extra: Any) -> dict[str, Any]:
    return {"id": "when " + json.dumps(when, sort_keys=True), "delta": delta,
            "reason": "why", "when": when, **extra}


@pytest.mark.parametrize(("value", "band"), [
    (100, "strong"), (70, "strong"), (69, "moderate"), (50, "moderate"), (49, "weak"),
    (30, "weak"), (29, "very_weak"), (0, "very_weak"),
])
def test_band_thresholds(value: int, band: str) -> None:
    r = parse_rubric(rubric_data(base={"x": value}))
    s = score("x", EMPTY_FACETS, r)
    assert (s.value, s.band) == (value, band)
    assert s.reasons == [("source type x", value)]


def test_clamping_is_listed_as_a_reason() -> None:
    r = parse_rubric(rubric_data(
        base={"hi": 95, "lo": 5},
        rules=[rule({"hedge": True}, 10, labels=["hi"]),
               rule({"hedge": False}, -10, labels=["lo"])],
    ))
    high = score("hi", Facets(hedge=True), r)
    assert high.value == 100
    assert high.reasons[-1] == ("clamped to the 0-100 scale", -5)
    low = score("lo", Facets(hedge=False), r)
    assert low.value == 0
    assert low.reasons[-1] == ("clamped to the 0-100 scale", 5)


@pytest.mark.parametrize(("condition", "facets", "matches"), [
    ({"knowledge_basis": "direct"}, Facets(knowledge_basis=KnowledgeBasis.DIRECT), True),
    ({"knowledge_basis": "direct"}, EMPTY_FACETS, False),
    ({"knowledge_basis": ["briefed", "proximate"]},
     Facets(knowledge_basis=KnowledgeBasis.PROXIMATE), True),
    ({"source_count": {"at_least": 2}}, Facets(source_count=2), True),
    ({"source_count": {"at_least": 2}}, Facets(source_count=1), False),
    ({"source_count": {"at_least": 2}}, Facets(source_count="several"), False),
    ({"source_count": "several"}, Facets(source_count="several"), True),
    ({"source_count": {"at_least": 2, "at_most": 3}}, Facets(source_count=4), False),
    ({"admiralty_credibility": {"at_most": 2}},
     Facets(admiralty_credibility=AdmiraltyCredibility.CONFIRMED), True),
    ({"corroborated_by": {"at_least": 2}}, Facets(corroborated_by=("a", "b")), True),
    ({"nested_in": {"present": True}}, Facets(nested_in="a"), True),
    ({"nested_in": {"present": False}}, EMPTY_FACETS, True),
    ({"nested_in": {"present": False}}, Facets(nested_in="a"), False),
    ({"hedge": False}, Facets(hedge=False), True),
    ({"hedge": False}, EMPTY_FACETS, False),
    ({"hedge": True, "named": "unnamed"}, Facets(hedge=True), False),
    ({"country": "Qatar"}, Facets(country="Qatar"), True),
])
def test_conditions(condition: dict[str, Any], facets: Facets, matches: bool) -> None:
    r = parse_rubric(rubric_data(rules=[rule(condition, 10)]))
    assert score("x", facets, r).value == (60 if matches else 50)


def test_label_restrictions() -> None:
    r = parse_rubric(rubric_data(
        base={"a": 50, "b": 50},
        rules=[rule({"hedge": True}, -10, labels=["a"]),
               rule({"hedge": False}, 5, except_labels=["a"])],
    ))
    assert score("a", Facets(hedge=True), r).value == 40
    assert score("b", Facets(hedge=True), r).value == 50
    assert score("a", Facets(hedge=False), r).value == 50
    assert score("b", Facets(hedge=False), r).value == 55


# --- rubric validation ------------------------------------------------------------------


def test_shipped_file_with_a_broken_rule_is_rejected(tmp_path: Path) -> None:
    data = json.loads(RUBRIC_PATH.read_text(encoding="utf-8"))
    data["rules"][0]["when"] = {"knowldge_basis": "direct"}
    path = tmp_path / "rubric.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert "rule 'named_source'" in message
    assert "unknown facet 'knowldge_basis'" in message
    assert "knowledge_basis" in message  # the list of real facets


@pytest.mark.parametrize(("changes", "message"), [
    ({"rules": [rule({"colour": "red"})]}, "unknown facet 'colour' (known facets: named,"),
    ({"rules": [rule({"knowledge_basis": "psychic"})]},
     "facet 'knowledge_basis': 'psychic' is not one of direct, briefed, proximate, "
     "document_seen, unstated"),
    ({"rules": [rule({"source_count": 0})]}, "facet 'source_count': 0 must be at least 1"),
    ({"rules": [rule({"hedge": "yes"})]}, "facet 'hedge': 'yes' is not true or false"),
    ({"rules": [rule({"named": {"at_least": 1}})]}, "'at_least' only applies to"),
    ({"rules": [rule({"nested_in": "abc"})]}, "annotation ids cannot be matched by value"),
    ({"rules": [rule({"named": []})]}, "empty list of values"),
    ({"rules": [rule({"named": {}})]}, "empty condition"),
    ({"rules": [rule({"named": {"present": "yes"}})]}, "'present' must be true or false"),
    ({"rules": [rule({"named": {"exists": True}})]}, "unknown key 'exists'"),
    ({"rules": [rule({})]}, "'when' needs at least one facet condition"),
    ({"rules": [rule({"hedge": True}, 2.5)]}, "delta must be a whole number, not 2.5"),
    ({"rules": [rule({"hedge": True}, 101)]}, "delta must be between -100 and 100"),
    ({"rules": [{**rule({"hedge": True}), "whne": {}}]}, "unknown key 'whne'"),
    ({"rules": [{**rule({"hedge": True}), "reason": ""}]}, "reason must be non-empty text"),
    ({"rules": [rule({"hedge": True}), rule({"hedge": True})]}, "appears twice"),
    ({"rules": {"a": 1}}, "rules must be a list"),
    ({"bands": [{"name": "strong", "min": 70}, {"name": "weak", "min": 80},
                {"name": "very_weak", "min": 0}]},
     "band 'weak': min 80 must be below the previous band's ('strong', 70)"),
    ({"bands": [{"name": "strong", "min": 70}, {"name": "weak", "min": 30}]},
     "band 'weak': the lowest band must start at 0 so that every score falls in a band"),
    ({"bands": [{"name": "strong", "min": 170}, {"name": "weak", "min": 0}]},
     "band 'strong': min must be between 0 and 100, not 170"),
    ({"bands": [{"name": "a", "min": 50}, {"name": "a", "min": 0}]}, "band 'a' appears twice"),
    ({"bands": []}, "bands must be a non-empty list"),
    ({"base": {"x": 120}}, "base score for 'x' must be between 0 and 100, not 120"),
    ({"base": {"x": {"score": 50}}}, "base score for 'x': reason must be non-empty text"),
    ({"default_base": None}, "default_base must be an object"),
    ({"version": 2}, "version must be 1, not 2"),
    ({"colour": "red"}, "the rubric: unknown key 'colour'"),
])
def test_bad_rubrics_are_rejected_with_clear_messages(changes: dict[str, Any],
                                                      message: str) -> None:
    with pytest.raises(RubricError) as info:
        parse_rubric(rubric_data(**changes), origin="my-rubric.json")
    assert str(info.value).startswith("my-rubric.json: ")
    assert message in str(info.value)


def test_unknown_labels_rejected_when_the_taxonomy_is_given() -> None:
    data = rubric_data(base={"named_persn": 60})
    parse_rubric(data)  # fine on its own: custom labels are allowed
    with pytest.raises(RubricError, match="base: unknown label 'named_persn'"):
        parse_rubric(data, known_labels=LABELS)
    data = rubric_data(base={}, rules=[rule({"hedge": True}, labels=["nope"])])
    with pytest.raises(RubricError, match="labels: unknown label 'nope'"):
        parse_rubric(data, known_labels=LABELS)


def test_unreadable_rubric_file(tmp_path: Path) -> None:
    path = tmp_path / "rubric.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(RubricError, match="cannot read rubric"):
        load_rubric(path)
    with pytest.raises(RubricError, match="cannot read rubric"):
        load_rubric(tmp_path / "missing.json")


def test_rubric_errors_are_user_input_errors() -> None:
    assert issubclass(RubricError, UserInputError)
    assert issubclass(RubricError, ValueError)


def test_parse_does_not_mutate_its_input() -> None:
    data = json.loads(RUBRIC_PATH.read_text(encoding="utf-8"))
    before = copy.deepcopy(data)
    parse_rubric(data)
    assert data == before


# --- Facets ------------------------------------------------------------------------------


FULL = {
    "named": "unnamed",
    "source_count": 3,
    "identity_specificity": "title_and_affiliation",
    "affiliation": "Qatari government",
    "affiliation_type": "government",
    "country": "Qatar",
    "knowledge_basis": "direct",
    "anonymity_reason": "specific",
    "quote_type": "partial",
    "channel": "told_this_outlet",
    "cue_stance": "distancing",
    "hedge": False,
    "claim_type": "allegation",
    "polarity": "denied",
    "nested_in": "6f1c0f43-5d0e-4a59-8c38-9d7f6c3f0b1e",
    "corroborated_by": ["a1", "b2"],
    "admiralty_reliability": "B",
    "admiralty_credibility": 2,
}


def test_facets_round_trip() -> None:
    facets = Facets.from_dict(FULL)
    assert facets.to_dict() == FULL
    assert list(facets.to_dict()) == list(FACET_NAMES)
    assert Facets.from_dict(json.loads(json.dumps(facets.to_dict()))) == facets
    assert facets.admiralty_reliability is AdmiraltyReliability.B
    assert facets.admiralty_credibility is AdmiraltyCredibility.PROBABLY_TRUE


@pytest.mark.parametrize("name", FACET_NAMES)
def test_each_facet_round_trips_alone(name: str) -> None:
    data = {name: FULL[name]}
    facets = Facets.from_dict(data)
    assert facets.to_dict() == data
    assert not facets.is_empty and facets.is_set(name)


def test_empty_facets() -> None:
    assert EMPTY_FACETS == Facets() == Facets.from_dict({})
    assert EMPTY_FACETS.is_empty
    assert EMPTY_FACETS.to_dict() == {}
    unset = EMPTY_FACETS.to_dict(include_unset=True)
    assert list(unset) == list(FACET_NAMES)
    assert unset["corroborated_by"] == [] and unset["named"] is None
    assert Facets.from_dict(unset) == EMPTY_FACETS
    assert Facets.from_dict({"named": "", "country": "  "}) == EMPTY_FACETS


def test_export_row_uses_vocabulary_words() -> None:
    row = Facets.from_dict(FULL).to_export_row()
    assert row["named"] == "unnamed"
    assert row["source_count"] == "3"
    assert row["hedge"] == "false"
    assert row["corroborated_by"] == "a1;b2"
    assert row["admiralty_credibility"] == "2"
    assert set(EMPTY_FACETS.to_export_row().values()) == {""}


def test_constructor_accepts_vocabulary_words_and_normalises() -> None:
    facets = Facets(named="unnamed", source_count="several")  # type: ignore[arg-type]
    assert facets.named is Named.UNNAMED
    assert facets == Facets(named=Named.UNNAMED, source_count="several")
    assert facets.replace(hedge=True).hedge is True
    with pytest.raises(ValueError, match="facet 'hedge'"):
        facets.replace(hedge="maybe")
    with pytest.raises(ValueError, match="unknown facet 'hedging'"):
        facets.replace(hedging=True)


@pytest.mark.parametrize(("data", "message"), [
    ({"named": "anonymous"},
     "facet 'named': 'anonymous' is not one of named, identifiable_by_title, unnamed"),
    ({"named": "Named"}, "facet 'named': 'Named' is not one of"),
    ({"source_count": 0}, "facet 'source_count': 0 must be at least 1"),
    ({"source_count": -2}, "facet 'source_count': -2 must be at least 1"),
    ({"source_count": "3"}, "facet 'source_count': '3' is not a whole number >= 1, "
                            "'several' or 'unknown'"),
    ({"source_count": "many"}, "facet 'source_count': 'many' is not a whole number"),
    ({"source_count": True}, "facet 'source_count': True is not a whole number"),
    ({"source_count": 2.0}, "facet 'source_count': 2.0 is not a whole number"),
    ({"affiliation_type": "militia"}, "facet 'affiliation_type': 'militia' is not one of "
                                      "government, military, company, ngo, academic, media, "
                                      "political_group, individual"),
    ({"hedge": "true"}, "facet 'hedge': 'true' is not true or false"),
    ({"hedge": 1}, "facet 'hedge': 1 is not true or false"),
    ({"admiralty_reliability": "G"}, "facet 'admiralty_reliability': 'G' is not one of A, B"),
    ({"admiralty_reliability": "a"}, "facet 'admiralty_reliability': 'a' is not one of"),
    ({"admiralty_credibility": 7}, "facet 'admiralty_credibility': 7 is not one of 1, 2, 3"),
    ({"admiralty_credibility": "1"}, "facet 'admiralty_credibility': '1' is not one of"),
    ({"admiralty_credibility": True}, "facet 'admiralty_credibility': True is not one of"),
    ({"country": 5}, "facet 'country': 5 is not text"),
    ({"nested_in": 12}, "facet 'nested_in': 12 is not an annotation id"),
    ({"corroborated_by": "abc"}, "facet 'corroborated_by': 'abc' is not a list of"),
    ({"corroborated_by": ["a", "a"]}, "facet 'corroborated_by': 'a' is listed twice"),
    ({"corroborated_by": ["a", ""]}, "facet 'corroborated_by': '' is not an annotation id"),
    ({"sauce": "x"}, "unknown facet 'sauce' (known facets: named, source_count,"),
])
def test_invalid_facet_values_are_rejected(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as info:
        Facets.from_dict(data)
    assert message in str(info.value)


def test_from_dict_rejects_non_mappings() -> None:
    with pytest.raises(ValueError, match="facets must be an object"):
        Facets.from_dict(["named"])  # type: ignore[arg-type]


def test_vocabulary() -> None:
    assert vocabulary("knowledge_basis") == (
        "direct", "briefed", "proximate", "document_seen", "unstated")
    assert vocabulary("source_count") == ("several", "unknown")
    assert vocabulary("admiralty_credibility") == (1, 2, 3, 4, 5, 6)
    with pytest.raises(ValueError, match="no closed vocabulary"):
        vocabulary("country")
