"""Structured source facets: the optional, analyst-confirmed details of one attribution.

A label says *what kind* of source a claim rests on (``anonymous_official``,
``document`` ...). Facets record the details that decide how checkable that sourcing
is: how many sources, how they know, why they are anonymous, how the outlet framed
them. They are what the attribution-strength rubric (:mod:`annotator.domain.rubric`)
scores and what the mention parser (:mod:`annotator.domain.mention_parser`) prefills.

Every facet is optional: ``None`` (or ``()`` for ``corroborated_by``) means "not
recorded", which is different from an explicit value such as ``"unstated"`` or
``"none"``. The enum *values* are the documented vocabulary words; they are what is
stored and what appears in CSV export, so renaming a member's Python name is safe
but changing its value is a data migration.

Validation is strict on types (JSON types, no ``"3"`` for 3, no ``1`` for ``True``)
because the same dictionaries travel through storage, CSV and the UI, and a silent
coercion in one of them would make two annotations that look identical compare
unequal. The empty string is accepted as "not recorded" for every text-valued facet
because that is what an empty combo box or spreadsheet cell yields.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any, Final, Literal, TypeAlias


class Named(StrEnum):
    """Whether the reader is told who the source is."""

    NAMED = "named"
    """Identified by personal or organisational name ("Witkoff", "Axios")."""
    IDENTIFIABLE_BY_TITLE = "identifiable_by_title"
    """Not named, but the title fits one person ("the Egyptian intelligence chief")."""
    UNNAMED = "unnamed"
    """Anonymous: the reader cannot tell who it is ("a senior Qatari official")."""


SEVERAL: Final = "several"
"""``source_count`` word for a plural with no number ("sources"): at least two, exact
count unknown. Kept apart from integers because "sources" does not promise that the
outlet had two independent sources, only that it used a plural."""
UNKNOWN: Final = "unknown"
"""``source_count`` word for "we cannot tell how many" (e.g. an ambiguous "they")."""

SourceCountWord: TypeAlias = Literal["several", "unknown"]
SourceCount: TypeAlias = int | SourceCountWord
SOURCE_COUNT_WORDS: Final[tuple[SourceCountWord, ...]] = (SEVERAL, UNKNOWN)


class IdentitySpecificity(StrEnum):
    """How precisely the source is described, most to least specific.

    The scale follows the wire-service rule of thumb that an anonymous source should be
    described "as precisely as possible": role *and* institution beats either alone,
    which beats a bare "sources".
    """

    NAME = "name"
    """Identified by name."""
    UNIQUE_TITLE = "unique_title"
    """A title only one person holds ("the Egyptian intelligence chief")."""
    TITLE_AND_AFFILIATION = "title_and_affiliation"
    """A role or rank plus the institution or country served ("a senior Qatari official",
    "a Hamas negotiator")."""
    ROLE_OR_AFFILIATION = "role_or_affiliation"
    """Only one of the two ("a senior official", "a person close to Hamas")."""
    GENERIC = "generic"
    """Neither ("sources", "two people familiar with the matter")."""


class AffiliationType(StrEnum):
    """The kind of institution the source speaks from."""

    GOVERNMENT = "government"
    MILITARY = "military"
    COMPANY = "company"
    NGO = "ngo"
    ACADEMIC = "academic"
    MEDIA = "media"
    POLITICAL_GROUP = "political_group"
    INDIVIDUAL = "individual"
    """Speaking for themselves: a witness, a resident, a private person."""


class KnowledgeBasis(StrEnum):
    """How the source is said to know what they say (as stated in the article)."""

    DIRECT = "direct"
    """Participated or witnessed ("with direct knowledge", "who attended")."""
    BRIEFED = "briefed"
    """Was told by participants ("briefed on the talks")."""
    PROXIMATE = "proximate"
    """Vaguely near the matter ("familiar with", "close to")."""
    DOCUMENT_SEEN = "document_seen"
    """Has seen a document ("who has seen the draft")."""
    UNSTATED = "unstated"
    """The article does not say."""


class AnonymityReason(StrEnum):
    """Why an unnamed source was granted anonymity, as the article explains it."""

    NONE = "none"
    """No reason given."""
    GENERIC = "generic"
    """Boilerplate ("not authorized to speak publicly")."""
    SPECIFIC = "specific"
    """A reason tied to this story ("fearing reprisals from the militia")."""


class QuoteType(StrEnum):
    DIRECT = "direct"
    """Full quotation in quotation marks."""
    PARTIAL = "partial"
    """A few quoted words inside a paraphrase (a "liability")."""
    INDIRECT = "indirect"
    """Paraphrase only."""
    NONE = "none"
    """Nothing was said: a document, a record, an observation."""


class Channel(StrEnum):
    """How the material reached the outlet."""

    TOLD_THIS_OUTLET = "told_this_outlet"
    STATEMENT = "statement"
    SPEECH_OR_PRESS_CONFERENCE = "speech_or_press_conference"
    INTERVIEW_WITH_OTHER_OUTLET = "interview_with_other_outlet"
    SOCIAL_MEDIA = "social_media"
    DOCUMENT = "document"


class CueStance(StrEnum):
    """What the attribution verb signals about the outlet's own view."""

    NEUTRAL = "neutral"
    """"said", "told", "according to"."""
    DISTANCING = "distancing"
    """"claimed", "alleged", "insisted": the outlet keeps its distance."""
    ENDORSING = "endorsing"
    """"confirmed", "acknowledged": the verb presents the content as true."""


