"""Light or dark palette, following the system colour scheme unless the analyst picks one.

Qt 6.5+ reports the desktop's scheme in ``QStyleHints.colorScheme`` and signals
changes; a dark scheme gets the Fusion style with the dark palette below (platform
styles differ in how much of a dark palette they honour). View › Theme offers
"Follow system", "Light" and "Dark", remembered in QSettings (``view/theme``).

Highlight colours are label colours painted translucently over the text's
background; on a dark background with light text, pale colours (yellow, pink,
grey) would make the text unreadable, so :func:`readable_fill` darkens a colour
until light text over it keeps a WCAG contrast of at least 4.5:1 at the strongest
alpha the highlighter uses (and on a light background lightens a very dark one,
such as the reviewed layer's near-black, for dark text).

Every other colour the window gives text comes from here too, so that it has a
value per theme: :func:`muted_text` (secondary text) and :func:`text_color` for
the few named signal colours in :data:`TEXT_COLORS` (ok, warning, error, strength
bands, review sides), :func:`author_color` for discussion authors, and
:data:`BANNERS` / :data:`MARK_BACKGROUND` for the backgrounds text sits on.
tests/test_theme_contrast.py computes each one's WCAG contrast on both themes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QStyleFactory, QWidget

MODES = (("system", "Follow system"), ("light", "Light"), ("dark", "Dark"))
SETTING = "view/theme"
MAX_FILL_ALPHA = 170
"""The highest alpha a highlight fill is painted with (nested spans, the selected one)."""
MIN_CONTRAST = 4.5

DARK = {
    "window": "#2b2b2b", "base": "#1e1e1e", "alternate": "#262626", "text": "#e6e6e6",
    "button": "#353535", "highlight": "#3d6fb4", "highlighted_text": "#ffffff",
    "link": "#8ab4f8", "placeholder": "#9a9a9a", "disabled": "#7a7a7a",
    "tooltip": "#3a3a3a",
}


# Named text colours, (light theme, dark theme). Each keeps WCAG 4.5:1 against the
# theme's Window, Base and AlternateBase colours (Fusion's light palette, DARK above).
TEXT_COLORS: dict[str, tuple[str, str]] = {
    "ok": ("#1b5e20", "#81c784"),          # resolved, no conflicts, accepted
    "warning": ("#a84300", "#ffb74d"),     # open thread, open disagreement
    "error": ("#b71c1c", "#ff8a80"),       # conflicts, a value that cannot be used
    "strong": ("#1b5e20", "#81c784"),      # attribution strength bands, green to red
    "moderate": ("#5c6300", "#d4e157"),
    "weak": ("#a84300", "#ffb74d"),
    "very_weak": ("#b71c1c", "#ff8a80"),
    "only_a": ("#005f95", "#56b4e9"),      # review side A / B (Okabe–Ito blue, purple)
    "only_b": ("#9c3f74", "#e8a5cc"),
}
AUTHOR_COLORS: tuple[tuple[str, ...], tuple[str, ...]] = (
    ("#1565a0", "#c0392b", "#1b5e20", "#7b1fa2", "#a84300", "#00707a", "#6d4c41", "#ad1457"),
    ("#64b5f6", "#ef9a9a", "#81c784", "#ce93d8", "#ffab91", "#4dd0e1", "#bcaaa4", "#f48fb1"),
)
"""Discussion authors: the same index is the same person in both themes."""
BANNERS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    # state -> ((background, border) light, (background, border) dark); text is WindowText
    "ok": (("#e8f5e9", "#a5d6a7"), ("#1e3a22", "#4c8c50")),
    "warn": (("#fff8e1", "#ffd54f"), ("#3d3000", "#a68a00")),
    "error": (("#ffebee", "#ef9a9a"), ("#4a1c1c", "#b05050")),
    "info": (("#e3f2fd", "#90caf9"), ("#102f4a", "#4a86c0")),
}
MARK_BACKGROUND = ("#fff3c4", "#5c4b00")
"""Behind the marked words of a preview (text is the palette's Text colour)."""
NEUTRAL_FILL = "#9e9e9e"
"""Swatch/fill of a label or item without a colour of its own (settled review items)."""
ANNOTATOR_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
                     "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")
"""Layer colours by analyst (fills, made readable by :func:`readable_fill`)."""
REVIEWED_COLOR = "#111111"
"""The reviewed layer's colour: near-black, unlike any analyst's."""


def dark_palette() -> QPalette:
    c = {k: QColor(v) for k, v in DARK.items()}
    pal = QPalette()
    role = QPalette.ColorRole
    for r, key in ((role.Window, "window"), (role.WindowText, "text"), (role.Base, "base"),
                   (role.AlternateBase, "alternate"), (role.Text, "text"),
                   (role.Button, "button"), (role.ButtonText, "text"),
                   (role.Highlight, "highlight"), (role.HighlightedText, "highlighted_text"),
                   (role.Link, "link"), (role.LinkVisited, "link"),
                   (role.PlaceholderText, "placeholder"), (role.ToolTipBase, "tooltip"),
                   (role.ToolTipText, "text"), (role.BrightText, "highlighted_text"),
                   (role.Light, "button"), (role.Midlight, "button"), (role.Mid, "window"),
                   (role.Dark, "base"), (role.Shadow, "base")):
        pal.setColor(r, c[key])
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(disabled, r, c["disabled"])
    pal.setColor(disabled, role.Highlight, c["button"])
    return pal


