"""The CLI's output streams: human-readable text never reaches the terminal raw.

:func:`install` replaces ``sys.stdout``/``sys.stderr`` with writers that pass every
string through :func:`annotator.domain.display.printable` (multi-line mode). stderr is
always human-readable; stdout is too, except a machine format (``--format json`` or
``csv``) written to a pipe or file, which keeps the data exact. A machine format written
to a terminal is escaped as well: a terminal is read by a person.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from annotator.domain.display import printable

MACHINE_FORMATS = frozenset({"json", "jsonl", "csv"})


class SanitisingStream:
    """A text stream that escapes control characters in everything written to it."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        self._inner.write(printable(text, multiline=True))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def install(*, machine_stdout: bool) -> tuple[TextIO, TextIO]:
    """Wrap the streams; returns the originals (for :func:`restore`)."""
    saved = (sys.stdout, sys.stderr)
    if not machine_stdout or is_terminal(sys.stdout):
        sys.stdout = SanitisingStream(sys.stdout)  # type: ignore[assignment]
    sys.stderr = SanitisingStream(sys.stderr)  # type: ignore[assignment]
    return saved


def restore(saved: tuple[TextIO, TextIO]) -> None:
    sys.stdout, sys.stderr = saved
