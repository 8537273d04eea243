"""A database written by the foundation version upgrades in place without loss."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from annotator.domain.facets import Facets
from annotator.domain.facets_codec import decode_facets, encode_facets
from annotator.services import annotate, articles
from annotator.services.export_csv import export_csv
from annotator.services.project import Project
from annotator.storage.engine import head_revision

FIXTURE = Path(__file__).parent / "fixtures" / "foundation-0001.sqlite"


def _snapshot(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(
            'SELECT id, article_id, annotator, label, start, "end", text, prefix, suffix, '
            "source_start, source_end, note, created_at, updated_at FROM annotation ORDER BY id"
        ).fetchall()
    finally:
        con.close()


def test_foundation_file_upgrades_in_place(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    shutil.copy(FIXTURE, db)
    before = _snapshot(db)
    con = sqlite3.connect(db)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    old_labels = con.execute("SELECT key, name, position FROM label ORDER BY position").fetchall()
    con.close()
    assert len(before) == 4

    project = Project(db)
    try:
        assert _snapshot(db) == before  # nothing lost or changed
        con = sqlite3.connect(db)
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == \
            head_revision()
        labels = con.execute("SELECT key, name, position FROM label ORDER BY position").fetchall()
        facets = {r[0] for r in con.execute("SELECT facets FROM annotation")}
        versions = {r[0] for r in con.execute("SELECT version FROM annotation")}
        con.close()
        assert labels[:len(old_labels)] == old_labels  # existing taxonomy untouched
        assert [k for k, _, _ in labels[len(old_labels):]] == ["declined_comment", "other"]
        assert facets == {"{}"} and versions == {1}
        # the upgraded file is fully usable: facets can be recorded and exported
        (summary,) = articles.list_articles(project)
        anns = articles.load_annotations(project, summary.id)
        claim = next(a for a in anns if a.source_start is not None)
        f = Facets.from_dict({"source_count": 3, "knowledge_basis": "direct",
                              "named": "unnamed"})
        change, _ = annotate.apply_edit(project, annotate.UpdateAnnotation.of(
            claim.id, expected_version=1, facets=encode_facets(f)))
        assert decode_facets(change.after.facets) == f
        import io
        buf = io.StringIO()
        assert export_csv(project, buf) == 4
    finally:
        project.close()
