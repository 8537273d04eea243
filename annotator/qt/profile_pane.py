"""Reliability profile pane: charts of how an article's (and the corpus's) claims are
sourced.

All figures come from :mod:`annotator.services.profile`; this module only draws
them. Data is fetched in :meth:`ProfilePane.show_article` and
:meth:`ProfilePane.refresh` (and when the corpus grouping changes), never while
painting: the charts and the table model hold plain numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QHorizontalPercentBarSeries,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QCursor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from annotator.qt import theme
from annotator.qt.profile_parts import (  # noqa: F401 (re-exported)
    BAND_COLORS,
    CorpusTableModel,
    KpiCard,
    _chart_view,
    _count_axis,
    _elide,
    _is_dark,
    _new_chart,
    _nice_step,
    _num,
    _pct,
    _plural,
    band_color,
    band_title,
    short_label_name,
)
from annotator.services import profile as prof
from annotator.services.profile import Profile, ProfileRow
from annotator.services.project import Project


class ProfilePane(QWidget):
    """Article and corpus reliability profile (charts, KPIs, comparison table)."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profilePane")
        self.project = project
        self.article_id: int | None = None
        self.annotators: list[str] | None = None
        """Count only these analysts' annotations (the visible layers); None: all."""
        self.profile: Profile | None = None
        self.corpus_rows: list[ProfileRow] = []
        self.group_by = "article"
        self.source_sets: list[QBarSet] = []
        self.band_sets: list[QBarSet] = []
        self.corpus_band_sets: list[QBarSet] = []
        self._band_ranges: list[tuple[str, int, int]] = []
        self._build()
        self.refresh()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(6)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("profileTabs")
        self.tabs.setDocumentMode(True)
        self.export_button = QPushButton("Export chart as PNG…")
        self.export_button.setObjectName("exportChartButton")
        self.export_button.setToolTip("Save the current tab's charts as a PNG image")
        self.export_button.clicked.connect(self.export_dialog)
        self.tabs.setCornerWidget(self.export_button, Qt.Corner.TopRightCorner)
        outer.addWidget(self.tabs)

        # --- Article tab: heading, KPI strip, two charts
        self.article_tab = QWidget()
        self.article_tab.setObjectName("profileArticleTab")
        self.article_area = QWidget()
        self.article_area.setObjectName("profileArticleCharts")
        self.article_area.setAutoFillBackground(True)
        area = QVBoxLayout(self.article_area)
        area.setContentsMargins(8, 8, 8, 8)
        area.setSpacing(8)
        self.heading = QLabel()
        self.heading.setObjectName("profileHeading")
        self.heading.setWordWrap(True)
        hfont = QFont(self.heading.font())
        hfont.setPointSizeF(hfont.pointSizeF() * 1.25)
        hfont.setBold(True)
        self.heading.setFont(hfont)
        self.subheading = QLabel()
        self.subheading.setObjectName("profileSubheading")
        self.subheading.setWordWrap(True)
        area.addWidget(self.heading)
        area.addWidget(self.subheading)

        strip = QHBoxLayout()
        strip.setSpacing(8)
        self.kpi_anonymous = KpiCard("Anonymous sources", "kpiAnonymous")
        self.kpi_single = KpiCard("Single-source claims", "kpiSingleSource")
        self.kpi_unattributed = KpiCard("Unattributed claims", "kpiUnattributed")
        self.kpi_mean = KpiCard("Mean attribution strength", "kpiMeanScore")
        for card in (self.kpi_anonymous, self.kpi_single, self.kpi_unattributed,
                     self.kpi_mean):
            strip.addWidget(card)
        area.addLayout(strip)

        charts = QHBoxLayout()
        charts.setSpacing(8)
        self.source_view = _chart_view("sourceTypeChart", 360)
        self.band_view = _chart_view("scoreBandChart", 360)
        self.band_view.setMinimumWidth(300)
        charts.addWidget(self.source_view, 3)
        charts.addWidget(self.band_view, 2)
        area.addLayout(charts, 1)

        self.placeholder = QLabel("Open an article to see its reliability profile.")
        self.placeholder.setObjectName("profilePlaceholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        tab_layout = QVBoxLayout(self.article_tab)
        tab_layout.setContentsMargins(0, 0, 0, 0)
        tab_layout.addWidget(self.placeholder)
        tab_layout.addWidget(self.article_area)
        self.tabs.addTab(self.article_tab, "Article")

        # --- Corpus tab: grouping combo, table, band-share chart
        self.corpus_tab = QWidget()
        self.corpus_tab.setObjectName("profileCorpusTab")
        corpus = QVBoxLayout(self.corpus_tab)
        corpus.setContentsMargins(8, 8, 8, 8)
        row = QHBoxLayout()
        compare = QLabel("Compare by:")
        self.group_combo = QComboBox()
        self.group_combo.setObjectName("profileGroupBy")
        self.group_combo.addItem("Article", "article")
        self.group_combo.addItem("Outlet", "outlet")
        compare.setBuddy(self.group_combo)
        self.group_combo.currentIndexChanged.connect(self._group_changed)
        self.corpus_summary = QLabel()
        self.corpus_summary.setObjectName("profileCorpusSummary")
        row.addWidget(compare)
        row.addWidget(self.group_combo)
        row.addSpacing(12)
        row.addWidget(self.corpus_summary, 1)
        corpus.addLayout(row)

        self.corpus_model = CorpusTableModel()
        self.corpus_proxy = QSortFilterProxyModel(self)
        self.corpus_proxy.setSourceModel(self.corpus_model)
        self.corpus_proxy.setSortRole(CorpusTableModel.SORT_ROLE)
        self.corpus_table = QTableView()
        self.corpus_table.setObjectName("profileCorpusTable")
        self.corpus_table.setModel(self.corpus_proxy)
        self.corpus_table.setSortingEnabled(True)
        self.corpus_table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.corpus_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.corpus_table.setAlternatingRowColors(True)
        self.corpus_table.setWordWrap(False)
        self.corpus_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.corpus_table.verticalHeader().setVisible(False)
        header = self.corpus_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, self.corpus_model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)

        self.corpus_view = _chart_view("corpusBandChart", 220)
        self.corpus_scroll = QScrollArea()
        self.corpus_scroll.setWidgetResizable(True)
        self.corpus_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.corpus_scroll.setWidget(self.corpus_view)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.corpus_table)
        splitter.addWidget(self.corpus_scroll)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([220, 480])
        self.corpus_table.setMinimumHeight(120)
        corpus.addWidget(splitter, 1)
        self.tabs.addTab(self.corpus_tab, "Corpus")
        self.tabs.currentChanged.connect(lambda _i: self._update_export())

    # ------------------------------------------------------------------ data

    def set_annotators(self, annotators: list[str] | None) -> None:
        self.annotators = annotators

    def layers_text(self) -> str:
        """Which analysts' annotations the figures count (the visible layers)."""
        if self.annotators is None:
            return "counting every layer"
        if not self.annotators:
            return "counting no layer (all hidden)"
        names = ["reviewed layer" if n == "reviewed" else n for n in self.annotators]
        return "counting " + ", ".join(names)

    def show_article(self, article_id: int | None) -> None:
        """Show ``article_id``'s profile (``None``: nothing open). Queries once."""
        self.article_id = article_id
        self._load_article()

    def refresh(self) -> None:
        """Re-read everything (after edits or an import)."""
        self._load_article()
        self._load_corpus()

    def _load_article(self) -> None:
        self.profile = (prof.article_profile(self.project, self.article_id,
                                             annotators=self.annotators)
                        if self.article_id is not None else None)
        self._band_ranges = prof.band_ranges(self.project)
        self._render_article()

    def _load_corpus(self) -> None:
        self.corpus_rows = prof.corpus_profile(self.project, group_by=self.group_by)
        self._render_corpus()

    def _group_changed(self, _index: int) -> None:
        self.group_by = str(self.group_combo.currentData())
        self._load_corpus()

    # ------------------------------------------------------------------ article

    def _render_article(self) -> None:
        p = self.profile
        self._update_export()
        self.placeholder.setVisible(p is None)
        self.article_area.setVisible(p is not None)
        if p is None:
            self.source_sets, self.band_sets = [], []
            self.source_view.setChart(_new_chart(""))
            self.band_view.setChart(_new_chart(""))
            return
        self.heading.setText(_elide(p.title, 160))
        self.heading.setToolTip(p.title)
        facts = [p.outlet] if p.outlet else []
        facts.append(f"{p.total} claim{'s' if p.total != 1 else ''} (annotations)")
        if p.hedged:
            facts.append(f"{p.hedged} hedged ({_pct(p.hedged_share)})")
        if p.median_score is not None:
            facts.append(f"median strength {p.median_score:.0f}")
        if not p.total:
            facts.append("tag some claims to fill the charts")
        facts.append(self.layers_text())
        self.subheading.setText("  ·  ".join(facts))

        of = f"of {p.total} claims" if p.total else "no claims yet"
        self.kpi_anonymous.set(
            _pct(p.anonymous_share), f"{p.anonymous} {of}",
            "Claims tagged Anonymous official or Anonymous, unspecified")
        self.kpi_single.set(
            str(p.single_source), f"{_pct(p.single_source_share)} of claims",
            "Source count 1, or a named person / organisation statement with no count "
            "recorded")
        self.kpi_unattributed.set(
            str(p.unattributed), f"{_pct(p.unattributed_share)} of claims",
            "Claims tagged Unattributed: no source at all")
        self.kpi_mean.set(
            _num(p.mean_score), "0 (uncheckable) – 100 (fully checkable)",
            "Mean attribution strength from the rubric (docs/rubric.md)")
        self.source_view.setChart(self._source_chart(p))
        self.band_view.setChart(self._band_chart(p))

    def _source_chart(self, p: Profile) -> QChart:
        """Horizontal bars, one per source type, each in its label's colour.

        One stacked set per label with its count at its own category (zero elsewhere)
        is the QtCharts way to give each bar its own colour.
        """
        chart = _new_chart("Annotations per source type")
        shown = [lc for lc in p.by_label if lc.count or not lc.retired]
        shown.reverse()  # categories run bottom-up; keep taxonomy order top-down
        names = [short_label_name(lc.name) for lc in shown]
        if len(set(names)) != len(names):
            names = [lc.name for lc in shown]
        series = QHorizontalStackedBarSeries()
        series.setBarWidth(0.7)
        self.source_sets = []
        for i, lc in enumerate(shown):
            bar = QBarSet(lc.name)
            bar.append([float(lc.count) if j == i else 0.0 for j in range(len(shown))])
            bar.setColor(QColor(lc.color))
            bar.setBorderColor(QColor(lc.color).darker(130))
            self.source_sets.append(bar)
            series.append(bar)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value")
        series.setLabelsPosition(QHorizontalStackedBarSeries.LabelsPosition.LabelsInsideEnd)
        chart.addSeries(series)
        self._tooltips(series, self._share_text)
        categories = QBarCategoryAxis()
        categories.append(names)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        counts = _count_axis(max((lc.count for lc in shown), default=0), "Annotations")
        chart.addAxis(counts, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(counts)
        self._hide_zero_labels(series)
        return chart

    def _tooltips(self, series: Any, describe: Any) -> None:
        """Hovering a bar shows ``describe(bar_set, index)``; computed from the chart."""
        def hovered(status: bool, index: int, bar: QBarSet) -> None:
            if status:
                QToolTip.showText(QCursor.pos(), describe(bar, index), self)
            else:
                QToolTip.hideText()
        series.hovered.connect(hovered)

    def _share_text(self, bar: QBarSet, index: int) -> str:
        n = int(bar.at(index))
        total = self.profile.total if self.profile is not None else 0
        return f"{bar.label()}: {n} of {total} claims ({_pct(n / total if total else None)})"

    @staticmethod
    def _hide_zero_labels(series: Any) -> None:
        """Zero-length segments would print "0" on the axis; label only real bars."""
        for bar in series.barSets():
            if not any(bar.at(i) for i in range(bar.count())):
                bar.setLabelColor(QColor(0, 0, 0, 0))
            else:
                bar.setLabelColor(theme.best_on(bar.color()))  # 4.5:1 on any bar

    def _band_chart(self, p: Profile) -> QChart:
        """Horizontal bars, strongest band on top, green to red."""
        chart = _new_chart("Attribution strength bands")
        ranges = {name: (lo, hi) for name, lo, hi in self._band_ranges}
        bands = list(reversed(p.bands))  # categories run bottom-up
        names = []
        for name, _n in bands:
            lo, hi = ranges.get(name, (0, 100))
            names.append(f"<div align=\"right\">{band_title(name)}<br>{lo}–{hi}</div>")
        series = QHorizontalStackedBarSeries()
        series.setBarWidth(0.55)
        self.band_sets = []
        for i, (name, n) in enumerate(bands):
            bar = QBarSet(band_title(name))
            bar.append([float(n) if j == i else 0.0 for j in range(len(bands))])
            color = band_color(name, len(bands) - 1 - i, len(bands))
            bar.setColor(color)
            bar.setBorderColor(color.darker(130))
            self.band_sets.append(bar)
            series.append(bar)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value")
        series.setLabelsPosition(QHorizontalStackedBarSeries.LabelsPosition.LabelsInsideEnd)
        chart.addSeries(series)
        self._tooltips(series, self._share_text)
        categories = QBarCategoryAxis()
        categories.append(names)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        counts = _count_axis(max((n for _, n in bands), default=0), "Annotations")
        chart.addAxis(counts, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(counts)
        self._hide_zero_labels(series)
        return chart

    def source_counts(self) -> dict[str, int]:
        """What the source-type chart shows: label name -> bar length."""
        return {b.label(): int(sum(b.at(i) for i in range(b.count())))
                for b in self.source_sets}

    def band_counts(self) -> dict[str, int]:
        """What the band chart shows: band title -> bar height."""
        return {b.label(): int(sum(b.at(i) for i in range(b.count())))
                for b in self.band_sets}

    # ------------------------------------------------------------------ corpus

    def _update_export(self) -> None:
        on_corpus = self.tabs.currentWidget() is self.corpus_tab
        self.export_button.setEnabled(on_corpus or self.profile is not None)

    def _render_corpus(self) -> None:
        rows = self.corpus_rows
        self.corpus_model.set_rows(rows, self.group_by)
        n_articles = sum(r.profile.n_articles for r in rows)
        n_claims = sum(r.profile.total for r in rows)
        parts = [_plural(n_articles, "article"), _plural(n_claims, "claim")]
        if self.group_by == "outlet":
            parts.insert(0, _plural(len(rows), "outlet"))
        self.corpus_summary.setText("  ·  ".join(parts))
        self.corpus_view.setChart(self._corpus_chart(rows))
        self.corpus_view.setMinimumHeight(max(220, 130 + 28 * len(rows)))

    def _corpus_chart(self, rows: list[ProfileRow]) -> QChart:
        what = "outlet" if self.group_by == "outlet" else "article"
        chart = _new_chart(f"Attribution strength bands per {what} (share of claims)")
        shown = list(reversed(rows))  # first row on top
        if self.group_by == "article":
            names = [f"#{r.key}  {_elide(r.title, 44)}" for r in shown]
        else:
            names = [_elide(r.title, 44) for r in shown]
        series = QHorizontalPercentBarSeries()
        series.setBarWidth(0.45 if len(rows) < 4 else 0.7)
        self.corpus_band_sets = []
        band_names = [name for name, _n in rows[0].profile.bands] if rows else []
        for i, name in enumerate(band_names):
            bar = QBarSet(band_title(name))
            bar.append([float(r.profile.band_count(name)) for r in shown])
            color = band_color(name, i, len(band_names))
            bar.setColor(color)
            bar.setBorderColor(color.darker(130))
            self.corpus_band_sets.append(bar)
            series.append(bar)
        chart.addSeries(series)

        def describe(bar: QBarSet, index: int) -> str:
            row = shown[index]
            n, total = int(bar.at(index)), row.profile.total
            return (f"{row.title}\n{bar.label()}: {n} of {total} claims "
                    f"({_pct(n / total if total else None)})")
        self._tooltips(series, describe)
        categories = QBarCategoryAxis()
        categories.append(names)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        share = QValueAxis()
        share.setRange(0, 100)
        share.setTickCount(6)
        share.setLabelFormat("%d%%")
        share.setTitleText("Share of claims")
        chart.addAxis(share, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(share)
        legend = chart.legend()
        legend.setVisible(bool(band_names))
        legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
        return chart

    def corpus_band_counts(self) -> list[dict[str, int]]:
        """What the corpus chart shows, in table-row order: band title -> count."""
        n = len(self.corpus_rows)
        return [{b.label(): int(b.at(n - 1 - i)) for b in self.corpus_band_sets}
                for i in range(n)]

    # ------------------------------------------------------------------ export

    def chart_widget(self) -> QWidget:
        """The widget the export button saves: the current tab's chart(s)."""
        if self.tabs.currentWidget() is self.corpus_tab:
            return self.corpus_view
        return self.article_area if self.profile is not None else self.article_tab

    def export_png(self, path: str | Path) -> bool:
        """Save the current tab's chart(s) as a PNG; ``False`` if it cannot be written."""
        pixmap = self.chart_widget().grab()
        return not pixmap.isNull() and pixmap.save(str(path), "PNG")

    def export_dialog(self) -> None:
        stem = "corpus-profile" if self.tabs.currentWidget() is self.corpus_tab else (
            f"article-{self.article_id}-profile" if self.article_id is not None else "profile")
        path, _ = QFileDialog.getSaveFileName(self, "Export chart as PNG", f"{stem}.png",
                                              "PNG image (*.png)")
        if not path:
            return
        if not path.lower().endswith(".png"):
            path += ".png"
        if not self.export_png(path):
            QMessageBox.warning(self, "Export failed", f"Could not write {path}.")
