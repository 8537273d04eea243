"""Every colour the window gives text keeps WCAG 2 contrast 4.5:1 on both themes.

The ratio is computed here from the WCAG 2 definition (sRGB relative luminance,
(L1 + 0.05) / (L2 + 0.05)), independently of ``theme.contrast``, for the named
signal colours, the author colours, the muted grey, banner and mark backgrounds,
and every highlight fill the article view paints (label, layer, compare colours)
after ``theme.readable_fill``. A scan of annotator/qt keeps hex greys and fixed
text colours out of the modules (they live in qt/theme.py, with a value per theme).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from annotator.qt import theme
from annotator.qt.review_model import KIND_COLORS

ROOT = Path(__file__).resolve().parents[1]
QT = ROOT / "annotator" / "qt"
TAXONOMY = ROOT / "resources" / "taxonomy.json"
WCAG_TEXT = 4.5
HIGHLIGHT_ALPHAS = (70, 115, 160, theme.MAX_FILL_ALPHA)  # highlighter depths 1-3, cap


def luminance(hex_color: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_formula_gives_the_known_ratios() -> None:
    assert ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic miss
    assert ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert theme.contrast(QColor("#777777"), QColor("#ffffff")) == pytest.approx(
        ratio("#777777", "#ffffff"))


def _light() -> QPalette:
    """The light theme: Fusion's standard palette (what View › Theme › Light sets on a
    dark desktop, and the offscreen default)."""
    style = QStyleFactory.create("Fusion")
    assert style is not None
    return style.standardPalette()


THEMES = {"light": _light, "dark": theme.dark_palette}


@pytest.fixture(params=sorted(THEMES))
def palette(request, qapp) -> QPalette:  # type: ignore[no-untyped-def]
    return THEMES[request.param]()


def _backgrounds(palette: QPalette) -> dict[str, str]:
    role = QPalette.ColorRole
    return {name: palette.color(r).name() for name, r in
            (("window", role.Window), ("base", role.Base), ("alternate", role.AlternateBase))}


def test_named_text_colours_read_on_window_and_base(palette: QPalette) -> None:
    dark = theme.is_dark(palette)
    worst = []
    for name, values in theme.TEXT_COLORS.items():
        color = values[dark]
        for where, bg in _backgrounds(palette).items():
            worst.append((ratio(color, bg), name, where))
        # The table's own value is used as it is (no correction needed on these themes).
        assert theme.css(name, palette) == color, name
    for i, color in enumerate(theme.AUTHOR_COLORS[dark]):
        for where, bg in _backgrounds(palette).items():
            worst.append((ratio(color, bg), f"author {i}", where))
        assert theme.author_color(i, palette) == color
    muted = theme.muted_text(palette)
    for where, bg in _backgrounds(palette).items():
        worst.append((ratio(muted, bg), "muted", where))
    tip = palette.color(QPalette.ColorRole.ToolTipBase).name()
    worst.append((ratio(theme.muted_text(palette, tooltip=True), tip), "muted", "tooltip"))
    for band in theme.BANDS:
        assert theme.band_color(band, palette).name() == theme.TEXT_COLORS[band][dark]
    assert theme.band_color("custom_band", palette).name() == muted
    failing = sorted(w for w in worst if w[0] < WCAG_TEXT)
    assert failing == [], failing


def test_text_on_coloured_backgrounds_reads(palette: QPalette) -> None:
    """Banners (database status, "not saved yet"; text in WindowText), marked preview words."""
    dark = theme.is_dark(palette)
    window_text = palette.color(QPalette.ColorRole.WindowText).name()
    text = palette.color(QPalette.ColorRole.Text).name()
    for state, values in theme.BANNERS.items():
        background = values[dark][0]
        assert ratio(window_text, background) >= WCAG_TEXT, state
        assert f"background:{background};" in theme.banner_style(state, palette)
    assert ratio(text, theme.mark_background(palette)) >= WCAG_TEXT


def _over(text: str, fill: QColor, alpha: int, base: QColor) -> float:
    """Text over a translucent fill: the lower of the exact blend and the 8-bit one."""
    exact = theme.composite(fill, alpha, base)
    return min(theme.contrast(QColor(text), exact), ratio(text, exact.name()))


def _fills() -> dict[str, str]:
    labels = json.loads(TAXONOMY.read_text(encoding="utf-8"))["labels"]
    fills = {f"label {lab['key']}": lab["color"] for lab in labels}
    fills.update({f"layer {c}": c for c in theme.ANNOTATOR_PALETTE})
    fills.update({f"kind {k.value}": c for k, c in KIND_COLORS.items()})
    fills.update(reviewed=theme.REVIEWED_COLOR, neutral=theme.NEUTRAL_FILL,
                 black="#000000", white="#ffffff", navy="#0b1a4a", pale="#fff9c4")
    return fills


def test_highlighted_text_stays_readable(palette: QPalette) -> None:
    """What the highlighter paints: a fill at each depth's alpha over Base, under Text."""
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text).name()
    failing = []
    for name, color in _fills().items():
        fill = theme.readable_fill(QColor(color), palette)
        for alpha in HIGHLIGHT_ALPHAS:
            if _over(text, fill, alpha, base) < WCAG_TEXT:
                failing.append((name, alpha, round(_over(text, fill, alpha, base), 2)))
    assert failing == []


