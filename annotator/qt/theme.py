"""Light or dark palette, following the system colour scheme unless the analyst picks one.

Qt 6.5+ reports the desktop's scheme in ``QStyleHints.colorScheme`` and signals
changes; a dark scheme gets the Fusion style with the dark palette below (platform
styles differ in how much of a dark palette they honour). View › Theme offers
"Follow system", "Light" and "Dark", remembered in QSettings (``view/theme``).

Highlight colours are label colours painted translucently over the text's
background; on a dark background with light text, pale colours (yellow, pink,
grey) would make the text unreadable, so :func:`readable_fill` darkens a colour
until light text over it keeps a WCAG contrast of at least 4.5:1 at the strongest
alpha the highlighter uses.
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


def muted_text(palette: QPalette) -> str:
    """A secondary-text colour (``#rrggbb``) for rich text, readable on light and dark.

    The palette's PlaceholderText composited over the window colour (Qt's default is
    the text colour at half alpha, which ``QColor.name()`` would turn into full black),
    then moved toward the window text until it keeps a 4.5:1 contrast with the window.
    Rich text cannot name a palette role, so widgets re-render it on a palette change
    (:func:`on_palette_change`).
    """
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    hint = palette.color(QPalette.ColorRole.PlaceholderText)
    color = composite(hint, hint.alpha(), window) if hint.alpha() < 255 else QColor(hint)
    for step in range(1, 11):
        if contrast(color, window) >= MIN_CONTRAST:
            break
        t = step / 10
        color = QColor(round(color.red() * (1 - t) + text.red() * t),
                       round(color.green() * (1 - t) + text.green() * t),
                       round(color.blue() * (1 - t) + text.blue() * t))
    return color.name()


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


def readable_fill(color: QColor, palette: QPalette, alpha: int = MAX_FILL_ALPHA) -> QColor:
    """``color``, darkened on a dark palette until its text stays readable over it.

    Hue and saturation are kept, so a label keeps its recognisable colour; only
    HSL lightness goes down. On a light palette the colour is returned unchanged.
    """
    if not is_dark(palette):
        return QColor(color)
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    h, s, a = color.hslHueF(), color.hslSaturationF(), color.alphaF()
    lightness = color.lightnessF()
    out = QColor(color)
    while lightness > 0 and contrast(text, composite(out, alpha, base)) < MIN_CONTRAST:
        lightness = max(0.0, lightness - 0.03)
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
