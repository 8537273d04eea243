"""Review (adjudication) panel: compare two annotators on an article and settle each item.

The panel lists every compare-mode item of annotators A and B (from
:func:`annotator.services.review.review_status`) in text order, with a coloured marker
per kind, and lets the reviewer copy one side, both sides or an edited copy into the
reviewed layer, or reject a side. Every write goes through :mod:`annotator.services.review`
with the version of the annotation on screen, so a colleague's concurrent change is
reported instead of silently reviewed.

The panel never touches the article view: it emits :attr:`ReviewPanel.itemActivated`
(scroll/select there), :attr:`ReviewPanel.reviewChanged` (reload the article) and
:attr:`ReviewPanel.itemsChanged` (repaint compare-mode highlights from
:meth:`ReviewPanel.compare_colors`).
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    Qt,
)
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.agreement.compare import DiffKind
from annotator.domain.errors import UserInputError
from annotator.domain.model import REVIEWED_LAYER
from annotator.qt import theme
from annotator.qt.palette import FlowLayout
from annotator.qt.review_decisions import ReviewDecisions
from annotator.qt.review_edit import EditAcceptDialog
from annotator.qt.review_model import (
    KIND_COLORS,
    KIND_NAMES,
    KIND_TIPS,
    SETTLED_COLOR,
    ReviewItemModel,
    _elide,
    differs_in_label_too,
    is_open,
    item_key,
)
from annotator.qt.theme import muted_text, on_palette_change
from annotator.services import review
from annotator.services.project import Project
from annotator.services.review import ReviewItem

__all__ = ["KIND_COLORS", "SETTLED_COLOR", "ReviewItemModel", "ReviewPanel"]


class ReviewPanel(ReviewDecisions):
    """Adjudicate annotator A against annotator B (or against the reviewed layer)."""


    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPanel")
        self.project = project
        self.article_id: int | None = None
        self.article_text = ""
        self.reviewer = ""
        self.annotators: list[str] = []
        self.items: list[ReviewItem] = []
        self.advance_after_review = True
        """After a decision settles the current item, move on to the next open one."""
        self.selection_provider: Callable[[], tuple[int, int]] | None = None
        """Optional: the window's text selection (code points), offered by Edit…."""
        self._current_key: tuple[str | None, str | None] | None = None
        self._quiet = False
        self._error = ""
        self._prev_a = self._prev_b = ""
        self._b_chosen = False
        """The reviewer picked B (keep it, even the reviewed layer, across refreshes)."""
        self.edit_dialog: EditAcceptDialog | None = None
        self._build()
        self._render()
        on_palette_change(self, self._palette_changed)

    def _palette_changed(self) -> None:
        """View › Theme: the side letters and the summary take the theme's colours."""
        self._paint_sides()
        self._render_summary()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        # Everything sits in a scroll area: in a short dock the panel scrolls instead of
        # squeezing its word-wrapped lines on top of each other.
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("reviewScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()
        content.setObjectName("reviewContent")
        self.scroll_area.setWidget(content)
        root.addWidget(self.scroll_area)
        outer = QVBoxLayout(content)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(6)
        self.actions_by_name: dict[str, QAction] = {}
        self._list_actions: list[QAction] = []
        self.buttons: dict[str, QPushButton] = {}
        button = self._button

        pick = QHBoxLayout()
        pick.setSpacing(6)
        self.side_labels = (label_a, label_b) = (QLabel("&A"), QLabel("&B"))
        self._paint_sides()
        self.combo_a = QComboBox()
        self.combo_a.setObjectName("reviewA")
        self.combo_a.setToolTip("Annotator A")
        label_a.setBuddy(self.combo_a)
        self.combo_b = QComboBox()
        self.combo_b.setObjectName("reviewB")
        self.combo_b.setToolTip("Annotator B, or the reviewed layer (what has been "
                                "adjudicated so far)")
        label_b.setBuddy(self.combo_b)
        for combo in (self.combo_a, self.combo_b):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumContentsLength(6)
            combo.currentIndexChanged.connect(self._combo_changed)
        versus = QLabel("vs")
        versus.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # grey, light or dark
        pick.addWidget(label_a)
        pick.addWidget(self.combo_a)
        pick.addSpacing(4)
        pick.addWidget(versus)
        pick.addSpacing(4)
        pick.addWidget(label_b)
        pick.addWidget(self.combo_b)
        pick.addStretch(1)
        self.refresh_button = QToolButton()
        self.refresh_button.setText("↻")
        self.refresh_button.setAutoRaise(True)
        self.refresh_button.setObjectName("reviewRefresh")
        self.refresh_button.setToolTip("Re-read the article's annotations (colleagues' changes)")
        self.refresh_button.clicked.connect(self.refresh)
        pick.addWidget(self.refresh_button)
        outer.addLayout(pick)

        chip_host = QWidget()
        chip_host.setObjectName("reviewCounts")
        chips = FlowLayout(chip_host, spacing=4)
        chips.setContentsMargins(0, 0, 0, 0)
        self.chips: dict[DiffKind, QLabel] = {}
        for kind in DiffKind:
            chip = QLabel()
            chip.setObjectName(f"reviewCount_{kind.value}")
            chip.setToolTip(KIND_TIPS[kind])
            chip.setTextFormat(Qt.TextFormat.RichText)
            color = QColor(KIND_COLORS[kind])
            chip.setStyleSheet(
                "QLabel { border-radius: 9px; padding: 2px 8px; "
                f"background: rgba({color.red()},{color.green()},{color.blue()},38); "
                f"border: 1px solid rgba({color.red()},{color.green()},{color.blue()},110); }}")
            self.chips[kind] = chip
            chips.addWidget(chip)
        outer.addWidget(chip_host)

        self.summary = QLabel()
        self.summary.setObjectName("reviewSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        outer.addWidget(self.summary)
        filter_row = QHBoxLayout()
        self.open_only = QCheckBox("&Open only")
        self.open_only.setObjectName("reviewOpenOnly")
        self.open_only.setToolTip("List open disagreements only (hide agreed and settled "
                                  "items)")
        self.open_only.toggled.connect(lambda _on: self._render())
        filter_row.addWidget(self.open_only)
        filter_row.addStretch(1)
        filter_row.addWidget(button("accept_agreed", "Accept agreed", self.accept_agreed, [],
                                    "Copy every agreed item not yet accepted into the "
                                    "reviewed layer (A's copy)"))
        outer.addLayout(filter_row)

        self.message = QLabel()
        self.message.setObjectName("reviewMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setContentsMargins(18, 18, 18, 18)  # not a style sheet: follows the theme
        self.message.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        outer.addWidget(self.message)

        self.model = ReviewItemModel()
        self.table = QTableView()
        self.table.setObjectName("disagreementList")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(36)
        # Text takes what is left; labels and kinds keep a readable width.
        for col, width in ((ReviewItemModel.KIND, 100), (ReviewItemModel.A, 100),
                           (ReviewItemModel.B, 100), (ReviewItemModel.STATUS, 70)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        header.setSectionResizeMode(ReviewItemModel.TEXT, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.setMinimumHeight(140)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.activated.connect(lambda index: self._row_changed(index, QModelIndex()))
        outer.addWidget(self.table, 1)

        self.detail = QLabel()
        on_palette_change(self.detail, lambda: self._render_detail(self.current_item()))
        self.detail.setObjectName("reviewDetail")
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setWordWrap(True)
        self.detail.setFrameShape(QFrame.Shape.StyledPanel)
        self.detail.setContentsMargins(8, 6, 8, 6)  # not a style sheet: follows the theme
        self.detail.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.detail)

        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        grid.addWidget(button("accept_a", "Accept A", lambda: self.accept_side("a"),
                              ["A"], "Copy A's annotation into the reviewed layer"), 0, 0)
        grid.addWidget(button("accept_b", "Accept B", lambda: self.accept_side("b"),
                              ["B"], "Copy B's annotation into the reviewed layer"), 0, 1)
        grid.addWidget(button("accept_both", "Accept both", self.accept_both, ["+", "="],
                              "Copy both annotations into the reviewed layer"), 0, 2)
        grid.addWidget(button("reject_a", "Reject A", lambda: self.toggle_reject("a"),
                              ["Shift+A"], "Reject A's annotation (or withdraw the "
                              "rejection); the annotation itself is kept"), 1, 0)
        grid.addWidget(button("reject_b", "Reject B", lambda: self.toggle_reject("b"),
                              ["Shift+B"], "Reject B's annotation (or withdraw the "
                              "rejection); the annotation itself is kept"), 1, 1)
        grid.addWidget(button("edit", "Edit…", self.edit_item, ["E"],
                              "Accept a copy with another label or other boundaries"), 1, 2)
        grid.addWidget(button("prev", "◀ Previous", self.prev_item, [],
                              "Previous open disagreement (P in the article)"), 2, 0)
        grid.addWidget(button("next", "Next ▶", self.next_item, [],
                              "Next open disagreement (N in the article)"), 2, 1)
        grid.addWidget(button("reopen", "Reopen", self.reopen, ["Shift+R"],
                              "Undo the decisions on this item: delete its reviewed "
                              "copies and withdraw its rejections"), 2, 2)
        for col in range(3):
            grid.setColumnStretch(col, 1)
        outer.addLayout(grid)
        accept_font = QFont(self.buttons["accept_a"].font())
        accept_font.setBold(True)
        for name in ("accept_a", "accept_b"):
            self.buttons[name].setFont(accept_font)

        hint = QLabel("Keys: <b>A</b> / <b>B</b> accept · "
                      "<b>+</b> both · <b>E</b> edit · <b>Shift+A</b> / <b>Shift+B</b> "
                      "reject · <b>Shift+R</b> reopen · <b>N</b> / <b>P</b> next / "
                      "previous. Decisions are not on Ctrl+Z: <b>Reopen</b> undoes "
                      "them.")
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # grey, light or dark
        hint.setObjectName("reviewKeysHint")
        hint.setWordWrap(True)
        outer.addWidget(hint)
        for action in self._list_actions:
            for widget in (self.table, *self.buttons.values()):
                widget.addAction(action)

    def _button(self, name: str, text: str, slot: Callable[[], object], keys: list[str],
                tip: str) -> QPushButton:
        """A push button plus a panel-local shortcut action doing the same."""
        action = QAction(text, self)
        action.setObjectName(f"reviewAction_{name}")
        action.setShortcuts([QKeySequence(k) for k in keys])
        # Live with the list (or, added by the review pane, the article) focused; in the
        # A/B combo boxes a letter picks an analyst as usual.
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(lambda _=False: slot())
        self.addAction(action)
        self._list_actions.append(action)
        self.actions_by_name[name] = action
        btn = QPushButton(text)
        btn.setObjectName(f"review_{name}")
        shown = " / ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText)
                           for k in keys)
        btn.setToolTip(f"{tip}  <kbd>{html.escape(shown)}</kbd>" if keys else tip)
        btn.clicked.connect(lambda _=False: slot())
        self.buttons[name] = btn
        return btn

    # ------------------------------------------------------------------ context
    @property
    def annotator_a(self) -> str:
        return str(self.combo_a.currentData() or "")

    @property
    def annotator_b(self) -> str:
        return str(self.combo_b.currentData() or "")

    @property
    def b_is_reviewed(self) -> bool:
        return self.annotator_b == REVIEWED_LAYER

    def set_context(self, article_id: int | None, annotators: list[str], reviewer: str,
                    article_text: str = "") -> None:
        """The open article, the annotators present in it, who is reviewing.

        Keeps the chosen A/B when they are still present. Queries once.
        """
        if article_id != self.article_id:
            self._current_key = None
        self.article_id = article_id
        self.article_text = article_text
        self.reviewer = reviewer
        names = sorted({n for n in annotators if n and n != REVIEWED_LAYER}, key=str.casefold)
        self.annotators = names
        old_a, old_b = self.annotator_a, self.annotator_b
        self._quiet = True
        try:
            self.combo_a.clear()
            self.combo_b.clear()
            for name in names:
                self.combo_a.addItem(name, name)
                self.combo_b.addItem(name, name)
            self.combo_b.addItem("Reviewed layer", REVIEWED_LAYER)
            a = old_a if old_a in names else (names[0] if names else "")
            others = [n for n in names if n != a]
            keep_b = old_b and old_b != a and (
                old_b in names or (old_b == REVIEWED_LAYER and (self._b_chosen or not others)))
            # The reviewed layer was only a fallback while one analyst had tagged: once a
            # colleague's tags arrive (a merge), B is that colleague unless chosen.
            b = old_b if keep_b else (others[0] if others else REVIEWED_LAYER)
            self.combo_a.setCurrentIndex(max(0, self.combo_a.findData(a)))
            self.combo_b.setCurrentIndex(max(0, self.combo_b.findData(b)))
        finally:
            self._quiet = False
        self._prev_a, self._prev_b = self.annotator_a, self.annotator_b
        self.refresh()

    def set_reviewer(self, reviewer: str) -> None:
        self.reviewer = reviewer

    def _combo_changed(self, _index: int) -> None:
        if self._quiet:
            return
        a, b = self.annotator_a, self.annotator_b
        if a and a == b:  # picking the other side's annotator swaps the two
            self._quiet = True
            try:
                if a != self._prev_a:
                    other, swap_to = self.combo_b, self._prev_a
                else:
                    other, swap_to = self.combo_a, self._prev_b
                i = other.findData(swap_to)
                if i >= 0 and swap_to != a:
                    other.setCurrentIndex(i)
            finally:
                self._quiet = False
        self._b_chosen = self.annotator_b != self._prev_b or self._b_chosen
        self._prev_a, self._prev_b = self.annotator_a, self.annotator_b
        self._current_key = None
        self.refresh()

    # ------------------------------------------------------------------ data
    def refresh(self) -> None:
        """Re-read the comparison (after writes, or colleagues' changes)."""
        self.items = []
        self._error = ""
        a, b = self.annotator_a, self.annotator_b
        if self.article_id is not None and a and b and a != b:
            try:
                self.items = review.review_status(self.project, self.article_id, a, b)
            except UserInputError as exc:
                self._error = str(exc)
        self._render()
        self.itemsChanged.emit()

    def compare_items(self) -> list[ReviewItem]:
        """Every item of the comparison, in text order (not only the listed ones)."""
        return list(self.items)

    def compare_colors(self, *, dim_settled: bool = True) -> dict[str, str]:
        """Annotation id -> compare-mode colour, for ``SpanHighlighter.set_mode``.

        Each side of an item gets its kind's colour; settled items are grey unless
        ``dim_settled`` is false.
        """
        out: dict[str, str] = {}
        for item in self.items:
            color = SETTLED_COLOR if dim_settled and item.settled else KIND_COLORS[item.kind]
            for side in item.annotations:
                out[side.id] = color
        return out

    def counts(self) -> dict[DiffKind, int]:
        """Items per kind (every kind, zeros included)."""
        out = {kind: 0 for kind in DiffKind}
        for item in self.items:
            out[item.kind] += 1
            if differs_in_label_too(item):  # counted as both kinds
                out[DiffKind.LABEL_DISAGREEMENT] += 1
        return out

    def open_items(self) -> list[ReviewItem]:
        return [item for item in self.items if is_open(item)]

    def current_item(self) -> ReviewItem | None:
        if self._current_key is None:
            return None
        return next((i for i in self.items if item_key(i) == self._current_key), None)

    # ------------------------------------------------------------------ render
    def _names(self) -> tuple[str, str]:
        b = "reviewed layer" if self.b_is_reviewed else self.annotator_b
        return (self.annotator_a or "A", b or "B")

    def _render(self) -> None:
        names = self._names()
        counts = self.counts()
        for kind, chip in self.chips.items():
            name = KIND_NAMES[kind]
            if kind == DiffKind.ONLY_A:
                name = f"Only {_elide(names[0], 14)}"
            elif kind == DiffKind.ONLY_B:
                name = f"Only {_elide(names[1], 14)}"
            chip.setText(f"<span style='color:{KIND_COLORS[kind]}'>●</span> "
                         f"{html.escape(name)} <b>{counts[kind]}</b>")
        self._render_summary()

        message = self._message()
        self.message.setText(message)
        self.message.setVisible(bool(message))
        self.table.setVisible(not message or bool(self.items))
        for chip in self.chips.values():
            chip.setVisible(bool(self.items))

        shown = self.open_items() if self.open_only.isChecked() else list(self.items)
        self._quiet = True
        try:
            self.model.set_items(shown, labels={lab.key: lab for lab in self.project.labels()},
                                 article_text=self.article_text, names=names)
            row = next((r for r, i in enumerate(shown) if item_key(i) == self._current_key),
                       None)
            if row is not None:
                self._select_row(row)
        finally:
            self._quiet = False
        self._update_buttons()

    def _paint_sides(self) -> None:
        """The A and B letters in their sides' colours (text colours of the theme)."""
        for label, name in zip(self.side_labels, ("only_a", "only_b"), strict=True):
            style = f"font-weight:bold; color:{theme.css(name, self.palette())}"
            if label.styleSheet() != style:
                label.setStyleSheet(style)

    def _render_summary(self) -> None:
        n_open = len(self.open_items())
        settled = [i for i in self.items if i.settled]
        rejected = sum(1 for i in settled if not i.reviewed)
        agreed_pending = sum(1 for i in self.items if not i.needs_review and not i.settled)
        palette = self.palette()  # the watched widget's: children may update after it
        parts = [f"<b style='color:{theme.css('warning', palette)}'>{n_open} open</b>",
                 f"<b style='color:{theme.css('ok', palette)}'>{len(settled)} settled</b>"]
        if rejected:
            parts[-1] += f" ({rejected} rejected)"
        if agreed_pending:
            parts.append(f"{agreed_pending} agreed to accept")
        self.summary.setText(" · ".join(parts) if self.items else "")
        self.summary.setToolTip("Open: disagreements with no decision yet. Settled: "
                                "accepted into the reviewed layer, or rejected on every side.")
        self.buttons["accept_agreed"].setText(
            f"Accept agreed ({agreed_pending})" if agreed_pending else "Accept agreed")

    def _message(self) -> str:
        if self.article_id is None:
            return "Open an article to review its annotations."
        if self._error:
            return self._error
        if not self.annotators:
            return "Nobody has tagged this article yet."
        if self.annotator_a == self.annotator_b:
            return "Choose two different annotators to compare."
        if not self.items:
            return "Neither annotator has tagged anything here: nothing to review."
        if self.open_only.isChecked() and not self.open_items():
            return "✓ No open disagreements — every disagreement has been settled."
        return ""

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def _update_buttons(self) -> None:
        item = self.current_item()
        origins = {r.origin_id for r in item.reviewed} if item else set()
        a = item.a if item else None
        b = item.b if item else None
        b_source = b is not None and not self.b_is_reviewed
        enabled = {
            "accept_a": a is not None and a.id not in origins,
            "accept_b": b_source and b is not None and b.id not in origins,
            "accept_both": (a is not None and b_source and item is not None
                            and item.kind != DiffKind.AGREED and not origins),
            "edit": a is not None or b_source,
            "reject_a": a is not None,
            "reject_b": b_source,
            "reopen": item is not None and bool(item.reviewed or item.rejected),
            "prev": bool(self.open_items()),
            "next": bool(self.open_items()),
            "accept_agreed": any(not i.needs_review and not i.settled for i in self.items)
            and not self.b_is_reviewed,
        }
        for side, side_ann in (("a", a), ("b", b)):
            rejected = item is not None and side_ann is not None and side_ann.id in item.rejected
            text = f"{'Unreject' if rejected else 'Reject'} {side.upper()}"
            self.buttons[f"reject_{side}"].setText(text)
            self.actions_by_name[f"reject_{side}"].setText(text)
        for name, on in enabled.items():
            self.buttons[name].setEnabled(bool(on))
            self.actions_by_name[name].setEnabled(bool(on))
        self._render_detail(item)

    def _render_detail(self, item: ReviewItem | None) -> None:
        muted = muted_text(self.detail.palette())  # re-rendered on a palette change
        if item is None:
            n = len(self.open_items())
            self.detail.setText(
                f"<span style='color:{muted}'>{n} open disagreement{'s' if n != 1 else ''}. "
                "Press <b>Next</b> (or N in the article) to start.</span>" if n else
                f"<span style='color:{muted}'>Select an item to review it.</span>")
            self.detail.setVisible(bool(self.items))
            return
        self.detail.setVisible(True)
        labels = self.model.labels
        names = self._names()
        position = next((n for n, i in enumerate(self.items, 1) if i is item), 0)
        lines = [f"<span style='color:{KIND_COLORS[item.kind]}'>●</span> "
                 f"<b>{html.escape(KIND_TIPS[item.kind])}</b> "
                 f"<span style='color:{muted}'>· item {position} of {len(self.items)} · "
                 f"characters {item.start}–{item.end}</span>"]
        for tag, name, side in (("A", names[0], item.a), ("B", names[1], item.b)):
            if side is None:
                lines.append(f"<b>{tag}</b> <span style='color:{muted}'>{html.escape(name)}: "
                             "no annotation here</span>")
                continue
            label = labels.get(side.label)
            color = label.color if label else theme.NEUTRAL_FILL
            lname = label.name if label else side.label
            strike = ("<s>", f"</s> <i style='color:{muted}'>rejected</i>") \
                if side.id in item.rejected else ("", "")
            lines.append(
                f"<b>{tag}</b> <span style='color:{muted}'>{html.escape(name)}</span> "
                f"<span style='color:{color}'>■</span> {strike[0]}<b>{html.escape(lname)}"
                f"</b>{strike[1]} — “{html.escape(_elide(side.text, 140))}”")
        for rev in item.reviewed:
            label = labels.get(rev.label)
            lines.append(
                f"<span style='color:{theme.css('ok', self.detail.palette())}'>✓ accepted</span> by "
                f"{html.escape(rev.reviewed_by or 'someone')} as "
                f"<b>{html.escape(label.name if label else rev.label)}</b> — "
                f"“{html.escape(_elide(rev.text, 100))}”")
        self.detail.setText("<br>".join(lines))
