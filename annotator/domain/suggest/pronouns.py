"""Pronoun sources ("he said") resolved to an earlier source, only when that is safe.

Safe means: within the current or previous two paragraphs, the nearest earlier
source compatible in number (and gender, when a title or noun tells it) is the only
compatible *distinct* source in that window. When two fit ("Witkoff and Kushner ...
he said"), the pronoun is left unresolved and the suggestion says so, because a
wrong name in a source field is worse than an empty one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotator.domain.suggest import lexicon as lx

WINDOW_PARAGRAPHS = 2


@dataclass(frozen=True)
class Resolution:
    is_pronoun: bool
    antecedent: str = ""
    why: str = ""


@dataclass(frozen=True)
class _Known:
    text: str
    paragraph: int
    number: str
    gender: str


_PLURAL_HEADS = re.compile(r"\b(?:\w+s|people|and)\b")


def _features(mention: str) -> tuple[str, str]:
    words = [w.lower() for w in re.findall(r"[\w.’']+", mention)]
    gender = ""
    if words and (words[0] in lx.MALE_TITLES or any(w in lx.MALE_WORDS for w in words)):
        gender = "male"
    if words and (words[0] in lx.FEMALE_TITLES or any(w in lx.FEMALE_WORDS for w in words)):
        gender = "female"
    plural = " and " in f" {mention} " or bool(words) and (
        words[-1] in lx.ANONYMOUS_NOUNS | lx.OFFICIAL_NOUNS and words[-1].endswith(("s", "people")))
    person = bool(re.search(r"[A-Z][a-z]", mention)) or any(
        w in lx.OFFICIAL_NOUNS or w in lx.ANONYMOUS_NOUNS for w in words)
    return ("plural" if plural else ("singular" if person else "thing")), gender


class PronounResolver:
    def __init__(self, text: str) -> None:
        self.text = text
        self.known: list[_Known] = []

    def remember(self, mention: str, span: tuple[int, int], paragraph: int) -> None:
        number, gender = _features(mention)
        self.known.append(_Known(mention, paragraph, number, gender))

    def resolve(self, mention: str, span: tuple[int, int], paragraph: int) -> Resolution:
        low = mention.strip().lower()
        if low not in lx.PRONOUNS:
            return Resolution(False)
        number, gender = lx.PRONOUNS[low]
        if low in ("i", "we", "who"):
            return Resolution(True, "", f"{mention!r} is resolved by the reader, not by rule")
        fits: list[_Known] = []
        for k in reversed(self.known):
            if k.paragraph < paragraph - WINDOW_PARAGRAPHS:
                break
            if number == "plural" and k.number != "plural":
                continue
            if number == "singular" and low == "it" and k.number != "thing":
                continue
            if number == "singular" and low != "it" and k.number != "singular":
                continue
            if gender in ("male", "female") and k.gender and k.gender != gender:
                continue
            if k.text not in (f.text for f in fits):
                fits.append(k)
        if not fits:
            return Resolution(True, "", "no earlier compatible source nearby")
        if len(fits) > 1 and _last_word(fits[0].text) != _last_word(fits[1].text):
            return Resolution(True, "", f"both {fits[0].text!r} and {fits[1].text!r} fit")
        return Resolution(True, fits[0].text)


def _last_word(mention: str) -> str:
    words = mention.split()
    return words[-1].strip("’'s,") if words else ""
