"""The benchmark harness: registry, table, --compare (behaviour only, nothing is timed)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def bench():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCH))
    try:
        import harness
        import run

        yield harness, run
    finally:
        sys.path.remove(str(BENCH))


def test_every_bench_module_is_registered_and_names_are_unique(bench) -> None:
    _, run = bench
    on_disk = sorted(p.stem for p in BENCH.glob("bench_*.py"))
    assert sorted(run.MODULES) == on_disk, "register each benchmarks/bench_*.py in MODULES"
    measures = run.load_measures()
    assert {"open", "tag", "memory", "export", "import", "formats", "startup"} <= set(measures)
    for m in measures.values():
        assert callable(m.run) and m.doc


def test_ratio_and_rss_results_keep_the_json_names(bench) -> None:
    harness, _ = bench
    r = harness.ratio_result("x", [0.3, 0.1, 0.2], [0.1, 0.1, 0.1], target=1.5)
    assert (r["ratio"], r["target"], r["ok"]) == (2.0, 1.5, False)
    assert r["app_s"] == 0.2 and r["repeats"] == 3
    m = harness.rss_result("rss_mb_x", [300.0, 310.0], [200.0, 200.0], target_delta_mb=150)
    assert m["kind"] == "rss_mb" and m["delta_mb"] == 105.0 and m["ok"] is True
    assert m["value"] == 105.0 and "ratio" in m
    report_only = harness.ratio_result("y", [1.0], [1.0], target=None)
    assert report_only["ok"] is None


def test_table_fits_one_screen_and_shows_verdicts(bench) -> None:
    harness, _ = bench
    results = {
        "open_50k": harness.ratio_result("open_50k", [0.078], [0.018], target=1.5),
        "rss_mb_open_50k": harness.rss_result("rss_mb_open_50k", [320.0], [180.0],
                                              target_delta_mb=150),
        "export_w3c_vs_csv": harness.ratio_result("e", [2.0], [1.0], target=None),
    }
    out = harness.table(results)
    lines = out.splitlines()
    assert lines[0].split() == ["figure", "app", "baseline", "ratio", "target", "ok"]
    assert len(lines) == 2 + len(results) and max(map(len, lines)) <= 100
    row = {ln.split()[0]: ln for ln in lines[2:]}
    assert "4.33×" in row["open_50k"] and row["open_50k"].endswith("MISS")
    assert "+140 MB" in row["rss_mb_open_50k"] and row["rss_mb_open_50k"].endswith("ok")
    assert row["export_w3c_vs_csv"].endswith("—")


def test_compare_flags_only_regressions_over_twenty_percent(bench, tmp_path: Path) -> None:
    harness, _ = bench
    old_file = tmp_path / "old.json"
    # An old run as the previous run.py wrote it: only `ratio`, no `value`/`kind`.
    old_file.write_text(json.dumps({"results": {
        "open_50k": {"ratio": 2.0, "target": 1.5, "ok": False},
        "tag_50k_vs_0": {"ratio": 1.0, "target": 1.2, "ok": True},
        "startup": {"ratio": 5.0, "target": 1.3, "ok": False},
        "rss_mb_open_50k": {"kind": "rss_mb", "value": 100.0, "ratio": 1.5},
        "gone": {"ratio": 1.0},
    }}))
    old = harness.load_results(old_file)
    new = {
        "open_50k": harness.ratio_result("open_50k", [0.23], [0.1], target=1.5),  # +15 %
        "tag_50k_vs_0": harness.ratio_result("t", [0.13], [0.1], target=1.2),  # +30 %
        "startup": harness.ratio_result("s", [1.3], [1.0], target=1.3),  # better
        "rss_mb_open_50k": harness.rss_result("m", [215.0], [100.0], target_delta_mb=150),
        "brand_new": harness.ratio_result("b", [1.0], [1.0], target=None),
    }
    cmp = harness.compare(new, old)
    assert {k for k, c in cmp.items() if c["regressed"]} == {"tag_50k_vs_0"}
    assert "brand_new" not in cmp and "gone" not in cmp
    assert cmp["startup"]["change"] < 0
    shown = harness.table(new, cmp)
    assert "REGRESSED" in next(ln for ln in shown.splitlines() if ln.startswith("tag_50k"))
    assert next(ln for ln in shown.splitlines() if ln.startswith("brand_new")).endswith("new")


def test_interleave_rotates_the_order_every_round(bench) -> None:
    harness, _ = bench
    calls: list[str] = []
    runs = harness.interleave({"app": lambda: calls.append("app") or 1.0,
                               "bare": lambda: calls.append("bare") or 2.0}, 4)
    assert calls == ["app", "bare", "bare", "app", "app", "bare", "bare", "app"]
    assert runs == {"app": [1.0] * 4, "bare": [2.0] * 4}


def test_paired_ratio_is_the_median_of_per_round_ratios(bench) -> None:
    """A load burst that slows one round (both sides) moves the paired ratio less
    than the ratio of medians; the spread of the rounds is kept for the report."""
    harness, _ = bench
    app = [1.2, 2.4, 1.2, 1.3, 2.6]    # rounds 2 and 5 ran under load
    base = [1.0, 2.0, 1.0, 1.0, 2.0]
    r = harness.ratio_result("export_100k", app, base, target=1.5, paired=True)
    assert r["ratio"] == 1.2 and r["value"] == 1.2 and r["ok"] is True
    assert r["ratio_spread"] == [1.2, 1.3]
    assert r["ratio_of_medians"] == 1.3 / 1.0
    assert harness.ratio_result("x", app, base, target=1.5)["ratio"] == 1.3
