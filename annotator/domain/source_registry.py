"""Which source entry a source mention belongs to: matching rules as visible data.

A *source* is who or what claims rest on across articles ("Steve Witkoff", "a senior
Qatari official", "Axios"). The rules live in ``resources/source_rules.json`` so an
analyst can read (and a team can edit) exactly how mentions are grouped:

1. The mention is normalised: Unicode NFKC, case folded, punctuation to spaces,
   leading determiners and counts dropped ("the", "three", "according to"), titles
   dropped for named people ("Special Envoy Steve Witkoff" → "steve witkoff"),
   possessives dropped ("Witkoff's" → "witkoff"), plurals of roles made singular.
2. The *kind* comes from the label (named person → named, anonymous official →
   unnamed role, document, media, organisation), else from the ``named`` facet.
3. Named people, organisations, documents and media match on kind + normalised name,
   across outlets ("Axios" is Axios wherever it is cited).
4. Unnamed sources match only on the same role + affiliation + **outlet**: the
   role is the normalised mention cut before qualifiers ("with direct knowledge…",
   "who spoke on condition…"), the affiliation the ``affiliation`` facet. "A senior
   Qatari official" in Reuters and in AP are two entries, never merged silently;
   the analyst may merge them.
5. An entry's aliases (added by rename and merge) are match keys too.
6. ``titles_anywhere``: a title inside a named mention drops it and the words before it,
   so "U.S. envoy Steve Witkoff" and "Israeli Prime Minister Benjamin Netanyahu" match
   "Steve Witkoff" and "Benjamin Netanyahu" (at least one word is always kept).
7. ``surname_only`` (:class:`SurnameRule`): a named mention that is one word after
   titles and possessives ("Witkoff", "Mr. Witkoff", "Witkoff's", "President Trump")
   joins an entry with a full name ending in that word ("Steve Witkoff") when exactly
   one such entry is found, looking in the scopes in order: the same **article** (news
   style introduces the full name, then uses the surname), then the same **outlet**,
   then the whole **corpus**. The first scope with any candidate decides: one candidate
   links, two or more ("John Smith" and "Jane Smith") link nowhere — the mention keeps
   its own surname entry and both are shown as *possibly the same source*. A surname
   key the analyst gave an entry (by merge or rename) wins over the rule. Such a link
   is contextual: the surname never becomes an alias of the full-name entry.

The key is text ("unnamed|senior qatari official|qatar|reuters"); a source's id is
derived from the key it was created with, so the same mention gets the same id in
every project file (CSV round trips and offline merges agree without coordination).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

KINDS = ("named", "unnamed", "organisation", "document", "media", "other")
KIND_NAMES = {"named": "named", "unnamed": "unnamed role", "organisation": "organisation",
              "document": "document", "media": "media", "other": "other"}


@dataclass(frozen=True)
class MatchRules:
    kind_by_label: Mapping[str, str]
    kind_when_label_unknown: Mapping[str, str]
    drop_leading: tuple[tuple[str, ...], ...]
    titles: tuple[tuple[str, ...], ...]
    possessive_suffixes: tuple[str, ...]
    drop_trailing_after: frozenset[str]
    singular: Mapping[str, str]
    max_name_chars: int = 200
    titles_anywhere: bool = False
    surname_only: SurnameRule | None = None


SURNAME_SCOPES = ("article", "outlet", "corpus")


@dataclass(frozen=True)
class SurnameRule:
    """Rule 7: where a surname-only named mention looks for its full-name entry."""

    scopes: tuple[str, ...]
    min_chars: int = 2
    """Shorter one-word mentions ("Li" is two) are still surnames; one letter is not."""


def _phrases(words: list[str]) -> tuple[tuple[str, ...], ...]:
    """Multi-word phrases as word tuples, longest first (so "prime minister" wins)."""
    out = {tuple(_plain(w).split()) for w in words if _plain(w).split()}
    return tuple(sorted(out, key=lambda p: (-len(p), p)))


def parse_rules(data: Mapping[str, object]) -> MatchRules:
    def strings(name: str) -> list[str]:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"source rules: {name!r} must be a list of strings")
        return value

    def mapping(name: str) -> dict[str, str]:
        value = data.get(name, {})
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                  for k, v in value.items()):
            raise ValueError(f"source rules: {name!r} must map strings to strings")
        bad = {v for v in value.values() if v not in KINDS} if name.startswith("kind") else ()
        if bad:
            raise ValueError(f"source rules: {name!r}: unknown kind(s) {sorted(bad)} "
                             f"(known: {', '.join(KINDS)})")
        return value

    anywhere = data.get("titles_anywhere", False)
    if not isinstance(anywhere, bool):
        raise ValueError("source rules: 'titles_anywhere' must be true or false")
    max_chars = data.get("max_name_chars", 200)
    if not isinstance(max_chars, int) or max_chars < 10:
        raise ValueError("source rules: 'max_name_chars' must be a whole number ≥ 10")
    return MatchRules(
        kind_by_label=mapping("kind_by_label"),
        kind_when_label_unknown=mapping("kind_when_label_unknown"),
        drop_leading=_phrases(strings("drop_leading")),
        titles=_phrases(strings("titles")),
        possessive_suffixes=tuple(sorted(strings("possessive_suffixes"), key=len,
                                         reverse=True)),
        drop_trailing_after=frozenset(_plain(w) for w in strings("drop_trailing_after")),
        singular={_plain(k): _plain(v) for k, v in mapping("singular").items()},
        max_name_chars=max_chars,
        titles_anywhere=anywhere,
        surname_only=_surname_rule(data.get("surname_only")),
    )


def _surname_rule(value: object) -> SurnameRule | None:
    if value is None or value is False:
        return None
    if not isinstance(value, dict):
        raise ValueError("source rules: 'surname_only' must be an object "
                         '({"scopes": ["article", "outlet", "corpus"]}) or false')
    scopes = value.get("scopes", list(SURNAME_SCOPES))
    if not isinstance(scopes, list) or not scopes or any(
            s not in SURNAME_SCOPES for s in scopes) or len(set(scopes)) != len(scopes):
        raise ValueError(f"source rules: 'surname_only.scopes' must list some of "
                         f"{', '.join(SURNAME_SCOPES)} (each once), found {scopes!r:.60}")
    if value.get("enabled", True) is False:
        return None
    min_chars = value.get("min_chars", 2)
    if not isinstance(min_chars, int) or min_chars < 1:
        raise ValueError("source rules: 'surname_only.min_chars' must be a whole number ≥ 1")
    return SurnameRule(tuple(scopes), min_chars)


def load_rules(path: Path) -> MatchRules:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read source rules ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: source rules must be a JSON object")
    return parse_rules(data)


_PUNCT = re.compile(r"[^\w\s'’-]+|_")
_SPACE = re.compile(r"\s+")


def _plain(text: str) -> str:
    """NFKC, case-folded, punctuation (except apostrophes inside words) to spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = _PUNCT.sub(" ", folded).replace("-", " ")
    return _SPACE.sub(" ", folded).strip()


