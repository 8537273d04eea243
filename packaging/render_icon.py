"""Render resources/annotator.svg to resources/annotator.png (256 px), with Qt's SVG renderer.

The PNG is kept in the repository (menus, the window icon and the Windows/macOS
executable icon use it, and it must not need QtSvg at run time); run this after
editing the SVG: ``.venv/bin/python packaging/render_icon.py``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ROOT / "resources" / "annotator.svg"))
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return 0 if image.save(str(ROOT / "resources" / "annotator.png")) else 1


if __name__ == "__main__":
    raise SystemExit(main())
