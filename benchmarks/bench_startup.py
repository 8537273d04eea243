"""Start-up: a fresh process until the first painted window vs a bare PySide6 window."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from harness import Context, Measure, log, ratio_result

_PAINT_PRELUDE = r"""
import os, sys, time
from PySide6.QtCore import QEvent, QObject
class _W(QObject):
    paints = 0
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False
def _wait_painted(widget):
    from PySide6.QtWidgets import QApplication
    w = _W(); widget.installEventFilter(w)
    return w
def _finish(w):
    from PySide6.QtWidgets import QApplication
    deadline = time.perf_counter() + 30
    while w.paints == 0 and time.perf_counter() < deadline:
        QApplication.processEvents()
    QApplication.processEvents(); QApplication.processEvents()
    sys.stdout.write("PAINTED %d\n" % w.paints); sys.stdout.flush()
    os._exit(0)
"""

APP_SNIPPET = _PAINT_PRELUDE + r"""
from annotator.app import create_window
window = create_window(sys.argv[1])
w = _wait_painted(window.view.viewport())
window.show()
_finish(w)
"""

BARE_SNIPPET = _PAINT_PRELUDE + r"""
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit
app = QApplication(sys.argv[:1])
window = QMainWindow()
view = QPlainTextEdit()
view.setReadOnly(True)
font = QFont("Noto Serif"); font.setStyleHint(QFont.StyleHint.Serif); font.setPointSizeF(12.5)
view.setFont(font)
with open(sys.argv[2], encoding="utf-8") as fh:
    view.setPlainText(fh.read())
window.setCentralWidget(view)
window.resize(1360, 820)
w = _wait_painted(view.viewport())
window.show()
_finish(w)
"""


def measure_startup(tmp: Path, runs: int) -> dict[str, Any]:
    from annotator.app import seed_if_empty
    from annotator.services.project import Project
    from annotator.services.resources import seed_files

    db = tmp / "startup.sqlite"
    project = Project(db)
    seed_if_empty(project)  # the app's own first-start path: the seed article
    project.close()
    seed_file = seed_files()[0]
    env = dict(os.environ)
    env["XDG_CONFIG_HOME"] = str(tmp / "config-startup")
    (tmp / "config-startup").mkdir(exist_ok=True)
    py = sys.executable

    def once(kind: str) -> float:
        cmd = ([py, "-c", APP_SNIPPET, str(db)] if kind == "app"
               else [py, "-c", BARE_SNIPPET, str(db), str(seed_file)])
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, env=env, cwd=tmp, capture_output=True, text=True,
                              timeout=120)
        elapsed = time.perf_counter() - t0
        if proc.returncode != 0 or "PAINTED" not in proc.stdout or "PAINTED 0" in proc.stdout:
            raise RuntimeError(f"startup {kind} subprocess failed: rc={proc.returncode}\n"
                               f"{proc.stdout}\n{proc.stderr[-2000:]}")
        return elapsed

    once("app")  # warm the OS file cache and .pyc files for both
    once("bare")
    app_runs: list[float] = []
    base_runs: list[float] = []
    for i in range(runs):
        order = ("app", "bare") if i % 2 == 0 else ("bare", "app")
        for kind in order:
            (app_runs if kind == "app" else base_runs).append(once(kind))
        log(f"startup [{i + 1}/{runs}] app {app_runs[-1] * 1000:.0f} ms, "
            f"bare {base_runs[-1] * 1000:.0f} ms")
    return ratio_result("startup", app_runs, base_runs, target=1.3,
                     method="wall time of a fresh `python -c` subprocess until first paint")


def run(ctx: Context) -> None:
    ctx.add("startup", measure_startup(ctx.tmp, ctx.repeats(7, 3)))


MEASURES = [Measure("startup", run, "startup: fresh process to first painted window")]
