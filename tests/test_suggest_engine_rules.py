"""Engine rules added after studying PolNeAR train misses (texts written for these tests)."""

from __future__ import annotations

import pytest

from annotator.domain.suggest import SuggestionCancelled, suggest_attributions


def _read(text: str) -> list[tuple[str, str | None, str | None]]:
    out = []
    for s in suggest_attributions(text, with_facets=False):
        out.append((text[s.start:s.end],
                    text[s.source[0]:s.source[1]] if s.source else None,
                    text[s.cue[0]:s.cue[1]] if s.cue else None))
    return out


@pytest.mark.parametrize(("text", "expected"), [
    # "According to X, …" at the start: the source ends at the first comma
    ("According to Smith, the mayor was once part of the establishment.",
     [("the mayor was once part of the establishment", "Smith", "According to")]),
    ("The vote was close. According to the results, Lopez increased her lead by a point.",
     [("Lopez increased her lead by a point", "the results", "According to")]),
    # a poll or a study "shows/finds": its object is the claim, whatever its first word
    ("A new poll finds Lopez would beat Smith.",
     [("Lopez would beat Smith", "A new poll", "finds")]),
    ("A Channel 9 poll shows Lopez with 47 percent.",
     [("Lopez with 47 percent", "A Channel 9 poll", "shows")]),
    ("Early analysis shows Iowa polls may have missed the result.",
     [("Iowa polls may have missed the result", "Early analysis", "shows")]),
    # "in" + a poll, survey or view names the source, at the start or end of a sentence
    ("In a Channel 9 poll released Monday, 50 percent of voters chose Lopez.",
     [("50 percent of voters chose Lopez", "a Channel 9 poll released Monday", "In")]),
    ("Smith has a decisive lead in the latest poll.",
     [("Smith has a decisive lead", "the latest poll", "in")]),
    # "in X’s view": the view is the cue, its holder the source (also between commas)
    ("It was an across-the-board failure of the budget, in Bolton’s view.",
     [("It was an across-the-board failure of the budget", "Bolton’s", "view")]),
    ("The only other action, in Professor Knittel's view, would be more research.",
     [("The only other action, in Professor Knittel's view, would be more research",
       "Professor Knittel's", "view")]),
    # a name and a possessive appositive between commas; a name with a parenthesis
    ("“The numbers are good,” Jeff Weaver, Lopez’s campaign manager, said in a statement.",
     [("“The numbers are good,”", "Jeff Weaver, Lopez’s campaign manager", "said")]),
    ("After the primary in Ohio, Gov. John Kasich (R-OH), said, “I am ready for it.”",
     [("“I am ready for it.”", "Gov. John Kasich (R-OH)", "said")]),
    # a quoted title before the source is not a quotation claim when "that" follows
    ("Speaking on the show “This Week,” Carson admitted that the name in his book was wrong.",
     [("the name in his book was wrong", "Carson", "admitted")]),
    # a question put to poll respondents: attributed, with no source named
    ("He spoke first. Asked if the comments had rattled them as well, Ryan said, “Sure.”",
     [("if the comments had rattled them as well", None, "Asked"),
      ("“Sure.”", "Ryan", "said")]),
    # a participle right after its subject noun: "voters saying …"
    ("Many voters saying they want a ban were at the rally.",
     [("they want a ban were at the rally", "Many voters", "saying"),
      ("a ban were at the rally", "they", "want")]),  # "saying" ends the second source
    # a headline's "SOURCE: claim", lower-case words in the source allowed there only
    ("Lopez camp: New tax threatens the budget.\n\nThe camp met on Monday.",
     [("New tax threatens the budget", "Lopez camp", ":")]),
    # "As SOURCE CUE, …" frames the rest of the sentence
    ("As Smith noted earlier, the budget is short.",
     [("the budget is short", "Smith", "noted")]),
])
def test_rules_from_train_misses(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _read(text) == expected


def test_a_view_between_commas_leaves_itself_out_of_the_claim() -> None:
    text = "The only other action, in Professor Knittel's view, would be more research."
    (s,) = suggest_attributions(text, with_facets=False)
    assert [text[a:b] for a, b in s.fragments] == ["The only other action",
                                                   "would be more research"]


@pytest.mark.parametrize("text", [
    "He lives in the house on the hill near the station.",
    "Voters in the District of Columbia head to the polls on Tuesday.",
    "The senator shows up late to every hearing.",
    "The figures in the report were printed in blue.",
    "As he walked in, the crowd stood up.",
    "When asked, the crowd stood up.",
    "In this view, the crowd stood up.",
    "Lopez camp: New tax threatens the budget. The camp met on Monday.",  # not a headline
])
def test_no_attribution_where_there_is_none(text: str) -> None:
    assert _read(text) == []


def test_a_run_can_be_cancelled_between_sentences() -> None:
    text = "Smith said the vote was close. " * 200
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 1  # go on at the first check, stop at the second

    with pytest.raises(SuggestionCancelled):
        suggest_attributions(text, with_facets=False, cancelled=cancelled)
    assert len(asked) == 2
    assert len(suggest_attributions(text, with_facets=False, cancelled=lambda: False)) == 200
