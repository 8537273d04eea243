"""Inter-annotator agreement pane: κ / α and span P/R/F1 for an article or the corpus.

All figures come from :func:`annotator.services.agreement_report.agreement`; this module
only shows them. The report is computed in :meth:`AgreementPane.show_article`,
:meth:`AgreementPane.refresh` and when the reviewer changes the scope or the annotators
— never while painting: the cards and the table model hold plain numbers.
"""

from __future__ import annotations

import csv
import html
import os
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.csv_safety import neutralise
from annotator.domain.errors import UserInputError
from annotator.domain.model import REVIEWED_LAYER, Label
from annotator.qt import theme
from annotator.qt.cards import FigureCard
from annotator.qt.table_model import RIGHT, SORT_ROLE, Column, ColumnTableModel
from annotator.qt.theme import muted_text, on_palette_change
from annotator.services import articles
from annotator.services.agreement_report import MODES, AgreementReport, agreement
from annotator.services.project import Project

_Index = QModelIndex | QPersistentModelIndex

MODE_NAMES = {
    "exact_label": "Exact span · same label",
    "exact_any_label": "Exact span · any label",
    "overlap_label": "Overlap · same label",
    "overlap_any_label": "Overlap · any label",
}
MODE_TIPS = {
    "exact_label": "A span matches only with identical boundaries and the same label",
    "exact_any_label": "Identical boundaries; the labels may differ",
    "overlap_label": "Spans sharing at least one character, with the same label",
    "overlap_any_label": "Spans sharing at least one character; the labels may differ",
}


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def interpret(value: float | None) -> str:
    """Landis & Koch (1977) wording for a κ/α value — a convention, not a verdict."""
    if value is None:
        return ""
    if value < 0:
        return "worse than chance"
    for limit, word in ((0.2, "slight"), (0.4, "fair"), (0.6, "moderate"),
                        (0.8, "substantial")):
        if value <= limit:
            return f"{word} agreement"
    return "almost perfect agreement"


def score_color(value: float | None, palette: QPalette | None = None) -> QColor | None:
    """A faint red → amber → green tint for a 0–1 score; the theme's text keeps 4.5:1
    over it (default: the application palette; the table repaints on a theme change)."""
    if value is None:
        return None
    hue = int(120 * max(0.0, min(1.0, value)))  # 0 red … 120 green
    color = theme.readable_fill(QColor.fromHsv(hue, 150, 235),
                                palette or QGuiApplication.palette(), 110)
    color.setAlpha(110)
    return color


