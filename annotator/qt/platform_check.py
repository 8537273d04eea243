"""One clear line instead of Qt's "Could not load the Qt platform plugin xcb".

On a fresh Linux desktop Qt's X11 plugin needs system libraries that PySide6's wheel does
not ship (``libxcb-cursor0`` first of all), and Qt's own message names the wrong package.
Before the QApplication exists we try to load the libraries the plugin links against
(the list comes from ``ldd`` of ``libqxcb.so`` and ``libQt6XcbQpa.so`` on Debian 12); if one
is missing, or Qt's platform plugin fails anyway, we print one line pointing at the
README's list of packages for each distribution.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterable

README_HINT = ("see README.md › Run it › “Linux: system libraries for Qt's xcb plugin” "
               "(Debian/Ubuntu: sudo apt-get install libxcb-cursor0 libxcb-icccm4 "
               "libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxkbcommon-x11-0 …)")

XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libEGL.so.1": "libegl1",
}
"""Shared object → Debian/Ubuntu package."""


def missing_libraries(names: Iterable[str]) -> list[str]:
    """The shared objects in ``names`` the dynamic loader cannot find."""
    missing = []
    for name in names:
        try:
            ctypes.CDLL(name)
        except OSError:
            missing.append(name)
    return missing


def uses_xcb(environ: dict[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return False
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0] == "xcb"
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


def hint_line(missing: list[str]) -> str:
    packages = " ".join(sorted({XCB_LIBRARIES.get(m, m) for m in missing}))
    return (f"annotator: Qt cannot start on X11: missing system libraries ({packages}); "
            f"{README_HINT}")


def check_before_qapplication() -> None:
    """Print the one-line hint when the xcb plugin's libraries are missing."""
    if uses_xcb():
        missing = missing_libraries(XCB_LIBRARIES)
        if missing:
            print(hint_line(missing), file=sys.stderr)
    _install_fatal_hint()


def _install_fatal_hint() -> None:
    """If Qt still cannot load a platform plugin, say where the fix is before it aborts."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    told: list[bool] = []

    def handler(kind: QtMsgType, context: object, message: str) -> None:
        print(message, file=sys.stderr)
        if "platform plugin" in message and not told:
            told.append(True)
            print(f"annotator: Qt could not load its platform plugin; {README_HINT}",
                  file=sys.stderr, flush=True)

    qInstallMessageHandler(handler)