def _drop_prefixes(words: list[str], phrases: tuple[tuple[str, ...], ...]) -> list[str]:
    """Drop leading phrases (longest first) while at least one word would remain."""
    by_first = _by_first_word(phrases)
    while len(words) > 1:
        for phrase in by_first.get(words[0], ()):
            n = len(phrase)
            if len(words) > n and tuple(words[:n]) == phrase:
                words = words[n:]
                break
        else:
            return words
    return words


_FIRST_WORD_CACHE: dict[int, dict[str, list[tuple[str, ...]]]] = {}


def _by_first_word(phrases: tuple[tuple[str, ...], ...]) -> dict[str, list[tuple[str, ...]]]:
    table = _FIRST_WORD_CACHE.get(id(phrases))
    if table is None:
        table = {}
        for phrase in phrases:  # already longest first
            table.setdefault(phrase[0], []).append(phrase)
        _FIRST_WORD_CACHE[id(phrases)] = table
    return table


def _drop_through_title(words: list[str], phrases: tuple[tuple[str, ...], ...]
                        ) -> list[str]:
    """Drop everything up to the last title inside the name, keeping ≥ 1 word after it
    ("u s envoy steve witkoff" → "steve witkoff")."""
    by_first = _by_first_word(phrases)
    cut = 0
    for i in range(1, len(words) - 1):
        for phrase in by_first.get(words[i], ()):
            n = len(phrase)
            if i + n < len(words) and tuple(words[i:i + n]) == phrase:
                cut = max(cut, i + n)
                break
    return words[cut:] if cut else words


def _strip_possessive(word: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)]
    return word


