"""Defect 12: without Qt's xcb libraries the app prints one line pointing at the README."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.qt.platform_check import XCB_LIBRARIES, hint_line, missing_libraries, uses_xcb

README = Path(__file__).resolve().parents[1] / "README.md"


def test_missing_library_is_named_with_its_package() -> None:
    assert missing_libraries(["libdefinitely-not-here.so.0"]) == ["libdefinitely-not-here.so.0"]
    line = hint_line(["libxcb-cursor.so.0"])
    assert "libxcb-cursor0" in line and "README" in line and "\n" not in line


def test_uses_xcb_only_on_x11() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("X11 only")
    assert uses_xcb({"DISPLAY": ":0"})
    assert not uses_xcb({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"})
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb"})
    assert not uses_xcb({"QT_QPA_PLATFORM": "offscreen"})


def test_readme_lists_every_debian_package_the_check_names() -> None:
    text = README.read_text(encoding="utf-8")
    for package in XCB_LIBRARIES.values():
        assert package in text, package


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 only")
def test_failed_platform_plugin_prints_one_pointer_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(QT_QPA_PLATFORM="xcb", DISPLAY=":93", ANNOTATOR_SETTINGS=str(tmp_path / "s.ini"))
    r = subprocess.run([sys.executable, "-m", "annotator", "--db", str(tmp_path / "p.sqlite")],
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("annotator: Qt")]
    assert len(lines) == 1 and "README" in lines[0], r.stderr
