"""kill -9 at any moment loses nothing already shown on screen."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

CHILD = textwrap.dedent(r"""
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from annotator.app import create_window, settings
    from PySide6.QtWidgets import QApplication
    s = settings(); s.setValue("analyst/name", "Crash Tester"); s.sync()
    w = create_window(sys.argv[1])
    w.show()
    app = QApplication.instance()
    text = w.article.text
    keys = [l.key for l in w.wb.labels]
    words = [(i, i + 4) for i in range(0, len(text) - 4, 5) if text[i:i+4].strip() == text[i:i+4]]
    n = 0
    while True:  # tag until killed
        s_, e_ = words[n % len(words)]
        w.view.select_cp(s_, e_)
        w.editing.tag_selection(keys[n % 9])
        app.processEvents()
        ann_id = w.selected_id
        print(f"SHOWN {ann_id}", flush=True)  # on screen and reported
        n += 1
""")


@pytest.mark.slow
@pytest.mark.parametrize("n_actions", [25, 120])
def test_sigkill_loses_nothing_shown(tmp_path: Path, n_actions: int) -> None:
    db = tmp_path / "crash.sqlite"
    env = {**os.environ, "ANNOTATOR_SETTINGS": str(tmp_path / "s.ini")}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(db)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)
    shown: list[str] = []
    assert proc.stdout is not None
    try:
        while len(shown) < n_actions:
            line = proc.stdout.readline()
            assert line, "child died early"
            if line.startswith("SHOWN "):
                shown.append(line.split()[1])
    finally:
        os.kill(proc.pid, signal.SIGKILL)  # mid-way through the next action
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in con.execute("SELECT id FROM annotation")}
    finally:
        con.close()
    assert set(shown) <= stored
    assert len(stored) >= n_actions

    # and the real window shows them all after reopening
    from annotator.services import articles
    from annotator.services.project import Project

    p = Project(db)
    (summary,) = articles.list_articles(p)
    assert summary.n_annotations == len(stored)
    p.close()
