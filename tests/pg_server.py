"""A throwaway PostgreSQL cluster for the team-store tests (real server, no mocks).

``$ANNOTATOR_TEST_PG_URL`` (a server URL whose user may CREATE DATABASE) is used if
set. Otherwise, when Debian's ``postgresql`` package is installed, a cluster is made
in a temp folder with ``initdb`` and started with ``pg_ctl`` on a loopback port; it is
stopped at the end of the session. Without either, PostgreSQL tests are skipped
locally — ``.ci/run`` installs the package, so CI always runs them.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path


def _bin_dir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(
        p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0)
    for c in reversed(candidates):
        if (Path(c) / "initdb").exists():
            return Path(c)
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    def __init__(self) -> None:
        self.url: str | None = os.environ.get("ANNOTATOR_TEST_PG_URL")
        self.reason = ""
        self._data: Path | None = None
        self._bin: Path | None = None
        self._as: list[str] = []
        self._options = ""

    def start(self) -> None:
        if self.url:
            return
        bindir = _bin_dir()
        if bindir is None:
            self.reason = "PostgreSQL server binaries not installed (apt-get install postgresql)"
            return
        self._bin = bindir
        root = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
        root.chmod(0o777)
        data = root / "data"
        if os.geteuid() == 0:  # initdb refuses to run as root
            self._as = ["runuser", "-u", "postgres", "--"]
        port = _free_port()
        try:
            subprocess.run([*self._as, str(bindir / "initdb"), "-D", str(data), "-A", "trust",
                            "-U", "annotator", "-E", "UTF8", "--no-locale"],
                           check=True, capture_output=True, timeout=120)
            self._options = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 "
                             "-c fsync=off -c max_connections=100")
            self._data = data
            self.resume()
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            self.reason = f"could not start PostgreSQL: {exc} {detail.decode(errors='replace')}"
            self._data = None
            return
        self.url = f"postgresql+psycopg://annotator@127.0.0.1:{port}/postgres"

    def new_database(self) -> str:
        """Create an empty database and return its URL (each test gets its own)."""
        assert self.url
        import sqlalchemy as sa

        name = f"t_{uuid.uuid4().hex[:12]}"
        engine = sa.create_engine(self.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def halt(self) -> None:
        """Stop the server at once (``pg_ctl stop -m immediate``: like a crash); data kept.

        For the "server goes away" tests — use a cluster of your own for them
        (``Cluster().start()``), not the session's shared one.
        """
        assert self._data is not None and self._bin is not None
        subprocess.run([*self._as, str(self._bin / "pg_ctl"), "-D", str(self._data), "-m",
                        "immediate", "-w", "stop"], check=True, capture_output=True, timeout=60)

    def resume(self) -> None:
        """(Re)start the server on the same port with the same data."""
        assert self._data is not None and self._bin is not None
        subprocess.run([*self._as, str(self._bin / "pg_ctl"), "-D", str(self._data), "-w",
                        "-l", str(self._data.parent / "log"), "-o", self._options, "start"],
                       check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        if self._data is not None and self._bin is not None:
            subprocess.run([*self._as, str(self._bin / "pg_ctl"), "-D", str(self._data), "-m",
                            "immediate", "stop"], capture_output=True, timeout=60)
            shutil.rmtree(self._data.parent, ignore_errors=True)
            self._data = None
