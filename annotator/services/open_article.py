"""The in-memory state of the article on screen, kept in step with applied edits.

Views (text highlighting, the annotation table, hit-testing) read this, never
the database: after the one load on open, each :class:`AnnotationChange` is
folded in with ``apply_change`` and reports which table row moved where.
"""

from __future__ import annotations

import time
import weakref
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.domain.errors import UserInputError
from annotator.domain.model import Annotation, Article
from annotator.domain.offsets import OffsetMap
from annotator.domain.span_index import IndexedSpan, SpanIndex
from annotator.services.annotate import AnnotationChange
from annotator.services.change_feed import SETTLE_SECONDS, ChangeCursor
from annotator.services.project import Project
from annotator.storage import crud

if TYPE_CHECKING:
    from sqlmodel import Session

FIRST_SCREEN_CHARS = 8_000
PAGE_SIZE = 500
"""The first page after the first screen; later pages grow (see PAGE_BUDGET_S)."""
MAX_PAGE_SIZE = 8_000
PAGE_BUDGET_S = 0.012
"""Each page is sized so reading it takes about this much CPU time (not wall time, so a
busy machine does not shrink pages to nothing): the window pages between
user events, so input is never held up by more than a page, while 50k annotations
arrive in a few dozen steps instead of a hundred (every step also costs the table
and the highlighter a repaint)."""


RECENT_TEXTS = 3
"""Texts (with their offset maps) of this many recently opened articles are kept, so
switching back to one reads only its metadata: an article's text is never rewritten and
its stored sha256 names it, which is what is checked before a kept text is used."""

_recent: weakref.WeakKeyDictionary[Project, OrderedDict[int, tuple[str, str, OffsetMap]]] = \
    weakref.WeakKeyDictionary()


def _read_article(project: Project, session: Session,
                  article_id: int) -> tuple[Article, OffsetMap]:
    """The article and its offset map; the text is read only if not already held."""
    kept = _recent.setdefault(project, OrderedDict())
    hit = kept.get(article_id)
    if hit is not None:
        head = crud.get_article_head(session=session, article_id=article_id)
        if head is None:
            kept.pop(article_id, None)
            raise UserInputError(f"article {article_id} does not exist")
        sha, text, offsets = hit
        if head[5] == sha:
            kept.move_to_end(article_id)
            aid, title, outlet, url, published, _, filename, imported = head
            return Article(id=aid, title=title, outlet=outlet, url=url, published=published,
                           text=text, sha256=sha, original_filename=filename,
                           imported_at=imported), offsets
    article = crud.get_article(session=session, article_id=article_id)
    if article is None:
        kept.pop(article_id, None)
        raise UserInputError(f"article {article_id} does not exist")
    offsets = OffsetMap.for_text(article.text)
    kept[article_id] = (article.sha256, article.text, offsets)
    kept.move_to_end(article_id)
    while len(kept) > RECENT_TEXTS:
        kept.popitem(last=False)
    return article, offsets


def _indexed(ann: Annotation) -> IndexedSpan:
    return IndexedSpan(ann.start, ann.end, ann.id, ann.label, ann.annotator)


@dataclass(frozen=True)
class Refresh:
    """What one incremental refresh found (nothing is applied yet)."""

    changes: list[AnnotationChange]
    """Colleagues' changes against what is on screen, one per annotation; fold each
    in with :meth:`OpenArticle.apply_change` (or the window's change router)."""
    events_read: int
    """New audit events for this article since the last refresh."""
    rows_fetched: int
    """Annotation rows read (primary-key lookups): what a refresh costs."""


@dataclass(frozen=True)
class RowChange:
    removed_row: int | None
    inserted_row: int | None


