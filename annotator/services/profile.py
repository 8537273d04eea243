"""Reliability profile: how an article's (or a corpus's) claims are sourced, as figures.

A *claim* here is one annotation: every tagged attribution counts once, whoever
tagged it. With several analysts on the same article their annotations are all
counted unless ``annotators`` narrows the set (e.g. ``["reviewed"]`` for the
adjudicated layer). The figures (see ``docs/profile.md``):

* **annotations per source type** — count per label key, in taxonomy order;
* **anonymous** — labels ``anonymous_official`` and ``anonymous_unspecified``;
* **single-source** — facet ``source_count == 1``, or, when ``source_count`` was not
  recorded, a ``named_person`` / ``organisation_statement`` annotation (one named
  source by definition). A recorded ``"several"``/``"unknown"``/2+ is never single,
  and other labels with no recorded count are not counted (we do not guess);
* **unattributed** — label ``unattributed``;
* **hedged** — facet ``hedge`` is true;
* **scores** — attribution strength from :mod:`annotator.services.scoring`: a
  histogram in bins of 10 (``0-9`` ... ``80-89``, ``90-100``), counts per rubric band,
  mean and median.

Shares are fractions of all claims in scope (``None`` when there are none).
Everything is computed from one read of the annotations; nothing here caches.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from annotator.domain.csv_safety import neutralise
from annotator.domain.errors import UserInputError
from annotator.domain.facets_codec import decode_facets
from annotator.domain.model import REVIEWED_LAYER, Annotation, ArticleSummary, Label
from annotator.domain.rubric import Rubric
from annotator.services.project import Project
from annotator.services.scoring import project_rubric, score_annotation
from annotator.storage import crud

ANONYMOUS_LABELS: tuple[str, ...] = ("anonymous_official", "anonymous_unspecified")
UNATTRIBUTED_LABEL = "unattributed"
SINGLE_BY_DEFINITION: tuple[str, ...] = ("named_person", "organisation_statement")
"""Labels whose annotation is one source when ``source_count`` was not recorded."""

HISTOGRAM_BINS: tuple[tuple[int, int], ...] = tuple(
    (lo, lo + 9 if lo < 90 else 100) for lo in range(0, 100, 10)
)
"""Inclusive score ranges: 0-9, 10-19, ..., 80-89, 90-100 (the top bin takes 100)."""

GroupBy = Literal["article", "outlet"]
GROUP_BY: tuple[str, ...] = ("article", "outlet")
NO_OUTLET = "(no outlet)"


@dataclass(frozen=True)
class LabelCount:
    key: str
    name: str
    color: str
    count: int
    retired: bool = False


@dataclass(frozen=True)
class Profile:
    """The figures for one scope (an article, an outlet or the whole corpus)."""

    scope: str
    """``"article 3"``, ``"outlet Axios"`` or ``"corpus"``."""
    title: str
    """Article title, outlet name, or ``"All articles"``."""
    n_articles: int
    total: int
    """Number of claims (= annotations) in scope."""
    by_label: tuple[LabelCount, ...]
    """Every project label in taxonomy order (zero counts included), then any label
    key found on annotations but missing from the taxonomy."""
    anonymous: int
    single_source: int
    unattributed: int
    hedged: int
    histogram: tuple[int, ...]
    """Counts per :data:`HISTOGRAM_BINS` range."""
    bands: tuple[tuple[str, int], ...]
    """``(band name, count)`` in rubric order, strongest first."""
    mean_score: float | None
    median_score: float | None
    outlet: str = ""
    article_id: int | None = None
    annotators: tuple[str, ...] = field(default_factory=tuple)
    """The annotator filter in force (empty: everyone)."""

    def share(self, count: int) -> float | None:
        return count / self.total if self.total else None

    @property
    def anonymous_share(self) -> float | None:
        return self.share(self.anonymous)

    @property
    def single_source_share(self) -> float | None:
        return self.share(self.single_source)

    @property
    def unattributed_share(self) -> float | None:
        return self.share(self.unattributed)

    @property
    def hedged_share(self) -> float | None:
        return self.share(self.hedged)

    def label_count(self, key: str) -> int:
        return next((lc.count for lc in self.by_label if lc.key == key), 0)

    def band_count(self, name: str) -> int:
        return dict(self.bands).get(name, 0)

    def band_share(self, name: str) -> float | None:
        return self.share(self.band_count(name))

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict (shares as fractions 0-1, ``null`` when there are no claims)."""
        return {
            "scope": self.scope,
            "title": self.title,
            "outlet": self.outlet,
            "article_id": self.article_id,
            "n_articles": self.n_articles,
            "annotators": list(self.annotators),
            "annotations": self.total,
            "by_label": [{"key": lc.key, "name": lc.name, "count": lc.count}
                         for lc in self.by_label],
            "anonymous": {"count": self.anonymous, "share": self.anonymous_share},
            "single_source": {"count": self.single_source,
                              "share": self.single_source_share},
            "unattributed": {"count": self.unattributed, "share": self.unattributed_share},
            "hedged": {"count": self.hedged, "share": self.hedged_share},
            "score": {
                "mean": self.mean_score,
                "median": self.median_score,
                "bands": {name: n for name, n in self.bands},
                "histogram": [{"from": lo, "to": hi, "count": n}
                              for (lo, hi), n in zip(HISTOGRAM_BINS, self.histogram,
                                                     strict=True)],
            },
        }