class ClaimType(StrEnum):
    FACT = "fact"
    OPINION = "opinion"
    PREDICTION = "prediction"
    ALLEGATION = "allegation"


class Polarity(StrEnum):
    AFFIRMED = "affirmed"
    DENIED = "denied"


class AdmiraltyReliability(StrEnum):
    """NATO/Admiralty source reliability grade (the analyst's judgement of the source)."""

    A = "A"
    """Completely reliable."""
    B = "B"
    """Usually reliable."""
    C = "C"
    """Fairly reliable."""
    D = "D"
    """Not usually reliable."""
    E = "E"
    """Unreliable."""
    F = "F"
    """Reliability cannot be judged."""


class AdmiraltyCredibility(IntEnum):
    """NATO/Admiralty information credibility grade (judgement of the information)."""

    CONFIRMED = 1
    PROBABLY_TRUE = 2
    POSSIBLY_TRUE = 3
    DOUBTFUL = 4
    IMPROBABLE = 5
    CANNOT_BE_JUDGED = 6


FacetValue: TypeAlias = str | int | bool | tuple[str, ...]
"""Any normalised facet value (enum members are ``str``/``int`` subclasses)."""

FACET_NAMES: Final[tuple[str, ...]] = (
    "named",
    "source_count",
    "identity_specificity",
    "affiliation",
    "affiliation_type",
    "country",
    "knowledge_basis",
    "anonymity_reason",
    "quote_type",
    "channel",
    "cue_stance",
    "hedge",
    "claim_type",
    "polarity",
    "nested_in",
    "corroborated_by",
    "admiralty_reliability",
    "admiralty_credibility",
)
"""Canonical facet order (also the CSV column order)."""

ENUM_FACETS: Final[Mapping[str, type[StrEnum] | type[IntEnum]]] = {
    "named": Named,
    "identity_specificity": IdentitySpecificity,
    "affiliation_type": AffiliationType,
    "knowledge_basis": KnowledgeBasis,
    "anonymity_reason": AnonymityReason,
    "quote_type": QuoteType,
    "channel": Channel,
    "cue_stance": CueStance,
    "claim_type": ClaimType,
    "polarity": Polarity,
    "admiralty_reliability": AdmiraltyReliability,
    "admiralty_credibility": AdmiraltyCredibility,
}
"""Facets whose value comes from a closed vocabulary."""

FREE_TEXT_FACETS: Final = frozenset({"affiliation", "country"})


def vocabulary(facet: str) -> tuple[str | int, ...]:
    """The allowed values of a closed-vocabulary facet, in documented order.

    ``source_count`` answers its two words; integers >= 1 are also allowed.
    """
    if facet == "source_count":
        return SOURCE_COUNT_WORDS
    enum = ENUM_FACETS.get(facet)
    if enum is None:
        raise ValueError(f"facet {facet!r} has no closed vocabulary")
    return tuple(member.value for member in enum)


def unknown_facet_error(name: object) -> ValueError:
    """The one wording for a misspelt facet name, listing the real ones."""
    return ValueError(f"unknown facet {name!r} (known facets: {', '.join(FACET_NAMES)})")


def _allowed(facet: str) -> str:
    return ", ".join(str(v) for v in vocabulary(facet))


def _coerce_enum(facet: str, value: object) -> StrEnum | IntEnum | None:
    enum = ENUM_FACETS[facet]
    if value is None or value == "":
        return None
    # Text vocabularies take text, grades take whole numbers; bool is an int in
    # Python but never a grade, so it is rejected explicitly.
    try:
        if issubclass(enum, IntEnum):
            if isinstance(value, int) and not isinstance(value, bool):
                return enum(value)
        elif isinstance(value, str):
            return enum(value)
    except ValueError:
        pass
    raise ValueError(f"facet {facet!r}: {value!r} is not one of {_allowed(facet)}")


def _coerce_source_count(value: object) -> SourceCount | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"facet 'source_count': {value!r} is not a whole number")
    if isinstance(value, int):
        if value < 1:
            raise ValueError(f"facet 'source_count': {value!r} must be at least 1")
        return int(value)
    if value == SEVERAL:
        return SEVERAL
    if value == UNKNOWN:
        return UNKNOWN
    raise ValueError(
        f"facet 'source_count': {value!r} is not a whole number >= 1, "
        f"{SEVERAL!r} or {UNKNOWN!r}"
    )


def _coerce_text(facet: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"facet {facet!r}: {value!r} is not text")
    return value.strip() or None


def _coerce_ids(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValueError(f"facet 'corroborated_by': {value!r} is not a list of annotation ids")
    ids: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"facet 'corroborated_by': {item!r} is not an annotation id")
        if item.strip() in ids:
            raise ValueError(f"facet 'corroborated_by': {item!r} is listed twice")
        ids.append(item.strip())
    return tuple(ids)


