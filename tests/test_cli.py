"""The headless front door, run as a real subprocess like a script would."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SEED


def run(*args: str, db: Path | str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "annotator", "--db", str(db), *args],
                          capture_output=True, text=True, encoding="utf-8", env=full_env,
                          timeout=120)


def test_add_list_export_roundtrip(db_path: Path, tmp_path: Path) -> None:
    r = run("add", str(SEED), "--title", "Witkoff and Kushner met Hamas", "--outlet", "Axios",
            db=db_path)
    assert r.returncode == 0, r.stderr
    art_id, title = r.stdout.strip().split("\t")
    assert title == "Witkoff and Kushner met Hamas"
    r = run("list", db=db_path)
    assert r.stdout == f"{art_id}\tWitkoff and Kushner met Hamas\t0\n"
    # tag something through the service layer, then export via CLI
    from annotator.services import annotate, articles
    from annotator.services.project import Project

    p = Project(db_path)
    text = articles.get_article(p, int(art_id)).text
    i = text.index("a senior Qatari official")
    annotate.apply_edit(p, annotate.new_annotation(
        p, article_id=int(art_id), article_text=text, annotator="cli", label="anonymous_official",
        start=i, end=i + len("a senior Qatari official")))
    p.close()
    r = run("export", "--format", "csv", "--article", art_id, db=db_path)
    assert r.returncode == 0
    rows = list(csv.DictReader(io.StringIO(r.stdout, newline="")))
    assert rows[0]["text"] == "a senior Qatari official"
    out = tmp_path / "x.csv"
    r = run("export", "-o", str(out), db=db_path)
    assert r.returncode == 0 and out.read_bytes().startswith(b"annotation_id,article_id")
    assert b"\r\n" in out.read_bytes()
    r = run("list", db=db_path)
    assert r.stdout.endswith("\t1\n")


@pytest.mark.parametrize("content,needle", [
    (b"", "file is empty"),
    (b"\x00\x01\x02\x03", "binary"),
])
def test_bad_input_exit_2_one_line_no_traceback(db_path: Path, tmp_path: Path, content: bytes,
                                                needle: str) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    r = run("add", str(f), db=db_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert str(f) in r.stderr and needle in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_missing_file_and_unknown_article(db_path: Path, tmp_path: Path) -> None:
    r = run("add", str(tmp_path / "nope.txt"), db=db_path)
    assert r.returncode == 2 and "nope.txt" in r.stderr and "Traceback" not in r.stderr
    r = run("export", "--article", "42", db=db_path)
    assert r.returncode == 2 and "article 42 does not exist" in r.stderr
    assert r.stdout == ""


def test_env_var_and_bad_url(tmp_path: Path) -> None:
    db = tmp_path / "env.sqlite"
    r = subprocess.run([sys.executable, "-m", "annotator", "list"], capture_output=True,
                       text=True, env={**os.environ, "ANNOTATOR_DB": str(db)}, timeout=120)
    assert r.returncode == 0 and db.exists()
    r = run("list", db="notadriver://x")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_unwritable_output(db_path: Path, tmp_path: Path) -> None:
    r = run("export", "-o", str(tmp_path / "missing-dir" / "x.csv"), db=db_path)
    assert r.returncode == 2 and "cannot write" in r.stderr and "Traceback" not in r.stderr
