"""What a data-changing service call changed, as one record.

Every service that writes returns (or exposes as ``.changes``) a :class:`Changes`
record; the window hands it to every pane through ``MainWindow.apply_changes`` and
each pane decides for itself what to redraw. This is Anki's ``OpChanges``
(``aqt/operations``) adapted to annotator: a view never guesses what an action may
have touched, and a new action cannot "forget to refresh" a pane it does not know.

Single annotation edits carry the exact before/after records (``annotations``), so
panes update incrementally without a re-query (edits as data, see
``services/annotate.py``). Bulk writes (merge, import, review) name the articles whose
annotations must be re-read (``reload_articles``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace

from annotator.domain.model import Annotation


@dataclass(frozen=True)
class AnnotationChange:
    """What one applied edit did: views refresh from this, not from a re-query."""

    article_id: int
    before: Annotation | None
    after: Annotation | None

    @property
    def annotation_id(self) -> str:
        ann = self.after or self.before
        assert ann is not None
        return ann.id

    @property
    def touched_ranges(self) -> list[tuple[int, int]]:
        """Code-point ranges whose painting may change."""
        out = []
        for ann in (self.before, self.after):
            if ann is not None:
                out.append((ann.start, ann.end))
                if ann.source_start is not None and ann.source_end is not None:
                    out.append((ann.source_start, ann.source_end))
        return out

    @property
    def changes_layers(self) -> bool:
        """Whether an annotator's row count changed (layers pane, review combos)."""
        if (self.before is None) != (self.after is None):
            return True
        return (self.before is not None and self.after is not None
                and self.before.annotator != self.after.annotator)

    @property
    def changes(self) -> Changes:
        return Changes(annotations=(self,))


@dataclass(frozen=True)
class Changes:
    """One data change, described by what it touched (all fields optional).

    Combine records with ``|``. ``Changes()`` is "nothing changed" and is falsy.
    """

    annotations: tuple[AnnotationChange, ...] = ()
    """Single edits (tag, relabel, note, delete, undo/redo) with before/after."""
    reload_articles: frozenset[int] = frozenset()
    """Articles whose annotations changed in bulk (merge, import, review, colleagues)."""
    article_list: bool = False
    """Articles were added or removed, or their titles/outlets/counts changed."""
    article_metadata: frozenset[int] = frozenset()
    """Articles whose title, outlet, URL or date changed."""
    labels: bool = False
    """The taxonomy (source types: names, colours, order, shortcuts, retired) changed."""
    review: frozenset[int] = frozenset()
    """Articles whose review state (reviewed layer, rejections) changed."""
    comments: frozenset[str] = frozenset()
    """Annotations whose discussion thread changed."""
    analyst: bool = False
    """The analyst's name changed (status bar, reviewer name)."""
    layers: bool = False
    """Visible layers or the colouring changed (counts follow visible layers)."""
    loaded: tuple[int, int, int] | None = None
    """``(article_id, start, end)``: a page of a large article's annotations arrived."""
    loading_done: frozenset[int] = frozenset()
    """Articles whose annotations are now all in memory (after paging)."""
    extra: frozenset[str] = field(default_factory=frozenset)
    """Free-form tags for panes added later (e.g. ``"suggestions"``); documented per pane."""

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def __or__(self, other: Changes) -> Changes:
        merged: dict[str, object] = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, tuple) and f.name == "annotations":
                merged[f.name] = mine + theirs
            elif isinstance(mine, frozenset):
                merged[f.name] = mine | theirs
            elif isinstance(mine, bool):
                merged[f.name] = mine or theirs
            else:
                merged[f.name] = theirs if theirs is not None else mine
        return replace(self, **merged)  # type: ignore[arg-type]

    # ---------------------------------------------------------------- queries
    def annotations_in(self, article_id: int) -> list[AnnotationChange]:
        return [c for c in self.annotations if c.article_id == article_id]

    def touches_article(self, article_id: int | None) -> bool:
        """Whether anything an article-scoped pane shows for ``article_id`` changed."""
        if article_id is None:
            return False
        return (bool(self.annotations_in(article_id)) or article_id in self.reload_articles
                or article_id in self.review or article_id in self.loading_done
                or self.labels or self.layers)

    def reloads(self, article_id: int | None) -> bool:
        return article_id is not None and article_id in self.reload_articles

    @property
    def annotation_counts(self) -> bool:
        """Whether any article's number of annotations may have changed."""
        return (self.article_list or bool(self.reload_articles)
                or any((c.before is None) != (c.after is None) for c in self.annotations))

    # ----------------------------------------------------------- constructors
    @classmethod
    def articles_added(cls, article_ids: Iterable[int] = ()) -> Changes:
        return cls(article_list=True, reload_articles=frozenset(article_ids))

    @classmethod
    def bulk(cls, article_ids: Iterable[int], *, labels: bool = False,
             review: bool = False) -> Changes:
        """Annotations of these articles changed in bulk (import, merge, review)."""
        ids = frozenset(article_ids)
        return cls(reload_articles=ids, article_list=bool(ids), labels=labels,
                   review=ids if review else frozenset())
