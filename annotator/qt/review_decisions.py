"""Navigation and decisions of the review panel: step through items, accept, reject.

The base class of :class:`annotator.qt.review_panel.ReviewPanel`; it holds the panel's
signals and everything that writes through :mod:`annotator.services.review`, so the
panel module keeps only layout and rendering.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QMessageBox, QTableView, QWidget

from annotator.domain.errors import UserInputError
from annotator.domain.model import Annotation
from annotator.qt.review_edit import EditAcceptDialog
from annotator.qt.review_model import ReviewItemModel, is_open, item_key
from annotator.services import annotate, review
from annotator.services.annotate import ConflictError
from annotator.services.project import Project
from annotator.services.review import ReviewItem


class ReviewDecisions(QWidget):
    itemActivated = Signal(int, int, object, object)
    """``(start, end, a_id | None, b_id | None)``: scroll to and select the item."""
    reviewChanged = Signal(int)
    """A review write on the article: reload it (the panel has refreshed itself)."""
    itemsChanged = Signal()
    """New comparison (refresh, other annotators): repaint compare-mode highlights."""

    project: Project
    article_id: int | None
    article_text: str
    reviewer: str
    items: list[ReviewItem]
    advance_after_review: bool
    selection_provider: Callable[[], tuple[int, int]] | None
    edit_dialog: EditAcceptDialog | None
    model: ReviewItemModel
    table: QTableView
    _current_key: tuple[str | None, str | None] | None
    _quiet: bool

    # Provided by the panel (layout and rendering).
    @property
    def annotator_a(self) -> str:
        raise NotImplementedError

    @property
    def annotator_b(self) -> str:
        raise NotImplementedError

    @property
    def b_is_reviewed(self) -> bool:
        raise NotImplementedError

    def refresh(self) -> None:
        raise NotImplementedError

    def current_item(self) -> ReviewItem | None:
        raise NotImplementedError

    def _names(self) -> tuple[str, str]:
        raise NotImplementedError

    def _select_row(self, row: int) -> None:
        raise NotImplementedError

    def _update_buttons(self) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ navigation
    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet or not current.isValid() or current.row() >= len(self.model.items):
            return
        item = self.model.items[current.row()]
        self._current_key = item_key(item)
        self._update_buttons()
        self._emit_activated(item)

    def _emit_activated(self, item: ReviewItem) -> None:
        self.itemActivated.emit(item.start, item.end, item.a.id if item.a else None,
                                item.b.id if item.b else None)

    def select_item(self, item: ReviewItem | None, *, emit: bool = True) -> None:
        """Make ``item`` current (select its row if listed) and, by default, announce it."""
        self._current_key = item_key(item) if item is not None else None
        self._quiet = True
        try:
            row = next((r for r, i in enumerate(self.model.items)
                        if item is not None and item_key(i) == item_key(item)), None)
            if row is not None:
                self._select_row(row)
            else:
                self.table.clearSelection()
        finally:
            self._quiet = False
        self._update_buttons()
        if item is not None and emit:
            self._emit_activated(item)

    def _step(self, step: int) -> ReviewItem | None:
        items = self.items
        if not items:
            return None
        here = next((n for n, i in enumerate(items) if item_key(i) == self._current_key), None)
        if here is None:
            here = -1 if step > 0 else len(items)
        n = len(items)
        for k in range(1, n + 1):
            pos = here + step * k
            if not 0 <= pos < n:
                pos %= n  # wrap round
            if is_open(items[pos]):
                self.select_item(items[pos])
                return items[pos]
        return None

    def next_item(self) -> ReviewItem | None:
        """Go to the next open disagreement (wrapping round); ``None`` if there is none."""
        return self._step(1)

    def prev_item(self) -> ReviewItem | None:
        """Go to the previous open disagreement (wrapping round)."""
        return self._step(-1)

    # ------------------------------------------------------------------ decisions
    def _side(self, side: str) -> Annotation | None:
        item = self.current_item()
        if item is None:
            return None
        if side == "b" and self.b_is_reviewed:
            return None
        return item.a if side == "a" else item.b

    def _write(self, what: str, fn: Callable[[], object]) -> bool:
        """Run one review write; report refusals; refresh and announce on success."""
        aid = self.article_id
        if aid is None:
            return False
        before = self.current_item()
        try:
            fn()
        except ConflictError as exc:
            QMessageBox.warning(self, f"Cannot {what}", str(exc))
            self.refresh()  # what is on screen was stale
            self.reviewChanged.emit(aid)
            return False
        except UserInputError as exc:
            QMessageBox.warning(self, f"Cannot {what}", str(exc))
            return False
        self.refresh()
        self.reviewChanged.emit(aid)
        after = self.current_item()
        if (self.advance_after_review and before is not None and is_open(before)
                and (after is None or not is_open(after))):
            self.next_item()
        return True

    def accept_side(self, side: str) -> bool:
        """Copy side ``"a"`` or ``"b"`` of the current item into the reviewed layer."""
        ann = self._side(side)
        if ann is None:
            return False
        return self._write("accept", lambda: review.accept(
            self.project, ann.id, reviewer=self.reviewer, expected_version=ann.version))

    def accept_both(self) -> bool:
        a, b = self._side("a"), self._side("b")
        if a is None or b is None:
            return False
        return self._write("accept both", lambda: review.accept_both(
            self.project, a.id, b.id, reviewer=self.reviewer,
            expected_versions=(a.version, b.version)))

    def accept_edited(self, annotation_id: str, label: str, start: int, end: int) -> bool:
        """Accept an edited copy of one of the item's annotations (label and/or span)."""
        item = self.current_item()
        src = next((s for s in (item.annotations if item else ())
                    if s.id == annotation_id), None)
        version = src.version if src is not None else None
        return self._write("accept the edited copy", lambda: review.accept_edited(
            self.project, annotation_id, reviewer=self.reviewer, label=label, start=start,
            end=end, expected_version=version))

    def toggle_reject(self, side: str) -> bool:
        item = self.current_item()
        ann = self._side(side)
        if item is None or ann is None:
            return False
        if ann.id in item.rejected:
            return self.unreject_side(side)
        return self.reject_side(side)

    def reject_side(self, side: str, reason: str = "") -> bool:
        """Reject side ``"a"`` or ``"b"`` of the current item (an audit event only)."""
        ann = self._side(side)
        if ann is None:
            return False
        return self._write("reject", lambda: review.reject(
            self.project, ann.id, reviewer=self.reviewer, reason=reason,
            expected_version=ann.version))

    def unreject_side(self, side: str) -> bool:
        ann = self._side(side)
        if ann is None:
            return False
        return self._write("withdraw the rejection", lambda: review.unreject(
            self.project, ann.id, reviewer=self.reviewer))

    def reopen(self) -> bool:
        """Undo the decisions on the current item (delete reviewed copies, unreject)."""
        item = self.current_item()
        if item is None or not (item.reviewed or item.rejected):
            return False

        def undo() -> None:
            for rev in item.reviewed:
                annotate.apply_edit(self.project, annotate.DeleteAnnotation(
                    rev.id, expected_version=rev.version), actor=self.reviewer or "unknown")
            for ann_id in item.rejected:
                review.unreject(self.project, ann_id, reviewer=self.reviewer)
        return self._write("reopen the item", undo)

    def accept_agreed(self) -> bool:
        """Accept every agreed item not yet settled (A's copy)."""
        if self.article_id is None or self.b_is_reviewed:
            return False
        aid, a, b = self.article_id, self.annotator_a, self.annotator_b
        return self._write("accept the agreed items", lambda: review.accept_agreed(
            self.project, aid, a, b, reviewer=self.reviewer))

    def edit_item(self) -> EditAcceptDialog | None:
        """Open the edit dialog for the current item (non-blocking); returns it."""
        item = self.current_item()
        if item is None:
            return None
        sides = [s for s in ("a", "b") if self._side(s) is not None]
        if not sides:
            return None
        selection = self.selection_provider() if self.selection_provider else None
        dialog = EditAcceptDialog(item, names=self._names(), labels=self.project.labels(),
                                  article_text=self.article_text, sides=sides,
                                  selection=selection, parent=self)
        dialog.accepted.connect(lambda: self.accept_edited(*dialog.values()))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.edit_dialog = dialog
        dialog.open()
        return dialog
