"""The pane registry (qt/pane_registry.py) is the shell's only knowledge of its panes:
every path must load the pane it names, and the shell must not import the docks."""

from __future__ import annotations

import subprocess
import sys

from annotator.qt.pane import Pane
from annotator.qt.pane_registry import PANES


def test_every_spec_loads_its_pane_class() -> None:
    names = [spec.name for spec in PANES]
    assert len(names) == len(set(names))
    for spec in PANES:
        pane_type = spec.load()
        assert issubclass(pane_type, Pane), spec.target
        assert pane_type.name == spec.name, spec.target
        # packaging/annotator.spec collects annotator's submodules (string paths are
        # invisible to PyInstaller's import analysis)
        assert spec.target.startswith("annotator.qt.panes."), spec.target
        if spec.tab_with is not None:
            assert spec.tab_with in names[:names.index(spec.name)], spec.name


def test_shell_import_leaves_dock_modules_unloaded() -> None:
    code = ("import sys, annotator.qt.main_window\n"
            "print(' '.join(m for m in sys.modules if m.startswith('annotator.qt.panes.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    assert out == [], out
