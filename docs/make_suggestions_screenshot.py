"""Regenerate docs/screenshot-suggestions.png: ``python docs/make_suggestions_screenshot.py``.

Opens the seed article in the real window on a throwaway project, runs Tag › Suggest
attributions with the Suggestions list shown (Tag › Suggestions list), accepts one suggestion (so a real annotation sits beside the dashed
suggestions) and saves ``window.grab()``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

DOCS = Path(__file__).resolve().parent


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="annotator-shots-"))
    os.environ["ANNOTATOR_SETTINGS"] = str(tmp / "settings.ini")
    if not os.environ.get("DISPLAY"):
        # The offscreen screen is 800x800 by default: give it a desktop-sized one.
        screen = tmp / "screen.json"
        screen.write_text(json.dumps({"screens": [{
            "name": "shot", "x": 0, "y": 0, "width": 1600, "height": 1000,
            "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"
    from PySide6.QtWidgets import QApplication

    from annotator.app import create_window, settings

    s = settings()
    s.setValue("analyst/name", "Ana Analyst")
    s.sync()
    window = create_window(tmp / "demo.sqlite")
    window.resize(1440, 860)
    window.show()
    app = QApplication.instance()
    assert app is not None
    window.wb.actions.commands["actionSuggestionList"].action.trigger()  # suggests, lists
    ctl = window.suggestions
    while ctl.pending is not None:  # the engine runs in a worker thread
        app.processEvents()
        time.sleep(0.01)
    first = next(i for i, p in enumerate(ctl.proposals)
                 if p.record()["source_text"] == "three sources with direct knowledge of the talks")
    ctl.go(first)
    ctl.accept()
    current = next(i for i, p in enumerate(ctl.proposals)
                   if p.record()["source_text"] == "a senior Qatari official")
    ctl.go(current)
    for _ in range(5):
        app.processEvents()
    window.grab().save(str(DOCS / "screenshot-suggestions.png"))
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
