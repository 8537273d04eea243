"""Suggested attributions in the window: propose, paint, step, accept, reject.

Tag › Suggest attributions runs the engine (``services/suggestions.py``) on the open
article and enters *suggestion mode*. The engine runs in a worker thread
(``qt/suggest_worker.py``) over a snapshot of the text, so a 1 MB article does not
freeze the window; its result is applied on the UI thread only if the same article
and text are still open (otherwise it is dropped, and a run still going is cancelled).
The result is kept per text: accepting or rejecting re-filters it without re-running.
The pending list is announced as ``Changes(extra={"suggestions"})`` (the Suggestions
pane lists it), the current one as ``wb.suggestionMoved``. Suggestions are never stored as annotations and
never counted anywhere; they are painted as dashed outlines — transient extra
selections for the lines on screen only, never a format in the QTextDocument.

Keys while suggestion mode is on and the article text has the focus (they take
precedence over the same keys' usual meaning, which comes back when the mode ends):

* ``N`` / ``P`` — next / previous suggestion (the article scrolls to it);
* ``Enter`` — accept: the annotation gets the proposed type, source mention, facets,
  cue and provenance "suggested". With words selected inside or across the suggestion,
  the selection becomes the claim (boundaries adjusted before accepting);
* ``1``–``9`` — accept with that source type instead;
* ``X`` — reject (remembered: running the engine again does not propose it);
* ``Esc`` — leave suggestion mode.

Every accept and reject is one undo step; Tag › Accept all suggestions above N % is one
undo step for all of them.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QKeyEvent, QPen, QTextCharFormat, QTextFormat, QUndoCommand

from annotator.domain.errors import UserInputError
from annotator.qt import theme
from annotator.qt.pane import PaneManager
from annotator.qt.workbench import SUGGESTIONS_CHANGED, Workbench
from annotator.services.changes import AnnotationChange, Changes

if TYPE_CHECKING:  # the engine and the storage stack load on first use, not at start-up
    from annotator.domain.suggest import AttributionSuggestion
    from annotator.qt.suggest_worker import SuggestJob, SuggestResult, SuggestWorker
    from annotator.services.suggestions import Proposal

ON_OPEN_SETTING = "suggest/on_open"
THRESHOLD_SETTING = "suggest/accept_above"
OUTLINE = "#7f3fbf"
"""Dashed outline colour: a purple no default source type uses."""
MAX_PAINTED = 400
"""At most this many suggestions are outlined at once (the lines on screen)."""

_KEYS = {Qt.Key.Key_N, Qt.Key.Key_P, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_X,
         Qt.Key.Key_Escape, *(getattr(Qt.Key, f"Key_{d}") for d in range(1, 10))}


class SuggestionController(QObject):
    def __init__(self, wb: Workbench, panes: PaneManager | None = None) -> None:
        super().__init__(wb)
        self.wb = wb
        self.panes = panes
        self.proposals: list[Proposal] = []
        self._starts: list[int] = []
        self._longest = 0
        self.current = -1
        self.active = False
        self.article_id: int | None = None
        """The article the suggestions were computed for."""
        self._worker: SuggestWorker | None = None
        self.pending: SuggestJob | None = None
        """The engine run whose result is awaited (``None``: none)."""
        self._raw: tuple[int, str, list[AttributionSuggestion]] | None = None
        """The engine's last result: (article id, the text it read, its suggestions)."""
        self._where: tuple[int, int] | None = None
        """Cursor and scroll position when the run started (moved meanwhile: no jump)."""
        self.dropped = 0
        """Stale results thrown away (another article open, suggestions stopped)."""
        act = wb.actions
        act.add("actionSuggest", "Suggest &attributions", self.start, "Ctrl+Shift+A",
                menu="&Tag", section=8,
                help="propose every attribution in the article (N/P, Enter, 1–9, X, Esc)")
        self.on_open_action = act.add(
            "actionSuggestOnOpen", "Suggest attributions on &opening an article",
            self._toggle_on_open, menu="&Tag", section=8,
            help="run Suggest attributions whenever an article is opened")
        self.on_open_action.setCheckable(True)
        self.on_open_action.setChecked(self.on_open)
        act.add("actionAcceptAbove", "Accept all suggestions a&bove…", self.accept_above_dialog,
                menu="&Tag", section=8, help="accept every suggestion at or above a "
                "confidence, as one undo step")
        act.add("actionSuggestionList", "Suggestions &list", self.show_list, "Ctrl+Shift+L",
                menu="&Tag", section=8, scope="window",
                help="the pending suggestions as a sortable list (Enter, 1–9, X)")
        act.add("actionStopSuggesting", "Stop suggesting", self.stop, menu="&Tag", section=8,
                help="hide the suggestions (Esc in the article)")
        wb.suggesting = self
        wb.articleChanged.connect(self._article_changed)
        wb.view.visibleRangeChanged.connect(lambda *_: self.paint())
        wb.view.installEventFilter(self)
        wb.window.installEventFilter(self)  # closing: stop the worker first

    @property
    def worker(self) -> SuggestWorker:
        """The engine's worker thread, made on first use (the engine and the storage
        stack are not loaded for the start-up shell)."""
        if self._worker is None:
            from annotator.qt.suggest_worker import SuggestWorker

            self._worker = SuggestWorker(self)
            self._worker.finished.connect(self._finished)
        return self._worker

    # ------------------------------------------------------------- settings
    @property
    def on_open(self) -> bool:
        return str(self.wb.settings.value(ON_OPEN_SETTING, "false")).lower() == "true"

    def _toggle_on_open(self) -> None:
        on = self.on_open_action.isChecked()
        self.wb.settings.setValue(ON_OPEN_SETTING, "true" if on else "false")
        if on and self.wb.article is not None and not self.active:
            self.start()

    def _article_changed(self) -> None:
        self.stop(quiet=True)
        if self.on_open and self.wb.article is not None:
            self.start()

    def show_list(self) -> None:
        """Show the Suggestions pane (suggesting first if nothing is shown yet)."""
        if not self.active and self.wb.article is not None:
            self.start()
        if self.panes is not None:
            pane = self.panes.get("suggestionsDock")
            if pane.dock is not None:
                pane.dock.show()
                pane.dock.raise_()
            focus = getattr(pane, "focus_list", None)
            if callable(focus):
                focus()

    # ------------------------------------------------------------ the mode
    def start(self) -> None:
        """Show the open article's suggestions; the engine runs in a worker thread.

        The window stays live meanwhile; the result is shown only if the same article
        (and the same text) is still open and suggestions were not stopped.
        """
        article = self.wb.article
        if article is None:
            self.wb.status("Open an article first.")
            return
        self.active = True
        self.article_id = article.id
        raw = self._raw
        if raw is not None and raw[0] == article.id and raw[1] == article.text:
            self.pending = None  # the engine is deterministic: same text, same answer
            self._show(jump=True)
            return
        from annotator.qt.suggest_worker import SuggestJob

        token = self.worker.submit(article.id, article.text, article.article.outlet)
        self.pending = SuggestJob(token, article.id, article.text, article.article.outlet)
        self._where = (self.wb.view.cursor_cp(),
                       self.wb.view.verticalScrollBar().value())
        self.wb.status("Suggesting attributions…", 0)
        self._announce()

    def _finished(self, result: SuggestResult) -> None:
        """A worker result, on the UI thread: apply it only if it is still wanted."""
        job, article = result.job, self.wb.article
        if (self.pending is None or job.token != self.pending.token or not self.active
                or article is None or article.id != job.article_id):
            self.dropped += 1
            return
        self.pending = None
        if article.text != job.text:  # the same article, another version of its text
            self.dropped += 1
            self.start()
            return
        if result.suggestions is None:
            self.active = False
            self.wb.status(f"Could not suggest attributions: {result.error or 'cancelled'}")
            self._announce()
            return
        self._raw = (job.article_id, job.text, result.suggestions)
        view = self.wb.view
        moved = self._where != (view.cursor_cp(), view.verticalScrollBar().value())
        self._show(jump=not moved)

    def _show(self, *, jump: bool) -> None:
        self.refresh(keep=None)
        if not self.proposals:
            self.wb.status("No attributions to suggest in this article.")
        elif jump:
            self.go(0)
        else:  # the analyst has moved on meanwhile: do not yank the article away
            self.wb.status(f"{len(self.proposals)} suggestion(s) — N/P to step through "
                           "them, Tag › Suggestions list to see them all", 0)

    def stop(self, *, quiet: bool = False) -> None:
        self.active = False
        was_shown = bool(self.proposals) or self.pending is not None
        if self.pending is not None:
            self.worker.cancel()
            self.pending = None
        self.proposals, self._starts, self.current = [], [], -1
        self.wb.view.set_overlay("suggest", [])
        if was_shown:
            self._announce()
        if not quiet:
            self.wb.status("Suggestions hidden.", 3000)

    def refresh(self, keep: int | None = None) -> None:
        """Recompute (annotated spans and rejected suggestions drop out).

        Re-filters the engine's cached result for this text; only :meth:`start` runs
        the engine. While a run is pending there is nothing to refresh yet.
        """
        from annotator.services import suggestions

        article = self.wb.article
        raw = self._raw
        if (not self.active or article is None or raw is None or raw[0] != article.id
                or raw[1] != article.text):
            return
        self.proposals = suggestions.pending_for_article(
            self.wb.project, article.id, raw[2], article.text,
            outlet=article.article.outlet)
        self.article_id = article.id
        self._starts = [p.suggestion.start for p in self.proposals]
        self._longest = max((p.suggestion.end - p.suggestion.start for p in self.proposals),
                            default=0)
        if not self.proposals:
            self.current = -1
        elif keep is not None:
            self.current = min(bisect_left(self._starts, keep), len(self.proposals) - 1)
        else:
            self.current = min(self.current, len(self.proposals) - 1)
        self.paint()
        self._announce()

    def _announce(self) -> None:
        """Tell the panes the list of pending suggestions changed (a Changes record)."""
        self.wb.apply_changes(Changes(extra=frozenset({SUGGESTIONS_CHANGED})))

    def apply_changes(self, changes: Changes) -> None:
        """Someone else's change (a colleague, an import) may cover a suggestion."""
        article = self.wb.article
        if self.active and article is not None and changes.reloads(article.id):
            cur = self.current_proposal()
            self.refresh(keep=cur.suggestion.start if cur else None)

    # ----------------------------------------------------------- stepping
    def current_proposal(self) -> Proposal | None:
        if 0 <= self.current < len(self.proposals):
            return self.proposals[self.current]
        return None

    def step(self, step: int) -> None:
        if not self.proposals:
            return
        self.go((self.current + step) % len(self.proposals) if self.current >= 0 else 0)

    def go(self, index: int) -> None:
        """Make suggestion ``index`` the current one; the article scrolls to it.

        Navigation, not a data change: announced with ``wb.suggestionMoved``."""
        if not 0 <= index < len(self.proposals):
            return
        self.current = index
        p = self.proposals[index]
        view = self.wb.view
        view.select_cp(p.suggestion.start, p.suggestion.start)  # scrolls to it
        view.centerCursor()
        self.paint()
        self.wb.status(self.describe(p), 0)
        self.wb.suggestionMoved.emit()

    def describe(self, p: Proposal) -> str:
        rec = p.record()
        label = self.wb.label_by_key.get(p.label)
        parts = [f"Suggestion {self.current + 1} of {len(self.proposals)}",
                 f"{round(float(rec['confidence']) * 100)} %",  # type: ignore[arg-type]
                 label.name if label else p.label]
        if rec["source_text"]:
            parts.append(f"source “{rec['source_text']}”")
        if rec["cue_text"]:
            parts.append(f"cue “{rec['cue_text']}”")
        parts.append("; ".join(p.suggestion.reasons))
        return " · ".join(parts) + " — Enter accept, 1–9 other type, X reject, N/P move"

    # ----------------------------------------------------------- painting
    def visible(self) -> list[int]:
        """Indexes of the suggestions overlapping the lines on screen."""
        lo, hi = self.wb.view.visible_cp_range()
        first = bisect_left(self._starts, lo - self._longest)
        last = bisect_left(self._starts, hi)
        out = [i for i in range(first, last) if self.proposals[i].suggestion.end > lo]
        return out[:MAX_PAINTED]

    def paint(self) -> None:
        view = self.wb.view
        if not self.active or not self.proposals or view.article is None \
                or view.article.id != self.article_id:
            view.set_overlay("suggest", [])
            return
        palette = view.palette()
        color = theme.readable_fill(QColor(OUTLINE), palette)
        color.setAlpha(255)
        marks = []
        for i in self.visible():
            s = self.proposals[i].suggestion
            current = i == self.current
            fmt = QTextCharFormat()
            pen = QPen(color, 2.0 if current else 1.0, Qt.PenStyle.DashLine)
            fmt.setProperty(QTextFormat.Property.OutlinePen, pen)
            for a, b in s.fragments:
                marks.append(view.mark_span(a, b, fmt))
            if current:
                for span, style in ((s.source, QTextCharFormat.UnderlineStyle.DotLine),
                                    (s.cue, QTextCharFormat.UnderlineStyle.DashUnderline)):
                    if span is None:
                        continue
                    under = QTextCharFormat()
                    under.setFontUnderline(True)
                    under.setUnderlineStyle(style)
                    under.setUnderlineColor(color)
                    marks.append(view.mark_span(span[0], span[1], under))
        view.set_overlay("suggest", marks)

    # ------------------------------------------------------------- keys
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self.wb.window and event.type() == QEvent.Type.Close:
            if self._worker is not None:
                self._worker.wait()
            return False
        if not self.active or obj is not self.wb.view:
            return False
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        assert isinstance(event, QKeyEvent)
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() not in _KEYS or mods != Qt.KeyboardModifier.NoModifier:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # the key comes to us as a key press, not to a shortcut
            return True
        key = Qt.Key(event.key())
        # Act after the key event has been delivered: accepting re-lays out the text
        # widget, which must not happen inside its own key handling.
        QTimer.singleShot(0, lambda: self.key(key))
        return True

    def key(self, key: Qt.Key) -> None:
        if key == Qt.Key.Key_N:
            self.step(1)
        elif key == Qt.Key.Key_P:
            self.step(-1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept()
        elif key == Qt.Key.Key_X:
            self.reject()
        elif key == Qt.Key.Key_Escape:
            self.stop()
        else:
            self.accept_key(str(int(key) - int(Qt.Key.Key_0)))

    def accept_key(self, digit: str) -> None:
        """Accept the current suggestion with the source type on key ``digit``."""
        label = next((lab for lab in self.wb.labels
                      if lab.shortcut == digit and not lab.retired), None)
        if label is None:
            self.wb.status(f"No source type on key {digit}.")
            return
        self.accept(label=label.key)

    # ------------------------------------------------------- accept / reject
    def accept(self, label: str | None = None) -> None:
        p = self.current_proposal()
        if p is None:
            return
        if not self.wb.analyst:
            self.wb.status("Set your analyst name first (File › Set analyst name).")
            return
        span = None
        start, end = self.wb.text_selection()
        s = p.suggestion
        if start < end and start < s.end and s.start < end:
            span = (start, end)  # the analyst adjusted the boundaries
        key = label or p.label
        name = self.wb.label_by_key[key].name if key in self.wb.label_by_key else key
        self.wb.undo_stack.push(AcceptCommand(self, [(p, label, span)],
                                              f"Accept suggestion as {name}"))

    def accept_above(self, threshold: float) -> int:
        """Accept every suggestion with confidence ≥ ``threshold`` (0–1): one undo step."""
        items: list[tuple[Proposal, str | None, tuple[int, int] | None]] = [
            (p, None, None) for p in self.proposals if p.suggestion.confidence >= threshold]
        if not items or not self.wb.analyst:
            return 0
        self.wb.undo_stack.push(AcceptCommand(
            self, items, f"Accept {len(items)} suggestion(s) above {round(threshold * 100)} %"))
        return len(items)

    def accept_above_dialog(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        if not self.proposals:
            if not self.active:
                self.start()
            if self.pending is not None:
                self.wb.status("Suggesting attributions… choose Accept all above again "
                               "once they are shown.")
            return
        value, ok = QInputDialog.getInt(
            self.wb.window, "Accept suggestions", "Accept every suggestion with a "
            "confidence of at least (%):",
            int(str(self.wb.settings.value(THRESHOLD_SETTING, 85))), 1, 99)
        if ok:
            self.wb.settings.setValue(THRESHOLD_SETTING, value)
            n = self.accept_above(value / 100)
            self.wb.status(f"Accepted {n} suggestion(s) · Ctrl+Z undoes them all")

    def reject(self) -> None:
        p = self.current_proposal()
        if p is None:
            return
        self.wb.undo_stack.push(RejectCommand(self, p))


class AcceptCommand(QUndoCommand):
    """Accept suggestions (one or many) as one undo step."""

    def __init__(self, ctl: SuggestionController,
                 items: list[tuple[Proposal, str | None, tuple[int, int] | None]],
                 text: str) -> None:
        super().__init__(text)
        self.ctl = ctl
        self.items = items
        self.article_id = ctl.wb.article.id if ctl.wb.article else -1
        self.created: list[str] = []

    def redo(self) -> None:
        from annotator.services import suggestions

        wb = self.ctl.wb
        changes: list[AnnotationChange] = []
        self.created = []
        try:
            for p, label, span in self.items:
                ann = suggestions.accept(wb.project, p, article_id=self.article_id,
                                         annotator=wb.analyst, label=label, span=span)
                self.created.append(ann.id)
                changes.append(AnnotationChange(self.article_id, None, ann))
        except UserInputError as exc:
            wb.status(f"Cannot accept: {exc}")
            self.setObsolete(True)
        if changes:
            wb.apply_changes(Changes(annotations=tuple(changes)))
            wb.view.clear_selection()
            wb.select(changes[-1].after.id if changes[-1].after else None, scroll_text=False)
        first = self.items[0][0].suggestion.start
        self.ctl.refresh(keep=first)
        if self.ctl.current_proposal() is not None:
            self.ctl.go(self.ctl.current)

    def undo(self) -> None:
        from annotator.services import annotate

        wb = self.ctl.wb
        merged = Changes()
        for ann_id in reversed(self.created):
            try:
                change, _inverse = annotate.apply(
                    wb.project, annotate.DeleteAnnotation(ann_id), actor=wb.analyst)
            except (UserInputError, LookupError) as exc:
                wb.status(f"Cannot undo: {exc}")
                continue
            merged = merged | change
        wb.apply_changes(merged)
        self.created = []
        self.ctl.refresh(keep=self.items[0][0].suggestion.start)


class RejectCommand(QUndoCommand):
    """Reject one suggestion (remembered in the project); undo forgets the rejection."""

    def __init__(self, ctl: SuggestionController, proposal: Proposal) -> None:
        super().__init__("Reject suggestion")
        self.ctl = ctl
        self.proposal = proposal
        self.article_id = ctl.wb.article.id if ctl.wb.article else -1

    def redo(self) -> None:
        from annotator.services import suggestions

        wb = self.ctl.wb
        suggestions.reject(wb.project, self.article_id, [self.proposal], by=wb.analyst)
        self.ctl.refresh(keep=self.proposal.suggestion.start)
        if self.ctl.current_proposal() is not None:
            self.ctl.go(self.ctl.current)

    def undo(self) -> None:
        from annotator.services import suggestions

        wb = self.ctl.wb
        suggestions.unreject(wb.project, self.article_id, [self.proposal])
        self.ctl.refresh(keep=self.proposal.suggestion.start)