def normalise_name(mention: str, rules: MatchRules, *, kind: str) -> str:
    """The comparable form of a mention (see the module docstring, rule 1)."""
    words = [_strip_possessive(w, rules.possessive_suffixes) for w in _plain(mention).split()]
    words = [w.strip("'’") for w in words]
    words = [w for w in words if w]
    words = _drop_prefixes(words, rules.drop_leading)
    if kind == "named":
        words = _drop_prefixes(words, rules.titles)
        if rules.titles_anywhere:
            words = _drop_through_title(words, rules.titles)
    if kind == "unnamed":
        for i, w in enumerate(words):
            if i > 0 and w in rules.drop_trailing_after:
                words = words[:i]
                break
        words = [rules.singular.get(w, w) for w in words]
    return " ".join(words)[: rules.max_name_chars]


def source_kind(label: str, named_facet: str, rules: MatchRules) -> str:
    kind = rules.kind_by_label.get(label)
    if kind:
        return kind
    return rules.kind_when_label_unknown.get(named_facet, rules.kind_when_label_unknown.get(
        "", "other"))


@dataclass(frozen=True)
class SourceMatch:
    """Where a mention goes: its match key, the entry's kind and display name."""

    key: str
    kind: str
    name: str
    outlet: str
    """Only for unnamed sources (the outlet is part of their identity)."""

    @property
    def source_id(self) -> str:
        return source_id_for(self.key)


def source_id_for(key: str) -> str:
    """Stable id of the entry created for ``key`` (64 bits of SHA-256)."""
    return "src_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def match_key(*, mention: str, label: str, named_facet: str = "", affiliation: str = "",
              outlet: str = "", rules: MatchRules) -> SourceMatch | None:
    """The match for a mention, or None when it has nothing to match on."""
    kind = source_kind(label, named_facet, rules)
    name = normalise_name(mention, rules, kind=kind)
    if not name:
        return None
    display = _SPACE.sub(" ", mention.strip())[: rules.max_name_chars]
    if kind == "unnamed":
        aff = _plain(affiliation)
        out = _plain(outlet)
        return SourceMatch(f"unnamed|{name}|{aff}|{out}", kind, display, outlet.strip())
    return SourceMatch(f"{kind}|{name}", kind, display, "")


def alias_key(kind: str, name: str, outlet: str, affiliation: str, rules: MatchRules) -> str:
    """The key a renamed entry is also found by (rule 5)."""
    norm = normalise_name(name, rules, kind=kind)
    if kind == "unnamed":
        return f"unnamed|{norm}|{_plain(affiliation)}|{_plain(outlet)}"
    return f"{kind}|{norm}"


def describe_key(key: str) -> str:
    """A match key for people: 'unnamed role "senior qatari official", affiliation …'."""
    parts = key.split("|")
    if parts[0] == "unnamed" and len(parts) == 4:
        return (f'unnamed role "{parts[1]}", affiliation "{parts[2] or "—"}", '
                f'outlet "{parts[3] or "—"}"')
    return f'{KIND_NAMES.get(parts[0], parts[0])} "{"|".join(parts[1:])}"'


def surname_of_key(key: str) -> str | None:
    """The last word of a named key with a full name ("named|steve witkoff" → "witkoff");
    None for other kinds and one-word names (what rule 7 looks candidates up by)."""
    kind, _, name = key.partition("|")
    if kind != "named":
        return None
    words = name.split()
    return words[-1] if len(words) > 1 else None


def surname_only(match: SourceMatch, rules: MatchRules) -> str | None:
    """The surname when rule 7 applies to this match (a one-word named mention)."""
    rule = rules.surname_only
    if rule is None or match.kind != "named":
        return None
    name = match.key.partition("|")[2]
    if " " in name or len(name) < rule.min_chars:
        return None
    return name


def rekey(key: str, rules: MatchRules) -> str:
    """``key`` re-normalised under ``rules`` (after the rules changed): the name part goes
    through :func:`normalise_name` again; affiliation and outlet stay. Normalising is
    idempotent, so a key the rules did not change comes back as it was."""
    kind, _, rest = key.partition("|")
    if kind == "unnamed":
        parts = rest.split("|")
        if len(parts) != 3:
            return key
        role = normalise_name(parts[0], rules, kind="unnamed")
        return f"unnamed|{role}|{parts[1]}|{parts[2]}" if role else key
    name = normalise_name(rest, rules, kind=kind)
    return f"{kind}|{name}" if name else key
