"""Start-up: a fresh process until the window's first frame, and until the seed
article's text is painted, each vs a bare PySide6 window showing the same text.

The app runs its real start-up (``annotator.app.start_gui``, the code behind
``annotator gui``): the shell paints, then the text, then the project is attached. The
child prints a wall-clock stamp at each moment (after the paint in question has
finished) and the parent subtracts the time it launched the child, so Python's own
start-up counts on both sides. The bare baseline creates ``QApplication`` +
``QMainWindow`` with a ``QPlainTextEdit`` holding the seed text, shown, painted: for it,
first frame and text are one event. Runs interleave (app, bare), (bare, app), ...

Figures: ``startup`` (first painted frame, target 1.3), ``startup_text`` (the
article's text painted, target 2.0), ``startup_usable`` (project attached, commands
enabled, report only).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from harness import Context, Measure, log, ratio_result

_STAMPS = r"""
import os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget
def _write(name, when):
    sys.stdout.write("%s %.6f\n" % (name, when)); sys.stdout.flush()
class _Paints(QObject):
    # Stamps each (widget, condition, name) once: when the frame holding the first
    # paint of ``widget`` (a window: any of its widgets) for which ``condition()``
    # holds has been painted. Qt paints a frame as one burst of paint events; the
    # first other event delivered afterwards (to anything) marks its end — before
    # whatever the app does next (its next start-up step) has run.
    def __init__(self):
        super().__init__(); self.waiting = []; self.armed = []
    def eventFilter(self, obj, event):
        is_paint = event.type() == QEvent.Type.Paint
        if self.armed and not is_paint:
            now = time.time()
            for name in self.armed:
                _write(name, now)
            names, self.armed = self.armed, []
            for name in names:
                _after(name)
        if is_paint and isinstance(obj, QWidget):
            for item in list(self.waiting):
                widget, condition, name = item
                if (obj is widget or obj.window() is widget) and condition():
                    self.waiting.remove(item)
                    self.armed.append(name)
        return False
"""

APP_SNIPPET = _STAMPS + r"""
from PySide6.QtWidgets import QApplication
from annotator.app import _ensure_qapplication, start_gui
app = _ensure_qapplication()
paints = _Paints(); app.installEventFilter(paints)
def attached(window):
    paints.waiting.append((window, lambda: True, "USABLE"))
    window.update()
def _after(name):
    if name == "TEXT":
        sys.stdout.write("SQLALCHEMY_AT_TEXT %d\n" % ("sqlalchemy" in sys.modules))
    if name == "USABLE":
        sys.stdout.flush(); os._exit(0)
window = start_gui(sys.argv[1], [], ask_name=False, on_attached=attached)
paints.waiting.append((window, lambda: True, "FIRST"))
view = window.view
paints.waiting.append((view.viewport(),
                       lambda: view.document().characterCount() > 1, "TEXT"))
sys.stdout.write("SQLALCHEMY_AT_SHOW %d\n" % ("sqlalchemy" in sys.modules)); sys.stdout.flush()
QTimer.singleShot(30000, lambda: os._exit(3))
app.exec()
"""

BARE_SNIPPET = _STAMPS + r"""
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit
app = QApplication(sys.argv[:1])
paints = _Paints(); app.installEventFilter(paints)
window = QMainWindow()
view = QPlainTextEdit()
view.setReadOnly(True)
font = QFont("Noto Serif"); font.setStyleHint(QFont.StyleHint.Serif); font.setPointSizeF(12.5)
view.setFont(font)
with open(sys.argv[2], encoding="utf-8") as fh:
    view.setPlainText(fh.read())
window.setCentralWidget(view)
window.resize(1360, 820)
def _after(name):
    os._exit(0)
paints.waiting.append((view.viewport(), lambda: True, "FIRST"))
window.show()
QTimer.singleShot(30000, lambda: os._exit(3))
app.exec()
"""


def _stamps(cmd: list[str], env: dict[str, str], cwd: Path) -> dict[str, float]:
    """Run a snippet; seconds from launch to each stamp it printed."""
    t0 = time.time()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=120)
    marks: dict[str, float] = {}
    flags: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        name, _, value = line.partition(" ")
        if name.startswith("SQLALCHEMY_"):
            flags[name] = value
        elif value:
            marks[name] = float(value) - t0
    if proc.returncode != 0 or "FIRST" not in marks:
        raise RuntimeError(f"startup subprocess failed: rc={proc.returncode}\n"
                           f"{proc.stdout}\n{proc.stderr[-2000:]}")
    if flags.get("SQLALCHEMY_AT_SHOW") not in (None, "0"):
        raise RuntimeError("the storage stack was imported before the window was shown")
    return marks


def measure_startup(tmp: Path, runs: int) -> dict[str, dict[str, Any]]:
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
    env.pop("ANNOTATOR_SETTINGS", None)
    (tmp / "config-startup").mkdir(exist_ok=True)
    py = sys.executable
    app_cmd = [py, "-c", APP_SNIPPET, str(db)]
    bare_cmd = [py, "-c", BARE_SNIPPET, str(db), str(seed_file)]

    _stamps(app_cmd, env, tmp)  # warm the OS file cache and .pyc files for both
    _stamps(bare_cmd, env, tmp)
    first: list[float] = []
    text: list[float] = []
    usable: list[float] = []
    bare: list[float] = []
    for i in range(runs):
        order = ("app", "bare") if i % 2 == 0 else ("bare", "app")
        for kind in order:
            if kind == "app":
                marks = _stamps(app_cmd, env, tmp)
                first.append(marks["FIRST"])
                text.append(marks["TEXT"])
                usable.append(marks["USABLE"])
            else:
                bare.append(_stamps(bare_cmd, env, tmp)["FIRST"])
        log(f"startup [{i + 1}/{runs}] app first frame {first[-1] * 1000:.0f} ms, text "
            f"{text[-1] * 1000:.0f} ms, usable {usable[-1] * 1000:.0f} ms; bare "
            f"{bare[-1] * 1000:.0f} ms")
    method = ("wall time from launching a fresh `python -c` (annotator.app.start_gui) to "
              "the end of the paint in question, vs a bare QMainWindow + QPlainTextEdit "
              "with the seed text")
    return {
        "startup": ratio_result("startup", first, bare, target=1.3,
                                method=method + "; app: first painted frame (the shell)"),
        "startup_text": ratio_result("startup_text", text, bare, target=2.0,
                                     method=method + "; app: the seed article's text "
                                     "painted"),
        "startup_usable": ratio_result("startup_usable", usable, bare, target=None,
                                       method=method + "; app: project attached, "
                                       "commands enabled, painted"),
    }


def run(ctx: Context) -> None:
    for name, result in measure_startup(ctx.tmp, ctx.repeats(7, 3)).items():
        ctx.add(name, result)


MEASURES = [Measure("startup", run, "startup: fresh process to first painted window, "
                                    "to the article text, to a usable window")]
