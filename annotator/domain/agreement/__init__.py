"""Inter-annotator agreement: span matching, compare-mode diffs, chance-corrected label agreement.

Several analysts tag the same articles, and the project needs to know how far their
tagging can be trusted before anyone draws conclusions from it. Two different questions
are answered here, because they fail in different ways:

* **Did they mark the same stretches of text?** (span matching: precision, recall and F1 of
  one annotator against a reference, with exact and overlapping boundaries, with and
  without requiring the label to agree; and the compare-mode classification the UI shows).
* **Given the same stretch, did they give it the same label?** (Cohen's kappa, Fleiss'
  kappa and Krippendorff's alpha, nominal, on exact-span units). Raw percent agreement
  flatters a skewed taxonomy, so chance-corrected coefficients are reported.

Conventions
-----------
* Offsets are code points, end-exclusive, as in :mod:`annotator.domain.model`. Two spans
  *overlap* when they share at least one code point (``max(starts) < min(ends)``); spans
  that merely touch do not. Empty or inverted spans (``end <= start``) are rejected with
  ``ValueError``: the model never produces them and "overlap" is meaningless for them.
* Any object with ``start``, ``end`` and ``label`` attributes is accepted
  (:class:`SpanLike`), so :class:`~annotator.domain.model.Annotation` and
  :class:`~annotator.domain.span_index.IndexedSpan` both work without conversion.
* **Undefined is ``None``, never 0.0 or NaN.** Precision with no candidate spans, kappa when
  both raters used a single identical category, alpha with no pairable values: all return
  ``None``, and the raw counts are always reported alongside, so a caller can tell
  "no agreement" (0.0) from "nothing to measure" (``None``).
* Coefficients are computed with integer / :class:`~fractions.Fraction` arithmetic and
  converted to ``float`` once at the end, so results do not depend on iteration order and
  the tests can compare against hand-worked fractions.
* Matching is deterministic: inputs are ranked by ``(start, end, label)`` (stable, so
  identical spans keep their input order) and every tie is broken on that rank.

Boundary placement itself is measured by Krippendorff's unitized alpha (α_U), which is
chance-corrected like α but sees every span, not only those whose boundaries match.

Where each idea lives (import the names from here; the modules are the map):

* :mod:`.spans` — what a span must offer (:class:`SpanLike`) and the validated rank order.
* :mod:`.matching` — one-to-one pairing, exact or by a maximum overlap matching.
* :mod:`.span_scores` — precision / recall / F1 under the four matching regimes.
* :mod:`.compare` — compare-mode classification for side-by-side review.
* :mod:`.coefficients` — Cohen's κ, Fleiss' κ, Krippendorff's α on nominal values.
* :mod:`.label_units` — label agreement on exact-span units or on matched pairs.
* :mod:`.unitized` — Krippendorff's unitized alpha α_U over the article.
"""

from __future__ import annotations

from annotator.domain.agreement.coefficients import (
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha_nominal,
)
from annotator.domain.agreement.compare import Comparison, DiffItem, DiffKind, compare_spans
from annotator.domain.agreement.label_units import (
    LabelAgreement,
    SpanUnit,
    label_agreement,
    label_agreement_on_pairs,
    span_label_units,
)
from annotator.domain.agreement.matching import Matching, match_spans
from annotator.domain.agreement.span_scores import (
    PRF,
    SpanAgreement,
    SpanScores,
    score_matching,
    span_agreement,
)
from annotator.domain.agreement.spans import SpanLike
from annotator.domain.agreement.unitized import (
    UnitizedAlpha,
    UnitizedCategory,
    krippendorff_alpha_unitized,
)

__all__ = [
    "PRF",
    "Comparison",
    "DiffItem",
    "DiffKind",
    "LabelAgreement",
    "Matching",
    "SpanAgreement",
    "SpanLike",
    "SpanScores",
    "SpanUnit",
    "cohen_kappa",
    "compare_spans",
    "fleiss_kappa",
    "UnitizedAlpha",
    "UnitizedCategory",
    "krippendorff_alpha_nominal",
    "krippendorff_alpha_unitized",
    "label_agreement",
    "label_agreement_on_pairs",
    "match_spans",
    "score_matching",
    "span_agreement",
    "span_label_units",
]