class OpenArticle:
    def __init__(self, article: Article, annotations: list[Annotation], *,
                 complete: bool = True, cursor: tuple[int, int, str] | None = None,
                 start_below: int | None = None, changes: ChangeCursor | None = None,
                 offsets: OffsetMap | None = None) -> None:
        self.article = article
        self.changes = changes
        """Position in the audit trail as of the load (None: refresh() finds nothing)."""
        self.complete = complete
        """False while the rest of the annotations are still being paged in."""
        self._cursor = cursor
        self._start_below = start_below
        self._page_size = PAGE_SIZE
        self.text = article.text
        self.offsets = offsets if offsets is not None else OffsetMap.for_text(article.text)
        self.rows: list[Annotation] = sorted(annotations, key=_key)
        self._keys = [_key(a) for a in self.rows]
        self.by_id = {a.id: a for a in self.rows}
        self._per_annotator: dict[str, int] = {}
        for ann in self.rows:
            self._per_annotator[ann.annotator] = self._per_annotator.get(ann.annotator, 0) + 1
        self.index = SpanIndex(_indexed(a) for a in self.rows)
        self.sources = SpanIndex(
            IndexedSpan(a.source_start, a.source_end, a.id, a.label, a.annotator)
            for a in self.rows if a.source_start is not None and a.source_end is not None
        )

    @classmethod
    def load(cls, project: Project, article_id: int) -> OpenArticle:
        with project.reading() as session:
            changes = _change_cursor(project, session)
            article, offsets = _read_article(project, session, article_id)
            anns = crud.list_annotations(session=session, article_id=article_id)
        return cls(article, anns, changes=changes, offsets=offsets)

    @classmethod
    def load_first_screen(cls, project: Project, article_id: int,
                          chars: int = FIRST_SCREEN_CHARS) -> OpenArticle:
        """The text plus the annotations starting in its first ``chars`` characters.

        Enough to paint the top of the article at once; :meth:`load_more` pages in
        the rest in index order, so a 50k-annotation article opens without a pause.
        """
        with project.reading() as session:
            # The cursor first: nothing committed meanwhile is missed.
            changes = _change_cursor(project, session)
            article, offsets = _read_article(project, session, article_id)
            first = crud.list_annotations_page(session=session, article_id=article_id,
                                               start_below=chars)
        if len(article.text) <= chars:
            return cls(article, first, changes=changes, offsets=offsets)
        cursor = _key(first[-1]) if first else (chars - 1, 2 ** 62, "")
        return cls(article, first, complete=False, cursor=cursor, changes=changes,
                   offsets=offsets)

    def load_more(self, project: Project, limit: int | None = None) -> list[Annotation]:
        """Fetch the next page; return the annotations that were not already here.

        Without ``limit`` the page size adapts: it doubles (up to MAX_PAGE_SIZE) while a
        page takes well under PAGE_BUDGET_S of CPU to read, and shrinks when one takes
        longer.
        """
        adaptive = limit is None
        limit = limit or self._page_size
        if self.complete:
            return []
        started = time.process_time()
        with project.reading() as session:
            page = crud.list_annotations_page(session=session, article_id=self.id,
                                               after=self._cursor, limit=limit)
        if adaptive:
            took = max(time.process_time() - started, 1e-4)
            fit = int(limit * PAGE_BUDGET_S / took)
            self._page_size = max(PAGE_SIZE, min(MAX_PAGE_SIZE, 2 * limit, fit))
        if len(page) < limit:
            self.complete = True
        if page:
            self._cursor = _key(page[-1])
        return [ann for ann in page if ann.id not in self.by_id]

    def refresh(self, project: Project) -> Refresh:
        """Colleagues' changes since the load or the last refresh, read from the audit
        trail: the article's new events, then only those annotations by primary key.

        The cost is the number of changes, whatever the size of the article. An
        annotation that is gone was deleted; one whose stored row equals ours (our own
        edit, already folded in) is no change. Call only once :attr:`complete` (the
        pages still to come are read fresh anyway); returns nothing before that.
        """
        if not self.complete or self.changes is None:
            return Refresh([], 0, 0)
        with project.reading() as session:
            events = crud.list_article_events_after(
                session=session, article_id=self.id, after_id=self.changes.position)
            fresh = self.changes.new_events(events)
            ids = list(dict.fromkeys(aid for _, aid in fresh))
            stored = crud.get_annotations(session=session, ids=ids) if ids else {}
        out: list[AnnotationChange] = []
        for aid in ids:
            mine = self.by_id.get(aid)
            theirs = stored.get(aid)
            if mine != theirs:
                out.append(AnnotationChange(self.id, mine, theirs))
        return Refresh(out, len(fresh), len(stored))

    def signature(self) -> tuple[int, str]:
        """What :func:`stored_signature` would say if nobody else had changed anything."""
        return (len(self.rows), max((a.updated_at for a in self.rows), default=""))

    def stored_signature(self, project: Project) -> tuple[int, str]:
        with project.reading() as session:
            return crud.annotation_signature(session=session, article_id=self.id)

    def annotator_counts(self) -> dict[str, int]:
        """Annotations per annotator, kept up to date by insert/remove (no full scan)."""
        return {name: n for name, n in self._per_annotator.items() if n}

    def can_append(self, anns: list[Annotation]) -> bool:
        """Whether ``anns`` (sorted) all sort after every current row."""
        return not anns or not self._keys or _key(anns[0]) > self._keys[-1]

    def append_sorted(self, anns: list[Annotation]) -> tuple[int, int] | None:
        """Add a page that sorts after every current row; return ``(first_row, count)``.

        Returns None (and adds nothing) if some row would land in the middle — e.g. an
        annotation tagged while paging — so the caller inserts those one by one.
        """
        if not anns:
            return (len(self.rows), 0)
        if self._keys and _key(anns[0]) < self._keys[-1]:
            return None
        first = len(self.rows)
        self.rows.extend(anns)
        self._keys.extend(_key(a) for a in anns)
        per = self._per_annotator
        by_id = self.by_id
        for ann in anns:
            by_id[ann.id] = ann
            per[ann.annotator] = per.get(ann.annotator, 0) + 1
        # Rows sort by (start, end, id), like IndexedSpan: the page extends the index.
        self.index.extend_sorted([_indexed(a) for a in anns])
        for ann in anns:
            if ann.source_start is not None and ann.source_end is not None:
                self.sources.add(IndexedSpan(ann.source_start, ann.source_end, ann.id,
                                             ann.label, ann.annotator))
        return (first, len(anns))

    @property
    def id(self) -> int:
        return self.article.id

    @property
    def count(self) -> int:
        """Number of annotations (not ``__len__``: an empty article must stay truthy)."""
        return len(self.rows)

    def row_of(self, annotation_id: str) -> int | None:
        ann = self.by_id.get(annotation_id)
        if ann is None:
            return None
        return bisect_left(self._keys, _key(ann))

    def insertion_row(self, ann: Annotation) -> int:
        return bisect_left(self._keys, _key(ann))

    def remove(self, annotation_id: str) -> int | None:
        """Drop an annotation; return the row it had."""
        old = self.by_id.pop(annotation_id, None)
        if old is None:
            return None
        row = bisect_left(self._keys, _key(old))
        del self.rows[row]
        del self._keys[row]
        self._per_annotator[old.annotator] -= 1
        self.index.remove(old.id)
        self.sources.remove(old.id)
        return row

    def insert(self, ann: Annotation) -> int:
        """Add (or replace) an annotation; return its row."""
        if ann.id in self.by_id:
            self.remove(ann.id)
        row = bisect_left(self._keys, _key(ann))
        self.rows.insert(row, ann)
        self._keys.insert(row, _key(ann))
        self.by_id[ann.id] = ann
        self._per_annotator[ann.annotator] = self._per_annotator.get(ann.annotator, 0) + 1
        self.index.add(_indexed(ann))
        if ann.source_start is not None and ann.source_end is not None:
            self.sources.add(
                IndexedSpan(ann.source_start, ann.source_end, ann.id, ann.label, ann.annotator)
            )
        return row

    def apply_change(self, change: AnnotationChange) -> RowChange:
        """Fold an applied edit in; report the row removed and the row inserted."""
        if change.article_id != self.id:
            return RowChange(None, None)
        removed = self.remove(change.before.id) if change.before is not None else None
        inserted = self.insert(change.after) if change.after is not None else None
        return RowChange(removed, inserted)


def _change_cursor(project: Project, session: Session) -> ChangeCursor:
    position = crud.latest_event_id(session=session)
    server = project.engine.url.get_backend_name() != "sqlite"
    return ChangeCursor(position, settle=SETTLE_SECONDS if server else 0.0)


def _key(ann: Annotation) -> tuple[int, int, str]:
    return (ann.start, ann.end, ann.id)
