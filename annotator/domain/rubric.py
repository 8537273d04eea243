"""Attribution strength: how checkable an annotation's sourcing is, scored 0-100.

The score measures whether a reader (or an analyst) could trace and check where a
claim comes from, *not* whether the claim is true. It is deliberately a transparent
sum: a base score for the source type (the label) plus or minus small modifiers for
facets, clamped to 0-100 and then cut into bands. Every step is returned as a reason
with its delta, so a score can always be explained and disputed line by line.

The numbers live in a data file (``resources/rubric.json``, documented in
``docs/rubric.md``) rather than in code because they are editorial judgements that
a newsroom or research team will want to tune without a release. The loader is
therefore strict: a misspelt facet or value, an impossible threshold or an unknown
key is an error with a message naming the place, never a silently ignored rule.

File format (version 1)::

    {
      "version": 1,
      "default_base": {"score": 30, "reason": "..."},
      "base": {"<label key>": {"score": 0-100, "reason": "..."} | 0-100, ...},
      "rules": [
        {"id": "hedged", "delta": -10, "reason": "...",
         "when": {"<facet>": <condition>, ...},          # all must hold
         "labels": ["<label key>", ...],                  # optional: only these
         "except_labels": ["<label key>", ...],           # optional: not these
         "description": "..."}                            # optional, for editors
      ],
      "bands": [{"name": "strong", "min": 70, "description": "..."}, ...]
    }

A condition is a vocabulary value (``"direct"``, ``true``, ``3``), a list of values
(any of them), or an object with ``at_least`` / ``at_most`` (whole numbers; only for
``source_count``, ``admiralty_credibility`` and ``corroborated_by``, whose length is
compared) and/or ``present`` (``true``: the facet was recorded). ``"several"`` and
``"unknown"`` never satisfy ``at_least``/``at_most``: a bare plural is not a count.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Final

from annotator.domain.errors import UserInputError
from annotator.domain.facets import (
    FACET_NAMES,
    Facets,
    FacetValue,
    coerce_facet_value,
    is_set,
)

SCORE_MIN: Final = 0
SCORE_MAX: Final = 100
RUBRIC_VERSION: Final = 1

NUMERIC_FACETS: Final = frozenset({"source_count", "admiralty_credibility", "corroborated_by"})
"""Facets that ``at_least`` / ``at_most`` can compare."""
IDENTIFIER_FACETS: Final = frozenset({"nested_in", "corroborated_by"})
"""Facets holding annotation ids, which only ``present`` / counts make sense for."""

_TOP_KEYS: Final = frozenset({"version", "description", "default_base", "base", "rules",
                              "bands"})
_RULE_KEYS: Final = frozenset({"id", "delta", "reason", "when", "labels", "except_labels",
                               "description"})
_BAND_KEYS: Final = frozenset({"name", "min", "description"})
_BASE_KEYS: Final = frozenset({"score", "reason"})
_CONDITION_KEYS: Final = frozenset({"at_least", "at_most", "present"})


class RubricError(UserInputError):
    """The rubric file is unreadable or invalid; the message says where and why."""


@dataclass(frozen=True)
class BaseScore:
    score: int
    reason: str


@dataclass(frozen=True)
class Condition:
    """One facet test. All given parts must hold; an unrecorded facet fails every test
    except ``present: false``."""

    facet: str
    any_of: tuple[FacetValue, ...] | None = None
    at_least: int | None = None
    at_most: int | None = None
    present: bool | None = None

    def matches(self, facets: Facets) -> bool:
        value = getattr(facets, self.facet)
        if self.present is not None and is_set(value) != self.present:
            return False
        if not is_set(value):
            return self.any_of is None and self.at_least is None and self.at_most is None
        if self.any_of is not None and value not in self.any_of:
            return False
        if self.at_least is not None or self.at_most is not None:
            number = len(value) if isinstance(value, tuple) else value
            if not isinstance(number, int) or isinstance(number, bool):
                return False  # "several" / "unknown" are not counts
            if self.at_least is not None and number < self.at_least:
                return False
            if self.at_most is not None and number > self.at_most:
                return False
        return True


@dataclass(frozen=True)
class Rule:
    id: str
    delta: int
    reason: str
    when: tuple[Condition, ...]
    labels: frozenset[str] | None = None
    except_labels: frozenset[str] = frozenset()
    description: str = ""

    def applies(self, label_key: str, facets: Facets) -> bool:
        if self.labels is not None and label_key not in self.labels:
            return False
        if label_key in self.except_labels:
            return False
        return all(c.matches(facets) for c in self.when)


@dataclass(frozen=True)
class Band:
    name: str
    min_score: int
    description: str = ""


@dataclass(frozen=True)
class Rubric:
    version: int
    base: Mapping[str, BaseScore]
    default_base: BaseScore
    rules: tuple[Rule, ...]
    bands: tuple[Band, ...]  # highest threshold first; the last starts at 0
    description: str = ""

    def base_for(self, label_key: str) -> tuple[BaseScore, bool]:
        """The base score for a label and whether it came from ``default_base``."""
        found = self.base.get(label_key)
        return (found, False) if found is not None else (self.default_base, True)

    def band_for(self, value: int) -> Band:
        for band in self.bands:
            if value >= band.min_score:
                return band
        return self.bands[-1]  # unreachable for 0-100: validation ends bands at 0


@dataclass(frozen=True)
class Score:
    """A score with its explanation: ``value == sum(delta for _, delta in reasons)``."""

    value: int
    band: str
    reasons: list[tuple[str, int]]


def score(label_key: str, facets: Facets, rubric: Rubric) -> Score:
    """Score one annotation's attribution strength under ``rubric``.

    Base for the label (or the documented default for labels the rubric does not
    know, e.g. custom labels added later), plus every matching rule in file order,
    clamped to 0-100. The clamp, if it bites, is itself listed as a reason so the
    reasons always add up to the value.
    """
    base, fallback = rubric.base_for(label_key)
    reason = base.reason
    if fallback:
        reason = f"{reason} (no base score for label {label_key!r})"
    reasons: list[tuple[str, int]] = [(reason, base.score)]
    total = base.score
    for rule in rubric.rules:
        if rule.applies(label_key, facets):
            reasons.append((rule.reason, rule.delta))
            total += rule.delta
    clamped = min(SCORE_MAX, max(SCORE_MIN, total))
    if clamped != total:
        reasons.append((f"clamped to the {SCORE_MIN}-{SCORE_MAX} scale", clamped - total))
    return Score(value=clamped, band=rubric.band_for(clamped).name, reasons=reasons)


# --------------------------------------------------------------------------------------
# Loading and validation
# --------------------------------------------------------------------------------------


def _whole(value: object, where: str, *, low: int | None = None,
           high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RubricError(f"{where} must be a whole number, not {value!r}")
    if low is not None and value < low or high is not None and value > high:
        raise RubricError(f"{where} must be between {low} and {high}, not {value}")
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RubricError(f"{where} must be non-empty text, not {value!r}")
    return value.strip()


def _check_keys(obj: Mapping[str, object], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise RubricError(
            f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})"
        )


def _object(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise RubricError(f"{where} must be an object")
    return value


def _base_score(value: object, where: str, shorthand_reason: str) -> BaseScore:
    """``{"score": n, "reason": "..."}``, or a bare number with a generated reason."""
    if isinstance(value, int) and not isinstance(value, bool):
        return BaseScore(_whole(value, where, low=SCORE_MIN, high=SCORE_MAX),
                         shorthand_reason)
    obj = _object(value, where)
    _check_keys(obj, _BASE_KEYS, where)
    return BaseScore(
        score=_whole(obj.get("score"), f"{where}: score", low=SCORE_MIN, high=SCORE_MAX),
        reason=_text(obj.get("reason"), f"{where}: reason"),
    )


def _label_set(value: object, where: str, known: frozenset[str] | None) -> frozenset[str]:
    if not isinstance(value, list) or not value:
        raise RubricError(f"{where} must be a non-empty list of label keys")
    keys = frozenset(_text(k, where) for k in value)
    if known is not None:
        unknown = sorted(keys - known)
        if unknown:
            raise RubricError(f"{where}: unknown label {unknown[0]!r}")
    return keys


def _condition(facet: object, spec: object, where: str) -> Condition:
    if not isinstance(facet, str) or facet not in FACET_NAMES:
        raise RubricError(
            f"{where}: unknown facet {facet!r} (known facets: {', '.join(FACET_NAMES)})"
        )
    where = f"{where}: facet {facet!r}"
    if isinstance(spec, dict):
        _check_keys(spec, _CONDITION_KEYS, where)
        if not spec:
            raise RubricError(f"{where}: empty condition")
        bounds: dict[str, int] = {}
        for key in ("at_least", "at_most"):
            if key in spec:
                if facet not in NUMERIC_FACETS:
                    raise RubricError(
                        f"{where}: {key!r} only applies to "
                        f"{', '.join(sorted(NUMERIC_FACETS))}"
                    )
                bounds[key] = _whole(spec[key], f"{where}: {key}", low=0)
        present = spec.get("present")
        if present is not None and not isinstance(present, bool):
            raise RubricError(f"{where}: 'present' must be true or false, not {present!r}")
        return Condition(facet, at_least=bounds.get("at_least"),
                         at_most=bounds.get("at_most"), present=present)
    if facet in IDENTIFIER_FACETS:
        raise RubricError(
            f"{where}: annotation ids cannot be matched by value; use "
            f"{{\"present\": true}} or a count"
        )
    values = spec if isinstance(spec, list) else [spec]
    if not values:
        raise RubricError(f"{where}: empty list of values")
    normalised: list[FacetValue] = []
    for value in values:
        if value is None or value == "":
            raise RubricError(f"{where}: empty value; use {{\"present\": false}} for "
                              "'not recorded'")
        try:
            coerced = coerce_facet_value(facet, value)
        except ValueError as exc:
            raise RubricError(f"{where}: {exc}") from None
        if coerced is None:
            raise RubricError(f"{where}: empty value {value!r}")
        normalised.append(coerced)
    return Condition(facet, any_of=tuple(normalised))


def _rule(item: object, n: int, known: frozenset[str] | None) -> Rule:
    where = f"rule #{n}"
    obj = _object(item, where)
    rule_id = obj.get("id")
    if isinstance(rule_id, str) and rule_id.strip():
        where = f"rule {rule_id.strip()!r}"
    _check_keys(obj, _RULE_KEYS, where)
    rule_id = _text(rule_id, f"{where}: id")
    when = _object(obj.get("when"), f"{where}: when")
    if not when:
        raise RubricError(f"{where}: 'when' needs at least one facet condition")
    labels = obj.get("labels")
    return Rule(
        id=rule_id,
        delta=_whole(obj.get("delta"), f"{where}: delta", low=-SCORE_MAX, high=SCORE_MAX),
        reason=_text(obj.get("reason"), f"{where}: reason"),
        when=tuple(_condition(f, spec, f"{where}: when") for f, spec in when.items()),
        labels=None if labels is None else _label_set(labels, f"{where}: labels", known),
        except_labels=(
            frozenset() if obj.get("except_labels") is None
            else _label_set(obj["except_labels"], f"{where}: except_labels", known)
        ),
        description=str(obj.get("description", "")),
    )


def _bands(value: object) -> tuple[Band, ...]:
    if not isinstance(value, list) or not value:
        raise RubricError("bands must be a non-empty list, highest threshold first")
    bands: list[Band] = []
    for n, item in enumerate(value, start=1):
        obj = _object(item, f"band #{n}")
        _check_keys(obj, _BAND_KEYS, f"band #{n}")
        name = _text(obj.get("name"), f"band #{n}: name")
        where = f"band {name!r}"
        minimum = _whole(obj.get("min"), f"{where}: min", low=SCORE_MIN, high=SCORE_MAX)
        if any(b.name == name for b in bands):
            raise RubricError(f"{where} appears twice")
        if bands and minimum >= bands[-1].min_score:
            raise RubricError(
                f"{where}: min {minimum} must be below the previous band's "
                f"({bands[-1].name!r}, {bands[-1].min_score}); list bands from the "
                "highest threshold down"
            )
        bands.append(Band(name, minimum, str(obj.get("description", ""))))
    if bands[-1].min_score != SCORE_MIN:
        raise RubricError(
            f"band {bands[-1].name!r}: the lowest band must start at {SCORE_MIN} so that "
            "every score falls in a band"
        )
    return tuple(bands)


def parse_rubric(data: object, *, origin: str = "rubric",
                 known_labels: Iterable[str] | None = None) -> Rubric:
    """Validate a rubric document (see the module docstring for the format).

    With ``known_labels`` (the taxonomy's keys), base scores and rule label lists
    naming any other label are rejected, which catches typos; without it any label
    key is accepted so a rubric can be checked on its own.
    """
    known = frozenset(known_labels) if known_labels is not None else None
    try:
        obj = _object(data, "the rubric")
        _check_keys(obj, _TOP_KEYS, "the rubric")
        version = obj.get("version")
        if version != RUBRIC_VERSION or isinstance(version, bool):
            raise RubricError(f"version must be {RUBRIC_VERSION}, not {version!r}")
        base_obj = _object(obj.get("base"), "base")
        base: dict[str, BaseScore] = {}
        for key, value in base_obj.items():
            if known is not None and key not in known:
                raise RubricError(f"base: unknown label {key!r}")
            base[key] = _base_score(value, f"base score for {key!r}", f"source type {key}")
        default_base = _base_score(obj.get("default_base"), "default_base",
                                   "source type without a base score of its own")
        raw_rules = obj.get("rules", [])
        if not isinstance(raw_rules, list):
            raise RubricError("rules must be a list")
        rules = tuple(_rule(item, n, known) for n, item in enumerate(raw_rules, start=1))
        seen: set[str] = set()
        for rule in rules:
            if rule.id in seen:
                raise RubricError(f"rule {rule.id!r} appears twice")
            seen.add(rule.id)
        bands = _bands(obj.get("bands"))
    except RubricError as exc:
        raise RubricError(f"{origin}: {exc}") from None
    return Rubric(
        version=RUBRIC_VERSION,
        base=MappingProxyType(base),
        default_base=default_base,
        rules=rules,
        bands=bands,
        description=str(obj.get("description", "")),
    )


def load_rubric(path: Path, *, known_labels: Iterable[str] | None = None) -> Rubric:
    """Read and validate a rubric file (e.g. ``resources/rubric.json``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RubricError(f"{path}: cannot read rubric ({exc})") from None
    return parse_rubric(data, origin=str(path), known_labels=known_labels)
