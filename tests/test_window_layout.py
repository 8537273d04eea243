"""Defect 4: the window fits the screen; the article is the largest thing; panes do not
grow it; View › Reset layout; a saved layout that no longer fits is repaired."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("layout_probe.py")


def _probe(tmp_path: Path, size: str, *extra: str) -> dict:  # type: ignore[type-arg]
    r = subprocess.run([sys.executable, str(PROBE), size, str(tmp_path / "p.sqlite"),
                        str(tmp_path / "settings.ini"), *extra],
                       capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("size", ["1280x720", "1600x1000"])
def test_first_start_fits_and_the_article_is_largest(tmp_path: Path, size: str) -> None:
    out = _probe(tmp_path, size)
    start = out["start"]
    assert start["fits"], start
    view_area = start["view"][0] * start["view"][1]
    assert view_area > max(start["docks"].values()), start
    for name in ("profileDock", "agreementDock"):
        after = out[name]
        assert after["fits"] and after["frame"] == start["frame"], (name, after)
        assert after["view"][1] >= start["view"][1] - 2, (name, after)  # article not shrunk
    reset = out["reset"]
    assert reset["layers_visible"] and not reset["details_floating"] and reset["fits"]
    if size == "1600x1000":  # Accept/Reject visible without scrolling
        assert all(out["review_buttons"].values()), out["review_buttons"]


@pytest.mark.slow
def test_saved_layout_too_big_for_the_screen_is_repaired(tmp_path: Path) -> None:
    _probe(tmp_path, "2560x1600", "resize", "2500x1550")  # saved on a big monitor
    out = _probe(tmp_path, "1280x720")  # then opened on a laptop
    assert out["start"]["fits"], out["start"]
    view = out["start"]["view"]
    assert view[0] * view[1] > max(out["start"]["docks"].values())