def coerce_facet_value(facet: str, value: object) -> FacetValue | None:
    """Validate one facet value and return its normal form (``None`` = not recorded).

    Raises ``ValueError`` naming the facet and the bad value. Shared by
    :class:`Facets` and the rubric loader so both accept exactly the same words.
    """
    if facet in ENUM_FACETS:
        return _coerce_enum(facet, value)
    if facet == "source_count":
        return _coerce_source_count(value)
    if facet in FREE_TEXT_FACETS:
        return _coerce_text(facet, value)
    if facet == "hedge":
        if value is None or isinstance(value, bool):
            return value
        raise ValueError(f"facet 'hedge': {value!r} is not true or false")
    if facet == "nested_in":
        if value is None or value == "":
            return None
        if isinstance(value, str) and value.strip():
            return value.strip()
        raise ValueError(f"facet 'nested_in': {value!r} is not an annotation id")
    if facet == "corroborated_by":
        return _coerce_ids(value)
    raise unknown_facet_error(facet)


@dataclass(frozen=True)
class Facets:
    """The facets of one annotation; every field optional, validated on construction.

    Construct directly with enum members, or from stored/JSON data with
    :meth:`from_dict`. Instances are immutable; use :meth:`replace` to change one.
    """

    named: Named | None = None
    source_count: SourceCount | None = None
    identity_specificity: IdentitySpecificity | None = None
    affiliation: str | None = None
    affiliation_type: AffiliationType | None = None
    country: str | None = None
    knowledge_basis: KnowledgeBasis | None = None
    anonymity_reason: AnonymityReason | None = None
    quote_type: QuoteType | None = None
    channel: Channel | None = None
    cue_stance: CueStance | None = None
    hedge: bool | None = None
    claim_type: ClaimType | None = None
    polarity: Polarity | None = None
    nested_in: str | None = None
    corroborated_by: tuple[str, ...] = ()
    admiralty_reliability: AdmiraltyReliability | None = None
    admiralty_credibility: AdmiraltyCredibility | None = None

    def __post_init__(self) -> None:
        # Normalise in place so plain vocabulary words given at runtime (e.g. from the
        # UI) become enum members and every instance compares and hashes canonically.
        for name in FACET_NAMES:
            object.__setattr__(self, name, coerce_facet_value(name, getattr(self, name)))

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Facets:
        """Build from ``{facet: vocabulary word}``; unknown facets or values raise ValueError."""
        if not isinstance(data, Mapping):
            raise ValueError(f"facets must be an object mapping facet names to values, "
                             f"not {type(data).__name__}")
        kwargs: dict[str, Any] = {}
        for name, value in data.items():
            if name not in FACET_NAMES:
                raise unknown_facet_error(name)
            kwargs[name] = coerce_facet_value(name, value)
        return cls(**kwargs)

    def to_dict(self, *, include_unset: bool = False) -> dict[str, Any]:
        """JSON-ready ``{facet: vocabulary word}``; unset facets omitted unless asked for.

        Enum members become their plain ``str``/``int`` value and ``corroborated_by``
        a list, so the result survives ``json.dumps`` and compares equal after a
        round trip through :meth:`from_dict`.
        """
        out: dict[str, Any] = {}
        for name in FACET_NAMES:
            value = getattr(self, name)
            if not is_set(value) and not include_unset:
                continue
            if isinstance(value, tuple):
                out[name] = list(value)
            elif isinstance(value, StrEnum):
                out[name] = str(value.value)
            elif isinstance(value, IntEnum):
                out[name] = int(value.value)
            else:
                out[name] = value
        return out

    def to_export_row(self) -> dict[str, str]:
        """One text cell per facet for CSV export: vocabulary words, ``""`` when unset.

        Booleans are ``true``/``false`` and ``corroborated_by`` ids are joined with
        ``;`` (annotation ids are UUIDs, which never contain one).
        """
        row: dict[str, str] = {}
        for name, value in self.to_dict(include_unset=True).items():
            if value is None:
                row[name] = ""
            elif isinstance(value, bool):
                row[name] = "true" if value else "false"
            elif isinstance(value, list):
                row[name] = ";".join(value)
            else:
                row[name] = str(value)
        return row

    def replace(self, **changes: Any) -> Facets:
        """A copy with some facets changed (validated like the constructor)."""
        unknown = sorted(set(changes) - set(FACET_NAMES))
        if unknown:
            raise unknown_facet_error(unknown[0])
        return dataclasses.replace(self, **changes)

    def is_set(self, facet: str) -> bool:
        """Whether ``facet`` has been recorded."""
        if facet not in FACET_NAMES:
            raise unknown_facet_error(facet)
        return is_set(getattr(self, facet))

    @property
    def is_empty(self) -> bool:
        return not any(is_set(getattr(self, name)) for name in FACET_NAMES)


def is_set(value: object) -> bool:
    """``None`` and ``()`` mean "not recorded"; ``False`` and ``"unknown"`` are recorded."""
    return value is not None and value != ()


EMPTY_FACETS: Final = Facets()
"""The default for an annotation nobody has described yet."""
