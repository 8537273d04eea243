"""Start-up time of the built bundle against the pip-installed app, measured the same way
in the same run: ``.venv/bin/python packaging/measure_start.py [--rounds N]``.

For each of ``dist/annotator/annotator`` and the venv's ``annotator`` console script
(``pip install -e .``): wall-clock time from spawning the process to

* ``--version`` exiting (headless: Python start, CLI import, schema read), and
* the window's first paint (``gui --smoke-exit-after-paint 0``, offscreen; the moment
  the "first paint" line reaches stderr), on a project already seeded by an untimed
  first start (whose time is reported separately as ``first_start_s``).

Both run with the same scrubbed environment, alternating, so machine load hits both
alike. Prints JSON with medians and minima and the bundle/pip ratios of both (on a
loaded machine the ratio of minima, and the CPU time the process used (``*_cpu_s``:
user + system, start to exit), are steadier estimates of the bundle's overhead). The OS file cache is warm
after the first round (this container cannot drop caches); ``first_*`` are the runs
after the build, closest to a cold start.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def env_for(home: Path) -> dict[str, str]:
    return {"HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"), "XDG_CACHE_HOME": str(home / "cache"),
            "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"}


CPU: list[tuple[str, str, float]] = []
"""(variant, what, CPU seconds of the child) — steadier than wall time on a busy machine."""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_version(exe: Path, home: Path) -> float:
    cpu = _children_cpu()
    started = time.perf_counter()
    subprocess.run([str(exe), "--version"], env=env_for(home), check=True,
                   capture_output=True, timeout=120)
    elapsed = time.perf_counter() - started
    CPU.append((str(exe), "version_cpu_s", _children_cpu() - cpu))
    return elapsed


def time_first_paint(exe: Path, home: Path) -> float:
    cpu = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.Popen([str(exe), "gui", "--smoke-exit-after-paint", "0"],
                            env=env_for(home), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    painted = None
    for line in proc.stderr:
        if line.startswith("annotator: first paint"):
            painted = time.perf_counter() - started
            break
    proc.communicate(timeout=120)
    if painted is None or proc.returncode != 0:
        raise SystemExit(f"{exe}: window did not paint (exit {proc.returncode})")
    CPU.append((str(exe), "gui_cpu_s", _children_cpu() - cpu))  # start to exit
    return painted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "annotator" / "annotator")
    parser.add_argument("--pip", type=Path, default=Path(sys.executable).with_name("annotator"),
                        help="the pip-installed console script (default: beside this Python)")
    args = parser.parse_args()
    variants = {"bundle": args.bundle, "pip": args.pip}
    for name, exe in variants.items():
        if not exe.is_file():
            raise SystemExit(f"{name}: {exe} not found")
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        homes = {name: Path(tmp) / name for name in variants}
        for name, exe in variants.items():
            homes[name].mkdir()
            first_version = time_version(exe, homes[name])
            first_start = time_first_paint(exe, homes[name])  # imports the seed
            results[name] = {"first_version_s": round(first_version, 3),
                             "first_start_s": round(first_start, 3),
                             "version_s": [], "first_paint_s": []}
        CPU.clear()  # only the timed rounds
        for _ in range(args.rounds):
            for name, exe in variants.items():
                results[name]["version_s"].append(time_version(exe, homes[name]))  # type: ignore[attr-defined]
                results[name]["first_paint_s"].append(time_first_paint(exe, homes[name]))  # type: ignore[attr-defined]
    summary: dict[str, object] = {"rounds": args.rounds}
    for name, figures in results.items():
        for key in ("version_s", "first_paint_s"):
            samples = figures[key]
            figures[key] = round(statistics.median(samples), 3)  # type: ignore[arg-type]
            figures[f"{key}_min"] = round(min(samples), 3)  # type: ignore[type-var]
        summary[name] = figures
    for name, exe in variants.items():
        for key in ("version_cpu_s", "gui_cpu_s"):
            samples = [cpu for who, what, cpu in CPU if who == str(exe) and what == key]
            results[name][key] = round(statistics.median(samples), 3)
    for key in ("version_s", "first_paint_s", "version_s_min", "first_paint_s_min",
                "version_cpu_s", "gui_cpu_s"):
        bundle = results["bundle"][key]
        pip = results["pip"][key]
        summary[f"ratio_{key}"] = round(bundle / pip, 2)  # type: ignore[operator]
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
