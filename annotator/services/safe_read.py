"""Read an input file safely: regular files only, with a size cap that holds while reading.

``annotator add`` on a named pipe used to block forever, and a symbolic link to
``/dev/zero`` read until the process ran out of memory. Here the path is resolved
(links followed), anything but a regular file is refused by its kind, the file is
opened non-blocking (so a pipe swapped in after the check cannot block either) and
checked again on the open descriptor, and at most ``limit + 1`` bytes are ever read:
a file that grows past the limit while being read is refused, not read to the end.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from annotator.domain.errors import UserInputError

CHUNK = 1 << 20


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_regular_file(path: Path) -> os.stat_result:
    """Stat ``path`` (following links); refuse anything that is not a regular file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise UserInputError(f"{path}: no such file") from None
    except OSError as exc:
        raise UserInputError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        via = " (via a symbolic link)" if path.is_symlink() else ""
        kind = _kind(st.st_mode)
        if stat.S_ISDIR(st.st_mode):
            raise UserInputError(f"{path}: is a folder, not a file{via}")
        raise UserInputError(f"{path}: is {kind}{via}, not a regular file; only files "
                             f"can be imported")
    return st


def read_regular_file(path: Path, limit: int, *, limit_hint: str = "") -> bytes:
    """The bytes of the regular file ``path``, refusing it if it holds more than ``limit``."""
    st = check_regular_file(path)
    mb = f"{limit / 1e6:.0f} MB{limit_hint}"
    if st.st_size > limit:  # refuse a huge file before reading any of it
        raise UserInputError(f"{path}: file is too large ({st.st_size / 1e6:.0f} MB; the limit "
                             f"is {mb})")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise UserInputError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped after the check above
            raise UserInputError(f"{path}: is not a regular file; only files can be imported")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise UserInputError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if total > limit:
        raise UserInputError(f"{path}: file is too large (over {mb}; it grew while being "
                             f"read)")
    return b"".join(chunks)
