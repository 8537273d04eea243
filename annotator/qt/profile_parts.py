"""Pieces of the profile pane: colours, chart helpers, figure cards, corpus table."""

from __future__ import annotations

import math
import re
from typing import Any

from PySide6.QtCharts import (
    QChart,
    QChartView,
    QValueAxis,
)
from PySide6.QtCore import (
    QMargins,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QSizePolicy,
)

from annotator.qt.cards import FigureCard
from annotator.qt.table_model import RIGHT, SORT_ROLE, Column, ColumnTableModel
from annotator.services.profile import ProfileRow

BAND_COLORS = {
    "strong": "#1a9850",
    "moderate": "#91cf60",
    "weak": "#fc8d59",
    "very_weak": "#d73027",
}
"""Strong green to very weak red (ColorBrewer RdYlGn, colour-blind friendlier ends)."""

_GRADIENT = ("#1a9850", "#91cf60", "#d9ef8b", "#fee08b", "#fc8d59", "#d73027")


def band_color(name: str, index: int, n_bands: int) -> QColor:
    """The band's colour; bands of a custom rubric get a green-to-red ramp position."""
    if name in BAND_COLORS:
        return QColor(BAND_COLORS[name])
    pos = 0 if n_bands <= 1 else round(index * (len(_GRADIENT) - 1) / (n_bands - 1))
    return QColor(_GRADIENT[pos])


def band_title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def short_label_name(name: str) -> str:
    """"Anonymous official (role/affiliation given)" -> "Anonymous official"."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name) or name


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _elide(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _nice_step(top: int, max_ticks: int = 8) -> int:
    for magnitude in (1, 10, 100, 1000, 10_000, 100_000):
        for mult in (1, 2, 5):
            step = mult * magnitude
            if top / step <= max_ticks:
                return step
    return max(1, math.ceil(top / max_ticks))


def _count_axis(top: int, title: str) -> QValueAxis:
    """A whole-number axis from 0 with round tick steps."""
    step = _nice_step(max(top, 1))
    axis = QValueAxis()
    # Headroom above the longest bar so its value label never touches the frame.
    axis.setRange(0, math.ceil((max(top, 1) + 0.5) / step) * step)
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(0)
    axis.setTickInterval(step)
    axis.setLabelFormat("%d")
    axis.setTitleText(title)
    axis.setMinorTickCount(0)
    return axis


def _is_dark() -> bool:
    return QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def _new_chart(title: str) -> QChart:
    chart = QChart()
    if _is_dark():
        chart.setTheme(QChart.ChartTheme.ChartThemeDark)
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setPointSizeF(max(font.pointSizeF(), 9.0) + 1.5)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(6, 6, 12, 6))
    chart.setBackgroundRoundness(6)
    chart.legend().setVisible(False)
    return chart


def _chart_view(name: str, min_height: int) -> QChartView:
    view = QChartView()
    view.setObjectName(name)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumSize(320, min_height)
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    view.setFrameShape(QFrame.Shape.NoFrame)
    return view


class KpiCard(FigureCard):
    """One figure with a caption above and a detail line below."""

    def set(self, value: str, detail: str, tooltip: str = "") -> None:
        self.set_text(value, detail, tooltip)


class CorpusTableModel(ColumnTableModel[ProfileRow]):
    """One row per article or outlet; display text plus raw values for sorting."""

    SORT_ROLE = SORT_ROLE

    def __init__(self) -> None:
        super().__init__(())
        self.rows: list[ProfileRow] = []
        self.group_by = "article"
        self.columns = tuple(self._columns())

    def _columns(self) -> list[Column]:
        def tip(r: ProfileRow) -> str:
            p = r.profile
            extra = f" — {p.outlet}" if r.group_by == "article" and p.outlet else ""
            return f"{r.title}{extra}\n{p.n_articles} article(s), {p.total} claim(s)"

        def share(count: int, part: float | None, total: int) -> str:
            return f"{count}  ({_pct(part)})" if total else "0"

        def raw(value: float | None) -> float:
            return -1.0 if value is None else float(value)

        return [
            Column("Outlet" if self.group_by == "outlet" else "Article",
                   lambda r: " ".join(r.title.split()), tooltip=tip,
                   sort=lambda r: r.title.casefold()),
            Column("Annotations", lambda r: str(r.profile.total), align=RIGHT,
                   sort=lambda r: float(r.profile.total)),
            Column("% anonymous", lambda r: _pct(r.profile.anonymous_share), align=RIGHT,
                   sort=lambda r: raw(r.profile.anonymous_share)),
            Column("Single-source", lambda r: share(r.profile.single_source,
                                                    r.profile.single_source_share,
                                                    r.profile.total),
                   align=RIGHT, sort=lambda r: float(r.profile.single_source)),
            Column("Unattributed", lambda r: share(r.profile.unattributed,
                                                   r.profile.unattributed_share,
                                                   r.profile.total),
                   align=RIGHT, sort=lambda r: float(r.profile.unattributed)),
            Column("Mean score", lambda r: _num(r.profile.mean_score), align=RIGHT,
                   sort=lambda r: raw(r.profile.mean_score)),
        ]

    def set_rows(self, rows: list[ProfileRow], group_by: str) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.items = self.rows
        self.group_by = group_by
        self.columns = tuple(self._columns())
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 0)

    def values(self, row: int) -> tuple[Any, ...]:
        """Raw figures of a row: title, annotations, anonymous share, single-source,
        unattributed, mean score."""
        r = self.rows[row]
        p = r.profile
        return (r.title, p.total, p.anonymous_share, p.single_source, p.unattributed,
                p.mean_score)
