"""The attribution suggestion engine on small texts written for these tests."""

from __future__ import annotations

import pytest

from annotator.domain.suggest import map_kind, suggest_attributions
from annotator.domain.suggest.sentences import split_sentences


def _find(text: str, source: str):  # type: ignore[no-untyped-def]
    hits = [s for s in suggest_attributions(text)
            if s.source and text[s.source[0]:s.source[1]] == source]
    assert hits, f"no suggestion with source {source!r}: " + repr(
        [(text[s.start:s.end], s.source and text[s.source[0]:s.source[1]])
         for s in suggest_attributions(text)])
    return hits[0]


def test_seed_article_attributions(seed_text: str) -> None:
    t = seed_text
    s = _find(t, "three sources with direct knowledge of the talks")
    assert t[s.cue[0]:s.cue[1]] == "according to"
    assert t[s.start:s.end].startswith("A high-stakes, behind-the-scenes meeting")
    assert t[s.start:s.end].endswith("finalizing the Gaza peace agreement")
    assert s.kind == "anonymous_unspecified"
    assert s.facets["source_count"] == 3 and s.facets["knowledge_basis"] == "direct"

    axios = _find(t, "Axios")
    assert t[axios.cue[0]:axios.cue[1]] == "reports" and axios.kind == "media_report"
    assert t[axios.start:axios.end].startswith("a major obstacle to the deal")

    qatari = _find(t, "a senior Qatari official")
    assert qatari.kind == "anonymous_official"
    assert t[qatari.start:qatari.end] == \
        '"If you meet them and shake their hand, there will be a deal,"'
    assert "reportedly said" in t[qatari.cue[0]:qatari.cue[1]]
    assert qatari.facets["country"] == "Qatar" and qatari.facets["hedge"] is True

    officials = _find(t, "Qatari officials")
    assert t[officials.cue[0]:officials.cue[1]] == "told"
    assert t[officials.start:officials.end].startswith("the talks were at a standstill")
    assert officials.kind == "anonymous_official"

    one = _find(t, "one source")
    assert t[one.start:one.end] == "“When Trump’s envoys gave their word, Hamas believed it,”"
    assert one.kind == "anonymous_unspecified"
    chief = _find(t, "the Egyptian intelligence chief")
    assert t[chief.start:chief.end] == "“Based on the meeting we just had, we have a deal.”"
    assert all(0 < s.confidence < 1 and s.reasons for s in suggest_attributions(t))


def test_quote_split_by_its_cue_is_one_claim_in_two_fragments() -> None:
    t = "Maria Lopez said the talks resumed.\n“We agree,” she said, “and the truce holds.”"
    s = _find(t, "she")
    assert [t[a:b] for a, b in s.fragments] == ["“We agree,”", "“and the truce holds.”"]
    assert (s.start, s.end) == (s.fragments[0][0], s.fragments[1][1])
    assert s.resolved_source == "Maria Lopez" and s.kind == "named_person"


def test_straight_quotes_and_inverted_cue() -> None:
    t = '"The deal is done," said Adam Boehler, the U.S. hostage envoy.'
    s = _find(t, "Adam Boehler, the U.S. hostage envoy")
    assert t[s.start:s.end] == '"The deal is done,"' and t[s.cue[0]:s.cue[1]] == "said"
    assert s.kind == "named_person"


def test_colon_before_a_quotation() -> None:
    t = 'Witkoff responded: "You will be treated fairly."'
    sugg = suggest_attributions(t)
    assert len(sugg) == 1  # the verb and the colon are one attribution
    assert t[sugg[0].start:sugg[0].end] == '"You will be treated fairly."'


def test_ambiguous_pronoun_is_flagged_not_guessed() -> None:
    t = ("Witkoff said the talks stalled. Kushner said they would resume.\n"
         "“It is over,” he said.")
    s = _find(t, "he")
    assert s.resolved_source == ""
    assert any("not resolved" in r and "Kushner" in r and "Witkoff" in r for r in s.reasons)
    plain = _find(t, "Kushner")
    assert s.confidence < plain.confidence


