"""The central pane: article header, label palette and the article text."""

from __future__ import annotations

import html

from PySide6.QtCore import QPoint
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QMenu, QVBoxLayout, QWidget

from annotator.qt.find_bar import FindBar
from annotator.qt.palette import LabelPalette, swatch
from annotator.qt.pane import Pane
from annotator.qt.table_model import elide
from annotator.qt.theme import NEUTRAL_FILL, muted_text, on_palette_change
from annotator.services.changes import Changes


class ArticlePane(Pane):
    name = "articleArea"

    def build(self) -> QWidget:
        wb = self.wb
        view = wb.view
        view.tooltip_provider = self.tooltip_for
        # A click selects the annotation and leaves the caret where it was clicked.
        view.annotationClicked.connect(lambda aid: wb.select(aid, scroll_text=False))
        view.boundaryWarning.connect(self._boundary_warning)
        view.contextMenuAt.connect(self._context_menu)
        self.palette = LabelPalette(wb.window)
        self.palette.labelChosen.connect(self._tag)
        self.header = QLabel()
        self.header.setObjectName("articleHeader")
        self.header.setWordWrap(True)
        # Margins and font rather than a style sheet: a style-sheeted label keeps the
        # palette it was polished with, so View › Theme › Dark left it black on white.
        self.header.setContentsMargins(10, 6, 10, 0)
        font = QFont(self.header.font())
        font.setPointSizeF(13)
        self.header.setFont(font)
        on_palette_change(self.header, self._show_header)  # the meta line's grey follows
        center = QWidget()
        layout = QVBoxLayout(center)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.palette)
        layout.addWidget(view, 1)
        self.find_bar = FindBar(view, center)
        layout.addWidget(self.find_bar)
        for action, help_text in (
                (self.find_bar.find_action, "find words in the article (all hits marked)"),
                (self.find_bar.next_action, "next hit of the search"),
                (self.find_bar.prev_action, "previous hit of the search")):
            wb.actions.adopt(action, menu="&Edit", section=4, help=help_text)
        self._layer_state: tuple[object, ...] = ()
        self._apply_labels()
        return center

    def _boundary_warning(self, message: str) -> None:
        """A selection or annotation starts or ends inside a word: say so."""
        if message:
            self.wb.status(message, 8000)

    def _tag(self, key: str) -> None:
        if self.wb.editing is not None:
            self.wb.editing.tag_selection(key)

    # ---------------------------------------------------------------- hooks
    def article_changed(self) -> None:
        # Layer settings first: showing the article paints its first screen once.
        self._apply_layers(repaint=False)
        self.wb.view.show_article(self.wb.article)
        self._show_header()

    def selection_changed(self) -> None:
        wb = self.wb
        ann = wb.article.by_id.get(wb.selected_id) if wb.article and wb.selected_id else None
        label = wb.label_by_key.get(ann.label) if ann else None
        wb.view.mark_selected(wb.selected_id, label.color if label else None)
        if ann is not None and wb.scroll_to_selection:
            wb.view.select_cp(ann.start, ann.start)

    def apply_changes(self, changes: Changes) -> None:
        wb, view = self.wb, self.wb.view
        article = wb.article
        if changes.labels:
            self._apply_labels()
            view.highlighter.invalidate()
        if article is None:
            return
        if changes.reloads(article.id):
            scroll = view.verticalScrollBar().value()
            view.article = article
            view.highlighter.set_article(article)
            view.highlighter.invalidate()
            view.verticalScrollBar().setValue(scroll)
        else:
            ranges = [r for c in changes.annotations_in(article.id) for r in c.touched_ranges]
            if ranges:
                view.highlighter.refresh_ranges(ranges)
            if changes.loaded and changes.loaded[0] == article.id:
                view.highlighter.refresh_painted_in(changes.loaded[1], changes.loaded[2])
        if article.id in changes.article_metadata:
            self._show_header()
        if changes.layers or changes.reloads(article.id) or changes.loading_done:
            self._apply_layers()
        if wb.selected_id is not None and (changes.reloads(article.id) or changes.labels):
            self.selection_changed()

    # -------------------------------------------------------------- helpers
    def _apply_labels(self) -> None:
        self.palette.set_labels(self.wb.labels)
        self.wb.view.highlighter.set_colors({lab.key: lab.color for lab in self.wb.labels})

    def _apply_layers(self, *, repaint: bool = True) -> None:
        """Push layer/compare settings to the highlighter; repaint only if they changed
        (and ``repaint``)."""
        wb = self.wb
        hidden, compare = set(wb.hidden_layers), wb.compare_colors
        colors = tuple(sorted(wb.annotator_colors.items())) if wb.color_by == "annotator" \
            else ()
        state = (wb.color_by, colors, tuple(sorted(hidden)),
                 tuple(sorted(compare.items())) if compare is not None else None,
                 wb.article.id if wb.article else None)
        if state == self._layer_state:
            return  # nothing visible changed: no repaint
        self._layer_state = state
        wb.view.highlighter.set_mode(
            color_by=wb.color_by, annotator_colors=wb.annotator_colors, compare_kinds=compare,
            visible_filter=(lambda name: name not in hidden) if hidden and compare is None
            else None, repaint=repaint)

    def _show_header(self) -> None:
        wb = self.wb
        if wb.article is None:
            self.header.setText("")
            wb.window.setWindowTitle("annotator")
            return
        art = wb.article.article
        meta = " · ".join(x for x in (art.outlet, art.published, art.url,
                                       art.original_filename) if x)
        self.header.setText(
            f"<b>{html.escape(art.title)}</b>"
            + (f"<br><span style='color:{muted_text(self.header.palette())};font-size:10pt'>"
               f"{html.escape(meta)}</span>"
               if meta else ""))
        wb.window.setWindowTitle(f"{elide(art.title, 80)} — annotator")  # "…" if cut

    def show_pending(self, title: str) -> None:
        """Start-up, before the project is attached: the article being opened."""
        wb = self.wb
        if title:
            self.header.setText(f"<b>{html.escape(title)}</b>")
            wb.window.setWindowTitle(f"{elide(title, 80)} — annotator")
            wb.status(f"Opening “{elide(title, 60)}”…", 0)
        else:
            wb.status("Opening the project…", 0)

    def tooltip_for(self, ids: list[str]) -> str:
        wb = self.wb
        if wb.article is None:
            return ""
        parts = []
        for ann_id in ids[:4]:
            ann = wb.article.by_id.get(ann_id)
            if ann is None:
                continue
            label = wb.label_by_key.get(ann.label)
            color = label.color if label else NEUTRAL_FILL
            name = label.name if label else ann.label
            part = (f"<span style='color:{color}'>■</span> <b>{html.escape(name)}</b>"
                    f" — {html.escape(ann.annotator)}")
            if ann.has_source:
                src = wb.article.text[ann.source_start:ann.source_end]
                part += f"<br><i>source:</i> “{html.escape(src[:120])}”"
            if ann.note:
                part += f"<br>{html.escape(ann.note[:300])}"
            parts.append(part)
        if len(ids) > 4:
            parts.append(f"… and {len(ids) - 4} more")
        return "<hr>".join(parts)

    def _context_menu(self, global_pos: QPoint, offset: int) -> None:
        wb = self.wb
        if wb.article is None:
            return
        menu = QMenu(wb.window)
        start, end = wb.view.selection_cp()
        tag = menu.addMenu("Tag selection as")
        tag.setEnabled(start != end)
        for action in wb.actions.in_menu("&Tag"):
            tag.addAction(action)
        hits = wb.article.index.at(offset) if offset >= 0 else []
        if hits:
            menu.addSeparator()
            for hit in hits[:5]:
                label = wb.label_by_key.get(hit.label)
                text = wb.article.text[hit.start:hit.end]
                short = text if len(text) < 40 else text[:39] + "…"
                act = menu.addAction(swatch(label.color if label else NEUTRAL_FILL),
                                     f"Select “{short}”")
                act.triggered.connect(lambda _=False, i=hit.id: wb.select(i))
        menu.addSeparator()
        for name in ("actionSetSource", "actionDelete"):
            if name in wb.actions.commands:
                menu.addAction(wb.actions.action(name))
        menu.exec(global_pos)
