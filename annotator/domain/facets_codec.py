"""Facets <-> the canonical JSON stored on an annotation.

Annotations carry their facets as a JSON string so that loading 50k of them costs no
parsing; decoding happens only when something looks at them, and is cached because
most annotations share a handful of distinct facet sets (often ``{}``).
"""

from __future__ import annotations

import json
from functools import lru_cache

from annotator.domain.facets import EMPTY_FACETS, Facets

EMPTY_JSON = "{}"


def encode_facets(facets: Facets) -> str:
    """Canonical JSON: facet order fixed, no whitespace, Unicode kept as is."""
    data = facets.to_dict()
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) if data else EMPTY_JSON


@lru_cache(maxsize=4096)
def decode_facets(text: str) -> Facets:
    """Parse stored facets; raises ValueError naming the problem if invalid."""
    if not text or text == EMPTY_JSON:
        return EMPTY_FACETS
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"facets are not valid JSON ({exc.msg} at {exc.pos})") from None
    return Facets.from_dict(data)


def canonical_facets_json(text: str) -> str:
    """Validate and normalise a facets JSON string."""
    return encode_facets(decode_facets(text))
