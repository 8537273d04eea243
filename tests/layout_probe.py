"""Run the real window on a simulated screen and print layout facts as JSON.

Used by tests/test_window_layout.py in a subprocess, because the offscreen platform's
screen size is fixed when the QApplication starts:
``python tests/layout_probe.py WIDTHxHEIGHT DB SETTINGS [resize WxH]``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    size, db, settings_path = sys.argv[1], sys.argv[2], sys.argv[3]
    width, height = (int(x) for x in size.split("x"))
    config = Path(tempfile.mkdtemp()) / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "probe", "x": 0, "y": 0,
                                               "width": width, "height": height,
                                               "logicalDpi": 96, "dpr": 1}]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    os.environ["ANNOTATOR_SETTINGS"] = settings_path
    from PySide6.QtWidgets import QApplication

    from annotator.app import create_window, settings

    s = settings()
    s.setValue("analyst/name", "Ana")
    s.sync()
    window = create_window(db)
    window.show()
    app = QApplication.instance()
    assert app is not None

    def settle(n: int = 30) -> None:
        for _ in range(n):
            app.processEvents()

    def facts() -> dict[str, object]:
        area = window.screen().availableGeometry()
        frame = window.frameGeometry()
        docks = {d.objectName(): d.width() * d.height() for d in window.panes.docks()
                 if d.isVisible() and not d.visibleRegion().isEmpty()}
        return {"fits": area.contains(frame), "frame": [frame.width(), frame.height()],
                "view": [window.view.width(), window.view.height()], "docks": docks}

    settle()
    out: dict[str, object] = {"start": facts()}
    for name in ("profileDock", "agreementDock"):
        dock = window.panes.panes[name].dock
        dock.show()
        dock.raise_()
        settle()
        out[name] = facts()
    window.panes.panes["layersDock"].dock.hide()
    window.panes.panes["detailsDock"].dock.setFloating(True)
    settle()
    window.wb.actions.action("actionResetLayout").trigger()
    settle()
    out["reset"] = facts()
    out["reset"]["layers_visible"] = window.panes.panes["layersDock"].dock.isVisible()  # type: ignore[index]
    out["reset"]["details_floating"] = window.panes.panes["detailsDock"].dock.isFloating()  # type: ignore[index]
    window.wb.actions.action("actionCompare").trigger()
    settle()
    panel = window.pane("reviewDock").panel  # type: ignore[attr-defined]
    out["review_buttons"] = {name: panel.buttons[name].isVisible()
                             and not panel.buttons[name].visibleRegion().isEmpty()
                             for name in ("accept_a", "accept_b", "reject_a", "reject_b")}
    if len(sys.argv) > 5 and sys.argv[4] == "resize":
        w, h = (int(x) for x in sys.argv[5].split("x"))
        window.resize(w, h)
        settle()
    window.close()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
