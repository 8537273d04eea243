#!/usr/bin/env bash
# Build the desktop bundle and smoke-test the BUILT executable (tests/test_bundle.py):
# unpacked from the tarball into a fresh folder, run with a scrubbed environment
# (no PYTHONPATH/venv), --version without a display, first start of the window
# offscreen (seeds, paints, stays up), `tag` through the CLI, CSV export checked,
# the menu entry installed. Usage, from the repository root with the project's venv:
#     bash packaging/smoke.sh            # build, then test
#     bash packaging/smoke.sh --no-build # test an existing dist/annotator
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
if [ "${1:-}" != "--no-build" ]; then
    "$PY" packaging/build.py
fi
ANNOTATOR_BUNDLE=dist/annotator exec "$PY" -m pytest -q -p no:cacheprovider -m bundle tests/test_bundle.py
