"""Find in article: a bar under the text, every hit marked, F3/Shift+F3 to step.

Hits are searched in the stored text in code points (:func:`find_all`) and
converted for Qt only to paint them. They are painted as transient marks
(extra selections) for the lines on screen only, refreshed as the view scrolls, so
a one-letter query on a 1 MB article costs what is visible, and the document is
never formatted. The current hit is selected in the article, so it can be tagged
at once with a digit key.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeyEvent, QKeySequence, QTextCharFormat
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from annotator.domain.text_search import MAX_HITS, find_all
from annotator.qt import theme
from annotator.qt.article_view import ArticleView

HIT_COLOR = "#ffd54f"
CURRENT_COLOR = "#ff8f00"
UNDERLINE_LIGHT = "#d84315"
UNDERLINE_DARK = "#ffab40"
MAX_PAINTED = 3_000
"""Marks painted at most at once (a screen never shows more than a few hundred)."""


class _FindField(QLineEdit):
    """Enter: next hit, Shift+Enter: previous, Escape: close the bar."""

    step = Signal(int)
    closeRequested = Signal()

    def event(self, event: QEvent) -> bool:  # noqa: A003
        # Escape and Enter belong to the field while it has focus, even when the window
        # binds them (Esc clears the article selection there).
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            back = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.step.emit(-1 if back else 1)
            return
        if event.key() == Qt.Key.Key_Escape:
            self.closeRequested.emit()
            return
        super().keyPressEvent(event)


class FindBar(QWidget):
    """Find bar bound to one article view; ``commands()`` go on the window."""

    def __init__(self, view: ArticleView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.view = view
        self.hits: list[tuple[int, int]] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        self.current = -1
        self._text_id: int | None = None

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(QLabel("Find:"))
        self.field = _FindField()
        self.field.setObjectName("findField")
        self.field.setPlaceholderText("Find in article (Enter: next, Shift+Enter: previous)")
        self.field.setClearButtonEnabled(True)
        self.field.setMinimumWidth(150)
        self.field.textChanged.connect(self._query_changed)
        self.field.step.connect(self.step)
        self.field.closeRequested.connect(self.close_bar)
        layout.addWidget(self.field, 1)
        self.case = QToolButton()
        self.case.setText("Aa")
        self.case.setCheckable(True)
        self.case.setToolTip("Match case")
        self.case.setObjectName("findMatchCase")
        self.case.toggled.connect(lambda _on: self._query_changed(self.field.text()))
        layout.addWidget(self.case)
        self.prev_button = QToolButton()
        self.prev_button.setText("▲")
        self.prev_button.setToolTip("Previous hit (Shift+F3)")
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button = QToolButton()
        self.next_button.setText("▼")
        self.next_button.setToolTip("Next hit (F3)")
        self.next_button.clicked.connect(lambda: self.step(1))
        layout.addWidget(self.prev_button)
        layout.addWidget(self.next_button)
        self.count = QLabel()
        self.count.setObjectName("findCount")
        self.count.setMinimumWidth(70)
        layout.addWidget(self.count)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Close (Esc)")
        close.clicked.connect(self.close_bar)
        layout.addWidget(close)

        self.find_action = QAction("&Find in article…", self)
        self.find_action.setObjectName("actionFind")
        self.find_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.find_action.triggered.connect(self.open_bar)
        self.next_action = QAction("Find &next", self)
        self.next_action.setObjectName("actionFindNext")
        self.next_action.setShortcuts([QKeySequence("F3")])
        self.next_action.triggered.connect(lambda: self.step(1))
        self.prev_action = QAction("Find &previous", self)
        self.prev_action.setObjectName("actionFindPrevious")
        self.prev_action.setShortcuts([QKeySequence("Shift+F3")])
        self.prev_action.triggered.connect(lambda: self.step(-1))

        view.visibleRangeChanged.connect(lambda *_: self.paint())
        view.articleShown.connect(self._article_changed)
        self.hide()

    def commands(self) -> list[QAction]:
        return [self.find_action, self.next_action, self.prev_action]

    # --- opening and closing ---------------------------------------------
    def open_bar(self, *, prefill: bool = True) -> None:
        """Show the bar and focus the field, prefilled with a short selected phrase."""
        article = self.view.article
        start, end = self.view.selection_cp()
        if prefill and article is not None and 0 < end - start <= 80 \
                and "\n" not in article.text[start:end]:
            self.field.setText(article.text[start:end])
        self.show()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()
        self._query_changed(self.field.text(), move=False)

    def close_bar(self) -> None:
        self.hide()
        self.view.set_overlay("find", [])
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- searching -----------------------------------------------------------
    def _article_changed(self) -> None:
        if self.isVisible():
            self._query_changed(self.field.text(), move=False)

    def _query_changed(self, query: str, *, move: bool = True) -> None:
        article = self.view.article
        text = article.text if article is not None else ""
        self.hits = find_all(text, query, case_sensitive=self.case.isChecked())
        self._starts = [s for s, _ in self.hits]
        self._ends = [e for _, e in self.hits]
        self.current = -1
        if self.hits and move:
            # Incremental: the first hit at or after the caret becomes current.
            caret = self.view.selection_cp()[0]
            self._go(bisect_left(self._starts, caret) % len(self.hits))
        else:
            self._show_count()
            self.paint()

    def step(self, direction: int) -> None:
        """F3 / Shift+F3: the next or previous hit from the current one (or the caret)."""
        if not self.isVisible():
            self.open_bar(prefill=False)  # F3 on a closed bar repeats the last search
            if not self.field.text():
                return
        if not self.hits:
            self._show_count()
            return
        if self.current < 0:
            caret = self.view.cursor_cp()
            if direction > 0:
                index = bisect_right(self._starts, caret - 1)
            else:
                index = bisect_left(self._starts, caret) - 1
        else:
            index = self.current + direction
        wrapped = index >= len(self.hits) or index < 0
        self._go(index % len(self.hits), wrapped=wrapped)

    def _go(self, index: int, *, wrapped: bool = False) -> None:
        self.current = index
        start, end = self.hits[index]
        on_screen = self._on_screen(start, end)
        self.view.select_cp(start, end, ensure_visible=False)
        if not on_screen:
            self.view.centerCursor()  # a far jump lands mid-screen, with context around
        self._show_count(wrapped)
        self.paint()

    def _on_screen(self, start: int, end: int) -> bool:
        lo, hi = self.view.visible_cp_range()
        return lo <= start and end <= hi

    def _show_count(self, wrapped: bool = False) -> None:
        if not self.field.text().strip():
            self.count.setText("")
        elif not self.hits:
            self.count.setText("No matches")
        else:
            more = "+" if len(self.hits) >= MAX_HITS else ""
            where = f"{self.current + 1} of " if self.current >= 0 else ""
            self.count.setText(f"{where}{len(self.hits)}{more}"
                               + (" · wrapped" if wrapped else ""))

    # --- painting ------------------------------------------------------------
    def visible_hits(self) -> list[int]:
        """Indexes of hits overlapping the lines on screen (what gets painted)."""
        lo, hi = self.view.visible_cp_range()
        first = bisect_right(self._ends, lo)
        last = bisect_left(self._starts, hi)
        return list(range(first, min(last, first + MAX_PAINTED)))

    def paint(self) -> None:
        if not self.isVisible() or not self.hits or self.view.article is None:
            self.view.set_overlay("find", [])
            return
        palette = self.view.palette()
        hit_fmt = QTextCharFormat()
        hit = theme.readable_fill(QColor(HIT_COLOR), palette)
        hit.setAlpha(150)
        hit_fmt.setBackground(hit)
        # An underline in a colour no label uses tells a hit apart from a yellow label.
        hit_fmt.setFontUnderline(True)
        hit_fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        hit_fmt.setUnderlineColor(QColor(UNDERLINE_DARK if theme.is_dark(palette)
                                         else UNDERLINE_LIGHT))
        cur_fmt = QTextCharFormat()
        cur = theme.readable_fill(QColor(CURRENT_COLOR), palette)
        cur.setAlpha(220)
        cur_fmt.setBackground(cur)
        cur_fmt.setFontUnderline(True)
        cur_fmt.setUnderlineColor(palette.color(palette.ColorRole.Text))
        marks = []
        for i in self.visible_hits():
            start, end = self.hits[i]
            marks.append(self.view.mark_span(start, end, cur_fmt if i == self.current else hit_fmt))
        self.view.set_overlay("find", marks)
