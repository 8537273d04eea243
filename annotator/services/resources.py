"""Where shipped data lives: ``resources/`` (taxonomy, icons) and ``seeds/`` (articles)."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
RESOURCES = REPO_ROOT / "resources"
SEEDS = REPO_ROOT / "seeds"
DEFAULT_TAXONOMY = RESOURCES / "taxonomy.json"


def seed_files() -> list[Path]:
    return sorted(p for p in SEEDS.glob("*.txt") if p.is_file())