def is_dark(palette: QPalette) -> bool:
    """True when the palette's text background is dark (whatever set it)."""
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def _luminance(color: QColor) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF())
            + 0.0722 * channel(color.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio between two opaque colours (1..21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def composite(fill: QColor, alpha: int, base: QColor) -> QColor:
    """``fill`` painted with ``alpha`` over ``base`` (as the text engine blends it)."""
    a = alpha / 255
    return QColor.fromRgbF(fill.redF() * a + base.redF() * (1 - a),
                           fill.greenF() * a + base.greenF() * (1 - a),
                           fill.blueF() * a + base.blueF() * (1 - a))


def _text_backgrounds(palette: QPalette) -> list[QColor]:
    """What text sits on: the window, the text fields and their alternate rows."""
    role = QPalette.ColorRole
    return [palette.color(r) for r in (role.Window, role.Base, role.AlternateBase)]


def _readable_on(color: QColor, toward: QColor, backgrounds: list[QColor]) -> QColor:
    """``color`` moved toward ``toward`` (the text colour) until it keeps 4.5:1 on all
    ``backgrounds``; a colour already readable is returned unchanged."""
    out = QColor(color)
    for step in range(1, 11):
        if min(contrast(out, bg) for bg in backgrounds) >= MIN_CONTRAST:
            break
        t = step / 10
        out = QColor(round(color.red() * (1 - t) + toward.red() * t),
                     round(color.green() * (1 - t) + toward.green() * t),
                     round(color.blue() * (1 - t) + toward.blue() * t))
    return out


def muted_text(palette: QPalette, *, tooltip: bool = False) -> str:
    """A secondary-text colour (``#rrggbb``) for rich text, readable on light and dark.

    The palette's PlaceholderText composited over the window colour (Qt's default is
    the text colour at half alpha, which ``QColor.name()`` would turn into full black),
    then moved toward the window text until it keeps a 4.5:1 contrast with the window,
    the text fields and their alternate rows (or, with ``tooltip``, the tooltip's
    background). Rich text cannot name a palette role, so widgets re-render it on a
    palette change (:func:`on_palette_change`).
    """
    role = QPalette.ColorRole
    if tooltip:
        backgrounds = [palette.color(role.ToolTipBase)]
        text = palette.color(role.ToolTipText)
    else:
        backgrounds = _text_backgrounds(palette)
        text = palette.color(role.WindowText)
    hint = palette.color(role.PlaceholderText)
    color = composite(hint, hint.alpha(), backgrounds[0]) if hint.alpha() < 255 else QColor(hint)
    return _readable_on(color, text, backgrounds).name()


def _palette(palette: QPalette | None) -> QPalette:
    return QGuiApplication.palette() if palette is None else palette


def text_color(name: str, palette: QPalette | None = None) -> QColor:
    """The named signal colour of :data:`TEXT_COLORS` for ``palette``'s theme.

    ``palette`` defaults to the application's (item models have no widget). On a
    desktop palette other than the two tested ones, the colour is moved toward the
    text colour until it still keeps 4.5:1.
    """
    pal = _palette(palette)
    color = QColor(TEXT_COLORS[name][is_dark(pal)])
    return _readable_on(color, pal.color(QPalette.ColorRole.WindowText), _text_backgrounds(pal))


def css(name: str, palette: QPalette | None = None) -> str:
    """:func:`text_color` as ``#rrggbb`` for rich text and style sheets."""
    return text_color(name, palette).name()


BANDS = ("strong", "moderate", "weak", "very_weak")


def band_color(band: str, palette: QPalette | None = None) -> QColor:
    """Text colour of an attribution strength band; a custom rubric's band is muted."""
    if band in BANDS:
        return text_color(band, palette)
    return QColor(muted_text(_palette(palette)))


def author_color(index: int, palette: QPalette | None = None) -> str:
    """Discussion author ``index``'s colour (``#rrggbb``), readable on the theme."""
    pal = _palette(palette)
    colors = AUTHOR_COLORS[is_dark(pal)]
    color = QColor(colors[index % len(colors)])
    return _readable_on(color, pal.color(QPalette.ColorRole.Text), _text_backgrounds(pal)).name()


def banner_style(state: str, palette: QPalette | None = None) -> str:
    """Style sheet of a coloured message banner (``ok``, ``warn``, ``error``, ``info``)."""
    background, border = BANNERS[state][is_dark(_palette(palette))]
    return f"background:{background}; border:1px solid {border}; border-radius:4px;"


def mark_background(palette: QPalette | None = None) -> str:
    """Background (``#rrggbb``) of marked words in a preview, under the Text colour."""
    return MARK_BACKGROUND[is_dark(_palette(palette))]


def best_on(fill: QColor) -> QColor:
    """Black or white, whichever contrasts more with ``fill`` (labels on chart bars)."""
    black, white = QColor("#000000"), QColor("#ffffff")
    return black if contrast(black, fill) >= contrast(white, fill) else white


class _PaletteWatcher(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self.callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:
            self.callback()
        return False


def on_palette_change(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call ``callback`` whenever ``widget``'s palette changes (e.g. View › Theme)."""
    _PaletteWatcher(widget, callback)


def _blend_contrast(text: QColor, fill: QColor, alpha: int, base: QColor) -> float:
    """Contrast of ``text`` over ``fill`` blended on ``base``: the lower of the exact
    blend and the blend as the screen shows it (8 bits a channel), so rounding either
    way still keeps the ratio."""
    exact = composite(fill, alpha, base)
    return min(contrast(text, exact), contrast(text, QColor(exact.name())))


def readable_fill(color: QColor, palette: QPalette, alpha: int = MAX_FILL_ALPHA) -> QColor:
    """``color``, made lighter or darker until the palette's text stays readable over it.

    Hue and saturation are kept, so a label keeps its recognisable colour; only HSL
    lightness moves: down under the light text of a dark palette, up under the dark
    text of a light one. A colour that already keeps 4.5:1 is returned unchanged.
    """
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    step = -0.03 if is_dark(palette) else 0.03
    h, s, a = color.hslHueF(), color.hslSaturationF(), color.alphaF()
    lightness = color.lightnessF()
    out = QColor(color)
    while (0 < lightness if step < 0 else lightness < 1) \
            and _blend_contrast(text, out, alpha, base) < MIN_CONTRAST:
        lightness = min(1.0, max(0.0, lightness + step))
        out = QColor.fromHslF(max(h, 0.0), s, lightness, a)
    return out


_CONTROLLERS: dict[int, ThemeController] = {}


def theme_for(app: QApplication, settings: QSettings) -> ThemeController:
    """The application's one theme controller (every window shares the palette).

    A new window re-reads the remembered choice from its settings.
    """
    key = id(app)
    controller = _CONTROLLERS.get(key)
    if controller is None:
        controller = _CONTROLLERS[key] = ThemeController(app, settings, app)
    else:
        controller.use_settings(settings)
    return controller


class ThemeController(QObject):
    """Applies the chosen mode to the application and keeps following the system."""

    changed = Signal(bool)  # dark

    def __init__(self, app: QApplication, settings: QSettings,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.settings = settings
        self._original_style = app.style().name()
        self._original_palette = QPalette(app.palette())
        self.dark = False
        self._touched = False  # True once this controller has replaced style or palette
        self.group = QActionGroup(self)
        self.actions: dict[str, QAction] = {}
        for key, title in MODES:
            action = QAction(title, self)
            action.setObjectName(f"theme_{key}")
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, k=key: self.set_mode(k))
            self.group.addAction(action)
            self.actions[key] = action
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_changed)
        self.mode = "system"
        self.use_settings(settings)

    def use_settings(self, settings: QSettings) -> None:
        self.settings = settings
        mode = str(settings.value(SETTING, "system"))
        self.mode = mode if mode in self.actions else "system"
        self.actions[self.mode].setChecked(True)
        self.apply()

    def menu(self, parent: QWidget | None = None) -> QMenu:
        menu = QMenu("&Theme", parent)
        menu.setObjectName("themeMenu")
        for key, _ in MODES:
            menu.addAction(self.actions[key])
        return menu

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.settings.setValue(SETTING, mode)
        self.actions[mode].setChecked(True)
        self.apply()

    def _system_changed(self, scheme: Qt.ColorScheme) -> None:
        if self.mode == "system":
            self.apply(scheme)

    def apply(self, scheme: Qt.ColorScheme | None = None) -> None:
        if scheme is None:
            scheme = QGuiApplication.styleHints().colorScheme()
        if self.mode == "system":
            dark = scheme == Qt.ColorScheme.Dark
        else:
            dark = self.mode == "dark"
        if dark:
            self._set_style("Fusion")
            self.app.setPalette(dark_palette())
        elif is_dark(self._original_palette):
            # The desktop is dark but the analyst asked for light.
            self._set_style("Fusion")
            self.app.setPalette(self.app.style().standardPalette())
        elif self._touched:
            self._set_style(self._original_style)
            self.app.setPalette(self._original_palette)
        self._touched = self._touched or dark or is_dark(self._original_palette)
        self.dark = dark
        self.changed.emit(dark)

    def _set_style(self, name: str) -> None:
        if self.app.style().name().casefold() != name.casefold():
            style = QStyleFactory.create(name)
            if style is not None:
                self.app.setStyle(style)
