"""Read-only article text with keyboard and mouse selection.

The widget never is the source of truth: offsets come from the document cursor
(UTF-16 positions) and are converted with the article's OffsetMap; any text shown
elsewhere is cut from the stored article text, never read back from the widget.

Mouse selections snap outward to whole words when the button is released (as in
brat and INCEpTION; hold Alt to place the ends exactly). A click owns the caret:
clicking a highlight selects its annotation and leaves the caret where the click
was, so Shift+click and Shift+arrows extend from that point.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QMouseEvent,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from annotator.domain.word_boundaries import describe_split, snap_span
from annotator.qt import block_layout, theme
from annotator.qt.highlighter import SpanHighlighter

if TYPE_CHECKING:  # not imported at start-up: it pulls in the storage stack
    from annotator.services.open_article import OpenArticle


class ArticleView(QPlainTextEdit):
    annotationClicked = Signal(str)  # annotation id
    selectionChangedCp = Signal(int, int)  # code-point selection (start == end: none)
    contextMenuAt = Signal(QPoint, int)  # global pos, code-point offset
    boundaryWarning = Signal(str)  # a selection or annotation cuts a word ("" = none)
    visibleRangeChanged = Signal(int, int)  # code points shown on screen (start, end)
    articleShown = Signal()  # show_article replaced the text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Before the font is set: the view passes its font on to its document.
        document = QTextDocument(self)
        block_layout.install(document)  # a re-highlight relays out one block, not two
        self.setDocument(document)
        self.setObjectName("articleView")
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setAcceptDrops(False)
        self.setUndoRedoEnabled(False)
        self.setCenterOnScroll(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        font = QFont("Noto Serif")
        font.setStyleHint(QFont.StyleHint.Serif)
        font.setPointSizeF(12.5)
        self.setFont(font)
        self.document().setDocumentMargin(18)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.highlighter = SpanHighlighter(self.document())
        self.highlighter.attach(self)
        self.article: OpenArticle | None = None
        self.selected_id: str | None = None
        self._selected_fill: str | None = None
        self._press_pos: QPoint | None = None
        self._click_owns_caret = False
        """True while a click's annotationClicked is handled: the caret stays put."""
        self.snap_to_words = True
        self._updating_blocks = False
        self._visible = (-1, -1)
        self._overlays: dict[str, list[QTextEdit.ExtraSelection]] = {}
        """Transient marks by owner ("selected", "find"): painted over the viewport,
        never stored in the document."""
        self._apply_palette()
        self.verticalScrollBar().valueChanged.connect(self._update_active_blocks)
        self.updateRequest.connect(lambda *_: self._update_active_blocks())
        self.selectionChanged.connect(self._emit_selection)

    # --- content ---------------------------------------------------------
    def show_article(self, article: OpenArticle | None) -> None:
        self.article = article
        self.selected_id = None
        self.highlighter.set_article(article)
        self._overlays.clear()
        self.setExtraSelections([])
        # Not while Qt replaces the text: its updateRequest would highlight the first
        # screen once inside setPlainText and, the runs being dropped afterwards, again.
        self._updating_blocks = True
        try:
            with self.highlighter.text_replaced():
                self.setPlainText(article.text if article else "")
            self.moveCursor(QTextCursor.MoveOperation.Start)
            if article is not None:
                self.highlighter.prime(0, self._screen_chars())
        finally:
            self._updating_blocks = False
        self._visible = (-1, -1)
        self._update_active_blocks()
        self.articleShown.emit()

    def show_text_preview(self, text: str) -> None:
        """Start-up only: the stored text painted before its article is loaded. With no
        article there are no highlights, selections map to nothing and nothing can be
        tagged; :meth:`show_article` replaces it."""
        with self.highlighter.text_replaced():
            self.setPlainText(text)
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def _screen_chars(self) -> int:
        """About how many characters fill the viewport: full lines of average
        characters (wrapped lines are not full and paragraphs end lines early, so this
        errs on the side of more; a block it misses is painted by the visible-range
        check after it, only laid out twice)."""
        metrics = QFontMetricsF(self.font())
        margin = 2 * self.document().documentMargin()
        per_line = max(1.0, self.viewport().width() - margin) / max(1.0, metrics.averageCharWidth())
        lines = max(1.0, self.viewport().height() - margin) / max(1.0, metrics.lineSpacing())
        return int(per_line * (lines + 1))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        # A taller or wider viewport shows other blocks, with or without a scroll.
        super().resizeEvent(event)
        self._update_active_blocks()

    def _update_active_blocks(self) -> None:
        """Tell the highlighter which blocks are on screen (guarded: painting a block
        relayouts it, which emits updateRequest, which would call us again)."""
        if self._updating_blocks:
            return
        self._updating_blocks = True
        try:
            self._compute_active_blocks()
        finally:
            self._updating_blocks = False

    def _compute_active_blocks(self) -> None:
        block = self.firstVisibleBlock()
        if not block.isValid():
            return
        first = block.blockNumber()
        height = self.viewport().height()
        offset = self.contentOffset()
        last = first
        while block.isValid():
            top = self.blockBoundingGeometry(block).translated(offset).top()
            if top > height:
                break
            last = block.blockNumber()
            block = block.next()
        if (first, last) != self._visible:
            self._visible = (first, last)
            self.highlighter.set_active_blocks(first, last)
            self.visibleRangeChanged.emit(*self.visible_cp_range())

    def visible_cp_range(self) -> tuple[int, int]:
        """Code points of the blocks on screen (whole blocks), ``(0, 0)`` when empty."""
        if self.article is None or self._visible[0] < 0:
            return (0, 0)
        doc = self.document()
        first = doc.findBlockByNumber(self._visible[0])
        last = doc.findBlockByNumber(self._visible[1])
        if not first.isValid() or not last.isValid():
            return (0, 0)
        offsets = self.article.offsets
        end16 = min(last.position() + last.length() - 1, offsets.utf16_length)
        return offsets.to_code_point(first.position()), offsets.to_code_point(end16)

    # --- transient marks -----------------------------------------------------
    def set_overlay(self, owner: str, selections: list[QTextEdit.ExtraSelection]) -> None:
        """Replace ``owner``'s transient marks (find hits, the selected outline)."""
        if selections:
            self._overlays[owner] = selections
        else:
            self._overlays.pop(owner, None)
        merged: list[QTextEdit.ExtraSelection] = []
        for key in ("find", "selected"):  # the selected outline is painted last, on top
            merged.extend(self._overlays.get(key, ()))
        for key, marks in self._overlays.items():
            if key not in ("find", "selected"):
                merged.extend(marks)
        self.setExtraSelections(merged)

    def mark_span(self, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        """An extra selection over code points ``[start, end)`` (converted for Qt)."""
        assert self.article is not None
        s16, e16 = self.article.offsets.span_to_utf16(start, end)
        sel = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(s16)
        cursor.setPosition(e16, QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = cursor
        sel.format = fmt
        return sel

    # --- palette -------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()

    def _apply_palette(self) -> None:
        """Light or dark: fills are made readable under the palette's text colour."""
        palette = self.palette()
        # Both themes: dark labels (the reviewed layer's near-black) lighten under dark
        # text, pale ones darken under light text; formats are cached, so this is once.
        self.highlighter.set_color_adjust(lambda c: theme.readable_fill(c, palette))
        if self.selected_id is not None:
            self.mark_selected(self.selected_id, self._selected_fill)

    # --- offsets -----------------------------------------------------------
    def selection_cp(self) -> tuple[int, int]:
        """Current selection as code points ``(start, end)``; equal when empty."""
        if self.article is None:
            return (0, 0)
        cursor = self.textCursor()
        return self.article.offsets.span_to_code_points(
            cursor.selectionStart(), cursor.selectionEnd()
        )

    def cursor_cp(self) -> int:
        if self.article is None:
            return 0
        return self.article.offsets.to_code_point(self.textCursor().position())

    def offset_at(self, pos: QPoint) -> int | None:
        """Code point under viewport position ``pos`` (the character, not the gap)."""
        if self.article is None:
            return None
        cursor = self.cursorForPosition(pos)
        u16 = cursor.position()
        # cursorForPosition returns the nearest gap; pick the character whose box holds pos.
        rect = self.cursorRect(cursor)
        if pos.x() < rect.x() and u16 > 0:
            u16 -= 1
        return min(self.article.offsets.to_code_point(u16), max(0, len(self.article.text) - 1))

    def select_cp(self, start: int, end: int, *, ensure_visible: bool = True) -> None:
        if self.article is None or self._click_owns_caret:
            return
        s16, e16 = self.article.offsets.span_to_utf16(start, end)
        cursor = self.textCursor()
        cursor.setPosition(s16)
        cursor.setPosition(e16, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        if ensure_visible:
            self.ensureCursorVisible()

    def clear_selection(self) -> None:
        """Drop the selection, keeping the caret and the scroll position where they are."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return
        bars = self.verticalScrollBar().value(), self.horizontalScrollBar().value()
        cursor.clearSelection()
        self.setTextCursor(cursor)
        self.verticalScrollBar().setValue(bars[0])
        self.horizontalScrollBar().setValue(bars[1])

    def split_warning(self, start: int, end: int) -> str:
        """Status-bar line when code points ``[start, end)`` start or end inside a word."""
        if self.article is None or start >= end:
            return ""
        return describe_split(self.article.text, start, end)

    def _snap_mouse_selection(self, words: bool) -> None:
        """Widen the mouse selection to whole words (or only whole characters with Alt)."""
        if self.article is None:
            return
        cursor = self.textCursor()
        offsets = self.article.offsets
        anchor = offsets.to_code_point(cursor.anchor())
        position = offsets.to_code_point(cursor.position())
        start, end = snap_span(self.article.text, anchor, position, words=words)
        if (min(anchor, position), max(anchor, position)) != (start, end):
            forward = anchor <= position
            a16, p16 = offsets.span_to_utf16(*((start, end) if forward else (end, start)))
            cursor.setPosition(a16)
            cursor.setPosition(p16, QTextCursor.MoveMode.KeepAnchor)
            self.setTextCursor(cursor)
        self.boundaryWarning.emit(self.split_warning(start, end))

    def mark_selected(self, annotation_id: str | None, color: str | None = None) -> None:
        """Outline the selected annotation with a transient extra selection."""
        self.selected_id = annotation_id
        self._selected_fill = color
        if self.article is None or annotation_id is None:
            self.set_overlay("selected", [])
            return
        ann = self.article.by_id.get(annotation_id)
        if ann is None:
            self.set_overlay("selected", [])
            return
        fmt = QTextCharFormat()
        palette = self.palette()
        base = theme.readable_fill(QColor(color or "#4e79a7"), palette)
        base.setAlpha(150)
        fmt.setBackground(base)
        fmt.setFontUnderline(True)
        fmt.setUnderlineColor(palette.color(palette.ColorRole.Text))
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        self.set_overlay("selected", [self.mark_span(ann.start, ann.end, fmt)])
        warning = self.split_warning(ann.start, ann.end)
        if warning:
            self.boundaryWarning.emit(warning.replace("Span", "This annotation", 1))

    # --- events --------------------------------------------------------------
    def _emit_selection(self) -> None:
        start, end = self.selection_cp()
        self.selectionChangedCp.emit(start, end)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._press_pos = event.position().toPoint()
        if event.button() == Qt.MouseButton.LeftButton and \
                not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            # A press inside the selection would start a text drag-and-drop (and a
            # drag that then selects nothing); in a read-only article it starts a new
            # selection instead.
            self.clear_selection()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and self._press_pos is not None \
                and self.textCursor().hasSelection():
            alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
            self._snap_mouse_selection(words=self.snap_to_words and not alt)
        elif (event.button() == Qt.MouseButton.LeftButton and self._press_pos is not None
                and (event.position().toPoint() - self._press_pos).manhattanLength() < 4):
            offset = self.offset_at(event.position().toPoint())
            if offset is not None and self.article is not None:
                hits = self.article.index.at(offset)
                keep = self.highlighter.visible_filter
                hits = [h for h in hits if keep is None or keep(h.annotator)]
                if hits:
                    # Clicking again on a nested stack cycles outward.
                    ids = [h.id for h in hits]
                    if self.selected_id in ids:
                        nxt = ids[(ids.index(self.selected_id) + 1) % len(ids)]
                    else:
                        nxt = ids[0]
                    self._click_owns_caret = True
                    try:
                        self.annotationClicked.emit(nxt)
                    finally:
                        self._click_owns_caret = False
        self._press_pos = None

    def event(self, event: QEvent) -> bool:  # noqa: A003
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            self._tooltip(event)
            return True
        return super().event(event)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            self._tooltip(event)
            return True
        return super().viewportEvent(event)

    tooltip_provider: Callable[[list[str]], str] | None = None  # set by the article pane

    def _tooltip(self, event: QHelpEvent) -> None:
        offset = self.offset_at(event.pos())
        text = ""
        if offset is not None and self.article is not None and self.tooltip_provider:
            hits = self.article.index.at(offset)
            keep = self.highlighter.visible_filter
            hits = [h for h in hits if keep is None or keep(h.annotator)]
            if hits:
                text = self.tooltip_provider([h.id for h in hits])
        if text:
            QToolTip.showText(event.globalPos(), text, self)
        else:
            QToolTip.hideText()
            event.ignore()

    def _context_menu(self, pos: QPoint) -> None:
        offset = self.offset_at(pos)
        self.contextMenuAt.emit(self.viewport().mapToGlobal(pos),
                                -1 if offset is None else offset)