@dataclass(frozen=True)
class ProfileRow:
    """One article or outlet in a corpus comparison."""

    group_by: str
    """``"article"`` or ``"outlet"``."""
    key: str
    """The article id as text, or the outlet name (``""`` for articles without one)."""
    title: str
    """Article title, or outlet name (:data:`NO_OUTLET` for ``""``)."""
    profile: Profile


# --------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------


def is_anonymous(annotation: Annotation) -> bool:
    return annotation.label in ANONYMOUS_LABELS


def is_unattributed(annotation: Annotation) -> bool:
    return annotation.label == UNATTRIBUTED_LABEL


def is_single_source(annotation: Annotation) -> bool:
    """``source_count == 1``; or no count recorded on a named person/organisation."""
    count = decode_facets(annotation.facets).source_count
    if count is None:
        return annotation.label in SINGLE_BY_DEFINITION
    return count == 1 and not isinstance(count, bool)


def is_hedged(annotation: Annotation) -> bool:
    return decode_facets(annotation.facets).hedge is True


def histogram_bin(value: int) -> int:
    """Index into :data:`HISTOGRAM_BINS` for a 0-100 score."""
    return min(max(value, 0) // 10, len(HISTOGRAM_BINS) - 1)


# --------------------------------------------------------------------------------------
# Computation
# --------------------------------------------------------------------------------------


def compute_profile(
    annotations: Iterable[Annotation],
    labels: Sequence[Label],
    rubric: Rubric,
    *,
    scope: str,
    title: str,
    n_articles: int,
    outlet: str = "",
    article_id: int | None = None,
    annotators: Sequence[str] = (),
) -> Profile:
    """The figures for ``annotations`` (already filtered to the scope). Pure."""
    anns = list(annotations)
    label_counts = Counter(a.label for a in anns)
    by_label = [LabelCount(lab.key, lab.name, lab.color, label_counts.get(lab.key, 0),
                           lab.retired) for lab in labels]
    known = {lab.key for lab in labels}
    by_label += [LabelCount(key, key, "#999999", label_counts[key])
                 for key in sorted(set(label_counts) - known)]
    # Scores depend only on (label, facets); most annotations share a few combinations.
    cache: dict[tuple[str, str], tuple[int, str]] = {}
    values: list[int] = []
    band_counts: Counter[str] = Counter()
    histogram = [0] * len(HISTOGRAM_BINS)
    for ann in anns:
        key = (ann.label, ann.facets)
        if key not in cache:
            s = score_annotation(ann, rubric)
            cache[key] = (s.value, s.band)
        value, band = cache[key]
        values.append(value)
        band_counts[band] += 1
        histogram[histogram_bin(value)] += 1
    return Profile(
        scope=scope,
        title=title,
        n_articles=n_articles,
        total=len(anns),
        by_label=tuple(by_label),
        anonymous=sum(1 for a in anns if is_anonymous(a)),
        single_source=sum(1 for a in anns if is_single_source(a)),
        unattributed=sum(1 for a in anns if is_unattributed(a)),
        hedged=sum(1 for a in anns if is_hedged(a)),
        histogram=tuple(histogram),
        bands=tuple((band.name, band_counts.get(band.name, 0)) for band in rubric.bands),
        mean_score=statistics.fmean(values) if values else None,
        median_score=float(statistics.median(values)) if values else None,
        outlet=outlet,
        article_id=article_id,
        annotators=tuple(annotators),
    )


def annotators_present(project: Project, article_id: int | None = None, *,
                       include_reviewed: bool = False) -> list[str]:
    """Analysts with annotations (in one article or the corpus), for "all analysts"; the
    reviewed layer only when asked (it copies analysts' spans and would count twice)."""
    with project.reading() as session:
        ids = [article_id] if article_id is not None else [
            a.id for a in crud.list_articles(session=session)]
        names = {a.annotator for aid in ids
                 for a in crud.list_annotations(session=session, article_id=aid)}
    if not include_reviewed:
        names.discard(REVIEWED_LAYER)
    return sorted(names, key=str.casefold)


def _keep(annotators: Sequence[str] | None) -> Callable[[Annotation], bool]:
    if not annotators:
        return lambda _ann: True
    chosen = frozenset(annotators)
    return lambda ann: ann.annotator in chosen


def article_profile(
    project: Project, article_id: int, *, annotators: Sequence[str] | None = None
) -> Profile:
    """Figures for one article; ``UserInputError`` if it does not exist."""
    keep = _keep(annotators)
    with project.reading() as session:
        article = crud.get_article(session=session, article_id=article_id)
        if article is None:
            raise UserInputError(f"article {article_id} does not exist")
        anns = [a for a in crud.list_annotations(session=session, article_id=article_id)
                if keep(a)]
    return compute_profile(
        anns, project.labels(), project_rubric(project), scope=f"article {article_id}",
        title=article.title, n_articles=1, outlet=article.outlet, article_id=article_id,
        annotators=annotators or (),
    )


def _load_corpus(
    project: Project, annotators: Sequence[str] | None
) -> list[tuple[ArticleSummary, list[Annotation]]]:
    keep = _keep(annotators)
    with project.reading() as session:
        return [
            (summary, [a for a in crud.list_annotations(session=session, article_id=summary.id)
                       if keep(a)])
            for summary in crud.list_articles(session=session)
        ]


def corpus_profile(
    project: Project,
    *,
    group_by: str = "article",
    annotators: Sequence[str] | None = None,
) -> list[ProfileRow]:
    """One row per article (by id) or per outlet (by name, ``(no outlet)`` last).

    Articles without annotations are included (with zero claims), so a comparison
    shows what has not been annotated yet.
    """
    if group_by not in GROUP_BY:
        raise UserInputError(f"cannot group by {group_by!r} (use article or outlet)")
    corpus = _load_corpus(project, annotators)
    labels, rubric = project.labels(), project_rubric(project)
    chosen = tuple(annotators or ())
    rows: list[ProfileRow] = []
    if group_by == "article":
        for summary, anns in corpus:
            rows.append(ProfileRow("article", str(summary.id), summary.title, compute_profile(
                anns, labels, rubric, scope=f"article {summary.id}", title=summary.title,
                n_articles=1, outlet=summary.outlet, article_id=summary.id,
                annotators=chosen)))
        return rows
    outlets: dict[str, list[tuple[ArticleSummary, list[Annotation]]]] = {}
    for summary, anns in corpus:
        outlets.setdefault(summary.outlet.strip(), []).append((summary, anns))
    for outlet in sorted(outlets, key=lambda o: (o == "", o.casefold(), o)):
        members = outlets[outlet]
        title = outlet or NO_OUTLET
        rows.append(ProfileRow("outlet", outlet, title, compute_profile(
            (a for _, anns in members for a in anns), labels, rubric,
            scope=f"outlet {title}", title=title, n_articles=len(members), outlet=outlet,
            annotators=chosen)))
    return rows


def band_ranges(project: Project) -> list[tuple[str, int, int]]:
    """``(band name, lowest score, highest score)`` per rubric band, strongest first."""
    out, top = [], 100
    for band in project_rubric(project).bands:
        out.append((band.name, band.min_score, top))
        top = band.min_score - 1
    return out


def total_profile(project: Project, *, annotators: Sequence[str] | None = None) -> Profile:
    """Figures for the whole corpus at once (not an average of the rows)."""
    corpus = _load_corpus(project, annotators)
    return compute_profile(
        (a for _, anns in corpus for a in anns), project.labels(), project_rubric(project),
        scope="corpus", title="All articles", n_articles=len(corpus),
        annotators=annotators or (),
    )


# --------------------------------------------------------------------------------------
# Flat rows (CSV)
# --------------------------------------------------------------------------------------

FIXED_COLUMNS: tuple[str, ...] = (
    "group", "key", "title", "outlet", "n_articles", "annotations",
    "anonymous", "anonymous_share", "single_source", "single_source_share",
    "unattributed", "unattributed_share", "hedged", "hedged_share",
    "mean_score", "median_score",
)
"""The leading CSV columns; then ``band_<name>`` per rubric band (strongest first),
``score_<lo>_<hi>`` per histogram bin and ``label_<key>`` per label (taxonomy order)."""


def _ratio(x: float | None, digits: int) -> float | str:
    return "" if x is None else round(x, digits)


def profile_columns(profile: Profile) -> list[str]:
    return (list(FIXED_COLUMNS)
            + [f"band_{name}" for name, _ in profile.bands]
            + [f"score_{lo}_{hi}" for lo, hi in HISTOGRAM_BINS]
            + [f"label_{lc.key}" for lc in profile.by_label])


def profile_row(profile: Profile, *, group: str, key: str) -> dict[str, Any]:
    """One flat dict in :func:`profile_columns` order. Shares are fractions rounded to
    4 decimals, mean/median to 2; ``""`` when there are no claims. Text cells are
    neutralised against spreadsheet formula injection."""
    row: dict[str, Any] = {
        "group": group, "key": neutralise(key), "title": neutralise(profile.title),
        "outlet": neutralise(profile.outlet), "n_articles": profile.n_articles,
        "annotations": profile.total,
        "anonymous": profile.anonymous, "anonymous_share": _ratio(profile.anonymous_share, 4),
        "single_source": profile.single_source,
        "single_source_share": _ratio(profile.single_source_share, 4),
        "unattributed": profile.unattributed,
        "unattributed_share": _ratio(profile.unattributed_share, 4),
        "hedged": profile.hedged, "hedged_share": _ratio(profile.hedged_share, 4),
        "mean_score": _ratio(profile.mean_score, 2),
        "median_score": _ratio(profile.median_score, 2),
    }
    row.update({f"band_{name}": n for name, n in profile.bands})
    row.update({f"score_{lo}_{hi}": n
                for (lo, hi), n in zip(HISTOGRAM_BINS, profile.histogram, strict=True)})
    row.update({f"label_{lc.key}": lc.count for lc in profile.by_label})
    return row


def profile_rows(rows: Iterable[ProfileRow | Profile]) -> list[dict[str, Any]]:
    """Flat CSV rows for corpus rows (or bare profiles, e.g. one article's)."""
    out = []
    for item in rows:
        if isinstance(item, ProfileRow):
            out.append(profile_row(item.profile, group=item.group_by, key=item.key))
        elif item.article_id is not None:
            out.append(profile_row(item, group="article", key=str(item.article_id)))
        elif item.scope == "corpus":
            out.append(profile_row(item, group="corpus", key=""))
        else:
            out.append(profile_row(item, group="outlet", key=item.outlet))
    return out


# --------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


def _layers(annotators: Sequence[str]) -> str:
    if not annotators:
        return "every analyst's annotations"
    return ", ".join("the reviewed layer" if n == REVIEWED_LAYER else n for n in annotators)


def format_profile_text(profile: Profile) -> str:
    """A readable, aligned report of one profile (the CLI's ``--article`` output)."""
    head = f"Reliability profile — {profile.scope}: {profile.title}"
    if profile.outlet and profile.article_id is not None:
        head += f" ({profile.outlet})"
    lines = [head, f"Layers counted: {_layers(profile.annotators)}"]
    lines.append("")
    lines.append(f"  {'Claims (annotations)':<24}{profile.total:>6}")
    for name, n in (("Anonymous sources", profile.anonymous),
                    ("Single-source claims", profile.single_source),
                    ("Unattributed claims", profile.unattributed),
                    ("Hedged claims", profile.hedged)):
        lines.append(f"  {name:<24}{n:>6}  {_pct(profile.share(n)):>7}")
    lines.append(f"  {'Attribution strength':<24}  mean {_num(profile.mean_score)}, "
                 f"median {_num(profile.median_score)}")
    lines += ["", "Source types:"]
    width = max([len(lc.name) for lc in profile.by_label] + [10])
    for lc in profile.by_label:
        lines.append(f"  {lc.name:<{width}}  {lc.count:>5}  {_pct(profile.share(lc.count)):>7}")
    lines += ["", "Score bands:"]
    for name, n in profile.bands:
        lines.append(f"  {name:<{width}}  {n:>5}  {_pct(profile.share(n)):>7}")
    lines += ["", "Score histogram:"]
    peak = max(profile.histogram, default=0) or 1
    for (lo, hi), n in zip(HISTOGRAM_BINS, profile.histogram, strict=True):
        bar = "█" * round(20 * n / peak)
        lines.append(f"  {lo:>3}–{hi:<3}  {n:>5}  {bar}")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def format_rows_text(rows: Sequence[ProfileRow], total: Profile | None = None) -> str:
    """An aligned comparison table, one line per article/outlet (plus the total)."""
    group = rows[0].group_by if rows else "article"
    name_head = "Article" if group == "article" else "Outlet"
    entries = [((f"{r.key:>4}  " if group == "article" else "") + r.title, r.profile)
               for r in rows]
    if total is not None:
        entries.append(("All articles", total))
    width = min(max([len(t) for t, _ in entries] + [len(name_head), 12]), 48)
    head = (f"{name_head:<{width}}  {'claims':>6}  {'anon':>6}  {'single':>6}  "
            f"{'unattr':>6}  {'hedged':>6}  {'mean':>5}")
    lines = [f"Reliability profile by {group} "
             f"({sum(p.n_articles for _, p in entries[:len(rows)])} article(s))",
             *([f"Layers counted: {_layers(total.annotators)}"] if total is not None else []),
             "", head, "-" * len(head)]
    for i, (title, p) in enumerate(entries):
        if total is not None and i == len(entries) - 1:
            lines.append("-" * len(head))
        shown = title if len(title) <= width else title[:width - 1] + "…"
        lines.append(f"{shown:<{width}}  {p.total:>6}  {_pct(p.anonymous_share):>6}  "
                     f"{p.single_source:>6}  {p.unattributed:>6}  "
                     f"{_pct(p.hedged_share):>6}  {_num(p.mean_score):>5}")
    lines += ["", "anon, hedged: share of claims; single, unattr: number of claims; "
                  "mean: attribution strength 0-100"]
    return "\n".join(line.rstrip() for line in lines) + "\n"