def short_label_name(name: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*$", "", name) or name


class CoefficientCard(FigureCard):
    """One coefficient: caption, big value, detail line."""

    def __init__(self, caption: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(caption, name, parent, wrap_detail=True, selectable=True)

    def set(self, value: float | None, detail: str, tooltip: str = "") -> None:
        self.set_text(_fmt(value), detail, tooltip)


class PrfTableModel(ColumnTableModel[dict[str, Any]]):
    """Span P/R/F1 rows of the report (``measure == "span_prf"``), optionally one mode."""

    KEYS = ("pair", "mode", "label", "tp", "fp", "fn", "precision", "recall", "f1")
    SORT_ROLE = SORT_ROLE

    def __init__(self) -> None:
        super().__init__(())
        self.rows: list[dict[str, Any]] = []
        self.labels: dict[str, Label] = {}
        self.columns = tuple(self._columns())

    def _columns(self) -> list[Column]:
        def bold(row: dict[str, Any]) -> QFont | None:
            if row["label"] != "(all)":
                return None
            font = QFont()
            font.setBold(True)
            return font

        def number(key: str, title: str, tip: str, *, ratio: bool) -> Column:
            return Column(
                title, lambda row: _fmt(row[key]) if ratio else str(row[key]), align=RIGHT,
                sort=lambda row: -1.0 if row[key] is None else float(row[key]), font=bold,
                header_tooltip=tip,
                background=(lambda row: _f1_brush(row["f1"])) if key == "f1" else None)

        def label_tip(row: dict[str, Any]) -> str | None:
            if row["label"] == "(all)":
                return None
            label = self.labels.get(row["label"])
            return label.name if label else str(row["label"])

        return [
            Column("Pair", lambda row: f"{row['annotator_b']} against {row['annotator_a']}",
                   sort=lambda row: f"{row['annotator_a']}\0{row['annotator_b']}".casefold(),
                   font=bold, header_tooltip="B's spans scored against A's as the reference"),
            Column("Mode", lambda row: MODE_NAMES.get(row["mode"], row["mode"]), font=bold,
                   sort=lambda row: MODES.index(row["mode"]) if row["mode"] in MODES else 99,
                   tooltip=lambda row: MODE_TIPS.get(row["mode"])),
            Column("Label", lambda row: self._label(row["label"]), font=bold,
                   sort=lambda row: "" if row["label"] == "(all)"
                   else self._label(row["label"]).casefold(), tooltip=label_tip),
            number("tp", "TP", "Matched spans", ratio=False),
            number("fp", "FP", "B's spans with no match in A", ratio=False),
            number("fn", "FN", "A's spans with no match in B", ratio=False),
            number("precision", "Precision", "Share of B's spans that match A's", ratio=True),
            number("recall", "Recall", "Share of A's spans B found", ratio=True),
            number("f1", "F1", "Harmonic mean of precision and recall", ratio=True),
        ]

    def set_rows(self, rows: list[dict[str, Any]], labels: dict[str, Label]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.items = self.rows
        self.labels = labels
        self.endResetModel()

    def _label(self, key: str) -> str:
        if key == "(all)":
            return "All labels"
        label = self.labels.get(key)
        return short_label_name(label.name) if label else key


def _f1_brush(value: float | None) -> QBrush | None:
    color = score_color(value)
    return QBrush(color) if color is not None else None


class AgreementPane(QWidget):
    """Cohen's κ, Fleiss' κ, Krippendorff's α and span P/R/F1 for the chosen annotators."""

    reportChanged = Signal()
    """A new report was computed (or cleared)."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementPane")
        self.project = project
        self.article_id: int | None = None
        self.scope = "corpus"  # or "article"
        self.report: AgreementReport | None = None
        self.present: list[str] = []
        self._choices: dict[str, bool] = {}
        """Annotators the reviewer ticked or unticked (others follow the default)."""
        self._loading = False
        self._error = ""
        self._title = ""
        self._build()
        self._render()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(8)

        top = QHBoxLayout()
        top.setSpacing(0)
        self.scope_group = QButtonGroup(self)
        self.scope_group.setExclusive(True)
        self.scope_article = QToolButton()
        self.scope_article.setObjectName("agreementScopeArticle")
        self.scope_article.setText("Article")
        self.scope_article.setToolTip("Agreement on the open article")
        self.scope_corpus = QToolButton()
        self.scope_corpus.setObjectName("agreementScopeCorpus")
        self.scope_corpus.setText("Corpus")
        self.scope_corpus.setToolTip("Agreement over every article (counts pooled)")
        for n, button in enumerate((self.scope_article, self.scope_corpus)):
            button.setCheckable(True)
            button.setAutoRaise(False)
            button.setMinimumWidth(84)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.scope_group.addButton(button, n)
            top.addWidget(button)
        self.scope_corpus.setChecked(True)
        self.scope_group.idClicked.connect(self._scope_clicked)
        top.addSpacing(12)
        self.heading = QLabel()
        self.heading.setObjectName("agreementHeading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.heading.setWordWrap(True)
        top.addWidget(self.heading, 1)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setObjectName("agreementRefresh")
        self.refresh_button.setToolTip("Recompute (after colleagues' changes)")
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setObjectName("agreementExport")
        self.export_button.setToolTip("Save every figure of this report as CSV (UTF-8)")
        self.export_button.clicked.connect(self.export_dialog)
        top.addWidget(self.refresh_button)
        top.addSpacing(6)
        top.addWidget(self.export_button)
        outer.addLayout(top)

        who = QHBoxLayout()
        who_label = QLabel("&Annotators")
        self.annotator_list = QListWidget()
        self.annotator_list.setObjectName("agreementAnnotators")
        self.annotator_list.setFlow(QListWidget.Flow.LeftToRight)
        self.annotator_list.setWrapping(False)
        self.annotator_list.setSpacing(2)
        self.annotator_list.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.annotator_list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        row_height = self.annotator_list.fontMetrics().height() + 10
        self.annotator_list.setFixedHeight(row_height + 2 * self.annotator_list.frameWidth())
        self.annotator_list.setSizePolicy(QSizePolicy.Policy.Expanding,
                                          QSizePolicy.Policy.Fixed)
        self.annotator_list.setToolTip("Tick the annotators to compare (Space toggles). "
                                       "The reviewed layer is off by default.")
        self.annotator_list.itemChanged.connect(self._annotator_toggled)
        who_label.setBuddy(self.annotator_list)
        who.addWidget(who_label)
        who.addWidget(self.annotator_list, 1)
        outer.addLayout(who)

        self.message = QLabel()
        self.message.setObjectName("agreementMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setContentsMargins(24, 24, 24, 24)
        self.message.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # follows the theme
        outer.addWidget(self.message)

        self.results = QWidget()
        self.results.setObjectName("agreementResults")
        res = QVBoxLayout(self.results)
        res.setContentsMargins(0, 0, 0, 0)
        res.setSpacing(6)
        cards = QHBoxLayout()
        cards.setSpacing(8)
        self.card_cohen = CoefficientCard("Cohen's κ", "agreementCohen")
        self.card_fleiss = CoefficientCard("Fleiss' κ", "agreementFleiss")
        self.card_alpha = CoefficientCard("Krippendorff's α (nominal)", "agreementAlpha")
        self.card_unitized = CoefficientCard("Krippendorff's α_U (unitizing)", "agreementAlphaU")
        for card in (self.card_cohen, self.card_fleiss, self.card_alpha, self.card_unitized):
            cards.addWidget(card)
        res.addLayout(cards)
        self.units_note = QLabel()
        self.units_note.setObjectName("agreementUnits")
        self.units_note.setWordWrap(True)
        self.units_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        res.addWidget(self.units_note)

        table_head = QHBoxLayout()
        self.table_title = QLabel()
        self.table_title.setObjectName("agreementTableTitle")
        self.table_title.setTextFormat(Qt.TextFormat.RichText)
        self.table_title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.table_title.setWordWrap(True)
        self._table_who = ""
        on_palette_change(self.table_title, self._render_table_title)  # grey follows the theme
        table_head.addWidget(self.table_title, 1)
        mode_label = QLabel("&Mode")
        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("agreementMode")
        self.mode_combo.addItem("All modes", "")
        for mode in MODES:
            self.mode_combo.addItem(MODE_NAMES[mode], mode)
            self.mode_combo.setItemData(self.mode_combo.count() - 1, MODE_TIPS[mode],
                                        Qt.ItemDataRole.ToolTipRole)
        mode_label.setBuddy(self.mode_combo)
        self.mode_combo.currentIndexChanged.connect(lambda _i: self._render_table())
        table_head.addWidget(mode_label)
        table_head.addWidget(self.mode_combo)
        res.addLayout(table_head)

        self.model = PrfTableModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(PrfTableModel.SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("agreementTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        for col, width in ((0, 150), (1, 178), (3, 44), (4, 44), (5, 44), (6, 72), (7, 60),
                           (8, 56)):
            header.resizeSection(col, width)
        header.setHighlightSections(False)
        res.addWidget(self.table, 1)
        outer.addWidget(self.results, 1)

    # ------------------------------------------------------------------ data
    def show_article(self, article_id: int | None) -> None:
        """Show agreement on ``article_id`` (``None``: the corpus). Computes once."""
        self.article_id = article_id
        self.scope = "article" if article_id is not None else "corpus"
        self.refresh()

    def set_scope(self, scope: str) -> None:
        """``"article"`` (needs an article) or ``"corpus"``; recomputes."""
        if scope == "article" and self.article_id is None:
            scope = "corpus"
        if scope != self.scope:
            self.scope = scope
            self.refresh()

    def _scope_clicked(self, button_id: int) -> None:
        self.set_scope("article" if button_id == 0 else "corpus")

    def refresh(self) -> None:
        """Re-read the annotators present and recompute the report."""
        self._title = ""
        if self.article_id is not None:
            try:
                self._title = articles.get_article(self.project, self.article_id).title
            except UserInputError:
                self.article_id, self.scope = None, "corpus"
        self.present = self._annotators_present()
        self._fill_annotators()
        self._compute()

    def _annotators_present(self) -> list[str]:
        if self.scope == "article" and self.article_id is not None:
            ids = [self.article_id]
        else:
            ids = [a.id for a in articles.list_articles(self.project) if a.n_annotations]
        names: set[str] = set()
        try:
            for aid in ids:
                names.update(a.annotator for a in articles.load_annotations(self.project, aid))
        except UserInputError:
            return []
        return sorted(names, key=lambda n: (n == REVIEWED_LAYER, n.casefold()))

    def _fill_annotators(self) -> None:
        self._loading = True
        try:
            self.annotator_list.clear()
            for name in self.present:
                shown = "Reviewed layer" if name == REVIEWED_LAYER else name
                item = QListWidgetItem(shown)
                item.setData(Qt.ItemDataRole.UserRole, name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                checked = self._choices.get(name, name != REVIEWED_LAYER)
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                self.annotator_list.addItem(item)
        finally:
            self._loading = False

    def _annotator_toggled(self, item: QListWidgetItem) -> None:
        if self._loading:
            return
        name = str(item.data(Qt.ItemDataRole.UserRole))
        self._choices[name] = item.checkState() == Qt.CheckState.Checked
        self._compute()

    def chosen_annotators(self) -> list[str]:
        out = []
        for i in range(self.annotator_list.count()):
            item = self.annotator_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def set_annotators(self, names: list[str]) -> None:
        """Tick exactly ``names`` (of those present) and recompute."""
        for name in self.present:
            self._choices[name] = name in names
        self._fill_annotators()
        self._compute()

    def _compute(self) -> None:
        self.report = None
        self._error = ""
        chosen = self.chosen_annotators()
        if len(chosen) >= 2:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                self.report = agreement(
                    self.project,
                    article_id=self.article_id if self.scope == "article" else None,
                    annotators=chosen)
            except UserInputError as exc:
                self._error = str(exc)
            finally:
                QApplication.restoreOverrideCursor()
        self._render()
        self.reportChanged.emit()

    # ------------------------------------------------------------------ render
    def _message(self) -> str:
        if self.report is not None:
            return ""
        if self._error:
            return html.escape(self._error)
        where = "this article" if self.scope == "article" else "the project"
        if not self.present:
            return f"Nobody has tagged {where} yet, so there is no agreement to measure."
        if len(self.present) == 1:
            return (f"Only <b>{html.escape(self.present[0])}</b> has tagged {where}. "
                    "Agreement needs at least two annotators.")
        return "Tick at least two annotators above to measure their agreement."

    def _render(self) -> None:
        self.scope_article.setEnabled(self.article_id is not None)
        (self.scope_article if self.scope == "article" else self.scope_corpus).setChecked(True)
        report = self.report
        message = self._message()
        self.message.setText(message)
        self.message.setVisible(bool(message))
        self.results.setVisible(report is not None)
        self.export_button.setEnabled(report is not None)
        title = " ".join(self._title.split())
        self.heading.setToolTip(title if self.scope == "article" else "")
        title = title if len(title) <= 44 else title[:43].rstrip() + "…"
        where = (title or f"Article {self.article_id}") if self.scope == "article" \
            else "Whole corpus"
        if report is not None:
            n = report.n_articles
            where += f" · {n} article{'s' if n != 1 else ''}" if self.scope == "corpus" else ""
            where += f" · {len(report.annotators)} annotators"
        self.heading.setText(f"<b>{html.escape(where)}</b>")
        if report is None:
            self.model.set_rows([], {})
            return
        lab = report.labels
        units = (f"{lab.n_units} unit{'s' if lab.n_units != 1 else ''}, "
                 f"{lab.n_complete_units} labelled by everyone")
        two = len(report.annotators) == 2
        self.card_cohen.set(
            lab.cohen_kappa,
            (interpret(lab.cohen_kappa) or "undefined here") + f" · n = {lab.n_complete_units}"
            if two else "needs exactly two annotators",
            "Two annotators, units both labelled; chance from each one's label mix")
        self.card_fleiss.set(
            lab.fleiss_kappa,
            (interpret(lab.fleiss_kappa) or "undefined here") + f" · n = {lab.n_complete_units}",
            "Any number of annotators, units everyone labelled")
        self.card_alpha.set(
            lab.alpha, (interpret(lab.alpha) or "undefined here") + f" · n = {lab.n_units}",
            "Any number of annotators; units some did not label count as missing data")
        u = report.unitized
        self.card_unitized.set(
            u.alpha if u else None, ((interpret(u.alpha) if u else "") or "undefined here")
            + f" · {len(u.per_label) if u else 0} labels",
            "Where the annotators put spans of each label on the article, boundaries "
            "included (docs/agreement.md); per label in the CSV export")
        self.units_note.setText(
            f"Label agreement on exact-span units: {units}. “—” means there is nothing to "
            "measure (e.g. no shared spans, or a single label used throughout). Wording after "
            "Landis &amp; Koch (1977)." + _facet_note(report))
        self.units_note.setTextFormat(Qt.TextFormat.RichText)
        self._render_table()

    def _render_table(self) -> None:
        report = self.report
        mode = str(self.mode_combo.currentData() or "")
        rows = [] if report is None else [
            r for r in report.rows()
            if r["measure"] == "span_prf" and (not mode or r["mode"] == mode)]
        self.model.set_rows(rows, {lab.key: lab for lab in self.project.labels()})
        pairs = report.pairs if report is not None else []
        self.table.setColumnHidden(0, len(pairs) <= 1)
        if len(pairs) == 1:
            who = (f"{html.escape(pairs[0].annotator_b)} against "
                   f"{html.escape(pairs[0].annotator_a)}")
        else:
            who = "B against A, for every pair"
        self._table_who = who
        self._render_table_title()

    def _render_table_title(self) -> None:
        self.table_title.setText(
            f"<b>Span agreement</b> <span style='color:{muted_text(self.table_title.palette())}'>"
            f"— precision, recall and F1 of {self._table_who}</span>")

    def coefficients(self) -> dict[str, str]:
        """What the cards show: ``cohen``, ``fleiss``, ``alpha`` -> displayed text."""
        return {"cohen": self.card_cohen.value.text(), "fleiss": self.card_fleiss.value.text(),
                "alpha": self.card_alpha.value.text()}

    # ------------------------------------------------------------------ export
    def export_csv(self, path: str | Path) -> int:
        """Write the report's rows (``report.rows()``) as CSV; returns the row count.

        RFC 4180 (CRLF line ends, minimal quoting), UTF-8; ``None`` is an empty cell and
        text cells that a spreadsheet would run as a formula are neutralised
        (:mod:`annotator.domain.csv_safety`). Written to a temporary file first, so a
        failed export never leaves half a file. Raises ``OSError``/``UserInputError``.
        """
        if self.report is None:
            raise UserInputError("there is no agreement report to export")
        rows = self.report.rows()
        target = Path(path)
        tmp = target.with_name(target.name + ".partial")
        try:
            with open(tmp, "w", encoding="utf-8", newline="") as out:
                writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else [])
                writer.writeheader()
                for row in rows:
                    writer.writerow({k: neutralise(v) if isinstance(v, str) else v
                                     for k, v in row.items()})
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return len(rows)

    def export_dialog(self) -> None:
        if self.report is None:
            return
        stem = (f"agreement-article-{self.article_id}" if self.scope == "article"
                else "agreement-corpus")
        path, _ = QFileDialog.getSaveFileName(self, "Export agreement as CSV", f"{stem}.csv",
                                              "CSV (*.csv)")
        if not path:
            return
        if not path.lower().endswith(".csv"):
            path += ".csv"
        try:
            n = self.export_csv(path)
        except (OSError, UserInputError) as exc:
            QMessageBox.warning(self, "Export failed", f"{path}: {exc}")
            return
        self.export_button.setToolTip(f"Last export: {n} rows to {path}")


def _facet_note(report: AgreementReport) -> str:
    """Per-facet α on shared spans, when analysts recorded facets on the same spans."""
    facets = report.facets
    if not facets:
        return ""
    parts = [f"{name.replace('_', ' ')} {('—' if a is None else f'{a:.3f}')} (n = {n})"
             for name, (a, n) in facets.items()]
    return "<br><b>Facet agreement</b> (α nominal, shared spans): " + " · ".join(parts)