def test_agreement_score_tints_keep_text_readable(palette: QPalette) -> None:
    """The F1 column's red-to-green tint, over Base, under the table's Text."""
    from annotator.qt.agreement_pane import score_color

    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text).name()
    worst = min(
        _over(text, tint, tint.alpha(), base)
        for tint in (score_color(i / 100, palette) for i in range(101)) if tint is not None)
    assert worst >= WCAG_TEXT


def test_readable_fill_keeps_colours_that_already_read(qapp) -> None:  # type: ignore[no-untyped-def]
    """Only colours that need it change: the default taxonomy is untouched on light,
    the reviewed layer's near-black is lightened (it was 3.4:1 under black text)."""
    palette = _light()
    labels = json.loads(TAXONOMY.read_text(encoding="utf-8"))["labels"]
    for lab in labels:
        assert theme.readable_fill(QColor(lab["color"]), palette) == QColor(lab["color"])
    lightened = theme.readable_fill(QColor(theme.REVIEWED_COLOR), palette)
    assert lightened.lightness() > QColor(theme.REVIEWED_COLOR).lightness()
    assert abs(lightened.hslSaturationF() - QColor(theme.REVIEWED_COLOR).hslSaturationF()) < 0.01


_HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")


def _qt_sources() -> list[Path]:
    return [p for p in sorted(QT.rglob("*.py")) if p.name != "theme.py"]


def test_no_hex_grey_outside_the_theme_module() -> None:
    """Greys (#777, #666, #888, #999999 …) are theme-dependent: they come from theme.py."""
    found = []
    for path in _qt_sources():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in _HEX.finditer(line):
                digits = m.group(1)
                if len(digits) == 3:
                    digits = "".join(c * 2 for c in digits)
                r, g, b = (digits[i:i + 2].casefold() for i in (0, 2, 4))
                if r == g == b:
                    found.append(f"{path.relative_to(ROOT)}:{n}: {m.group(0)}")
    assert found == []


def test_no_fixed_text_colour_outside_the_theme_module() -> None:
    """A text colour written into rich text or a style sheet (``color:#…``) or a fixed
    foreground brush would not follow View › Theme."""
    pattern = re.compile(r"(?<![-\w])color\s*:\s*#[0-9a-fA-F]{3,6}|setForeground\(QColor\(\"#")
    found = [f"{path.relative_to(ROOT)}:{n}"
             for path in _qt_sources()
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if pattern.search(line)]
    assert found == []


def test_the_app_palette_is_one_of_the_tested_themes(qapp) -> None:  # type: ignore[no-untyped-def]
    """The suite's light palette is the one measured above (so the window tests that
    read colours off widgets measure the same backgrounds)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert theme.is_dark(app.palette()) is False
    assert app.palette().color(QPalette.ColorRole.Window) == _light().color(
        QPalette.ColorRole.Window)
