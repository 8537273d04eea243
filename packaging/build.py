"""Build the desktop bundle: ``python packaging/build.py`` (with the project's venv).

Produces, under ``dist/`` at the repository root:

* ``dist/annotator/`` — the one-folder application; ``dist/annotator/annotator`` is the
  executable (window with no subcommand, CLI with one), with Qt plugins, resources,
  the seed article and the Alembic migrations inside (``packaging/annotator.spec``);
  on Linux also ``share/`` (``.desktop`` file and icons) and ``install-desktop-entry.sh``.
* ``dist/annotator-VERSION-PLATFORM.tar.gz`` (``.zip`` on Windows) of that folder.

It installs what it needs into the running interpreter's environment: PyInstaller
(pinned below), on Windows/macOS Pillow (for the executable's icon) and, if missing,
the project itself (``pip install -e .``). On Linux it
also makes sure the X11 libraries Qt's xcb platform plugin links against are on the
build machine, so PyInstaller bundles them — a fresh desktop then needs none of them
installed by hand. As root with apt-get it installs the missing ones; otherwise it
stops and names the packages (``--allow-missing-xcb`` builds anyway).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "annotator.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
BUNDLE = DIST / "annotator"
PYINSTALLER_REQUIREMENT = "pyinstaller>=6.10,<7"


def log(message: str) -> None:
    print(f"build.py: {message}", flush=True)


def pip_install(*requirements: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", *requirements], check=True)


def ensure_tools() -> None:
    if sys.prefix == sys.base_prefix:
        log("warning: not running in a virtualenv; PyInstaller will be installed into "
            f"{sys.prefix} (use the project's venv: .venv/bin/python packaging/build.py)")
    try:
        import annotator  # noqa: F401
    except ImportError:
        log("installing the project (pip install -e .)")
        pip_install("-e", str(ROOT))
    try:
        import PyInstaller

        major_minor = tuple(int(n) for n in PyInstaller.__version__.split(".")[:2])
        if not (6, 10) <= major_minor < (7, 0):
            raise ImportError(PyInstaller.__version__)
    except (ImportError, ValueError):
        log(f"installing {PYINSTALLER_REQUIREMENT}")
        pip_install(PYINSTALLER_REQUIREMENT)
    if sys.platform in ("win32", "darwin"):
        try:
            import PIL  # noqa: F401  (PyInstaller needs it to turn the PNG into .ico/.icns)
        except ImportError:
            log("installing pillow (executable icon)")
            pip_install("pillow")


def _debian_package(soname: str) -> str:
    """``libxcb-icccm.so.4`` -> ``libxcb-icccm4``; ``libxkbcommon-x11.so.0`` -> ``...-x11-0``."""
    match = re.fullmatch(r"(lib.+)\.so\.(\d+)", soname)
    if not match:
        return soname
    name, version = match.groups()
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def missing_xcb_libraries() -> list[str]:
    """Libraries Qt's xcb platform plugin needs that this machine does not have."""
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists() or shutil.which("ldd") is None:
        return []
    out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True).stdout
    return sorted({line.split()[0] for line in out.splitlines() if "not found" in line})


def ensure_xcb_libraries(allow_missing: bool) -> None:
    missing = missing_xcb_libraries()
    if not missing:
        return
    packages = sorted({_debian_package(name) for name in missing})
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log(f"installing {' '.join(packages)} so the bundle carries {' '.join(missing)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]
        if subprocess.run(install, env=env).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, check=True)
            subprocess.run(install, env=env, check=True)
        missing = missing_xcb_libraries()
    if missing:
        message = (f"Qt's xcb plugin needs {' '.join(missing)}, missing here; the bundle would "
                   f"not start on an X11 desktop lacking them. Install: "
                   f"apt-get install {' '.join(packages)}")
        if not allow_missing:
            raise SystemExit(f"build.py: error: {message} (or pass --allow-missing-xcb)")
        log(f"warning: {message}")


def run_pyinstaller(clean: bool) -> None:
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(DIST), "--workpath", str(WORK), str(SPEC)]
    if clean:
        command.insert(3, "--clean")
    subprocess.run(command, cwd=ROOT, check=True)


def add_desktop_integration() -> None:
    """``share/`` with the .desktop file and icons, and the script that installs them."""
    share = BUNDLE / "share"
    for sub, name in (("256x256", "annotator.png"), ("scalable", "annotator.svg")):
        target = share / "icons" / "hicolor" / sub / "apps"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "resources" / name, target / name)
    (share / "applications").mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "resources" / "annotator.desktop",
                 share / "applications" / "annotator.desktop")
    script = BUNDLE / "install-desktop-entry.sh"
    shutil.copy2(ROOT / "packaging" / "install-desktop-entry.sh", script)
    script.chmod(0o755)


def platform_tag() -> str:
    system = {"Linux": "linux", "Darwin": "macos", "Windows": "windows"}.get(
        platform.system(), platform.system().lower())
    return f"{system}-{platform.machine().lower()}"


def make_archive(version: str) -> Path:
    stem = f"annotator-{version}-{platform_tag()}"
    if sys.platform == "win32":
        archive = DIST / f"{stem}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(BUNDLE.rglob("*")):
                zf.write(path, Path("annotator") / path.relative_to(BUNDLE))
        return archive
    archive = DIST / f"{stem}.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=6) as tf:
        tf.add(BUNDLE, arcname="annotator")
    return archive


def tree_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_dir())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", action="store_true", help="discard PyInstaller's cache")
    parser.add_argument("--allow-missing-xcb", action="store_true",
                        help="build even if Qt's X11 libraries cannot be bundled")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    ensure_tools()
    if sys.platform.startswith("linux"):
        ensure_xcb_libraries(args.allow_missing_xcb)
    from annotator import __version__

    run_pyinstaller(args.clean)
    if sys.platform.startswith("linux"):
        add_desktop_integration()
    archive = make_archive(__version__)
    executable = BUNDLE / ("annotator.exe" if sys.platform == "win32" else "annotator")
    log(f"built {executable.relative_to(ROOT)} ({tree_size(BUNDLE) / 1e6:.1f} MB unpacked), "
        f"{archive.relative_to(ROOT)} ({archive.stat().st_size / 1e6:.1f} MB) "
        f"in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
