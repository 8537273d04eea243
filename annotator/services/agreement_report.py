"""Inter-annotator agreement for one article or the corpus, as plain records.

Span agreement (precision/recall/F1 of B against A, exact and overlap, per label and
overall) is computed per article and summed over articles for the corpus (counts are
pooled, then ratios taken — micro-averaging); overlap pairs are a maximum matching.
Label agreement (Cohen's κ, Fleiss' κ, Krippendorff's α nominal) uses exact-span units,
with units keyed by article so spans in different articles never match, and — per pair
of annotators — the pairs of the overlap matching. Krippendorff's unitized α_U takes
the article as the continuum; for the corpus, the articles someone annotated are laid
end to end as one continuum. See docs/agreement.md.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from annotator.domain.agreement.coefficients import krippendorff_alpha_nominal
from annotator.domain.agreement.label_units import (
    LabelAgreement,
    label_agreement,
    label_agreement_on_pairs,
)
from annotator.domain.agreement.matching import Matching, match_spans
from annotator.domain.agreement.span_scores import PRF, span_agreement
from annotator.domain.agreement.unitized import UnitizedAlpha, krippendorff_alpha_unitized
from annotator.domain.errors import UserInputError
from annotator.domain.facets import FACET_NAMES
from annotator.domain.facets_codec import decode_facets
from annotator.domain.model import REVIEWED_LAYER, Annotation
from annotator.services.project import Project
from annotator.storage import crud

ARTICLE_STRIDE = 10 ** 12
"""Offset added per article so exact-span units of different articles never coincide."""

MODES = ("exact_label", "exact_any_label", "overlap_label", "overlap_any_label")


@dataclass(frozen=True)
class _Keyed:
    """A span tagged with its article, so corpus-level units never mix articles."""

    start: int
    end: int
    label: str


@dataclass
class PairReport:
    annotator_a: str
    annotator_b: str
    # mode -> label ("" = overall) -> counts
    counts: dict[str, dict[str, PRF]] = field(default_factory=dict)
    overlap_labels: LabelAgreement | None = None
    """κ/α on the pairs of the overlap matching (any label), pooled over articles."""


@dataclass
class AgreementReport:
    scope: str  # "article 3" or "corpus"
    annotators: list[str]
    n_articles: int
    pairs: list[PairReport]
    labels: LabelAgreement
    facets: dict[str, tuple[float | None, int]] = field(default_factory=dict)
    """Facet -> (Krippendorff's α nominal, units with ≥ 2 values) on exact-span units."""
    unitized: UnitizedAlpha | None = None
    """Krippendorff's α_U over the article(s) as the continuum (None: nothing annotated)."""

    def rows(self) -> list[dict[str, Any]]:
        """Flat rows for CSV/JSON: one per pair × mode × label, plus coefficient rows."""
        out: list[dict[str, Any]] = []
        for pair in self.pairs:
            for mode in MODES:
                for label, prf in sorted(pair.counts.get(mode, {}).items()):
                    out.append({
                        "scope": self.scope, "measure": "span_prf", "mode": mode,
                        "annotator_a": pair.annotator_a, "annotator_b": pair.annotator_b,
                        "label": label or "(all)", "tp": prf.tp, "fp": prf.fp, "fn": prf.fn,
                        "precision": prf.precision, "recall": prf.recall, "f1": prf.f1,
                        "value": None,
                    })
        for measure, value in (("cohen_kappa", self.labels.cohen_kappa),
                               ("fleiss_kappa", self.labels.fleiss_kappa),
                               ("krippendorff_alpha_nominal", self.labels.alpha)):
            out.append({
                "scope": self.scope, "measure": measure, "mode": "exact_span_units",
                "annotator_a": ",".join(self.annotators), "annotator_b": "",
                "label": "(all)", "tp": None, "fp": None, "fn": None, "precision": None,
                "recall": None, "f1": None, "value": value,
            })
        for pair in self.pairs:
            lab = pair.overlap_labels
            if lab is None:
                continue
            for measure, value in (("cohen_kappa", lab.cohen_kappa),
                                   ("krippendorff_alpha_nominal", lab.alpha)):
                out.append({
                    "scope": self.scope, "measure": measure, "mode": "overlap_matched_pairs",
                    "annotator_a": pair.annotator_a, "annotator_b": pair.annotator_b,
                    "label": "(all)", "tp": None, "fp": None, "fn": None,
                    "precision": None, "recall": None, "f1": None, "value": value,
                })
        if self.unitized is not None:
            per = [("(all)", self.unitized.alpha)] + [
                (label, cat.alpha) for label, cat in self.unitized.per_label.items()]
            for label, value in per:
                out.append({
                    "scope": self.scope, "measure": "krippendorff_alpha_unitized",
                    "mode": "article_continuum", "annotator_a": ",".join(self.annotators),
                    "annotator_b": "", "label": label, "tp": None, "fp": None, "fn": None,
                    "precision": None, "recall": None, "f1": None, "value": value,
                })
        for facet, (alpha, n_units) in self.facets.items():
            out.append({
                "scope": self.scope, "measure": "facet_alpha_nominal",
                "mode": "exact_span_units", "annotator_a": ",".join(self.annotators),
                "annotator_b": "", "label": facet, "tp": None, "fp": None, "fn": n_units,
                "precision": None, "recall": None, "f1": None, "value": alpha,
            })
        return out


def _add(a: PRF | None, b: PRF) -> PRF:
    if a is None:
        return b
    return PRF(tp=a.tp + b.tp, fp=a.fp + b.fp, fn=a.fn + b.fn,
               tp_candidate=a.tp_candidate + b.tp_candidate)


def agreement(
    project: Project, *, article_id: int | None = None, annotators: list[str] | None = None,
    include_reviewed: bool = True,
) -> AgreementReport:
    """Agreement among ``annotators`` (default: everyone present; without the reviewed
    layer when ``include_reviewed`` is false, as the CLI and the pane default to)."""
    with project.reading() as session:
        if article_id is not None:
            if crud.get_article(session=session, article_id=article_id) is None:
                raise UserInputError(f"article {article_id} does not exist")
            article_ids = [article_id]
        else:
            article_ids = [a.id for a in crud.list_articles(session=session)]
        by_article: dict[int, list[Annotation]] = {
            aid: crud.list_annotations(session=session, article_id=aid) for aid in article_ids
        }
        lengths = {aid: len(text) for aid, _title, text in
                   crud.iter_article_texts(session=session, article_id=article_id)}
    present = sorted({a.annotator for anns in by_article.values() for a in anns})
    if annotators:
        missing = [name for name in annotators if name not in present]
        if missing:
            raise UserInputError(
                f"no annotations by {', '.join(map(repr, missing))}"
                f" (annotators present: {', '.join(present) or 'none'})")
        chosen = annotators
    else:
        chosen = [n for n in present if include_reviewed or n != REVIEWED_LAYER]
    if len(chosen) < 2:
        raise UserInputError(
            "agreement needs at least two annotators "
            f"(found: {', '.join(chosen) or 'none'})")
    pairs = []
    for a_name, b_name in combinations(chosen, 2):
        pair = PairReport(a_name, b_name)
        totals: dict[str, dict[str, PRF]] = defaultdict(dict)
        for anns in by_article.values():
            a_spans = [x for x in anns if x.annotator == a_name]
            b_spans = [x for x in anns if x.annotator == b_name]
            if not a_spans and not b_spans:
                continue
            result = span_agreement(a_spans, b_spans)
            for mode in MODES:
                scores = getattr(result, mode)
                bucket = totals[mode]
                bucket[""] = _add(bucket.get(""), scores.overall)
                for label, prf in scores.per_label.items():
                    bucket[label] = _add(bucket.get(label), prf)
        pair.counts = dict(totals)
        pair.overlap_labels = _overlap_label_agreement(by_article, a_name, b_name)
        pairs.append(pair)
    # Label agreement: prefix offsets with the article so units are per-article.
    spans_by_rater: dict[str, list[_Keyed]] = {name: [] for name in chosen}
    for n, (_aid, anns) in enumerate(sorted(by_article.items())):
        base = n * ARTICLE_STRIDE
        for ann in anns:
            if ann.annotator in spans_by_rater:
                spans_by_rater[ann.annotator].append(
                    _Keyed(base + ann.start, base + ann.end, ann.label))
    return AgreementReport(
        unitized=_unitized(by_article, lengths, chosen),
        facets=_facet_agreement(by_article, chosen),
        scope=f"article {article_id}" if article_id is not None else "corpus",
        annotators=list(chosen),
        n_articles=len(article_ids),
        pairs=pairs,
        labels=label_agreement(spans_by_rater),
    )


def _overlap_label_agreement(by_article: dict[int, list[Annotation]], a_name: str,
                             b_name: str) -> LabelAgreement:
    """κ/α on the pairs of each article's maximum overlap matching, pooled."""
    pairs: list[tuple[_Keyed, _Keyed]] = []
    for anns in by_article.values():
        a_spans = [x for x in anns if x.annotator == a_name]
        b_spans = [x for x in anns if x.annotator == b_name]
        if a_spans and b_spans:
            matching = match_spans(a_spans, b_spans, overlap=True, same_label=False)
            pairs += [(_Keyed(x.start, x.end, x.label), _Keyed(y.start, y.end, y.label))
                      for x, y in matching.pairs]
    return label_agreement_on_pairs(Matching(pairs=tuple(pairs), unmatched_reference=(),
                                             unmatched_candidate=()))


def _unitized(by_article: dict[int, list[Annotation]], lengths: dict[int, int],
              raters: list[str]) -> UnitizedAlpha | None:
    """α_U with the article as continuum; several articles laid end to end (only those
    at least one of the raters annotated, so untouched articles do not count as agreed
    blank text). ``None`` when none was annotated."""
    wanted = set(raters)
    spans: dict[str, list[_Keyed]] = {name: [] for name in raters}
    offset = 0
    for aid, anns in sorted(by_article.items()):
        mine = [a for a in anns if a.annotator in wanted]
        if not mine or not lengths.get(aid):
            continue
        for ann in mine:
            spans[ann.annotator].append(_Keyed(offset + ann.start, offset + ann.end, ann.label))
        offset += lengths[aid]
    if offset == 0:
        return None
    return krippendorff_alpha_unitized(spans, begin=0, length=offset)


def _facet_agreement(by_article: dict[int, list[Annotation]],
                     raters: list[str]) -> dict[str, tuple[float | None, int]]:
    """Per-facet α over spans several raters tagged identically (facets recorded by
    at least two of them); facets nobody recorded on shared spans are left out."""
    units: dict[str, dict[tuple[int, int, int], dict[str, object]]] = {}
    wanted = set(raters)
    for aid, anns in by_article.items():
        for ann in anns:
            if ann.annotator not in wanted or ann.facets in ("", "{}"):
                continue
            facets = decode_facets(ann.facets).to_export_row()
            for name, value in facets.items():
                if value:
                    unit = units.setdefault(name, {}).setdefault((aid, ann.start, ann.end), {})
                    unit.setdefault(ann.annotator, value)
    out: dict[str, tuple[float | None, int]] = {}
    for name in FACET_NAMES:
        per_unit = {k: v for k, v in units.get(name, {}).items() if len(v) >= 2}
        if per_unit:
            out[name] = (krippendorff_alpha_nominal(per_unit), len(per_unit))
    return out


def format_text(report: AgreementReport) -> str:
    def f(x: float | None) -> str:
        return "—" if x is None else f"{x:.3f}"

    lines = [f"Agreement — {report.scope} ({report.n_articles} article(s)); "
             f"annotators: {', '.join(report.annotators)}", ""]
    lab = report.labels
    lines.append(f"Label agreement on exact-span units ({lab.n_units} units, "
                 f"{lab.n_complete_units} labelled by everyone):")
    lines.append(f"  Cohen's kappa      {f(lab.cohen_kappa)}")
    lines.append(f"  Fleiss' kappa      {f(lab.fleiss_kappa)}")
    lines.append(f"  Krippendorff alpha {f(lab.alpha)}  (nominal)")
    for pair in report.pairs:
        if pair.overlap_labels is not None:
            ol = pair.overlap_labels
            lines.append(f"Label agreement on overlap-matched pairs, {pair.annotator_a} / "
                         f"{pair.annotator_b} ({ol.n_units} pairs): Cohen's kappa "
                         f"{f(ol.cohen_kappa)}, Krippendorff alpha {f(ol.alpha)}")
    if report.unitized is not None:
        u = report.unitized
        lines.append("")
        lines.append(f"Unitizing (Krippendorff alpha_U, the article as continuum of "
                     f"{u.length} code points): {f(u.alpha)}")
        for label, cat in u.per_label.items():
            lines.append(f"  {label:<28} {f(cat.alpha)}  ({cat.n_units} units)")
    if report.facets:
        lines.append("")
        lines.append("Facet agreement (Krippendorff alpha, nominal, on shared spans):")
        for name, (alpha, n) in report.facets.items():
            lines.append(f"  {name:<24} {f(alpha)}  ({n} units)")
    for pair in report.pairs:
        lines.append("")
        lines.append(f"Spans: {pair.annotator_b} against {pair.annotator_a}")
        lines.append(f"  {'mode':<18} {'label':<28} {'tp':>5} {'fp':>5} {'fn':>5} "
                     f"{'P':>6} {'R':>6} {'F1':>6}")
        for mode in MODES:
            for label, prf in sorted(pair.counts.get(mode, {}).items()):
                lines.append(f"  {mode:<18} {label or '(all)':<28} {prf.tp:>5} {prf.fp:>5} "
                             f"{prf.fn:>5} {f(prf.precision):>6} {f(prf.recall):>6} "
                             f"{f(prf.f1):>6}")
    return "\n".join(lines) + "\n"