def test_gender_blocks_a_wrong_antecedent() -> None:
    t = "Mr. Haddad said no. Ms. Kovač said yes.\n“We will see,” he said."
    assert _find(t, "he").resolved_source == "Mr. Haddad"


def test_cue_inside_a_quotation_is_not_an_attribution() -> None:
    t = '"They said no, and they told us twice," Smith said.'
    sugg = suggest_attributions(t)
    assert [(t[s.source[0]:s.source[1]]) for s in sugg if s.source] == ["Smith"]


def test_hedge_without_a_source() -> None:
    t = "The envoy reportedly left Doha on Friday."
    (s,) = suggest_attributions(t)
    assert s.source is None and s.kind == "unattributed"
    assert t[s.cue[0]:s.cue[1]] == "reportedly"


def test_nouns_that_look_like_cues_are_not_cues() -> None:
    t = ("Voters in five states went to the polls. His comments drew criticism. "
         "The secretary of state arrived.")
    assert suggest_attributions(t) == []


def test_offsets_are_code_points_after_astral_characters() -> None:
    t = "🙂🙂 Officials told reporters that the border would reopen."
    (s,) = suggest_attributions(t)
    assert t[s.start:s.end] == "the border would reopen"
    assert t[s.source[0]:s.source[1]] == "Officials"


def test_deterministic() -> None:
    t = "According to people familiar with the matter, the deal is close. “No,” she said."
    assert suggest_attributions(t) == suggest_attributions(t)


def test_full_stop_inside_a_quotation_does_not_split_the_sentence() -> None:
    t = "“We agree. We sign,” he said. Then he left."
    sentences, quotes = split_sentences(t)
    assert [t[s.start:s.end] for s in sentences] == ["“We agree. We sign,” he said.",
                                                     "Then he left."]
    assert quotes == [(0, 20)]


def test_abbreviations_do_not_end_sentences() -> None:
    t = "Sen. Smith met U.S. officials in Washington. They said no."
    sentences, _ = split_sentences(t)
    assert len(sentences) == 2


@pytest.mark.parametrize(("kind", "keys", "expected"), [
    ("named_person", ["named_person", "other"], "named_person"),
    ("media_report", ["named_person", "other"], "other"),
    ("media_report", ["press", "misc"], "press"),
])
def test_map_kind(kind: str, keys: list[str], expected: str) -> None:
    assert map_kind(kind, keys) == expected


def test_map_kind_explicit_mapping() -> None:
    assert map_kind("media_report", ["press", "other"], {"media_report": "press"}) == "press"


def test_passive_with_by_puts_the_source_after_the_cue() -> None:
    t = "The move was first reported by MSNBC."
    (s,) = suggest_attributions(t)
    assert t[s.source[0]:s.source[1]] == "MSNBC"
    assert t[s.start:s.end] == "The move"


def test_participle_after_a_comma_shares_the_subject() -> None:
    t = "Sanders defended the plan on Sunday, saying the costs would fall."
    sugg = suggest_attributions(t)
    saying = next(s for s in sugg if t[s.cue[0]:s.cue[1]] == "saying")
    assert t[saying.source[0]:saying.source[1]] == "Sanders"
    assert t[saying.start:saying.end] == "the costs would fall"


def test_parenthesis_and_name_between_commas_are_part_of_the_subject() -> None:
    t = ("Gov. John Kasich (R-OH) said the race was open.\n"
         "His top aide, Tad Devine, told reporters that it was not over.")
    sources = {t[s.source[0]:s.source[1]] for s in suggest_attributions(t) if s.source}
    assert "Gov. John Kasich" in sources  # the parenthesis is skipped, not kept
    assert "Tad Devine" in sources


def test_speaker_colon_needs_a_name_at_the_start() -> None:
    assert suggest_attributions("It is painstaking work: bend the rods.") == []
    t = "TAPPER: Do you think he has campaigned well?"
    (s,) = suggest_attributions(t)
    assert t[s.source[0]:s.source[1]] == "TAPPER"
