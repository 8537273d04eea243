"""Regression guard for the PySide6 6.12.0 / CPython 3.11 refcount bug.

6.12.0 on 3.11 decrements None's refcount on every void Qt call and aborts the
process ("deallocating None") after ~100k calls. pyproject.toml keeps 3.11 on
6.11.x; this test makes >200k void calls in a child process so a regression shows
up as a failed test, not a crashed test run.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib.metadata import version

CHILD = textwrap.dedent("""
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication, QWidget
    from PySide6.QtCore import QObject
    from PySide6.QtGui import QTextCursor, QTextDocument
    app = QApplication([])
    w = QWidget(); obj = QObject(); doc = QTextDocument("x" * 100); cur = QTextCursor(doc)
    before = sys.getrefcount(None)
    for i in range(70_000):
        w.setEnabled(i % 2 == 0)      # void
        obj.setObjectName("n")        # void
        cur.setPosition(i % 100)      # void
    print("calls", 210_000, "none_refcount_delta", sys.getrefcount(None) - before)
""")


def test_over_200k_void_qt_calls_do_not_abort() -> None:
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "calls 210000" in result.stdout


def test_pyside_pin_for_python_311() -> None:
    if sys.version_info < (3, 12):
        assert not version("PySide6").startswith("6.12.0"), "PySide6 6.12.0 aborts on 3.11"
