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


def test_every_pane_module_is_registered() -> None:
    import importlib
    import inspect
    import pkgutil

    import annotator.qt.panes as package

    registered = {spec.target for spec in PANES}
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Pane) and cls is not Pane and cls.__module__ == module.__name__:
                assert f"{module.__name__}:{cls_name}" in registered, cls_name
