"""Where shipped data lives: ``resources/`` (taxonomy, rubric, icon) and ``seeds/`` (articles).

From a source checkout (``pip install -e .``) they sit at the repository root. In the
PyInstaller bundle (packaging/annotator.spec) they are unpacked beside the code, in
``sys._MEIPASS`` (``dist/annotator/_internal/``), under the same names; the spec copies
them there and ``tests/test_bundle.py`` checks the built executable finds them.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _data_root() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle)
    return Path(__file__).resolve().parents[2]


REPO_ROOT = _data_root()
"""The folder holding ``resources/`` and ``seeds/`` (the bundle's ``_MEIPASS`` when frozen)."""
FROZEN = bool(getattr(sys, "frozen", False))
RESOURCES = REPO_ROOT / "resources"
SEEDS = REPO_ROOT / "seeds"
DEFAULT_TAXONOMY = RESOURCES / "taxonomy.json"
APP_ICON = RESOURCES / "annotator.png"


def seed_files() -> list[Path]:
    return sorted(p for p in SEEDS.glob("*.txt") if p.is_file())
